"""Search: full-text search of questions (with their answers' text) and ideas, in English and
Chinese, with "similar questions" while asking (docs/rules.md: the parts; issue 3).

- analysis.py   the analyzer: jieba for Chinese, lower-case + stop words + Porter2 for the rest
- index.py      the Whoosh index in SEARCH_DIR (FORUM_SEARCH_DIR): schema, opening, writer lock
- documents.py  what is indexed, per document type (a registry: questions, ideas)
- models.py     the outbox of documents waiting to be (re-)indexed
- actions.py    queueing, applying the outbox after commit or from `forum tick`, `forum reindex`
- subscribers.py the domain events that queue documents, and the after-commit apply
- queries.py    query parsing, the result page, similar questions, the health probe
- views.py      /search, /search/similar, /search/ask-events; forum/api/search.py is the API
- cli.py        `forum reindex` and the `search_index` tick job
"""
