"""The demo community and the generator's texts are data: modules of plain records that refer to
each other by key, read by one loader (forum/demo/load.py) and one generator loop (forum/generate)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

DATA_MODULES = ["forum.demo.people", "forum.demo.categories", "forum.demo.threads", "forum.demo.ideas",
                "forum.demo.survey", "forum.demo.queue", "forum.demo.history", "forum.demo.archive",
                "forum.generate.words"]
PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return isinstance(value, PLAIN)


@pytest.mark.parametrize("name", DATA_MODULES)
def test_data_modules_hold_only_plain_records(name):
    module = importlib.import_module(name)
    public = {key: value for key, value in vars(module).items() if not key.startswith("_")}
    assert public, name
    for key, value in public.items():
        assert _plain(value), f"{name}.{key} is not a plain record ({type(value).__name__})"


def test_demo_records_refer_to_what_exists():
    from forum.demo import categories, ideas, people, threads

    usernames = {row[0] for row in people.STAFF} | {row[0] for row in people.MEMBERS}
    assert len(usernames) == len(people.STAFF) + len(people.MEMBERS)
    organizations = {row[0] for row in people.ORGANIZATIONS}
    assert {row[3] for row in people.MEMBERS} <= organizations | {None}
    assert {username for username, _note in people.AMBASSADORS} <= usernames
    slugs = [row[0] for row in categories.CATEGORIES]
    assert len(slugs) == len(set(slugs))
    for thread in threads.THREADS:
        assert thread["category"] in slugs and thread["asker"] in usernames
        authors = [answer[0] for answer in thread["answers"]]
        commenters = [c[0] for answer in thread["answers"] if len(answer) > 2 for c in answer[2]]
        commenters += [c[0] for c in thread.get("comments", [])]
        assert set(authors) | set(commenters) <= usernames, thread["title"]
        for mark in ("accept", "official"):
            assert thread.get(mark, 0) < max(len(authors), 1), thread["title"]
    keys = [idea["key"] for idea in ideas.IDEAS]
    assert len(keys) == len(set(keys))
    for idea in ideas.IDEAS:
        assert idea["author"] in usernames and idea["category"] in slugs
        assert {c[0] for c in idea.get("comments", [])} | {d[1] for d in idea.get("discussion", [])} <= usernames
        if "merge_into" in idea:
            assert idea["merge_into"][0] in keys
    assert {ideas.MODERATOR, ideas.PRODUCT, threads.OFFICIAL_MARKER} <= usernames


def test_survey_records_refer_to_what_exists_and_are_answerable():
    """Each answer names a member, a real category (not an ambassadors-only one) or None, a score of
    0–10; the member had NPS_MIN_MEMBERSHIP_DAYS when answering and answers once per
    NPS_SURVEY_INTERVAL_DAYS (with a day to spare for the loader's random hours); each follow-up
    names a detractor's answer and steps of cs-worked statuses in time order before the demo's now."""
    from config import RULE_DEFAULTS as DEFAULTS
    from forum.demo import categories, people, survey

    joined = {row[0]: row[4] for row in people.MEMBERS}
    staff = {row[0]: row[2] for row in people.STAFF}
    open_slugs = {row[0] for row in categories.CATEGORIES if not row[3]}
    min_days = DEFAULTS["NPS_MIN_MEMBERSHIP_DAYS"]
    interval = DEFAULTS["NPS_SURVEY_INTERVAL_DAYS"]
    detractor_max = DEFAULTS["NPS_DETRACTOR_MAX"]
    answers = {}
    by_member: dict[str, list[float]] = {}
    for username, days, score, category, comment in survey.NPS_ANSWERS:
        assert username in joined, username
        assert category is None or category in open_slugs, (username, category)
        assert isinstance(score, int) and 0 <= score <= 10 and isinstance(comment, str)
        assert 0 < days and joined[username] - days >= min_days + 1, (username, days)
        assert (username, days) not in answers
        answers[(username, days)] = score
        by_member.setdefault(username, []).append(days)
    for username, days in by_member.items():
        days.sort()
        assert all(b - a >= interval + 1 for a, b in zip(days, days[1:], strict=False)), username
    ambassadors = {u for u, _note in people.AMBASSADORS}
    assert all(score > detractor_max for (u, _d), score in answers.items() if u in ambassadors)
    assert staff[survey.CS_MEMBER] == "cs"
    seen = set()
    for username, days, steps in survey.FOLLOWUPS:
        assert answers[(username, days)] <= detractor_max, (username, days)
        assert (username, days) not in seen
        seen.add((username, days))
        hours = [h for h, _s, _n in steps]
        assert hours == sorted(hours) and hours[-1] < days * 24, (username, days)
        statuses = [s for _h, s, _n in steps]
        assert set(statuses) <= {"contacted", "resolved"} and "resolved" not in statuses[:-1]
        assert all(note.strip() for _h, _s, note in steps)


def test_queue_records_refer_to_what_exists():
    """Held posts by newcomers (no post in the threads, neither staff nor ambassadors) in real
    categories with existing tags, or answering a thread by its title; decisions with the queue's
    actions and reasons; flags by distinct members other than the author, with a flag reason."""
    from forum.demo import categories, people, queue, threads
    from forum.moderation.rules import ACTIONS, FLAG_REASONS, REJECTION_REASONS

    usernames = {row[0] for row in people.STAFF} | {row[0] for row in people.MEMBERS}
    staff = {row[0] for row in people.STAFF}
    ambassadors = {u for u, _note in people.AMBASSADORS}
    posters = {t["asker"] for t in threads.THREADS} | {a[0] for t in threads.THREADS for a in t["answers"]}
    posters |= {c[0] for t in threads.THREADS for c in t.get("comments", [])}
    posters |= {c[0] for t in threads.THREADS for a in t["answers"] if len(a) > 2 for c in a[2]}
    titles = {t["title"] for t in threads.THREADS}
    tags = {tag for t in threads.THREADS for tag in t["tags"]}
    slugs = {row[0] for row in categories.CATEGORIES if not row[3]}
    assert queue.MODERATOR in staff
    keys = [spec["key"] for spec in queue.HELD + queue.FLAGGED]
    assert len(keys) == len(set(keys))
    for spec in queue.HELD:
        author = spec["author"]
        assert author in usernames and author not in staff | ambassadors | posters, author
        if spec["kind"] == "question":
            assert spec["category"] in slugs and set(spec["tags"]) <= tags and spec["title"] not in titles
        else:
            assert spec["kind"] == "answer" and spec["question"] in titles
        assert not ("decision" in spec and spec.get("release"))
        if "decision" in spec:
            action, reason, note, hours = spec["decision"]
            assert action in ACTIONS and hours > 0 and isinstance(note, str)
            assert (reason in REJECTION_REASONS) if action == "reject" else reason is None
        if "appeal" in spec:
            assert spec["decision"][0] == "reject" and spec["appeal"][1].strip()
        assert 0 < spec["days"] < 14
    for spec in queue.FLAGGED:
        assert spec["author"] in usernames and spec["question"] in titles
        flaggers = [f[0] for f in spec["flags"]]
        assert len(set(flaggers)) == len(flaggers) and spec["author"] not in flaggers
        assert set(flaggers) <= usernames and {f[2] for f in spec["flags"]} <= set(FLAG_REASONS)


def test_the_history_names_organizations_that_exist():
    from forum.demo import history, people

    organizations = {row[0] for row in people.ORGANIZATIONS}
    assert {key for key, _days in history.QUIET_ORGANIZATIONS} <= organizations
    assert all(0 < days < history.HISTORY_DAYS for _key, days in history.QUIET_ORGANIZATIONS)


def test_nobody_posts_in_a_thread_before_joining():
    """A thread's asker and answerers were members on the thread's day."""
    from forum.demo import people, threads

    joined = {row[0]: row[4] for row in people.MEMBERS}
    early = [(who, joined[who], thread["days"]) for thread in threads.THREADS
             for who in [thread["asker"], *(answer[0] for answer in thread.get("answers", []))]
             if who in joined and joined[who] < thread["days"]]
    assert early == []
