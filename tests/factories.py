"""Builders for tests: rows made directly (fast), or through actions where a rule must run."""

from __future__ import annotations

import itertools
from typing import Any

from werkzeug.security import generate_password_hash

from forum import db
from forum.accounts.models import Organization, Role, Tier, User, UserRole
from forum.qa.models import Category

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_user(username: str | None = None, *, roles: tuple[str, ...] = (), points: int = 0,
              ambassador: bool = False, organization: Organization | None = None, **kw: Any) -> User:
    n = next(_seq)
    username = username or f"member{n}"
    user = User(username=username, email=kw.pop("email", f"{username.lower()}@example.com"),
                password_hash=_HASH, points=points, is_ambassador=ambassador, organization=organization, **kw)
    user.role_rows = [UserRole(role=Role(r)) for r in roles]
    db.session.add(user)
    db.session.flush()
    return user


def make_org(name: str | None = None, tier: str = "standard", arr: int = 10_000) -> Organization:
    org = Organization(name=name or f"Org {next(_seq)}", tier=Tier(tier), arr=arr)
    db.session.add(org)
    db.session.flush()
    return org


def make_category(name: str | None = None, *, ambassadors_only: bool = False) -> Category:
    name = name or f"Category {next(_seq)}"
    category = Category(name=name, slug=name.lower().replace(" ", "-"), ambassadors_only=ambassadors_only)
    db.session.add(category)
    db.session.flush()
    return category


def ask(author: User, title: str = "How do I reset my password?", body: str = "It fails with an error.", **kw: Any) -> Any:
    from forum.qa.actions import ask_question

    return ask_question(author, title=title, body=body, **kw)


def answer(author: User, question: Any, body: str = "Use the reset link on the sign-in page.") -> Any:
    from forum.qa.actions import post_answer

    return post_answer(author, question, body=body)
