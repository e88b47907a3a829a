"""Rewards: every state change of the points ledger, badges, the ambassador programme and referrals.

The ledger is append-only (docs/rules.md: Points, "Precisely"): each cause writes one entry per
recipient; an undo writes, for each entry the cause wrote and nothing has reversed yet, one
compensating entry of the opposite amount pointing at it (`reverses`). `users.points` is kept
equal to the sum of a member's entries: each entry announces `points_moved`, on which accounts
changes it in SQL (`points = points + :delta`) in the same statement sequence as the entry, with
the recipients' rows locked in id order so that concurrent votes neither lose an update nor cross
the daily cap. No action commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from forum import db
from forum.accounts.models import User
from forum.accounts.queries import can, invited_member
from forum.accounts.rules import Permission
from forum.audit.actions import record_audit
from forum.errors import Forbidden, RuleViolation
from forum.events import DomainEvent, announce
from forum.notifications.actions import notify
from forum.rewards import queries, rules
from forum.rewards.models import AmbassadorTerm, Badge, PointEntry, UserBadge

# --------------------------------------------------------------------------- the ledger


def lock_members(user_ids: Iterable[int]) -> None:
    """Lock the members' rows in id order (PostgreSQL) before reading their day's vote total.

    FOR NO KEY UPDATE: it does not wait for the key-share locks that inserting a vote or an
    entry (foreign keys to users) takes, so concurrent votes queue here instead of deadlocking."""
    ids = sorted({i for i in user_ids if i is not None})
    if ids:
        db.session.execute(sa.select(User.id).where(User.id.in_(ids)).order_by(User.id)
                           .with_for_update(key_share=True))


def _write(user_id: int, delta: int, reason: str, subject_type: str, subject_id: int, *,
           reverses: int | None = None, vote_id: int | None = None, stage: int | None = None,
           actor_id: int | None = None) -> PointEntry:
    """Append one entry; `points_moved` moves `users.points` by its delta atomically in SQL (accounts)."""
    entry = PointEntry(user_id=user_id, delta=delta, reason=reason, subject_type=subject_type,
                       subject_id=subject_id, reverses=reverses, vote_id=vote_id, stage=stage,
                       actor_id=actor_id, created_at=db.utcnow())
    db.session.add(entry)
    db.session.flush()
    if delta:
        announce(db.session, DomainEvent.POINTS_MOVED, user_id=user_id, delta=delta)
    return entry


def grant(user_id: int, reason: str, subject_type: str, subject_id: int, *, amount: int | None = None,
          vote_id: int | None = None, stage: int | None = None, actor_id: int | None = None) -> PointEntry:
    """Write the entry a cause earns: `amount` (default the POINTS value of `reason`), cut by the
    daily vote cap when `reason` is a vote received (docs/rules.md: only positive entries are cut;
    the one crossing the cap is cut to the remainder, later ones are written as 0)."""
    if amount is None:
        amount = rules.points_for(reason)
    if reason in rules.CAPPED_REASONS and amount > 0:
        cap = int(current_app.config["DAILY_VOTE_POINTS_CAP"])
        today = queries.vote_points_today(user_id, db.utcnow())
        amount = max(0, min(amount, cap - today))
    return _write(user_id, amount, reason, subject_type, subject_id, vote_id=vote_id, stage=stage,
                  actor_id=actor_id)


def compensate(*conditions: Any) -> list[PointEntry]:
    """Reverse every open entry matching `conditions`: the opposite of what was actually granted."""
    entries = list(db.session.scalars(queries.open_entries(*conditions)))
    lock_members(e.user_id for e in entries)
    return [_write(e.user_id, -e.delta, e.reason, e.subject_type, e.subject_id, reverses=e.id,
                   vote_id=e.vote_id, stage=e.stage) for e in entries]


def _has_open(*conditions: Any) -> bool:
    return db.session.scalar(queries.open_entries(*conditions).limit(1)) is not None


def _subject(subject_type: str, subject_id: int) -> list[Any]:
    return [PointEntry.subject_type == subject_type, PointEntry.subject_id == subject_id]


# --------------------------------------------------------------------------- Q&A causes

def record_vote(*, vote_id: int, voter_id: int, post_type: str, post_id: int, post_author_id: int,
                value: int) -> list[PointEntry]:
    """A vote: the post's author gets the vote's points (capped), a down-voter on an answer pays."""
    received = rules.VOTE_RECEIVED.get((post_type, value))
    cast = rules.VOTE_CAST.get((post_type, value))
    lock_members([post_author_id] + ([voter_id] if cast else []))
    entries = []
    if received:
        entries.append(grant(post_author_id, received, post_type, post_id, vote_id=vote_id, actor_id=voter_id))
    if cast:
        entries.append(grant(voter_id, cast, post_type, post_id, vote_id=vote_id, actor_id=voter_id))
    return entries


def undo_vote(*, vote_id: int, post_type: str, post_id: int) -> list[PointEntry]:
    return compensate(PointEntry.vote_id == vote_id, *_subject(post_type, post_id))


def record_accept(answer: Any, question: Any) -> list[PointEntry]:
    """An accept pays the answerer and the asker; accepting your own answer earns nothing."""
    if answer.author_id == question.author_id:
        return []
    conditions = [*_subject("answer", answer.id), PointEntry.reason.in_(rules.ACCEPT_REASONS)]
    lock_members([answer.author_id, question.author_id])
    if _has_open(*conditions):
        return []
    return [grant(answer.author_id, rules.ACCEPT_ANSWERER, "answer", answer.id, actor_id=question.author_id),
            grant(question.author_id, rules.ACCEPT_ASKER, "answer", answer.id, actor_id=question.author_id)]


def undo_accept(answer: Any) -> list[PointEntry]:
    return compensate(*_subject("answer", answer.id), PointEntry.reason.in_(rules.ACCEPT_REASONS))


def undo_post(post_type: str, post_id: int, answer_ids: list[int] | None = None) -> list[PointEntry]:
    """A removed post: every entry written for it (votes on it, its accept) is compensated; a
    removed question also takes back the accept of its answer."""
    entries = compensate(*_subject(post_type, post_id))
    if answer_ids:
        entries += compensate(PointEntry.subject_type == "answer", PointEntry.subject_id.in_(answer_ids),
                              PointEntry.reason.in_(rules.ACCEPT_REASONS))
    return entries


# --------------------------------------------------------------------------- ideas and NPS

def record_idea_published(idea: Any) -> PointEntry | None:
    conditions = [*_subject("idea", idea.id), PointEntry.reason == "idea_published"]
    lock_members([idea.author_id])
    if _has_open(*conditions):
        return None
    return grant(idea.author_id, "idea_published", "idea", idea.id)


def record_idea_stage(idea: Any, stage: int) -> list[PointEntry]:
    """The author is paid 20 × k once for each stage k the idea comes to hold (also by a merge)."""
    lock_members([idea.author_id])
    paid = set(db.session.scalars(queries.open_entries(
        *_subject("idea", idea.id), PointEntry.reason == "idea_stage_reached").with_only_columns(PointEntry.stage)))
    per_stage = rules.points_for("idea_stage_reached")
    return [grant(idea.author_id, "idea_stage_reached", "idea", idea.id, amount=per_stage * k, stage=k)
            for k in range(1, int(stage) + 1) if k not in paid]


def record_idea_decision(idea: Any, decision: str) -> PointEntry | None:
    reason = rules.IDEA_DECISIONS.get(str(decision))
    if reason is None:
        return None
    lock_members([idea.author_id])
    if _has_open(*_subject("idea", idea.id), PointEntry.reason == reason):
        return None
    return grant(idea.author_id, reason, "idea", idea.id)


def record_nps_answer(response: Any, user_id: int) -> PointEntry | None:
    """POINTS["nps_answered"] for answering the survey, once per NPS_SURVEY_INTERVAL_DAYS (any score)."""
    lock_members([user_id])
    since = db.utcnow() - dt.timedelta(days=int(current_app.config["NPS_SURVEY_INTERVAL_DAYS"]))
    if _has_open(PointEntry.user_id == user_id, PointEntry.reason == "nps_answered", PointEntry.created_at > since):
        return None
    return grant(user_id, "nps_answered", "nps_response", response.id)


# --------------------------------------------------------------------------- referrals
# Invite codes and who invited whom belong to accounts (register_user); rewards pays the points.

def activate_referral(member_id: int) -> PointEntry | None:
    """The invitee's first published contribution pays the inviter, once per invitee
    (docs/rules.md, points: `referral_activated`); the inviter is read from accounts."""
    member = invited_member(member_id)
    if member is None:
        return None
    inviter_id = member.invited_by_id
    lock_members([inviter_id])
    if _has_open(*_subject("user", member.id), PointEntry.reason == "referral_activated"):
        return None
    entry = grant(inviter_id, "referral_activated", "user", member.id, actor_id=member.id)
    notify(inviter_id, "referral_activated", url=f"/users/{member.id}", member=member.username)
    check_badges([inviter_id], "referral_activated")
    return entry


# --------------------------------------------------------------------------- badges

def _badge_row(rule: rules.BadgeRule) -> Badge:
    badge = db.session.scalar(sa.select(Badge).where(Badge.slug == rule.slug))
    if badge is None:
        try:
            with db.session.begin_nested():
                badge = Badge(slug=rule.slug, name=rules.english(rule.name), tier=rule.tier,
                              description=rules.english(rule.description))
                db.session.add(badge)
                db.session.flush()
        except IntegrityError:
            badge = db.session.scalars(sa.select(Badge).where(Badge.slug == rule.slug)).one()
    return badge


def award_badge(user_id: int, slug: str) -> UserBadge | None:
    """Award a badge once (a unique constraint makes a repeat a no-op); the member is told."""
    rule = rules.BADGES_BY_SLUG[slug]
    badge = _badge_row(rule)
    if db.session.scalar(sa.select(UserBadge.id).where(UserBadge.user_id == user_id,
                                                      UserBadge.badge_id == badge.id)) is not None:
        return None
    try:
        with db.session.begin_nested():
            award = UserBadge(user_id=user_id, badge_id=badge.id, awarded_at=db.utcnow())
            db.session.add(award)
            db.session.flush()
    except IntegrityError:
        return None
    notify(user_id, "badge_awarded", url=f"/badges#{slug}", badge=rules.english(rule.name), tier=rule.tier)
    return award


def check_badges(user_ids: Iterable[int], trigger: str | None = None) -> list[UserBadge]:
    """Award the badges (triggered by `trigger`, or all) whose rule the members now satisfy."""
    slugs = [b.slug for b in rules.BADGES if trigger is None or trigger in b.triggers]
    if not slugs:
        return []
    awards = []
    for user_id in {i for i in user_ids if i is not None}:
        held = set(db.session.scalars(sa.select(Badge.slug).join(UserBadge, UserBadge.badge_id == Badge.id)
                                      .where(UserBadge.user_id == user_id)))
        missing = [s for s in slugs if s not in held]
        for rule in queries.badges_earned(user_id, missing) if missing else []:
            award = award_badge(user_id, rule.slug)
            if award is not None:
                awards.append(award)
    return awards


def backfill_badges() -> int:
    """Award every badge the rules say existing data has earned (`forum badges --backfill`)."""
    count = 0
    for user_id in list(db.session.scalars(sa.select(User.id).order_by(User.id))):
        count += len(check_badges([user_id]))
    return count


# --------------------------------------------------------------------------- ambassador programme

def _require_manager(actor: Any) -> None:
    if actor is not None and not can(actor, Permission.MANAGE_COMMUNITY):
        raise Forbidden(_("Only a community manager (admin) can run the ambassador programme."))


def _clean_note(note: Any, required: bool) -> str:
    """A community manager's note on a term: text of at most config NOTE_MAX_CHARS characters."""
    if note is None and not required:
        return ""
    limit = rules.note_max_chars()
    if not isinstance(note, str) or (required and not note.strip()) or len(note) > limit:
        raise RuleViolation(_("A note (at most %(n)s characters) is needed.", n=limit), code="invalid", field="note")
    return note.strip()


def _start_term(actor: Any, user: User, note: str, now: dt.datetime) -> AmbassadorTerm:
    term = AmbassadorTerm(user_id=user.id, appointed_by_id=getattr(actor, "id", None), note=note,
                          evidence=queries.ambassador_evidence(user, now), started_at=now,
                          ends_at=now + dt.timedelta(days=rules.ambassador_criteria()["term_days"]))
    db.session.add(term)
    db.session.flush()
    return term


def _end_term(term: AmbassadorTerm, reason: str, now: dt.datetime, actor: Any = None, note: str = "") -> None:
    term.ended_at = now
    term.end_reason = reason
    term.ended_by_id = getattr(actor, "id", None)
    term.end_note = note


def appoint_ambassador(actor: Any, user: User, note: Any) -> User:
    """A community manager appoints a member for a term (AMBASSADOR_CRITERIA `term_days`), with a
    note; the evidence of eligibility at that moment is kept with the term. Appointing an
    ambassador changes nothing."""
    _require_manager(actor)
    note = _clean_note(note, required=True)
    now = db.utcnow()
    if user.is_ambassador and queries.current_term(user.id) is not None:
        return user
    term = _start_term(actor, user, note, now)
    announce(db.session, DomainEvent.AMBASSADOR_APPOINTED, user=user, actor=actor, term=term)
    award_badge(user.id, "ambassador")
    record_audit(actor, "user", user.id, "rewards:ambassador:appointed", term_id=term.id, note=note)
    notify(user.id, "ambassador_appointed", url=f"/users/{user.id}/points",
           until=term.ends_at.strftime("%Y-%m-%d"))
    return user


def renew_ambassador(actor: Any, user: User, note: Any) -> User:
    """After a review of the term's contribution, a new term (`term_days`) starts now."""
    _require_manager(actor)
    note = _clean_note(note, required=True)
    term = queries.current_term(user.id)
    if term is None or not user.is_ambassador:
        raise RuleViolation(_("Only a current ambassador can be renewed."), code="not_ambassador")
    now = db.utcnow()
    _end_term(term, "renewed", now, actor, note)
    new = _start_term(actor, user, note, now)
    record_audit(actor, "user", user.id, "rewards:ambassador:renewed", term_id=new.id, note=note)
    notify(user.id, "ambassador_renewed", url=f"/users/{user.id}/points", until=new.ends_at.strftime("%Y-%m-%d"))
    return user


def revoke_ambassador(actor: Any, user: User, note: Any = None) -> User:
    """A community manager ends the status; the term stays in the history."""
    _require_manager(actor)
    note = _clean_note(note, required=False)
    if not user.is_ambassador:
        return user
    return _end_status(user, "revoked", actor=actor, note=note)


def _end_status(user: User, reason: str, *, actor: Any = None, note: str = "") -> User:
    """End the current term for `reason` (revoked, lapsed, expired) and announce `ambassador_ended`,
    on which accounts clears the member's ambassador flag."""
    now = db.utcnow()
    term = queries.current_term(user.id)
    if term is not None:
        _end_term(term, reason, now, actor, note)
    announce(db.session, DomainEvent.AMBASSADOR_ENDED, user=user, actor=actor, why=reason)
    record_audit(actor, "user", user.id, f"rewards:ambassador:{reason}", term_id=getattr(term, "id", None), note=note)
    notify(user.id, f"ambassador_{reason}", url=f"/users/{user.id}/points")
    return user


def end_ambassador_terms(now: dt.datetime) -> dict[str, int]:
    """The daily job: a term ends at its end date (`expired`), or lapses after `lapse_days` with
    no contribution (a published post or an idea support) since the later of the term's start
    and the last contribution; the member is notified; the terms are kept."""
    lapse = dt.timedelta(days=rules.ambassador_criteria()["lapse_days"])
    counts = {"lapsed": 0, "expired": 0}
    terms = list(db.session.scalars(sa.select(AmbassadorTerm).where(AmbassadorTerm.ended_at.is_(None))))
    for term in terms:
        user = term.user
        if now >= term.ends_at:
            _end_status(user, "expired")
            counts["expired"] += 1
            continue
        last = queries.last_contribution_at(user.id)
        since = max(term.started_at, last) if last is not None else term.started_at
        if now - since > lapse:
            _end_status(user, "lapsed")
            counts["lapsed"] += 1
    return counts


# --------------------------------------------------------------------------- serial voting

def reverse_serial_votes(now: dt.datetime) -> int:
    """docs/rules.md: one member casting more than SERIAL_VOTE_LIMIT votes on another member's posts
    within SERIAL_VOTE_WINDOW_HOURS has all of those votes reversed. Rewards finds them and announces
    `serial_voting_found` per voter and member; Q&A, which owns the votes, removes them, each
    removal announcing `vote_withdrawn`, on which the ledger compensates it. Returns the number of
    votes found."""
    from forum.qa.queries import votes_by_voter_and_author

    limit = int(current_app.config["SERIAL_VOTE_LIMIT"])
    since = now - dt.timedelta(hours=int(current_app.config["SERIAL_VOTE_WINDOW_HOURS"]))
    found = 0
    serial = db.session.execute(votes_by_voter_and_author(since, now, more_than=limit)).all()
    for voter_id, author_id, votes in serial:
        announce(db.session, DomainEvent.SERIAL_VOTING_FOUND, voter_id=voter_id, post_author_id=author_id,
                 since=since, until=now)
        found += votes
    return found


def record_activation(member: Any) -> bool:
    """docs/rules.md engagement: a new member is activated once, when the onboarding checklist
    (rewards.rules.ONBOARDING_STEPS) is complete: `member_activated`, which engagement logs as the
    `activated` event. Returns whether it was announced now."""
    from forum.engagement.queries import has_logged
    from forum.rewards.queries import onboarding_checklist

    if onboarding_checklist(member) is not None or has_logged("activated", member.id):
        return False
    announce(db.session, DomainEvent.MEMBER_ACTIVATED, user=member)
    return True


def end_deleted_members_term(user_id: int) -> None:
    """A member who deletes their account is no longer an ambassador: the current term ends
    (`revoked`, kept in the history). Their ledger stays, so every total and compensating entry
    stays consistent; it belongs to an account that no longer names anyone."""
    term = queries.current_term(user_id)
    if term is not None:
        _end_term(term, "revoked", db.utcnow(), None, "account deleted")
