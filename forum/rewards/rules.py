"""Rewards' declarative tables (docs/rules.md: Points, Privileges, Badges, Ambassador programme).

The numbers (points per POINTS key, privilege thresholds, trust levels, ambassador criteria)
live in config.py and are read from ``current_app.config``; this module says which event earns
which POINTS key, which privileges exist, which badges there are and how each is earned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# --------------------------------------------------------------------------- points

# A vote on a post: (post type, vote value) → POINTS key of the entry for the post's author.
VOTE_RECEIVED = {
    ("question", 1): "question_upvoted",
    ("question", -1): "question_downvoted",
    ("answer", 1): "answer_upvoted",
    ("answer", -1): "answer_downvoted",
}
# Casting a down-vote on an answer costs the voter (docs/rules.md: Points).
VOTE_CAST = {("answer", -1): "downvote_cast"}
# The reasons whose day's net total is capped by DAILY_VOTE_POINTS_CAP ("vote points received").
CAPPED_REASONS = frozenset(VOTE_RECEIVED.values())
# An accept: POINTS key for the answerer and for the asker.
ACCEPT_ANSWERER, ACCEPT_ASKER = "answer_accepted", "accepted_answer"
ACCEPT_REASONS = (ACCEPT_ANSWERER, ACCEPT_ASKER)
# An idea decision → POINTS key for its author (approval and shipping pay on top of each other).
IDEA_DECISIONS = {"approved": "idea_approved", "shipped": "idea_shipped"}

# How each POINTS key reads in a member's points history.
REASON_TEXTS: dict[str, Any] = {
    "question_upvoted": _l("Question up-voted"),
    "question_downvoted": _l("Question down-voted"),
    "answer_upvoted": _l("Answer up-voted"),
    "answer_downvoted": _l("Answer down-voted"),
    "downvote_cast": _l("Down-voted an answer"),
    "answer_accepted": _l("Answer accepted"),
    "accepted_answer": _l("Accepted an answer to their question"),
    "idea_published": _l("Idea published"),
    "idea_stage_reached": _l("Idea reached stage %(stage)s"),
    "idea_approved": _l("Idea approved"),
    "idea_shipped": _l("Idea shipped"),
    "referral_activated": _l("An invited member made a first contribution"),
    "nps_answered": _l("Answered the NPS survey"),
}
REVERSAL_TEXT = _l("Reversed: %(what)s")
SUBJECT_TEXTS: dict[str, Any] = {
    "question": _l("question #%(id)s"),
    "answer": _l("answer #%(id)s"),
    "idea": _l("idea #%(id)s"),
    "user": _l("member #%(id)s"),
    "nps_response": _l("survey answer #%(id)s"),
}
CAPPED_TEXT = _l("(daily vote cap reached)")
# The points history in words, with the title of the entry's subject (the question, the question an
# answer belongs to, the idea, the invited member) where the reader may see it: (for the member
# themself, for anyone else). A subject the reader may not see reads as REASON_TEXTS, without title.
HISTORY_TEXTS: dict[str, tuple[Any, Any]] = {
    "question_upvoted": (_l("Your question “%(title)s” was up-voted"), _l("Question “%(title)s” was up-voted")),
    "question_downvoted": (_l("Your question “%(title)s” was down-voted"), _l("Question “%(title)s” was down-voted")),
    "answer_upvoted": (_l("Your answer to “%(title)s” was up-voted"), _l("Answer to “%(title)s” was up-voted")),
    "answer_downvoted": (_l("Your answer to “%(title)s” was down-voted"),
                         _l("Answer to “%(title)s” was down-voted")),
    "downvote_cast": (_l("You down-voted an answer to “%(title)s”"), _l("Down-voted an answer to “%(title)s”")),
    "answer_accepted": (_l("Your answer to “%(title)s” was accepted"), _l("Answer to “%(title)s” was accepted")),
    "accepted_answer": (_l("You accepted an answer to your question “%(title)s”"),
                        _l("Accepted an answer to their question “%(title)s”")),
    "idea_published": (_l("Your idea “%(title)s” was published"), _l("Idea “%(title)s” was published")),
    "idea_stage_reached": (_l("Your idea “%(title)s” reached stage %(stage)s"),
                           _l("Idea “%(title)s” reached stage %(stage)s")),
    "idea_approved": (_l("Your idea “%(title)s” was approved"), _l("Idea “%(title)s” was approved")),
    "idea_shipped": (_l("Your idea “%(title)s” shipped"), _l("Idea “%(title)s” shipped")),
    "referral_activated": (_l("%(title)s, whom you invited, made a first contribution"),
                           _l("%(title)s, an invited member, made a first contribution")),
}


def say(message: Any, **values: Any) -> str:
    """A marked string in the reader's language while serving a request, else in English
    (actions also run from the command line and the tick, where there is no reader)."""
    if isinstance(message, LazyString):
        message = str(message) if has_request_context() else message._args[0]
    return str(message) % values if values else str(message)


def english(message: Any) -> str:
    """The English original of a marked string (stored data, e.g. a notification's badge name)."""
    return message._args[0] if isinstance(message, LazyString) else str(message)


def points_for(reason: str) -> int:
    return int(current_app.config["POINTS"].get(reason, 0))


# --------------------------------------------------------------------------- privileges

class Privilege(StrEnum):
    """What points unlock (docs/rules.md: Privileges); each has its threshold in config PRIVILEGES.
    `has_privilege` and `require_privilege` take only these names."""

    VOTE_UP = "vote_up"
    FLAG = "flag"
    COMMENT = "comment"
    VOTE_DOWN = "vote_down"
    CREATE_TAGS = "create_tags"
    SKIP_PREMODERATION = "skip_premoderation"
    EDIT_OTHERS = "edit_others"


# privilege → how it reads in "… needs N points" (thresholds: config PRIVILEGES).
PRIVILEGE_LABELS: dict[Privilege, Any] = {
    Privilege.VOTE_UP: _l("Voting up"),
    Privilege.FLAG: _l("Flagging"),
    Privilege.COMMENT: _l("Commenting on others' posts"),
    Privilege.VOTE_DOWN: _l("Voting down"),
    Privilege.CREATE_TAGS: _l("Creating a new tag"),
    Privilege.SKIP_PREMODERATION: _l("Skipping pre-moderation"),
    Privilege.EDIT_OTHERS: _l("Editing others' posts"),
}


PRIVILEGE_NEEDS_POINTS = _l("%(action)s needs %(needed)s points; you have %(have)s.")


def privilege_thresholds() -> dict[str, int]:
    return {name: int(points) for name, points in current_app.config["PRIVILEGES"].items()}


def trust_levels() -> list[int]:
    """Points from which each trust level starts (config TRUST_LEVELS: levels 0–3 by default)."""
    return [int(p) for p in current_app.config["TRUST_LEVELS"]]


def ambassador_trust_level() -> int:
    """Ambassadors have the level after the last points level (4 with the default TRUST_LEVELS)."""
    return len(trust_levels())


# --------------------------------------------------------------------------- badges

@dataclass(frozen=True)
class BadgeRule:
    """A badge: awarded once when `rule(user_id)` (a name in rewards.queries.BADGE_RULES with
    its argument) holds; checked when one of `triggers` (domain events) happens."""

    slug: str
    name: Any
    tier: str  # bronze, silver, gold
    description: Any
    rule: str
    threshold: int
    triggers: tuple[str, ...]


_VOTES = ("vote_cast", "vote_withdrawn")
_ACCEPT = ("answer_accepted",)

BADGES: tuple[BadgeRule, ...] = (
    BadgeRule("good-question", _l("Good Question"), "bronze",
              _l("Asked a question with a score of 1 or more."), "question_score", 1, _VOTES),
    BadgeRule("good-answer", _l("Good Answer"), "bronze",
              _l("Wrote an answer with a score of 1 or more."), "answer_score", 1, _VOTES),
    BadgeRule("solver", _l("Solver"), "bronze",
              _l("Wrote an answer that was accepted."), "accepted_answers", 1, _ACCEPT),
    BadgeRule("great-answer", _l("Great Answer"), "silver",
              _l("Wrote an accepted answer with a score of 10 or more."), "accepted_answer_score", 10,
              _VOTES + _ACCEPT),
    BadgeRule("outstanding-answer", _l("Outstanding Answer"), "gold",
              _l("Wrote an accepted answer with a score of 40 or more."), "accepted_answer_score", 40,
              _VOTES + _ACCEPT),
    BadgeRule("expert", _l("Expert"), "silver",
              _l("Wrote 10 accepted answers."), "accepted_answers", 10, _ACCEPT),
    BadgeRule("idea-maker", _l("Idea Maker"), "bronze",
              _l("Had a first idea published on the idea board."), "ledger_reason:idea_published", 1,
              ("idea_published",)),
    BadgeRule("crowd-favourite", _l("Crowd Favourite"), "silver",
              _l("Had an idea reach stage 2."), "idea_stage", 2, ("idea_stage_reached",)),
    BadgeRule("visionary", _l("Visionary"), "gold",
              _l("Had an idea approved by the product team."), "ledger_reason:idea_approved", 1,
              ("idea_decided",)),
    BadgeRule("supporter", _l("Supporter"), "bronze",
              _l("Supported 10 ideas."), "ideas_supported", 10, ("idea_supported",)),
    BadgeRule("feedback-giver", _l("Feedback Giver"), "bronze",
              _l("Answered the NPS survey."), "ledger_reason:nps_answered", 1, ("nps_answered",)),
    BadgeRule("recruiter", _l("Recruiter"), "silver",
              _l("Invited 3 members who made their first contribution."), "ledger_reason:referral_activated", 3,
              ("referral_activated",)),
    BadgeRule("ambassador", _l("Ambassador"), "gold",
              _l("Appointed a community ambassador."), "ambassador", 1, ("ambassador_appointed",)),
)
BADGES_BY_SLUG = {b.slug: b for b in BADGES}
TIERS = ("gold", "silver", "bronze")


# --------------------------------------------------------------------------- ambassador programme

def ambassador_criteria() -> dict[str, int]:
    """config AMBASSADOR_CRITERIA: the eligibility thresholds, the number of recent `weeks` the
    activity criterion looks at, `lapse_days` and the length of a term, `term_days`."""
    return {k: int(v) for k, v in current_app.config["AMBASSADOR_CRITERIA"].items()}


def nps_detractor_max() -> int:
    """config NPS_DETRACTOR_MAX: NPS answers from 0 up to this score are detractors (docs/rules.md: NPS)."""
    return int(current_app.config["NPS_DETRACTOR_MAX"])


def note_max_chars() -> int:
    """config NOTE_MAX_CHARS: the longest note a community manager may write on a term."""
    return int(current_app.config["NOTE_MAX_CHARS"])


# criterion → label shown beside the evidence on the community managers' page
# (`required`: the criterion's threshold; `weeks` and `detractor_max` from the config).
CRITERIA_LABELS: dict[str, Any] = {
    "points": _l("At least %(required)s points"),
    "accepted_answers": _l("At least %(required)s accepted answers"),
    "active_weeks": _l("Active in %(required)s of the last %(weeks)s weeks"),
    "member_days": _l("Member for at least %(required)s days"),
    "clean_record": _l("No upheld moderation rejection in %(required)s days"),
    "nps": _l("Latest NPS answer is not a detractor (0–%(detractor_max)s)"),
}
# Ways a term ends.
TERM_END_REASONS = ("revoked", "lapsed", "expired", "renewed")

# --------------------------------------------------------------------------- onboarding

ONBOARDING_STEPS: dict[str, Any] = {
    "profile": _l("Complete your profile (display name and a short bio)"),
    "contribute": _l("Ask a question or answer one"),
    "vote": _l("Vote on a post"),
    "support": _l("Support an idea on the idea board"),
}
# Steps that need a privilege first (docs/rules.md: Privileges): the checklist offers them only once
# the member holds it, and says until then at how many points they open.
ONBOARDING_STEP_PRIVILEGES: dict[str, Privilege] = {"vote": Privilege.VOTE_UP}
ONBOARDING_LATER_TEXT = _l("Later, at %(points)s points: %(step)s")
