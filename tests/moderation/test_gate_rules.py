"""The NPS gate's rule table (forum/moderation/rules.py; docs/rules.md, "The NPS gate"): the mode
table, the order of the modes, and next_mode's fallback and hysteresis at every boundary."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum.moderation import rules
from forum.moderation.rules import Mode, next_mode, table

GATES = {"open": 30.0, "strict": 0.0}
H = 5.0
MIN = 30
OPEN, GUARDED, STRICT = Mode.open, Mode.guarded, Mode.strict


def step(current, nps, responses=100, *, fallback=GUARDED, was_fallback=False):
    return next_mode(current, nps, responses, MIN, gates=GATES, hysteresis=H, fallback=fallback,
                     was_fallback=was_fallback)


def test_the_mode_order_is_by_strictness():
    assert rules.MODE_ORDER == (OPEN, GUARDED, STRICT)
    assert rules.is_stricter(STRICT, GUARDED) and rules.is_stricter(GUARDED, OPEN)
    assert not rules.is_stricter(OPEN, GUARDED) and not rules.is_stricter(GUARDED, GUARDED)
    assert [m.value for m in Mode] == ["open", "guarded", "strict"]


@pytest.mark.parametrize(("nps", "mode"), [
    (100, OPEN), (30, OPEN), (29.9, GUARDED), (12, GUARDED), (0, GUARDED), (-0.1, STRICT), (-100, STRICT)])
def test_the_plain_table(nps, mode):
    assert table(nps, GATES) == mode


def test_the_table_reads_its_gates():
    assert table(20, {"open": 20, "strict": -10}) == OPEN
    assert table(-5, {"open": 20, "strict": -10}) == GUARDED
    assert table(-11, {"open": 20, "strict": -10}) == STRICT


def test_every_mode_holds_what_the_table_says():
    assert rules.HOLDS == {OPEN: None, GUARDED: "guarded_newcomer", STRICT: "strict"}
    assert set(rules.MODE_LABELS) == set(rules.MODE_MEANINGS) == set(rules.MODE_WHEN) == set(Mode)


# --------------------------------------------------------------------------- hysteresis boundaries

@pytest.mark.parametrize(("current", "nps", "expected"), [
    # into open from 35
    (GUARDED, 34, GUARDED), (GUARDED, 35, OPEN), (GUARDED, 34.9, GUARDED),
    (STRICT, 35, OPEN), (STRICT, 34, GUARDED),
    (OPEN, 35, OPEN), (OPEN, 34, OPEN),
    # back to guarded below 25
    (OPEN, 25, OPEN), (OPEN, 24, GUARDED), (OPEN, 24.9, GUARDED),
    (GUARDED, 25, GUARDED), (GUARDED, 24, GUARDED), (STRICT, 24, GUARDED), (STRICT, 25, GUARDED),
    # strict below -5
    (GUARDED, -5, GUARDED), (GUARDED, -6, STRICT), (GUARDED, -5.1, STRICT),
    (OPEN, -5, GUARDED), (OPEN, -6, STRICT),
    (STRICT, -5, STRICT), (STRICT, -6, STRICT),
    # out of strict from 5
    (STRICT, 4, STRICT), (STRICT, 5, GUARDED), (STRICT, 4.9, STRICT),
    (GUARDED, 4, GUARDED), (GUARDED, 5, GUARDED), (OPEN, 4, GUARDED), (OPEN, 5, GUARDED),
])
def test_each_hysteresis_edge_from_each_mode(current, nps, expected):
    assert step(current, nps) == expected


def test_the_switch_points_are_the_gates_moved_by_the_hysteresis():
    assert rules.switch_point(GUARDED, OPEN, GATES, H) == 35
    assert rules.switch_point(STRICT, GUARDED, GATES, H) == 5
    assert rules.switch_point(OPEN, GUARDED, GATES, H) == 25
    assert rules.switch_point(GUARDED, STRICT, GATES, H) == -5


# --------------------------------------------------------------------------- fallback

@pytest.mark.parametrize("current", [None, OPEN, GUARDED, STRICT])
def test_with_too_few_answers_the_community_takes_the_fallback(current):
    assert step(current, 80, responses=MIN - 1) == GUARDED
    assert step(current, -80, responses=MIN - 1) == GUARDED
    assert step(current, None, responses=0) == GUARDED
    assert step(current, 80, responses=MIN - 1, fallback=STRICT) == STRICT


@pytest.mark.parametrize("community", [OPEN, GUARDED, STRICT])
def test_with_too_few_answers_a_category_takes_the_communitys_mode(community):
    assert step(OPEN, -80, responses=4, fallback=community) == community


def test_exactly_the_minimum_is_enough():
    assert step(None, 80, responses=MIN) == OPEN
    assert step(None, 80, responses=MIN - 1) == GUARDED


@pytest.mark.parametrize(("nps", "expected"), [(32, OPEN), (30, OPEN), (29, GUARDED), (2, GUARDED), (-1, STRICT),
                                               (-4, STRICT)])
def test_leaving_the_fallback_uses_the_plain_table(nps, expected):
    # Within the hysteresis band a step from the stored (fallback) mode would stay; leaving the
    # fallback ignores it.
    assert step(GUARDED, nps, was_fallback=True) == expected
    assert step(None, nps) == expected


def test_a_fallback_that_stays_a_fallback_is_the_fallback():
    assert step(OPEN, 80, responses=3, was_fallback=True) == GUARDED


# --------------------------------------------------------------------------- invariants

modes = st.sampled_from([None, OPEN, GUARDED, STRICT])
scores = st.floats(min_value=-100, max_value=100, allow_nan=False)
counts = st.integers(min_value=0, max_value=200)


@settings(max_examples=400)
@given(current=modes, nps=scores, responses=counts, fallback=st.sampled_from(list(Mode)), was=st.booleans())
def test_the_result_is_always_a_mode(current, nps, responses, fallback, was):
    assert step(current, nps, responses, fallback=fallback, was_fallback=was) in set(Mode)


@settings(max_examples=400)
@given(current=modes, nps=scores, responses=counts, was=st.booleans())
def test_it_never_flips_back_on_the_same_nps(current, nps, responses, was):
    once = step(current, nps, responses, was_fallback=was)
    again = step(once, nps, responses, was_fallback=responses < MIN)
    assert again == once
    assert step(again, nps, responses, was_fallback=responses < MIN) == once


@settings(max_examples=400)
@given(current=modes, nps=scores, was=st.booleans())
def test_far_from_every_gate_it_is_the_plain_table(current, nps, was):
    if all(abs(nps - gate) > H for gate in GATES.values()):
        assert step(current, nps, 100, was_fallback=was) == table(nps, GATES)


@settings(max_examples=300)
@given(current=st.sampled_from(list(Mode)), nps=scores)
def test_a_step_moves_at_most_toward_the_table(current, nps):
    """The new mode lies between the current mode and the table's (inclusive): hysteresis only delays."""
    new = step(current, nps)
    low, high = sorted((rules.strictness(current), rules.strictness(table(nps, GATES))))
    assert low <= rules.strictness(new) <= high
