"""What every part's HTML views share: sign-in required, pagination, form errors, rate limits and the
layout's template context (filters, the member's unread count, the staff navigation).

Registered once by `create_app` (`init_app`). The parts' views import these public names; no part
reaches into another part's views (docs: the parts and their rules, docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from babel import Locale
from babel.dates import TIMEDELTA_UNITS
from flask import Flask, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_babel import format_date, format_datetime, format_timedelta, get_babel, get_locale, get_timezone
from flask_babel import gettext as _
from markupsafe import Markup, escape
from flask_login import current_user

from forum import db
from forum.accounts.queries import can, is_signed_in
from forum.accounts.rules import Permission
from forum.errors import DomainError
from forum.extensions import limiter, rate_limit_key
from forum.ideas.rules import DECIDE_PERMISSION
from forum.moderation.rules import MODERATE_PERMISSION, REJECTION_REASONS
from forum.notifications.queries import unread_count
from forum.nps.rules import FOLLOW_UP_PERMISSION, SCORES_PERMISSION

UNLIMITED = "1000000 per second"


# ----------------------------------------------------------------------------- sign-in and limits

def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anonymous visitors go to the sign-in page; a form posted while signed out comes back to the
    page it was posted from, not to the POST address."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if is_signed_in(current_user):
            return view(*args, **kwargs)
        manager = current_app.login_manager  # type: ignore[attr-defined]
        if request.method == "GET":
            return manager.unauthorized()
        back = request.referrer or ""
        next_path = back[len(request.host_url) - 1:] if back.startswith(request.host_url) else url_for("qa.home")
        flash(manager.login_message, manager.login_message_category)
        return redirect(url_for(manager.login_view, next=next_path))

    return wrapped


def rate_limit(name: str, *, methods: tuple[str, ...] | None = None) -> Any:
    """The RATE_LIMITS entry `name` (docs/rules.md: RATE_LIMITS), read from config at request time, on a
    route or a blueprint; `methods` limits only those methods (a form page's GET spends nothing).

    One bucket per member (or address) for every route limited by `name`, HTML pages and API
    alike: posting on the page and through the API spends the same "post" budget."""

    def limit_value() -> str:
        return current_app.config["RATE_LIMITS"].get(name) or UNLIMITED

    return limiter.shared_limit(limit_value, scope=name, key_func=rate_limit_key,
                                methods=list(methods) if methods else None,
                                exempt_when=lambda: not current_app.config["RATE_LIMITS"].get(name))


# ----------------------------------------------------------------------------- pagination

def page_arg() -> int:
    """The `page` query argument, 1 when missing or not a positive number."""
    page = request.args.get("page", 1, type=int) or 1
    return max(page, 1)


def pager(page: int, total: int, per_page: int | None = None) -> dict[str, Any]:
    """What the pagination macro shows: the page, the number of pages, the total and the window of
    page numbers around the current one (first and last always)."""
    per_page = per_page or int(current_app.config["PER_PAGE"])
    pages = max(1, math.ceil(total / per_page))
    window = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    return {"page": page, "pages": pages, "total": total, "window": window}


def select_page(stmt: sa.Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of a Select and the total count (docs/api.md: every list; the HTML lists alike)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return items, total


def paginate(stmt: sa.Select[Any], per_page: int | None = None) -> tuple[list[Any], dict[str, Any]]:
    """The request's page of `stmt` (PER_PAGE rows unless `per_page`) and its pager."""
    page = page_arg()
    per_page = per_page or int(current_app.config["PER_PAGE"])
    items, total = select_page(stmt, page, per_page)
    return items, pager(page, total, per_page)


# ----------------------------------------------------------------------------- forms

def field_error(form: Any, exc: DomainError) -> None:
    """Show a domain error beside the field it names, or above the form when it names none."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


# ----------------------------------------------------------------------------- template filters and globals

def reader_timezone() -> str | None:
    """The reader's time zone: the `tz` cookie static/js/forum.js writes from the browser's own zone
    (an IANA name), or None for the default (UTC) when missing or unknown."""
    import pytz

    name = request.cookies.get("tz", "") if has_request_context() else ""
    if not name or len(name) > 64:
        return None
    try:
        pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return None
    return name


def _as_utc(value: dt.datetime) -> dt.datetime:
    """Stored datetimes are naive UTC; aware ones are converted."""
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _date_time_pattern() -> str:
    """The reader's locale's medium date with its short time (no seconds), e.g. “Nov 30, 2026, 10:37 AM”,
    “2026年11月30日 10:37”."""
    locale = get_locale() or Locale.parse("en")
    combined = str(locale.datetime_formats["medium"])
    return (combined.replace("{1}", locale.date_formats["medium"].pattern)
            .replace("{0}", locale.time_formats["short"].pattern))


# Formatted dates, per process: Babel's formatting is most of a list page's time (20 rows, each with a
# date and a hover title), and its answer is a pure function of the locale, the time zone and the
# value (or, for relative dates, of the unit, the rounded count and the direction Babel picks), so
# each is formatted once and then looked up. Bounded: cleared when it grows past FORMAT_CACHE_SIZE.
FORMAT_CACHE_SIZE = 50_000
_formatted: dict[tuple[Any, ...], str] = {}


def _remember(key: tuple[Any, ...], text: str) -> str:
    if len(_formatted) >= FORMAT_CACHE_SIZE:
        _formatted.clear()
    _formatted[key] = text
    return text


def _reader_locale_and_zone() -> tuple[Any, Any]:
    return get_locale(), get_timezone()


def full_datetime(value: dt.datetime | dt.date | None) -> str:
    """The date and time without seconds, in the reader's language and time zone, with the zone
    (“Nov 30, 2026, 6:37 PM +0800”); a plain date is the date alone."""
    if value is None:
        return ""
    locale, zone = _reader_locale_and_zone()
    key = ("full", locale, zone, value)
    text = _formatted.get(key)
    if text is not None:
        return text
    if not isinstance(value, dt.datetime):
        return _remember(key, format_date(value, "medium"))
    return _remember(key, format_datetime(_as_utc(value), _date_time_pattern() + " z"))


def _relative_form(seconds: float, threshold: float) -> tuple[str, int, bool]:
    """What Babel's format_timedelta (granularity "second") words a delta with: the unit, the rounded
    count and the direction; two deltas with the same form read the same (babel.dates.format_timedelta)."""
    for unit, secs_per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / secs_per_unit
        if value >= threshold or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, int(round(value)), seconds >= 0
    raise AssertionError("unreachable: the last unit is the granularity")


RELATIVE_THRESHOLD = 0.9  # Babel's threshold: “23 hours ago” up to 0.9 day, then “1 day ago”


def time_ago(value: dt.datetime | dt.date | None) -> str:
    """The one way a date reads (docs/rules.md: Dates and names on pages): “3 hours ago” / “in 2 days”
    within RELATIVE_DATE_DAYS of now, the date (“Nov 30, 2026”) beyond, in the reader's language and
    time zone."""
    if value is None:
        return ""
    locale, zone = _reader_locale_and_zone()
    if not isinstance(value, dt.datetime):
        key: tuple[Any, ...] = ("date", locale, zone, value)
        return _formatted.get(key) or _remember(key, format_date(value, "medium"))
    value = _as_utc(value)
    if g.get(_DEFER_DATES):
        return f"{DATE_MARK}{value.isoformat()}{DATE_MARK}"
    return _worded(value, locale, zone, db.utcnow(), dt.timedelta(days=int(current_app.config["RELATIVE_DATE_DAYS"])))


def _worded(value: dt.datetime, locale: Any, zone: Any, now: dt.datetime, relative_within: dt.timedelta) -> str:
    """``time_ago`` of a naive UTC datetime, given the reader's locale and zone and now."""
    delta = value - now
    if abs(delta) < relative_within:
        key: tuple[Any, ...] = ("ago", locale, *_relative_form(delta.total_seconds(), RELATIVE_THRESHOLD))
        return _formatted.get(key) or _remember(
            key, format_timedelta(delta, add_direction=True, threshold=RELATIVE_THRESHOLD))
    key = ("date", locale, zone, value)
    return _formatted.get(key) or _remember(key, format_date(value, "medium"))


DATE_MARK = "\x00ago\x00"
_DEFER_DATES = "forum_defer_dates"
_DATE_MARKS = re.compile("\x00ago\x00([0-9T:. -]{10,32})\x00ago\x00")


@contextlib.contextmanager
def deferred_dates() -> Iterator[None]:
    """Within it, ``time_ago`` of a datetime (and so ``when``) gives a mark holding the instant
    instead of words: HTML rendered so can be cached and worded at each request by ``fill_dates``
    (forum.cache.page_block), so a cached relative date is as right as a fresh one."""
    g.setdefault(_DEFER_DATES, 0)
    setattr(g, _DEFER_DATES, getattr(g, _DEFER_DATES) + 1)
    try:
        yield
    finally:
        setattr(g, _DEFER_DATES, getattr(g, _DEFER_DATES) - 1)


def fill_dates(html: str) -> str:
    """The marks of ``deferred_dates`` worded now, escaped as the template would have."""
    if DATE_MARK not in html:
        return html
    locale, zone = _reader_locale_and_zone()
    now, within = db.utcnow(), dt.timedelta(days=int(current_app.config["RELATIVE_DATE_DAYS"]))
    return _DATE_MARKS.sub(
        lambda m: str(escape(_worded(dt.datetime.fromisoformat(m.group(1)), locale, zone, now, within))), html)


def when(value: dt.datetime | dt.date | None) -> Markup:
    """`<time>` with the machine-readable instant, the date as `time_ago` words it and the full date
    and time on hover: every date on every page goes through this (the `when` filter and macro)."""
    if value is None:
        return Markup("")
    locale, zone = _reader_locale_and_zone()
    key = ("time", locale, zone, value)
    opening = _formatted.get(key)
    if opening is None:
        if isinstance(value, dt.datetime):
            stamp = _as_utc(value).replace(microsecond=0).isoformat() + "Z"
        else:
            stamp = value.isoformat()
        opening = _remember(key, Markup('<time datetime="{}" title="{}">').format(stamp, full_datetime(value)))
    return Markup("".join((opening, escape(time_ago(value)), "</time>")))


def _person_links() -> dict[tuple[Any, ...], Markup]:
    """The app's memo of member links (they hold its URLs), per process."""
    return current_app.extensions.setdefault("forum.person_links", {})


def person(user: Any, *, link: bool = True) -> Markup:
    """The one way to name a member: the display name (the username when there is none), the username on
    hover, linked to the profile with a hover card (static/js/usercard.js); a missing member is “someone”."""
    if user is None:
        return Markup('<span class="user-link">{}</span>').format(_("someone"))
    if not link:
        return Markup('<span class="user-link" title="@{}">{}</span>').format(user.username, user.name)
    if not has_request_context():
        return _person_link(user)
    # A link is a pure function of the member's id, username and name and the site's root; remembered.
    links = _person_links()
    key = (request.script_root, user.id, user.username, user.name)
    html = links.get(key)
    if html is None:
        if len(links) >= FORMAT_CACHE_SIZE:
            links.clear()
        html = links[key] = _person_link(user)
    return html


def _person_link(user: Any) -> Markup:
    return Markup('<a class="user-link" href="{}" title="@{}" data-usercard="{}">{}</a>').format(
        profile_url(user), user.username, url_for("accounts.user_card", user_id=user.id), user.name)


AVATAR_COLOURS = 12  # avatar-c0 … avatar-c11 in static/css/forum.css


def avatar(user: Any, size: str = "md") -> Markup:
    """Generated initials on a colour chosen by the member's id (stable across pages and renames):
    the display name's first letter (or, for names of several words, the first two initials)."""
    if user is None:
        return Markup('<span class="avatar avatar-{} avatar-c0" aria-hidden="true">?</span>').format(size)
    words = [w for w in (user.name or "?").replace("_", " ").replace(".", " ").split() if w]
    if len(words) >= 2 and words[0][:1].isascii() and words[1][:1].isascii():
        initials = (words[0][:1] + words[1][:1]).upper()
    else:
        initials = (words[0][:1] if words else "?").upper()
    return Markup('<span class="avatar avatar-{} avatar-c{}" aria-hidden="true">{}</span>').format(
        size, int(user.id or 0) % AVATAR_COLOURS, initials)


def rejection_label(code: str | None) -> str:
    """The moderation part's name for a rejection reason (forum.moderation.rules), or the code."""
    return str(REJECTION_REASONS.get(code or "", code or ""))


def url_with(**changes: Any) -> str:
    """The current page's address with some query arguments changed (None removes one). A link that
    sets or drops the page also drops a keyset cursor (``after``/``before``: a position in a list,
    like ``page``) unless it gives one."""
    args = request.args.to_dict()
    if "page" in changes:
        for cursor in ("after", "before"):
            if cursor not in changes:
                args.pop(cursor, None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "qa.home", **{**(request.view_args or {}), **args})


def profile_url(user: Any) -> str | None:
    """The member's profile page (None for no member, e.g. a deleted author)."""
    return url_for("accounts.profile", user_id=user.id) if user is not None else None


def _fixed_url_function(app: Flask) -> Callable[..., str]:
    """The layout's `fixed_url(endpoint, **values)`: ``url_for`` of an absolute endpoint whose address
    depends only on its values and the site's root (no blueprint-relative names, no URL defaults),
    remembered per app: base.html links about twenty such addresses on every page."""
    urls: dict[tuple[Any, ...], str] = {}

    def fixed_url(endpoint: str, **values: Any) -> str:
        if not has_request_context():
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        url = urls.get(key)
        if url is None:
            if len(urls) >= FORMAT_CACHE_SIZE:
                urls.clear()
            url = urls[key] = url_for(endpoint, **values)
        return url

    return fixed_url


def _layout_part_function(app: Flask) -> Callable[..., Markup]:
    """The layout's ``{% call layout_part(name, *bits) %}…{% endcall %}``: a part of base.html rendered
    once per worker for each (name, bits, site root) and then given again, the viewer's CSRF token
    put back at its places. ``bits`` must hold everything the part reads that is not the same for
    the whole app (the language, the endpoint, signed in or not, the staff permissions): base.html
    names them at each call; what is the member's own (name, avatar, unread count) or the request's
    (its path, the search words) stays outside the parts. base.html is about twenty translated
    strings and twenty addresses on every page; this makes it a dozen lookups. Off with
    FRAGMENT_CACHE (tests compare the page with and without)."""
    parts: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def layout_part(name: str, *bits: Any, caller: Any) -> Markup:
        if not has_request_context() or not current_app.config.get("FRAGMENT_CACHE", True):
            return caller()
        key = (name, request.script_root, *bits)
        pieces = parts.get(key)
        token = g.get("csrf_token") or ""  # base.html asks for the token before its first part
        if pieces is None:
            html = str(caller())
            pieces = tuple(html.split(token)) if token else (html,)
            if len(parts) >= FORMAT_CACHE_SIZE:
                parts.clear()
            parts[key] = pieces
        return Markup(token.join(pieces) if len(pieces) > 1 else pieces[0])

    return layout_part


def unread_notifications() -> int:
    """The signed-in member's unread notifications (0 when signed out)."""
    return unread_count(current_user) if is_signed_in(current_user) else 0


def layout_context() -> dict[str, Any]:
    """What base.html needs on every page: the site, the locale, the helpers and, for the staff
    navigation, whether the viewer may open the queue, the idea review, the follow-ups, the NPS
    scores and the admin pages (the permissions those pages require: moderation.rules, ideas.rules,
    nps.rules, accounts.rules)."""
    # The member behind flask_login's proxy, once: each of the six questions would look it up twice.
    unwrap = getattr(current_user, "_get_current_object", None)
    me = unwrap() if unwrap is not None else current_user
    return {
        "site_name": current_app.config["SITE_NAME"], "product_name": current_app.config["PRODUCT_NAME"],
        "current_locale": str(get_locale()),
        "profile_url": profile_url, "unread_notifications": unread_notifications, "url_with": url_with,
        "can_moderate": can(me, MODERATE_PERMISSION),
        "can_review_ideas": can(me, DECIDE_PERMISSION),
        "can_follow_up": can(me, FOLLOW_UP_PERMISSION),
        "can_view_nps": can(me, SCORES_PERMISSION),
        "can_view_reports": can(me, Permission.VIEW_REPORTS),
        "is_admin": can(me, Permission.MANAGE_COMMUNITY),
    }


def _install_template_gettext(app: Flask) -> None:
    """The templates' `_()`/`ngettext()` with the translations remembered per locale: Flask-Babel's
    own callables find the request's domain, locale and catalogue anew for every string (about 30 µs
    each, a page shows dozens); these look up the locale and take the same catalogue object
    (flask_babel.get_translations), so every string reads the same."""
    from flask_babel import get_translations

    from flask.globals import _cv_app

    catalogues: dict[Any, Any] = {}

    def translations() -> Any:
        # The locale Flask-Babel settled for this context (flask_babel.get_locale keeps it on
        # g._flask_babel.babel_locale), read without its three proxy lookups; get_locale the first time.
        ctx = _cv_app.get(None)
        babel_ns = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
        locale = getattr(babel_ns, "babel_locale", None) or get_locale()
        found = catalogues.get(locale)
        if found is None:
            found = catalogues[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )

    # `_()` and `gettext()` as Jinja's newstyle gettext does them (the translation, escaped text when
    # the template autoescapes, always %-formatted with the keywords), called directly rather than
    # through Jinja's `_` alias and its wrapper (three context calls a string), and with the result of
    # a string without keywords remembered per catalogue: base.html alone shows about twenty.
    from jinja2 import pass_context
    from markupsafe import Markup

    plain: dict[tuple[Any, str], Any] = {}  # keyed by the catalogue itself: an id could be reused

    @pass_context
    def gettext(__context: Any, __string: str, **variables: Any) -> Any:
        catalogue = translations()
        if not __context.eval_ctx.autoescape:
            return catalogue.ugettext(__string) % variables
        if variables:
            return Markup(catalogue.ugettext(__string)) % variables
        key = (catalogue, __string)
        found = plain.get(key)
        if found is None:
            if len(plain) >= FORMAT_CACHE_SIZE:
                plain.clear()
            found = plain[key] = Markup(catalogue.ugettext(__string)) % {}
        return found

    app.jinja_env.globals.update(gettext=gettext, _=gettext)


def init_app(app: Flask) -> None:
    """Register the template filters (dates: `when`, `ago`, `fulldate`; people: `person`, `avatar`), the
    reader's time zone and the layout context (once, from create_app)."""
    _install_template_gettext(app)
    app.add_template_filter(time_ago, "ago")
    app.add_template_filter(full_datetime, "fulldate")
    app.add_template_filter(when, "when")
    app.add_template_global(person, "person")
    app.add_template_global(avatar, "avatar")
    app.add_template_global(_fixed_url_function(app), "fixed_url")
    app.add_template_global(_layout_part_function(app), "layout_part")
    get_babel(app).timezone_selector = reader_timezone
    app.add_template_filter(rejection_label, "rejection_label")
    app.context_processor(layout_context)
