"""Every rule key of docs/rules.md with its default, and how the environment overrides them.

Rule keys are overridable as ``FORUM_<KEY>`` with a JSON value: a dict override merges into
the default dict (a ``null`` value removes that entry), a list or scalar replaces it.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

RULE_DEFAULTS: dict[str, Any] = {
    "POINTS": {
        "question_upvoted": 5,
        "question_downvoted": -2,
        "answer_upvoted": 10,
        "answer_downvoted": -2,
        "downvote_cast": -1,
        "answer_accepted": 15,
        "accepted_answer": 2,
        "idea_published": 5,
        "idea_stage_reached": 20,
        "idea_approved": 200,
        "idea_shipped": 300,
        "referral_activated": 20,
        "nps_answered": 2,
    },
    "DAILY_VOTE_POINTS_CAP": 200,
    "SERIAL_VOTE_LIMIT": 10,  # votes by one member on another member's posts within the window …
    "SERIAL_VOTE_WINDOW_HOURS": 24,  # … that `forum tick` reverses as serial voting
    "PRIVILEGES": {
        "vote_up": 15,
        "flag": 15,
        "comment": 50,
        "vote_down": 125,
        "create_tags": 300,
        "skip_premoderation": 100,
        "edit_others": 2000,
    },
    "TRUST_LEVELS": [0, 15, 100, 1000],  # points for levels 0–3; ambassadors have the next level (4)
    "AMBASSADOR_CRITERIA": {
        "points": 1000,
        "accepted_answers": 10,
        "active_weeks_of_last_4": 3,  # active weeks needed among the last `weeks` UTC weeks
        "weeks": 4,  # how many recent weeks (this one included) the activity criterion looks at
        "member_days": 60,
        "clean_days": 90,
        "lapse_days": 90,
        "term_days": 365,  # an appointment or renewal lasts this long ("a 12-month term")
    },
    "IDEA_STAGES": [
        {"supporters": 10, "days": 60},
        {"supporters": 100, "days": 365},
        {"supporters": 500, "days": 182},
        {"supporters": 1000, "days": 182},
    ],
    "IDEA_REVIEW_PERIOD_DAYS": 120,
    "IDEA_PREMODERATION": True,
    "NPS_WINDOW_DAYS": 90,
    "NPS_MIN_RESPONSES": 30,
    "NPS_SURVEY_INTERVAL_DAYS": 90,
    "NPS_MIN_MEMBERSHIP_DAYS": 14,
    "NPS_FOLLOWUP_HOURS": 48,
    "NPS_DETRACTOR_MAX": 6,  # answers 0 … this are detractors (an ambassador's latest answer must not be one)
    "NPS_PROMPT_SNOOZE_DAYS": 7,  # a dismissed survey prompt is shown again after this many days
    "NPS_TREND_MONTHS": 12,  # calendar months (this one included) in the NPS page's monthly trend
    "MODERATION_GATES": {"open": 30, "strict": 0},
    "MODERATION_HYSTERESIS": 5,
    "MODERATION_FALLBACK_MODE": "guarded",
    "MODERATION_HOLD_HOURS": 24,
    "MODERATION_GUARDED_POSTS": 3,
    "MODERATION_OVERRIDE_DAYS": 7,  # an admin's override of the mode lasts this long unless it names an end
    "SENTIMENT_NEGATIVE": {"en_compound_max": -0.05, "zh_positive_prob_max": 0.3},
    "FLAGS_TO_HIDE": 3,
    "FLAG_ACCURACY_MIN_FLAGS": 10,  # decided flags after which a flagger's accuracy decides whether their flags count …
    "FLAG_ACCURACY_MIN": 0.5,  # … toward hiding: the share of them upheld must be at least this
    "MODERATION_STATS_WINDOWS": [7, 30, 90],  # the windows (days) the public moderation stats page offers
    "MODERATION_STATS_DEFAULT_DAYS": 30,  # the window of the stats page and API without ?days=
    "MODERATION_STATS_MAX_DAYS": 365,  # GET /moderation/stats?days= accepts 1 … this
    # Outgoing webhooks (docs/api.md: Webhooks): attempts per delivery, the first retry's wait (doubled after
    # each failure, at most backoff_max_seconds), the receiver's time to answer, deliveries sent per tick
    "WEBHOOK_DELIVERY": {"max_attempts": 8, "backoff_seconds": 60, "backoff_max_seconds": 6 * 3600,
                         "timeout_seconds": 5, "batch": 50},
    "RATELIMIT_ENABLED": True,
    "RATE_LIMITS": {
        "login": "10 per minute",
        "signup": "5 per hour",
        "post": "30 per hour",
        "vote": "120 per hour",
        "api": "600 per minute",
        "preview": "60 per minute",  # the writing forms' live Markdown preview (POST /preview)
    },
    "HEALTH": {
        "launch_nps": 10,  # NPS − its margin of error needed before opening the community to all customers
        "at_risk_drop": 0.3,  # the fall in an organization's engagement, period over period, that marks it at risk
        "response_hours": 24,  # a question counts as answered in time when its first answer comes within this
        "reply_hours": 48,  # a negative post counts as answered, a follow-up as contacted, within this
        "activation_days": 7,  # a new member is activated by contributing within this many days of signing up
        "superuser_top": 0.1,  # superusers: this top share of the period's answerers
        "retention_weeks": 12,  # weeks after the sign-up week shown in the cohort retention
        "default_days": 30,  # the report's period without ?from= and ?to=
        "max_days": 3660,  # the longest period a report covers
        # the health index: each sub-score's target (100 at the target) and weight (docs/rules.md)
        "targets": {"mau_change": 0.1, "stickiness": 0.2, "contributor_ratio": 0.3, "response_rate_24h": 0.8,
                    "solved_rate": 0.6, "deflection_rate": 0.3, "idea_progress_rate": 0.3},
        "weights": {"growth": 15, "engagement": 20, "responsiveness": 20, "solutions": 20, "sentiment": 15,
                    "ideas": 10},
    },
    "HEALTH_DASHBOARD_WINDOWS": [7, 30, 90, 365],  # the periods (days ending today) the health dashboard offers
    "HEALTH_REPORT_CACHE_SECONDS": 3600,  # how long the dashboard keeps a closed period's report (roll-ups reset it)
    "HEALTH_LIVE_REPORT_SECONDS": 300,  # how old the report of a period reaching today may be (0: computed each time)
    "NOTE_MAX_CHARS": 2000,  # staff notes: ambassador appointments, idea decisions, moderation decisions
    "IDEA_IMAGE_MAX_BYTES": 2 * 1024 * 1024,  # an idea's image upload (within MAX_CONTENT_LENGTH)
    "SEARCH_SEMANTIC": True,  # the semantic retriever beside the keywords (off, or no model: keywords alone)
    "SEARCH_SYNONYMS": [],  # extra synonym groups, e.g. [["登录", "登陆"], ["workspace", "tenant"]]
}

# Settings that are not rules: names and defaults (None means "derived at start-up").
SETTING_DEFAULTS: dict[str, Any] = {
    "PRODUCT_NAME": "Acme Cloud",
    "SITE_NAME": "Acme Community",
    "ENV": "development",
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "REDIS_URL": None,
    "MAIL_URL": None,
    "MAIL_FROM": "community@localhost",
    "SEARCH_DIR": None,
    "SEARCH_BACKEND": "auto",  # the keyword index: auto (PostgreSQL full text on PostgreSQL, else Whoosh), whoosh, postgres
    "UPLOAD_DIR": None,
    "VIEW_BUFFER_DIR": None,  # per-process spool of page views when there is no Redis
    # a process writes the page views it records together: every VIEW_FLUSH_BATCH views, or VIEW_FLUSH_SECONDS
    # after the first, before it drains the buffer and at exit (forum/qa/viewbuffer.py)
    "VIEW_FLUSH_BATCH": 100,
    "VIEW_FLUSH_SECONDS": 1.0,
    "API_TOKEN_DAYS": 90,
    "PASSWORD_RESET_HOURS": 2,
    "TICK_IN_BACKGROUND": False,
    "TICK_INTERVAL_SECONDS": 60,
    "PER_PAGE": 20,
    "RELATIVE_DATE_DAYS": 7,  # dates closer than this read "3 hours ago"; older ones show the date
    "LANGUAGES": ["en", "zh"],
    "BABEL_DEFAULT_LOCALE": "en",
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    # Caching (forum/cache.py, forum/pagecache.py; docs/architecture.md, "Caching")
    "CACHE_TYPE": None,  # Flask-Caching backend; None: RedisCache with REDIS_URL, else FileSystemCache in CACHE_DIR
    "CACHE_DIR": None,  # the file cache shared by the workers of one machine (default instance/cache)
    "CACHE_FILE_THRESHOLD": 20000,  # entries the file (or in-process) cache keeps before pruning
    "PAGE_CACHE": True,  # anonymous pages from the cache
    "PAGE_CACHE_SECONDS": 300,  # the longest an anonymous page or a fragment is kept (changes bump it sooner)
    "LOCAL_CACHE_MB": 32,  # fragments, blocks and list totals each worker also keeps in memory (keyed by generation)
    "PAGE_CACHE_MEMORY_MB": 32,  # anonymous pages each worker also keeps in memory (checked against the site token)
    # Security (docs/security.md). BASE_URL: the address members reach the forum at; every absolute
    # link (e-mails, invite links) is built from it, never from the request's Host. Required in
    # production; in development it defaults to DEV_BASE_URL.
    "BASE_URL": None,
    "SECURE_COOKIES": None,  # Secure on the session and remember cookies; None: on exactly in production
    "REMEMBER_DAYS": 30,  # a "Remember me" token lasts this long unless it is used (then it is replaced)
    "REMEMBER_ROTATION_GRACE_SECONDS": 60,  # a replaced remember token still works this long (parallel requests)
    "HSTS_SECONDS": 365 * 24 * 3600,  # Strict-Transport-Security max-age, sent in production only
    "JSON_MAX_DEPTH": 32,  # request JSON nested deeper than this is 400
}

DEV_BASE_URL = "http://127.0.0.1:5000"

# Plain (non-prefixed) environment variables the deployment sets.
PLAIN_ENV = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "MAIL_URL", "BASE_URL")


def _parse(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def merge_rule(default: Any, override: Any) -> Any:
    """A dict override merges into the default dict (``None`` removes a key); others replace."""
    if isinstance(default, dict) and isinstance(override, dict):
        merged = dict(default)
        for key, value in override.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged
    return override


def build_config(environ: dict[str, str] | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then ``FORUM_<KEY>`` and plain environment variables, then explicit overrides."""
    environ = dict(os.environ if environ is None else environ)
    config: dict[str, Any] = copy.deepcopy(RULE_DEFAULTS)
    config.update(copy.deepcopy(SETTING_DEFAULTS))
    for name in PLAIN_ENV:
        if environ.get(name):
            config[name] = environ[name]
    for name, raw in sorted(environ.items()):
        if not name.startswith("FORUM_") or name == "FORUM_":
            continue
        key = name[len("FORUM_"):]
        value = _parse(raw)
        config[key] = merge_rule(config.get(key), value)
    for key, value in (overrides or {}).items():
        config[key] = merge_rule(config.get(key), value)
    return config
