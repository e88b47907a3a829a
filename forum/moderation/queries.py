"""Moderation reads: the queue and its items (moderators only); the NPS gate's effective mode,
its policy in words, and the posting-time hold decision (docs/rules.md: The NPS gate)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql

from forum import db
from forum.accounts.models import Role, UserRole
from forum.accounts.queries import active_member_refusal, is_signed_in, require
from forum.errors import DomainError, NotFound, RuleViolation
from forum.ideas import queries as ideas_queries
from forum.moderation import rules
from forum.moderation.models import Flag, FlagOutcome, ItemStatus, ModerationItem, ModerationPolicy
from forum.qa import queries as qa_queries
from forum.rewards import queries as rewards_queries
from forum.rewards.rules import Privilege


def queue(viewer: Any, *, content_type: str | None = None) -> sa.Select[Any]:
    """Open items, oldest first (docs/api.md: GET /moderation/queue)."""
    require(viewer, rules.MODERATE_PERMISSION)
    stmt = sa.select(ModerationItem).where(ModerationItem.status == ItemStatus.open)
    if content_type:
        stmt = stmt.where(ModerationItem.content_type == content_type)
    return stmt.order_by(ModerationItem.held_at, ModerationItem.id)


def access_item(viewer: Any, item_id: int) -> ModerationItem:
    item = db.session.get(ModerationItem, item_id)
    if item is None:
        raise NotFound(_("No queue item with that id."))
    require(viewer, rules.MODERATE_PERMISSION)
    return item


def item_for(content_type: str, content_id: int) -> ModerationItem | None:
    """The latest queue item of a piece of content."""
    return db.session.scalar(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id == content_id)
        .order_by(ModerationItem.id.desc()).limit(1))


# --------------------------------------------------------------------------- the queue's rows
# docs/rules.md, "The NPS gate": what the queue shows of each item and what the owning parts' pages
# show their authors (held until when and why, rejected with which reason, appealed or not).

def due_for_release(now: dt.datetime) -> sa.Select[Any]:
    """Open items the gate held whose release time has come (release_at ≤ now), oldest first; items
    that wait for a moderator have no release time."""
    return (sa.select(ModerationItem)
            .where(ModerationItem.status == ItemStatus.open, ModerationItem.release_at.is_not(None),
                   ModerationItem.release_at <= now, ModerationItem.reason.not_in(rules.WAITS_FOR_MODERATOR))
            .order_by(ModerationItem.release_at, ModerationItem.id))


def content_state(content_type: Any, content_id: Any) -> dict[str, Any] | None:
    """The author, status and text of a question, answer, comment or idea (None when there is none):
    what an appeal checks."""
    if content_type in ("question", "answer", "comment"):
        return qa_queries.post_state(content_type, content_id)
    if content_type == "idea":
        return ideas_queries.idea_state(content_id)
    return None


def appeal_of(content_type: str, content_id: int) -> ModerationItem | None:
    """The appeal of a piece of content, if its author made one (an appeal is possible once)."""
    return db.session.scalar(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id == content_id,
        ModerationItem.reason == "appeal").limit(1))


def rejection_of(content_type: str, content_id: int) -> ModerationItem | None:
    """The latest rejection of a piece of content (its reason, note and moderator)."""
    return db.session.scalar(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id == content_id,
        ModerationItem.status == ItemStatus.rejected).order_by(ModerationItem.id.desc()).limit(1))


def content_paths(items: list[Any]) -> dict[tuple[str, int], str]:
    """The page of each item's content (a path, usable without a request), in at most two
    statements whatever the number of items."""
    posts = [(i.content_type, i.content_id) for i in items if i.content_type in ("question", "answer", "comment")]
    paths = qa_queries.post_paths(posts)
    for item in items:
        if item.content_type == "idea":
            paths[("idea", item.content_id)] = f"/ideas/{item.content_id}"
    return paths


def reason_text(item: ModerationItem) -> str:
    """Why an item is held, in the reader's language."""
    return rules.say(rules.HOLD_REASONS.get(item.reason, item.reason))


def queue_rows(items: list[ModerationItem]) -> list[dict[str, Any]]:
    """What the queue page shows of each item: why in words, the content's page, the routing to
    customer success, and for an appeal the rejection it appeals (reason in words, moderator)."""
    paths = content_paths(items)
    rows = []
    for item in items:
        routed = None
        if item.negative:
            routed = rules.say(rules.NEGATIVE_NOTE)
        if item.escalated_at is not None:
            by = item.escalated_by.username if item.escalated_by is not None else "?"
            routed = rules.say(rules.ESCALATED_NOTE, by=by)
        appealed = item.appeal_of
        rows.append({"item": item, "why": reason_text(item), "href": paths.get((item.content_type, item.content_id)),
                     "kind": rules.say(rules.CONTENT_NAMES.get(item.content_type, item.content_type)),
                     "routed": routed,
                     "appealed_reason": rules.say(rules.REJECTION_REASONS[appealed.decision_reason])
                     if appealed is not None and appealed.decision_reason in rules.REJECTION_REASONS else None,
                     "appealed_by": appealed.decided_by if appealed is not None else None})
    return rows


def held_states(content_type: str, content_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For the author's own held or rejected content (the owning part's page): by content id, why
    it is held (words), until when, whether it was routed to customer success, the rejection's
    reason (words) and the moderator's note, and whether it was appealed (and the appeal is open).
    One statement, whatever the number of posts."""
    if not content_ids:
        return {}
    items = list(db.session.scalars(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id.in_(content_ids))
        .order_by(ModerationItem.id)))
    states: dict[int, dict[str, Any]] = {}
    for item in items:
        state = states.setdefault(item.content_id, {"why": None, "release_at": None, "routed": False, "reason": None,
                                                    "note": "", "appealed": False, "appeal_open": False})
        if item.reason == "appeal":
            state["appealed"] = True
            state["appeal_open"] = item.status == ItemStatus.open
        if item.status == ItemStatus.open:
            state["why"] = reason_text(item)
            state["release_at"] = item.release_at
            state["routed"] = item.negative or item.escalated_at is not None
        elif item.status == ItemStatus.rejected:
            state["reason"] = rules.say(rules.REJECTION_REASONS.get(item.decision_reason or "", item.decision_reason
                                                                     or ""))
            state["note"] = item.note
    return states


# --------------------------------------------------------------------------- the NPS gate
# docs/rules.md, "The NPS gate". Other parts call `current_mode` and `hold_decision` at posting time.

@dataclass(frozen=True)
class Hold:
    """A post the gate holds: why (`rules.HOLDS`: "guarded_newcomer", "strict"), under which mode,
    and when it is published automatically (now + MODERATION_HOLD_HOURS) unless a moderator decides."""

    reason: str
    mode: rules.Mode
    release_at: dt.datetime


def _policies(category_id: int | None) -> tuple[ModerationPolicy | None, ModerationPolicy | None]:
    """The community's policy row and the category's (None for the community), in one statement."""
    keys = {rules.COMMUNITY, rules.scope_key(category_id)}
    rows = {p.scope: p for p in db.session.scalars(sa.select(ModerationPolicy).where(ModerationPolicy.scope.in_(keys)))}
    own = rows.get(rules.scope_key(category_id)) if category_id is not None else None
    return rows.get(rules.COMMUNITY), own


def policy_row(category_id: int | None) -> ModerationPolicy | None:
    """The stored policy of one scope, or None before its first computation or override."""
    return db.session.scalar(sa.select(ModerationPolicy).where(ModerationPolicy.scope == rules.scope_key(category_id)))


def all_policies() -> dict[str, ModerationPolicy]:
    """Every stored policy by scope key, in one statement (the recomputation reads them all)."""
    return {p.scope: p for p in db.session.scalars(sa.select(ModerationPolicy))}


def _resolve(community: ModerationPolicy | None, own: ModerationPolicy | None, category_id: int | None,
             settings: rules.GateSettings, now: dt.datetime) -> dict[str, Any]:
    """The effective mode of a scope and where it comes from: an unexpired override of the scope,
    else its computed mode, else (a category without enough answers) the community's, else the
    fallback (never computed)."""
    if category_id is None:
        if community is not None and community.override_active(now):
            return {"mode": community.override_mode, "computed_mode": community.mode, "source": "override",
                    "row": community}
        if community is not None:
            return {"mode": community.mode, "computed_mode": community.mode,
                    "source": "fallback" if community.from_fallback else "computed", "row": community}
        return {"mode": settings.fallback, "computed_mode": settings.fallback, "source": "not_computed", "row": None}
    parent = _resolve(community, None, None, settings, now)
    own_computed = own is not None and not own.from_fallback
    computed = own.mode if own_computed and own is not None else parent["computed_mode"]
    if own is not None and own.override_active(now):
        return {"mode": own.override_mode, "computed_mode": computed, "source": "override", "row": own,
                "community": parent}
    if own_computed:
        return {"mode": computed, "computed_mode": computed, "source": "computed", "row": own, "community": parent}
    return {"mode": parent["mode"], "computed_mode": computed, "source": "community", "row": own, "community": parent}


def current_mode(category_id: int | None = None, now: dt.datetime | None = None) -> rules.Mode:
    """The effective moderation mode of the community or of a category, at posting time (one
    statement): an unexpired override, else the computed mode, else for a category without enough
    answers the community's, else MODERATION_FALLBACK_MODE."""
    community, own = _policies(category_id)
    return rules.Mode(_resolve(community, own, category_id, rules.gate_settings(), now or db.utcnow())["mode"])


def hold_decision(author: Any, category_id: int | None, now: dt.datetime | None = None) -> Hold | None:
    """Whether a new post by `author` in `category_id` is held, and why (docs/rules.md: The NPS gate):
    open holds nothing; guarded holds members with fewer than MODERATION_GUARDED_POSTS published
    posts who lack the skip_premoderation privilege; strict holds everyone but staff and
    ambassadors, who are never held."""
    now = now or db.utcnow()
    if rewards_queries.has_all_privileges(author):
        return None
    mode = current_mode(category_id, now)
    reason = rules.HOLDS[mode]
    if reason is None:
        return None
    settings = rules.gate_settings()
    if mode == rules.Mode.guarded and (
            rewards_queries.has_privilege(author, Privilege.SKIP_PREMODERATION)
            or qa_queries.published_post_count(author.id) >= settings.guarded_posts):
        return None
    release_at = now + dt.timedelta(hours=settings.hold_hours)
    if release_at.microsecond:  # whole seconds, as the API shows it (never earlier than the hold time)
        release_at = release_at.replace(microsecond=0) + dt.timedelta(seconds=1)
    return Hold(reason=reason, mode=mode, release_at=release_at)


def _num(value: float | None) -> str:
    """An NPS or margin as the reason sentences show it: one decimal at most, a real minus sign."""
    if value is None:
        return "?"
    text = f"{round(float(value), 1):.1f}".rstrip("0").rstrip(".")
    return ("−" + text[1:] if text.startswith("-") else text) if text not in ("-0", "") else "0"


def _label(mode: Any) -> str:
    return rules.say(rules.MODE_LABELS[rules.Mode(mode)]).lower()


def _computed_reason(resolved: dict[str, Any], category_id: int | None, settings: rules.GateSettings) -> str:
    row: ModerationPolicy | None = resolved["row"]
    days = row.window_days if row is not None else settings.window_days
    if resolved["source"] == "not_computed":
        return rules.say(rules.REASON_NOT_COMPUTED, mode=_label(settings.fallback))
    if resolved["source"] == "community" or (category_id is not None and (row is None or row.from_fallback)):
        return rules.say(rules.REASON_FALLBACK_CATEGORY, responses=row.responses if row is not None else 0,
                         days=days, needed=settings.min_responses, mode=_label(resolved["community"]["mode"]))
    if row is None:
        return rules.say(rules.REASON_NOT_COMPUTED, mode=_label(settings.fallback))
    if row.from_fallback or row.nps is None:
        return rules.say(rules.REASON_FALLBACK_COMMUNITY, responses=row.responses, days=days,
                         needed=settings.min_responses, mode=_label(row.mode))
    values = {"nps": _num(row.nps), "margin": _num(row.margin), "days": days, "responses": row.responses,
              "open": _num(settings.gates["open"]), "strict": _num(settings.gates["strict"])}
    plain = rules.table(row.nps, settings.gates)
    if plain == row.mode:
        return rules.say(rules.REASON_TABLE[row.mode], **values)
    point = rules.switch_point(row.mode, plain, settings.gates, settings.hysteresis)
    message = rules.REASON_STAYS_UNTIL_REACHES if rules.is_stricter(row.mode, plain) else rules.REASON_STAYS_UNTIL_BELOW
    return rules.say(message, table=_label(plain), mode=_label(row.mode), point=_num(point),
                     h=_num(settings.hysteresis), **values)


def policy(category_id: int | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the policy page and `GET /moderation/policy` show for a scope: the effective
    `mode`, the `computed_mode`, the inputs (`nps` with its `margin_of_error`, `responses`,
    `window_days`), the `reason` in the reader's language (the override's, else the computed one's:
    `computed_reason`), and the `override` (null or {mode, by, note, until}). Two statements."""
    now = now or db.utcnow()
    settings = rules.gate_settings()
    community, own = _policies(category_id)
    resolved = _resolve(community, own, category_id, settings, now)
    row: ModerationPolicy | None = own if category_id is not None else community
    computed_reason = _computed_reason(resolved, category_id, settings)
    override = None
    reason = computed_reason
    if row is not None and row.override_active(now) and row.override_until is not None:
        override = {"mode": row.override_mode, "by": row.override_by, "note": row.override_note,
                    "until": row.override_until, "at": row.override_at}
        reason = rules.say(rules.REASON_OVERRIDE, by=row.override_by.username if row.override_by else "?",
                           until=f"{row.override_until:%Y-%m-%d %H:%M}", note=row.override_note)
    return {
        "scope": "community" if category_id is None else "category",
        "category_id": category_id,
        "mode": rules.Mode(resolved["mode"]),
        "computed_mode": rules.Mode(resolved["computed_mode"]),
        "source": resolved["source"],
        "nps": rounded(row.nps) if row is not None else None,
        "responses": row.responses if row is not None else 0,
        "margin_of_error": rounded(row.margin) if row is not None else None,
        "window_days": row.window_days if row is not None else settings.window_days,
        "min_responses": settings.min_responses,
        "from_fallback": row.from_fallback if row is not None else True,
        "computed_at": row.computed_at if row is not None else None,
        "reason": reason,
        "computed_reason": computed_reason,
        "override": override,
    }


def rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def mode_meanings() -> list[dict[str, Any]]:
    """Each mode with when it applies and what it holds at posting time, in the reader's language
    (the policy page)."""
    settings = rules.gate_settings()
    gates = {"open": _num(settings.gates["open"]), "strict": _num(settings.gates["strict"])}
    return [{"mode": mode, "label": rules.say(rules.MODE_LABELS[mode]), "when": rules.say(rules.MODE_WHEN[mode], **gates),
             "meaning": rules.say(rules.MODE_MEANINGS[mode], posts=settings.guarded_posts, hours=settings.hold_hours)}
            for mode in rules.MODE_ORDER]


def staff_to_tell() -> list[int]:
    """Ids of the moderators and admins (told when a mode changes), in one statement."""
    return list(db.session.scalars(sa.select(UserRole.user_id).where(UserRole.role.in_([Role.moderator, Role.admin]))
                                   .distinct().order_by(UserRole.user_id)))


# --------------------------------------------------------------------------- flags
# docs/rules.md, "The NPS gate": who may flag what (`flag_refusal`, the rule the action
# `actions.flag_content` enforces and other parts' pages use to show the Flag control), how many
# flags count toward hiding, and each flagger's accuracy.

def flag_target(viewer: Any, content_type: Any, content_id: Any) -> Any:
    """The question, answer, comment or idea a flag names, if the viewer may see it; an unknown
    content type is 422 `content_type`, unknown or invisible content 404 (never 403)."""
    if content_type not in rules.FLAGGABLE:
        raise RuleViolation(_("The content type must be one of: %(types)s.", types=", ".join(rules.FLAGGABLE)),
                            code="invalid", field="content_type")
    if isinstance(content_id, bool) or not isinstance(content_id, int):
        raise RuleViolation(_("The content id must be a whole number."), code="invalid", field="content_id")
    if content_type == "question":
        return qa_queries.access_question(viewer, content_id)
    if content_type == "answer":
        return qa_queries.access_answer(viewer, content_id)
    if content_type == "comment":
        return qa_queries.access_comment(viewer, content_id)
    return ideas_queries.access_idea(viewer, content_id)


def flag_refusal(user: Any, content: Any) -> DomainError | None:
    """Why `user` may not flag `content`, or None: a signed-in member who is not suspended, with the
    flag privilege (PRIVILEGES["flag"] points; staff and ambassadors have it), 403 naming the points
    needed; flagging your own post is 422."""
    standing = _flagger_refusal(user)
    if standing is not None:
        return standing
    if getattr(content, "author_id", None) == user.id:
        return RuleViolation(_("You cannot flag your own post."), code="own_content", field="content_id")
    return None


def _flagger_refusal(user: Any) -> DomainError | None:
    """The part of `flag_refusal` that is the same for all content: an active member with the flag
    privilege."""
    inactive = active_member_refusal(user)
    if inactive is not None:
        return inactive
    return rewards_queries.privilege_refusal(user, Privilege.FLAG)


_MY_FLAGS = sa.select(Flag.content_type, Flag.content_id).where(
    Flag.flagger_id == sa.bindparam("flagger"), Flag.content_id.in_(sa.bindparam("ids", expanding=True)))
# PostgreSQL: the ids as one array parameter. An expanding IN of a page's 60 ids makes SQLAlchemy
# render the statement anew at every request, and psycopg does not prepare statements of more
# than 50 parameters: 0.43 ms of CPU per read of 61 ids against 0.18 ms for "= ANY(:ids)" (issue 12).
# SQLite has no arrays and keeps the IN.
_MY_FLAGS_ARRAY = sa.select(Flag.content_type, Flag.content_id).where(
    Flag.flagger_id == sa.bindparam("flagger"),
    Flag.content_id == sa.any_(sa.bindparam("ids", type_=postgresql.ARRAY(sa.Integer))))


def my_flags(viewer: Any, targets: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of `targets` ((content_type, id) pairs) the viewer has flagged, in one statement (the
    viewer's flags on those ids, read from the flagger's index and matched to the pairs here)."""
    if not is_signed_in(viewer) or not targets:
        return set()
    wanted = {(kind, content_id) for kind, content_id in targets}
    statement = _MY_FLAGS_ARRAY if db.dialect() == "postgresql" else _MY_FLAGS
    rows = db.core_execute(statement, {"flagger": viewer.id, "ids": sorted({i for _, i in wanted})})
    return {(t, i) for t, i in rows if (t, i) in wanted}


_REASONS_BY_LANGUAGE: dict[str, list[tuple[str, str]]] = {}


def _flag_reasons() -> list[tuple[str, str]]:
    """rules.FLAG_REASONS as (code, label) in the reader's language, worked out once per language
    (a page shows the list with every Flag form; the catalogues do not change while the app runs)."""
    from flask import has_request_context
    from flask_babel import get_locale

    language = str(get_locale()) if has_request_context() else ""
    found = _REASONS_BY_LANGUAGE.get(language)
    if found is None:
        found = _REASONS_BY_LANGUAGE[language] = [(code, rules.say(label)) for code, label in rules.FLAG_REASONS.items()]
    return found


def flag_controls(viewer: Any, posts: list[tuple[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The Flag control of each post a page shows ((content_type, post) pairs), keyed by
    (content_type, id): `allowed` (the form is shown: `flag_refusal` is None), `why` (the refusal
    in words for a member who lacks the privilege or is suspended), `flagged` (the viewer already
    did). No entry for visitors and for the viewer's own posts. One statement, whatever the posts."""
    if not is_signed_in(viewer):
        return {}
    done = my_flags(viewer, [(kind, post.id) for kind, post in posts])
    reasons = _flag_reasons()
    # flag_refusal of content that is not the viewer's own (theirs has no control) is the same
    # for all of it: worked out once.
    refusal = _flagger_refusal(viewer)
    allowed, why = refusal is None, refusal.message if refusal is not None else None
    me = viewer.id
    controls: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, post in posts:
        if getattr(post, "author_id", None) == me:
            continue
        controls[(kind, post.id)] = {"content_type": kind, "content_id": post.id, "allowed": allowed,
                                     "why": why, "flagged": (kind, post.id) in done, "anchor": FLAG_ANCHORS[kind](post.id),
                                     "reasons": reasons, "note_max": rules.FLAG_NOTE_MAX}
    return controls


# Where a page shows each kind of content (the Flag form comes back there).
FLAG_ANCHORS: dict[str, Any] = {"question": lambda _id: "question", "answer": lambda i: f"answer-{i}",
                                "comment": lambda i: f"comment-{i}", "idea": lambda _id: ""}


def flag_accuracy_of(user_ids: Any) -> dict[int, dict[str, Any]]:
    """Each flagger's decided flags, upheld flags, accuracy (None before any decision) and whether
    their flags count toward hiding (rules.flags_count), in one statement."""
    ids = sorted({int(u) for u in user_ids if u is not None})
    settings = rules.flag_settings()
    found = {uid: (0, 0) for uid in ids}
    if ids:
        upheld = sa.func.sum(sa.case((Flag.outcome == FlagOutcome.upheld, 1), else_=0))
        decided = sa.func.sum(sa.case((Flag.outcome != FlagOutcome.pending, 1), else_=0))
        for uid, up, dec in db.session.execute(sa.select(Flag.flagger_id, upheld, decided)
                                               .where(Flag.flagger_id.in_(ids)).group_by(Flag.flagger_id)):
            found[uid] = (int(up or 0), int(dec or 0))
    return {uid: {"upheld": up, "decided": dec, "accuracy": rules.flag_accuracy(up, dec),
                  "counts": rules.flags_count(up, dec, settings)} for uid, (up, dec) in found.items()}


def pending_flags(content_type: str, content_id: int) -> list[Flag]:
    """The flags on one piece of content that wait for a moderator's decision, oldest first."""
    return list(db.session.scalars(sa.select(Flag).where(
        Flag.content_type == content_type, Flag.content_id == content_id, Flag.outcome == FlagOutcome.pending)
        .order_by(Flag.created_at, Flag.id)))


def counting_flags(content_type: str, content_id: int) -> int:
    """How many pending flags on the content come from flaggers whose flags count toward hiding
    (two statements)."""
    flags = pending_flags(content_type, content_id)
    accuracy = flag_accuracy_of(f.flagger_id for f in flags)
    return sum(1 for f in flags if accuracy[f.flagger_id]["counts"])


def open_item_for(content_type: str, content_id: int) -> ModerationItem | None:
    """The open queue item of a piece of content, if it waits for a moderator already."""
    return db.session.scalar(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id == content_id,
        ModerationItem.status == ItemStatus.open).order_by(ModerationItem.id.desc()).limit(1))


def flags_for_items(items: list[ModerationItem]) -> dict[int, dict[str, Any]]:
    """For the queue: the flags on each item's content, by item id — `reasons` [(label, count)],
    most frequent first, and `flags` (flagger, reason label, note, outcome, the flagger's accuracy
    and whether their flags count). Two statements, whatever the number of items."""
    keys = {(i.content_type, i.content_id): i.id for i in items}
    if not keys:
        return {}
    flags = list(db.session.scalars(sa.select(Flag).where(
        sa.tuple_(Flag.content_type, Flag.content_id).in_(list(keys))).order_by(Flag.created_at, Flag.id)))
    accuracy = flag_accuracy_of(f.flagger_id for f in flags)
    result: dict[int, dict[str, Any]] = {}
    for flag in flags:
        item_id = keys[(flag.content_type, flag.content_id)]
        entry = result.setdefault(item_id, {"reasons": {}, "flags": []})
        label = rules.say(rules.FLAG_REASONS.get(flag.reason, flag.reason))
        if flag.outcome == FlagOutcome.pending:
            entry["reasons"][label] = entry["reasons"].get(label, 0) + 1
        entry["flags"].append({"flagger": flag.flagger, "reason": flag.reason, "reason_label": label,
                               "note": flag.note, "outcome": flag.outcome, "created_at": flag.created_at,
                               **accuracy[flag.flagger_id]})
    for entry in result.values():
        entry["reasons"] = sorted(entry["reasons"].items(), key=lambda kv: (-kv[1], kv[0]))
    return result


def excerpt_of(content_type: str, content: Any) -> str:
    """The text a queue item shows for flagged content."""
    if content_type == "question":
        return f"{content.title} — {content.body}"
    if content_type == "idea":
        return f"{content.title} — {content.description}"
    return str(content.body)


# --------------------------------------------------------------------------- transparency
# docs/rules.md, "The NPS gate": the public moderation stats, from the queue's items.

def moderation_stats(days: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the queue did with the items held in the last `days` days (held_at in the window), in one
    statement: `held` (every item), `released` (approved by a moderator or at its release time),
    `rejected`, `open` (still waiting), `median_hold_minutes` (held → decided, over the decided
    items; None when none was decided), `rejections_by_reason` (every reason of
    rules.REJECTION_REASONS, 0 included) and `held_by_reason` (why items were held)."""
    now = now or db.utcnow()
    since = now - dt.timedelta(days=days)
    rows = db.session.execute(sa.select(ModerationItem.held_at, ModerationItem.decided_at, ModerationItem.status,
                                        ModerationItem.reason, ModerationItem.decision_reason)
                              .where(ModerationItem.held_at >= since, ModerationItem.held_at <= now)).all()
    by_reason = {reason: 0 for reason in rules.REJECTION_REASONS}
    held_by_reason: dict[str, int] = {}
    minutes: list[float] = []
    released = rejected = 0
    for held_at, decided_at, status, reason, decision_reason in rows:
        held_by_reason[reason] = held_by_reason.get(reason, 0) + 1
        if status == ItemStatus.approved:
            released += 1
        elif status == ItemStatus.rejected:
            rejected += 1
            key = decision_reason or ""
            by_reason[key] = by_reason.get(key, 0) + 1
        if status != ItemStatus.open and decided_at is not None:
            minutes.append(max((decided_at - held_at).total_seconds(), 0) / 60)
    return {"days": days, "since": since, "held": len(rows), "released": released, "rejected": rejected,
            "open": len(rows) - released - rejected,
            "median_hold_minutes": round(statistics.median(minutes), 1) if minutes else None,
            "rejections_by_reason": by_reason, "held_by_reason": held_by_reason}


def reason_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The stats page's rejections by reason: each reason's name in the reader's language, its
    count and share of the rejections, most frequent first."""
    total = stats["rejected"] or 0
    rows = [{"code": code, "label": rules.say(rules.REJECTION_REASONS.get(code, code)), "count": count,
             "share": count / total if total else 0.0} for code, count in stats["rejections_by_reason"].items()]
    return sorted(rows, key=lambda r: (-r["count"], r["label"]))


# --------------------------------------------------------------------------- health reports

def items_held_between(since: dt.datetime, until: dt.datetime) -> list[Any]:
    """The queue items held in [since, until): ``content_type``, ``content_id``, ``status``,
    ``held_at``, ``decided_at`` and ``negative`` (judged negative about the product by the gate's
    sentiment check, or escalated to customer success) — docs/rules.md: Health reports."""
    negative = sa.or_(ModerationItem.negative.is_(True), ModerationItem.escalated_at.is_not(None)).label("negative")
    return list(db.session.execute(
        sa.select(ModerationItem.content_type, ModerationItem.content_id, ModerationItem.status,
                  ModerationItem.held_at, ModerationItem.decided_at, negative)
        .where(ModerationItem.held_at >= since, ModerationItem.held_at < until)))
