"""Moderation reads: the queue and its items (moderators only); the NPS gate's effective mode,
its policy in words, and the posting-time hold decision (docs/rules.md: The NPS gate)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.accounts.models import Role, UserRole
from forum.accounts.queries import require
from forum.errors import NotFound
from forum.moderation import rules
from forum.moderation.models import ItemStatus, ModerationItem, ModerationPolicy
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
    return Hold(reason=reason, mode=mode, release_at=now + dt.timedelta(hours=settings.hold_hours))


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
