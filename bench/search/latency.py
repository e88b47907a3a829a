"""Search latency at scale (issue 11): p50/p95 of the keyword search and of the hybrid search
(keywords + semantic retriever fused by rank) over `forum generate`'s data, one client.

    .venv/bin/python bench/search/latency.py                   # 200,000 posts, SQLite + Whoosh in a temp dir
    .venv/bin/python bench/search/latency.py --posts 20000 --queries 100
    .venv/bin/python bench/search/latency.py --database-url postgresql+psycopg://…/<scratch>   # PostgreSQL full text
    .venv/bin/python bench/search/latency.py --database-url … --backend whoosh --reuse DIR     # Whoosh on it

The database is built as bench/search_bench.py builds it (create_all, the bulk generator: 30 %
questions, 70 % answers), the keyword index by `forum reindex`'s rebuild. The vectors of the
documents are *not* embedded by the model here (embedding every generated question on a shared
2-CPU machine takes hours): each document gets a random unit vector, int8 like real ones, in
`search_vectors`; the in-memory index, the per-language scores, the fusion and the *query*
embedding are the real ones, so the latency measured is the one a member sees. Queries are the
judged set's queries plus words and word pairs of the generated titles. --database-url (or
DATABASE_URL) names the database (a scratch one: it is emptied, unless --reuse), --backend the
keyword index (SEARCH_BACKEND: auto is PostgreSQL full text on PostgreSQL). With --reuse the data
is kept: the index is rebuilt only when it is out of step, the vectors filled only when missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "bench" / "search")]

import search_bench  # noqa: E402  (bench/search_bench.py: make_app, generate, sample_queries, percentile)
from judged_queries import QUERIES  # noqa: E402


def fill_vectors(seed: int) -> int:
    """A random int8 unit vector for every indexed question and idea (see the module docstring)."""
    import numpy as np
    import sqlalchemy as sa

    from forum import db
    from forum.search import semantic
    from forum.search.documents import SOURCES
    from forum.search.models import SearchVector

    rng = np.random.default_rng(seed)
    now = db.utcnow()
    written = 0
    for doc_type, source in SOURCES.items():
        ids = list(db.session.scalars(source.all_ids()))
        for start in range(0, len(ids), 5000):
            batch = ids[start:start + 5000]
            vecs = rng.standard_normal((len(batch), 384)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            rows = []
            for doc_id, vec in zip(batch, vecs):
                raw, scale = semantic.quantize(vec)
                rows.append({"doc_type": doc_type, "doc_id": doc_id, "model": semantic.model_name(),
                             "digest": "random", "language": "zh" if doc_id % 5 == 0 else "en",
                             "vector": raw, "scale": scale, "updated_at": now})
            db.session.execute(sa.insert(SearchVector), rows)
            written += len(rows)
    db.session.commit()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse", help="the directory of an earlier run (with its database): time the searches only")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="default: SQLite in the run's directory")
    parser.add_argument("--backend", default="auto", choices=("auto", "whoosh", "postgres"),
                        help="the keyword index (SEARCH_BACKEND)")
    args = parser.parse_args()
    work = Path(args.reuse or tempfile.mkdtemp(prefix="search-latency-"))
    database_url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    os.environ["FORUM_SEARCH_BACKEND"] = args.backend  # read by every app this process makes
    if args.reuse:
        from forum import create_app

        app = create_app({"DATABASE_URL": database_url, "SEARCH_DIR": str(work / "search"), "SECRET_KEY": "bench",
                          "UPLOAD_DIR": str(work / "uploads"), "RATELIMIT_ENABLED": False,
                          "TICK_IN_BACKGROUND": False, "REDIS_URL": None})
    else:
        app = search_bench.make_app(database_url, work)
    print(f"data in {work}", flush=True)
    app.config["SEARCH_SEMANTIC"] = False  # the rebuild writes no vectors (fill_vectors does)

    from forum.search import semantic
    from forum.search.actions import reindex
    from forum.search.queries import search

    with app.test_request_context():
        if args.reuse:
            import sqlalchemy as sa

            from forum import db
            from forum.qa.models import Answer, Question
            from forum.search.models import SearchVector

            from forum.db import Base
            from forum.search.actions import index_needs_rebuild

            Base.metadata.create_all(db.engine())  # tables added since the data was made
            posts = sum(db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in (Question, Answer))
            documents = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
            db.commit()
            if index_needs_rebuild():
                started = time.perf_counter()
                documents = reindex()
                print(f"reindex: {documents} documents in {time.perf_counter() - started:.0f} s", flush=True)
            vectors = db.session.scalar(sa.select(sa.func.count()).select_from(SearchVector))
            if not vectors:
                vectors = fill_vectors(args.seed)
        else:
            started = time.perf_counter()
            counts = search_bench.generate(args.posts, args.seed)
            posts = counts.get("questions", 0) + counts.get("answers", 0)
            print(f"generated {posts} posts in {time.perf_counter() - started:.0f} s", flush=True)
            started = time.perf_counter()
            documents = reindex()
            print(f"reindex: {documents} documents in {time.perf_counter() - started:.0f} s", flush=True)
            started = time.perf_counter()
            vectors = fill_vectors(args.seed)
            print(f"vectors: {vectors} in {time.perf_counter() - started:.0f} s", flush=True)
        app.config["SEARCH_SEMANTIC"] = True
        queries = [q for q, _k, _r in QUERIES] + search_bench.sample_queries(max(0, args.queries - len(QUERIES)), args.seed)
        started = time.perf_counter()
        assert semantic.nearest("warm up") is not None
        print(f"model and in-memory index loaded in {time.perf_counter() - started:.1f} s", flush=True)
        for q in queries[:5]:
            search(None, q)
        results = {}
        for name, flag in (("keyword", False), ("hybrid", None)):
            semantic._query_vector.cache_clear()  # every query embedded afresh (the warm-up cached five)
            times = search_bench.time_calls(lambda q, flag=flag: search(None, q, semantic=flag), queries)
            results[name] = times
        embed = search_bench.time_calls(lambda q: semantic._load_model().query(q), queries)
        semantic._query_vector.cache_clear()
        nearest = search_bench.time_calls(lambda q: semantic.nearest(q), queries)
    from forum.search.backend import name as search_backend

    backend = f"{database_url.split(':', 1)[0]}, keyword index {search_backend(app)}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{posts} posts, {documents} documents, {vectors} vectors; database {backend}; "
          f"{len(queries)} queries, one client; load average {load}")
    print("| search | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for name, times in (("keyword (page 1 of 20)", results["keyword"]), ("hybrid (page 1 of 20)", results["hybrid"]),
                        ("query embedding alone", embed), ("semantic retrieval alone (embedding + matrix)", nearest)):
        print(f"| {name} | {search_bench.percentile(times, 50):.1f} | {search_bench.percentile(times, 95):.1f} | "
              f"{max(times):.1f} |")


if __name__ == "__main__":
    main()
