"""The named domain events: how the parts change each other (docs/architecture.md, "Events").

Every event is declared once, in ``DomainEvent`` below, with a one-line meaning. A part sends one
with ``announce(db.session, DomainEvent.X, **payload)`` and receives one with ``@on(DomainEvent.X)``
(inside the sender's transaction: the ledger, the engagement log, notifications, anything that must
commit or roll back with the change) or ``@on(DomainEvent.X, after_commit=True)`` (side effects:
the search index, e-mail).

The transaction rule: after-commit receivers run once, after the outermost transaction commits;
a rollback of the outermost transaction drops them. Savepoints (``begin_nested()``) neither run
them nor drop what was announced before them; what was announced inside a savepoint that rolls
back is dropped with it.

Names are checked: subscribing to an undeclared name raises at import (so at start-up), and
``check_senders()``, run by ``create_app``, reads the source of ``forum/`` and refuses an
``announce`` whose name is not a ``DomainEvent`` member. ``catalogue()`` lists every event with
its senders and receivers (the test suite and docs/architecture.md use it).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

Receiver = Callable[..., None]


class DomainEvent(StrEnum):
    """Every domain event: ``NAME = "name", "what happened (payload keys)"``."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> DomainEvent:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    USER_SIGNED_UP = "user_signed_up", "a member registered (user, invite_code)"
    USER_VISITED = "user_visited", "a member's first page of the UTC day and browser session; one side_write (user, at)"
    MEMBER_ACTIVATED = "member_activated", "a new member completed every onboarding step, once (user)"
    ROLES_CHANGED = "roles_changed", "an admin changed a member's roles (user, actor, before, after)"
    PROFILE_UPDATED = "profile_updated", "a member saved their profile (user)"
    MEMBER_DELETED = "member_deleted", "a member deleted their account; their row stays without personal data, and each part removes or anonymizes what it keeps about them (user_id)"
    QUESTION_ASKED = "question_asked", "a question was posted, published or held by the gate (question, user, hold)"
    QUESTION_EDITED = "question_edited", "a question's title, body, tags or category changed (question, user)"
    QUESTION_DELETED = "question_deleted", "a question was soft-deleted (question, user, previous_status)"
    ANSWER_POSTED = "answer_posted", "an answer was posted, published or held by the gate (answer, question, user, hold)"
    ANSWER_EDITED = "answer_edited", "an answer's body changed (answer, question, user)"
    ANSWER_DELETED = "answer_deleted", "an answer was soft-deleted (answer, question, user, previous_status)"
    COMMENT_POSTED = "comment_posted", "a comment was posted on a question or answer, published or held by the gate (comment, parent, question, user, hold)"
    QUESTION_PUBLISHED = "question_published", "a held question was published: approved or released (question, user, actor)"
    ANSWER_PUBLISHED = "answer_published", "a held answer was published: approved or released (answer, question, user, actor)"
    COMMENT_PUBLISHED = "comment_published", "a held comment was published: approved or released (comment, parent, question, user, actor)"
    POST_RESUBMITTED = "post_resubmitted", "the author resubmitted rejected content for review (content_type, content_id, user, excerpt)"
    VOTE_CAST = "vote_cast", "a vote was cast or changed (vote_id, voter, post_type, post_id, post_author_id, value)"
    VOTE_WITHDRAWN = "vote_withdrawn", "a vote was withdrawn or removed (vote_id, voter, post_type, post_id, post_author_id)"
    SERIAL_VOTING_FOUND = "serial_voting_found", "too many votes on one member's posts (voter_id, post_author_id, since, until)"
    ANSWER_ACCEPTED = "answer_accepted", "the asker accepted an answer (answer, question, user)"
    ANSWER_UNACCEPTED = "answer_unaccepted", "an accept was withdrawn or moved to another answer (answer, question, user)"
    QUESTION_VIEWS_FLUSHED = "question_views_flushed", "forum tick flushed the buffered page views of questions (views: dicts of question_id, category_id, user_id, organization_id, at)"
    ANSWER_MARKED_OFFICIAL = "answer_marked_official", "staff marked an answer official (answer, question, user)"
    ASK_PAGE_OPENED = "ask_page_opened", "a member opened the ask page; received through db.side_write (user)"
    ASK_STEP_REPORTED = "ask_step_reported", "a step of the ask flow, search.rules.ASK_EVENT_KINDS (user, kind, question_id)"
    SEARCHED = "searched", "a search's first page was shown; received through db.side_write (user, category_id, total)"
    IDEA_SUBMITTED = "idea_submitted", "an idea was submitted, pending or published (idea, user, hold)"
    IDEA_PUBLISHED = "idea_published", "an idea passed moderation and gathers support (idea, user)"
    IDEA_STAGE_REACHED = "idea_stage_reached", "an idea reached a stage threshold (idea, stage)"
    IDEA_DECIDED = "idea_decided", "the product team decided on an idea (idea, decision, actor, note)"
    IDEA_SUPPORTED = "idea_supported", "a member supported an idea (idea, user)"
    IDEA_SUPPORT_WITHDRAWN = "idea_support_withdrawn", "a member withdrew their support (idea, user)"
    IDEA_MERGED = "idea_merged", "an idea was merged into another (source, target, actor)"
    IDEA_CHANGED = "idea_changed", "an idea's indexed text or status changed (idea)"
    IDEA_TRANSITIONED = "idea_transitioned", "an idea moved from one status to another, in ideas.actions._set_status (idea, old, new, cause, actor, note)"
    POINTS_MOVED = "points_moved", "a ledger entry moved a member's points total (user_id, delta)"
    AMBASSADOR_APPOINTED = "ambassador_appointed", "a community manager appointed a member ambassador for a term (user, actor, term)"
    AMBASSADOR_ENDED = "ambassador_ended", "a member's ambassador status ended (user, actor or None, why: revoked, lapsed or expired)"
    HELD_CONTENT_APPROVED = "held_content_approved", "a moderator approved a held item, or its hold time ended (actor None) (item, actor)"
    HELD_CONTENT_REJECTED = "held_content_rejected", "a moderator rejected a held item with a reason (item, actor, reason, note)"
    HELD_CONTENT_ESCALATED = "held_content_escalated", "a moderator routed a held item to customer success; it stays in the queue (item, actor, note, content_type, content_id, user, excerpt)"
    MODERATION_MODE_CHANGED = "moderation_mode_changed", "a scope's moderation mode changed, computed or overridden (scope, category_id, old, new, cause, policy)"
    FLAG_RAISED = "flag_raised", "a member flagged a question, answer, comment or idea, once per content (flag, user, content_type, content_id)"
    CONTENT_HIDDEN_BY_FLAGS = "content_hidden_by_flags", "flags from counting flaggers reached FLAGS_TO_HIDE; the owner hides the content until a moderator decides (content_type, content_id, item)"
    NPS_ANSWERED = "nps_answered", "a member answered the NPS survey (response, user)"
    FOLLOWUP_OPENED = "followup_opened", "a customer-success follow-up was opened for a detractor's answer or a negative held post (followup)"
    NEGATIVE_POST_HELD = "negative_post_held", "strict mode held a post whose text is negative about the product (content_type, content_id, user, excerpt)"


class UndeclaredEvent(LookupError):
    """A name that is not a member of DomainEvent was announced or subscribed to."""


@dataclass
class _Registry:
    receivers: dict[tuple[DomainEvent, bool], list[Receiver]] = field(default_factory=dict)


_REGISTRY = _Registry()
_QUEUE_KEY = "forum.after_commit"


def declared(name: str) -> DomainEvent:
    """The DomainEvent called ``name``, or UndeclaredEvent."""
    if isinstance(name, DomainEvent):
        return name
    try:
        return DomainEvent(name)
    except ValueError:
        raise UndeclaredEvent(f"{name!r} is not a declared domain event (forum.events.DomainEvent)") from None


def subscribe(name: DomainEvent | str, receiver: Receiver, *, after_commit: bool = False) -> Receiver:
    """Call ``receiver(session, **payload)`` on every ``announce`` of ``name``; idempotent."""
    key = (declared(name), after_commit)
    receivers = _REGISTRY.receivers.setdefault(key, [])
    if receiver not in receivers:
        receivers.append(receiver)
    return receiver


def unsubscribe(name: DomainEvent | str, receiver: Receiver, *, after_commit: bool = False) -> None:
    """Stop calling ``receiver`` (tests that listen for a while)."""
    receivers = _REGISTRY.receivers.get((declared(name), after_commit), [])
    if receiver in receivers:
        receivers.remove(receiver)


def on(name: DomainEvent | str, *, after_commit: bool = False) -> Callable[[Receiver], Receiver]:
    """Decorator form of ``subscribe``."""

    def register(receiver: Receiver) -> Receiver:
        return subscribe(name, receiver, after_commit=after_commit)

    return register


def receivers(name: DomainEvent, *, after_commit: bool = False) -> list[Receiver]:
    return list(_REGISTRY.receivers.get((name, after_commit), ()))


def announce(session: Session, name: DomainEvent | str, **payload: Any) -> None:
    """Run ``name``'s in-transaction receivers now and queue its after-commit receivers."""
    event = declared(name)
    for receiver in receivers(event):
        receiver(session, **payload)
    if receivers(event, after_commit=True):
        queue = session.info.setdefault(_QUEUE_KEY, [])
        queue.append((event, payload, session.get_nested_transaction()))


def _inside(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa_event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction may still roll back
    queued = session.info.pop(_QUEUE_KEY, [])
    for event, payload, _savepoint in queued:
        for receiver in receivers(event, after_commit=True):
            receiver(session, **payload)


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous_transaction: SessionTransaction) -> None:
    queued = session.info.get(_QUEUE_KEY)
    if not queued:
        return
    if previous_transaction.nested:
        session.info[_QUEUE_KEY] = [entry for entry in queued if not _inside(entry[2], previous_transaction)]
    elif previous_transaction.parent is None:
        session.info.pop(_QUEUE_KEY, None)


# --------------------------------------------------------------------------- the catalogue

_PACKAGE = Path(__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(_PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def senders() -> dict[DomainEvent, tuple[str, ...]]:
    """Which modules of ``forum/`` announce each event, read from their source.

    Raises UndeclaredEvent for an ``announce`` whose name is not written ``DomainEvent.<MEMBER>``
    of a declared member, so a misspelt event stops start-up instead of failing silently."""
    found: dict[DomainEvent, set[str]] = {}
    for path in sorted(_PACKAGE.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called_name(node.func) == "announce"):
                continue
            name = node.args[1] if len(node.args) > 1 else None
            where = f"{path.relative_to(_PACKAGE.parent)}:{node.lineno}"
            if not (isinstance(name, ast.Attribute) and isinstance(name.value, ast.Name)
                    and name.value.id == "DomainEvent"):
                raise UndeclaredEvent(f"{where}: announce() must name its event as DomainEvent.<MEMBER>")
            if name.attr not in DomainEvent.__members__:
                raise UndeclaredEvent(f"{where}: DomainEvent.{name.attr} is not declared in forum/events.py")
            found.setdefault(DomainEvent[name.attr], set()).add(_module_name(path))
    return {event: tuple(sorted(modules)) for event, modules in found.items()}


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def check_senders() -> None:
    """Start-up check (create_app): every announced name is declared."""
    senders()


def _describe(receiver: Receiver) -> str:
    return f"{receiver.__module__}.{getattr(receiver, '__qualname__', repr(receiver))}"


def catalogue() -> list[dict[str, Any]]:
    """Every declared event with its meaning, senders and receivers (in and after the transaction)."""
    sent = senders()
    return [{
        "name": str(event),
        "meaning": event.meaning,
        "senders": list(sent.get(event, ())),
        "receivers": [_describe(r) for r in receivers(event)],
        "after_commit": [_describe(r) for r in receivers(event, after_commit=True)],
    } for event in DomainEvent]


DOCS_PAGE = _PACKAGE.parent / "docs" / "architecture.md"
DOCS_MARKERS = ("<!-- events:begin -->", "<!-- events:end -->")


def documented_table(text: str) -> str:
    """The event table between the markers of docs/architecture.md."""
    begin, end = DOCS_MARKERS
    return text.split(begin, 1)[1].split(end, 1)[0].strip()


def update_docs_table() -> None:
    """Rewrite the table of docs/architecture.md from the catalogue (`flask forum events --update-docs`)."""
    begin, end = DOCS_MARKERS
    text = DOCS_PAGE.read_text(encoding="utf-8")
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    DOCS_PAGE.write_text(f"{head}{begin}\n{markdown_table()}\n{end}{tail}", encoding="utf-8")


def markdown_table() -> str:
    """The catalogue as the Markdown table docs/architecture.md shows (`flask forum events`)."""
    def part(module: str) -> str:
        return module.removeprefix("forum.").split(".")[0]

    lines = ["| event | meaning | sent by | received by (in the transaction) | after commit |",
             "|---|---|---|---|---|"]
    for row in catalogue():
        cells = [f"`{row['name']}`", row["meaning"],
                 ", ".join(sorted({part(m) for m in row["senders"]})) or "—",
                 ", ".join(sorted({part(r) for r in row["receivers"]})) or "—",
                 ", ".join(sorted({part(r) for r in row["after_commit"]})) or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
