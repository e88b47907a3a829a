"""The NPS rule table and arithmetic (docs/rules.md: NPS): groups, NPS, the 95 % margin of error,
and the follow-up transitions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum.nps import rules
from forum.nps.models import FollowupStatus
from forum.nps.rules import Group, Score

pytestmark = pytest.mark.usefixtures("ctx")


def test_worked_example_50_promoters_30_passives_20_detractors():
    score = Score(promoters=50, passives=30, detractors=20)
    assert score.responses == 100
    assert score.nps == pytest.approx(30.0)
    expected = 1.96 * math.sqrt((0.5 + 0.2 - (0.3) ** 2) / 100) * 100
    assert score.margin_of_error == pytest.approx(expected)
    assert score.margin_of_error == pytest.approx(15.308, abs=1e-3)
    assert score.as_dict() == {"nps": 30.0, "responses": 100, "promoters": 50, "passives": 30, "detractors": 20,
                               "margin_of_error": 15.3}


def test_no_answers_have_no_score_and_no_margin():
    score = Score()
    assert score.responses == 0 and score.nps is None and score.margin_of_error is None
    assert score.as_dict()["nps"] is None and score.as_dict()["margin_of_error"] is None


def test_unanimous_answers_have_no_margin():
    assert Score(promoters=7).nps == 100 and Score(promoters=7).margin_of_error == 0
    assert Score(detractors=3).nps == -100 and Score(detractors=3).margin_of_error == 0
    assert Score(passives=4).nps == 0 and Score(passives=4).margin_of_error == 0


@pytest.mark.parametrize("score, group", [
    (0, Group.detractor), (6, Group.detractor), (7, Group.passive), (8, Group.passive),
    (9, Group.promoter), (10, Group.promoter),
])
def test_group_boundaries(score, group):
    assert rules.group_of(score) == group
    assert rules.is_detractor(score) == (group == Group.detractor)


@pytest.mark.parametrize("bad", [-1, 11, 100])
def test_scores_outside_the_scale_have_no_group(bad):
    with pytest.raises(ValueError):
        rules.group_of(bad)
    assert not rules.valid_score(bad)


@pytest.mark.parametrize("bad", [True, False, 5.0, "5", None])
def test_only_whole_numbers_are_scores(bad):
    assert not rules.valid_score(bad)


def test_every_score_is_in_exactly_one_group():
    table = rules.groups()
    for score in range(0, 11):
        assert sum(score in scores for scores in table.values()) == 1


@pytest.mark.parametrize("app_config", [{"NPS_DETRACTOR_MAX": 5}])
def test_detractor_cut_off_comes_from_the_config(app_config):
    assert rules.group_of(5) == Group.detractor
    assert rules.group_of(6) == Group.passive


def test_score_of_a_list_counts_the_groups():
    score = rules.score_of([0, 6, 7, 8, 9, 10, 10])
    assert (score.detractors, score.passives, score.promoters) == (2, 2, 3)
    assert score.nps == pytest.approx((3 - 2) * 100 / 7)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300))
def test_nps_and_margin_invariants(scores):
    score = rules.score_of(scores)
    assert score.responses == len(scores)
    assert -100 <= score.nps <= 100
    assert 0 <= score.margin_of_error <= 196  # 1.96 × √1 × 100 bounds it
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    assert score.nps == pytest.approx((promoters - detractors) * 100 / len(scores))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_more_answers_of_the_same_mix_narrow_the_margin(p, s, d):
    if p + s + d == 0:
        return
    small, big = Score(p, s, d), Score(4 * p, 4 * s, 4 * d)
    assert big.nps == pytest.approx(small.nps)
    assert big.margin_of_error == pytest.approx(small.margin_of_error / 2)


def test_follow_up_transitions():
    assert rules.allowed_next(FollowupStatus.open) == (FollowupStatus.contacted, FollowupStatus.resolved)
    assert FollowupStatus.resolved in rules.allowed_next(FollowupStatus.contacted)
    assert FollowupStatus.open not in rules.allowed_next(FollowupStatus.contacted)
    assert rules.allowed_next(FollowupStatus.resolved) == ()
    assert set(rules.STATUS_ORDER) == set(FollowupStatus) == set(rules.TRANSITIONS)
