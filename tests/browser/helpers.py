"""Shared pieces of the browser tests (tests/browser/conftest.py has the fixtures): where chromium
is, the two viewports, pages that record console errors and CSP violations, signing in through the
login form, screenshots into the artifacts folder.

Debian's chromium is launched directly (never `playwright install`); without it every browser test
skips with the reason. Run them with `make browser` first, or just `pytest tests/browser`.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
PASSWORD = "correct horse battery"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
TIMEOUT_MS = 20_000  # generous: CI machines are shared


def chromium_missing() -> str | None:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        return f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


needs_chromium = pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")

# Recorded in every page before its own scripts run: the CSP violations the document reports.
_CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                              " (" + (e.sourceFile || "") + ":" + (e.lineNumber || 0) + ")");
});
"""


class Watched:
    """A page with the console errors, uncaught exceptions and CSP violations it met; `clean()`
    asserts there were none (CSP violations also reach the console as errors in Chromium)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        page.add_init_script(_CSP_PROBE)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text} ({msg.location.get('url', '')})")

    def clean(self, where: str = "") -> None:
        try:
            violations = self.page.evaluate(
                "(() => { const v = window.__cspViolations || []; window.__cspViolations = []; return v; })()")
        except Exception:  # the page is navigating; its console errors are still recorded
            violations = []
        problems = self.problems + [f"CSP violation: {v}" for v in violations]
        self.problems = []
        assert problems == [], f"{where or self.page.url}: " + "; ".join(problems)


def new_page(browser: Any, viewport: str = "desktop", *, state: dict[str, Any] | None = None,
             bypass_csp: bool = False) -> Watched:
    context = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1, locale="en-US",
                                  storage_state=state, bypass_csp=bypass_csp)
    return Watched(context.new_page())


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base + "/login")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.get_by_role("button", name="Sign out", include_hidden=True).count() >= 1, f"{username} is not signed in"


def shot(page: Any, folder: Path, name: str) -> Path:
    """A full-page screenshot into the artifacts folder (the sticky header at the top)."""
    page.evaluate("window.scrollTo(0, 0)")
    path = folder / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def points_of(page: Any, base: str, user_id: int) -> int:
    """A member's points as their profile page shows them."""
    page.goto(f"{base}/users/{user_id}")
    value = page.locator("dl div").filter(has=page.locator("dt", has_text=re.compile(r"^\s*Points\s*$"))) \
        .locator("dd").first.inner_text()
    return int(re.sub(r"[^\d-]", "", value))
