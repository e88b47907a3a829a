"""The idea board: every state change of ideas, supports, decisions and merges.

docs/rules.md: The idea board. Public actions check the rule, then change state; none commits
(docs/architecture.md). Status changes go through ``_set_status``, which consults ``rules.TRANSITIONS`` and
writes the idea's history; each change is announced as a domain event so that rewards,
engagement, search and moderation follow without this part importing them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from forum import db
from forum.accounts.queries import active_member_refusal, require_active_member, role_refusal
from forum.audit.actions import record_audit
from forum.errors import DomainError, NotFound, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.ideas import rules
from forum.ideas.models import Idea, IdeaComment, IdeaHistory, IdeaStatus, IdeaSupport, Importance
from forum.ideas.queries import supporter_ids
from forum.moderation import queries as moderation_queries
from forum.notifications.actions import notify
from forum.qa.models import Category
from forum.qa.queries import access_category
from forum.qa.rendering import render_markdown


# ----------------------------------------------------------------------------- validation

def _clean_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise RuleViolation(_("The title must not be blank."), code="invalid", field="title")
    title = " ".join(title.split())
    if not rules.TITLE_MIN <= len(title) <= rules.TITLE_MAX:
        raise RuleViolation(_("The title needs %(min)s to %(max)s characters.", min=rules.TITLE_MIN,
                              max=rules.TITLE_MAX),
                            code="invalid", field="title")
    return title


def _clean_text(text: Any, field: str, maximum: int, required: bool = True) -> str:
    if text is None and not required:
        return ""
    if not isinstance(text, str) or (required and not text.strip()):
        raise RuleViolation(_("The text must not be blank."), code="invalid", field=field)
    if len(text) > maximum:
        raise RuleViolation(_("The text may have at most %(n)s characters.", n=maximum), code="invalid", field=field)
    return text.strip()


def _resolve_category(author: Any, category_id: Any) -> Category | None:
    if category_id is None:
        return None
    if isinstance(category_id, bool) or not isinstance(category_id, int):
        raise RuleViolation(_("The category must be a category id."), code="invalid", field="category")
    try:
        return access_category(category_id, author)
    except NotFound:
        raise RuleViolation(_("No such category."), code="unknown_category", field="category") from None


def _clean_importance(importance: Any) -> Importance | None:
    if importance is None or importance == "":
        return None
    if not isinstance(importance, str) or importance not in Importance.__members__:
        raise RuleViolation(_("The importance must be nice_to_have, important or must_have."),
                            code="invalid", field="importance")
    return Importance(importance)


def _clean_release_url(url: Any) -> str | None:
    if url is None or url == "":
        return None
    if not isinstance(url, str) or len(url) > rules.RELEASE_URL_MAX:
        raise RuleViolation(_("The release URL must be an http(s) address."), code="invalid", field="release_url")
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise RuleViolation(_("The release URL must be an http(s) address."), code="invalid", field="release_url")
    return url.strip()


def store_image(upload: Any) -> str:
    """Check an uploaded image (≤ IDEA_IMAGE_MAX_BYTES; PNG, JPEG, GIF or WebP by its magic bytes)
    and store it under a random name in UPLOAD_DIR/ideas; returns the stored name."""
    limit = rules.image_max_bytes()
    data = upload.read(limit + 1)
    if not data:
        raise RuleViolation(_("The image is empty."), code="invalid", field="image")
    if len(data) > limit:
        raise RuleViolation(_("The image may be at most %(n)s MB.", n=rules.image_max_megabytes()),
                            code="too_large", field="image")
    kind = rules.image_kind(data[:16])
    if kind is None:
        raise RuleViolation(_("The image must be a PNG, JPEG, GIF or WebP file."), code="invalid", field="image")
    name = f"{secrets.token_hex(16)}.{kind}"
    folder = image_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


def image_folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "ideas"


# ----------------------------------------------------------------------------- status machinery

def _set_status(idea: Idea, new: IdeaStatus, cause: str, actor: Any = None, note: str = "") -> None:
    """The one place an idea's status changes: checked against rules.TRANSITIONS, recorded in history."""
    if not rules.allowed(idea.status, new, cause):
        raise RuleViolation(_("An idea that is %(status)s cannot become %(new)s.", status=idea.status, new=new),
                            code="invalid_transition",
                            field="decision" if cause == "decision" else "status")
    old = idea.status
    idea.status = new
    _record_history(idea, actor, note)
    announce(db.session, DomainEvent.IDEA_CHANGED, idea=idea)
    announce(db.session, DomainEvent.IDEA_TRANSITIONED, idea=idea, old=old, new=new, cause=cause, actor=actor,
             note=note)


def _record_history(idea: Idea, actor: Any, note: str = "") -> None:
    entry = IdeaHistory(status=idea.status, stage=idea.stage, at=db.utcnow(),
                        actor_id=actor.id if actor is not None else None, note=note)
    idea.history.append(entry)


def _idea_url(idea: Idea) -> str:
    return f"/ideas/{idea.id}"


def _notify_followers(idea: Idea, kind: str, actor: Any = None, **data: Any) -> None:
    """Tell the author and every supporter (not the member who caused it)."""
    recipients = [idea.author_id] + [uid for uid in supporter_ids(idea.id) if uid != idea.author_id]
    for user_id in recipients:
        if actor is not None and user_id == actor.id:
            continue
        notify(user_id, kind, url=_idea_url(idea), title=idea.title, **data)


def _lock(idea: Idea) -> None:
    """Re-read the idea under a row lock (PostgreSQL), so concurrent supports serialize."""
    db.session.execute(sa.select(Idea.id).where(Idea.id == idea.id).with_for_update())
    db.session.refresh(idea, ["status", "stage", "supporters", "deadline", "review_due", "merged_into_id"])


def _advance_stages(idea: Idea, from_stage: int, actor: Any = None) -> None:
    """Stages reached by the supporter count: each threshold reached extends the deadline by the next
    stage's days; the last one sends the idea to review at once. Every stage the idea newly holds
    (above `from_stage`) is announced once (the author is paid for it once, by rewards)."""
    table = rules.stages()
    while idea.stage < len(table) and idea.supporters >= table[idea.stage]["supporters"]:
        idea.stage += 1
        if idea.stage < len(table) and idea.deadline is not None:
            idea.deadline = idea.deadline + dt.timedelta(days=table[idea.stage]["days"])
    for stage in range(from_stage + 1, idea.stage + 1):
        _record_history(idea, actor, f"stage {stage}")
        _notify_followers(idea, "idea_stage_reached", stage=stage)
        announce(db.session, DomainEvent.IDEA_STAGE_REACHED, idea=idea, stage=stage)
    if idea.stage >= len(table) and idea.status == IdeaStatus.gathering:
        idea.review_due = db.utcnow() + dt.timedelta(days=rules.review_period_days())
        _set_status(idea, IdeaStatus.in_review, "threshold", None, "last threshold reached")
        _notify_followers(idea, "idea_in_review")


# ----------------------------------------------------------------------------- submission

def submit_idea(author: Any, *, title: Any, description: Any, category_id: Any = None, image: Any = None) -> Idea:
    """Submit an idea: `pending` for a moderator under IDEA_PREMODERATION; without it the NPS gate
    decides as for a post (docs/rules.md: The NPS gate): published at once, or `pending` until a
    moderator decides or the hold's release time."""
    require_active_member(author)
    title = _clean_title(title)
    description = _clean_text(description, "description", rules.DESCRIPTION_MAX)
    category = _resolve_category(author, category_id)
    image_name = store_image(image) if image is not None else None
    now = db.utcnow()
    idea = Idea(title=title, description=description, description_html=render_markdown(description),
                author_id=author.id, author=author, category=category, status=IdeaStatus.pending, stage=0,
                supporters=0, image_name=image_name, created_at=now, updated_at=now)
    db.session.add(idea)
    _record_history(idea, author, "submitted")
    db.session.flush()
    hold = None
    if not current_app.config["IDEA_PREMODERATION"]:
        hold = moderation_queries.hold_decision(author, category.id if category is not None else None)
        if hold is None:
            publish_idea(idea)
    # moderation queues it while pending: under IDEA_PREMODERATION for a moderator, else with the gate's hold
    announce(db.session, DomainEvent.IDEA_SUBMITTED, idea=idea, user=author, hold=hold)
    announce(db.session, DomainEvent.IDEA_CHANGED, idea=idea)
    return idea


def publish_idea(idea: Idea, actor: Any = None) -> Idea:
    """Moderation passed: the idea gathers support until published_at + stage 1's days."""
    now = db.utcnow()
    _set_status(idea, IdeaStatus.gathering, "moderation", actor, "published")
    idea.published_at = now
    idea.deadline = now + dt.timedelta(days=rules.days_for(1))
    notify(idea.author_id, "idea_published", url=_idea_url(idea), title=idea.title)
    announce(db.session, DomainEvent.IDEA_PUBLISHED, idea=idea, user=idea.author)
    return idea


def reject_idea(idea: Idea, actor: Any, reason: str, note: str = "", cause: str = "moderation") -> Idea:
    """Moderation refused: the idea stays `rejected`, visible to its author with the reason. `cause`
    "flags": a moderator upheld the community's flags on a public idea (rules.TRANSITIONS)."""
    _set_status(idea, IdeaStatus.rejected, cause, actor, note or reason)
    idea.rejection_reason = reason
    notify(idea.author_id, "idea_rejected", url=_idea_url(idea), title=idea.title, reason=reason)
    return idea


# ----------------------------------------------------------------------------- who may do what
#
# One rule per action (docs/rules.md: The idea board): each public action enforces its `*_refusal`
# function and the idea page shows a control exactly when the matching `may_*` predicate holds.

def comment_refusal(user: Any, idea: Idea) -> DomainError | None:
    """Any active member may comment on a public idea that is not expired or merged (rules.COMMENTABLE)."""
    inactive = active_member_refusal(user)
    if inactive is not None:
        return inactive
    if idea.status not in rules.COMMENTABLE:
        return RuleViolation(_("An idea that is %(status)s takes no comments.", status=idea.status), code="read_only")
    return None


def may_comment(user: Any, idea: Idea) -> bool:
    """Whether `user` may comment on `idea` (post_idea_comment)."""
    return comment_refusal(user, idea) is None


def _open_for_support_refusal(idea: Idea) -> DomainError | None:
    if idea.status not in rules.SUPPORTABLE:
        return RuleViolation(_("Support is only possible while an idea gathers support (this one is %(status)s).",
                               status=idea.status),
                             code="not_gathering")
    if idea.deadline is not None and db.utcnow() >= idea.deadline:
        return RuleViolation(_("The deadline of this idea has passed."), code="deadline_passed")
    return None


def support_refusal(user: Any, idea: Idea) -> DomainError | None:
    """An active member supports someone else's idea while it gathers support, before its deadline."""
    inactive = active_member_refusal(user)
    if inactive is not None:
        return inactive
    if idea.author_id == user.id:
        return RuleViolation(_("You cannot support your own idea."), code="own_idea")
    return _open_for_support_refusal(idea)


def may_support(user: Any, idea: Idea) -> bool:
    """Whether `user` may support `idea`, or change their support's importance (support_idea)."""
    return support_refusal(user, idea) is None


def withdraw_refusal(user: Any, idea: Idea) -> DomainError | None:
    """A support can be withdrawn while the idea gathers support, before its deadline."""
    return active_member_refusal(user) or _open_for_support_refusal(idea)


def may_withdraw(user: Any, idea: Idea) -> bool:
    """Whether `user` may withdraw a support of `idea` (withdraw_support; without a support it is a no-op)."""
    return withdraw_refusal(user, idea) is None


def decide_refusal(user: Any) -> DomainError | None:
    """The product team decides and merges ideas (rules.DECIDE_PERMISSION)."""
    return role_refusal(user, rules.DECIDE_PERMISSION)


def may_decide(user: Any, idea: Idea) -> bool:
    """Whether `user` may record a decision on `idea` now (decide_idea): the product team, when the
    idea's status allows a decision (rules.TRANSITIONS)."""
    return decide_refusal(user) is None and bool(rules.decisions_from(idea.status))


def may_merge(user: Any, idea: Idea) -> bool:
    """Whether `user` may merge `idea` into another (merge_ideas): the product team, when the idea's
    status may be merged (rules.merge_sources)."""
    return decide_refusal(user) is None and idea.status in rules.merge_sources()


def may_review(user: Any) -> bool:
    """Whether `user` may open the review pages (the triage list and its CSV): the product team."""
    return decide_refusal(user) is None


def post_idea_comment(author: Any, idea: Idea, *, body: Any) -> IdeaComment:
    """Comment on a public idea that is not expired or merged (`comment_refusal`)."""
    refuse(comment_refusal(author, idea))
    body = _clean_text(body, "body", rules.COMMENT_MAX)
    comment = IdeaComment(idea_id=idea.id, author_id=author.id, author=author, body=body,
                          body_html=render_markdown(body), status="published", created_at=db.utcnow())
    db.session.add(comment)
    db.session.flush()
    return comment


# ----------------------------------------------------------------------------- support

def support_idea(user: Any, idea: Idea, *, importance: Any = None, comment: Any = None) -> Idea:
    """One support per member (a unique constraint), not for your own idea, only while gathering and
    before the deadline. Counted atomically in SQL; thresholds advance the stage. Supporting again
    changes only the importance and comment, never the count. Who may: `support_refusal`."""
    require_active_member(user)
    importance = _clean_importance(importance)
    comment_text = _clean_text(comment, "comment", rules.SUPPORT_COMMENT_MAX, required=False)
    _lock(idea)
    refuse(support_refusal(user, idea))
    existing = db.session.scalar(sa.select(IdeaSupport).where(IdeaSupport.idea_id == idea.id,
                                                              IdeaSupport.user_id == user.id))
    if existing is not None:
        if importance is not None:
            existing.importance = importance
        if comment is not None:
            existing.comment = comment_text
        return idea
    try:
        with db.session.begin_nested():
            db.session.add(IdeaSupport(idea_id=idea.id, user_id=user.id, importance=importance,
                                       comment=comment_text, created_at=db.utcnow()))
            db.session.flush()
    except IntegrityError:
        return idea  # a concurrent identical request won: the support is already in effect
    _count_supporters(idea, +1)
    _advance_stages(idea, idea.stage, user)
    announce(db.session, DomainEvent.IDEA_SUPPORTED, idea=idea, user=user)
    return idea


def withdraw_support(user: Any, idea: Idea) -> Idea:
    """Withdraw a support while the idea gathers (`withdraw_refusal`); the stage reached is kept (it
    never decreases)."""
    require_active_member(user)
    _lock(idea)
    refuse(withdraw_refusal(user, idea))
    deleted = db.session.execute(sa.delete(IdeaSupport).where(IdeaSupport.idea_id == idea.id,
                                                              IdeaSupport.user_id == user.id)).rowcount
    if deleted:
        _count_supporters(idea, -1)
        announce(db.session, DomainEvent.IDEA_SUPPORT_WITHDRAWN, idea=idea, user=user)
    return idea


def _count_supporters(idea: Idea, delta: int) -> None:
    db.session.execute(sa.update(Idea).where(Idea.id == idea.id).values(supporters=Idea.supporters + delta)
                       .execution_options(synchronize_session=False))
    db.session.refresh(idea, ["supporters"])


# ----------------------------------------------------------------------------- product decisions

def decide_idea(actor: Any, idea: Idea, *, decision: Any, note: Any, release_url: Any = None) -> Idea:
    """The product team decides, always with a public note: approved / not_approved / on_hold from
    gathering, in_review or on_hold; shipped only from approved (rules.TRANSITIONS). Who may:
    `decide_refusal`. Audited."""
    refuse(decide_refusal(actor))
    if not isinstance(decision, str) or decision not in [d.value for d in rules.DECISIONS]:
        raise RuleViolation(_("The decision must be approved, not_approved, on_hold or shipped."),
                            code="invalid", field="decision")
    note = _clean_text(note, "note", rules.note_max_chars())
    url = _clean_release_url(release_url)
    _lock(idea)
    previous = idea.status
    new = IdeaStatus(decision)
    _set_status(idea, new, "decision", actor, note)
    idea.decision_note = note
    idea.decided_at = db.utcnow()
    if new == IdeaStatus.shipped and url:
        idea.release_url = url
    record_audit(actor, "idea", idea.id, f"ideas:idea:{decision}", previous=str(previous), note=note,
                 release_url=url)
    _notify_followers(idea, "idea_decided", actor, status=decision, note=note)
    announce(db.session, DomainEvent.IDEA_DECIDED, idea=idea, decision=decision, actor=actor, note=note)
    return idea


def merge_ideas(actor: Any, source: Idea, target: Idea) -> Idea:
    """Merge `source` (gathering, in_review, on_hold) into `target` (gathering, in_review): its
    supporters move in without duplicates and without the target's author; the target keeps the
    larger stage and the later deadline; stages it newly holds are announced once; the source
    becomes `merged` and points at the target. Who may: `decide_refusal`. Audited."""
    refuse(decide_refusal(actor))
    if source.id == target.id:
        raise RuleViolation(_("An idea cannot be merged into itself."), code="invalid", field="into")
    for idea in sorted((source, target), key=lambda i: i.id):
        _lock(idea)
    if source.status not in rules.merge_sources():
        raise RuleViolation(_("An idea that is %(status)s cannot be merged.", status=source.status),
                            code="invalid_transition")
    if target.status not in rules.MERGE_TARGETS:
        raise RuleViolation(_("An idea that is %(status)s cannot take a merge.", status=target.status),
                            code="invalid_transition",
                            field="into")
    already = sa.select(IdeaSupport.user_id).where(IdeaSupport.idea_id == target.id)
    moving = list(db.session.scalars(sa.select(IdeaSupport).where(
        IdeaSupport.idea_id == source.id, IdeaSupport.user_id.not_in(already),
        IdeaSupport.user_id != target.author_id)))
    for support in moving:
        db.session.add(IdeaSupport(idea_id=target.id, user_id=support.user_id, importance=support.importance,
                                   comment=support.comment, created_at=support.created_at))
    db.session.flush()
    db.session.execute(sa.update(Idea).where(Idea.id == target.id).values(
        supporters=sa.select(sa.func.count()).where(IdeaSupport.idea_id == target.id).scalar_subquery())
        .execution_options(synchronize_session=False))
    db.session.refresh(target, ["supporters"])
    from_stage = target.stage
    target.stage = max(target.stage, source.stage)
    deadlines = [d for d in (target.deadline, source.deadline) if d is not None]
    target.deadline = max(deadlines) if deadlines else None
    note = f"merged #{source.id} into #{target.id}"
    _set_status(source, IdeaStatus.merged, "merge", actor, note)
    source.merged_into_id = target.id
    _record_history(target, actor, note)
    _advance_stages(target, from_stage, actor)
    record_audit(actor, "idea", source.id, "ideas:idea:merge", into=target.id, moved=len(moving))
    _notify_followers(source, "idea_merged", actor, target=target.title)
    if target.author_id != actor.id:
        notify(target.author_id, "idea_merged", url=_idea_url(target), title=source.title, target=target.title)
    announce(db.session, DomainEvent.IDEA_MERGED, source=source, target=target, actor=actor)
    announce(db.session, DomainEvent.IDEA_CHANGED, idea=target)
    return target


# ----------------------------------------------------------------------------- deadlines

def expire_overdue_ideas(now: dt.datetime) -> int:
    """`forum tick` (forum/ideas/jobs.py): ideas still gathering at their deadline expire (kept,
    read-only, visible); returns how many expired."""
    overdue = list(db.session.scalars(sa.select(Idea).where(
        Idea.status == IdeaStatus.gathering, Idea.deadline.is_not(None), Idea.deadline <= now)
        .order_by(Idea.id).with_for_update(of=Idea)))
    for idea in overdue:
        _set_status(idea, IdeaStatus.expired, "deadline", None, "deadline passed")
        _notify_followers(idea, "idea_expired")
    return len(overdue)
