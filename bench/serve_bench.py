"""Benchmark: pages served by gunicorn, measured from outside with wrk (bench/README.md, "Serving").

Three steps, each its own sub-command so the slow one (data) runs once:

    .venv/bin/python bench/serve_bench.py generate [--database-url URL]   # the issue's data size
    .venv/bin/python bench/serve_bench.py run [--database-url URL] [--workers 2] [--duration 10]
    .venv/bin/python bench/serve_bench.py load --database-url URL [--workers 4]   # concurrency check

``generate`` builds a fresh database (SQLite ``bench/out/serve_bench.db`` unless --database-url;
on PostgreSQL the ``public`` schema is dropped, so point it at a scratch database such as
``prod_bench``) with 5,000 members, 20,000 questions, 200,000 posts (20,000 questions, 120,000
answers, 60,000 comments), 2,000 ideas and 1,000,000 activity events, then gives one question
exactly 50 answers (the issue's question page), makes a bench member, builds the search index.

``run`` starts gunicorn (``--workers`` sync workers, 127.0.0.1, a port in 5100-5900) twice: once
on a Flask "hello world" (bench/hello_app.py) and once on the forum, then runs ``wrk -t2 -c16``
for ``--duration`` seconds per page and prints requests/s, p50 and p99 and the ratio to hello
world. Every request carries a browser's Accept, Accept-Encoding (gzip) and Accept-Language
headers; signed-in pages also send the bench member's session cookie (wrk's -H).

``load`` starts gunicorn on the forum with several workers and, from this second process, has
many members vote, accept, support ideas and answer the NPS survey at once over loopback, then
checks every total in the database against what was sent (nothing lost, nothing counted twice).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

SQLITE_FILE = OUT / "serve_bench.db"
BENCH_MEMBER = "bench_reader"
BIG_QUESTION_ANSWERS = 50


def sqlite_url() -> str:
    return f"sqlite:///{SQLITE_FILE}"


def app_config(database_url: str, **extra) -> dict:
    config = {"DATABASE_URL": database_url, "SEARCH_DIR": str(OUT / f"search-{_slug(database_url)}"),
              "RATELIMIT_ENABLED": False, "TICK_IN_BACKGROUND": False, "REDIS_URL": None}
    config.update(extra)
    return config


def _slug(database_url: str) -> str:
    """The search directory's suffix: one per database, so that two bench databases never share
    (or, on `generate`, delete) each other's index."""
    if database_url == sqlite_url():
        return "sqlite"
    if database_url.startswith("postgresql"):
        name = database_url.rsplit("/", 1)[-1].split("?", 1)[0]
        return "pg" if name == "prod_bench" else f"pg-{re.sub(r'[^A-Za-z0-9_]+', '_', name)}"
    return "sqlite-" + re.sub(r"[^A-Za-z0-9_]+", "_", Path(database_url.split("///", 1)[-1]).stem)


# ---------------------------------------------------------------------------------------------
# generate


def cmd_generate(args) -> None:
    import importlib

    import sqlalchemy as sa

    from forum import PARTS, create_app
    from forum.db import Base

    for part in PARTS:
        try:
            importlib.import_module(f"forum.{part}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"forum.{part}.models":
                raise
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or sqlite_url()
    if args.database_url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(OUT / f"search-{_slug(url)}", ignore_errors=True)
    app = create_app(app_config(url))
    with app.app_context():
        from forum import db
        from forum.generate import Plan, generate

        with db.engine().begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            else:
                Base.metadata.drop_all(conn)
            Base.metadata.create_all(conn)
        plan = Plan(members=args.members, questions=args.questions, answers=args.answers,
                    comments=args.comments, ideas=args.ideas, events=args.events, seed=args.seed)
        started = time.perf_counter()
        run = generate(plan)
        print(f"generated in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{n} {what}" for what, n in run.counts.items()), flush=True)
        qid = grow_big_question()
        print(f"question {qid} has {BIG_QUESTION_ANSWERS} answers", flush=True)
        make_member()
        db.session.execute(sa.text("ANALYZE"))
        db.commit()
    started = time.perf_counter()
    # no vectors: the served benchmark runs with the semantic retriever off (server_env), and embedding
    # 20,000 questions on a 2-CPU machine takes a quarter of an hour
    env = dict(os.environ, DATABASE_URL=url, FORUM_SEARCH_DIR=app.config["SEARCH_DIR"], FORUM_SEARCH_SEMANTIC="false")
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "forum", "reindex"],
                   cwd=ROOT, env=env, check=False)
    print(f"search index built in {time.perf_counter() - started:.1f} s", flush=True)


def grow_big_question() -> int:
    """Top the question with the most answers up to exactly BIG_QUESTION_ANSWERS published answers."""
    import sqlalchemy as sa

    from forum import db
    from forum.qa.models import Answer, Question

    qid, have = db.session.execute(
        sa.select(Answer.question_id, sa.func.count()).group_by(Answer.question_id)
        .order_by(sa.func.count().desc(), Answer.question_id).limit(1)).one()
    question = db.session.get(Question, qid)
    samples = list(db.session.scalars(sa.select(Answer).where(Answer.question_id != qid)
                                      .order_by(Answer.id).limit(BIG_QUESTION_ANSWERS)))
    authors = [a.author_id for a in samples if a.author_id != question.author_id]
    now = db.utcnow()
    for i in range(BIG_QUESTION_ANSWERS - have):
        s = samples[i]
        db.session.add(Answer(question_id=qid, author_id=authors[i % len(authors)], score=0, official=False,
                              status="published", body=s.body, body_html=s.body_html,
                              created_at=now, updated_at=now, published_at=now))
    db.session.flush()
    question.answer_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Answer).where(Answer.question_id == qid, Answer.status == "published"))
    db.commit()
    return qid


def make_member() -> None:
    import sqlalchemy as sa

    from forum import db
    from forum.accounts.models import User
    # The first generated member is the bench reader (generated members share GENERATED_PASSWORD).
    user = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
    user.username = BENCH_MEMBER
    db.commit()
    # The same page on every database: whether the generator gave the reader a recent survey answer
    # varies, and with none the survey prompt is on every page. The reader answers it now, as most
    # members stand most of the time (it is asked once per NPS_SURVEY_INTERVAL_DAYS); with the prompt due,
    # a page also renders its two forms and reads the categories (one statement more).
    from forum.nps.actions import record_nps
    from forum.nps.queries import prompt_due

    if prompt_due(user):
        record_nps(user, 9)
        db.commit()


# ---------------------------------------------------------------------------------------------
# the schema of a database made before a model change, brought up to the models


def ensure_schema(app) -> list[str]:
    """Add the columns and indexes the models have and the database lacks (a bench database made
    with create_all before a later model change); returns what was added."""
    import sqlalchemy as sa

    from forum import db
    from forum.db import Base

    added = []
    with app.app_context():
        engine = db.engine()
        inspector = sa.inspect(engine)
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if not inspector.has_table(table.name):
                    table.create(conn)
                    added.append(table.name)
                    continue
                have = {c["name"] for c in inspector.get_columns(table.name)}
                for column in table.columns:
                    if column.name in have:
                        continue
                    ddl = f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column.type.compile(engine.dialect)}'
                    default = column.server_default.arg if column.server_default is not None else None
                    if default is None and column.default is not None and column.default.is_scalar:
                        default = column.default.arg
                    if default is not None:
                        value = default.text if hasattr(default, "text") else repr(default) if isinstance(
                            default, str) else str(int(default) if isinstance(default, bool) else default)
                        if isinstance(default, str):
                            value = "'" + default.replace("'", "''") + "'"
                        ddl += f" DEFAULT {value}"
                    conn.execute(sa.text(ddl))
                    added.append(f"{table.name}.{column.name}")
                indexes = {i["name"] for i in inspector.get_indexes(table.name)}
                for index in table.indexes:
                    if index.name not in indexes:
                        index.create(conn)
                        added.append(index.name)
    return added


# ---------------------------------------------------------------------------------------------
# run: gunicorn + wrk


def free_port(start: int = 5610) -> int:
    import socket

    for port in range(start, 5900):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port in 5610-5900")


def server_env(url: str, redis_url: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="serve-bench-secret", FORUM_RATELIMIT_ENABLED="false",
               FORUM_TICK_IN_BACKGROUND="false", FORUM_SEARCH_DIR=str(OUT / f"search-{_slug(url)}"),
               FORUM_VIEW_BUFFER_DIR=str(OUT / f"views-{_slug(url)}"), FORUM_CACHE_DIR=str(OUT / f"cache-{_slug(url)}"),
               FORUM_SEARCH_SEMANTIC="false")
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


class Gunicorn:
    """gunicorn on 127.0.0.1 with sync workers, as `make serve` runs it."""

    def __init__(self, target: str, workers: int, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.target, self.workers, self.env = target, workers, env or dict(os.environ)

    def __enter__(self) -> "Gunicorn":
        cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(self.workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--chdir", str(ROOT), self.target]
        self.command = " ".join(cmd[1:])
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True)
        import urllib.request

        for _ in range(600):
            try:
                probe = f"http://127.0.0.1:{self.port}/healthz" if "wsgi" in self.target else f"http://127.0.0.1:{self.port}/"
                urllib.request.urlopen(probe, timeout=30)
                for _ in range(8 * self.workers):  # every worker up and past its first request
                    urllib.request.urlopen(probe, timeout=30)
                return self
            except Exception:  # noqa: BLE001 - not up yet
                if self.proc.poll() is not None:
                    raise SystemExit(f"gunicorn exited ({self.proc.returncode})")
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers_cpu(self) -> float:
        """CPU seconds (user + system, from /proc) the workers have used so far: the master's
        children. Read before and after a wrk run, it gives the workers' CPU per request."""
        tick, total = os.sysconf("SC_CLK_TCK"), 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:  # ppid
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def __exit__(self, *exc) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


# What a browser sends with every page request (the forum serves cached pages gzip-compressed to a
# client that accepts it, as every browser does); hello world gets the same headers. The signed-in
# cookie is made with the same User-Agent (session_cookie): Flask-Login's session protection ties the
# session to it, and a session made under another one is marked not fresh again at every request —
# a new session cookie signed for each response, which a browser (keeping the cookie it was sent
# once) never costs the server.
BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) forum-serve-bench"
BROWSER_HEADERS = ("Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                   "Accept-Encoding: gzip, deflate, br", "Accept-Language: en-US,en;q=0.9",
                   f"User-Agent: {BROWSER_USER_AGENT}")


def wrk(url: str, duration: int, threads: int, connections: int, cookie: str | None = None) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s"]
    for header in BROWSER_HEADERS:
        cmd += ["-H", header]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "non2xx": int(errors.group(1)) if errors else 0,
            "requests": int(re.search(r"(\d+) requests in", out).group(1))}


def measured(server: "Gunicorn", url: str, **wrk_args) -> dict:
    """``wrk`` on ``url`` with the workers' CPU per request beside it (``cpu_ms``)."""
    before = server.workers_cpu()
    found = wrk(url, **wrk_args)
    found["cpu_ms"] = round((server.workers_cpu() - before) * 1000 / max(found["requests"], 1), 2)
    return found


def session_cookie(url: str, username: str) -> str:
    """A signed-in session for the server (same SECRET_KEY): the login form through the test client."""
    from forum import create_app
    from forum.generate import GENERATED_PASSWORD

    app = create_app(app_config(url, SECRET_KEY="serve-bench-secret", WTF_CSRF_ENABLED=False, PAGE_CACHE=False))
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = BROWSER_USER_AGENT  # wrk's (BROWSER_HEADERS)
    resp = client.post("/login", data={"login": username, "password": GENERATED_PASSWORD})
    assert resp.status_code in (302, 303), f"login failed: {resp.status_code}"
    client.get("/")  # the day's visit is in the session now, as in a browser's cookie after its first page
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    app.extensions["forum.engine"].dispose()
    return f"{cookie.key}={cookie.value}"


def bench_targets(url: str) -> dict:
    import sqlalchemy as sa

    from forum import create_app

    app = create_app(app_config(url))
    with app.app_context():
        from forum import db
        from forum.accounts.models import Role, User, UserRole
        from forum.qa.models import Answer, Question

        qid = db.session.scalar(sa.select(Answer.question_id).group_by(Answer.question_id)
                                .having(sa.func.count() == BIG_QUESTION_ANSWERS).order_by(Answer.question_id).limit(1))
        admin = db.session.scalar(sa.select(User).where(User.username == "bench_admin"))
        if admin is None:
            admin = db.session.scalar(sa.select(User).order_by(User.id).offset(1).limit(1))
            admin.username = "bench_admin"
            db.session.add(UserRole(user_id=admin.id, role=Role.admin))
            db.commit()
        word = "export"
        title = db.session.scalar(sa.select(Question.title).where(Question.id == qid))
    app.extensions["forum.engine"].dispose()
    return {"question": qid, "title": title, "word": word}


def cmd_run(args) -> None:
    url = args.database_url or sqlite_url()
    from forum import create_app

    app = create_app(app_config(url))
    added = ensure_schema(app)
    app.extensions["forum.engine"].dispose()
    if added:
        print("schema brought up to the models: " + ", ".join(added), flush=True)
    targets = bench_targets(url)
    member = session_cookie(url, BENCH_MEMBER)
    admin = session_cookie(url, "bench_admin")
    pages = [
        ("question page, 50 answers, anonymous", f"/questions/{targets['question']}", None),
        ("question page, 50 answers, signed in", f"/questions/{targets['question']}", member),
        ("home, anonymous", "/", None),
        ("home, signed in", "/", member),
        ("idea board, anonymous", "/ideas", None),
        ("search page, one word, anonymous", f"/search?q={targets['word']}", None),
        ("health dashboard, admin", "/reports/health", admin),
    ]
    if args.only:
        pages = [p for p in pages if any(o in p[0] for o in args.only)]
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    wrk_args = dict(duration=args.duration, threads=args.threads, connections=args.connections)
    with Gunicorn("hello_app:app", args.workers, dict(os.environ, PYTHONPATH=str(ROOT / "bench"))) as hello:
        hello.env["PYTHONPATH"] = str(ROOT / "bench")
        subprocess.run(["wrk", "-t1", "-c4", "-d2s", hello.url("/")], capture_output=True)
        base = measured(hello, hello.url("/"), **wrk_args)
        print(f"gunicorn: {hello.command}", flush=True)
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency", flush=True)
    rows = [("hello world (Flask, same gunicorn settings)", base)]
    env = server_env(url, args.redis_url)
    with Gunicorn("wsgi:app", args.workers, env) as forum:
        for name, path, cookie in pages:
            subprocess.run(["wrk", "-t1", "-c2", "-d2s"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
                           + [forum.url(path)], capture_output=True)  # warm: the cache, the workers
            rows.append((f"{name} (`{path}`)", measured(forum, forum.url(path), cookie=cookie, **wrk_args)))
            print(f"  {name}: {rows[-1][1]}", flush=True)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    cache = "Redis" if args.redis_url else "file cache"
    print(f"\n{backend}, {cache}, {args.workers} sync workers\n")
    print("| page | req/s | p50 ms | p99 ms | ÷ hello | worker CPU ms/request |\n|---|---:|---:|---:|---:|---:|")
    for name, r in rows:
        ratio = base["rps"] / r["rps"] if r["rps"] else float("inf")
        bad = f" ({r['non2xx']} non-2xx)" if r["non2xx"] else ""
        print(f"| {name}{bad} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | 1/{ratio:.1f} | {r['cpu_ms']:.2f} |")


# ---------------------------------------------------------------------------------------------
# load: concurrent votes, accepts, supports and NPS answers through several workers


LOAD_ENV = {"FORUM_IDEA_PREMODERATION": "false", "FORUM_MODERATION_FALLBACK_MODE": "open",
            "FORUM_RATELIMIT_ENABLED": "false"}


def load_setup(url: str, members: int) -> dict:
    """A fresh schema with `members` voters (old enough for the survey, with the points to vote
    down), an asker, a question with three answers and a published idea; returns their ids."""
    import datetime as dt
    import importlib

    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from forum import PARTS, create_app
    from forum.db import Base

    for part in PARTS:
        try:
            importlib.import_module(f"forum.{part}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"forum.{part}.models":
                raise
    app = create_app(app_config(url, SECRET_KEY="serve-bench-secret", IDEA_PREMODERATION=False,
                                MODERATION_FALLBACK_MODE="open", CACHE_TYPE="SimpleCache"))
    with app.app_context():
        from forum import db
        from forum.accounts.models import User
        from forum.ideas.actions import submit_idea
        from forum.qa.actions import ask_question, post_answer

        with db.engine().begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
            Base.metadata.create_all(conn)
        password = generate_password_hash(LOAD_PASSWORD, method="pbkdf2:sha256:1000")
        joined = db.utcnow() - dt.timedelta(days=60)

        def member(name: str) -> User:
            user = User(username=name, email=f"{name}@example.com", password_hash=password, points=5000,
                        is_ambassador=False, created_at=joined)
            db.session.add(user)
            db.session.flush()
            return user

        voters = [member(f"load{i}") for i in range(members)]
        asker = member("load_asker")
        helpers = [member(f"load_helper{i}") for i in range(3)]
        question = ask_question(asker, title="Concurrent votes on one thread", body="Does anything get lost?")
        answers = [post_answer(h, question, body=f"Answer {i} to the concurrent thread.") for i, h in enumerate(helpers)]
        idea = submit_idea(asker, title="Concurrent support for one idea", description="Count every supporter once.")
        db.commit()
        ids = {"voters": [v.username for v in voters], "asker": asker.username, "question": question.id,
               "answers": [a.id for a in answers], "idea": idea.id, "helpers": [h.id for h in helpers],
               "asker_id": asker.id}
    app.extensions["forum.engine"].dispose()
    return ids


LOAD_PASSWORD = "load-password"


def load_sessions(url: str, usernames: list[str]) -> dict[str, tuple[str, str]]:
    """username → (session cookie, CSRF token), signed in through the login form."""
    from forum import create_app

    app = create_app(app_config(url, SECRET_KEY="serve-bench-secret", PAGE_CACHE=False, CACHE_TYPE="SimpleCache"))
    out = {}
    for name in usernames:
        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        resp = client.post("/login", data={"login": name, "password": LOAD_PASSWORD})
        app.config["WTF_CSRF_ENABLED"] = True
        assert resp.status_code in (302, 303), (name, resp.status_code)
        html = client.get("/").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
        out[name] = (f"{cookie.key}={cookie.value}", token)
    app.extensions["forum.engine"].dispose()
    return out


def load_check(url: str, ids: dict, members: int) -> list[str]:
    """Every total against what was sent; returns the problems found (none: nothing lost or doubled)."""
    import sqlalchemy as sa

    from forum import create_app

    app = create_app(app_config(url, SECRET_KEY="serve-bench-secret", CACHE_TYPE="SimpleCache"))
    problems = []
    with app.app_context():
        from forum import db
        from forum.accounts.models import User
        from forum.ideas.models import Idea, IdeaSupport
        from forum.nps.models import NpsResponse
        from forum.qa.models import Answer, Question, Vote
        from forum.rewards.models import PointEntry

        def expect(what: str, got, want) -> None:
            if got != want:
                problems.append(f"{what}: {got} (expected {want})")

        q = db.session.get(Question, ids["question"])
        a1, a2, a3 = (db.session.get(Answer, i) for i in ids["answers"])
        votes = lambda kind, pid: db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(  # noqa: E731
            Vote.post_type == kind, Vote.post_id == pid))
        expect("question votes", votes("question", q.id), members)
        expect("question score", q.score, members)
        expect("answer 1 votes", votes("answer", a1.id), members)
        expect("answer 1 score", a1.score, members)
        expect("answer 2 votes", votes("answer", a2.id), members)
        expect("answer 2 score", a2.score, -members)
        idea = db.session.get(Idea, ids["idea"])
        supports = db.session.scalar(sa.select(sa.func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea.id))
        expect("idea supports", supports, members)
        expect("idea supporters counter", idea.supporters, members)
        voter_ids = list(db.session.scalars(sa.select(User.id).where(User.username.in_(ids["voters"]))))
        responses = db.session.scalar(sa.select(sa.func.count()).select_from(NpsResponse).where(
            NpsResponse.user_id.in_(voter_ids)))
        expect("NPS answers", responses, members)
        expect("accepted answer is one of the three", q.accepted_answer_id in ids["answers"], True)
        # Points: every member's total is the sum of their ledger, and the accept points are held
        # once, by the accepted answer's author alone.
        for user in db.session.scalars(sa.select(User)):
            ledger = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0))
                                       .where(PointEntry.user_id == user.id))
            expect(f"points of {user.username} vs their ledger", user.points - 5000, int(ledger))
        accepted_author = db.session.get(Answer, q.accepted_answer_id).author_id if q.accepted_answer_id else None
        for helper in ids["helpers"]:
            net = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0)).where(
                PointEntry.user_id == helper, PointEntry.reason == "answer_accepted"))
            accept_points = int(app.config["POINTS"].get("answer_accepted", 0))
            expect(f"accept points of helper {helper}", int(net), accept_points if helper == accepted_author else 0)
    app.extensions["forum.engine"].dispose()
    return problems


def load_run(url: str, redis_url: str | None, workers: int, members: int, accepts: int) -> tuple[list[str], dict]:
    """Set up, serve with `workers` gunicorn workers, send everything at once from threads, check."""
    import http.client
    import threading
    from urllib.parse import urlencode

    started = time.perf_counter()
    ids = load_setup(url, members)
    sessions = load_sessions(url, ids["voters"] + [ids["asker"]])
    env = server_env(url, redis_url, LOAD_ENV)
    sent = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    with Gunicorn("wsgi:app", workers, env) as server:
        barrier = threading.Barrier(members + 1)

        def post(conn, cookie, token, path, fields) -> None:
            body = urlencode({"csrf_token": token, **fields})
            conn.request("POST", path, body=body, headers={"Cookie": cookie, "Content-Type":
                                                          "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            resp.read()
            with lock:
                sent["requests"] += 1
                sent["errors"] += resp.status >= 500

        def voter(name: str, i: int) -> None:
            cookie, token = sessions[name]
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            barrier.wait()
            a1, a2, _a3 = ids["answers"]
            for _ in range(2):  # every form twice, as a double click would
                post(conn, cookie, token, f"/questions/{ids['question']}/vote", {"value": "1"})
                post(conn, cookie, token, f"/answers/{a1}/vote", {"value": "1"})
                post(conn, cookie, token, f"/answers/{a2}/vote", {"value": "-1"})
                post(conn, cookie, token, f"/ideas/{ids['idea']}/support", {"importance": "", "comment": ""})
                post(conn, cookie, token, "/nps", {"score": str(i % 11), "comment": "", "next": "/"})

        def asker() -> None:
            cookie, token = sessions[ids["asker"]]
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            barrier.wait()
            for k in range(accepts):
                post(conn, cookie, token, f"/answers/{ids['answers'][k % 3]}/accept", {"on": "1"})

        threads = [threading.Thread(target=voter, args=(n, i)) for i, n in enumerate(ids["voters"])]
        threads.append(threading.Thread(target=asker))
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent["seconds"] = round(time.perf_counter() - t0, 1)
    problems = load_check(url, ids, members)
    if sent["errors"]:
        problems.append(f"{sent['errors']} responses were 5xx")
    sent["total_seconds"] = round(time.perf_counter() - started, 1)
    return problems, sent


def cmd_load(args) -> None:
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("load needs PostgreSQL (--database-url postgresql://…): SQLite serialises writers anyway")
    problems, sent = load_run(args.database_url, args.redis_url, args.workers, args.members, args.accepts)
    print(f"{sent['requests']} POSTs from {args.members + 1} clients through {args.workers} gunicorn workers in "
          f"{sent['seconds']} s ({sent['total_seconds']} s with set-up and checks)")
    print("nothing lost, nothing counted twice" if not problems else "PROBLEMS:\n  " + "\n  ".join(problems))
    if problems:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="build the benchmark database")
    g.add_argument("--database-url", default=None)
    g.add_argument("--members", type=int, default=5_000)
    g.add_argument("--questions", type=int, default=20_000)
    g.add_argument("--answers", type=int, default=120_000)
    g.add_argument("--comments", type=int, default=60_000)
    g.add_argument("--ideas", type=int, default=2_000)
    g.add_argument("--events", type=int, default=1_000_000)
    g.add_argument("--seed", type=int, default=1)
    g.set_defaults(fn=cmd_generate)
    r = sub.add_parser("run", help="gunicorn + wrk on every page and on hello world")
    r.add_argument("--database-url", default=None)
    r.add_argument("--redis-url", default=None)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--duration", type=int, default=10)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--connections", type=int, default=16)
    r.add_argument("--only", nargs="*", default=None, help="pages whose name contains one of these words")
    r.set_defaults(fn=cmd_run)
    ld = sub.add_parser("load", help="concurrent votes, accepts, supports and NPS answers; totals checked")
    ld.add_argument("--database-url", required=True)
    ld.add_argument("--redis-url", default=None)
    ld.add_argument("--workers", type=int, default=4)
    ld.add_argument("--members", type=int, default=24)
    ld.add_argument("--accepts", type=int, default=30)
    ld.set_defaults(fn=cmd_load)
    s = sub.add_parser("schema", help="bring a bench database's schema up to the models")
    s.add_argument("--database-url", default=None)
    s.set_defaults(fn=lambda a: print(ensure_schema(__import__("forum").create_app(app_config(a.database_url or sqlite_url())))))
    args = parser.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
