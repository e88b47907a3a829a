"""The demo loader: one loop over ``STEPS`` that turns the records of forum/demo/ into a community.

Everything is made through the parts' actions, so events, points, notifications and counters are
what real use would have produced; each action runs with the clock pinned (``Demo.at``) to a
moment of the past ~6 months. The loader is not a part (forum.PARTS), so it calls every part's
actions, in the order a real community grows: people, ambassadors, categories, questions (with
the NPS survey's answers of the same days, so that the moderation mode at posting time is the one
the answers so far made), ideas, the rest of the survey and customer success's follow-ups, the
moderation queue of the last days (held, approved, released, rejected, appealed, flagged); last
the moderation mode is recomputed at the demo's "now" (as `forum tick` would). Posts the NPS gate
holds while the threads are written are approved by the moderator shortly after.
Idempotent: when the admin exists, nothing runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from forum import db
from forum.accounts import actions as accounts
from forum.accounts.models import User
from forum.demo.archive import EARLY_IDEAS, EARLY_THREADS, RECENT_THREADS
from forum.demo.categories import CATEGORIES
from forum.demo.history import HISTORY_DAYS, HISTORY_EVENTS, HISTORY_SEED, QUIET_ORGANIZATIONS
from forum.demo.ideas import IDEAS, IMPORTANCES, MODERATOR, PRODUCT
from forum.demo.people import (
    ADMIN_PASSWORD, ADMIN_USERNAME, AMBASSADORS, DEMO_PASSWORD, INDEPENDENT_DOMAIN, MEMBERS, ORGANIZATIONS, STAFF,
)
from forum.demo.queue import FLAGGED, HELD
from forum.demo.queue import MODERATOR as QUEUE_MODERATOR
from forum.demo.survey import CS_MEMBER, FOLLOWUPS, NPS_ANSWERS
from forum.demo.threads import OFFICIAL_MARKER, THREADS
from forum.errors import Forbidden
from forum.ideas import actions as ideas
from forum.ideas import rules as idea_rules
from forum.moderation.actions import appeal_rejection, decide_item, flag_content, recompute_modes, release_due
from forum.moderation.models import ItemStatus
from forum.moderation.queries import item_for
from forum.nps.actions import record_nps, update_followup
from forum.nps.models import Followup
from forum.qa import actions as qa
from forum.qa.models import Tag
from forum.rewards.actions import appoint_ambassador
from forum.rewards.queries import has_privilege
from forum.rewards.rules import Privilege

DEMO_DAYS = 90
SEED = 2026


@dataclass
class Demo:
    """What the steps share: the clock, the people and categories made so far, a seeded RNG."""

    now: dt.datetime
    rng: random.Random
    users: dict[str, Any] = field(default_factory=dict)
    organizations: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, Any] = field(default_factory=dict)
    questions: list[Any] = field(default_factory=list)
    survey: list[tuple[dt.datetime, tuple[Any, ...]]] = field(default_factory=list)  # answers still to give
    nps_responses: dict[tuple[str, float], Any] = field(default_factory=dict)  # (username, days ago) → answer
    counts: dict[str, int] = field(default_factory=dict)

    def ago(self, days: float, hours: float = 0) -> dt.datetime:
        return self.now - dt.timedelta(days=days, hours=hours)

    @contextlib.contextmanager
    def at(self, when: dt.datetime) -> Iterator[None]:
        """Run the actions inside as if it were `when` (events, ledger and rows take that time)."""
        config = current_app.config
        previous = config.get("FROZEN_NOW")
        config["FROZEN_NOW"] = min(when, self.now)
        try:
            yield
        finally:
            config["FROZEN_NOW"] = previous

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


Step = Callable[[Demo], None]


# ----------------------------------------------------------------------------- people

def load_people(demo: Demo) -> None:
    """Staff, the customer organizations of every tier, and members who joined over months."""
    admin = None
    for username, name, role, locale in STAFF:
        with demo.at(demo.ago(200)):
            password = ADMIN_PASSWORD if username == ADMIN_USERNAME else DEMO_PASSWORD
            user = accounts.register_user(username=username, email=f"{username}@acme.example.com",
                                          password=password, locale=locale)
            accounts.update_profile(user, display_name=name)
            accounts.set_roles(admin, user, [role])
        admin = admin or user
        demo.users[username] = user
        demo.count("staff")
    domains = {key: domain for key, _name, _tier, _arr, domain in ORGANIZATIONS}
    for username, name, locale, org_key, joined in MEMBERS:
        domain = domains[org_key] if org_key is not None else INDEPENDENT_DOMAIN
        with demo.at(demo.ago(joined, hours=demo.rng.uniform(0, 10))):
            user = accounts.register_user(username=username, email=f"{username.replace('_', '.')}@{domain}",
                                          password=DEMO_PASSWORD, locale=locale)
            accounts.update_profile(user, display_name=name)
        demo.users[username] = user
        demo.count("members")
    for key, name, tier, arr, _domain in ORGANIZATIONS:
        with demo.at(demo.ago(180)):
            org = accounts.create_organization(admin, name=name, tier=tier, arr=arr)
            accounts.set_organization_members(admin, org, [demo.users[m[0]].id for m in MEMBERS if m[3] == key])
        demo.organizations[name] = org
        demo.count("organizations")
    db.session.flush()


def load_ambassadors(demo: Demo) -> None:
    """The founding ambassadors, appointed by the admin before the demo's window, once their early
    record (`load_early_record`) meets the ambassador criteria."""
    for username, note in AMBASSADORS:
        with demo.at(demo.ago(DEMO_DAYS + 10)):
            appoint_ambassador(demo.users[ADMIN_USERNAME], demo.users[username], note)
        demo.count("ambassadors")


# ----------------------------------------------------------------------------- categories

def load_categories(demo: Demo) -> None:
    """Categories (made by the admin) and the starting tag set, which is community configuration
    (no member action makes it), so that asking below never needs the privilege of creating a tag."""
    admin = demo.users[ADMIN_USERNAME]
    for position, (slug, name, description, restricted) in enumerate(CATEGORIES):
        with demo.at(demo.ago(180)):
            demo.categories[slug] = qa.create_category(admin, name=name, slug=slug, description=description,
                                                       ambassadors_only=restricted, position=position)
        demo.count("categories")
    for name in sorted({tag for thread in (*THREADS, *EARLY_THREADS, *RECENT_THREADS) for tag in thread["tags"]}):
        db.session.add(Tag(name=name, created_at=demo.ago(180)))
        demo.count("tags")
    db.session.flush()


# ----------------------------------------------------------------------------- the NPS survey

def plan_survey(demo: Demo) -> None:
    """The moments of the survey's answers (forum/demo/survey.py), given in time order as the
    threads reach them (`answer_survey_until`) and at the end (`load_survey`)."""
    demo.survey = sorted(((demo.ago(row[1], hours=demo.rng.uniform(0, 8)), row) for row in NPS_ANSWERS),
                         key=lambda item: item[0])


def answer_survey_until(demo: Demo, until: dt.datetime) -> None:
    """Every planned answer up to `until`, through the survey's action (the gate recomputes on each)."""
    while demo.survey and demo.survey[0][0] <= until:
        when, (username, days, score, category, comment) = demo.survey.pop(0)
        with demo.at(when):
            response = record_nps(demo.users[username], score, comment=comment,
                                  category_id=demo.categories[category].id if category else None)
        demo.nps_responses[(username, days)] = response
        demo.count("NPS answers")


def load_survey(demo: Demo) -> None:
    """The rest of the survey's answers, then customer success's work on the detractors' follow-ups."""
    answer_survey_until(demo, demo.now)
    cs = demo.users[CS_MEMBER]
    for username, days, steps in FOLLOWUPS:
        response = demo.nps_responses[(username, days)]
        followup = db.session.scalar(sa.select(Followup).where(Followup.nps_response_id == response.id))
        for hours, status, note in steps:
            with demo.at(response.created_at + dt.timedelta(hours=hours)):
                update_followup(cs, followup, status, note)
            demo.count("follow-up notes")
    db.session.flush()


# ----------------------------------------------------------------------------- the moderation queue

def _held_post(demo: Demo, spec: dict[str, Any], questions: dict[str, Any], when: dt.datetime) -> tuple[str, Any]:
    author = demo.users[spec["author"]]
    with demo.at(when):
        if spec["kind"] == "question":
            post = qa.ask_question(author, title=spec["title"], body=spec["body"], tags=spec["tags"],
                                   category_id=demo.categories[spec["category"]].id)
        else:
            post = qa.post_answer(author, questions[spec["question"]], body=spec["body"])
    return spec["kind"], post


def load_queue(demo: Demo) -> None:
    """The last days of the queue (forum/demo/queue.py), under the mode the survey left: newcomers'
    posts held at posting time, then approved or rejected by the moderator, published by `forum
    tick` at their release time, appealed, or still waiting; and an answer hidden by flags."""
    questions = {q.title: q for q in demo.questions}
    moderator = demo.users[QUEUE_MODERATOR]
    for spec in HELD:
        posted = demo.ago(spec["days"])
        content_type, post = _held_post(demo, spec, questions, posted)
        item = item_for(content_type, post.id)
        demo.count("posts held by the gate")
        if item is None:  # the gate did not hold it (another mode by the configuration)
            continue
        if "decision" in spec:
            action, reason, note, hours = spec["decision"]
            decided = posted + dt.timedelta(hours=hours)
            with demo.at(decided):
                decide_item(moderator, item, action=action, reason=reason, note=note)
            if "appeal" in spec:
                after, text = spec["appeal"]
                with demo.at(decided + dt.timedelta(hours=after)):
                    appeal_rejection(demo.users[spec["author"]], content_type, post.id, text)
        elif spec.get("release") and item.release_at is not None:
            with demo.at(item.release_at):
                release_due(item.release_at)  # `forum tick` at the release time
    for spec in FLAGGED:
        posted = demo.ago(spec["days"])
        with demo.at(posted):
            answer = qa.post_answer(demo.users[spec["author"]], questions[spec["question"]], body=spec["body"])
        for flagger, hours, reason, note in spec["flags"]:
            with demo.at(posted + dt.timedelta(hours=hours)):
                flag_content(demo.users[flagger], "answer", answer.id, reason=reason, note=note)
            demo.count("flags")
    db.session.flush()


def settle_modes(demo: Demo) -> None:
    """The moderation mode recomputed at the demo's "now", as the periodic run would (answers age)."""
    with demo.at(demo.now):
        recompute_modes(demo.now)


# ----------------------------------------------------------------------------- questions

def _publish_held(demo: Demo, content_type: str, post: Any, when: dt.datetime) -> None:
    """A post the NPS gate held (guarded or strict mode) is approved by the moderator soon after."""
    item = item_for(content_type, post.id)
    if item is None or item.status != ItemStatus.open:
        return
    with demo.at(when + dt.timedelta(minutes=demo.rng.uniform(10, 90))):
        decide_item(demo.users[MODERATOR], item, action="approve")
    demo.count("held posts approved")


def _thread_time(demo: Demo, days: float, step: int) -> dt.datetime:
    """The moment of the `step`-th action of a thread that started `days` ago (hours apart)."""
    return demo.ago(days) + dt.timedelta(hours=step * demo.rng.uniform(0.5, 6))


def _comment(demo: Demo, author: Any, parent: Any, body: str, when: dt.datetime) -> None:
    """A comment; one that the privilege rules refuse (too few points) is counted, not made."""
    with demo.at(when):
        try:
            comment = qa.post_comment(author, parent, body=body)
            demo.count("comments")
        except Forbidden:
            demo.count("comments refused by privileges")
            return
    _publish_held(demo, "comment", comment, when)


def _cast_votes(demo: Demo, post: Any, when: dt.datetime, wanted: int) -> None:
    """Up-votes from members other than the author who hold the up-vote privilege at that moment."""
    with demo.at(when):
        voters = [u for u in demo.users.values() if u.id != post.author_id and u.username != ADMIN_USERNAME
                  and u.created_at <= when and has_privilege(u, Privilege.VOTE_UP)]
    for voter in demo.rng.sample(voters, min(wanted, len(voters))):
        with demo.at(when + dt.timedelta(minutes=demo.rng.randint(5, 600))):
            qa.cast_vote(voter, post, 1)
        demo.count("votes")


def load_question(demo: Demo, thread: dict[str, Any]) -> None:
    """One thread: the question, its comments, answers and their comments, votes, accept, official mark."""
    users = demo.users
    days = thread["days"] + demo.rng.uniform(0, 0.9)
    step = 0
    asked = _thread_time(demo, days, step)
    answer_survey_until(demo, asked)
    with demo.at(asked):
        question = qa.ask_question(users[thread["asker"]], title=thread["title"], body=thread["body"],
                                   tags=thread["tags"], category_id=demo.categories[thread["category"]].id)
    _publish_held(demo, "question", question, asked)
    demo.questions.append(question)
    demo.count("questions")
    for author, body in thread.get("comments", []):
        step += 1
        _comment(demo, users[author], question, body, _thread_time(demo, days, step))
    answers = []
    for entry in thread["answers"]:
        author, body = entry[0], entry[1]
        step += 1
        posted = _thread_time(demo, days, step)
        with demo.at(posted):
            answer = qa.post_answer(users[author], question, body=body)
        _publish_held(demo, "answer", answer, posted)
        answers.append(answer)
        demo.count("answers")
        for c_author, c_body in entry[2] if len(entry) > 2 else []:
            step += 1
            _comment(demo, users[c_author], answer, c_body, _thread_time(demo, days, step))
    when = _thread_time(demo, days, step + 1)
    _cast_votes(demo, question, when, demo.rng.randint(0, 4))
    for index, answer in enumerate(answers):
        bonus = 3 if index == thread.get("accept") else 0
        _cast_votes(demo, answer, when, demo.rng.randint(0, 3) + bonus)
    if "accept" in thread:
        with demo.at(when + dt.timedelta(hours=demo.rng.uniform(1, 30))):
            qa.accept_answer(users[thread["asker"]], answers[thread["accept"]])
        demo.count("accepted answers")
    if "official" in thread:
        with demo.at(when + dt.timedelta(hours=demo.rng.uniform(1, 30))):
            qa.mark_official(users[OFFICIAL_MARKER], answers[thread["official"]], True)
        demo.count("official answers")


def load_questions(demo: Demo) -> None:
    """Every thread of forum/demo/threads.py, in English and Chinese."""
    for thread in THREADS:
        load_question(demo, thread)


def load_early_record(demo: Demo) -> None:
    """What the founding ambassadors did before the demo's window (forum/demo/archive.py): solved
    questions and shipped ideas, so that at their appointment they meet the ambassador criteria
    (points, accepted answers, membership; docs/rules.md: Ambassador programme)."""
    for thread in EARLY_THREADS:
        load_question(demo, thread)
    made: dict[str, Any] = {}
    for spec in EARLY_IDEAS:
        load_idea(demo, spec, made)


def load_recent_threads(demo: Demo) -> None:
    """The ambassadors' answers of the last four weeks (forum/demo/archive.py): the active weeks
    that keep their status."""
    for thread in RECENT_THREADS:
        load_question(demo, thread)


# ----------------------------------------------------------------------------- ideas

def _supporters(demo: Demo, spec: dict[str, Any], start: dt.datetime,
                end: dt.datetime) -> list[tuple[dt.datetime, Any, Any, str]]:
    """(when, member, importance, comment) for the idea's supporters, in time order: those with a
    comment first, then other members (never the author or staff) who had joined by then."""
    chosen = [(demo.users[u], imp, text) for u, imp, text in spec.get("comments", [])]
    taken = {spec["author"]} | {u for u, _i, _t in spec.get("comments", [])}
    others = [u for name, u in demo.users.items()
              if name not in taken and not u.is_staff and u.created_at < end - dt.timedelta(hours=2)]
    demo.rng.shuffle(others)
    for user in others[: max(0, spec["supporters"] - len(chosen))]:
        chosen.append((user, demo.rng.choice(IMPORTANCES), ""))
    rows = []
    for user, importance, text in chosen:
        earliest = max(start, user.created_at) + dt.timedelta(hours=1)
        span = max((end - earliest).total_seconds(), 60.0)
        rows.append((earliest + dt.timedelta(seconds=demo.rng.uniform(0, span)), user, importance, text))
    return sorted(rows, key=lambda r: r[0])


def load_idea(demo: Demo, spec: dict[str, Any], made: dict[str, Any]) -> None:
    """One idea as real use makes it: submitted, approved from the moderation queue, supported,
    commented, decided by the product team, merged; `made` maps the keys of earlier ideas."""
    users = demo.users
    author = users[spec["author"]]
    submitted = demo.ago(spec["days"], hours=demo.rng.uniform(0, 8))
    with demo.at(submitted):
        idea = ideas.submit_idea(author, title=spec["title"], description=spec["description"],
                                 category_id=demo.categories[spec["category"]].id)
    made[spec["key"]] = idea
    demo.count("ideas")
    if spec.get("pending"):
        return
    published = submitted + dt.timedelta(hours=demo.rng.uniform(2, 20))
    with demo.at(published):
        item = item_for("idea", idea.id)
        if item is not None:  # held for pre-moderation (IDEA_PREMODERATION)
            decide_item(users[MODERATOR], item, action="approve")
    deadline = published + dt.timedelta(days=idea_rules.days_for(1))
    steps = [d[3] for d in spec.get("decisions", [])] + ([spec["merge_into"][1]] if "merge_into" in spec else [])
    if steps:
        end = published + dt.timedelta(days=min(steps))
    elif spec.get("expire"):
        end = deadline - dt.timedelta(days=3)
    else:
        end = demo.now
    for when, user, importance, text in _supporters(demo, spec, published, end):
        if idea.status not in idea_rules.SUPPORTABLE:  # small IDEA_STAGES: already in review
            break
        with demo.at(when):
            ideas.support_idea(user, idea, importance=importance, comment=text)
        demo.count("idea supports")
    for after_days, text in spec.get("updates", []):
        with demo.at(published + dt.timedelta(days=after_days)):
            ideas.post_idea_comment(author, idea, body=text)
    for after_days, username, text in spec.get("discussion", []):
        with demo.at(published + dt.timedelta(days=after_days, hours=demo.rng.uniform(0, 8))):
            ideas.post_idea_comment(users[username], idea, body=text)
        demo.count("idea comments")
    for status, note, url, after_days in spec.get("decisions", []):
        with demo.at(published + dt.timedelta(days=after_days, hours=demo.rng.uniform(1, 6))):
            ideas.decide_idea(users[PRODUCT], idea, decision=status, note=note, release_url=url)
        demo.count("idea decisions")
    if "merge_into" in spec:
        target_key, after_days = spec["merge_into"]
        with demo.at(published + dt.timedelta(days=after_days, hours=2)):
            ideas.merge_ideas(users[PRODUCT], idea, made[target_key])
        demo.count("merged ideas")


def load_ideas(demo: Demo) -> None:
    """Every idea of forum/demo/ideas.py; then the deadline job (`forum tick`) runs just after the
    deadline of those marked "expire"."""
    made: dict[str, Any] = {}
    for spec in IDEAS:
        load_idea(demo, spec, made)
    for spec in IDEAS:
        if spec.get("expire"):
            when = made[spec["key"]].deadline + dt.timedelta(minutes=1)
            with demo.at(when):
                ideas.expire_overdue_ideas(when)
            demo.count("expired ideas")
    db.session.flush()


# ----------------------------------------------------------------------------- activity history

def load_history(demo: Demo) -> None:
    """The members' visits, question views, searches and ask-flow steps of the last HISTORY_DAYS
    days (forum/demo/history.py), written by the generator's activity (forum/generate/events.py)
    in bulk: what page views would have logged, which no action makes; the quiet organizations'
    members fall silent from their day. Then the closed days are rolled up (as `forum tick` would)."""
    from forum.engagement.actions import roll_up_events
    from forum.generate import Plan, Run
    from forum.generate.events import history

    members = list(demo.users.values())  # staff visit and read too
    run = Run(plan=Plan(events=HISTORY_EVENTS, seed=HISTORY_SEED), now=demo.now, rng=random.Random(HISTORY_SEED),
              tick=lambda n: None)
    for user in sorted(members, key=lambda u: u.id):
        run.user_ids.append(user.id)
        run.user_org[user.id], run.user_created[user.id] = user.organization_id, user.created_at
    by_key = {key: demo.organizations[name] for key, name, *_ in ORGANIZATIONS}
    for key, days_ago in QUIET_ORGANIZATIONS:
        run.churned_orgs[by_key[key].id] = (demo.now - dt.timedelta(days=days_ago)).date()
    run.category_ids = sorted(c.id for c in demo.categories.values() if not c.ambassadors_only)
    demo.count("history events", history(run, HISTORY_DAYS))
    with demo.at(demo.now):
        roll_up_events(demo.now)


def load_view_counts(demo: Demo) -> None:
    """The questions' view counters from the history's `view_question` events (what `forum tick`
    would have added from the view buffer as those pages were read)."""
    from forum.engagement.models import Event

    counts = dict(db.session.execute(sa.select(Event.subject_id, sa.func.count()).where(
        Event.kind == "view_question", Event.subject_type == "question").group_by(Event.subject_id)).all())
    demo.count("question views", qa.add_view_counts(counts))


# ----------------------------------------------------------------------------- the loop

STEPS: tuple[Step, ...] = (load_people, load_categories, plan_survey, load_early_record, load_ambassadors,
                           load_questions, load_recent_threads, load_ideas, load_survey, load_queue, settle_modes,
                           load_history, load_view_counts)


def demo_loaded() -> bool:
    """The demo is there when its admin account is (the loader's idempotence rule)."""
    return db.session.scalar(sa.select(User.id).where(User.username == ADMIN_USERNAME)) is not None


def load_demo(seed: int = SEED) -> Demo | None:
    """Run every step in one transaction; None when the demo is already there. Commits."""
    if demo_loaded():
        return None
    now = current_app.config.get("FROZEN_NOW") or db.utcnow()
    demo = Demo(now=now, rng=random.Random(seed))
    try:
        for step in STEPS:
            step(demo)
        db.commit()
    except Exception:
        db.rollback()
        raise
    return demo
