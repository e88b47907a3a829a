"""Every main page fits a 375 px phone with no sideways scroll (issue 14), in English and Chinese:
`document.documentElement.scrollWidth` is at most the viewport's 375 px on each page, signed in as
an admin (who sees every staff page), with the phone menu folding the navigation behind its button."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import PASSWORD, new_page

PAGES = {
    "home": "/", "question": "/questions/{question}", "ask": "/ask", "search": "/search?q=export+invoices",
    "idea board": "/ideas", "idea page": "/ideas/{idea}", "review": "/ideas/review", "roadmap": "/ideas/roadmap",
    "profile": "/users/{helper}", "settings": "/settings", "notifications": "/notifications",
    "leaderboard": "/leaderboard", "ambassadors": "/ambassadors", "moderation queue": "/moderation/queue",
    "health dashboard": "/reports/health", "accounts report": "/reports/accounts",
    "admin organizations": "/admin/organizations",
}


def _phone_admin(site: Any, browser: Any, locale: str) -> dict[str, Any]:
    """The signed-in cookies of an admin reading in `locale` (made once; the seeded admin keeps
    English for the other tests)."""
    username = f"phone_{locale}"
    if username not in site.states:
        from forum import db
        from tests.factories import make_org, make_user

        with site.app.app_context():
            make_user(username, roles=("admin",), locale=locale,
                      display_name="手机管理员" if locale == "zh" else "Phone Admin With A Long Name",
                      organization=make_org(f"Phone organization {locale} with a rather long name"))
            db.session.commit()
        watched = new_page(browser)
        page = watched.page
        page.goto(site.url + "/login")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        assert page.locator(".user-chip").count() == 1, f"{username} is not signed in"
        site.states[username] = page.context.storage_state()
        page.context.close()
    return site.states[username]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_main_page_fits_375px(site, browser, locale):
    watched = new_page(browser, "phone", state=_phone_admin(site, browser, locale))
    page = watched.page
    wide = {}
    for name, path in PAGES.items():
        response = page.goto(site.url + path.format(**site.ids))
        assert response is not None and response.status == 200, (name, response and response.status)
        assert page.evaluate("document.documentElement.lang") == locale, name
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[name] = width
    assert not wide, f"pages wider than 375 px ({locale}): {wide}"
    watched.clean()


def test_the_phone_menu_button_opens_the_navigation(site, browser):
    watched = new_page(browser, "phone", state=_phone_admin(site, browser, "en"))
    page = watched.page
    page.goto(site.url + "/")
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-nav").is_visible()
    assert page.locator(".header-ask").is_visible(), "the Ask button stays in the header on phones"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    ideas = page.locator("#site-nav a", has_text="Ideas")
    assert ideas.is_visible()
    box = ideas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.locator("#site-nav a", has_text="Admin").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    watched.clean()


def test_without_javascript_the_links_wrap_instead_of_scrolling(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False,
                                  storage_state=_phone_admin(site, browser, "en"))
    page = context.new_page()
    page.goto(site.url + "/")
    assert page.locator("#site-nav").is_visible() and not page.locator(".nav-toggle").is_visible()
    last = page.locator("#site-nav .nav-staff a").last
    box = last.bounding_box()
    assert box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_the_header_shows_the_whole_name_at_1280px(site, browser):
    watched = new_page(browser, "desktop", state=_phone_admin(site, browser, "en"))
    page = watched.page
    page.goto(site.url + "/")
    name = page.locator(".user-chip-name")
    assert name.inner_text() == "Phone Admin With A Long Name"
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth", name.element_handle())
    watched.clean()


def test_hovering_a_name_shows_the_member_card(site, browser):
    watched = new_page(browser, "desktop", state=_phone_admin(site, browser, "en"))
    page = watched.page
    page.goto(site.url + f"/questions/{site.ids['question']}")
    link = page.locator("a.user-link[data-usercard]").first
    assert (link.get_attribute("title") or "").startswith("@")
    link.hover()
    card = page.locator(".usercard")
    card.wait_for(state="visible")
    assert "points" in card.inner_text() and "@" in card.inner_text()
    assert page.locator(".usercard .avatar").count() == 1
    page.mouse.move(5, 5)
    card.wait_for(state="hidden")
    watched.clean()
