"""`forum generate --questions/--answers/--comments`: Q&A rows whose derived columns match what the
actions keep: question ``answer_count``, ``score`` = the sum of the votes, ``accepted_answer_id``
pointing at an answer of that question, ``last_activity_at``, rendered ``body_html``, the askers'
and answerers' follows; the engagement events the actions would have logged are collected in
``run.content_events`` (written by forum/generate/events.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
import sqlalchemy as sa

from forum import db
from forum.demo.categories import CATEGORIES
from forum.generate.run import DAYS, Run, fix_sequences, insert_rows, next_id
from forum.generate.texts import body_text, chinese, question_title
from forum.generate.words import TAG_POOL
from forum.qa.models import Answer, Category, Comment, Follow, Question, Tag, Vote, question_tags


def generate_qa(run: Run) -> None:
    """Questions, answers, comments, votes, accepts and follows, with consistent derived columns."""
    plan, rng = run.plan, run.rng
    if not (plan.questions or plan.answers or plan.comments):
        return
    if not run.user_ids:
        raise click.ClickException("There are no members to post as: add --members.")

    # Categories (the demo's, when none exist) and tags.
    run.category_ids = list(db.session.scalars(
        sa.select(Category.id).where(Category.ambassadors_only.is_(False)).order_by(Category.id)))
    if not run.category_ids:
        first = next_id(Category.__table__)
        insert_rows(Category.__table__, [
            {"id": first + i, "slug": slug, "name": name, "description": desc, "ambassadors_only": restricted,
             "position": i, "created_at": run.now - dt.timedelta(days=DAYS + 10)}
            for i, (slug, name, desc, restricted) in enumerate(CATEGORIES)])
        fix_sequences([Category.__table__])
        run.category_ids = [first + i for i, c in enumerate(CATEGORIES) if not c[3]]
    existing_tags = {name: tag_id for name, tag_id in db.session.execute(sa.select(Tag.name, Tag.id))}
    missing = [name for name in TAG_POOL if name not in existing_tags]
    if missing:
        first = next_id(Tag.__table__)
        insert_rows(Tag.__table__, [{"id": first + i, "name": name, "created_at": run.now - dt.timedelta(days=DAYS + 10)}
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
        zh = chinese(rng)
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
        created = min(run.now, max(run.moment(q_created[qi], mean_hours=10), run.user_created[author]))
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
            created = min(run.now, max(run.moment(a_created[ai], mean_hours=6), run.user_created[author]))
            parent = {"question_id": None, "answer_id": a_first + ai}
        else:
            qi = rng.randrange(len(q_ids))
            created = min(run.now, max(run.moment(q_created[qi], mean_hours=6), run.user_created[author]))
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
        created = min(run.now, max(run.moment(after, mean_hours=24), run.user_created[voter]))
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
