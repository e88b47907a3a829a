"""API test helpers: rows are built directly in an app context and committed (fast), tokens are
issued through the accounts action, and requests go through the test client with a Bearer header."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forum import db
from forum.accounts.actions import issue_token
from forum.accounts.models import User
from forum.qa.models import Answer, Comment, ContentStatus, Question
from tests import factories


class World:
    """Builds committed rows for one test's app and hands out bearer headers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        """Call `fn` inside an app context and commit (the result's loaded attributes stay readable)."""
        with self.app.app_context():
            result = fn(*args, **kw)
            db.session.commit()
            return result

    def user(self, username: str | None = None, **kw: Any) -> User:
        return self.run(factories.make_user, username, **kw)

    def org(self, name: str | None = None, tier: str = "standard", arr: int = 10_000) -> Any:
        return self.run(factories.make_org, name, tier, arr)

    def category(self, name: str | None = None, **kw: Any) -> Any:
        return self.run(factories.make_category, name, **kw)

    def headers(self, user: User, scopes: list[str] | None = None) -> dict[str, str]:
        def _issue() -> str:
            return issue_token(db.session.get(User, user.id), scopes=scopes)[1]

        return {"Authorization": "Bearer " + self.run(_issue)}

    def question(self, author: User, title: str = "How do I reset my password?", *, status: str = "published",
                 category: Any = None, tags: list[str] | None = None, **kw: Any) -> Question:
        """A question asked through the action, then put in `status` directly (as moderation would)."""
        def _ask() -> Question:
            q = factories.ask(db.session.get(User, author.id), title=title,
                              category_id=category.id if category is not None else None, tags=tags, **kw)
            q.status = ContentStatus(status)
            return q

        return self.run(_ask)

    def answer(self, author: User, question: Question, body: str = "Use the reset link.", *,
               status: str = "published") -> Answer:
        """A published answer through the action; other statuses are rows made directly (not counted)."""
        def _answer() -> Answer:
            if status == "published":
                return factories.answer(db.session.get(User, author.id), db.session.get(Question, question.id), body)
            a = Answer(question_id=question.id, author_id=author.id, body=body, body_html=f"<p>{body}</p>",
                       status=ContentStatus(status))
            db.session.add(a)
            db.session.flush()
            return a

        return self.run(_answer)

    def comment(self, author: User, *, question: Question | None = None, answer: Answer | None = None,
                body: str = "A comment.", status: str = "published") -> Comment:
        def _comment() -> Comment:
            c = Comment(author_id=author.id, question_id=question.id if question else None,
                        answer_id=answer.id if answer else None, body=body, body_html=f"<p>{body}</p>",
                        status=ContentStatus(status))
            db.session.add(c)
            db.session.flush()
            return c

        return self.run(_comment)

    def get(self, model: Any, ident: int) -> Any:
        with self.app.app_context():
            obj = db.session.get(model, ident)
            if obj is not None:
                db.session.expunge(obj)
            return obj

    def expire_tokens(self, user: User) -> None:
        from forum.accounts.models import ApiToken
        import sqlalchemy as sa

        def _expire() -> None:
            db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id)
                               .values(expires_at=dt.datetime(2000, 1, 1)))

        self.run(_expire)


@pytest.fixture
def world(app: Any) -> World:
    return World(app)


def assert_error(resp: Any, status: int, code: str | None = None, field: str | None = None) -> dict[str, Any]:
    """The response is the API's JSON error with this status (and code, and field)."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    assert resp.mimetype == "application/json", resp.mimetype
    error = resp.get_json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert error.get("field") == field, error
    return error
