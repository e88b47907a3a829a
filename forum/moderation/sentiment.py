"""Is a post negative about the product? Judged offline, in English and Chinese (docs/rules.md,
"The NPS gate": in strict mode a held post that is negative about the product is also routed to
customer success, so that it is answered when it is published — never to bury it).

How a post is judged:

1. **Text.** Markdown or HTML is reduced to its visible text; code (fenced, indented, inline,
   ``<pre>``/``<code>``) is dropped — a stack trace is not a feeling.
2. **Segments.** The text is cut into sentences and each sentence into runs of CJK characters and
   runs of Latin text; a short run of the other script (fewer than ``min_en_words`` English words
   in a Chinese sentence — "导入 CSV 报错" — or fewer than ``min_zh_chars`` CJK characters in an
   English one) belongs to the sentence's language. Neighbouring runs of one language, across
   sentences, form one segment.
3. **Set aside.** A clause about something other than the product (``SENTIMENT_OFF_PRODUCT``: a
   laptop, the boss, the weather…) is set aside, with the clauses after it, until the product
   (``SENTIMENT_PRODUCT``) or a failure of it is named again. Courtesy framing a request
   ("I'd appreciate it if", "please", "麻烦", "不好意思") is removed.
4. **English** (vaderSentiment). vader's lexicon is extended with ``SENTIMENT_EN_WORDS`` (vader
   negates and boosts those itself); ``SENTIMENT_EN_PHRASES`` and ``SENTIMENT_EN_SARCASM`` add their
   valence to vader's sum, turned round when a negator stands in the ``negation_window_en`` words
   before them. The score is vader's compound of that sum; negative when ≤ ``en_compound_max``.
5. **Chinese** (snownlp). snownlp's probability of positive becomes log-odds, of which
   ``zh_library_weight`` is kept; ``SENTIMENT_ZH_TERMS`` add theirs, each turned round when one of
   ``SENTIMENT_ZH_NEGATORS`` stands at most ``zh_negation_gap`` characters before it ("没有问题",
   "一点也不慢", "不太好用"). The score is the probability again; negative when
   ≤ ``zh_positive_prob_max``.
6. **Failures outweigh praise.** When a product failure is left standing in a segment (a negative
   term of the tables, not negated) after its last contrast word, the segment's positive evidence
   is dropped: it is sarcasm ("Great, another update that logs me out", "真棒，导出又崩溃了") or
   praise wrapped around a complaint, and either way a complaint to answer. Terms before a contrast
   word ("but", "不过") weigh ``contrast_before``, after it ``contrast_after``.
7. **The post.** Each segment's score is placed on one scale, its *margin*: 0 at its language's
   threshold, −1 at the most negative score and +1 at the most positive. The post's margin is the
   mean of its segments' margins weighted by length (English words; Chinese characters times
   ``zh_units_per_char``); the post is negative when that margin is ≤ 0, i.e. when the negative
   part of a mixed post is at least as long and as clearly negative as the rest. A post with
   nothing left to judge (empty, only code, only another subject) is not negative.

The thresholds are the rule key ``SENTIMENT_NEGATIVE`` (config.py); the tables are in
forum/moderation/rules.py. ``judge``/``is_negative`` read the thresholds from the app's config;
``judge_text`` takes them as arguments. Measured on the labelled set in
tests/moderation/sentiment_cases.py (tests/moderation/test_sentiment.py prints the numbers; the
held-out half is the measurement).
"""

from __future__ import annotations

import html
import math
import re
import string
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import nh3
from flask import current_app
from markdown_it import MarkdownIt

from forum.moderation import rules

EN, ZH = "en", "zh"

_md = MarkdownIt("commonmark", {"html": True})
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|tr|div|td|th)\s*>|<br\s*/?>", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;…])\s*|\n+")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f0-9']+")
_EN_CLAUSE = re.compile(r"[,;:()\"“”]|\s[-–—]\s")
_ZH_CLAUSE = re.compile(r"[，,；;：:、（）()\"“”]")


# ------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Segment:
    """One language's part of a post and what the judge made of it."""

    language: str
    text: str  # the segment's text as judged (courtesy and other subjects removed)
    library_score: float  # vader's compound (en) or snownlp's probability of positive (zh), bare
    score: float  # the same measure after the lexicon
    margin: float  # score on the common scale: ≤ 0 is negative, -1 … +1
    weight: float  # length: English words, Chinese characters × zh_units_per_char
    negative: bool
    terms: tuple[str, ...] = ()  # lexicon entries that matched (after negation)


@dataclass(frozen=True)
class Judgement:
    negative: bool
    margin: float  # the length-weighted mean of the segments' margins (0.0 when nothing was judged)
    languages: tuple[str, ...]
    segments: tuple[Segment, ...]
    set_aside: tuple[str, ...] = field(default=())  # clauses about something other than the product


@dataclass(frozen=True)
class Thresholds:
    en_compound_max: float
    zh_positive_prob_max: float

    @classmethod
    def from_config(cls, config: dict[str, Any] | None = None) -> Thresholds:
        """config SENTIMENT_NEGATIVE: {"en_compound_max", "zh_positive_prob_max"}."""
        values = (config if config is not None else current_app.config)["SENTIMENT_NEGATIVE"]
        return cls(float(values["en_compound_max"]), float(values["zh_positive_prob_max"]))


# ------------------------------------------------------------------------------------ entrances


def is_negative(text: str) -> bool:
    """Whether the text is negative about the product, with the app's thresholds."""
    return judge(text).negative


def judge(text: str) -> Judgement:
    """The judgement of one post, with the app's thresholds (config SENTIMENT_NEGATIVE)."""
    return judge_text(text, Thresholds.from_config())


def judge_text(text: str, thresholds: Thresholds) -> Judgement:
    """The judgement of one post (Markdown, HTML or plain text) with the given thresholds."""
    shape = rules.SENTIMENT_SHAPE
    segments: list[Segment] = []
    set_aside: list[str] = []
    for language, raw in split_languages(plain_text(text)):
        kept, dropped = _about_the_product(language, raw)
        set_aside.extend(dropped)
        kept = _strip_courtesy(language, kept)
        if not _has_words(language, kept):
            continue
        if language == EN:
            segments.append(_judge_english(kept, thresholds.en_compound_max))
        else:
            segments.append(_judge_chinese(kept, thresholds.zh_positive_prob_max, shape))
    total = sum(s.weight for s in segments)
    margin = sum(s.margin * s.weight for s in segments) / total if total else 0.0
    return Judgement(
        negative=bool(segments) and margin <= 0.0,
        margin=margin,
        languages=tuple(dict.fromkeys(s.language for s in segments)),
        segments=tuple(segments),
        set_aside=tuple(set_aside),
    )


# ------------------------------------------------------------------------------ text, segments


def plain_text(source: str) -> str:
    """The visible text of Markdown or HTML, without code; one line per block."""
    rendered = _md.render(source or "")
    rendered = _CODE.sub(" ", rendered)
    rendered = _BLOCK_END.sub("\n", rendered)
    text = html.unescape(nh3.clean(rendered, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def split_languages(text: str) -> list[tuple[str, str]]:
    """(language, text) segments: sentences cut into CJK and Latin runs, short runs joined to their
    sentence's language, neighbouring runs of one language merged."""
    shape = rules.SENTIMENT_SHAPE
    runs: list[tuple[str, str]] = []
    for sentence in _SENTENCE_END.split(text):
        if sentence and sentence.strip():
            runs.extend(_sentence_runs(sentence, int(shape["min_en_words"]), int(shape["min_zh_chars"])))
    merged: list[tuple[str, str]] = []
    for language, chunk in runs:
        if merged and merged[-1][0] == language:
            merged[-1] = (language, _join(merged[-1][1], chunk))
        else:
            merged.append((language, chunk))
    return [(language, chunk.strip()) for language, chunk in merged if chunk.strip()]


def _sentence_runs(sentence: str, min_en_words: int, min_zh_chars: int) -> list[tuple[str, str]]:
    runs: list[list[str]] = []  # [language, text]
    for char in sentence:
        language = ZH if _CJK.match(char) else EN if _LATIN.match(char) else None
        if language is None or (runs and runs[-1][0] == language):
            if runs:
                runs[-1][1] += char
            else:
                runs.append(["", char])
            continue
        if runs and runs[-1][0] == "":
            runs[-1] = [language, runs[-1][1] + char]
        else:
            runs.append([language, char])
    languages = {language for language, _ in runs if language}
    if len(languages) < 2:
        return [((languages.pop() if languages else EN), "".join(chunk for _, chunk in runs))]
    # the sentence's language: the one with more weight; short runs of the other join it
    en_words = sum(len(_WORD.findall(chunk)) for language, chunk in runs if language == EN)
    zh_chars = sum(len(_CJK.findall(chunk)) for language, chunk in runs if language == ZH)
    main = ZH if zh_chars * rules.SENTIMENT_SHAPE["zh_units_per_char"] >= en_words else EN
    out: list[tuple[str, str]] = []
    for language, chunk in runs:
        short = (language == EN and len(_WORD.findall(chunk)) < min_en_words) or (
            language == ZH and len(_CJK.findall(chunk)) < min_zh_chars
        )
        language = main if (short or not language) else language
        if out and out[-1][0] == language:
            out[-1] = (language, out[-1][1] + chunk)
        else:
            out.append((language, chunk))
    return out


def _join(left: str, right: str) -> str:
    return f"{left.rstrip()} {right.lstrip()}"


def _has_words(language: str, text: str) -> bool:
    return bool(_CJK.search(text) if language == ZH else _LATIN.search(text))


# ------------------------------------------------------------------------ subjects, courtesy


@lru_cache(maxsize=None)
def _alternation(patterns: tuple[str, ...], language: str) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])" if language == EN else body, re.IGNORECASE)


def _failure_pattern(language: str) -> re.Pattern[str]:
    if language == EN:
        words = tuple(re.escape(w) for w in rules.SENTIMENT_EN_FAILURES)
        phrases = tuple(p for p, v in rules.SENTIMENT_EN_PHRASES.items() if v < 0)
        return _alternation(words + phrases, EN)
    return _alternation(tuple(re.escape(t) for t in rules.SENTIMENT_ZH_FAILURES), ZH)


def _about_the_product(language: str, text: str) -> tuple[str, list[str]]:
    """(the text about the product, the clauses set aside as about something else)."""
    off = _alternation(rules.SENTIMENT_OFF_PRODUCT[language], language)
    product = _alternation(rules.SENTIMENT_PRODUCT[language], language)
    failure = _failure_pattern(language)
    if not off.search(text):
        return text, []
    splitter = _EN_CLAUSE if language == EN else _ZH_CLAUSE
    kept: list[str] = []
    dropped: list[str] = []
    elsewhere = False
    for clause in _split_keep(splitter, text):
        if off.search(clause) and not (product.search(clause) or failure.search(clause)):
            elsewhere = True
        elif product.search(clause) or failure.search(clause):
            elsewhere = False
        (dropped if elsewhere else kept).append(clause)
    return "".join(kept), [c.strip(" ,，;；.。") for c in dropped if c.strip(" ,，;；.。")]


def _split_keep(clause: re.Pattern[str], text: str) -> list[str]:
    """Clauses of the text, each ending with its delimiter (so that joining them gives the text)."""
    pieces: list[str] = []
    start = 0
    ends = list(clause.finditer(text)) + list(re.finditer(r"[.!?。！？…]+", text))
    for pattern_match in sorted(ends, key=lambda m: m.end()):
        if pattern_match.end() > start:
            pieces.append(text[start:pattern_match.end()])
            start = pattern_match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _strip_courtesy(language: str, text: str) -> str:
    if language == EN:
        return _alternation(rules.SENTIMENT_EN_COURTESY, EN).sub(" ", text)
    courtesy = re.compile("|".join(rules.SENTIMENT_ZH_COURTESY))
    return "".join(courtesy.sub("", clause) for clause in _split_keep(_ZH_CLAUSE, text))


# ------------------------------------------------------------------------------------- English


_vader_lock = threading.Lock()
_QUOTED = re.compile(r"[\"“«「『]([^\"“”«»「」『』]{1,40})[\"”»」』]")
_CLAUSE_BREAK = re.compile(r"[,;:.!?，；：。！？]")
_N_SCALAR = -0.74  # vader's factor for a negated word


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class _Analyzer(SentimentIntensityAnalyzer):
        def score_valence(self, sentiments: list[float], text: str) -> dict[str, Any]:
            scores = super().score_valence(sentiments, text)
            scores["valences"] = list(sentiments)  # per word, after vader's negation and "but"
            return scores

    analyzer = _Analyzer()
    analyzer.lexicon = {**analyzer.lexicon, **rules.SENTIMENT_EN_WORDS, **rules.SENTIMENT_EN_FAILURES}
    return analyzer


@lru_cache(maxsize=1)
def _bare_vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def bare_english(text: str) -> float:
    """vaderSentiment's compound for the text, without this module's lexicon."""
    with _vader_lock:
        return float(_bare_vader().polarity_scores(text)["compound"])


def _void_wishes(text: str) -> str:
    """A wish frame becomes a bare "if", and a negation inside the wish's sentence is dropped."""
    from vaderSentiment.vaderSentiment import NEGATE

    wish = _alternation(rules.SENTIMENT_EN_WISH, EN)
    negator = re.compile(
        r"(?<![\w'])(?:" + "|".join(re.escape(n) for n in sorted(NEGATE, key=len, reverse=True)) + r"|\w+n't)(?![\w'])",
        re.IGNORECASE,
    )
    out: list[str] = []
    position = 0
    for found in wish.finditer(text):
        if found.start() < position:
            continue
        for stop in re.finditer(r"[.!?;。！？；]", text[found.end():]):
            scope_end = found.end() + stop.start()
            break
        else:
            scope_end = len(text)
        out.append(text[position:found.start()])
        out.append("if")
        out.append(negator.sub("", text[found.end():scope_end]))
        position = scope_end
    out.append(text[position:])
    return "".join(out)


def _en_negated(lower: str, start: int) -> bool:
    """A negator or a resolver among the few words before `start`, in the same clause."""
    from vaderSentiment.vaderSentiment import NEGATE

    before = lower[:start]
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(before)), default=0)
    words = _WORD.findall(before[cut:])[-int(rules.SENTIMENT_SHAPE["negation_window_en"]):]
    if any(w in NEGATE or w.endswith("n't") or w == "no" for w in words):
        return True
    return bool(_alternation(rules.SENTIMENT_EN_RESOLVERS, EN).search(" ".join(words)))


def _judge_english(text: str, threshold: float) -> Segment:
    from vaderSentiment.vaderSentiment import normalize

    shape = rules.SENTIMENT_SHAPE
    text = unicodedata.normalize("NFKC", text)
    library = bare_english(text)
    text = " ".join(_void_wishes(text).split())
    lower = text.lower()
    with _vader_lock:
        scores = _vader().polarity_scores(text)
    valences: list[float] = list(scores["valences"])
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    contrast = _alternation(rules.SENTIMENT_CONTRAST[EN], EN)
    last_contrast = max((m.end() for m in contrast.finditer(lower)), default=-1)
    quoted = [m.span(1) for m in _QUOTED.finditer(text)]

    terms: list[str] = []
    failure = adjusted = False
    if len(spans) == len(valences):  # (emoji turned into words would shift them: then vader alone)
        for i, (start, end) in enumerate(spans):
            raw = lower[start:end]
            token = raw.strip(string.punctuation + "“”")
            word_start = start + len(raw) - len(raw.lstrip(string.punctuation + "“”"))
            if valences[i] > 0 and any(a <= word_start < b for a, b in quoted):
                valences[i], adjusted = -valences[i], True  # "faster than ever", in quotes
                terms.append(f'"{token}"')
                continue
            if token in rules.SENTIMENT_EN_FAILURES and valences[i] < 0:
                if _en_negated(lower, start):  # further back than vader looks, or a resolver
                    valences[i], adjusted = valences[i] * _N_SCALAR, True
                    terms.append(f"not {token}")
                else:
                    failure |= start >= last_contrast
                    terms.append(token)
            elif token in rules.SENTIMENT_EN_FAILURES or (token in rules.SENTIMENT_EN_WORDS and valences[i]):
                terms.append(token if valences[i] < 0 or rules.SENTIMENT_EN_WORDS.get(token, 0) > 0 else f"not {token}")

    extra: list[float] = []
    for table in (rules.SENTIMENT_EN_PHRASES, rules.SENTIMENT_EN_SARCASM):
        for pattern, weight in table.items():
            for found in _alternation((pattern,), EN).finditer(lower):
                negated = _en_negated(lower, found.start())
                value = weight * _N_SCALAR if negated else weight
                if last_contrast >= 0:
                    value *= shape["contrast_after"] if found.start() >= last_contrast else shape["contrast_before"]
                extra.append(value)
                terms.append(("not " if negated else "") + found.group(0))
                failure |= value < 0 and found.start() >= last_contrast

    if failure:  # a failure left standing: the praise around it is sarcasm or a wrapper
        score = normalize(sum(v for v in valences if v < 0) + sum(v for v in extra if v < 0))
    elif extra or adjusted:
        score = normalize(sum(valences) + sum(extra))
    else:
        score = float(scores["compound"])
    return Segment(EN, text, library, score, _margin(score, threshold, -1.0, 1.0), segment_weight(EN, text),
                   score <= threshold, tuple(terms))


# ------------------------------------------------------------------------------------- Chinese


_snow_lock = threading.Lock()


def bare_chinese(text: str) -> float:
    """snownlp's probability that the text is positive, without this module's lexicon."""
    from snownlp import sentiment

    with _snow_lock:
        return float(sentiment.classify(text))


def _judge_chinese(text: str, threshold: float, shape: dict[str, float]) -> Segment:
    library = bare_chinese(text)
    clipped = min(max(library, 1e-4), 1 - 1e-4)
    question = any(re.search(p, text) for p in rules.SENTIMENT_ZH_QUESTION)
    share = shape["zh_question_library_weight" if question else "zh_library_weight"]
    library_logit = math.log(clipped / (1 - clipped)) * share
    hits, failure = _chinese_terms(text, shape)
    if failure:  # a failure left standing: the praise around it is sarcasm or a wrapper
        logit = min(library_logit, 0.0) + sum(w for _, w in hits if w < 0)
    else:
        logit = library_logit + sum(w for _, w in hits)
    score = 1 / (1 + math.exp(-logit))
    return Segment(ZH, text, library, score, _margin(score, threshold, 0.0, 1.0), segment_weight(ZH, text),
                   score <= threshold, tuple(term for term, _ in hits))


def _chinese_terms(text: str, shape: dict[str, float]) -> tuple[list[tuple[str, float]], bool]:
    """(term, weight after negation and contrast) for every lexicon term, longest match first;
    and whether a failure is left standing after the last contrast word."""
    lower = text.lower()
    table = {**rules.SENTIMENT_ZH_TERMS, **rules.SENTIMENT_ZH_FAILURES}
    contrast = re.compile("|".join(rules.SENTIMENT_CONTRAST[ZH]))
    last_contrast = max((m.end() for m in contrast.finditer(lower)), default=-1)
    quoted = [m.span(1) for m in _QUOTED.finditer(lower)]
    taken = [False] * len(lower)
    for word in rules.SENTIMENT_ZH_NOT_NEGATORS:  # "不过", "不断": no negation in them
        for found in re.finditer(re.escape(word), lower):
            taken[found.start():found.end()] = [True] * len(word)
    hits: list[tuple[str, float]] = []
    failure = False
    for term in sorted(table, key=len, reverse=True):
        for found in re.finditer(re.escape(term), lower):
            start, end = found.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            weight = table[term]
            if weight > 0 and any(a <= start < b for a, b in quoted):
                hits.append((f"“{term}”", -weight))  # “快”得惊人: praise in quotes
                continue
            negated = _zh_negated(lower, start, weight, taken, shape)
            value = -weight if negated else weight
            if last_contrast >= 0:
                value *= shape["contrast_after"] if start >= last_contrast else shape["contrast_before"]
            hits.append((("不" if negated else "") + term, value))
            failure |= value < 0 and term in rules.SENTIMENT_ZH_FAILURES and start >= last_contrast
    return hits, failure


def _zh_negated(text: str, start: int, weight: float, taken: list[bool], shape: dict[str, float]) -> bool:
    """A negator (or, before a failure, a resolver) ends at most zh_negation_gap characters before
    `start` in the same clause, and no wish stands before it (a wish's negation is no negation)."""
    gap = int(shape["zh_negation_gap"])
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    window_start = max(clause_start, start - gap - 4)
    window = text[window_start:start]
    wished = weight < 0 and any(w in text[clause_start:start] for w in rules.SENTIMENT_ZH_WISH)
    if weight < 0:
        for resolver in rules.SENTIMENT_ZH_RESOLVERS:
            at = window.rfind(resolver)
            if at >= 0 and len(window) - (at + len(resolver)) <= gap:
                return True
    if wished:
        return False
    for negator in sorted(rules.SENTIMENT_ZH_NEGATORS, key=len, reverse=True):
        at = window.rfind(negator)
        while at >= 0:
            position = window_start + at
            if start - (position + len(negator)) <= gap and not any(taken[position:position + len(negator)]):
                return True
            at = window.rfind(negator, 0, at)
    return False


# -------------------------------------------------------------------------------------- scale


def segment_margin(language: str, score: float, thresholds: Thresholds) -> float:
    """A library's score on the common scale: vader's compound (-1 … 1) or snownlp's probability
    (0 … 1), 0 at the language's threshold."""
    if language == EN:
        return _margin(score, thresholds.en_compound_max, -1.0, 1.0)
    return _margin(score, thresholds.zh_positive_prob_max, 0.0, 1.0)


def segment_weight(language: str, text: str) -> float:
    """A segment's length: English words; Chinese characters × zh_units_per_char plus Latin words."""
    words = sum(1 for word in _WORD.findall(text) if _LATIN.search(word))
    if language == EN:
        return float(words)
    return len(_CJK.findall(text)) * rules.SENTIMENT_SHAPE["zh_units_per_char"] + words


def _margin(score: float, threshold: float, low: float, high: float) -> float:
    """Score on the common scale: 0 at the threshold, -1 at `low`, +1 at `high`."""
    if score <= threshold:
        return (score - threshold) / (threshold - low) if threshold > low else -1.0
    return (score - threshold) / (high - threshold) if high > threshold else 1.0
