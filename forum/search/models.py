"""Search: the outbox of documents whose index entry must be brought up to date, the semantic
vectors, and the PostgreSQL backend's index and vocabulary (search.pgindex).

The search index lives outside the database (Whoosh files), so it cannot commit with it. Every
change that affects a document writes a row here in the same transaction (subscribers.py); after
commit, and on every `forum tick`, the rows are applied to the index and deleted. A crash, a lock
held by another process or an unwritable index directory therefore delays an update, never loses
it (docs/rules.md: Run modes; issue 3).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
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


# The PostgreSQL full-text backend (search.pgindex, search.pgquery; docs/rules.md: Search). On
# PostgreSQL these columns are tsvectors; elsewhere the tables exist (create_all, the migration)
# but stay empty, the embedded index being Whoosh.
TSVector = sa.Text().with_variant(TSVECTOR(), "postgresql")


class SearchDocument(Base):
    """One indexed document of the PostgreSQL backend: the fields Whoosh stores, the field lengths
    the ranking needs, and the words as tsvectors made by the forum's own analyzer (jieba for
    Chinese, Porter2 for English), so that both backends index the same words.

    ``tsv`` holds every word with its positions and the field as the weight (A title, B tags,
    C body, D answers; a tag's exact name as the lexeme ``#name``); ``head`` holds the title's
    and tags' words alone (small, for a cheap first pass over documents matching in the title).
    ``body`` and ``answers`` are stored cut (snippets are made from their start); ``spell`` is the
    document's spelling words, so that an update knows which vocabulary counts to move."""

    __tablename__ = "search_documents"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    doc_type: Mapped[str] = mapped_column(sa.String(20))
    doc_id: Mapped[int] = mapped_column(sa.Integer)
    category_id: Mapped[int] = mapped_column(sa.Integer, default=0)  # 0: none
    solved: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created: Mapped[dt.datetime] = mapped_column(sa.DateTime, index=True)
    tag_names: Mapped[str] = mapped_column(sa.Text, default="")  # exact names, comma-separated
    title: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    answers: Mapped[str] = mapped_column(sa.Text, default="")
    spell: Mapped[str] = mapped_column(sa.Text, default="")
    # words per field (as Whoosh counts a field's length, for BM25F's length normalization)
    title_len: Mapped[int] = mapped_column(sa.Integer, default=0)
    tagtext_len: Mapped[int] = mapped_column(sa.Integer, default=0)
    body_len: Mapped[int] = mapped_column(sa.Integer, default=0)
    answers_len: Mapped[int] = mapped_column(sa.Integer, default=0)
    tags_len: Mapped[int] = mapped_column(sa.Integer, default=0)
    tsv: Mapped[str] = mapped_column(TSVector, default="")
    head: Mapped[str] = mapped_column(TSVector, default="")

    # GIN indexes with a small pending list: new entries wait there until it is full, and every
    # search reads it whole (PostgreSQL's default, 4 MB, made searches several ms slower).
    __table_args__ = (
        sa.Index("ix_search_documents_tsv", "tsv", postgresql_using="gin",
                 postgresql_with={"gin_pending_list_limit": 256}),
        sa.Index("ix_search_documents_head", "head", postgresql_using="gin",
                 postgresql_with={"gin_pending_list_limit": 256}),
    )


# A narrow heap (measured at 200,000 posts: the search statement's p50 6.3 -> 5.5 ms, p95 13 -> 11
# ms): every value but the small head vector leaves the row for TOAST, so that a pass reading
# thousands of matches, or walking the date index, touches a fraction of the pages.
NARROW_ROWS = (
    "ALTER TABLE search_documents SET (toast_tuple_target = 128)",
    "ALTER TABLE search_documents ALTER COLUMN head SET STORAGE PLAIN",
)
for _ddl in NARROW_ROWS:
    sa.event.listen(SearchDocument.__table__, "after_create", sa.DDL(_ddl).execute_if(dialect="postgresql"))


class SearchTerm(Base):
    """The PostgreSQL backend's vocabulary: in how many documents each word occurs, per field
    (``field_name``: `title`, `tagtext`, `body`, `answers`, `tags`, `*` for any text field,
    `spell` for the unstemmed spelling words of typo corrections), and the collection's figures:
    `#docs` (term "": documents), `#len` (term: a field; its total length), `#type`, `#cat` and
    `#solved` (documents per type, category, solved) and `#gen` (the last write's number). Kept
    exact by every write of search_documents, in the same transaction. ``changed`` is the write
    that last moved the row (ever increasing; rows at 0 stay as tombstones), so that each
    process's in-memory copy of the spelling words reads only what changed."""

    __tablename__ = "search_terms"

    field_name: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    doc_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    __table_args__ = (sa.Index("ix_search_terms_field_name_changed", "field_name", "changed"),)
