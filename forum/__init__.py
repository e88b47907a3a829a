"""The forum application: create_app() wires config → db → login → babel → limiter → parts."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, request, session

REPO_ROOT = Path(__file__).resolve().parent.parent

# Each part that has models, subscribers, blueprints or commands; imported in this order.
PARTS = ("accounts", "notifications", "audit", "qa", "engagement", "search", "rewards", "ideas", "nps", "moderation",
         "health", "api")


class ConfigError(RuntimeError):
    """The deployment is misconfigured; start-up stops with this message."""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from config import build_config

    from forum.security import ForumFlask

    app = ForumFlask(
        __name__,
        instance_path=str(REPO_ROOT / "instance"),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    app.config.update(build_config(overrides=config))
    _derive_settings(app)

    from forum import bounds, db, extensions, security, web

    bounds.init_app(app)  # before any route is registered: the bounded <int:…> converter
    security.init_app(app)
    db.init_app(app)
    from forum import prefetch

    prefetch.init_app(app)  # the layout's values read with the member (forum.prefetch)
    _init_login(app)
    _init_babel(app)
    extensions.csrf.init_app(app)
    security.rate_limit_storage(app, ConfigError)  # Redis with REDIS_URL; else per process, said at start-up
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    extensions.limiter.init_app(app)
    from forum import cache as shared_cache

    shared_cache.init_app(app)  # Redis with REDIS_URL, files in the instance folder otherwise

    web.init_app(app)
    _register_parts(app)
    _register_hooks(app)
    from forum import events

    events.check_senders()  # an announce of an undeclared event stops start-up
    from forum import pagecache

    pagecache.init_app(app)  # after the parts: its hook runs before theirs

    if app.config.get("TICK_IN_BACKGROUND"):
        from forum.tick import start_background_ticker

        start_background_ticker(app)
    return app


def _derive_settings(app: Flask) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    cfg = app.config
    if not cfg.get("DATABASE_URL"):
        cfg["DATABASE_URL"] = f"sqlite:///{instance / 'forum.db'}"
    cfg["SEARCH_DIR"] = str(cfg.get("SEARCH_DIR") or instance / "search")
    cfg["UPLOAD_DIR"] = str(cfg.get("UPLOAD_DIR") or instance / "uploads")
    cfg["VIEW_BUFFER_DIR"] = str(cfg.get("VIEW_BUFFER_DIR") or instance / "views")
    cfg["RATELIMIT_ENABLED"] = bool(cfg.get("RATELIMIT_ENABLED"))
    if not cfg.get("SECRET_KEY"):
        if cfg.get("ENV") == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production (FORUM_ENV=production) the forum will not "
                "start without it: set SECRET_KEY to a long random string shared by every worker."
            )
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        cfg["SECRET_KEY"] = key_file.read_text().strip()
    from forum import security

    security.configure(app, ConfigError)  # BASE_URL (required in production) and the cookie flags


def _init_login(app: Flask) -> None:
    import sqlalchemy as sa
    from flask_babel import lazy_gettext
    from sqlalchemy.orm import lazyload

    from forum import bounds, db, security
    from forum.accounts.models import User
    from forum.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"

    # The member and their role names in one statement, built once: every signed-in request runs it
    # first. The names come as one aggregated column, not as joined role rows (User.roles reads
    # them; role_rows load when an action asks for them): the loader costs about a fifth less CPU.
    # With them, what the layout reads of the member (forum.prefetch): the unread count, the NPS state.
    from forum import prefetch
    from forum.accounts.models import LOADED_ROLE_NAMES
    from forum.accounts.queries import role_names_column
    from forum.notifications.queries import unread_count_column
    from forum.nps.queries import prompt_state_columns

    member_statement = (sa.select(User, role_names_column(User.id),
                                  unread_count_column(User.id), *prompt_state_columns(User.id))
                        .options(lazyload(User.role_rows)).where(User.id == sa.bindparam("member_id")))

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The session's member, if the session's version is the member's current one
        ("<id>:<version>", User.get_id; a bare id is version 0, from before versions)."""
        if request.path.startswith("/api/"):
            return None  # docs/api.md: session cookies are ignored under /api/
        id_part, _sep, version = str(user_id).partition(":")
        try:
            member_id, session_version = int(id_part), int(version or 0)
        except ValueError:
            return None
        if not 0 < member_id <= bounds.INT_MAX:
            return None
        writes_before = prefetch.writes_seen()
        row = db.session.execute(member_statement, {"member_id": member_id}).one_or_none()
        user = row[0] if row is not None else None
        if user is None or (user.session_version or 0) != session_version:
            return None
        user.__dict__[LOADED_ROLE_NAMES] = row.role_names.split(",") if row.role_names else []
        prefetch.remember(user.id, {"unread_notifications": row.unread_notifications,
                                    "nps_answered": row.nps_answered, "nps_dismissed": row.nps_dismissed},
                          writes_before)
        return user

    @login_manager.request_loader
    def load_remembered(req: Any) -> User | None:
        """No (valid) session: the remember cookie, if any, signs the browser in and is replaced by
        a new token (docs/security.md); an unknown or expired one is cleared."""
        from flask_login import login_user

        from forum.accounts.actions import rotate_remember_token

        secret = req.cookies.get(security.REMEMBER_COOKIE)
        if not secret or req.path.startswith(("/api/", "/static/")):
            return None
        side = app.extensions["forum.sessionmaker"]()
        try:
            side.connection(execution_options=db.WRITE_OPTIONS)
            rotated = rotate_remember_token(side, secret, db.utcnow())
            side.commit()
        finally:
            side.close()
        user = db.session.get(User, rotated[0]) if rotated else None
        if user is None:
            security.clear_remember_cookie()
            return None
        security.set_remember_cookie(rotated[1])
        login_user(user)
        session["_fresh"] = False  # signed in by the cookie, not by the password
        return user


def _init_babel(app: Flask) -> None:
    from flask_login import current_user

    from forum.extensions import babel

    def select_locale() -> str:
        from flask import has_request_context

        languages = app.config["LANGUAGES"]
        if not has_request_context():  # CLI commands and the background tick
            return app.config["BABEL_DEFAULT_LOCALE"]
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        if session.get("locale") in languages:
            return session["locale"]
        return request.accept_languages.best_match(languages) or app.config["BABEL_DEFAULT_LOCALE"]

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )


def _register_parts(app: Flask) -> None:
    """Load every part's modules by one convention, each only if the part has it: ``models``,
    ``subscribers`` (its event handlers), ``views`` (its blueprint ``bp``; a module's
    ``init_app(app)`` may register more), ``cli`` (its `flask forum` commands) and ``jobs`` (its
    ``@periodic`` jobs, run by `flask forum tick`)."""
    import importlib

    from forum.cli import forum_cli

    for part in PARTS:
        for module in ("models", "subscribers", "views", "cli", "jobs"):
            try:
                mod = importlib.import_module(f"forum.{part}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"forum.{part}.{module}":
                    raise
                continue
            if module == "views" and hasattr(mod, "bp"):
                app.register_blueprint(mod.bp)
            init = getattr(mod, "init_app", None)
            if init is not None:
                init(app)
    app.cli.add_command(forum_cli)


def _register_hooks(app: Flask) -> None:
    from forum import errors

    @app.errorhandler(errors.DomainError)
    def domain_error(exc: errors.DomainError) -> Any:
        from forum import db

        db.rollback()
        if request.path.startswith("/api/"):
            from forum.api.core import error_response

            return error_response(exc.status, exc.code, exc.message, exc.field)
        from flask import render_template

        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    @app.errorhandler(429)
    @app.errorhandler(400)
    @app.errorhandler(500)
    def http_error(exc: Any) -> Any:
        from flask import render_template
        from werkzeug.exceptions import HTTPException, InternalServerError

        if not isinstance(exc, HTTPException):
            exc = InternalServerError()
        status = exc.code or 500
        if request.path.startswith("/api/"):
            from forum.api.core import error_response

            codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                     413: "too_large", 429: "rate_limited", 500: "internal_error"}
            resp = error_response(status, codes.get(status, "error"), exc.description or exc.name)
        else:
            resp = app.make_response(
                # Werkzeug's stock descriptions are English only; the page's heading says it in the reader's language.
                (render_template("error.html", status=status,
                                 message=None if exc.description == type(exc).description else exc.description),
                 status))
        for name, value in exc.get_headers():  # 405's Allow (and any header the exception carries)
            if name.lower() != "content-type" and name not in resp.headers:
                resp.headers[name] = value
        if status == 429 and "Retry-After" not in resp.headers:
            resp.headers["Retry-After"] = "60"
        return resp

    @app.get("/healthz")
    def healthz() -> Any:
        import sqlalchemy as sa

        from forum import db

        status = {"status": "ok", "database": "ok", "search": "ok"}
        try:
            with db.engine().connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means the database is unreachable
            status.update(status="error", database="unreachable")
        probe = app.extensions.get("forum.search_health")
        if probe is not None and not probe():
            status["search"] = "degraded"
        return status, (200 if status["database"] == "ok" else 503)

    @app.before_request
    def announce_visit() -> None:
        """`user_visited` once per member per UTC day and browser session (docs/rules.md: Engagement
        events), announced on one ``db.side_write`` session that its receivers write through (the
        `visit` event, `last_seen_at`), so a page view stays a reader."""
        from flask_login import current_user

        if request.path.startswith(("/static/", "/api/", "/healthz")) or not current_user.is_authenticated:
            return
        from forum import db
        from forum.events import DomainEvent, announce

        now = db.utcnow()
        today = now.date().isoformat()
        if session.get("visit_day") == today:
            return
        with db.side_write() as side:
            announce(side, DomainEvent.USER_VISITED, user=current_user._get_current_object(), at=now)
        session["visit_day"] = today
