"""Accounts pages (the `accounts` blueprint): sign-up, sign-in, password reset, profiles,
settings, language, notifications, API tokens and the admin pages for organizations and members.

Thin views (docs/architecture.md): parse the form, call one action of forum.accounts.actions, commit once,
render or redirect. Domain errors of an action are shown on the form field they name.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any, Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh as refresh_locale
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import contains_eager, selectinload

from forum import db, security
from forum.accounts import actions, forms, mail
from forum.accounts.models import Organization, User
from forum.accounts.queries import (access_organization, access_profile, access_user, can, organizations, require,
                                    tokens_of, user_by_login)
from forum.accounts.rules import ASSIGNABLE_ROLES, Permission, allowed_scopes
from forum.errors import DomainError
from forum.notifications.actions import mark_notifications_read
from forum.notifications.queries import access_notification, notification_texts, notifications_for, unread_count
from forum.web import field_error, login_required, paginate, rate_limit, select_page
from forum.rewards import queries as rewards_queries

bp = Blueprint("accounts", __name__)
logger = logging.getLogger(__name__)

def init_app(app: Flask) -> None:
    mail.init_app(app)


# ----------------------------------------------------------------------------- helpers

def _home() -> str:
    return url_for("qa.home")


def safe_next(target: Any) -> str | None:
    """`target` if it is a path on this site (``/…``), else None: no open redirects."""
    if not isinstance(target, str):
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _back() -> str:
    """Where to return after a small POST: the `next` field, else a same-site referrer, else home."""
    target = safe_next(request.form.get("next") or request.args.get("next"))
    if target:
        return target
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host and parts.scheme in ("http", "https"):
            return safe_next(parts.path + (f"?{parts.query}" if parts.query else "")) or _home()
    return _home()


def _show_error(form: Any, exc: DomainError) -> None:
    """Roll back the failed action and show its message beside the field it names (or above the form)."""
    db.rollback()
    field_error(form, exc)


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in (else the sign-in page), and an admin (else 403): Permission.MANAGE_COMMUNITY."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        require(current_user, Permission.MANAGE_COMMUNITY)
        return view(*args, **kwargs)

    return wrapped


def _suspended_message(user: User) -> str | None:
    until = user.suspended_until
    if until is None or until <= db.utcnow():
        return None
    text = _("Your account is suspended until %(until)s.", until=format_datetime(until, "medium"))
    if user.suspension_reason:
        text += " " + _("Reason: %(reason)s", reason=user.suspension_reason)
    return text


# ----------------------------------------------------------------------------- sign up / in / out

@bp.get("/signup")
def signup() -> Any:
    if current_user.is_authenticated:
        return redirect(_home())
    form = forms.SignupForm(locale=str(_current_locale()), next=request.args.get("next", ""))
    return render_template("accounts/signup.html", form=form)


@bp.post("/signup")
@rate_limit("signup")
def signup_submit() -> Any:
    form = forms.SignupForm()
    if form.validate_on_submit():
        try:
            user = actions.register_user(username=form.username.data, email=form.email.data,
                                         password=form.password.data, locale=form.locale.data,
                                         invite_code=session.get("invite_code"))
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            login_user(user)
            session["locale"] = user.locale
            flash(_("Welcome to %(site)s, %(name)s!", site=current_app.config["SITE_NAME"], name=user.username),
                  "success")
            return redirect(safe_next(form.next.data) or _home())
    return render_template("accounts/signup.html", form=form), 422


@bp.get("/login")
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or _home())
    form = forms.LoginForm(next=safe_next(request.args.get("next")) or "", login=request.args.get("login", ""))
    return render_template("accounts/login.html", form=form)


@bp.post("/login")
@rate_limit("login")
def login_submit() -> Any:
    form = forms.LoginForm()
    error = None
    if form.validate_on_submit():
        user = actions.authenticate(form.login.data, form.password.data)
        if user is None:
            error = _("That username or e-mail and password do not match. Check them and try again.")
        elif (suspended := _suspended_message(user)) is not None:
            error = suspended
        else:
            login_user(user)
            if form.remember.data:
                # docs/security.md: a random token stored hashed, replaced at each use (not Flask-Login's cookie)
                security.set_remember_cookie(actions.issue_remember_token(user))
                db.commit()
            refresh_locale()  # the welcome is in the member's language, not the visitor's
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(safe_next(form.next.data) or _home())
    return render_template("accounts/login.html", form=form, error=error), 422 if error or form.errors else 200


@bp.post("/logout")
def logout() -> Any:
    if current_user.is_authenticated:
        if current_user.locale in current_app.config["LANGUAGES"]:
            session["locale"] = current_user.locale  # the pages keep the member's language after signing out
        # docs/security.md: signing out ends every session of the member (a saved cookie stops working)
        actions.end_sessions(current_user)
        db.commit()
        logout_user()
        security.clear_remember_cookie()
        refresh_locale()
        flash(_("You are signed out."), "info")
    return redirect(_home())


# ----------------------------------------------------------------------------- password reset

@bp.get("/password/forgot")
def forgot_password() -> Any:
    return render_template("accounts/forgot_password.html", form=forms.ForgotPasswordForm())


@bp.post("/password/forgot")
@rate_limit("login")
def forgot_password_submit() -> Any:
    """Always the same answer, whether or not the address has an account (no enumeration)."""
    form = forms.ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot_password.html", form=form), 422
    user = user_by_login(form.email.data) if "@" in (form.email.data or "") else None
    if user is not None:
        _send_reset_mail(user)
    flash(_("If an account exists for %(email)s, we sent it a link to reset the password. "
            "The link works for %(hours)d hours.", email=form.email.data,
            hours=int(current_app.config["PASSWORD_RESET_HOURS"])), "info")
    return redirect(url_for("accounts.login"))


def _send_reset_mail(user: User) -> None:
    link = url_for("accounts.reset_password", token=actions.password_reset_token(user), _external=True)
    with force_locale(user.locale):
        subject = _("Reset your password for %(site)s", site=current_app.config["SITE_NAME"])
        body = _("Hello %(name)s,\n\nSomeone (we hope you) asked to reset your password for %(site)s. "
                 "Open this link to choose a new one:\n\n%(link)s\n\nThe link works once, for %(hours)d hours. "
                 "If you did not ask for it, ignore this message: your password stays as it is.\n",
                 name=user.name, site=current_app.config["SITE_NAME"], link=link,
                 hours=int(current_app.config["PASSWORD_RESET_HOURS"]))
    try:
        mail.send_mail(user.email, subject, body)
    except Exception:  # noqa: BLE001 - a mail failure must not reveal whether the account exists
        logger.exception("Could not send the password reset mail to user %s", user.id)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    form = forms.ResetPasswordForm()
    token_error = None
    if form.validate_on_submit():
        try:
            user = actions.reset_password(token, form.password.data)
        except DomainError as exc:
            if exc.field == "token":
                db.rollback()
                token_error = exc.message
            else:
                _show_error(form, exc)
        else:
            db.commit()
            flash(_("Your password was changed. Sign in with the new password."), "success")
            return redirect(url_for("accounts.login", login=user.username))
    status = 422 if (token_error or form.errors) else 200
    return render_template("accounts/reset_password.html", form=form, token_error=token_error), status


# ----------------------------------------------------------------------------- profile & settings

def _recent_answers(viewer: Any, author_id: int, limit: int) -> tuple[list[Any], int]:
    """The member's answers the viewer may see (Q&A's visibility rule on answer and question)."""
    from forum.qa.models import Answer, Question
    from forum.qa.queries import question_visibility, status_visibility

    stmt = (sa.select(Answer).join(Question, Question.id == Answer.question_id)
            .where(Answer.author_id == author_id, status_visibility(Answer, viewer), question_visibility(viewer))
            .options(contains_eager(Answer.question))
            .order_by(Answer.created_at.desc(), Answer.id.desc()))
    return select_page(stmt, 1, limit)


def _question_url(question: Any) -> str:
    return url_for("qa.show_question", question_id=question.id)


@bp.get("/users/<int:user_id>")
def profile(user_id: int) -> Any:
    from forum.qa.queries import questions

    member = access_profile(user_id)
    recent_questions, question_total = select_page(questions(current_user, author_id=member.id, sort="newest"), 1, 10)
    recent_answers, answer_total = _recent_answers(current_user, member.id, 10)
    is_self = current_user.is_authenticated and current_user.id == member.id
    return render_template(
        "accounts/profile.html", member=member, trust_level=rewards_queries.trust_level(member),
        show_org_details=can(current_user, Permission.VIEW_ORG_DETAILS),
        is_self=is_self,
        can_manage=can(current_user, Permission.MANAGE_COMMUNITY),
        recent_questions=recent_questions, question_total=question_total,
        recent_answers=recent_answers, answer_total=answer_total,
        question_url=_question_url,
        suspended=_suspended_message(member) if is_self or can(current_user, Permission.MODERATE) else None,
        rewards_panel=rewards_queries.profile_panel(member, current_user),
        **_suspension_controls(member),
    )


# ----------------------------------------------------------------------------- suspensions
# docs/rules.md, "Members who break the rules": moderators suspend and lift from the profile.

def _suspension_controls(member: User, form: Any = None) -> dict[str, Any]:
    """The profile's suspension forms, shown exactly when actions.may_suspend allows them."""
    if not actions.may_suspend(current_user, member):
        return {"suspension_form": None, "lift_form": None}
    running = actions.is_suspended(member)
    return {"suspension_form": form or forms.SuspensionForm(),
            "lift_form": forms.LiftSuspensionForm() if running else None}


@bp.post("/users/<int:user_id>/suspension")
@login_required
def suspend(user_id: int) -> Any:
    """A moderator suspends the member until a time with a reason (actions.suspend_member)."""
    member = access_user(user_id)
    form = forms.SuspensionForm()
    if not form.validate_on_submit():
        flash(_("Check the suspension: %(errors)s",
                errors="; ".join(e for errors in form.errors.values() for e in errors)), "error")
        return redirect(url_for("accounts.profile", user_id=member.id))
    try:
        actions.suspend_member(current_user, member, until=form.until.data, reason=form.reason.data)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("accounts.profile", user_id=member.id))
    until = member.suspended_until
    db.commit()
    flash(_("%(name)s is suspended until %(until)s UTC.", name=member.username,
            until=f"{until:%Y-%m-%d %H:%M}" if until else ""), "success")
    return redirect(url_for("accounts.profile", user_id=member.id))


@bp.post("/users/<int:user_id>/suspension/lift")
@login_required
def lift_suspension(user_id: int) -> Any:
    """A moderator lifts the member's suspension (actions.lift_suspension)."""
    member = access_user(user_id)
    if not forms.LiftSuspensionForm().validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return redirect(url_for("accounts.profile", user_id=member.id))
    try:
        actions.lift_suspension(current_user, member)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("accounts.profile", user_id=member.id))
    db.commit()
    flash(_("The suspension of %(name)s is lifted.", name=member.username), "success")
    return redirect(url_for("accounts.profile", user_id=member.id))


def _render_settings(profile_form: Any = None, password_form: Any = None, status: int = 200) -> Any:
    profile_form = profile_form or forms.ProfileForm(obj=current_user)
    password_form = password_form or forms.ChangePasswordForm()
    return render_template("accounts/settings.html", profile_form=profile_form, password_form=password_form,
                           sessions_form=forms.EndSessionsForm()), status


@bp.get("/settings")
@login_required
def settings() -> Any:
    return _render_settings()


@bp.post("/settings")
@login_required
def settings_submit() -> Any:
    form = forms.ProfileForm()
    if form.validate_on_submit():
        try:
            actions.update_profile(current_user, display_name=form.display_name.data or "", bio=form.bio.data or "",
                                   locale=form.locale.data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            session["locale"] = current_user.locale
            with force_locale(current_user.locale):
                flash(_("Your profile was saved."), "success")
            return redirect(url_for("accounts.settings"))
    return _render_settings(profile_form=form, status=422)


@bp.post("/settings/password")
@login_required
def change_password() -> Any:
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        if actions.authenticate(current_user.username, form.current_password.data) is None:
            form.current_password.errors = [*form.current_password.errors, _("That is not your current password.")]
        else:
            try:
                actions.change_password(current_user, form.password.data)
            except DomainError as exc:
                _show_error(form, exc)
            else:
                db.commit()
                login_user(current_user._get_current_object())  # this browser stays signed in, the others do not
                security.clear_remember_cookie()
                flash(_("Your password was changed. You are signed out everywhere else."), "success")
                return redirect(url_for("accounts.settings"))
    return _render_settings(password_form=form, status=422)


@bp.post("/settings/sessions/end")
@login_required
def end_sessions() -> Any:
    """Sign out everywhere else: every other session and every "Remember me" ends; this browser
    is signed in again with the new session version (docs/security.md)."""
    if not forms.EndSessionsForm().validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return redirect(url_for("accounts.settings"))
    actions.end_sessions(current_user)
    db.commit()
    login_user(current_user._get_current_object())
    security.clear_remember_cookie()
    flash(_("You are signed out everywhere else: every other browser and device has to sign in again."), "success")
    return redirect(url_for("accounts.settings"))


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.post("/language")
def set_language() -> Any:
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        flash(_("That language is not available."), "error")
        return redirect(_back())
    if current_user.is_authenticated:
        actions.update_profile(current_user, locale=locale)
        db.commit()
    session["locale"] = locale
    return redirect(_back())


# ----------------------------------------------------------------------------- notifications

@bp.get("/notifications")
@login_required
def notifications() -> Any:
    items, pager = paginate(notifications_for(current_user))
    rows = [{"notification": n, "text": text} for n, text in zip(items, notification_texts(items))]
    return render_template("accounts/notifications.html", rows=rows, pager=pager, unread=unread_count(current_user))


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int) -> Any:
    """Following a notification marks it read and goes where it points."""
    notification = access_notification(current_user, notification_id)
    mark_notifications_read(current_user, [notification.id])
    db.commit()
    return redirect(safe_next(notification.url) or url_for("accounts.notifications"))


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> Any:
    count = mark_notifications_read(current_user)
    db.commit()
    if count:
        flash(_("All notifications are marked read."), "success")
    return redirect(url_for("accounts.notifications"))


# ----------------------------------------------------------------------------- API tokens

def _render_tokens(form: Any, *, new_token: Any = None, new_secret: str | None = None, status: int = 200) -> Any:
    tokens = list(db.session.scalars(tokens_of(current_user)))
    body = render_template("accounts/tokens.html", form=form, tokens=tokens, new_token=new_token,
                           new_secret=new_secret, now=db.utcnow(),
                           token_days=int(current_app.config["API_TOKEN_DAYS"]))
    # The page shows a new token's secret once: no browser or proxy may keep a copy of it.
    return body, status, {"Cache-Control": "no-store"}


@bp.get("/settings/tokens")
@login_required
def tokens() -> Any:
    form = forms.TokenForm(allowed_scopes(current_user.roles), scopes=["read"])
    return _render_tokens(form)


@bp.post("/settings/tokens")
@login_required
def create_token() -> Any:
    form = forms.TokenForm(allowed_scopes(current_user.roles))
    if form.validate_on_submit():
        try:
            token, secret = actions.issue_token(current_user, name=form.name.data or "", scopes=form.scopes.data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            # The secret is shown in this response only; it is stored hashed and never again readable.
            fresh = forms.TokenForm(allowed_scopes(current_user.roles), formdata=None, scopes=["read"])
            return _render_tokens(fresh, new_token=token, new_secret=secret)
    return _render_tokens(form, status=422)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    token = actions.revoke_token(current_user, token_id)
    db.commit()
    flash(_("The token “%(name)s” is revoked.", name=token.name or _("unnamed")), "success")
    return redirect(url_for("accounts.tokens"))


# ----------------------------------------------------------------------------- admin

ADMIN_PAGES = {
    "accounts.admin_organizations": (_l("Organizations"), _l("Customer accounts: tier, ARR and members; CSV import.")),
    "accounts.admin_members": (_l("Members"), _l("Find members and set their roles.")),
}
# Leads for other parts' admin pages, when they exist (the pages are found in the URL map).
ADMIN_LEADS = {
    "qa.admin_categories": (_l("Categories"), _l("Sections of the forum, ambassadors-only ones included.")),
    "audit.log": (_l("Audit log"), _l("Every moderation action, override, role change and suspension, newest first.")),
}


def _admin_pages() -> list[dict[str, Any]]:
    """Every admin page the app serves: ours first, then those of other parts (GET /admin/…)."""
    pages = [{"url": url_for(endpoint), "title": title, "lead": lead} for endpoint, (title, lead) in ADMIN_PAGES.items()]
    seen = set(ADMIN_PAGES) | {"accounts.admin_index"}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if (rule.endpoint in seen or not re.fullmatch(r"/admin/[^/<]+/?", rule.rule) or rule.arguments
                or "GET" not in (rule.methods or ())):
            continue
        seen.add(rule.endpoint)
        if rule.endpoint in ADMIN_LEADS:
            title, lead = ADMIN_LEADS[rule.endpoint]
        else:
            segment = rule.rule.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
            title, lead = _(segment.capitalize()), ""
        pages.append({"url": url_for(rule.endpoint), "title": title, "lead": lead})
    return pages


@bp.get("/admin")
@admin_required
def admin_index() -> Any:
    counts = {
        "members": db.session.scalar(sa.select(sa.func.count(User.id))) or 0,
        "organizations": db.session.scalar(sa.select(sa.func.count(Organization.id))) or 0,
    }
    return render_template("admin/index.html", pages=_admin_pages(), counts=counts)


def _organization_rows() -> list[tuple[Organization, int]]:
    member_count = (sa.select(sa.func.count(User.id)).where(User.organization_id == Organization.id)
                    .correlate(Organization).scalar_subquery())
    return [(org, count) for org, count in db.session.execute(organizations().add_columns(member_count))]


def _render_organizations(form: Any = None, import_form: Any = None, report: Any = None, status: int = 200) -> Any:
    return render_template("admin/organizations.html", rows=_organization_rows(),
                           form=form or forms.OrganizationForm(formdata=None),
                           import_form=import_form or forms.OrganizationImportForm(formdata=None),
                           report=report, tier_labels=forms.TIER_LABELS), status


@bp.get("/admin/organizations")
@admin_required
def admin_organizations() -> Any:
    return _render_organizations()


@bp.post("/admin/organizations")
@admin_required
def admin_create_organization() -> Any:
    form = forms.OrganizationForm()
    if form.validate_on_submit():
        try:
            org = actions.create_organization(current_user, name=form.name.data, tier=form.tier.data, arr=form.arr.data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            flash(_("Organization “%(name)s” created. Add its members below.", name=org.name), "success")
            return redirect(url_for("accounts.admin_organization", org_id=org.id))
    return _render_organizations(form=form, status=422)


@bp.post("/admin/organizations/import")
@admin_required
def admin_import_organizations() -> Any:
    form = forms.OrganizationImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [*form.file.errors, _("The file is not UTF-8 text. Save it as CSV (UTF-8) and retry.")]
        else:
            report = actions.import_organizations_csv(current_user, text)
            db.commit()
            return _render_organizations(report=report)
    return _render_organizations(import_form=form, status=422)


def _render_organization(org: Organization, form: Any = None, members_form: Any = None, status: int = 200) -> Any:
    members = sorted(org.members, key=lambda u: u.username.lower())
    form = form or forms.OrganizationForm(formdata=None, obj=org, tier=org.tier.value)
    members_form = members_form or forms.OrganizationMembersForm(
        formdata=None, usernames="\n".join(u.username for u in members))
    return render_template("admin/organization.html", org=org, form=form, members_form=members_form,
                           members=members, tier_labels=forms.TIER_LABELS), status


@bp.get("/admin/organizations/<int:org_id>")
@admin_required
def admin_organization(org_id: int) -> Any:
    return _render_organization(access_organization(org_id))


@bp.post("/admin/organizations/<int:org_id>")
@admin_required
def admin_update_organization(org_id: int) -> Any:
    org = access_organization(org_id)
    form = forms.OrganizationForm()
    if form.validate_on_submit():
        try:
            actions.update_organization(current_user, org, name=form.name.data, tier=form.tier.data, arr=form.arr.data)
        except DomainError as exc:
            _show_error(form, exc)
            org = access_organization(org_id)
        else:
            db.commit()
            flash(_("Organization saved."), "success")
            return redirect(url_for("accounts.admin_organization", org_id=org.id))
    return _render_organization(org, form=form, status=422)


@bp.post("/admin/organizations/<int:org_id>/members")
@admin_required
def admin_organization_members(org_id: int) -> Any:
    org = access_organization(org_id)
    form = forms.OrganizationMembersForm()
    if form.validate_on_submit():
        try:
            actions.set_organization_members_by_username(current_user, org, form.username_list())
        except DomainError as exc:
            _show_error(form, exc)
            org = access_organization(org_id)
        else:
            db.commit()
            flash(_("Members saved: %(count)d.", count=len(org.members)), "success")
            return redirect(url_for("accounts.admin_organization", org_id=org.id))
    return _render_organization(org, members_form=form, status=422)


@bp.get("/admin/members")
@admin_required
def admin_members() -> Any:
    q = (request.args.get("q") or "").strip()
    stmt = sa.select(User).options(selectinload(User.organization)).order_by(sa.func.lower(User.username))
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.username).like(pattern, escape="\\"),
                                 sa.func.lower(User.display_name).like(pattern, escape="\\"),
                                 User.email.like(pattern, escape="\\")))
    members, pager = paginate(stmt)
    return render_template("admin/members.html", members=members, q=q, pager=pager, assignable=[(r, forms.ROLE_LABELS[r]) for r in ASSIGNABLE_ROLES])


@bp.post("/admin/members/<int:user_id>/roles")
@admin_required
def admin_set_roles(user_id: int) -> Any:
    member = access_user(user_id)
    form = forms.RolesForm()
    if not form.validate_on_submit():
        flash(_("Those roles are not valid."), "error")
    else:
        actions.set_roles(current_user, member, list(form.roles.data or []))
        db.commit()
        flash(_("Roles of %(name)s saved: %(roles)s.", name=member.username,
                roles=", ".join(str(forms.ROLE_LABELS.get(r, r)) for r in member.roles)), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("accounts.admin_members"))


# ----------------------------------------------------------------------------- the member card

@bp.get("/users/<int:user_id>/card")
def user_card(user_id: int) -> Any:
    """The small card shown when hovering a member's name (static/js/usercard.js): the name, the
    username, points, trust level, badges and ambassador status; public like the profile."""
    member = access_profile(user_id)
    return render_template("accounts/_card.html", member=member, summary=rewards_queries.profile_summary(member))
