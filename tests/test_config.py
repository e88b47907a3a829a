"""config.py: defaults, FORUM_<KEY> JSON overrides (dicts merge, null removes), SECRET_KEY rules."""

import pytest

from config import RULE_DEFAULTS, build_config
from forum import ConfigError, create_app


def test_every_design_rule_key_has_a_default():
    for key in ("POINTS", "DAILY_VOTE_POINTS_CAP", "SERIAL_VOTE_LIMIT", "PRIVILEGES", "TRUST_LEVELS",
                "AMBASSADOR_CRITERIA", "IDEA_STAGES", "IDEA_REVIEW_PERIOD_DAYS", "IDEA_PREMODERATION",
                "NPS_WINDOW_DAYS", "NPS_MIN_RESPONSES", "NPS_SURVEY_INTERVAL_DAYS", "NPS_MIN_MEMBERSHIP_DAYS",
                "NPS_FOLLOWUP_HOURS", "MODERATION_GATES", "MODERATION_HYSTERESIS", "MODERATION_FALLBACK_MODE",
                "MODERATION_HOLD_HOURS", "MODERATION_GUARDED_POSTS", "SENTIMENT_NEGATIVE", "FLAGS_TO_HIDE",
                "RATELIMIT_ENABLED", "RATE_LIMITS", "HEALTH"):
        assert key in RULE_DEFAULTS
    assert RULE_DEFAULTS["POINTS"]["answer_upvoted"] == 10
    assert RULE_DEFAULTS["IDEA_STAGES"][0] == {"supporters": 10, "days": 60}


def test_dict_override_merges_and_null_removes():
    cfg = build_config({"FORUM_POINTS": '{"answer_accepted": 20}',
                        "FORUM_RATE_LIMITS": '{"login": null}'})
    assert cfg["POINTS"]["answer_accepted"] == 20
    assert cfg["POINTS"]["answer_upvoted"] == 10
    assert "login" not in cfg["RATE_LIMITS"] and cfg["RATE_LIMITS"]["post"] == "30 per hour"


def test_list_and_scalar_overrides_replace():
    cfg = build_config({"FORUM_IDEA_STAGES": '[{"supporters": 3, "days": 60}, {"supporters": 5, "days": 365}]',
                        "FORUM_NPS_MIN_RESPONSES": "3", "FORUM_SEARCH_DIR": "/tmp/idx",
                        "DATABASE_URL": "sqlite:///x.db"})
    assert cfg["IDEA_STAGES"] == [{"supporters": 3, "days": 60}, {"supporters": 5, "days": 365}]
    assert cfg["NPS_MIN_RESPONSES"] == 3
    assert cfg["SEARCH_DIR"] == "/tmp/idx"
    assert cfg["DATABASE_URL"] == "sqlite:///x.db"


def test_defaults_are_not_shared_between_builds():
    cfg = build_config({})
    cfg["POINTS"]["answer_upvoted"] = 99
    assert build_config({})["POINTS"]["answer_upvoted"] == 10


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV": "production", "SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/d.db"})
    again = create_app({"SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/d.db"})
    assert app.config["SECRET_KEY"] and app.config["SECRET_KEY"] == again.config["SECRET_KEY"]


def test_the_rule_numbers_of_issue_8_are_keys_with_their_defaults():
    assert RULE_DEFAULTS["SERIAL_VOTE_WINDOW_HOURS"] == 24
    assert RULE_DEFAULTS["AMBASSADOR_CRITERIA"]["weeks"] == 4
    assert RULE_DEFAULTS["AMBASSADOR_CRITERIA"]["term_days"] == 365
    assert RULE_DEFAULTS["NPS_DETRACTOR_MAX"] == 6
    assert RULE_DEFAULTS["NOTE_MAX_CHARS"] == 2000
    assert RULE_DEFAULTS["IDEA_IMAGE_MAX_BYTES"] == 2 * 1024 * 1024
    cfg = build_config({"FORUM_AMBASSADOR_CRITERIA": '{"term_days": 180}', "FORUM_SERIAL_VOTE_WINDOW_HOURS": "12"})
    assert cfg["AMBASSADOR_CRITERIA"]["term_days"] == 180 and cfg["AMBASSADOR_CRITERIA"]["weeks"] == 4
    assert cfg["SERIAL_VOTE_WINDOW_HOURS"] == 12
