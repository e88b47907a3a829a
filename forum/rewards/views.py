"""Rewards pages (the `rewards` blueprint): badges, leaderboards, ambassadors, the community
managers' ambassador page, a member's points history, and invite links.

Thin views (docs/architecture.md): read through forum.rewards.queries, change through forum.rewards.actions,
commit once, render or redirect.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import db
from forum.accounts.queries import access_user, invitees, require, user_by_invite_code
from forum.accounts.rules import Permission
from forum.errors import DomainError
from forum.qa.queries import access_category, visible_categories
from forum.rewards import actions, queries, rules
from forum.web import login_required

bp = Blueprint("rewards", __name__)


def manager_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Community managers (admin: Permission.MANAGE_COMMUNITY) run the ambassador programme."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        require(current_user, Permission.MANAGE_COMMUNITY)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/badges")
def badges() -> Any:
    mine = set()
    if current_user.is_authenticated:
        mine = {b["slug"] for b in queries.badges_of(current_user)}
    return render_template("rewards/badges.html", catalogue=queries.badge_catalogue(), mine=mine,
                           tiers=rules.TIERS)


@bp.get("/leaderboard")
def leaderboard() -> Any:
    period = request.args.get("period", "week")
    if period not in queries.PERIODS:
        period = "week"
    by = "organizations" if request.args.get("by") == "organizations" else "members"
    category = None
    category_id = request.args.get("category", type=int)
    if category_id is not None and by == "members":
        category = access_category(category_id, current_user)
    trust_levels: dict[int, int] = {}
    if by == "organizations":
        rows = queries.organization_leaderboard(period)
    else:
        rows = queries.leaderboard(period, category_id=category.id if category else None)
        trust_levels = {member.id: queries.trust_level(member) for member, _points in rows}
    return render_template("rewards/leaderboard.html", rows=rows, period=period, by=by, category=category,
                           categories=list(db.session.scalars(visible_categories(current_user))),
                           periods={"week": _("This week"), "month": _("This month"), "all": _("All time")},
                           trust_levels=trust_levels)


@bp.get("/ambassadors")
def ambassadors() -> Any:
    members = list(db.session.scalars(queries.ambassadors()))
    return render_template("rewards/ambassadors.html", members=members,
                           terms=queries.current_terms([m.id for m in members]),
                           criteria=rules.ambassador_criteria(), ambassador_level=rules.ambassador_trust_level())


@bp.get("/admin/ambassadors")
@manager_required
def admin_ambassadors() -> Any:
    members = list(db.session.scalars(queries.ambassadors()))
    return render_template(
        "rewards/admin_ambassadors.html", candidates=queries.ambassador_candidates(), members=members,
        terms=queries.current_terms([m.id for m in members]), evidence=queries.ambassador_evidence_of(members),
        history=list(db.session.scalars(queries.ambassador_terms().limit(50))),
        criteria_labels={k: rules.say(v) for k, v in rules.CRITERIA_LABELS.items()})


def _manage(user_id: int, action: Callable[..., Any], done: str) -> Any:
    member = access_user(user_id)
    try:
        action(current_user, member, request.form.get("note", ""))
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("rewards.admin_ambassadors")), 303
    db.commit()
    flash(done % {"name": member.username, "days": rules.ambassador_criteria()["term_days"]}, "success")
    return redirect(url_for("rewards.admin_ambassadors")), 303


@bp.post("/admin/ambassadors/<int:user_id>/appoint")
@manager_required
def appoint(user_id: int) -> Any:
    return _manage(user_id, actions.appoint_ambassador, _("%(name)s is now an ambassador."))


@bp.post("/admin/ambassadors/<int:user_id>/renew")
@manager_required
def renew(user_id: int) -> Any:
    return _manage(user_id, actions.renew_ambassador, _("%(name)s's term was renewed for %(days)s days."))


@bp.post("/admin/ambassadors/<int:user_id>/revoke")
@manager_required
def revoke(user_id: int) -> Any:
    return _manage(user_id, actions.revoke_ambassador, _("%(name)s is no longer an ambassador."))


@bp.get("/users/<int:user_id>/points")
def points(user_id: int) -> Any:
    """A member's rewards: points, trust level, next privilege, badges, ambassador status and the
    points history explained in words; for the member also the invite link and the checklist."""
    member = access_user(user_id)
    is_self = current_user.is_authenticated and current_user.id == member.id
    invite_url = url_for("rewards.join", code=member.invite_code, _external=True) \
        if is_self and member.invite_code else None
    return render_template(
        "rewards/points.html", member=member, summary=queries.profile_summary(member),
        privileges=queries.privileges_of(member), history=queries.history(member.id, viewer=current_user),
        is_self=is_self,
        invite_url=invite_url, checklist=queries.onboarding_checklist(member) if is_self else None,
        invitees=list(db.session.scalars(invitees(member.id))) if is_self else [],
        terms=list(db.session.scalars(queries.ambassador_terms(member.id))))


@bp.get("/join/<code>")
def join(code: str) -> Any:
    """An invite link: the code is kept in the browser session for the sign-up page, whose
    register_user (accounts) records the inviter."""
    inviter = user_by_invite_code(code)
    if inviter is None:
        abort(404)
    if not current_user.is_authenticated:
        session["invite_code"] = inviter.invite_code
        flash(_("%(name)s invited you to join. Welcome!", name=inviter.name), "info")
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.signup"))
    return redirect("/")
