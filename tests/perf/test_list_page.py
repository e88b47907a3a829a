"""qa.queries.page_keys (the page's keys from the sort's index, then questions_by_ids for the rows)
returns exactly the rows LIMIT/OFFSET would, for every sort and page, signed out and signed in, and
keyset_page_keys from each page's last key gives the next page."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from forum import db
from forum.qa import actions as qa_actions
from forum.qa import queries
from tests.factories import answer, ask, make_user


@pytest.mark.parametrize("sort", ["newest", "votes", "active"])
def test_list_page_matches_limit_offset(session, sort):
    authors = [make_user(points=5000) for _ in range(5)]
    questions = [ask(authors[i % 5], title=f"Export question number {i}", body="Slow export.") for i in range(23)]
    for i, q in enumerate(questions):
        if i % 3 == 0:
            answer(authors[(i + 1) % 5], q, body="Use the async export.")
        if i % 4 == 0:
            qa_actions.cast_vote(authors[(i + 2) % 5], q, 1 if i % 8 else -1)
    db.session.flush()
    for viewer in (AnonymousUserMixin(), authors[0]):
        stmt = queries.questions(viewer, sort=sort)
        for page in (1, 2, 3, 4):
            expected = [q.id for q in db.session.scalars(stmt.limit(7).offset((page - 1) * 7)).unique()]
            keys = queries.page_keys(viewer, page, 7, sort=sort)
            assert [q.id for q in queries.questions_by_ids([k[-1] for k in keys])] == expected
            if page > 1:
                after, _ = queries.keyset_page_keys(viewer, previous[-1], 7, sort=sort)
                assert after == keys
            previous = keys
