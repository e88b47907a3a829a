"""Invariants of the idea board's tables (forum/ideas/rules.py)."""

from __future__ import annotations

from forum.ideas import rules
from forum.ideas.models import IdeaStatus as S


def test_decisions_follow_the_design():
    for status in (S.gathering, S.in_review, S.on_hold):
        assert set(rules.decisions_from(status)) == {S.approved, S.not_approved, S.on_hold}
    assert rules.decisions_from(S.approved) == [S.shipped]
    for status in (S.pending, S.rejected, S.not_approved, S.shipped, S.expired, S.merged):
        assert rules.decisions_from(status) == []


def test_terminal_and_unpublished_statuses():
    sources = {frm for frm, _ in rules.TRANSITIONS}
    for status in (S.shipped, S.not_approved, S.expired, S.merged):
        assert status not in sources
    # a rejected idea leaves its status only through moderation: an appeal upheld or refused
    assert {(to, cause) for (frm, to), cause in rules.TRANSITIONS.items() if frm == S.rejected} == {
        (S.gathering, "moderation"), (S.rejected, "moderation")}
    assert rules.merge_sources() == {S.gathering, S.in_review, S.on_hold}
    assert rules.MERGE_TARGETS <= rules.merge_sources()
    assert rules.UNPUBLISHED == {S.pending, S.rejected}
    assert rules.SUPPORTABLE == {S.gathering}
    assert not rules.COMMENTABLE & {S.expired, S.merged, S.pending, S.rejected}


def test_every_status_has_a_label():
    assert set(rules.STATUS_LABELS) == set(S)


def test_image_kinds_by_magic_bytes():
    assert rules.image_kind(b"\x89PNG\r\n\x1a\n....") == "png"
    assert rules.image_kind(b"\xff\xd8\xff\xe0") == "jpg"
    assert rules.image_kind(b"GIF89a") == "gif"
    assert rules.image_kind(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert rules.image_kind(b"<svg xmlns=") is None
    assert rules.image_kind(b"RIFF\x00\x00\x00\x00WAVE") is None


def test_stage_lookups(app):
    with app.app_context():
        assert rules.threshold_for(1) == 2 and rules.threshold_for(3) == 4 and rules.threshold_for(4) is None
        assert rules.days_for(1) == 10 and rules.days_for(2) == 20
        assert rules.last_stage() == 3


def test_system_history_notes_are_translated_and_decision_notes_kept(app):
    with app.test_request_context():
        assert rules.history_note("stage 2") == "Stage 2 reached"
        assert rules.history_note("merged #3 into #9") == "Idea #3 merged into #9"
        assert rules.history_note("published") == "Published after moderation"
        assert rules.history_note("Planned for Q3") == "Planned for Q3"
