"""How a health report reads: the metrics' names and formats, the headline numbers with their change
against the previous period, the charts' data in the reader's language, and the report as one
self-contained HTML file (charts drawn here as inline SVG) for `forum report --format html`.

The report itself (every metric key and its definition, the health index and its formula) is
`forum.health.queries.health_report` (docs/rules.md: Engagement events and health reports); this
module only presents it and computes nothing the report does not say.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from html import escape
from typing import Any

from flask import current_app
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from forum import db
from forum.ideas.rules import STATUS_LABELS

# ----------------------------------------------------------------------------- the metrics

COUNT, DECIMAL, RATE, MINUTES, NPS, TABLE = "count", "decimal", "rate", "minutes", "nps", "table"

# metric key → (name in the reader's language, format); the keys of docs/rules.md, in its order.
METRICS: dict[str, tuple[Any, str]] = {
    "members_total": (_l("Members"), COUNT),
    "members_new": (_l("New members"), COUNT),
    "dau": (_l("Daily active members"), DECIMAL),
    "wau": (_l("Weekly active members"), COUNT),
    "mau": (_l("Monthly active members"), COUNT),
    "stickiness": (_l("Stickiness (DAU/MAU)"), RATE),
    "contributors": (_l("Contributors"), COUNT),
    "contributor_ratio": (_l("Contributor ratio"), RATE),
    "activation_rate": (_l("New-member activation"), RATE),
    "retention_cohorts": (_l("Weekly cohort retention"), TABLE),
    "questions": (_l("Questions"), COUNT),
    "answers": (_l("Answers"), COUNT),
    "response_rate_24h": (_l("Response rate (24 h)"), RATE),
    "median_first_answer_minutes": (_l("Median time to first answer"), MINUTES),
    "solved_rate": (_l("Solved rate"), RATE),
    "deflection_rate": (_l("Self-service deflection"), RATE),
    "superuser_share": (_l("Superuser share of answers"), RATE),
    "ambassadors": (_l("Ambassadors"), COUNT),
    "ambassador_answer_share": (_l("Ambassadors' share of answers"), RATE),
    "ideas_submitted": (_l("Ideas submitted"), COUNT),
    "ideas_by_stage": (_l("Ideas by stage"), TABLE),
    "ideas_in_review": (_l("Ideas in review"), COUNT),
    "ideas_approved": (_l("Ideas approved"), COUNT),
    "ideas_shipped": (_l("Ideas shipped"), COUNT),
    "ideas_expired": (_l("Ideas expired"), COUNT),
    "nps": (_l("NPS"), NPS),
    "nps_responses": (_l("NPS answers"), COUNT),
    "nps_margin_of_error": (_l("NPS margin of error"), DECIMAL),
    "followups_open": (_l("Follow-ups open"), COUNT),
    "followups_overdue": (_l("Follow-ups overdue"), COUNT),
    "moderation_held": (_l("Posts held for review"), COUNT),
    "moderation_released": (_l("Held posts released"), COUNT),
    "moderation_rejected": (_l("Posts rejected"), COUNT),
    "median_hold_minutes": (_l("Median time held"), MINUTES),
    "p90_first_answer_minutes": (_l("Time to first answer, 90th percentile"), MINUTES),
    "peer_answer_share": (_l("Peer share of answers"), RATE),
    "negative_posts": (_l("Negative posts"), COUNT),
    "negative_answered_rate": (_l("Negative posts answered within 48 h"), RATE),
    "negative_rejection_rate": (_l("Rejection rate of negative posts"), RATE),
    "other_rejection_rate": (_l("Rejection rate of other posts"), RATE),
    "followups_contacted_48h_rate": (_l("Detractors contacted within 48 h"), RATE),
}

# Metrics where a fall is the good news (the change is shown green when it goes down).
LOWER_IS_BETTER = frozenset({"median_first_answer_minutes", "p90_first_answer_minutes", "median_hold_minutes",
                             "followups_overdue", "followups_open", "ideas_expired", "moderation_rejected",
                             "negative_rejection_rate", "other_rejection_rate", "nps_margin_of_error"})

# The headline numbers of the dashboard and the export: (metric key, the metrics shown beside it).
HEADLINE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("members_total", ("members_new",)),
    ("mau", ("wau", "dau")),
    ("questions", ("answers",)),
    ("response_rate_24h", ("median_first_answer_minutes",)),
    ("solved_rate", ()),
    ("deflection_rate", ()),
    ("nps", ("nps_responses",)),
    ("ideas_submitted", ("ideas_shipped",)),
)

SUB_SCORES: dict[str, Any] = {
    "growth": _l("Growth"), "engagement": _l("Engagement"), "responsiveness": _l("Responsiveness"),
    "solutions": _l("Solutions"), "sentiment": _l("Sentiment"), "ideas": _l("Ideas"),
}

CRITICISM = ("negative_posts", "negative_answered_rate", "negative_rejection_rate", "other_rejection_rate",
             "followups_contacted_48h_rate")

FUNNEL_STAGES: dict[str, Any] = {"submitted": _l("Submitted"), "published": _l("Published")}


def label(key: str) -> str:
    """A metric's name in the reader's language (the key itself for a key this module does not know)."""
    entry = METRICS.get(key)
    return str(entry[0]) if entry else key


def stage_label(stage: str) -> str:
    """An idea-funnel stage's name: the ideas part's status names, or "Stage N" for a support threshold."""
    if stage in FUNNEL_STAGES:
        return str(FUNNEL_STAGES[stage])
    if stage in STATUS_LABELS:
        return str(STATUS_LABELS[stage])
    for prefix in ("stage_", "stage "):
        if stage.startswith(prefix) and stage[len(prefix):].isdigit():
            return _("Stage %(n)s", n=stage[len(prefix):])
    return stage.replace("_", " ")


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _number(value: float, digits: int = 0) -> str:
    fmt = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=fmt)


def minutes_text(value: float) -> str:
    """A duration in minutes as minutes, hours or days, whichever reads best."""
    if value < 120:
        return _("%(n)s min", n=_number(value))
    if value < 72 * 60:
        return _("%(n)s h", n=_number(value / 60, 1))
    return _("%(n)s d", n=_number(value / 1440, 1))


def value_text(key: str, value: Any) -> str:
    """A metric's value as the reader reads it; "—" where the period has no data (null)."""
    if value is None:
        return "—"
    kind = METRICS.get(key, (None, DECIMAL))[1]
    if kind == TABLE:
        return _("see the chart") if key == "retention_cohorts" else ", ".join(
            f"{stage_label(stage)} {count}" for stage, count in dict(value).items()) or "—"
    if kind == RATE:
        return format_percent(value, format="#,##0%") if value >= 0.1 or value == 0 else format_percent(
            value, format="#,##0.#%")
    if kind == MINUTES:
        return minutes_text(float(value))
    if kind == NPS:
        return ("+" if value > 0 else "") + _number(value, 1)
    if kind == COUNT:
        return _number(value)
    return _number(value, 1)


def change(key: str, current: Any, previous: Any) -> dict[str, Any] | None:
    """The change of a metric against the previous period: direction (up, down, same), its size as
    text (NPS in points, every other number in per cent of the previous value), whether it is good
    news, and a sentence for screen readers and the tooltip; None when either period has no value."""
    if not isinstance(current, (int, float)) or not isinstance(previous, (int, float)):
        return None
    if isinstance(current, bool) or isinstance(previous, bool):
        return None
    kind = METRICS.get(key, (None, DECIMAL))[1]
    if kind == NPS:
        delta = current - previous
        size = _("%(n)s pts", n=_number(abs(delta), 1))
        direction = "same" if abs(delta) < 0.05 else ("up" if delta > 0 else "down")
    elif previous == 0:
        direction = "same" if current == 0 else ("up" if current > 0 else "down")
        size = "" if current else "0%"
    else:
        ratio = (current - previous) / abs(previous)
        direction = "same" if abs(ratio) < 0.005 else ("up" if ratio > 0 else "down")
        size = format_percent(abs(ratio), format="#,##0%")
    good = None if direction == "same" else (direction == "down") == (key in LOWER_IS_BETTER)
    arrow = {"up": "▲", "down": "▼", "same": "="}[direction]
    was = value_text(key, previous)
    sentence = {"up": _("Up %(size)s from %(was)s in the previous period", size=size, was=was).replace("  ", " "),
                "down": _("Down %(size)s from %(was)s in the previous period", size=size, was=was).replace("  ", " "),
                "same": _("The same as in the previous period (%(was)s)", was=was)}[direction]
    return {"direction": direction, "arrow": arrow, "size": size, "good": good, "sentence": sentence}


def metric_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every metric key of the report, in the documented order, with its name, its value now and in
    the previous period, the change and its definition (the definitions section; each number links
    to its row by `anchor`)."""
    metrics, previous, definitions = report["metrics"], report.get("previous") or {}, report.get("definitions") or {}
    keys = [k for k in METRICS if k in metrics or k in definitions]
    keys += [k for k in [*metrics, *definitions] if k not in METRICS and k not in keys]
    rows = []
    for key in dict.fromkeys(keys):
        now, before = metrics.get(key), previous.get(key)
        rows.append({"key": key, "anchor": f"def-{key}", "label": label(key), "value": value_text(key, now),
                     "previous": value_text(key, before), "change": change(key, now, before),
                     "definition": str(definitions.get(key, ""))})
    return rows


def headline(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline tiles: each main number with its change and the smaller numbers beside it."""
    metrics, previous = report["metrics"], report.get("previous") or {}
    tiles = []
    for key, extras in HEADLINE:
        tile = {"key": key, "anchor": f"def-{key}", "label": label(key), "value": value_text(key, metrics.get(key)),
                "change": change(key, metrics.get(key), previous.get(key)), "margin": None,
                "extras": [{"key": k, "anchor": f"def-{k}", "label": label(k), "value": value_text(k, metrics.get(k))}
                           for k in extras]}
        if key == "nps" and metrics.get("nps") is not None and metrics.get("nps_margin_of_error") is not None:
            tile["margin"] = {"anchor": "def-nps_margin_of_error",
                              "value": "± " + _number(metrics["nps_margin_of_error"], 1)}
        tiles.append(tile)
    return tiles


def health_index(report: dict[str, Any]) -> dict[str, Any]:
    """The health index with its change, its sub-scores (0–100, None where the period has no data)
    and its formula as the report states it."""
    previous = report.get("previous_health_index")
    value = report.get("health_index")
    return {"value": "—" if value is None else _number(value), "raw": value,
            "change": change("health_index", value, previous),
            "formula": report.get("health_formula") or "",
            "sub_scores": [{"key": key, "label": str(name), "raw": (report.get("sub_scores") or {}).get(key),
                            "value": "—" if (report.get("sub_scores") or {}).get(key) is None
                            else _number(report["sub_scores"][key])}
                           for key, name in SUB_SCORES.items()]}


def launch(report: dict[str, Any]) -> dict[str, Any]:
    """The launch-readiness verdict: ready or not, the NPS with its margin against the NPS needed."""
    data = dict(report.get("launch") or {})
    nps, margin, needed = data.get("nps"), data.get("margin_of_error"), data.get("needed")
    return {"ready": bool(data.get("ready")), "reason": str(data.get("reason") or ""),
            "nps": value_text("nps", nps), "margin": None if margin is None else "± " + _number(margin, 1),
            "needed": "—" if needed is None else _number(needed, 1)}


def criticism(report: dict[str, Any]) -> dict[str, Any]:
    """The proof that criticism is answered: negative posts, how many were answered by staff or an
    ambassador within 48 h, and their rejection rate beside that of every other post."""
    data = {**{k: report["metrics"].get(k) for k in CRITICISM}, **dict(report.get("criticism") or {})}
    rows = [{"key": k, "anchor": f"def-{k}", "label": label(k), "value": value_text(k, data.get(k))}
            for k in CRITICISM]
    neg, other = data.get("negative_rejection_rate"), data.get("other_rejection_rate")
    buried = neg is not None and other is not None and neg > other
    return {"rows": rows, "buried": buried, "has_data": bool(data.get("negative_posts"))}


def period_text(report: dict[str, Any]) -> str:
    return _("%(start)s to %(end)s", start=report["from"], end=report["to"])


def chart_data(report: dict[str, Any]) -> dict[str, Any]:
    """The charts' data and labels in the reader's language, as the page's JSON block gives them to
    static/js/health.js: rates in per cent, nulls kept as gaps."""
    series = report.get("series") or {}

    def pct(value: Any) -> Any:
        return None if value is None else round(value * 100, 1)

    weekly = list(series.get("weekly") or [])
    trend = list(series.get("nps_trend") or [])
    cohorts = list((report["metrics"] or {}).get("retention_cohorts") or [])
    return {
        "locale": _locale(),
        "labels": {
            "active_members": _("Active members"), "questions": _("Questions"), "answers": _("Answers"),
            "response_rate_24h": _("Answered within 24 h"), "solved_rate": _("Solved"),
            "nps": _("NPS"), "margin": _("Margin of error"), "responses": _("answers"),
            "ideas": _("Ideas"), "cohort": _("Cohort (week of sign-up)"), "weeks_after": _("Weeks after sign-up"),
            "week": _("Week %(n)s"), "retained": _("retained"), "members": _("members"),
            "no_data": _("No data in this period"),
        },
        "activity": {"days": list(series.get("days") or []),
                     "active_members": list(series.get("active_members") or []),
                     "questions": list(series.get("questions") or []), "answers": list(series.get("answers") or [])},
        "rates": {"weeks": [w["week"] for w in weekly],
                  "response_rate_24h": [pct(w.get("response_rate_24h")) for w in weekly],
                  "solved_rate": [pct(w.get("solved_rate")) for w in weekly]},
        "nps": {"months": [t["month"] for t in trend], "nps": [t.get("nps") for t in trend],
                "low": [None if t.get("nps") is None or t.get("margin") is None else round(t["nps"] - t["margin"], 1)
                        for t in trend],
                "high": [None if t.get("nps") is None or t.get("margin") is None else round(t["nps"] + t["margin"], 1)
                         for t in trend],
                "responses": [t.get("responses") for t in trend]},
        "funnel": {"stages": [stage_label(s["stage"]) for s in series.get("idea_funnel") or []],
                   "counts": [s["count"] for s in series.get("idea_funnel") or []]},
        "cohorts": {"cohorts": [c["cohort"] for c in cohorts], "sizes": [c["size"] for c in cohorts],
                    "retained": [[pct(r) for r in c.get("retained") or []] for c in cohorts]},
    }


# ----------------------------------------------------------------------------- inline SVG charts (the export)

PALETTE = ("#3b5bdb", "#1f9d55", "#b7791f", "#7048e8", "#c92a2a")
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 260, 52, 26, 14, 32


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _axes(ymax: float, xlabels: list[str], unit: str = "") -> list[str]:
    parts = []
    for i in range(5):
        v = ymax * i / 4
        y = PAD_T + (H - PAD_T - PAD_B) * (1 - i / 4)
        parts.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#e3e6eb"/>')
        parts.append(f'<text x="{PAD_L - 6}" y="{_fmt(y + 4)}" text-anchor="end">{escape(_fmt(v))}{unit}</text>')
    n = len(xlabels)
    step = max(1, math.ceil(n / 5))
    for i in range(0, n, step):
        x = _x(i, n)
        parts.append(f'<text x="{_fmt(x)}" y="{H - 8}" text-anchor="middle">{escape(xlabels[i])}</text>')
    return parts


def _x(i: int, n: int) -> float:
    return PAD_L + (W - PAD_L - PAD_R) * (i / (n - 1) if n > 1 else 0.5)


def _y(v: float, ymin: float, ymax: float) -> float:
    span = (ymax - ymin) or 1
    return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - ymin) / span)


def _svg(title: str, body: list[str], legend: list[tuple[str, str]]) -> str:
    keys = "".join(f'<span class="key"><i style="background:{c}"></i>{escape(n)}</span>' for n, c in legend)
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
            f'font-size="14" fill="#6b7585">{"".join(body)}</svg>'
            f'<div class="legend">{keys}</div></figure>')


def _nice_max(values: list[float]) -> float:
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(top))
    for m in (1, 2, 2.5, 5, 10):
        if top <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _polyline(values: list[Any], ymin: float, ymax: float, color: str) -> str:
    n, runs, run = len(values), [], []
    for i, v in enumerate(values):
        if v is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{_fmt(_x(i, n))},{_fmt(_y(v, ymin, ymax))}")
    if run:
        runs.append(run)
    out = []
    for r in runs:
        if len(r) == 1:
            x, y = r[0].split(",")
            out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>')
        else:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(r)}"/>')
    return "".join(out)


def line_chart(title: str, xlabels: list[str], lines: list[tuple[str, list[Any]]], *, unit: str = "",
               ymax: float | None = None) -> str:
    """Lines over a shared x axis as inline SVG; nulls break the line."""
    if not xlabels:
        return _empty(title)
    top = ymax or _nice_max([v for _, vals in lines for v in vals if v is not None])
    body = _axes(top, xlabels, unit)
    body += [_polyline(vals, 0, top, PALETTE[i % len(PALETTE)]) for i, (_, vals) in enumerate(lines)]
    return _svg(title, body, [(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(lines)])


def band_chart(title: str, xlabels: list[str], values: list[Any], low: list[Any], high: list[Any],
               names: tuple[str, str]) -> str:
    """A line with its margin of error as a shaded band (the NPS trend), on a −100…100 scale clipped to the data."""
    if not xlabels:
        return _empty(title)
    known = [v for v in [*low, *high, *values] if v is not None]
    lo, hi = max(-100.0, min(known + [0])), min(100.0, max(known + [10]))
    step = next(s for s in (5, 10, 20, 25, 50, 100) if (hi - lo) / s <= 5)
    ymin, ymax = math.floor(lo / step) * step, math.ceil(hi / step) * step
    n = len(xlabels)
    body = []
    for i in range(int((ymax - ymin) / step) + 1):
        v = ymin + step * i
        y = _y(v, ymin, ymax)
        body.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#e3e6eb"/>')
        body.append(f'<text x="{PAD_L - 6}" y="{_fmt(y + 4)}" text-anchor="end">{escape(_fmt(v))}</text>')
    step_x = max(1, math.ceil(n / 5))
    body += [f'<text x="{_fmt(_x(i, n))}" y="{H - 8}" text-anchor="middle">{escape(xlabels[i])}</text>'
             for i in range(0, n, step_x)]
    pts = [i for i in range(n) if low[i] is not None and high[i] is not None]
    if pts:
        upper = [f"{_fmt(_x(i, n))},{_fmt(_y(high[i], ymin, ymax))}" for i in pts]
        lower = [f"{_fmt(_x(i, n))},{_fmt(_y(low[i], ymin, ymax))}" for i in reversed(pts)]
        if len(pts) == 1:
            x = _x(pts[0], n)
            body.append(f'<rect x="{_fmt(x - 6)}" width="12" y="{_fmt(_y(high[pts[0]], ymin, ymax))}" '
                        f'height="{_fmt(_y(low[pts[0]], ymin, ymax) - _y(high[pts[0]], ymin, ymax))}" '
                        'fill="#3b5bdb" fill-opacity=".15"/>')
        else:
            body.append(f'<polygon fill="#3b5bdb" fill-opacity=".15" points="{" ".join(upper + lower)}"/>')
    body.append(_polyline(values, ymin, ymax, PALETTE[0]))
    return _svg(title, body, [(names[0], PALETTE[0]), (names[1], "rgba(59,91,219,.3)")])


def bar_chart(title: str, xlabels: list[str], values: list[Any]) -> str:
    """Vertical bars with their values (the idea funnel)."""
    if not xlabels:
        return _empty(title)
    top = _nice_max(values)
    body = _axes(top, [], "")
    n = len(xlabels)
    slot = (W - PAD_L - PAD_R) / n
    for i, (name, v) in enumerate(zip(xlabels, values)):
        x = PAD_L + slot * i + slot * 0.15
        y = _y(v or 0, 0, top)
        body.append(f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(slot * 0.7)}" '
                    f'height="{_fmt(H - PAD_B - y)}" fill="{PALETTE[0]}" rx="3"/>')
        body.append(f'<text x="{_fmt(x + slot * 0.35)}" y="{_fmt(y - 4)}" text-anchor="middle" '
                    f'fill="#1c2330">{v}</text>')
        body.append(f'<text x="{_fmt(x + slot * 0.35)}" y="{H - 8}" text-anchor="middle">{escape(name)}</text>')
    return _svg(title, body, [])


def heat_table(title: str, cohorts: list[str], sizes: list[int], retained: list[list[Any]],
               week_label: str, size_label: str) -> str:
    """The cohort-retention heat map as a table whose cells are shaded by the share retained."""
    if not cohorts:
        return _empty(title)
    weeks = max([len(r) for r in retained] + [1])
    head = "".join(f"<th>{escape(week_label % {'n': w})}</th>" for w in range(weeks))
    rows = []
    for cohort, size, values in zip(cohorts, sizes, retained):
        cells = []
        for w in range(weeks):
            v = values[w] if w < len(values) else None
            if v is None:
                cells.append("<td></td>")
            else:
                alpha = max(0.06, min(1, v / 100))
                ink = "#fff" if alpha > 0.55 else "#1c2330"
                cells.append(f'<td style="background:rgba(59,91,219,{alpha:.2f});color:{ink}">{_fmt(v)}%</td>')
        rows.append(f"<tr><th>{escape(cohort)}</th><td class=\"n\">{size}</td>{''.join(cells)}</tr>")
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption><div class="scroll"><table class="heat">'
            f"<thead><tr><th></th><th>{escape(size_label)}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div></figure>")


def _empty(title: str) -> str:
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="muted">{escape(_("No data in this period"))}</p></figure>'


def export_charts(report: dict[str, Any]) -> list[str]:
    """The dashboard's five charts as inline SVG (and one shaded table) for the HTML export."""
    data = chart_data(report)
    lab = data["labels"]
    act, rates, nps, funnel, coh = data["activity"], data["rates"], data["nps"], data["funnel"], data["cohorts"]
    days = [d[5:] for d in act["days"]]
    return [
        line_chart(_("Activity per day"), days, [(lab["active_members"], act["active_members"]),
                                                 (lab["questions"], act["questions"]), (lab["answers"], act["answers"])]),
        line_chart(_("Response and solved rates per week"), [w[5:] for w in rates["weeks"]],
                   [(lab["response_rate_24h"], rates["response_rate_24h"]), (lab["solved_rate"], rates["solved_rate"])],
                   unit="%", ymax=100),
        band_chart(_("NPS trend with its margin of error"), nps["months"], nps["nps"], nps["low"], nps["high"],
                   (lab["nps"], lab["margin"])),
        bar_chart(_("Idea funnel"), funnel["stages"], funnel["counts"]),
        heat_table(_("Cohort retention"), coh["cohorts"], coh["sizes"], coh["retained"],
                   lab["week"], _("Members")),
    ]


def report_context(report: dict[str, Any]) -> dict[str, Any]:
    """Everything the dashboard page and the HTML export show of a report."""
    return {"report": report, "period": period_text(report), "index": health_index(report),
            "headline": headline(report), "launch": launch(report), "criticism": criticism(report),
            "definitions": metric_rows(report)}


def render_report_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML file (inline CSS and SVG charts, no script and no address
    outside the file), to e-mail to a manager: `forum report --format html`. Rendered without the
    site's layout context, so it works from the command line as on a request."""
    css = (Path(current_app.static_folder or "static") / "css" / "health.css").read_text(encoding="utf-8")
    days = (dt.date.fromisoformat(report["to"]) - dt.date.fromisoformat(report["from"])).days + 1
    template = current_app.jinja_env.get_template("health/export.html")
    return template.render(charts=[Markup(c) for c in export_charts(report)], dashboard_css=Markup(css),
                           generated=db.utcnow().strftime("%Y-%m-%d %H:%M UTC"), lang=_locale(), days=days,
                           site_name=current_app.config["SITE_NAME"], **report_context(report))
