"""The demo community and the generator's texts are data: modules of plain records that refer to
each other by key, read by one loader (forum/demo/load.py) and one generator loop (forum/generate)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

DATA_MODULES = ["forum.demo.people", "forum.demo.categories", "forum.demo.threads", "forum.demo.ideas",
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
