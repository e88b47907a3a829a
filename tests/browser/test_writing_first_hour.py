"""A new member's first hour in a real browser (issue 14) against the live `site`
(tests/browser/conftest.py): they sign up, try to vote and are told why not beside the buttons
(no error page), ask with an existing tag found by the autocomplete, use the Markdown toolbar and
see the live preview, get their draft back after a reload and lose it once posted, comment on their
own question, and read their points history in words once someone up-votes them. No console
error, no CSP violation.

Selectors are roles, labels, visible names and form field names, not layout classes.
"""

from __future__ import annotations

import re

from tests.browser.conftest import SAML_TITLE
from tests.browser.helpers import PASSWORD, needs_chromium, new_page, shot

pytestmark = needs_chromium

TITLE = "How do I export the audit log as CSV every week?"


def test_a_new_members_first_hour(site, browser):
    watched = new_page(browser)
    page = watched.page
    page.goto(site.url + "/signup")
    form = page.locator("form").filter(has=page.locator("input[name=confirm]"))
    form.locator("input[name=username]").fill("wen")
    form.locator("input[name=email]").fill("wen@example.com")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").fill(PASSWORD)
    form.get_by_role("button", name="Create account").click()
    page.wait_for_url(lambda url: "/signup" not in url)

    # The checklist offers what a new member can do now: no "Vote on a post" yet.
    page.goto(site.url + "/")
    checklist = page.get_by_role("region", name="Get started")
    assert checklist.get_by_text("Ask a question or answer one").count() == 1
    assert checklist.get_by_role("listitem").filter(has_text="Vote on a post").count() == 0
    assert checklist.get_by_text(re.compile(r"Later, at 15 points: Vote on a post")).count() == 1

    # Trying to vote: told why, in place.
    page.goto(f"{site.url}/questions/{site.ids['question']}")
    up = page.get_by_role("button", name="Vote up").first
    assert up.get_attribute("aria-disabled") == "true"
    assert up.get_attribute("title") == "Voting up needs 15 points; you have 0."
    up.click(force=True)  # aria-disabled, not disabled: a member can still press it and be told why
    note = page.get_by_role("status").filter(has_text="Voting up needs 15 points; you have 0.")
    note.first.wait_for(state="visible")
    assert page.get_by_role("heading", name=SAML_TITLE).count() == 1  # still the question, no error page
    assert page.get_by_text("Commenting on others' posts needs 50 points; you have 0.").count() >= 1
    shot(page, site.artifacts, "first-hour-vote-refused-desktop")
    watched.clean("trying to vote")

    # Asking: toolbar, live preview, tag autocomplete, a draft kept over a reload.
    page.goto(site.url + "/ask")
    assert page.get_by_text("Creating a new tag needs 300 points; you have 0.").count() == 1
    page.locator("input[name=title]").fill(TITLE)
    body = page.locator("textarea[name=body]")
    body.fill("Our auditors want ")
    body.press("End")
    page.get_by_role("button", name="Bold").click()
    assert "Our auditors want **bold**" in body.input_value()
    page.get_by_role("button", name="Bulleted list").click()
    preview = page.locator(".md-preview-body")
    preview.locator("strong", has_text="bold").wait_for()
    body.fill("Our auditors want a **weekly** file.\n\n<script>alert(1)</script>")
    preview.locator("strong", has_text="weekly").wait_for()
    assert preview.locator("script").count() == 0 and "<script>alert(1)</script>" in preview.inner_text()
    tags = page.get_by_role("combobox", name="Tags")
    tags.press_sequentially("expo", delay=30)
    option = page.get_by_role("option", name=re.compile(r"^export\b"))
    option.wait_for()
    shot(page, site.artifacts, "first-hour-ask-autocomplete-desktop")
    assert re.search(r"\d+ questions?", option.inner_text())
    tags.press("ArrowDown")
    tags.press("Enter")
    assert tags.input_value() == "export, "
    page.wait_for_timeout(700)  # the draft is saved half a second after the last key
    page.reload()
    assert page.locator("input[name=title]").input_value() == TITLE
    assert "weekly" in page.locator("textarea[name=body]").input_value()
    assert page.get_by_text("Draft restored from this browser.").is_visible()
    shot(page, site.artifacts, "first-hour-ask-desktop")
    page.get_by_role("button", name="Post your question").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    assert page.get_by_text("Your question is posted.").count() == 1
    question_url = page.url
    page.goto(site.url + "/ask")
    assert page.locator("input[name=title]").input_value() == ""  # the draft went with the post
    watched.clean("asking")

    # Commenting on their own question is open to them.
    page.goto(question_url)
    page.get_by_text("Add a comment").first.click()
    page.get_by_role("textbox", name="Comment").first.fill("Weekly on Mondays would be ideal.")
    page.get_by_role("button", name="Comment", exact=True).first.click()
    page.get_by_text("Your comment is posted.").wait_for()
    assert page.get_by_text("Weekly on Mondays would be ideal.").count() == 1
    watched.clean("commenting")

    # Someone up-votes the question; the points history says so in words, with the title as the link.
    voter = new_page(browser, state=site.state(browser, "vic"))
    voter.page.goto(question_url)
    voter.page.get_by_role("button", name="Vote up").first.click()
    voter.page.wait_for_timeout(500)
    voter.clean("voting")
    page.goto(question_url)
    page.get_by_role("link", name=re.compile("wen")).first.click()
    page.goto(page.url.rstrip("/") + "/points")
    entry = page.get_by_role("listitem").filter(has_text="Your question “")
    assert entry.filter(has_text="was up-voted").count() == 1
    assert entry.get_by_role("link", name=TITLE).count() == 1
    assert not re.search(r"question #\d+", page.content())
    shot(page, site.artifacts, "first-hour-points-desktop")
    watched.clean("points history")

    # On a phone: the refusal note and the writing tools fit 375 px without sideways scrolling.
    phone = new_page(browser, "phone", state=page.context.storage_state())
    phone.page.goto(f"{site.url}/questions/{site.ids['question']}")
    phone.page.get_by_role("button", name="Vote up").first.click(force=True)
    phone.page.get_by_role("status").filter(has_text="Voting up needs 15 points").first.wait_for(state="visible")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone.page, site.artifacts, "first-hour-vote-refused-phone")
    phone.page.goto(site.url + "/ask")
    phone.page.get_by_role("combobox", name="Tags").press_sequentially("bil", delay=30)
    phone.page.get_by_role("option", name=re.compile(r"^billing\b")).wait_for()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone.page, site.artifacts, "first-hour-ask-phone")
    phone.clean("phone")
    for w in (watched, voter, phone):
        w.page.context.close()
