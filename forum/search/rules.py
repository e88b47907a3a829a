"""Search's declarative tables: what a search may filter and sort by, which domain events touch
which indexed document, the ask-page events, and the operating limits of the index writer."""

from __future__ import annotations

# Document types a search may ask for; "all" means every registered type (search.documents).
TYPES = ("all", "question", "idea")
DEFAULT_TYPE = "all"

# sort key → index field to sort by (None: relevance), newest first.
SORTS = {"relevance": None, "newest": "created"}
DEFAULT_SORT = "relevance"

# Fields a member may name in a query (`title:reset`, `tag:sso`) → index field.
QUERY_FIELDS = {"title": "title", "body": "body", "answers": "answers", "tag": "tags", "tags": "tags"}
# How much a match in each field counts toward relevance.
# (`tags` holds the exact tag names for `tag:` and the tag filter; `tagtext` the same names as
# analyzed words, so that plain words match tags and stop words never become required tags.)
FIELD_BOOSTS = {"title": 3.0, "tagtext": 2.0, "body": 1.0, "answers": 0.6}

# GET /questions/similar and the ask page: at most this many suggestions (docs/api.md).
SIMILAR_LIMIT = 10
SIMILAR_MIN_TITLE = 3  # characters typed before suggestions are looked up
# A title being typed is compared with titles, tags and question bodies (not answers), any word.
SIMILAR_FIELD_BOOSTS = {"title": 3.0, "tagtext": 2.0, "body": 0.5}
SIMILAR_OVERFETCH = 4  # hits read per suggestion shown, before the visibility check

# The ask page's deflection events (docs/rules.md: Engagement events); anything else is refused.
ASK_EVENT_KINDS = ("ask_started", "ask_suggestion_clicked", "ask_abandoned_after_suggestion")

# Index writer: how long a request waits for another process's write lock after commit (seconds)
# before leaving its update to `forum tick`, and how long the tick waits.
REQUEST_LOCK_TIMEOUT = 2.0
TICK_LOCK_TIMEOUT = 30.0
OUTBOX_BATCH = 500
# /healthz reports "degraded" when an outbox row has waited longer than this (seconds).
OUTBOX_MAX_AGE_SECONDS = 300
# `forum reindex`: documents loaded from the database per batch, and the writer's memory (MB).
REINDEX_BATCH = 1000
REINDEX_WRITER_MB = 256

SNIPPET_CHARS = 220
# Snippets are cut from the first this-many characters of a body (re-analysing whole long
# threads for every hit would cost more than the search).
HIGHLIGHT_MAX_CHARS = 3000
