"""Each main page at desktop (1280 px) and phone (375 px) width, in chromium against the live `site`:
it loads without a console error or CSP violation, a full-page screenshot goes to the artifacts
folder ($BROWSER_ARTIFACTS), and the vendored axe-core finds no "serious" or "critical" violation
(labels, names, contrast, ARIA, …). Keyboard focus is checked by tabbing through pages: every
focused control shows a focus indicator.

axe is the vendored static/vendor/axe-core-<version>/axe.min.js. page.add_script_tag(path=...)
would add it as an inline script, which the CSP rightly refuses; so the file is served to the page
at a same-origin address (page.route) and added with add_script_tag(url=...): the CSP stays on while
axe runs, in the same page that was just checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import needs_chromium, new_page, shot

pytestmark = needs_chromium

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "static" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_URL = "/__browser-tests__/axe.min.js"  # answered by page.route from AXE, never by the forum
BLOCKING = ("serious", "critical")

# name → (path, who looks at it; None is a visitor). {question} and {idea} come from the seed.
PAGES: dict[str, tuple[str, str | None]] = {
    "home": ("/", "olga"),  # olga is due for the NPS survey: the prompt is checked too
    "home-visitor": ("/", None),
    "question": ("/questions/{question}", "olga"),
    "ask": ("/ask", "olga"),
    "idea-board": ("/ideas", "olga"),
    "idea": ("/ideas/{idea}", "olga"),
    "search": ("/search?q=invoices", "olga"),
    "login": ("/login", None),
    "signup": ("/signup", None),
    "settings": ("/settings", "olga"),
    "moderation-queue": ("/moderation/queue", "mona"),
    "dashboard": ("/reports/health", "ada"),
}

# (axe rule, page) pairs that are known and owned elsewhere, with the reason. Keep it short.
KNOWN: dict[tuple[str, str], str] = {}


def _known(rule: str, name: str, viewport: str) -> bool:
    return any(key in KNOWN for key in ((rule, name), (rule, f"{name}@{viewport}"), (rule, f"*@{viewport}")))


@pytest.fixture(scope="module")
def tabs(site: Any, browser: Any) -> Any:
    """One page per (viewer, viewport), reused by the tests of this module; each serves axe at
    AXE_URL."""
    opened: dict[tuple[str | None, str], Any] = {}

    def get(who: str | None, viewport: str) -> Any:
        key = (who, viewport)
        if key not in opened:
            state = site.state(browser, who) if who else None
            watched = new_page(browser, viewport, state=state)
            watched.page.route(site.url + AXE_URL, lambda route: route.fulfill(
                path=str(AXE), content_type="application/javascript; charset=utf-8"))
            opened[key] = watched
        return opened[key]

    yield get
    for watched in opened.values():
        watched.page.context.close()


def _url(site: Any, name: str) -> str:
    return site.url + PAGES[name][0].format(**site.ids)


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(url=AXE_URL)
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — " + (n.failureSummary || "")
                .split("\\n").slice(1, 2).join(" ").trim() + " — " + n.html.slice(0, 160))}));
    }""")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_main_page_loads_cleanly_and_passes_axe(site, tabs, name, viewport):
    who = PAGES[name][1]
    watched = tabs(who, viewport)
    response = watched.page.goto(_url(site, name))
    assert response is not None and response.status == 200, f"{name}: HTTP {response and response.status}"
    watched.page.get_by_role("heading", level=1).first.wait_for()
    if name == "dashboard":
        watched.page.wait_for_function("() => !window.Chart || [...document.querySelectorAll('canvas')]"
                                       ".every(c => window.Chart.getChart(c))")
    watched.clean(f"{name} ({viewport})")
    shot(watched.page, site.artifacts, f"{name}-{viewport}")

    violations = [v for v in _axe(watched.page) if v["impact"] in BLOCKING and not _known(v["id"], name, viewport)]
    watched.clean(f"{name} ({viewport}) while axe ran")
    assert violations == [], f"{name} ({viewport}): " + "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


def test_known_exceptions_still_happen(site, tabs):
    """A known exception that axe no longer reports is removed from KNOWN (it is fixed)."""
    for rule, where in KNOWN:
        name, _, viewport = where.partition("@")
        name = "home" if name == "*" else name
        checker = tabs(PAGES[name][1], viewport or "desktop")
        checker.page.goto(_url(site, name))
        checker.page.get_by_role("heading", level=1).first.wait_for()
        found = {v["id"] for v in _axe(checker.page)}
        assert rule in found, f"{rule} on {where} is fixed: drop it from KNOWN"


_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.tagName)
        .trim().slice(0, 40);
    return {label, tag: el.tagName, indicator: outline || shadow, visible: box.width > 0 && box.height > 0};
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", ["home", "home-visitor", "question", "ask", "login"])
def test_keyboard_focus_is_visible(site, tabs, name, viewport):
    """Tabbing from the top: the skip link comes first, and every control that takes the focus
    shows an indicator (outline or ring) and is on screen."""
    watched = tabs(PAGES[name][1], viewport)
    watched.page.goto(_url(site, name))
    watched.page.get_by_role("heading", level=1).first.wait_for()
    seen = []
    for _ in range(14):
        watched.page.keyboard.press("Tab")
        focused = watched.page.evaluate(_FOCUSED)
        if focused is None:
            break
        seen.append(focused)
    assert seen, f"{name}: nothing takes the keyboard focus"
    assert seen[0]["label"] == "Skip to content", f"{name}: the first stop is {seen[0]}"
    bad = [f for f in seen if not (f["indicator"] and f["visible"])]
    assert bad == [], f"{name} ({viewport}): focus without a visible indicator: {bad}"
    watched.clean(f"{name} keyboard ({viewport})")
