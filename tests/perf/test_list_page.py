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


def test_key_statements_built_once_keep_each_viewers_own_list(session):
    """The page-key statements are built once per standing of viewer (qa.queries._key_statement):
    viewers of different standing, asked in turn, each still get exactly their own list — the
    member's own pending question, the moderator's deleted one, the ambassador's restricted category."""
    from tests.factories import make_category

    lounge = make_category("Lounge", ambassadors_only=True)
    member, other = make_user("member_a", points=5000), make_user("member_b", points=5000)
    moderator = make_user("mod", roles=("moderator",))
    ambassador = make_user("amb", ambassador=True)
    for i in range(6):
        ask(other, title=f"Published export question {i}", body="Slow export.")
    pending = ask(member, title="Member A's pending export question", body="Held.")
    pending.status = "pending"
    gone = ask(other, title="A deleted export question", body="Gone.")
    gone.status = "deleted"
    lounge_question = ask(ambassador, title="An export question in the lounge", body="For ambassadors.",
                          category_id=lounge.id)
    db.session.flush()
    viewers = [member, other, moderator, ambassador, AnonymousUserMixin(), member, moderator, other]
    for viewer in viewers:
        stmt = queries.questions(viewer, sort="newest")
        expected = [q.id for q in db.session.scalars(stmt.limit(20)).unique()]
        got = [k[-1] for k in queries.page_keys(viewer, 1, 20, sort="newest")]
        assert got == expected
    seen = {name: {k[-1] for k in queries.page_keys(v, 1, 20, sort="newest")}
            for name, v in (("member", member), ("other", other), ("mod", moderator), ("amb", ambassador))}
    assert pending.id in seen["member"] and pending.id not in seen["other"] | seen["amb"]
    assert gone.id in seen["mod"] and gone.id not in seen["member"] | seen["amb"]
    assert lounge_question.id in seen["amb"] | seen["mod"] and lounge_question.id not in seen["member"] | seen["other"]
