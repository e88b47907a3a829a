"""`flask forum generate`: synthetic data at scale, for load tests and benchmarks (bench/).

Rows are bulk-inserted straight into the tables (batches of ``BATCH``), not made through the
actions, so 100,000 posts take a minute or two rather than hours. What the actions would keep
consistent is computed here instead: question ``answer_count``, ``score`` = the sum of the votes,
``accepted_answer_id`` pointing at an answer of that question, ``last_activity_at``, rendered
``body_html``, the askers' and answerers' follows, and the engagement events the actions would
have logged (signup, question, answer, comment, vote, accept). The run is deterministic for a
seed (same rows, same texts; times are relative to now).

The generator is a list of per-part functions (``GENERATORS``); a later part registers its own
with ``@generator("<option>")`` (e.g. the ideas part for ``--ideas``).
"""

from __future__ import annotations

import datetime as dt
import html
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import click
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from forum import db
from forum.cli import forum_cli

BATCH = 5000
DAYS = 90
GENERATED_PASSWORD = "generated-password"


@dataclass
class Plan:
    members: int = 0
    questions: int = 0
    answers: int = 0
    comments: int = 0
    ideas: int = 0
    events: int = 0
    seed: int = 1


@dataclass
class Run:
    """What generators share: the plan, the clock, the RNG, ids made so far, and counts."""

    plan: Plan
    now: dt.datetime
    rng: random.Random
    tick: Callable[[int], None]
    user_ids: list[int] = field(default_factory=list)
    new_user_ids: list[int] = field(default_factory=list)
    user_org: dict[int, int | None] = field(default_factory=dict)
    user_created: dict[int, dt.datetime] = field(default_factory=dict)
    category_ids: list[int] = field(default_factory=list)
    question_ids: list[int] = field(default_factory=list)
    question_category: dict[int, int | None] = field(default_factory=dict)
    content_events: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    handled: set[str] = field(default_factory=set)

    def moment(self, after: dt.datetime | None = None, mean_hours: float | None = None) -> dt.datetime:
        """A random past moment: in the last DAYS days, or some hours after `after` (never future)."""
        if after is None:
            when = self.now - dt.timedelta(seconds=self.rng.uniform(0, DAYS * 86400))
        else:
            when = after + dt.timedelta(hours=self.rng.expovariate(1 / (mean_hours or 12)))
        return min(when, self.now)

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


Generator = Callable[[Run], None]
GENERATORS: list[tuple[str, Generator]] = []


def generator(option: str) -> Callable[[Generator], Generator]:
    """Register a generator for a `forum generate` option; they run in registration order."""

    def register(fn: Generator) -> Generator:
        GENERATORS.append((option, fn))
        return fn

    return register


# ----------------------------------------------------------------------------- bulk insertion

def next_id(table: sa.Table) -> int:
    return (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def insert_rows(table: sa.Table, rows: Iterable[dict[str, Any]], run: Run | None = None) -> int:
    """Insert rows in batches of BATCH (executemany); advances the progress bar."""
    batch: list[dict[str, Any]] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            db.session.execute(sa.insert(table), batch)
            total += len(batch)
            if run is not None:
                run.tick(len(batch))
            batch = []
    if batch:
        db.session.execute(sa.insert(table), batch)
        total += len(batch)
        if run is not None:
            run.tick(len(batch))
    return total


def fix_sequences(tables: Iterable[sa.Table]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if db.dialect() != "postgresql":
        return
    for table in tables:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table.name}\"), false)"))


# ----------------------------------------------------------------------------- texts

EN_FEATURES = ["the SQL workspace", "dashboards", "the Python SDK", "the REST API", "the Kafka connector",
               "the MySQL connector", "scheduled pipelines", "the Acme CLI", "warehouses", "SSO",
               "row access policies", "time travel", "the dbt integration", "CSV export", "query history",
               "resource monitors", "materialized views", "the Salesforce connector", "webhooks", "billing"]
EN_ACTIONS = ["load Parquet files", "schedule a daily refresh", "share a dashboard", "rotate API keys",
              "limit credit usage", "join two large tables", "export 10M rows", "grant read-only access",
              "backfill a month of data", "deduplicate events", "set the default time zone",
              "stream results in batches", "clone a database for testing", "monitor connector lag",
              "parameterize a query", "audit who changed a table"]
EN_PROBLEMS = ["is slow after the upgrade", "returns a 429 error", "times out after 10 minutes",
               "shows the wrong totals", "misses deleted rows", "fails with SSL SYSCALL error",
               "uses more credits than expected", "drops the time zone", "loses Chinese characters"]
ZH_FEATURES = ["仪表盘", "SQL 工作台", "Python SDK", "REST API", "MySQL 连接器", "数据同步", "定时任务",
               "报表订阅", "行级权限", "物化视图", "CSV 导出", "查询历史", "计费", "单点登录"]
ZH_ACTIONS = ["按天汇总数据", "设置北京时间", "导出到 Excel", "同步 MySQL 的表", "控制查询成本",
              "给同事只读权限", "计算次日留存", "展开 JSON 数组", "计算同比和环比", "去除重复数据"]
ZH_PROBLEMS = ["加载很慢", "中文乱码", "报错超时", "结果不正确", "丢失了删除的数据", "费用突然变高"]

EN_SENTENCES = [
    "We moved from our on-premise database to Acme Cloud last quarter.",
    "The job runs every night at 02:00 UTC and usually finishes in ten minutes.",
    "Since last week it takes more than an hour and sometimes fails.",
    "I checked the query profile but nothing stands out.",
    "Our data volume roughly doubled in the last month.",
    "The warehouse is X-Small with auto-suspend at 60 seconds.",
    "Is this expected, or is there a setting I am missing?",
    "Any pointers to the relevant part of the docs would help.",
    "We tried increasing the warehouse size, which helped a little.",
    "The same query is fast when I run it in the SQL workspace.",
    "Our security team requires that credentials are never stored in scripts.",
    "This is the last blocker before we roll it out to the whole team.",
]
EN_ANSWERS = [
    "We had the same issue; the fix was to cluster the table on the date column.",
    "Check the query profile for spilling to disk: that usually means the warehouse is too small.",
    "Use the `fetch_batches()` method instead of loading everything into memory.",
    "Turn on result caching for the dashboard; repeated refreshes then cost nothing.",
    "The connector needs `binlog_format = ROW` on the MySQL side.",
    "Set a statement timeout on the warehouse so a runaway query stops by itself.",
    "Deduplicate the staging table with `row_number()` before the merge.",
    "You can grant on future tables so new tables are covered automatically.",
    "Respect the `Retry-After` header and back off exponentially.",
    "This is fixed in the latest release; upgrading solved it for us.",
]
ZH_SENTENCES = [
    "我们上个季度从自建数据库迁移到了 Acme Cloud。",
    "任务每天凌晨两点运行，平时十分钟就能完成。",
    "从上周开始要跑一个多小时，有时还会失败。",
    "我看了查询分析，没有发现明显的问题。",
    "最近一个月数据量大概翻了一倍。",
    "请问这是正常现象吗？还是有什么设置没有打开？",
    "有没有相关的文档可以参考？",
    "业务同事希望每天早上能看到最新的数据。",
]
ZH_ANSWERS = [
    "我们也遇到过，按日期字段做聚簇之后就好了。",
    "先看一下查询分析里有没有溢出到磁盘，有的话说明仓库规格太小。",
    "建议建一张按天汇总的物化视图，报表查汇总表。",
    "导出时勾选 UTF-8 with BOM，Excel 就能正确显示中文。",
    "可以在项目设置里把默认时区改成 Asia/Shanghai。",
    "升级到最新版本就解决了。",
]
CODE_SNIPPETS = [
    "```sql\nselect date_trunc('day', created_at) as day, count(*)\nfrom orders\ngroup by 1\norder by 1;\n```",
    "```python\nfrom acme import Client\n\nclient = Client.from_env()\nfor batch in client.query(sql).fetch_batches():\n"
    "    process(batch)\n```",
    "```\nError: SSL SYSCALL error: EOF detected\n```",
    "```yaml\ntasks.max: 12\nbuffer.flush.time: 10\n```",
]
TAG_POOL = ["sql", "performance", "python", "sdk", "api", "connectors", "kafka", "mysql", "dbt", "airflow",
            "billing", "credits", "sso", "security", "dashboards", "csv", "excel", "warehouses", "json",
            "time-zones", "webhooks", "terraform", "streaming", "governance", "报表", "仪表盘", "同步", "权限",
            "性能", "编码"]
FIRST_NAMES = ["alex", "sam", "maria", "jun", "li", "wei", "priya", "omar", "sofia", "lucas", "emma", "noah",
               "yuki", "chen", "fatima", "ivan", "nina", "raj", "zhang", "lena"]
LAST_NAMES = ["smith", "wang", "garcia", "kim", "patel", "muller", "rossi", "tanaka", "liu", "novak", "silva",
              "zhao", "haddad", "berg", "costa"]
ORG_WORDS = ["Northern", "Blue", "Golden", "Silver", "Bright", "Swift", "Pacific", "Harbor", "Summit", "Cedar",
             "云帆", "星河", "远航", "海川"]
ORG_KINDS = ["Logistics", "Analytics", "Retail", "Health", "Games", "Fintech", "Energy", "Media", "科技", "教育"]
TIERS = [("benchmark", 0.2, (300_000, 900_000)), ("value_added", 0.3, (100_000, 300_000)),
         ("standard", 0.5, (5_000, 60_000))]
ACTIVITY_KINDS = [("visit", 40), ("view_question", 35), ("search", 12), ("ask_started", 6),
                  ("ask_suggestion_clicked", 4), ("ask_abandoned_after_suggestion", 3)]


def _chinese(rng: random.Random) -> bool:
    return rng.random() < 0.3


def question_title(rng: random.Random, zh: bool) -> str:
    if zh:
        form = rng.randrange(3)
        feature, action, problem = rng.choice(ZH_FEATURES), rng.choice(ZH_ACTIONS), rng.choice(ZH_PROBLEMS)
        return [f"如何在{feature}中{action}？", f"{feature}{problem}，怎么办？", f"{action}的时候{feature}{problem}"][form]
    form = rng.randrange(3)
    feature, action, problem = rng.choice(EN_FEATURES), rng.choice(EN_ACTIONS), rng.choice(EN_PROBLEMS)
    return [f"How do I {action} with {feature}?", f"{feature[0].upper() + feature[1:]} {problem}",
            f"Best way to {action} when {feature} {problem}?"][form]


def body_blocks(rng: random.Random, zh: bool, answer: bool = False, code: float = 0.15) -> list[str]:
    """Markdown blocks: one or two plain paragraphs and now and then a fenced code block."""
    pool = (ZH_ANSWERS if answer else ZH_SENTENCES) if zh else (EN_ANSWERS if answer else EN_SENTENCES)
    joiner = "" if zh else " "
    blocks = [joiner.join(rng.sample(pool, rng.randint(1, 3))) for _ in range(rng.randint(1, 2))]
    if rng.random() < code:
        blocks.insert(1, rng.choice(CODE_SNIPPETS))
    return blocks


_rendered: dict[str, str] = {}


def render_blocks(blocks: list[str]) -> tuple[str, str]:
    """(body, body_html) where body_html equals render_markdown(body), computed cheaply.

    A paragraph of plain text is rendered by markdown-it as ``<p>escaped text</p>``; blocks with
    Markdown syntax (code, inline code) are rendered once by render_markdown and cached. The
    equality is checked by tests/cli/test_cli.py."""
    from forum.qa.rendering import render_markdown

    parts = []
    for block in blocks:
        if "`" in block or "*" in block or "_" in block or "<" in block or "[" in block:
            cached = _rendered.get(block)
            if cached is None:
                cached = _rendered[block] = render_markdown(block)
            parts.append(cached)
        else:
            parts.append(f"<p>{html.escape(block, quote=False)}</p>\n")
    return "\n\n".join(blocks), "".join(parts)


def body_text(rng: random.Random, zh: bool, answer: bool = False, code: float = 0.15) -> tuple[str, str]:
    return render_blocks(body_blocks(rng, zh, answer, code))


# ----------------------------------------------------------------------------- generators

@generator("members")
def generate_members(run: Run) -> None:
    """Organizations of every tier (about one per 12 members, ARR by tier) and members."""
    from forum.accounts.models import Organization, User

    plan, rng = run.plan, run.rng
    org_ids: list[int] = []
    if plan.members:
        org_table, first = Organization.__table__, next_id(Organization.__table__)
        orgs = []
        for i in range(max(1, plan.members // 12)):
            tier, _share, (low, high) = rng.choices(TIERS, weights=[t[1] for t in TIERS])[0]
            orgs.append({"id": first + i, "name": f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)} {first + i}",
                         "tier": tier, "arr": rng.randrange(low, high, 1000), "created_at": run.now - dt.timedelta(days=200)})
        insert_rows(org_table, orgs)
        org_ids = [o["id"] for o in orgs]
        run.count("organizations", len(orgs))
        fix_sequences([org_table])

    password_hash = generate_password_hash(GENERATED_PASSWORD)
    user_table, first = User.__table__, next_id(User.__table__)

    def rows() -> Iterable[dict[str, Any]]:
        for i in range(plan.members):
            uid = first + i
            username = f"{rng.choice(FIRST_NAMES)}_{rng.choice(LAST_NAMES)}{uid}"
            org = rng.choice(org_ids) if rng.random() < 0.8 else None
            created = run.now - dt.timedelta(seconds=rng.uniform(0, 2 * DAYS * 86400))
            run.user_ids.append(uid)
            run.new_user_ids.append(uid)
            run.user_org[uid], run.user_created[uid] = org, created
            yield {"id": uid, "username": username, "email": f"{username}@generated.example.com",
                   "password_hash": password_hash, "display_name": "", "bio": "",
                   "locale": "zh" if _chinese(rng) else "en", "points": 0, "is_ambassador": False,
                   "organization_id": org, "created_at": created}

    run.count("members", insert_rows(user_table, rows(), run))
    fix_sequences([user_table])
    if not run.user_ids:  # no new members: post as the existing ones
        for uid, org, created in db.session.execute(sa.select(User.id, User.organization_id, User.created_at)):
            run.user_ids.append(uid)
            run.user_org[uid], run.user_created[uid] = org, created
    run.handled.add("members")


@generator("questions")
def generate_qa(run: Run) -> None:
    """Questions, answers, comments, votes, accepts and follows, with consistent derived columns."""
    from forum.qa.models import Answer, Category, Comment, Follow, Question, Tag, Vote, question_tags

    plan, rng = run.plan, run.rng
    run.handled.update({"questions", "answers", "comments"})
    if not (plan.questions or plan.answers or plan.comments):
        return
    if not run.user_ids:
        raise click.ClickException("There are no members to post as: add --members.")

    # Categories (the demo's, when none exist) and tags.
    run.category_ids = list(db.session.scalars(
        sa.select(Category.id).where(Category.ambassadors_only.is_(False)).order_by(Category.id)))
    if not run.category_ids:
        from forum.demo import CATEGORIES

        first = next_id(Category.__table__)
        insert_rows(Category.__table__, [
            {"id": first + i, "slug": slug, "name": name, "description": desc, "ambassadors_only": restricted,
             "position": i, "created_at": run.now - dt.timedelta(days=200)}
            for i, (slug, name, desc, restricted) in enumerate(CATEGORIES)])
        fix_sequences([Category.__table__])
        run.category_ids = [first + i for i, c in enumerate(CATEGORIES) if not c[3]]
    existing_tags = {name: tag_id for name, tag_id in db.session.execute(sa.select(Tag.name, Tag.id))}
    missing = [name for name in TAG_POOL if name not in existing_tags]
    if missing:
        first = next_id(Tag.__table__)
        insert_rows(Tag.__table__, [{"id": first + i, "name": name, "created_at": run.now - dt.timedelta(days=200)}
                                    for i, name in enumerate(missing)])
        existing_tags.update({name: first + i for i, name in enumerate(missing)})
        fix_sequences([Tag.__table__])
    tag_ids = [existing_tags[name] for name in TAG_POOL]

    users = run.user_ids
    events = run.content_events

    def event(kind: str, user: int | None, when: dt.datetime, subject_type: str, subject_id: int,
              category: int | None, value: float | None = None) -> None:
        events.append({"occurred_at": when, "user_id": user, "organization_id": run.user_org.get(user) if user else None,
                       "category_id": category, "kind": kind, "subject_type": subject_type,
                       "subject_id": subject_id, "value": value})

    # Questions (kept in memory in compact form to wire answers, comments and votes to them).
    q_first = next_id(Question.__table__)
    q_author, q_created, q_category, q_zh = [], [], [], []
    q_rows = []
    for i in range(plan.questions):
        author = rng.choice(users)
        created = max(run.moment(), run.user_created[author])
        zh = _chinese(rng)
        category = rng.choice(run.category_ids)
        body, rendered = body_text(rng, zh)
        q_author.append(author), q_created.append(created), q_category.append(category), q_zh.append(zh)
        q_rows.append({"id": q_first + i, "title": question_title(rng, zh), "author_id": author,
                       "category_id": category, "score": 0, "view_count": rng.randint(0, 400), "answer_count": 0,
                       "accepted_answer_id": None, "updated_at": created, "last_activity_at": created,
                       "status": "published", "body": body, "body_html": rendered, "created_at": created,
                       "published_at": created})
        event("question", author, created, "question", q_first + i, category)
    n_questions = len(q_rows)
    if not n_questions:
        existing = db.session.execute(sa.select(Question.id, Question.author_id, Question.created_at,
                                                Question.category_id, Question.accepted_answer_id)
                                      .order_by(Question.id)).all()
        if not existing:
            raise click.ClickException("There are no questions to answer or comment on: add --questions.")
        q_ids = [row[0] for row in existing]
        q_author = [row[1] for row in existing]
        q_created = [row[2] for row in existing]
        q_category = [row[3] for row in existing]
        q_zh = [False] * len(existing)
        already_accepted = {i for i, row in enumerate(existing) if row[4] is not None}
    else:
        q_ids = [row["id"] for row in q_rows]
        already_accepted = set()

    # Answers: four in five questions get answers; the first answer usually within hours.
    a_first = next_id(Answer.__table__)
    answered = rng.sample(range(len(q_ids)), max(1, int(len(q_ids) * 0.8))) if plan.answers else []
    a_question, a_author, a_created, a_rows = [], [], [], []
    answer_count = [0] * len(q_ids)
    last_activity = list(q_created)
    for i in range(plan.answers):
        qi = rng.choice(answered)
        author = rng.choice(users)
        if author == q_author[qi] and len(users) > 1:
            author = users[(users.index(author) + 1) % len(users)]
        created = run.moment(q_created[qi], mean_hours=10)
        body, rendered = body_text(rng, q_zh[qi], answer=True)
        a_question.append(qi), a_author.append(author), a_created.append(created)
        answer_count[qi] += 1
        last_activity[qi] = max(last_activity[qi], created)
        a_rows.append({"id": a_first + i, "question_id": q_ids[qi], "author_id": author, "score": 0,
                       "official": False, "official_by_id": None, "updated_at": created, "status": "published",
                       "body": body, "body_html": rendered, "created_at": created, "published_at": created})
        event("answer", author, created, "answer", a_first + i, q_category[qi])

    # Comments on questions or answers.
    c_first = next_id(Comment.__table__)
    c_rows = []
    for i in range(plan.comments):
        on_answer = bool(a_rows) and rng.random() < 0.6
        author = rng.choice(users)
        if on_answer:
            ai = rng.randrange(len(a_rows))
            qi = a_question[ai]
            created = run.moment(a_created[ai], mean_hours=6)
            parent = {"question_id": None, "answer_id": a_first + ai}
        else:
            qi = rng.randrange(len(q_ids))
            created = run.moment(q_created[qi], mean_hours=6)
            parent = {"question_id": q_ids[qi], "answer_id": None}
        zh = q_zh[qi]
        body, rendered = body_text(rng, zh, answer=True, code=0)
        last_activity[qi] = max(last_activity[qi], created)
        c_rows.append({"id": c_first + i, "author_id": author, "status": "published", "body": body,
                       "body_html": rendered, "created_at": created, "published_at": created, **parent})
        event("comment", author, created, "comment", c_first + i, q_category[qi])

    # Votes on this run's questions and answers: about one per post, mostly up; never on one's
    # own post; one per member per post.
    scores_q = [0] * len(q_rows)
    scores_a = [0] * len(a_rows)
    v_rows = []
    seen: set[tuple[int, str, int]] = set()
    for _ in range(len(q_rows) + len(a_rows)):
        if a_rows and (not q_rows or rng.random() < 0.6):
            index, post_type = rng.randrange(len(a_rows)), "answer"
            post_id, author, after, qi = a_first + index, a_author[index], a_created[index], a_question[index]
        else:
            index, post_type = rng.randrange(len(q_rows)), "question"
            post_id, author, after, qi = q_ids[index], q_author[index], q_created[index], index
        voter = rng.choice(users)
        if voter == author or (voter, post_type, post_id) in seen:
            continue
        seen.add((voter, post_type, post_id))
        value = 1 if rng.random() < 0.88 else -1
        if post_type == "answer":
            scores_a[index] += value
        else:
            scores_q[index] += value
        created = run.moment(after, mean_hours=24)
        v_rows.append({"user_id": voter, "post_type": post_type, "post_id": post_id, "post_author_id": author,
                       "value": value, "created_at": created})
        event("vote", voter, created, post_type, post_id, q_category[qi], value)

    # Accepts: the asker accepts one answer on about half of the answered questions.
    accepted: dict[int, int] = {}
    by_question: dict[int, list[int]] = {}
    for ai, qi in enumerate(a_question):
        by_question.setdefault(qi, []).append(ai)
    for qi, answer_indexes in by_question.items():
        if qi in already_accepted:
            continue
        candidates = [ai for ai in answer_indexes if a_author[ai] != q_author[qi]]
        if candidates and rng.random() < 0.55:
            ai = rng.choice(candidates)
            accepted[qi] = a_first + ai
            when = run.moment(a_created[ai], mean_hours=20)
            last_activity[qi] = max(last_activity[qi], when)
            event("accept", q_author[qi], when, "answer", a_first + ai, q_category[qi])

    for qi, row in enumerate(q_rows):
        row.update(score=scores_q[qi], answer_count=answer_count[qi], last_activity_at=last_activity[qi])
    for ai, row in enumerate(a_rows):
        row["score"] = scores_a[ai]

    run.count("questions", insert_rows(Question.__table__, q_rows, run))
    q_tags = []
    for row in q_rows:
        for tag_id in rng.sample(tag_ids, rng.randint(0, 3)):
            q_tags.append({"question_id": row["id"], "tag_id": tag_id})
    insert_rows(question_tags, q_tags)
    run.count("answers", insert_rows(Answer.__table__, a_rows, run))
    run.count("comments", insert_rows(Comment.__table__, c_rows, run))
    run.count("votes", insert_rows(Vote.__table__, v_rows))
    if not q_rows:  # answers to existing questions: move their counters
        for qi in {qi for qi in a_question}:
            db.session.execute(sa.update(Question).where(Question.id == q_ids[qi]).values(
                answer_count=Question.answer_count + answer_count[qi],
                last_activity_at=sa.func.max(Question.last_activity_at, last_activity[qi])
                if db.dialect() == "sqlite" else sa.func.greatest(Question.last_activity_at, last_activity[qi])))
    if accepted:
        db.session.execute(
            sa.update(Question.__table__).where(Question.__table__.c.id == sa.bindparam("qid"))
            .values(accepted_answer_id=sa.bindparam("aid")),
            [{"qid": q_ids[qi], "aid": aid} for qi, aid in accepted.items()])
    run.count("accepted answers", len(accepted))

    follows = {(q_author[qi], q_ids[qi]) for qi in range(len(q_rows))}
    follows.update((a_author[ai], q_ids[a_question[ai]]) for ai in range(len(a_rows)))
    existing_follows: set[tuple[int, int]] = set()
    if not q_rows and follows:
        existing_follows = {(u, q) for u, q in db.session.execute(sa.select(Follow.user_id, Follow.question_id))}
    insert_rows(Follow.__table__, [{"user_id": u, "question_id": q, "created_at": run.now}
                                   for u, q in sorted(follows - existing_follows)])
    fix_sequences([Question.__table__, Answer.__table__, Comment.__table__, Vote.__table__, Follow.__table__])
    run.question_ids = q_ids
    run.question_category = dict(zip(q_ids, q_category))


@generator("events")
def generate_events(run: Run) -> None:
    """The events the actions would have logged, plus --events activity events (visits, views,
    searches, ask-page funnel) of the last DAYS days."""
    from forum.accounts.models import User
    from forum.engagement.models import Event

    rng = run.rng
    content = run.content_events + [
        {"occurred_at": run.user_created[uid], "user_id": uid, "organization_id": run.user_org[uid],
         "category_id": None, "kind": "signup", "subject_type": "user", "subject_id": uid, "value": None}
        for uid in run.new_user_ids]
    run.count("content events", insert_rows(Event.__table__, content))
    users = run.user_ids or list(db.session.scalars(sa.select(User.id)))
    questions = run.question_ids
    kinds, weights = zip(*ACTIVITY_KINDS)

    def rows() -> Iterable[dict[str, Any]]:
        for _ in range(run.plan.events):
            kind = rng.choices(kinds, weights=weights)[0]
            user = rng.choice(users) if users and rng.random() < 0.85 else None
            subject_type = subject_id = category = None
            if kind == "view_question" and questions:
                subject_id = rng.choice(questions)
                subject_type, category = "question", run.question_category.get(subject_id)
            yield {"occurred_at": run.moment(), "user_id": user, "organization_id": run.user_org.get(user),
                   "category_id": category, "kind": kind, "subject_type": subject_type, "subject_id": subject_id,
                   "value": None}

    run.count("activity events", insert_rows(Event.__table__, rows(), run))
    fix_sequences([Event.__table__])
    run.handled.add("events")


# ----------------------------------------------------------------------------- the command

def generate(plan: Plan, progress: Callable[[int], None] = lambda n: None) -> Run:
    """Run every generator in one transaction; commits at the end."""
    run = Run(plan=plan, now=db.utcnow(), rng=random.Random(plan.seed), tick=progress)
    try:
        for _option, fn in GENERATORS:
            fn(run)
        db.commit()
    except Exception:
        db.rollback()
        raise
    return run


@forum_cli.command("generate")
@click.option("--members", default=0, show_default=True, help="Members to create (and ~1 organization per 12).")
@click.option("--questions", default=0, show_default=True)
@click.option("--answers", default=0, show_default=True)
@click.option("--comments", default=0, show_default=True)
@click.option("--ideas", default=0, show_default=True)
@click.option("--events", default=0, show_default=True, help="Activity events (visits, views, searches…).")
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
def generate_command(members: int, questions: int, answers: int, comments: int, ideas: int, events: int,
                     seed: int) -> None:
    """Bulk-insert synthetic members and content (for load tests and benchmarks)."""
    plan = Plan(members=members, questions=questions, answers=answers, comments=comments, ideas=ideas,
                events=events, seed=seed)
    total = members + questions + answers + comments + ideas + events
    started = time.perf_counter()
    with click.progressbar(length=max(total, 1), label="Generating", file=sys.stderr) as bar:
        run = generate(plan, bar.update)
    seconds = time.perf_counter() - started
    posts = run.counts.get("questions", 0) + run.counts.get("answers", 0) + run.counts.get("comments", 0)
    click.echo(", ".join(f"{n} {what}" for what, n in run.counts.items()))
    for note in run.notes:
        click.echo(note)
    click.echo(f"{posts} posts in {seconds:.1f} s ({posts / seconds if seconds else 0:.0f} posts/s); "
               f"generated members sign in with the password {GENERATED_PASSWORD}.")
