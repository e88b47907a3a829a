"""Moderation's declarative tables (docs/rules.md: The NPS gate; docs/api.md: Moderation)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

from forum.accounts.rules import Permission

# A rejection needs one of these reasons; criticism of the product is not one (docs/api.md: Moderation).
REJECTION_REASONS: dict[str, Any] = {
    "spam": _l("Spam"),
    "abuse": _l("Abuse"),
    "personal_data": _l("Personal data"),
    "off_topic": _l("Off topic"),
    "duplicate": _l("Duplicate"),
}

# Why content was held (the item's `reason`).
HOLD_REASONS: dict[str, Any] = {
    "idea_premoderation": _l("Every idea is checked before it gathers support"),
    "guarded_newcomer": _l("Guarded mode: a newcomer's post waits for a moderator or its release time"),
    "strict": _l("Strict mode: the post waits for a moderator or its release time"),
    "flagged": _l("Flagged by the community: hidden until a moderator decides"),
}

# The queue's own reasons for holding (posting-time holds take the gate's reason, rules.HOLDS).
HOLD_REASONS.update({
    "resubmitted": _l("Resubmitted after a rejection: waits for a moderator"),
    "appeal": _l("Appeal of a rejection: another moderator decides"),
})
# Reasons whose items wait for a moderator, never released automatically (docs/rules.md: The NPS gate).
WAITS_FOR_MODERATOR = ("idea_premoderation", "flagged", "resubmitted", "appeal")

# A queue decision: approve (published), reject (with a REJECTION_REASONS reason), or escalate to
# customer success (a follow-up; the item stays in the queue).
ACTIONS = ("approve", "reject", "escalate")
NEGATIVE_NOTE = _l("Negative about the product — routed to customer success")
ESCALATED_NOTE = _l("Escalated to customer success by %(by)s")

# Queue filter by content type, with their names (the queue page's tabs).
CONTENT_TYPES: dict[str, Any] = {
    "question": _l("Questions"), "answer": _l("Answers"), "comment": _l("Comments"), "idea": _l("Ideas"),
}
CONTENT_NAMES: dict[str, Any] = {
    "question": _l("question"), "answer": _l("answer"), "comment": _l("comment"), "idea": _l("idea"),
}
MODERATE_PERMISSION = Permission.MODERATE
EXCERPT_LENGTH = 300


def note_max_chars() -> int:
    """config NOTE_MAX_CHARS: the longest note a moderator may give with a decision."""
    return int(current_app.config["NOTE_MAX_CHARS"])


# --------------------------------------------------------------------------- the NPS gate
# docs/rules.md, "The NPS gate": the mode table, the order of the modes by strictness, the
# hysteresis step (`next_mode`) and what each mode holds at posting time. Every number comes from
# config.py (MODERATION_GATES, MODERATION_HYSTERESIS, MODERATION_FALLBACK_MODE, NPS_MIN_RESPONSES,
# NPS_WINDOW_DAYS, MODERATION_HOLD_HOURS, MODERATION_GUARDED_POSTS, MODERATION_OVERRIDE_DAYS).

class Mode(StrEnum):
    """The moderation mode of a scope (the community or one category)."""

    open = "open"
    guarded = "guarded"
    strict = "strict"


# The modes from the most lenient to the strictest.
MODE_ORDER: tuple[Mode, ...] = (Mode.open, Mode.guarded, Mode.strict)

# The mode table: the first row whose test holds against its gate (config MODERATION_GATES) wins;
# no row holding means DEFAULT_MODE. open if NPS ≥ gates.open, strict if NPS < gates.strict.
MODE_TABLE: tuple[tuple[Mode, str, Callable[[float, float], bool]], ...] = (
    (Mode.open, "open", operator.ge),
    (Mode.strict, "strict", operator.lt),
)
DEFAULT_MODE = Mode.guarded

# The gate between two neighbouring modes (more lenient, stricter) → its key in MODERATION_GATES.
BOUNDARIES: dict[tuple[Mode, Mode], str] = {(Mode.open, Mode.guarded): "open", (Mode.guarded, Mode.strict): "strict"}

# What each mode holds at posting time (the Hold's reason code), None: nothing is held.
# Staff and ambassadors are never held (queries.hold_decision).
HOLDS: dict[Mode, str | None] = {Mode.open: None, Mode.guarded: "guarded_newcomer", Mode.strict: "strict"}

# The modes' names, with the context "moderation mode" ("Open" is also a queue status; extract with
# the keyword lazy_pgettext:1c,2).
MODE_LABELS: dict[Mode, Any] = {Mode.open: lazy_pgettext("moderation mode", "Open"),
                                Mode.guarded: lazy_pgettext("moderation mode", "Guarded"),
                                Mode.strict: lazy_pgettext("moderation mode", "Strict")}

# What a mode means for posting, filled with posts=MODERATION_GUARDED_POSTS, hours=MODERATION_HOLD_HOURS.
MODE_MEANINGS: dict[Mode, Any] = {
    Mode.open: _l("Nothing is held for pre-moderation; flags still hide content until a moderator reviews it."),
    Mode.guarded: _l("Posts by newcomers (members with fewer than %(posts)s published posts and without the "
                     "skip-pre-moderation privilege) wait for a moderator, or are published automatically "
                     "after %(hours)s hours."),
    Mode.strict: _l("Every post by members who are neither staff nor ambassadors waits for a moderator, or is "
                    "published automatically after %(hours)s hours."),
}
NEVER_HELD = _l("Staff and ambassadors are never held.")

# When each mode applies by the table, filled with open=gates.open, strict=gates.strict.
MODE_WHEN: dict[Mode, Any] = {
    Mode.open: _l("NPS ≥ %(open)s"),
    Mode.guarded: _l("%(strict)s ≤ NPS < %(open)s"),
    Mode.strict: _l("NPS < %(strict)s"),
}

COMMUNITY = "community"  # the scope key of the community-wide policy; a category's is "category:<id>"


def scope_key(category_id: int | None) -> str:
    return COMMUNITY if category_id is None else f"category:{int(category_id)}"


def strictness(mode: Mode) -> int:
    return MODE_ORDER.index(Mode(mode))


def is_stricter(a: Mode, b: Mode) -> bool:
    """Whether mode `a` holds more than mode `b`."""
    return strictness(a) > strictness(b)


def table(nps: float, gates: Mapping[str, float]) -> Mode:
    """The plain mode table for an NPS (no hysteresis)."""
    for mode, gate, test in MODE_TABLE:
        if test(nps, float(gates[gate])):
            return mode
    return DEFAULT_MODE


def next_mode(current: Mode | None, nps: float | None, responses: int, min_responses: int, *,
              gates: Mapping[str, float], hysteresis: float, fallback: Mode, was_fallback: bool = False) -> Mode:
    """The mode a scope moves to from `current` (None: never computed), exactly as docs/rules.md says:

    - fewer than `min_responses` answers (or no NPS): `fallback` — for a category the community's
      mode, for the community MODERATION_FALLBACK_MODE;
    - leaving the fallback (`was_fallback`) or a first computation: the plain table;
    - otherwise hysteresis h: table(NPS − h) if that is more lenient than `current`, table(NPS + h)
      if that is stricter, else `current` (open from 35, guarded below 25, strict below −5, out of
      strict from 5 with the defaults).
    """
    if nps is None or responses < min_responses:
        return Mode(fallback)
    if current is None or was_fallback:
        return table(nps, gates)
    current = Mode(current)
    lenient = table(nps - hysteresis, gates)
    if is_stricter(current, lenient):
        return lenient
    stricter = table(nps + hysteresis, gates)
    if is_stricter(stricter, current):
        return stricter
    return current


def switch_point(current: Mode, toward: Mode, gates: Mapping[str, float], hysteresis: float) -> float:
    """The NPS at which `current` gives way to its neighbour in the direction of `toward`: toward a
    more lenient mode the NPS must reach gate + h, toward a stricter one fall below gate − h."""
    current, toward = Mode(current), Mode(toward)
    i = strictness(current)
    if is_stricter(current, toward):
        return float(gates[BOUNDARIES[(MODE_ORDER[i - 1], current)]]) + hysteresis
    return float(gates[BOUNDARIES[(current, MODE_ORDER[i + 1])]]) - hysteresis


@dataclass(frozen=True)
class GateSettings:
    """The gate's numbers from config.py, read once per computation."""

    gates: dict[str, float]
    hysteresis: float
    fallback: Mode
    min_responses: int
    window_days: int
    hold_hours: int
    guarded_posts: int
    override_days: int


def gate_settings() -> GateSettings:
    config = current_app.config
    return GateSettings(
        gates={k: float(v) for k, v in config["MODERATION_GATES"].items()},
        hysteresis=float(config["MODERATION_HYSTERESIS"]),
        fallback=Mode(config["MODERATION_FALLBACK_MODE"]),
        min_responses=int(config["NPS_MIN_RESPONSES"]),
        window_days=int(config["NPS_WINDOW_DAYS"]),
        hold_hours=int(config["MODERATION_HOLD_HOURS"]),
        guarded_posts=int(config["MODERATION_GUARDED_POSTS"]),
        override_days=int(config["MODERATION_OVERRIDE_DAYS"]),
    )


# Who may override the mode: community managers (admin).
OVERRIDE_PERMISSION = Permission.MANAGE_COMMUNITY

# The reason sentences of `queries.policy` (numbers filled from the stored inputs and config).
REASON_TABLE: dict[Mode, Any] = {
    Mode.open: _l("NPS %(nps)s ± %(margin)s over the last %(days)s days from %(responses)s answers is at or "
                  "above %(open)s: open."),
    Mode.guarded: _l("NPS %(nps)s ± %(margin)s over the last %(days)s days from %(responses)s answers is "
                     "between %(strict)s and %(open)s: guarded."),
    Mode.strict: _l("NPS %(nps)s ± %(margin)s over the last %(days)s days from %(responses)s answers is below "
                    "%(strict)s: strict."),
}
REASON_STAYS_UNTIL_REACHES = _l(
    "NPS %(nps)s ± %(margin)s over the last %(days)s days from %(responses)s answers would be %(table)s by the "
    "table, but the mode stays %(mode)s until the NPS reaches %(point)s (a margin of %(h)s points against "
    "flapping).")
REASON_STAYS_UNTIL_BELOW = _l(
    "NPS %(nps)s ± %(margin)s over the last %(days)s days from %(responses)s answers would be %(table)s by the "
    "table, but the mode stays %(mode)s until the NPS falls below %(point)s (a margin of %(h)s points against "
    "flapping).")
REASON_FALLBACK_COMMUNITY = _l(
    "Only %(responses)s answers in the last %(days)s days (%(needed)s needed): the community's fallback mode, "
    "%(mode)s, applies.")
REASON_FALLBACK_CATEGORY = _l(
    "Only %(responses)s answers in this category in the last %(days)s days (%(needed)s needed): the "
    "community's mode, %(mode)s, applies.")
REASON_NOT_COMPUTED = _l("Not computed yet: the fallback mode, %(mode)s, applies until the next NPS answer "
                         "or periodic run.")
REASON_OVERRIDE = _l("Overridden by %(by)s until %(until)s UTC: %(note)s")


def say(message: Any, **values: Any) -> str:
    """A marked string in the reader's language while serving a request, else in English (the
    recomputation also runs from `forum tick`, where there is no reader)."""
    if isinstance(message, LazyString):
        message = str(message) if has_request_context() else message._args[0]
    return str(message) % values if values else str(message)


# =================================================================================================
# Negativity about the product: the lexicon of forum/moderation/sentiment.py (docs/rules.md,
# "The NPS gate"). The thresholds are the rule key SENTIMENT_NEGATIVE (config.py); these tables are
# the extra knowledge the two libraries lack in a SaaS forum. Extend a table to teach the judge a
# word; no entry names a particular post. English weights are in vaderSentiment's valence units
# (about -4 … +4 per word), Chinese weights are log-odds added to snownlp's.
# A *failure* is something the product did wrong (a crash, a timeout): it also tells that a clause
# is about the product, and a failure left standing outweighs praise (sarcasm, "nice, but…").
# =================================================================================================

# English product failures, merged into vaderSentiment's lexicon (vader negates and boosts them
# itself; the judge also looks further back for a negator: "haven't had a single crash").
SENTIMENT_EN_FAILURES: dict[str, float] = {
    "crash": -2.0, "crashes": -2.0, "crashed": -2.0, "crashing": -2.0,
    "bug": -1.5, "bugs": -1.5, "buggy": -2.0, "glitch": -1.5, "glitches": -1.5, "glitchy": -1.8,
    "timeout": -1.8, "timeouts": -1.8, "downtime": -1.8, "hangs": -1.5,
    "lag": -1.5, "laggy": -1.8, "lags": -1.5, "unresponsive": -2.0, "flaky": -1.8,
    "failing": -2.3, "failed": -2.3, "failure": -2.0, "failures": -2.0,
}

# Other English words vader lacks or misreads here ("free" plans, "support" and "share" are no
# praise in a how-to question; "like" is mostly "looks like").
SENTIMENT_EN_WORDS: dict[str, float] = {
    "fast": 1.5, "faster": 1.5, "smooth": 1.5, "fixed": 1.2, "resolved": 1.2,
    "free": 0.0, "support": 0.0, "share": 0.0, "like": 0.5,
}

# English failure phrases (regular expressions, lower case, matched on word boundaries) added to
# vader's sum; a negator in the words before one turns it round ("doesn't log me out any more").
SENTIMENT_EN_PHRASES: dict[str, float] = {
    r"tim(?:es|ed|ing) out|time out": -2.0,
    r"log(?:s|ged|ging) (?:me |us |them )?out": -1.8,
    r"down again": -1.8,
    r"(?:does ?n[o']?t|did ?n[o']?t|do ?n[o']?t|is ?n[o']?t|won'?t) (?:\w+ )?work(?:s|ing)?": -2.2,
    r"(?:minutes|ages|forever|hours) to (?:load|open|render|export|sync|run|respond)": -1.5,
    r"(?:nobody|no one|noone) (?:answers|replies|responds|helps)|no (?:answer|reply|response) from": -1.8,
    r"(?:renders?|rendered|shows?|showed|loads?|loaded|comes? up|came up|displays?) (?:as )?blank"
    r"|blank (?:page|screen|chart|dashboard|report)s?": -1.5,
    r"every (?:single )?time": -0.6,
}

# Sarcasm cues, weighing on their own (praise around a failure is handled by the failure rule;
# a positive word in quotes — "faster than ever", “快” — is read as its opposite).
SENTIMENT_EN_SARCASM: dict[str, float] = {
    r"thanks for nothing": -3.0,
    r"(?:great|wonderful|fantastic|perfect|awesome|brilliant|nice|lovely),? (?:another|more|yet another)": -2.0,
    r"if (?:\w+ ){0,4}actually": -1.5,
}

# Courtesy that frames a request and says nothing about the product: removed before judging.
SENTIMENT_EN_COURTESY: tuple[str, ...] = (r"thanks? (?:you )?in advance", r"please", r"kindly")

# A wish: what follows is how things should be, so a negation in it is no negation
# ("I'd appreciate it if the export didn't time out" complains that it times out).
SENTIMENT_EN_WISH: tuple[str, ...] = (
    r"(?:i'?d|i would|we'?d|we would) (?:really )?appreciate (?:it )?if",
    r"(?:it )?would be (?:nice|great|good|helpful|awesome) if", r"i wish", r"if only",
)

# Words that put a failure right after them to rest, like a negator ("fixed the crash").
SENTIMENT_EN_RESOLVERS: tuple[str, ...] = ("fixed", "resolved", "no more")

# Chinese product failures, log-odds (Latin product words appear inside Chinese posts: "bug 还在").
SENTIMENT_ZH_FAILURES: dict[str, float] = {
    "超时": -2.5, "崩溃": -2.5, "闪退": -2.5, "卡顿": -2.2, "卡死": -2.5, "很卡": -2.0, "太卡": -2.2,
    "报错": -2.2, "出错": -2.0, "错误": -1.8, "失败": -2.2, "宕机": -2.5, "掉线": -2.0, "挂了": -2.2,
    "登出": -1.5, "丢失": -2.0, "丢了": -1.8, "空白": -1.2, "延迟": -1.5, "用不了": -2.5, "不能用": -2.5,
    "没法用": -2.5, "打不开": -2.5, "登不上": -2.5, "保存不了": -2.2, "导不出": -2.2, "连不上": -2.2,
    "进不去": -2.2, "收不到": -2.0, "看不了": -2.0, "找不到": -1.2, "无法": -1.5,
    "bug": -1.8, "crash": -2.0, "timeout": -2.0, "问题": -1.0, "等很久": -1.8, "要等": -1.0,
}

# Other Chinese words with their log-odds (sarcasm markers such as 呵呵 among them).
SENTIMENT_ZH_TERMS: dict[str, float] = {
    "慢": -1.8, "太差": -2.2, "很差": -2.0, "难用": -2.5, "不好用": -2.5, "没法": -1.5, "离谱": -2.2,
    "失望": -2.5, "麻烦": -1.2, "垃圾": -3.0, "坑": -1.5, "呵呵": -3.0, "说好的": -1.5, "又双叒叕": -2.0,
    "好用": 2.0, "方便": 1.8, "稳定": 1.5, "顺畅": 1.8, "顺手": 1.8, "流畅": 1.8, "快": 1.2,
    "有用": 1.5, "清楚": 1.2, "满意": 2.0, "点赞": 2.0, "解决了": 1.8, "解决": 1.2, "修好了": 1.8,
    "改进": 1.2, "正常": 1.5, "不错": 2.0, "好看": 1.5, "谢谢": 0.8, "感谢": 0.8,
}

# Negators that turn the term right after them (up to SENTIMENT_SHAPE["zh_negation_gap"] characters
# later) round: "没有问题", "一点也不慢", "不太好用", "再也没有崩溃过".
SENTIMENT_ZH_NEGATORS: tuple[str, ...] = (
    "一点也不", "一点都不", "再也没有", "再也没", "从来没有", "从来没", "从没", "不太", "不是很", "不够",
    "不再", "并不", "没有", "没", "不", "别", "毫无", "未",
)

# Words that begin like a negator but negate nothing ("不断崩溃" still crashes).
SENTIMENT_ZH_NOT_NEGATORS: tuple[str, ...] = ("不过", "不断", "不停", "不少", "不仅", "不管", "不得不", "差不多")

# Words that put a failure after them to rest ("解决了问题", "修复了崩溃").
SENTIMENT_ZH_RESOLVERS: tuple[str, ...] = ("解决了", "解决", "修复了", "修好了", "搞定了")

# A wish: a negator after it is no negation ("希望别再崩溃了" complains that it crashes).
SENTIMENT_ZH_WISH: tuple[str, ...] = ("希望", "要是", "如果", "能不能")

# Courtesy openers of a Chinese request, removed before judging ("麻烦看一下…", "不好意思…").
SENTIMENT_ZH_COURTESY: tuple[str, ...] = (
    r"^麻烦(?:你|您|你们)?", r"不好意思", r"打扰(?:一下)?", r"请问", r"^请", r"辛苦了",
)

# A Chinese question (how-to): snownlp's evidence weighs only zh_question_library_weight in it,
# since snownlp, trained on reviews, reads most questions as complaints.
SENTIMENT_ZH_QUESTION: tuple[str, ...] = (r"[？?]", r"怎么", r"如何", r"哪里", r"哪些", r"多少", r"能不能", r"是否")

# Subjects that are not the product: a clause about them (and the clauses after it, until the
# product or a failure of it is named again) is set aside — "my laptop died, how do I restore my
# dashboard?" complains about a laptop, not about us.
SENTIMENT_OFF_PRODUCT: dict[str, tuple[str, ...]] = {
    "en": (
        r"my (?:laptop|computer|pc|phone|boss|manager|kids?|wife|husband|cat|dog|internet|wifi|coffee)",
        r"(?:the |our |my )?boss", r"weather", r"traffic", r"commute",
        r"(?:sick|ill) (?:at home|today)|(?:got|been|feeling) (?:sick|ill)|a cold|the flu|headache",
    ),
    "zh": (
        r"老板", r"领导", r"同事", r"天气", r"堵车", r"交通", r"感冒", r"生病", r"头疼", r"孩子", r"加班", r"快递",
    ),
}

# Words naming the product or a part of it: a clause naming one is about the product again.
SENTIMENT_PRODUCT: dict[str, tuple[str, ...]] = {
    "en": (
        r"export\w*", r"dashboards?", r"reports?", r"app", r"api", r"log ?in", r"sync\w*", r"search",
        r"charts?", r"update", r"release", r"features?", r"editor", r"notifications?", r"integration",
        r"import\w*", r"filters?", r"page", r"ui", r"sdk", r"billing", r"version",
    ),
    "zh": (
        r"导出", r"仪表盘", r"报表", r"报告", r"应用", r"登录", r"同步", r"搜索", r"图表", r"更新", r"版本",
        r"功能", r"编辑器", r"通知", r"集成", r"导入", r"筛选", r"页面", r"界面", r"客服", r"账单", r"系统",
        r"软件", r"产品",
    ),
}

# Contrast words: what comes after weighs more than what comes before, as vader does with "but".
SENTIMENT_CONTRAST: dict[str, tuple[str, ...]] = {
    "en": (r"but", r"however", r"though"),
    "zh": (r"但是", r"可是", r"不过", r"然而", r"但"),
}

# The shape of the lexicon path (sentiment.py explains each):
#   zh_library_weight — share of snownlp's log-odds kept beside the terms;
#   zh_question_library_weight — the same share in a question;
#   contrast_before / contrast_after — weights of lexicon hits before and after a contrast word;
#   negation_window_en — words before an English failure searched for a negator or resolver;
#   zh_negation_gap — characters allowed between a Chinese negator and its term;
#   min_en_words / min_zh_chars — a shorter run of the other script joins its sentence's language;
#   zh_units_per_char — a Chinese character's weight against an English word when languages mix.
SENTIMENT_SHAPE: dict[str, float] = {
    "zh_library_weight": 0.5,
    "zh_question_library_weight": 0.2,
    "contrast_before": 0.5,
    "contrast_after": 1.5,
    "negation_window_en": 5,
    "zh_negation_gap": 4,
    "min_en_words": 3,
    "min_zh_chars": 3,
    "zh_units_per_char": 0.5,
}


# =================================================================================================
# Flags (docs/rules.md, "The NPS gate"): what may be flagged and why, and when a flagger's flags
# count toward hiding. The numbers are FLAGS_TO_HIDE, FLAG_ACCURACY_MIN_FLAGS, FLAG_ACCURACY_MIN.
# =================================================================================================

# The content types a member may flag (docs/api.md: POST /flags `content_type`).
FLAGGABLE: tuple[str, ...] = ("question", "answer", "comment", "idea")

# The reasons a flag may give, with their names in the reader's language.
FLAG_REASONS: dict[str, Any] = {
    "spam": _l("Spam"),
    "abuse": _l("Abuse"),
    "off_topic": _l("Off topic"),
    "personal_data": _l("Personal data"),
    "other": _l("Other"),
}

# Idea statuses in which an idea is not public (flags cannot hide what nobody else sees).
IDEA_NOT_PUBLIC = frozenset({"pending", "rejected", "merged"})

# The queue item's reason for content hidden by flags (it waits for a moderator: no release time).
FLAGGED = "flagged"

# The longest note a flag may carry.
FLAG_NOTE_MAX = 500

# What a moderator's decision on an item means for the pending flags on its content:
# rejecting the content upholds them, approving it (published again) dismisses them.
FLAG_OUTCOME_OF_DECISION: dict[str, str] = {"reject": "upheld", "approve": "dismissed"}


@dataclass(frozen=True)
class FlagSettings:
    to_hide: int
    accuracy_min_flags: int
    accuracy_min: float


def flag_settings() -> FlagSettings:
    config = current_app.config
    return FlagSettings(to_hide=int(config["FLAGS_TO_HIDE"]),
                        accuracy_min_flags=int(config["FLAG_ACCURACY_MIN_FLAGS"]),
                        accuracy_min=float(config["FLAG_ACCURACY_MIN"]))


def flag_accuracy(upheld: int, decided: int) -> float | None:
    """The share of a flagger's decided flags that were upheld, None before any was decided."""
    return upheld / decided if decided else None


def flags_count(upheld: int, decided: int, settings: FlagSettings) -> bool:
    """Whether a flagger's flags count toward hiding: always before FLAG_ACCURACY_MIN_FLAGS decided
    flags; from then on only at an accuracy of at least FLAG_ACCURACY_MIN (below it, the flags are
    still recorded and shown to moderators)."""
    if decided < settings.accuracy_min_flags:
        return True
    return upheld >= settings.accuracy_min * decided


# =================================================================================================
# Transparency: the public moderation stats (docs/rules.md, "The NPS gate"), over a window of
# MODERATION_STATS_DEFAULT_DAYS days unless asked (1 … MODERATION_STATS_MAX_DAYS); the page offers
# MODERATION_STATS_WINDOWS.
# =================================================================================================

@dataclass(frozen=True)
class StatsSettings:
    windows: tuple[int, ...]
    default_days: int
    max_days: int


def stats_settings() -> StatsSettings:
    config = current_app.config
    return StatsSettings(windows=tuple(int(d) for d in config["MODERATION_STATS_WINDOWS"]),
                         default_days=int(config["MODERATION_STATS_DEFAULT_DAYS"]),
                         max_days=int(config["MODERATION_STATS_MAX_DAYS"]))
