"""API routes of search (docs/api.md: Search; GET /questions/similar), over forum.search.queries.

A query the parser cannot read is answered as its plain words (the response's ``notice`` says
so); a query with no searchable words at all is 400 ``invalid_query``.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from flask_babel import gettext as _
from pydantic import Field

from forum.api import schemas as s
from forum.api.core import ApiError, api_user, bp, documented, page_args, query_args
from forum.errors import NotFound
from forum.search import rules
from forum.search.queries import QueryError, search as run_search, similar_questions

TAGS = ("search",)


class SearchQuery(s.PageQuery):
    q: str = Field(description="the words to find; fields (title:, body:, tag:), \"phrases\", AND/OR/NOT")
    type: Literal["question", "idea", "all"] = "all"
    tag: Optional[str] = None
    category: Optional[int] = None
    solved: bool = False
    sort: Literal["relevance", "newest"] = "relevance"


class SearchHit(s.Out):
    type: Literal["question", "idea"]
    id: int
    title: str
    snippet: str = Field(description="HTML: the matching passage, matched words in <mark>")
    score: float = Field(description="relevance")
    url: str


class SearchPage(s.PageOut):
    items: list[SearchHit]
    notice: Optional[str] = Field(default=None, description="set when the query was searched as plain words")


class SimilarQuery(s.Query):
    title: str = ""


class SimilarItem(s.Out):
    id: int
    title: str
    score: int = Field(description="the vote score")
    answer_count: int
    accepted: bool
    relevance: float
    url: str


class SimilarOut(s.Out):
    items: list[SimilarItem]


@bp.get("/search")
@documented(query=SearchQuery, ok=SearchPage, errors=(400, 401, 422), tags=TAGS)
def search() -> Any:
    """Published questions (with their answers' text) and ideas the caller may see."""
    args = query_args(SearchQuery)
    page, per_page = page_args()
    if not args.q.strip():
        raise ApiError(422, "invalid", _("q: type the words to search for."), "q")
    viewer = api_user()
    if args.category is not None:
        from forum.qa.queries import access_category

        try:
            access_category(args.category, viewer)
        except NotFound:
            raise ApiError(422, "unknown_category", _("No such category."), "category") from None
    try:
        result = run_search(viewer, args.q, doc_type=args.type, tag=args.tag, category_id=args.category,
                            solved=args.solved, sort=args.sort, page=page, per_page=per_page)
    except QueryError as exc:
        raise ApiError(400, "invalid_query", exc.message, "q") from None
    return {
        "items": [{"type": h.type, "id": h.id, "title": h.title, "snippet": str(h.snippet),
                   "score": h.relevance, "url": h.url} for h in result.items],
        "total": result.total, "page": result.page, "per_page": result.per_page, "notice": result.notice,
    }


@bp.get("/questions/similar")
@documented(query=SimilarQuery, ok=SimilarOut, errors=(401, 422), tags=TAGS)
def similar() -> Any:
    """At most 10 published questions like `title`, most relevant first."""
    args = query_args(SimilarQuery)
    return {"items": similar_questions(api_user(), args.title, rules.SIMILAR_LIMIT)}
