"""A member's own data as one JSON document (docs/rules.md: Personal data; docs/api.md:
GET /api/v1/me/export and the settings page's download).

The API part reads every part's tables for it, as it does for its other representations: the
profile, every question, answer, comment, idea, idea support and comment, vote, follow, flag, NPS
answer, points-ledger entry, badge, notification, API token (never its secret) and engagement
event of the member. Everything the member wrote is there in full, whatever its status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.accounts.models import ApiToken, User
from forum.engagement.models import Event
from forum.ideas.models import Idea, IdeaComment, IdeaSupport
from forum.moderation.models import Flag
from forum.notifications.models import Notification
from forum.nps.models import NpsResponse
from forum.qa.models import Answer, Comment, Follow, Question, Vote
from forum.rewards.models import Badge, PointEntry, UserBadge

FORMAT_VERSION = 1


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return getattr(value, "value", value)


def _rows(stmt: sa.Select[Any], fields: Iterable[str]) -> list[dict[str, Any]]:
    names = list(fields)
    return [{name: _iso(getattr(row, name)) for name in names} for row in db.session.scalars(stmt)]


def member_data(user: User) -> dict[str, Any]:
    """Everything the forum keeps about `user`, newest last within each section."""
    uid = user.id
    badges = [{"slug": slug, "name": name, "awarded_at": _iso(at)} for slug, name, at in db.session.execute(
        sa.select(Badge.slug, Badge.name, UserBadge.awarded_at).join(Badge, Badge.id == UserBadge.badge_id)
        .where(UserBadge.user_id == uid).order_by(UserBadge.awarded_at))]
    return {
        "format": FORMAT_VERSION,
        "exported_at": _iso(db.utcnow()),
        "profile": {"id": uid, "username": user.username, "email": user.email, "display_name": user.display_name,
                    "bio": user.bio, "locale": user.locale, "roles": user.roles, "points": user.points,
                    "ambassador": bool(user.is_ambassador), "organization_id": user.organization_id,
                    "invite_code": user.invite_code, "invited_by_id": user.invited_by_id,
                    "created_at": _iso(user.created_at), "last_seen_at": _iso(user.last_seen_at)},
        "questions": _rows(sa.select(Question).where(Question.author_id == uid).order_by(Question.id),
                           ("id", "title", "body", "status", "category_id", "score", "created_at", "updated_at")),
        "answers": _rows(sa.select(Answer).where(Answer.author_id == uid).order_by(Answer.id),
                         ("id", "question_id", "body", "status", "score", "created_at", "updated_at")),
        "comments": _rows(sa.select(Comment).where(Comment.author_id == uid).order_by(Comment.id),
                          ("id", "question_id", "answer_id", "body", "status", "created_at")),
        "votes": _rows(sa.select(Vote).where(Vote.user_id == uid).order_by(Vote.id),
                       ("id", "post_type", "post_id", "value", "created_at")),
        "follows": _rows(sa.select(Follow).where(Follow.user_id == uid).order_by(Follow.id),
                         ("question_id", "created_at")),
        "ideas": _rows(sa.select(Idea).where(Idea.author_id == uid).order_by(Idea.id),
                       ("id", "title", "description", "status", "stage", "supporters", "category_id", "created_at")),
        "idea_supports": _rows(sa.select(IdeaSupport).where(IdeaSupport.user_id == uid).order_by(IdeaSupport.id),
                               ("idea_id", "importance", "comment", "created_at")),
        "idea_comments": _rows(sa.select(IdeaComment).where(IdeaComment.author_id == uid).order_by(IdeaComment.id),
                               ("id", "idea_id", "body", "status", "created_at")),
        "flags": _rows(sa.select(Flag).where(Flag.flagger_id == uid).order_by(Flag.id),
                       ("id", "content_type", "content_id", "reason", "note", "outcome", "created_at")),
        "nps_answers": _rows(sa.select(NpsResponse).where(NpsResponse.user_id == uid).order_by(NpsResponse.id),
                             ("id", "score", "comment", "category_id", "created_at")),
        "points": _rows(sa.select(PointEntry).where(PointEntry.user_id == uid).order_by(PointEntry.id),
                        ("id", "delta", "reason", "subject_type", "subject_id", "reverses", "created_at")),
        "badges": badges,
        "notifications": _rows(sa.select(Notification).where(Notification.user_id == uid).order_by(Notification.id),
                               ("id", "kind", "data", "url", "read", "created_at")),
        "api_tokens": _rows(sa.select(ApiToken).where(ApiToken.user_id == uid).order_by(ApiToken.id),
                            ("id", "name", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")),
        "events": _rows(sa.select(Event).where(Event.user_id == uid).order_by(Event.id),
                        ("occurred_at", "kind", "subject_type", "subject_id", "category_id", "value")),
    }
