"""NPS: every state change of the survey and the customer-success follow-ups (docs/rules.md: NPS).

``record_nps`` stores an answer (eligibility: NPS_MIN_MEMBERSHIP_DAYS of membership, one answer per
NPS_SURVEY_INTERVAL_DAYS), opens a follow-up for a detractor (due after NPS_FOLLOWUP_HOURS) and
announces ``nps_answered`` (points and badge in rewards, the engagement log, the moderation gate).
``update_followup`` moves a follow-up along ``rules.TRANSITIONS`` with a note, audited. No action
commits (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from forum import db
from forum.accounts.models import User
from forum.accounts.queries import can, is_signed_in, role_refusal
from forum.audit.actions import record_audit
from forum.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.nps import queries, rules
from forum.nps.models import Followup, FollowupNote, FollowupSource, FollowupStatus, NpsPromptDismissal, NpsResponse
from forum.qa.models import Category
from forum.qa.queries import access_category


# --------------------------------------------------------------------------- the survey

def nps_refusal(user: Any, now: dt.datetime | None = None) -> DomainError | None:
    """Why `user` may not answer the survey now, or None: signed in (403), a member for
    NPS_MIN_MEMBERSHIP_DAYS (422 ``nps_not_eligible``), no answer in the last NPS_SURVEY_INTERVAL_DAYS (409)."""
    now = now or db.utcnow()
    if not is_signed_in(user):
        return Forbidden(_("Sign in to answer the survey."), code="not_signed_in")
    if not queries.member_since_enough(user, now):
        return RuleViolation(_("You can answer the survey after %(n)s days of membership.",
                               n=int(current_app.config["NPS_MIN_MEMBERSHIP_DAYS"])), code="nps_not_eligible")
    if queries.answered_within_interval(queries.last_answered_at(user.id), now):
        return Conflict(_("You have already answered the survey; it is asked once every %(n)s days.",
                          n=int(current_app.config["NPS_SURVEY_INTERVAL_DAYS"])), code="already_answered")
    return None


def may_answer_nps(user: Any) -> bool:
    return nps_refusal(user) is None


def _clean_score(score: Any) -> int:
    if not rules.valid_score(score):
        raise RuleViolation(_("The score must be a whole number from %(low)s to %(high)s.",
                              low=rules.SCORE_MIN, high=rules.SCORE_MAX), code="invalid", field="score")
    return int(score)


def _clean_comment(comment: Any) -> str:
    if comment is None:
        return ""
    if not isinstance(comment, str):
        raise RuleViolation(_("The comment must be text."), code="invalid", field="comment")
    if len(comment) > rules.COMMENT_MAX:
        raise RuleViolation(_("The comment may have at most %(n)s characters.", n=rules.COMMENT_MAX),
                            code="invalid", field="comment")
    return comment.strip()


def _clean_category(user: Any, category_id: Any) -> Category | None:
    if category_id is None:
        return None
    if isinstance(category_id, bool) or not isinstance(category_id, int):
        raise RuleViolation(_("The category must be a category id."), code="invalid", field="category")
    try:
        return access_category(category_id, user)
    except NotFound:
        raise RuleViolation(_("No such category."), code="unknown_category", field="category") from None


def _lock_member(user_id: int) -> None:
    """Answers of one member queue behind each other (PostgreSQL row lock; SQLite writers are serial)."""
    db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update(key_share=True))


def record_nps(user: Any, score: Any, comment: Any = None, category_id: Any = None) -> NpsResponse:
    """Store a survey answer: the score (0–10, else 422 on `score`), an optional comment and
    category (unknown: 422), if `user` may answer (``nps_refusal``: 422 ``nps_not_eligible``, 409
    inside the interval). A detractor's answer opens a follow-up due in NPS_FOLLOWUP_HOURS."""
    score = _clean_score(score)
    comment = _clean_comment(comment)
    category = _clean_category(user, category_id)
    if is_signed_in(user):
        _lock_member(user.id)
    refuse(nps_refusal(user))
    organization = user.organization
    response = NpsResponse(user_id=user.id, organization_id=organization.id if organization else None,
                           organization_tier=organization.tier if organization else None, score=score,
                           comment=comment, category_id=category.id if category else None,
                           created_at=db.utcnow())
    db.session.add(response)
    db.session.flush()
    if rules.is_detractor(score):
        _open_followup(FollowupSource.nps, user, nps_response_id=response.id, score=score, comment=comment)
    announce(db.session, DomainEvent.NPS_ANSWERED, response=response, user=user)
    return response


def dismiss_nps_prompt(user: Any) -> NpsPromptDismissal:
    """The member hides the survey prompt; it is shown again after NPS_PROMPT_SNOOZE_DAYS."""
    if not is_signed_in(user):
        raise Forbidden(_("Sign in to do this."), code="not_signed_in")
    row = db.session.scalar(sa.select(NpsPromptDismissal).where(NpsPromptDismissal.user_id == user.id))
    if row is None:
        row = NpsPromptDismissal(user_id=user.id)
        db.session.add(row)
    row.dismissed_at = db.utcnow()
    db.session.flush()
    return row


# --------------------------------------------------------------------------- follow-ups

def _open_followup(source: FollowupSource, user: Any, *, nps_response_id: int | None = None,
                   content_type: str | None = None, content_id: int | None = None, score: int | None = None,
                   comment: str = "") -> Followup:
    now = db.utcnow()
    followup = Followup(source=source, nps_response_id=nps_response_id, content_type=content_type,
                        content_id=content_id, user_id=user.id, organization_id=user.organization_id, score=score,
                        comment=comment, status=FollowupStatus.open, created_at=now, updated_at=now,
                        due_at=now + dt.timedelta(hours=int(current_app.config["NPS_FOLLOWUP_HOURS"])))
    db.session.add(followup)
    db.session.flush()
    announce(db.session, DomainEvent.FOLLOWUP_OPENED, followup=followup)
    return followup


def open_post_followup(content_type: str, content_id: int, user: Any, excerpt: str) -> Followup:
    """A negative post held in strict mode is routed to customer success (once per post), due in
    NPS_FOLLOWUP_HOURS, so it is answered when it is published."""
    existing = db.session.scalar(sa.select(Followup).where(Followup.content_type == str(content_type),
                                                            Followup.content_id == int(content_id)))
    if existing is not None:
        return existing
    return _open_followup(FollowupSource.post, user, content_type=str(content_type), content_id=int(content_id),
                          comment=(excerpt or "")[: rules.COMMENT_MAX])


def followup_refusal(actor: Any) -> DomainError | None:
    """Follow-ups are customer success's work (Permission.FOLLOW_UP: cs and admin)."""
    return role_refusal(actor, rules.FOLLOW_UP_PERMISSION)


def may_update_followup(actor: Any, followup: Followup | None = None) -> bool:
    """Whether the page shows the contacted/resolved form: a cs member, on a follow-up not resolved."""
    if not can(actor, rules.FOLLOW_UP_PERMISSION):
        return False
    return followup is None or bool(rules.allowed_next(followup.status))


def _clean_note(note: Any) -> str:
    limit = int(current_app.config["NOTE_MAX_CHARS"])
    if not isinstance(note, str) or not note.strip():
        raise RuleViolation(_("A note is needed: say what was done."), code="invalid", field="note")
    if len(note) > limit:
        raise RuleViolation(_("The note may have at most %(n)s characters.", n=limit), code="invalid", field="note")
    return note.strip()


def update_followup(actor: Any, followup: Followup, status: Any, note: Any) -> Followup:
    """Mark a follow-up contacted or resolved, with a note (required), along rules.TRANSITIONS
    (open → contacted → resolved, open → resolved; contacted again logs another contact; resolved
    again changes nothing); anything else is 422. Audited as ``nps:followup:<status>``."""
    refuse(followup_refusal(actor))
    if not isinstance(status, str) or status not in FollowupStatus.__members__ or status == FollowupStatus.open:
        raise RuleViolation(_("The status must be contacted or resolved."), code="invalid", field="status")
    new = FollowupStatus(status)
    note = _clean_note(note)
    if new == followup.status == FollowupStatus.resolved:
        return followup  # already in effect: docs/api.md, repeating it is 200 and changes nothing
    if new not in rules.allowed_next(followup.status):
        raise RuleViolation(_("A follow-up that is %(status)s cannot become %(new)s.",
                              status=rules.STATUS_LABELS[followup.status.value], new=rules.STATUS_LABELS[new.value]),
                            code="invalid_transition", field="status")
    before = followup.status
    now = db.utcnow()
    followup.status = new
    followup.updated_at = now
    followup.notes.append(FollowupNote(author_id=actor.id, status=new, note=note, at=now))
    db.session.flush()
    record_audit(actor, "followup", followup.id, f"nps:followup:{new.value}", before=before.value,
                 after=new.value, note=note)
    return followup


def anonymize_member_answers(user_id: int) -> None:
    """A deleted member's survey answers keep their scores (the NPS stays right) but lose their
    comments, on the answers and on the follow-ups opened for them; their prompt snooze goes."""
    db.session.execute(sa.update(NpsResponse).where(NpsResponse.user_id == user_id).values(comment=""))
    db.session.execute(sa.update(Followup).where(Followup.user_id == user_id).values(comment=""))
    db.session.execute(sa.delete(NpsPromptDismissal).where(NpsPromptDismissal.user_id == user_id))
