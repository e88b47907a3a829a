from forum.qa.actions import accept_answer, cast_vote
from tests.factories import answer, ask, make_user


def test_ask_answer_vote_accept(session):
    asker, helper = make_user(points=125), make_user()  # voting needs points (rewards)
    q = ask(asker)
    a = answer(helper, q)
    assert cast_vote(asker, a, 1) == (1, 1)
    assert cast_vote(asker, a, -1) == (-1, -1)
    accept_answer(asker, a)
    session.commit()
    assert q.accepted_answer_id == a.id and q.answer_count == 1
