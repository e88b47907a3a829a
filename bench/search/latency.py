"""Search latency at scale (issue 11): p50/p95 of the keyword search and of the hybrid search
(keywords + semantic retriever fused by rank) over `forum generate`'s data, one client.

    .venv/bin/python bench/search/latency.py                   # 200,000 posts, SQLite + Whoosh in a temp dir
    .venv/bin/python bench/search/latency.py --posts 20000 --queries 100
    .venv/bin/python bench/search/latency.py --database-url postgresql+psycopg://…/<scratch>   # PostgreSQL full text
    .venv/bin/python bench/search/latency.py --database-url … --backend whoosh --reuse DIR     # Whoosh on it

The database is built as bench/search_bench.py builds it (create_all, the bulk generator: 30 %
questions, 70 % answers), the keyword index by `forum reindex`'s rebuild. The vectors of the
documents are the vectors of their *titles* (embedding every generated question's title and body
on a 2-CPU machine takes hours, and the generator's titles repeat: each distinct one is embedded
once), int8 in `search_vectors` as real ones; the in-memory index, the per-language scores, the
fusion and the query embedding are the real ones, so the latency measured is the one a member
sees, with semantic neighbours that overlap the keyword hits as real ones do. Queries are the
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


def fill_vectors() -> int:
    """The vector of its title for every indexed question and idea (see the module docstring):
    the generator's titles repeat (about 4,400 distinct among 60,000 questions), so each distinct
    title is embedded once by the real model, and documents of the same title share its vector."""
    import sqlalchemy as sa

    from forum import db
    from forum.search import semantic
    from forum.search.documents import SOURCES
    from forum.ideas.models import Idea
    from forum.qa.models import Question
    from forum.search.models import SearchVector

    titled = {"question": Question, "idea": Idea}
    model = semantic._load_model()
    db.session.execute(sa.delete(SearchVector))
    now = db.utcnow()
    written = 0
    for doc_type, source in SOURCES.items():
        ids = source.all_ids().subquery()
        table = titled[doc_type]
        loaded = dict(db.session.execute(sa.select(table.id, table.title).where(table.id.in_(sa.select(ids)))).all())
        titles = sorted(set(loaded.values()))
        by_title = {}
        for start in range(0, len(titles), 64):
            batch = titles[start:start + 64]
            vectors = model.passage(batch).reshape(len(batch), -1)
            by_title.update({t: semantic.quantize(v) for t, v in zip(batch, vectors)})
        rows = [{"doc_type": doc_type, "doc_id": doc_id, "model": semantic.model_name(), "digest": "title",
                 "language": semantic.language_of(title), "vector": by_title[title][0],
                 "scale": by_title[title][1], "updated_at": now} for doc_id, title in loaded.items()]
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(SearchVector), rows[start:start + 5000])
        written += len(rows)
        print(f"vectors: {len(titles)} distinct {doc_type} titles embedded for {len(rows)} documents", flush=True)
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
            vectors = db.session.scalar(sa.select(sa.func.count()).select_from(SearchVector)
                                        .where(SearchVector.digest == "title"))
            if not vectors:  # none yet, or the random vectors of an earlier version of this script
                vectors = fill_vectors()
        else:
            started = time.perf_counter()
            counts = search_bench.generate(args.posts, args.seed)
            posts = counts.get("questions", 0) + counts.get("answers", 0)
            print(f"generated {posts} posts in {time.perf_counter() - started:.0f} s", flush=True)
            started = time.perf_counter()
            documents = reindex()
            print(f"reindex: {documents} documents in {time.perf_counter() - started:.0f} s", flush=True)
            started = time.perf_counter()
            vectors = fill_vectors()
            print(f"vectors: {vectors} in {time.perf_counter() - started:.0f} s", flush=True)
        app.config["SEARCH_SEMANTIC"] = True
        queries = [q for q, _k, _r in QUERIES] + search_bench.sample_queries(max(0, args.queries - len(QUERIES)), args.seed)
        started = time.perf_counter()
        assert semantic.nearest("warm up") is not None
        print(f"model and in-memory index loaded in {time.perf_counter() - started:.1f} s", flush=True)
        for q in queries[:5]:
            search(None, q)
        results = {}
        for name, flag, page in (("keyword", False, 1), ("hybrid", None, 1), ("keyword p3", False, 3),
                                 ("hybrid p3", None, 3)):
            semantic._query_vector.cache_clear()  # every query embedded afresh (the warm-up cached five)
            times = search_bench.time_calls(lambda q, flag=flag, page=page: search(None, q, semantic=flag, page=page),
                                            queries)
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
                        ("keyword (page 3 of 20)", results["keyword p3"]), ("hybrid (page 3 of 20)", results["hybrid p3"]),
                        ("query embedding alone", embed), ("semantic retrieval alone (embedding + matrix)", nearest)):
        print(f"| {name} | {search_bench.percentile(times, 50):.1f} | {search_bench.percentile(times, 95):.1f} | "
              f"{max(times):.1f} |")


if __name__ == "__main__":
    main()
