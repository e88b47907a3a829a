"""Privileges and trust levels by points, enforced in the Q&A services (docs/rules.md: Privileges)."""

from __future__ import annotations

import pytest

from forum.errors import Forbidden
from forum.qa.actions import ask_question, cast_vote, edit_answer, edit_question, post_comment
from forum.rewards import rules
from forum.rewards.queries import has_privilege, next_privilege, require_privilege, trust_level
from tests.factories import answer, ask, make_user


@pytest.mark.parametrize(("points", "level"), [(0, 0), (14, 0), (15, 1), (99, 1), (100, 2), (999, 2), (1000, 3)])
def test_trust_levels_follow_points(session, points, level):
    assert trust_level(make_user(points=points)) == level


def test_ambassadors_are_trust_level_4_and_have_every_privilege(session):
    ambassador = make_user(ambassador=True)
    assert trust_level(ambassador) == 4
    assert all(has_privilege(ambassador, name) for name in rules.PRIVILEGE_LABELS)


@pytest.mark.parametrize("role", ["moderator", "product", "cs", "admin"])
def test_staff_have_every_privilege(session, role):
    staff = make_user(roles=(role,))
    assert all(has_privilege(staff, name) for name in rules.PRIVILEGE_LABELS)


def test_thresholds_come_from_config(session, app):
    member = make_user(points=14)
    assert not has_privilege(member, rules.Privilege.VOTE_UP)
    app.config["PRIVILEGES"] = {**app.config["PRIVILEGES"], "vote_up": 10}
    assert has_privilege(member, rules.Privilege.VOTE_UP)


def test_forbidden_message_names_the_points_needed(session):
    member = make_user(points=3)
    with pytest.raises(Forbidden) as exc:
        require_privilege(member, rules.Privilege.VOTE_UP)
    assert exc.value.message == "Voting up needs 15 points; you have 3."


def test_next_privilege(session):
    assert next_privilege(make_user(points=3))["name"] in ("vote_up", "flag")
    assert next_privilege(make_user(points=3))["missing"] == 12
    assert next_privilege(make_user(points=60))["name"] == "skip_premoderation"
    assert next_privilege(make_user(points=5000)) is None


def test_up_vote_needs_15_and_down_vote_125_points(session):
    asker = make_user()
    q = ask(asker)
    newcomer, regular = make_user(points=14), make_user(points=15)
    with pytest.raises(Forbidden, match="Voting up needs 15 points"):
        cast_vote(newcomer, q, 1)
    assert cast_vote(regular, q, 1) == (1, 1)
    with pytest.raises(Forbidden, match="Voting down needs 125 points"):
        cast_vote(regular, q, -1)
    assert cast_vote(regular, q, 0) == (0, 0)  # withdrawing needs nothing
    assert cast_vote(make_user(points=125), q, -1) == (-1, -1)


def test_commenting_on_others_posts_needs_50_points_but_own_posts_need_none(session):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    a = answer(helper, q)
    post_comment(asker, q, body="More details: it fails on Safari.")
    post_comment(asker, a, body="Thanks, trying it now.")  # an answer to your own question
    post_comment(helper, a, body="Edit: also works on mobile.")
    with pytest.raises(Forbidden, match="50 points"):
        post_comment(helper, q, body="Which plan are you on?")
    post_comment(make_user(points=50), q, body="Which plan are you on?")


def test_creating_a_new_tag_needs_300_points_existing_tags_are_free(session):
    member, veteran = make_user(points=299), make_user(points=300)
    with pytest.raises(Forbidden, match="Creating a new tag needs 300 points"):
        ask_question(member, title="How do I set up SSO?", body="Details", tags=["sso"])
    ask_question(veteran, title="How do I set up SSO?", body="Details", tags=["sso"])
    ask_question(member, title="SSO with Okta fails", body="Details", tags=["sso"])
    ask_question(member, title="A question without tags", body="Details")
    q = ask(member, "Another question here")
    with pytest.raises(Forbidden):
        edit_question(member, q, tags=["brand-new"])


def test_editing_others_posts_needs_2000_points(session):
    author = make_user()
    q = ask(author)
    a = answer(author, q)
    with pytest.raises(Forbidden):
        edit_question(make_user(points=1999), q, title="A better title here")
    editor = make_user(points=2000)
    edit_question(editor, q, title="A better title here")
    edit_answer(editor, a, body="Clearer steps.")
    assert q.title == "A better title here"
