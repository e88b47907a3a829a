"""Search: the outbox of documents whose index entry must be brought up to date.

The search index lives outside the database (Whoosh files), so it cannot commit with it. Every
change that affects a document writes a row here in the same transaction (subscribers.py); after
commit, and on every `forum tick`, the rows are applied to the index and deleted. A crash, a lock
held by another process or an unwritable index directory therefore delays an update, never loses
it (docs/rules.md: Run modes; issue 3).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Base, intpk, utcnow


class SearchOutbox(Base):
    """One pending re-index of one document (`doc_type` from search.documents.SOURCES)."""

    __tablename__ = "search_outbox"

    id: Mapped[intpk]
    doc_type: Mapped[str] = mapped_column(sa.String(20))
    doc_id: Mapped[int] = mapped_column(sa.Integer)
    queued_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)

    # Applied rows are deleted by id: an id must never be reused (SQLite reuses the largest
    # rowid after a delete unless AUTOINCREMENT), or a late delete would drop a newer row.
    __table_args__ = {"sqlite_autoincrement": True}


class SearchVector(Base):
    """The semantic retriever's vector of one indexed document (the source of truth: each process
    keeps an in-memory copy, search.semantic). Written by the same outbox run that updates the
    keyword index; a document that leaves the index keeps its row with ``vector`` NULL (a
    tombstone, so that other processes see the removal when they read what changed)."""

    __tablename__ = "search_vectors"

    id: Mapped[intpk]
    doc_type: Mapped[str] = mapped_column(sa.String(20))
    doc_id: Mapped[int] = mapped_column(sa.Integer)
    model: Mapped[str] = mapped_column(sa.String(40))
    digest: Mapped[str] = mapped_column(sa.String(40))  # of the embedded text: unchanged text is not re-embedded
    language: Mapped[str] = mapped_column(sa.String(8), server_default="en")  # "en" or "zh", of the text
    # int8-quantized unit vector (one byte per dimension) and its scale; NULL when removed
    vector: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    scale: Mapped[float] = mapped_column(sa.Float, default=1.0)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)

    __table_args__ = (sa.UniqueConstraint("doc_type", "doc_id", name="uq_search_vectors_doc"),)
