"""The health report as one self-contained HTML file (forum.health.export.render_report_html, for
`forum report --format html`): every number and definition of the report, the charts as inline SVG,
no script and no address outside the file, in the reader's language, over a hand-made report and
over the real one."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from flask_babel import force_locale

from forum.health import export
from forum.health.queries import health_report
from tests.health.dashboard_fixture import METRIC_KEYS, sample_report


class _Refs(HTMLParser):
    """Every tag and every attribute that could load something from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href") and value:
                self.refs.append(value)


def _parse(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


def test_the_file_is_self_contained(ctx):
    html = export.render_report_html(sample_report())
    parsed = _parse(html)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "iframe" not in parsed.tags and "object" not in parsed.tags
    assert all(ref.startswith("#") for ref in parsed.refs), [r for r in parsed.refs if not r.startswith("#")]
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(|@import", html, re.I)
    assert html.count("<svg") == 4 and '<table class="heat">' in html
    assert html.lstrip().lower().startswith("<!doctype html>") and "<style>" in html


def test_the_file_has_every_number_and_definition(ctx):
    html = export.render_report_html(sample_report())
    for key in METRIC_KEYS:
        assert f'id="def-{key}"' in html and f"Definition of {key}." in html, key
    anchors = set(re.findall(r'id="(def-[a-z0-9_]+)"', html))
    assert set(re.findall(r'href="#(def-[a-z0-9_]+)"', html)) <= anchors
    assert "2030-05-02 to 2030-05-31" in html
    assert ">1,200<" in html and "▲ 25%" in html and "± 11.5" in html
    assert "0.2·growth" in html and 'data-launch="ready"' in html
    assert "60%" in html and "100%" in html                       # the cohort cells
    assert "Submitted" in html                                    # the funnel's stage names


def test_the_charts_show_the_data_they_are_given(ctx):
    svg = export.line_chart("t", ["a", "b", "c"], [("x", [0, 5, 10])])
    assert svg.count("<polyline") == 1 and "<text" in svg
    gap = export.line_chart("t", ["a", "b", "c", "d"], [("x", [1, None, 3, 4])])
    assert gap.count("<polyline") == 1 and gap.count("<circle") == 1   # the null breaks the line
    band = export.band_chart("n", ["2030-01", "2030-02"], [10, 20], [0, 10], [20, 30], ("NPS", "margin"))
    assert "<polygon" in band and 'fill-opacity=".15"' in band
    bars = export.bar_chart("f", ["A", "B"], [4, 2])
    assert bars.count("<rect") == 2 and ">4<" in bars and ">2<" in bars
    assert "No data in this period" in export.line_chart("t", [], [])
    assert "No data in this period" in export.heat_table("h", [], [], [], "Week %(n)s", "Members")


def test_labels_are_escaped(ctx):
    svg = export.bar_chart("<b>", ["<script>alert(1)</script>"], [1])
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_file_in_chinese(ctx):
    with force_locale("zh"):
        html = export.render_report_html(sample_report())
    assert '<html lang="zh">' in html and "社区健康" in html and "健康指数" in html and "创意漏斗" in html


def test_the_real_report_of_an_empty_community(ctx):
    html = export.render_report_html(health_report(dt.date(2030, 5, 1), dt.date(2030, 5, 31),
                                                   now=dt.datetime(2030, 6, 1)))
    assert "—" in html and "No data in this period" in html
    assert 'id="def-solved_rate"' in html
    assert not re.search(r"https?://", html)


def test_the_file_renders_outside_a_request(app: Any):
    """`forum report --format html` runs in an application context only."""
    with app.app_context():
        html = export.render_report_html(sample_report())
    assert "Community health" in html and "Acme Community" in html or app.config["SITE_NAME"] in html
