"""Rewards follow the other parts through their domain events, inside their transaction
(docs/architecture.md, the rules of the house): the ledger entry commits or rolls back with the vote, accept or post."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import db
from forum.events import DomainEvent, on, subscribe
from forum.rewards import actions

_PUBLISHED = "published"


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) or value is None else getattr(value, "id", None)


@on(DomainEvent.VOTE_CAST)
def on_vote_cast(_sender: Any, *, vote_id: int, voter: Any, post_type: str, post_id: int, post_author_id: int,
                 value: int, **_: Any) -> None:
    actions.record_vote(vote_id=vote_id, voter_id=voter.id, post_type=str(post_type), post_id=post_id,
                        post_author_id=post_author_id, value=value)
    actions.check_badges([post_author_id], "vote_cast")


@on(DomainEvent.VOTE_WITHDRAWN)
def on_vote_withdrawn(_sender: Any, *, vote_id: int, post_type: str, post_id: int, post_author_id: int,
                      **_: Any) -> None:
    actions.undo_vote(vote_id=vote_id, post_type=str(post_type), post_id=post_id)
    actions.check_badges([post_author_id], "vote_withdrawn")  # withdrawing a down-vote raises the score


@on(DomainEvent.ANSWER_ACCEPTED)
def on_answer_accepted(_sender: Any, *, answer: Any, question: Any, **_: Any) -> None:
    actions.record_accept(answer, question)
    actions.check_badges([answer.author_id], "answer_accepted")


@on(DomainEvent.ANSWER_UNACCEPTED)
def on_answer_unaccepted(_sender: Any, *, answer: Any, **_: Any) -> None:
    actions.undo_accept(answer)


@on(DomainEvent.QUESTION_DELETED)
def on_question_deleted(_sender: Any, *, question: Any, **_: Any) -> None:
    from forum.qa.models import Answer

    answer_ids = list(db.session.scalars(sa.select(Answer.id).where(Answer.question_id == question.id)))
    actions.undo_post("question", question.id, answer_ids)


@on(DomainEvent.ANSWER_DELETED)
def on_answer_deleted(_sender: Any, *, answer: Any, **_: Any) -> None:
    actions.undo_post("answer", answer.id)


# --------------------------------------------------------------------------- referrals
# Accounts records who invited whom at sign-up; the invitee's first published contribution pays.

def _contribution(author_id: Any, status: Any) -> None:
    if author_id is not None and str(getattr(status, "value", status)) == _PUBLISHED:
        actions.activate_referral(author_id)


@on(DomainEvent.QUESTION_ASKED)
def on_question_asked(_sender: Any, *, question: Any, **_: Any) -> None:
    _contribution(question.author_id, question.status)


@on(DomainEvent.ANSWER_POSTED)
def on_answer_posted(_sender: Any, *, answer: Any, **_: Any) -> None:
    _contribution(answer.author_id, answer.status)


@on(DomainEvent.QUESTION_PUBLISHED)
def on_question_published(_sender: Any, *, question: Any, **_: Any) -> None:
    """A held question published (approved or released) is a first contribution too."""
    _contribution(question.author_id, question.status)


@on(DomainEvent.ANSWER_PUBLISHED)
def on_answer_published(_sender: Any, *, answer: Any, **_: Any) -> None:
    """A held answer published (approved or released) is a first contribution too (ideas arrive as
    `idea_published`)."""
    _contribution(answer.author_id, answer.status)


# --------------------------------------------------------------------------- ideas

@on(DomainEvent.IDEA_PUBLISHED)
def on_idea_published(_sender: Any, *, idea: Any, **_: Any) -> None:
    actions.record_idea_published(idea)
    actions.activate_referral(idea.author_id)
    actions.check_badges([idea.author_id], "idea_published")


@on(DomainEvent.IDEA_STAGE_REACHED)
def on_idea_stage_reached(_sender: Any, *, idea: Any, stage: int, **_: Any) -> None:
    actions.record_idea_stage(idea, stage)
    actions.check_badges([idea.author_id], "idea_stage_reached")


@on(DomainEvent.IDEA_DECIDED)
def on_idea_decided(_sender: Any, *, idea: Any, decision: Any, **_: Any) -> None:
    actions.record_idea_decision(idea, str(getattr(decision, "value", decision)))
    actions.check_badges([idea.author_id], "idea_decided")


@on(DomainEvent.IDEA_SUPPORTED)
def on_idea_supported(_sender: Any, *, user: Any, **_: Any) -> None:
    actions.check_badges([_id(user)], "idea_supported")


# ----------------------------------------------------------------------------- NPS

@on(DomainEvent.NPS_ANSWERED)
def on_nps_answered(_sender: Any, *, response: Any, user: Any, **_: Any) -> None:
    actions.record_nps_answer(response, _id(user))
    actions.check_badges([_id(user)], "nps_answered")


# ----------------------------------------------------------------------------- activation

def _check_activation(_sender: Any, **payload: Any) -> None:
    """A new member who has done every onboarding step is activated, once (an engagement event)."""
    member = payload.get("user") or payload.get("voter")
    if member is not None:
        actions.record_activation(member)


for _event in (DomainEvent.QUESTION_ASKED, DomainEvent.ANSWER_POSTED, DomainEvent.VOTE_CAST,
               DomainEvent.IDEA_SUPPORTED, DomainEvent.PROFILE_UPDATED):
    subscribe(_event, _check_activation)


@on(DomainEvent.MEMBER_DELETED)
def on_member_deleted(_session: Any, *, user_id: int, **_: Any) -> None:
    actions.end_deleted_members_term(user_id)
