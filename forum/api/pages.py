"""The API part's HTML pages (docs/api.md): the API reference, read from the served OpenAPI
document by the vendored Swagger UI; the admins' webhook pages; a member's own data (download it
as JSON, delete the account) on the settings page."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from forum import db
from forum.accounts import privacy
from forum.accounts.queries import require
from forum.accounts.rules import Permission
from forum.api import actions, export, forms, queries, rules
from forum.api.models import DeliveryStatus
from forum.errors import DomainError
from forum.web import field_error, paginate

bp = Blueprint("api_pages", __name__)

SWAGGER_UI = "vendor/swagger-ui-dist-5.35.0"


@bp.get("/developers/api")
def reference() -> Any:
    """The API reference: every route of GET /api/v1/openapi.json with its request and response
    schemas, rendered in the browser by Swagger UI (static/js/api-docs.js; no inline script)."""
    return render_template("api/reference.html", swagger_ui=SWAGGER_UI,
                           spec_url=url_for("api.openapi"))


@bp.get("/api/docs")
def reference_alias() -> Any:
    """/api/docs is where integrators look first."""
    return redirect(url_for("api_pages.reference"))


# ----------------------------------------------------------------------------- webhooks (admin)

def _admin() -> Any:
    """The signed-in admin (docs/api.md: Webhooks are configured by admins), else 403."""
    require(current_user, Permission.MANAGE_COMMUNITY)
    return current_user


def _render_webhooks(form: Any, *, new_hook: Any = None, new_secret: str | None = None, status: int = 200) -> Any:
    return render_template("api/webhooks.html", form=form, hooks=list(db.session.scalars(queries.webhooks())),
                           counts=queries.delivery_counts(), new_hook=new_hook, new_secret=new_secret,
                           labels=rules.EVENT_LABELS, settings=rules.delivery_settings()), status


@bp.get("/admin/webhooks")
@login_required
def webhooks() -> Any:
    _admin()
    return _render_webhooks(forms.WebhookForm(formdata=None))


@bp.post("/admin/webhooks")
@login_required
def create_webhook() -> Any:
    actor = _admin()
    form = forms.WebhookForm()
    if form.validate_on_submit():
        try:
            hook, secret = actions.create_webhook(actor, url=form.url.data, events=form.events.data,
                                                  description=form.description.data)
        except DomainError as exc:
            db.rollback()
            field_error(form, exc)
        else:
            db.commit()
            # The secret is in this response only (never in a flash message, which lives in the cookie).
            return _render_webhooks(forms.WebhookForm(formdata=None), new_hook=hook, new_secret=secret)
    return _render_webhooks(form, status=422)


def _filled_form(hook: Any) -> Any:
    return forms.WebhookForm(formdata=None, url=hook.url, description=hook.description, active=hook.active,
                             events=hook.event_list)


def _render_webhook(hook: Any, form: Any, *, new_secret: str | None = None, status: int = 200) -> Any:
    items, pager = paginate(queries.deliveries(hook.id, request.args.get("status")))
    return render_template("api/webhook.html", hook=hook, form=form, deliveries=items, pager=pager,
                           status_filter=request.args.get("status") or "", new_secret=new_secret,
                           statuses=[s.value for s in DeliveryStatus]), status


@bp.get("/admin/webhooks/<int:webhook_id>")
@login_required
def show_webhook(webhook_id: int) -> Any:
    """A webhook's settings and its delivery log, newest first (filter by status)."""
    hook = queries.access_webhook(_admin(), webhook_id)
    form = _filled_form(hook)
    return _render_webhook(hook, form)


@bp.post("/admin/webhooks/<int:webhook_id>")
@login_required
def update_webhook(webhook_id: int) -> Any:
    actor = _admin()
    hook = queries.access_webhook(actor, webhook_id)
    form = forms.WebhookForm()
    if form.validate_on_submit():
        try:
            actions.update_webhook(actor, hook, url=form.url.data, events=form.events.data,
                                   description=form.description.data, active=form.active.data)
        except DomainError as exc:
            db.rollback()
            field_error(form, exc)
        else:
            db.commit()
            flash(_("The webhook is saved."), "success")
            return redirect(url_for("api_pages.show_webhook", webhook_id=hook.id))
    return _render_webhook(hook, form, status=422)


@bp.post("/admin/webhooks/<int:webhook_id>/secret")
@login_required
def rotate_secret(webhook_id: int) -> Any:
    actor = _admin()
    hook = queries.access_webhook(actor, webhook_id)
    secret = actions.rotate_webhook_secret(actor, hook)
    db.commit()
    form = _filled_form(hook)
    return _render_webhook(hook, form, new_secret=secret)


@bp.post("/admin/webhooks/<int:webhook_id>/ping")
@login_required
def ping_webhook(webhook_id: int) -> Any:
    actor = _admin()
    hook = queries.access_webhook(actor, webhook_id)
    actions.ping_webhook(actor, hook)
    db.commit()
    flash(_("A test delivery is queued; the next periodic run sends it."), "success")
    return redirect(url_for("api_pages.show_webhook", webhook_id=hook.id))


@bp.post("/admin/webhooks/<int:webhook_id>/delete")
@login_required
def delete_webhook(webhook_id: int) -> Any:
    actor = _admin()
    hook = queries.access_webhook(actor, webhook_id)
    actions.delete_webhook(actor, hook)
    db.commit()
    flash(_("The webhook and its delivery log are deleted."), "success")
    return redirect(url_for("api_pages.webhooks"))


@bp.post("/admin/webhooks/deliveries/<int:delivery_id>/retry")
@login_required
def retry_delivery(delivery_id: int) -> Any:
    actor = _admin()
    delivery = queries.access_delivery(actor, delivery_id)
    actions.retry_delivery(actor, delivery)
    db.commit()
    flash(_("The delivery will be sent again at the next periodic run."), "success")
    return redirect(url_for("api_pages.show_webhook", webhook_id=delivery.webhook_id))


# ----------------------------------------------------------------------------- personal data (settings)

def _render_data(form: Any, status: int = 200) -> Any:
    return render_template("api/my_data.html", form=form), status


@bp.get("/settings/data")
@login_required
def my_data() -> Any:
    """Download your data as JSON, or delete your account (docs/rules.md: Personal data)."""
    return _render_data(forms.DeleteAccountForm(formdata=None))


@bp.get("/settings/data/export.json")
@login_required
def download_my_data() -> Any:
    body = json.dumps(export.member_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="forum-data-{current_user.id}.json"',
        "Cache-Control": "no-store"})


@bp.post("/settings/data/delete")
@login_required
def delete_my_account() -> Any:
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy.delete_account(current_user._get_current_object(), form.password.data)
        except DomainError as exc:
            db.rollback()
            field_error(form, exc)
        else:
            db.commit()
            logout_user()
            flash(_("Your account is deleted. What you posted stays, attributed to “deleted member”."), "success")
            return redirect(url_for("qa.home"))
    return _render_data(form, status=422)
