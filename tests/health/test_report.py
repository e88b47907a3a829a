"""The health report's metrics on small hand-made data whose right answers are worked out here
(docs/rules.md: Health reports): Q&A, activity, cohorts, ideas, NPS and launch readiness,
follow-ups, moderation and criticism, empty periods, a category, the previous period, the index."""

from __future__ import annotations

import datetime as dt

import pytest

from forum import db
from forum.engagement.actions import record_event
from forum.health import queries
from forum.health.rules import METRIC_KEYS
from forum.ideas.models import Idea, IdeaHistory, IdeaStatus
from forum.moderation.models import ItemStatus, ModerationItem
from forum.nps.models import Followup, FollowupNote, FollowupSource, FollowupStatus, NpsResponse
from forum.qa.actions import accept_answer
from forum.qa.models import ContentStatus
from tests.factories import answer, ask, make_category, make_user

D = dt.date
T = dt.datetime
H = dt.timedelta(hours=1)


def report(start: D, end: D, now: T, category_id: int | None = None) -> dict:
    return queries.health_report(start, end, category_id, now=now)


def _qa_week(freeze, category=None):
    """Two questions on 2 March 2030 10:00: q1 answered after 60 min by an ambassador and accepted, q2
    answered after 30 h by a cs member (a staff member)."""
    freeze(T(2030, 3, 2, 10))
    asker, amb, cs = make_user(), make_user(ambassador=True), make_user(roles=("cs",))
    kw = {"category_id": category.id} if category else {}
    q1 = ask(asker, "How do I rotate my API keys?", **kw)
    q2 = ask(asker, "Why is the export slow on Mondays?", **kw)
    freeze(T(2030, 3, 2, 11))
    a1 = answer(amb, q1)
    accept_answer(asker, a1)
    freeze(T(2030, 3, 3, 16))
    answer(cs, q2)
    freeze(None)
    db.session.commit()
    return q1, q2


def test_two_questions_one_answered_in_time_and_accepted(session, freeze):
    _qa_week(freeze)
    m = report(D(2030, 3, 1), D(2030, 3, 10), T(2030, 3, 10, 12))["metrics"]
    assert (m["questions"], m["answers"]) == (2, 2)
    assert m["response_rate_24h"] == 0.5          # q1 within 24 h, q2 after 30 h
    assert m["solved_rate"] == 0.5                # q1 accepted
    assert m["median_first_answer_minutes"] == 930.0   # (60 + 1800) / 2
    assert m["p90_first_answer_minutes"] == 1626.0     # 60 + 0.9 × (1800 − 60)
    assert m["superuser_share"] == 0.5            # top 10 % of 2 answerers = 1 member, 1 of 2 answers
    assert m["peer_answer_share"] == 0.5          # the cs member is staff
    assert m["ambassadors"] == 1 and m["ambassador_answer_share"] == 0.5
    assert m["contributors"] == 3                 # the asker and both answerers


def test_ambassadors_of_a_past_period_come_from_their_terms(session, freeze):
    _qa_week(freeze)
    m = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 10, 12))["metrics"]
    assert m["ambassadors"] == 0 and m["ambassador_answer_share"] == 0.0


def test_a_category_filters_questions_and_answers(session, freeze):
    apps = make_category("Apps")
    _qa_week(freeze, category=apps)
    freeze(T(2030, 3, 4, 9))
    ask(make_user(), "How do I change the invoice address?")
    freeze(None)
    db.session.commit()
    whole = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 10))
    only = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 10), apps.id)
    assert whole["metrics"]["questions"] == 3 and whole["metrics"]["response_rate_24h"] == round(1 / 3, 4)
    assert only["metrics"]["questions"] == 2 and only["metrics"]["response_rate_24h"] == 0.5
    assert only["category"] == {"id": apps.id, "name": "Apps", "slug": "apps"}
    assert only["series"]["questions"][1] == 2 and sum(whole["series"]["questions"]) == 3


def test_the_previous_period_has_the_same_length(session, freeze):
    _qa_week(freeze)
    r = report(D(2030, 3, 8), D(2030, 3, 14), T(2030, 3, 20))
    assert r["metrics"]["questions"] == 0 and r["metrics"]["response_rate_24h"] is None
    assert r["previous"]["questions"] == 2 and r["previous"]["response_rate_24h"] == 0.5
    assert r["previous"]["solved_rate"] == 0.5


def test_the_previous_index_is_the_previous_periods_own_index(session, freeze):
    _qa_week(freeze)
    freeze(T(2030, 3, 9, 9))
    ask(make_user(), "Can I export the audit log as CSV?")
    freeze(None)
    db.session.commit()
    now = T(2030, 3, 20)
    this_week = report(D(2030, 3, 8), D(2030, 3, 14), now)
    last_week = report(D(2030, 3, 1), D(2030, 3, 7), now)
    assert last_week["health_index"] is not None
    assert this_week["previous_health_index"] == last_week["health_index"]
    assert this_week["previous_sub_scores"] == last_week["sub_scores"]
    assert this_week["health_index"] != last_week["health_index"]


def test_an_empty_period_has_no_previous_index(session):
    r = report(D(2031, 1, 1), D(2031, 1, 31), T(2031, 2, 2))
    assert r["previous_health_index"] is None and set(r["previous_sub_scores"].values()) == {None}


def test_an_empty_period_is_null_not_a_crash(session):
    r = report(D(2031, 1, 1), D(2031, 1, 31), T(2031, 2, 2))
    m = r["metrics"]
    assert list(m) == list(METRIC_KEYS) and list(r["previous"]) == list(METRIC_KEYS)
    for key in ("stickiness", "contributor_ratio", "activation_rate", "response_rate_24h",
                "median_first_answer_minutes", "solved_rate", "deflection_rate", "superuser_share",
                "ambassador_answer_share", "nps", "nps_margin_of_error", "median_hold_minutes",
                "p90_first_answer_minutes", "peer_answer_share", "negative_answered_rate",
                "negative_rejection_rate", "other_rejection_rate", "followups_contacted_48h_rate"):
        assert m[key] is None, key
    assert (m["dau"], m["wau"], m["mau"], m["questions"], m["members_total"]) == (0, 0, 0, 0, 0)
    assert m["retention_cohorts"] == []
    assert r["health_index"] is None and set(r["sub_scores"].values()) == {None}
    assert r["launch"]["ready"] is False and r["launch"]["reason"]
    assert len(r["series"]["days"]) == 31 and r["series"]["active_members"] == [0] * 31
    assert set(r["definitions"]) == set(METRIC_KEYS)


def test_a_period_in_the_future_has_no_days(session):
    r = report(D(2031, 1, 1), D(2031, 1, 31), T(2030, 12, 1))
    assert r["metrics"]["dau"] is None and r["series"]["days"] == []


# ----------------------------------------------------------------------------- activity and roll-ups

def _activity():
    """u1 active on 1, 2 and 3 March; u2 asks on 3 March; roles changed for u3 on 2 March (logged
    about u3, not by u3); an anonymous visit. u1 and u2 signed up on 1 March, u3 in February."""
    u1 = make_user(created_at=T(2030, 3, 1, 8))
    u2 = make_user(created_at=T(2030, 3, 1, 9))
    u3 = make_user(created_at=T(2030, 2, 1))
    for day in (1, 2, 3):
        record_event("visit", u1, occurred_at=T(2030, 3, day, 10))
    record_event("view_question", u1, occurred_at=T(2030, 3, 3, 11), category_id=7)
    record_event("question", u2, occurred_at=T(2030, 3, 3, 12), subject_type="question", subject_id=1, category_id=7)
    record_event("roles_changed", u3, occurred_at=T(2030, 3, 2, 9))
    record_event("visit", None, occurred_at=T(2030, 3, 2, 9))
    db.session.commit()
    return u1, u2, u3


def test_active_members_contributors_and_activation(session):
    _activity()
    r = report(D(2030, 3, 1), D(2030, 3, 3), T(2030, 3, 10))
    m = r["metrics"]
    assert r["series"]["active_members"] == [1, 1, 2]
    assert m["dau"] == 1.33                     # (1 + 1 + 2) / 3
    assert (m["wau"], m["mau"]) == (2, 2)
    assert m["stickiness"] == round((4 / 3) / 2, 4)
    assert m["contributors"] == 1 and m["contributor_ratio"] == 0.5
    assert (m["members_total"], m["members_new"]) == (3, 2)
    assert m["activation_rate"] == 0.5          # u2 contributed within 7 days, u1 did not
    assert m["retention_cohorts"] == [{"cohort": "2030-02-25", "size": 2, "retained": [1.0]}]
    only = report(D(2030, 3, 1), D(2030, 3, 3), T(2030, 3, 10), 7)["metrics"]
    assert (only["dau"], only["mau"], only["contributors"]) == (0.67, 2, 1)


def test_weekly_cohorts_follow_the_weeks_after_sign_up(session):
    u1, u2 = make_user(created_at=T(2030, 3, 4, 8)), make_user(created_at=T(2030, 3, 5, 8))
    u3 = make_user(created_at=T(2030, 3, 12, 8))
    record_event("visit", u1, occurred_at=T(2030, 3, 4, 9))
    record_event("visit", u2, occurred_at=T(2030, 3, 5, 9))
    record_event("visit", u1, occurred_at=T(2030, 3, 13, 9))
    record_event("visit", u3, occurred_at=T(2030, 3, 12, 9))
    db.session.commit()
    cohorts = report(D(2030, 3, 4), D(2030, 3, 17), T(2030, 3, 30))["metrics"]["retention_cohorts"]
    assert cohorts == [{"cohort": "2030-03-04", "size": 2, "retained": [1.0, 0.5]},
                       {"cohort": "2030-03-11", "size": 1, "retained": [1.0]}]


def _numbers(r: dict) -> dict:
    return {"metrics": r["metrics"], "previous": r["previous"], "series": r["series"]}


def test_the_roll_up_path_and_the_raw_path_agree(session, freeze):
    from forum.engagement.actions import days_to_roll_up, roll_up_day, roll_up_events
    from forum.engagement.models import DailyRollup, MemberDay

    _activity()
    _qa_week(freeze)
    now = T(2030, 3, 10, 12)
    raw = report(D(2030, 3, 1), D(2030, 3, 10), now)   # nothing rolled up: every day read raw
    assert db.session.query(DailyRollup).count() == 0
    roll_up_events(now)
    db.session.commit()
    assert db.session.query(MemberDay).count() > 0 and days_to_roll_up(now.date()) == []
    rolled = report(D(2030, 3, 1), D(2030, 3, 10), now)
    assert _numbers(rolled) == _numbers(raw)
    roll_up_day(D(2030, 3, 2))                           # re-running a day changes nothing
    db.session.commit()
    assert _numbers(report(D(2030, 3, 1), D(2030, 3, 10), now)) == _numbers(raw)


def test_a_late_event_rolls_its_day_up_again(session):
    from forum.engagement.actions import days_to_roll_up, roll_up_events

    _u1, _u2, u3 = _activity()
    now = T(2030, 3, 10)
    roll_up_events(now)
    record_event("visit", u3, occurred_at=T(2030, 3, 2, 15))   # written late for a closed day
    db.session.commit()
    assert days_to_roll_up(now.date()) == [D(2030, 3, 2)]
    roll_up_events(now)
    db.session.commit()
    assert report(D(2030, 3, 1), D(2030, 3, 3), now)["series"]["active_members"] == [1, 2, 2]


def test_today_is_read_from_the_raw_events(session):
    from forum.engagement.actions import roll_up_events

    u1, _u2, _u3 = _activity()
    roll_up_events(T(2030, 3, 3, 23))     # rolls 1 and 2 March
    record_event("visit", u1, occurred_at=T(2030, 3, 3, 23, 30))
    db.session.commit()
    r = report(D(2030, 3, 1), D(2030, 3, 3), T(2030, 3, 3, 23, 45))
    assert r["series"]["active_members"] == [1, 1, 2] and r["metrics"]["contributors"] == 1


def test_deflection_is_abandoned_asks_over_asks_started(session):
    user = make_user()
    for hour in (9, 10, 11, 12):
        record_event("ask_started", user, occurred_at=T(2030, 3, 2, hour))
    record_event("ask_abandoned_after_suggestion", user, occurred_at=T(2030, 3, 2, 13))
    db.session.commit()
    assert report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 9))["metrics"]["deflection_rate"] == 0.25


# ----------------------------------------------------------------------------- ideas, NPS, follow-ups

def _idea(author, created: T, status: str, stage: int = 0, moves: tuple = ()) -> Idea:
    idea = Idea(title="Dark mode", description="Please", description_html="<p>Please</p>", author_id=author.id,
                status=IdeaStatus(status), stage=stage, created_at=created)
    db.session.add(idea)
    db.session.flush()
    for status_name, at in moves:
        db.session.add(IdeaHistory(idea_id=idea.id, status=IdeaStatus(status_name), at=at))
    return idea


def test_the_idea_funnel(session):
    author = make_user()
    _idea(author, T(2030, 3, 2), "gathering")
    _idea(author, T(2030, 3, 3), "gathering", stage=1, moves=(("gathering", T(2030, 3, 3)),))
    _idea(author, T(2030, 3, 4), "in_review", stage=4, moves=(("in_review", T(2030, 3, 6)),))
    _idea(author, T(2030, 1, 4), "approved", stage=4, moves=(("in_review", T(2030, 2, 1)), ("approved", T(2030, 3, 5))))
    _idea(author, T(2030, 1, 5), "expired", moves=(("expired", T(2030, 3, 6)),))
    db.session.commit()
    r = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 9))
    m = r["metrics"]
    assert m["ideas_submitted"] == 3
    assert m["ideas_by_stage"]["gathering"] == 2 and m["ideas_by_stage"]["in_review"] == 1
    assert (m["ideas_in_review"], m["ideas_approved"], m["ideas_shipped"], m["ideas_expired"]) == (1, 1, 0, 1)
    funnel = {row["stage"]: row["count"] for row in r["series"]["idea_funnel"]}
    assert (funnel["submitted"], funnel["stage_1"], funnel["stage_4"], funnel["in_review"]) == (3, 2, 1, 1)
    assert r["sub_scores"]["ideas"] == 100.0    # 2 of 3 reached the first threshold: 66.7 % ≥ the 30 % target


def _answers(scores: list[int], at: T) -> None:
    for score in scores:
        db.session.add(NpsResponse(user_id=make_user().id, score=score, created_at=at))
    db.session.commit()


def test_nps_and_launch_readiness(session):
    _answers([10] * 20 + [8] * 5 + [3] * 5, T(2030, 3, 2))
    r = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 9))
    m = r["metrics"]
    assert (m["nps"], m["nps_responses"]) == (50.0, 30)
    assert m["nps_margin_of_error"] == 27.3   # 1.96 × √((2/3 + 1/6 − 1/4) / 30) × 100
    assert r["launch"]["ready"] is True and r["launch"]["needed"] == 10
    assert "22.7" in r["launch"]["reason"]
    assert r["sub_scores"]["sentiment"] == 75.0
    assert r["series"]["nps_trend"] == [{"month": "2030-03", "nps": 50.0, "margin": 27.3, "responses": 30}]


def test_launch_waits_for_enough_answers_and_for_the_margin(session):
    _answers([10, 10, 10], T(2030, 3, 2))
    assert report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 9))["launch"]["ready"] is False
    _answers([10] * 14 + [0] * 13, T(2030, 3, 3))   # 17 promoters, 13 detractors of 30: NPS 13.3 − margin < 10
    launch = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 9))["launch"]
    assert launch["ready"] is False and launch["nps"] == 13.3 and "Not ready" in launch["reason"]


def _followup(user, created: T, due: T, notes: tuple = ()) -> None:
    f = Followup(source=FollowupSource.nps, user_id=user.id, created_at=created, due_at=due,
                 status=FollowupStatus.open)
    db.session.add(f)
    db.session.flush()
    for status, at in notes:
        db.session.add(FollowupNote(followup_id=f.id, status=FollowupStatus(status), note="Called", at=at))
        f.status = FollowupStatus(status)


def test_followups_open_overdue_and_contacted_in_48_hours(session):
    user = make_user()
    _followup(user, T(2030, 3, 2), T(2030, 3, 4), (("contacted", T(2030, 3, 2, 10)), ("resolved", T(2030, 3, 5))))
    _followup(user, T(2030, 3, 3), T(2030, 3, 5))
    _followup(user, T(2030, 3, 6), T(2030, 3, 8), (("contacted", T(2030, 3, 8, 2)),))
    _followup(user, T(2030, 2, 1), T(2030, 2, 3), (("resolved", T(2030, 2, 2)),))   # closed before
    db.session.commit()
    m = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 20))["metrics"]
    assert (m["followups_open"], m["followups_overdue"]) == (2, 1)
    assert m["followups_contacted_48h_rate"] == round(1 / 3, 4)   # the third was contacted after 50 h


# ----------------------------------------------------------------------------- moderation and criticism

def _item(content_type: str, content_id: int, held: T, status: str, minutes: int | None, negative: bool = False):
    db.session.add(ModerationItem(content_type=content_type, content_id=content_id, reason="strict", excerpt="x",
                                  held_at=held, status=ItemStatus(status), negative=negative,
                                  decided_at=held + dt.timedelta(minutes=minutes) if minutes else None))


def test_moderation_summary_and_criticism_answered(session, freeze):
    freeze(T(2030, 3, 2, 9))
    author, cs, peer = make_user(), make_user(roles=("cs",)), make_user()
    angry = ask(author, "Your sync is broken again and nobody cares")
    freeze(T(2030, 3, 2, 11))
    answer(cs, angry, "Sorry — we found the cause, a fix ships today.")   # staff within 48 h
    other = ask(author, "Exports keep failing and support is useless")
    freeze(T(2030, 3, 2, 12))
    answer(peer, other, "Same here.")                                      # a peer, not staff
    rejected = answer(author, angry, "This product is a joke")
    rejected.status, rejected.published_at = ContentStatus.rejected, None
    freeze(None)
    _item("question", angry.id, T(2030, 3, 2, 8), "approved", 30, negative=True)
    _item("question", other.id, T(2030, 3, 2, 10), "approved", 60, negative=True)
    _item("answer", rejected.id, T(2030, 3, 2, 12), "rejected", 90, negative=True)
    _item("answer", 999, T(2030, 3, 3), "approved", 10)
    _item("answer", 998, T(2030, 3, 3), "rejected", 20)
    _item("comment", 997, T(2030, 3, 3), "rejected", 40)
    _item("comment", 996, T(2030, 3, 4), "open", None)
    db.session.commit()
    m = report(D(2030, 3, 1), D(2030, 3, 7), T(2030, 3, 9))["metrics"]
    assert (m["moderation_held"], m["moderation_released"], m["moderation_rejected"]) == (7, 3, 3)
    assert m["median_hold_minutes"] == 35.0    # of 30, 60, 90, 10, 20, 40
    assert m["negative_posts"] == 3
    assert m["negative_answered_rate"] == round(1 / 3, 4)   # only the first got a staff reply in time
    assert m["negative_rejection_rate"] == round(1 / 3, 4)
    assert m["other_rejection_rate"] == round(2 / 3, 4)


# ----------------------------------------------------------------------------- the index

def test_the_index_is_the_weighted_mean_of_the_sub_scores_with_data(ctx):
    index, subs = queries.health_index({
        "mau_change": 0.05, "stickiness": 0.1, "contributor_ratio": 0.3, "response_rate_24h": 0.4,
        "solved_rate": 0.6, "deflection_rate": None, "nps": 20.0, "idea_progress_rate": None})
    assert subs == {"growth": 75.0, "engagement": 75.0, "responsiveness": 50.0, "solutions": 100.0,
                    "sentiment": 60.0, "ideas": None}
    assert index == 72.5   # (15×75 + 20×75 + 20×50 + 20×100 + 15×60) ÷ 90


def test_sub_scores_are_held_between_0_and_100(ctx):
    _index, subs = queries.health_index({"mau_change": -0.5, "stickiness": 0.9, "contributor_ratio": None,
                                          "response_rate_24h": 1.0, "solved_rate": None, "deflection_rate": None,
                                          "nps": -100.0, "idea_progress_rate": 0.0})
    assert subs["growth"] == 0.0 and subs["engagement"] == 100.0 and subs["sentiment"] == 0.0
    assert subs["solutions"] is None and subs["ideas"] == 0.0
    assert "weighted mean" in queries.health_formula() and "15" in queries.health_formula()


@pytest.mark.parametrize("text, field", [("2030-02-30", "from"), ("03/01/2030", "from"), ("x", "from")])
def test_bad_days_name_their_parameter(ctx, text, field):
    with pytest.raises(queries.PeriodError) as caught:
        queries.parse_period(text, "2030-03-31")
    assert caught.value.field == field


def test_the_default_period_is_the_last_30_days(ctx):
    assert queries.parse_period(None, None, today=D(2030, 3, 31)) == (D(2030, 3, 2), D(2030, 3, 31))
    assert queries.parse_period("2030-03-05", "2030-03-05") == (D(2030, 3, 5), D(2030, 3, 5))
