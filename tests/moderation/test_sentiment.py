"""The negativity judge (forum/moderation/sentiment.py; docs/rules.md, "The NPS gate").

The measurement: the labelled set of tests/moderation/sentiment_cases.py, per language, for the bare
libraries (vaderSentiment / snownlp on the text split by language, thresholds SENTIMENT_NEGATIVE)
and for the judge. The lexicon was tuned on the development half only; **the held-out half is the
measurement that counts** (the development half shows how much the tuning overfits). The test
prints accuracy, precision and recall for both halves (`pytest -s` shows them) and the time to judge
1,000 posts, and asserts that on the held-out half the judge is at least as good as the bare
libraries in each language and reaches a floor set from the measurement.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum.moderation import sentiment
from forum.moderation.sentiment import Thresholds, judge_text, plain_text, split_languages
from tests.moderation.sentiment_cases import CHINESE, ENGLISH, MIXED, SETS, Case, development, held_out

DEFAULT = Thresholds(en_compound_max=-0.05, zh_positive_prob_max=0.3)

# Floors for the judge on the held-out half, set a little under what was measured (accuracy
# en 0.79, zh 0.97 when the floors were set); the bare libraries measured en 0.64, zh 0.58 there.
HELD_OUT_FLOOR = {"en": 0.72, "zh": 0.85}


# --------------------------------------------------------------------------- measurement helpers


def bare_is_negative(text: str, thresholds: Thresholds = DEFAULT) -> bool:
    """The two libraries alone: text split by language, each segment scored by its library,
    segments combined by length like the judge (no lexicon, no courtesy, nothing set aside)."""
    total = weighted = 0.0
    for language, chunk in split_languages(plain_text(text)):
        score = sentiment.bare_english(chunk) if language == "en" else sentiment.bare_chinese(chunk)
        margin = sentiment.segment_margin(language, score, thresholds)
        units = sentiment.segment_weight(language, chunk)
        total += units
        weighted += margin * units
    return bool(total) and weighted / total <= 0.0


def judge_is_negative(text: str) -> bool:
    return judge_text(text, DEFAULT).negative


@dataclass(frozen=True)
class Scores:
    accuracy: float
    precision: float
    recall: float
    n: int

    def __str__(self) -> str:
        return f"acc {self.accuracy:.2f}  P {self.precision:.2f}  R {self.recall:.2f}  (n={self.n})"


def measure(cases: list[Case], predict: Any) -> Scores:
    said = [(case.negative, bool(predict(case.text))) for case in cases]
    tp = sum(1 for truth, guess in said if truth and guess)
    fp = sum(1 for truth, guess in said if not truth and guess)
    fn = sum(1 for truth, guess in said if truth and not guess)
    tn = len(said) - tp - fp - fn
    return Scores(
        accuracy=(tp + tn) / len(said),
        precision=tp / (tp + fp) if tp + fp else 0.0,
        recall=tp / (tp + fn) if tp + fn else 0.0,
        n=len(said),
    )


# --------------------------------------------------------------------------- the labelled set


def test_the_labelled_set_is_big_enough_and_balanced():
    assert len(ENGLISH) + len(CHINESE) >= 120
    assert abs(len(ENGLISH) - len(CHINESE)) <= 6
    for cases in (ENGLISH, CHINESE):
        kinds = {case.kind for case in cases}
        assert {"complaint", "polite complaint", "sarcasm", "negated positive", "negated negative",
                "praise", "how-to", "other subject"} <= kinds
        negatives = sum(case.negative for case in cases)
        assert 0.35 <= negatives / len(cases) <= 0.65
        texts = [case.text for case in cases]
        assert len(set(texts)) == len(texts)
        for half in (development(cases), held_out(cases)):  # every kind is in both halves
            assert {case.kind for case in half} >= kinds - {"mixed feelings"}


def test_the_judge_beats_the_bare_libraries_on_the_held_out_half(capsys):
    lines = ["", "negativity about the product (held-out half is the measurement; dev was tuned on)"]
    held: dict[str, tuple[Scores, Scores]] = {}
    for language, cases in SETS.items():
        for name, half in (("dev", development(cases)), ("held-out", held_out(cases))):
            bare, mine = measure(half, bare_is_negative), measure(half, judge_is_negative)
            lines.append(f"  {language:5} {name:8}  bare libraries: {bare}   judge: {mine}")
            if name == "held-out":
                held[language] = (bare, mine)
        lines.append(f"  {language:5} all       bare libraries: {measure(cases, bare_is_negative)}"
                     f"   judge: {measure(cases, judge_is_negative)}")
    misses: dict[str, int] = {}
    for case in held_out(ENGLISH) + held_out(CHINESE):
        if judge_is_negative(case.text) != case.negative:
            key = f"{'zh' if case in CHINESE else 'en'} {case.kind}"
            misses[key] = misses.get(key, 0) + 1
    lines.append("  held-out misses by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(misses.items())))
    with capsys.disabled():
        print("\n".join(lines))
    for language in ("en", "zh"):
        bare, mine = held[language]
        assert mine.accuracy >= bare.accuracy, language
        assert mine.accuracy >= HELD_OUT_FLOOR[language], (language, mine)
        assert mine.recall >= bare.recall, language


def test_judging_a_thousand_posts_is_timed(capsys):
    posts = [case.text for case in ENGLISH + CHINESE + MIXED]
    judge_text(posts[0] + posts[-1], DEFAULT)  # the libraries' models load once
    started = time.perf_counter()
    for i in range(1000):
        judge_text(posts[i % len(posts)], DEFAULT)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n  judged 1,000 posts in {elapsed:.2f} s ({elapsed:.2f} ms per post)")
    assert elapsed > 0


# --------------------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(
    "text, negative",
    [
        ("not bad at all", False),
        ("没有问题", False),
        ("一点也不慢", False),
        ("不太好用", True),
        ("Great, another update that logs me out", True),
        ("Thanks for nothing.", True),
        ("呵呵", True),
        ("我的 dashboard 又 crash 了", True),
    ],
)
def test_the_cues_the_rules_name(text, negative):
    assert judge_text(text, DEFAULT).negative is negative


def test_a_failure_after_a_negator_further_back_than_vader_looks_is_no_complaint():
    assert judge_text("We have not had a single crash this month.", DEFAULT).negative is False
    assert judge_text("We had a crash this morning.", DEFAULT).negative is True


def test_a_negation_inside_a_wish_is_no_negation():
    judged = judge_text("I'd appreciate it if the app didn't crash on startup.", DEFAULT)
    assert judged.negative and "crash" in judged.segments[0].terms
    assert judge_text("希望别再崩溃了。", DEFAULT).negative
    assert not judge_text("再也没有崩溃过。", DEFAULT).negative


def test_a_resolved_failure_is_no_complaint():
    assert not judge_text("客服帮我解决了问题。", DEFAULT).negative
    assert not judge_text("They fixed the crash within a day.", DEFAULT).negative


def test_a_complaint_about_something_else_is_set_aside():
    judged = judge_text("My boss is awful today, how do I export a chart?", DEFAULT)
    assert not judged.negative and judged.set_aside == ("My boss is awful today",)
    judged = judge_text("老板太烦了，我想导出报表。", DEFAULT)
    assert not judged.negative and judged.set_aside == ("老板太烦了",)
    # naming the product again ends the aside
    assert judge_text("My boss is angry because the export crashed again.", DEFAULT).negative
    assert judge_text("老板很生气，因为导出又崩溃了。", DEFAULT).negative


def test_praise_in_quotes_counts_against():
    quoted, plain = judge_text("这速度真是“快”啊。", DEFAULT), judge_text("这速度真是快啊。", DEFAULT)
    assert "“快”" in quoted.segments[0].terms and quoted.margin < plain.margin
    quoted, plain = judge_text('So "fast" today.', DEFAULT), judge_text("So fast today.", DEFAULT)
    assert quoted.negative and not plain.negative


def test_a_mixed_post_weighs_its_segments_by_length():
    judged = judge_text("导出又超时了，这个问题已经一个星期了。Anyway, thanks.", DEFAULT)
    assert judged.languages == ("zh", "en") and judged.negative
    weights = {s.language: s.weight for s in judged.segments}
    assert weights["zh"] > weights["en"]
    judged = judge_text("The new dashboard is really great and fast, we love it. 有点慢。", DEFAULT)
    assert judged.languages == ("en", "zh") and not judged.negative
    assert judged.margin == pytest.approx(
        sum(s.margin * s.weight for s in judged.segments) / sum(s.weight for s in judged.segments)
    )


def test_segments_carry_the_bare_library_score_and_the_adjusted_one():
    judged = judge_text("The export times out. 导出一直超时。", DEFAULT)
    en, zh = judged.segments
    assert en.language == "en" and en.library_score > DEFAULT.en_compound_max >= en.score
    assert zh.language == "zh" and 0 <= zh.score <= DEFAULT.zh_positive_prob_max < 1
    assert en.negative and zh.negative and judged.negative


# --------------------------------------------------------------------------- text and languages


def test_markdown_and_html_are_reduced_to_text_without_code():
    source = "The export **fails**:\n\n```\nFATAL error: crash, killed, terrible\n```\n\nUse `rm -rf` *carefully*."
    assert plain_text(source) == "The export fails:\nUse carefully."
    assert plain_text("<p>Hello <b>world</b></p><pre><code>crash()</code></pre><p>&amp; more</p>") == "Hello world\n& more"
    assert plain_text("<script>alert('awful')</script>fine") == "fine"
    assert not judge_text("```\nterrible awful crash error failure\n```", DEFAULT).negative
    assert judge_text("```\nok\n```\nThe app keeps crashing.", DEFAULT).negative


def test_text_is_split_into_runs_of_one_language():
    assert split_languages("The app is fine. 导出很慢。") == [("en", "The app is fine."), ("zh", "导出很慢。")]
    # short Latin words inside a Chinese sentence stay Chinese, and short Chinese inside English
    assert split_languages("导入 CSV 一直报错") == [("zh", "导入 CSV 一直报错")]
    assert split_languages("How do I 导出 a report to PDF?") == [("en", "How do I 导出 a report to PDF?")]
    assert [lang for lang, _ in split_languages("Sync is not working，数据一直不更新。")] == ["en", "zh"]
    assert split_languages("") == [] and split_languages("   \n ") == []


@pytest.mark.parametrize("text", ["", "   ", "```\ncode only\n```", "12345 !!!", "<p></p>"])
def test_nothing_to_judge_is_not_negative(text):
    judged = judge_text(text, DEFAULT)
    assert judged.negative is False and judged.segments == () and judged.margin == 0.0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("abc xyz,.!?'\"不没问题慢好用超时崩溃呵呵，。？“”`*#<>") + ["not ", "crash ", "great ", "bug ", "my boss ", "\n"]), max_size=40).map("".join))
def test_any_text_is_judged_on_one_scale(text):
    judged = judge_text(text, DEFAULT)
    assert -1.0 <= judged.margin <= 1.0
    assert judged.negative == (bool(judged.segments) and judged.margin <= 0.0)
    for segment in judged.segments:
        assert -1.0 <= segment.margin <= 1.0 and segment.weight > 0
        assert segment.negative == (segment.margin <= 0.0)


# --------------------------------------------------------------------------- thresholds


def test_the_thresholds_decide():
    text = "It is a bit slow sometimes."
    lenient = Thresholds(en_compound_max=-1.0, zh_positive_prob_max=0.0)
    strict = Thresholds(en_compound_max=1.0, zh_positive_prob_max=1.0)
    for sample in (text, "还行吧。", "The new dashboard is fantastic!", "非常好用！"):
        assert judge_text(sample, lenient).negative is False
        assert judge_text(sample, strict).negative is True


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"SENTIMENT_NEGATIVE": {"en_compound_max": 0.9, "zh_positive_prob_max": 0.99}}


def test_judge_reads_the_thresholds_from_the_config(app):
    with app.app_context():
        assert Thresholds.from_config() == Thresholds(0.9, 0.99)
        assert sentiment.is_negative("The new dashboard is nice.")
        assert sentiment.judge("新的仪表盘很好用。").negative
    assert not judge_text("The new dashboard is nice.", DEFAULT).negative


def test_the_default_thresholds_are_the_rule_key():
    from config import build_config

    assert Thresholds.from_config(build_config(environ={})) == DEFAULT
