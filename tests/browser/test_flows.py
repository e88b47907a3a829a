"""The main flows in a real browser against the live `site` (tests/browser/conftest.py): a visitor
signs up and asks (seeing similar questions while typing), another member answers, a third votes,
the asker accepts, and the points change on the profiles; an idea is submitted, approved by an
admin in the moderation queue and supported; a member answers the NPS prompt; a moderator approves
a post the NPS gate held; the health dashboard draws its charts. Every page must get through
without a console error or a CSP violation. Screenshots go to the artifacts folder.

Selectors are roles, labels, visible names and form field names, not layout classes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import HELD_TITLE, SAML_TITLE
from tests.browser.helpers import PASSWORD, needs_chromium, new_page, points_of, shot, sign_in

pytestmark = needs_chromium


def _post_id(url: str, kind: str) -> int:
    match = re.search(rf"/{kind}/(\d+)", url)
    assert match, f"no /{kind}/<id> in {url}"
    return int(match.group(1))


def _answer(page: Any, text: str) -> Any:
    """The answer (an article) that contains `text`."""
    return page.get_by_role("article").filter(has_text=text)


def test_sign_up_ask_answer_vote_accept_and_points(site, browser):
    points = site.app.config["POINTS"]
    asker = new_page(browser)
    page = asker.page
    page.goto(site.url + "/")
    page.get_by_role("link", name="Sign up").first.click()
    form = page.locator("form").filter(has=page.locator("input[name=confirm]"))
    form.locator("input[name=username]").fill("rosa")
    form.locator("input[name=email]").fill("rosa@example.com")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").fill(PASSWORD)
    form.get_by_role("button", name="Create account").click()
    page.wait_for_url(lambda url: "/signup" not in url)
    assert page.get_by_role("button", name="Sign out", include_hidden=True).count() >= 1
    asker.clean("after signing up")

    page.get_by_role("link", name="Ask", exact=True).first.click()
    page.wait_for_url("**/ask")
    title = page.locator("input[name=title]")
    title.press_sequentially("SAML login loop", delay=20)
    suggestions = page.get_by_role("heading", name=re.compile("Similar questions"))
    suggestions.wait_for(state="visible")
    similar = page.get_by_role("link", name=SAML_TITLE)
    similar.wait_for(state="visible")
    shot(page, site.artifacts, "flow-ask-similar-desktop")
    title.fill("SAML login loop: which clock does the IdP check?")
    page.locator("textarea[name=body]").fill("Our IdP and the forum disagree by two minutes. Which clock wins?")
    page.locator("input[name=tags]").fill("sso")
    page.get_by_role("button", name="Post your question").click()
    page.get_by_role("heading", name="SAML login loop: which clock does the IdP check?").wait_for()
    question_url = page.url
    question_id = _post_id(question_url, "questions")
    asker.clean("after asking")
    with site.app.app_context():
        from forum import db
        from forum.qa.models import Question
        asker_id = db.session.get(Question, question_id).author_id

    # Another member answers.
    helper = new_page(browser, state=site.state(browser, "devon"))
    helper_before = points_of(helper.page, site.url, site.ids["helper"])
    asker_before = points_of(helper.page, site.url, asker_id)
    helper.page.goto(question_url)
    helper.page.get_by_role("textbox", name="Your answer").fill("The IdP's clock: allow at most 60 seconds of skew, then sync NTP.")
    helper.page.get_by_role("button", name="Post your answer").click()
    answer = _answer(helper.page, "allow at most 60 seconds of skew")
    answer.wait_for()
    helper.clean("after answering")

    # A third member votes the question and the answer up (without a reload).
    voter = new_page(browser, state=site.state(browser, "vic"))
    voter.page.goto(question_url)
    card = _answer(voter.page, "allow at most 60 seconds of skew")
    score = card.get_by_label("Score")
    before = int(score.inner_text())
    card.get_by_role("button", name="Vote up").click()
    voter.page.wait_for_function("([el, n]) => el.textContent.trim() === String(n)",
                                 arg=[score.element_handle(), before + 1])
    question_vote = voter.page.get_by_role("button", name="Vote up").first
    question_vote.click()
    voter.page.wait_for_timeout(300)
    voter.page.reload()
    assert int(_answer(voter.page, "allow at most 60 seconds of skew").get_by_label("Score").inner_text()) == before + 1
    voter.clean("after voting")

    # The asker accepts it.
    page.goto(question_url)
    _answer(page, "allow at most 60 seconds of skew").get_by_role("button", name="Accept this answer").click()
    page.wait_for_load_state()
    accepted = _answer(page, "allow at most 60 seconds of skew")
    assert accepted.get_by_text("Accepted answer").count() == 1
    assert accepted.get_by_role("button", name="Unaccept this answer").count() == 1
    shot(page, site.artifacts, "flow-question-accepted-desktop")
    asker.clean("after accepting")

    helper_after = points_of(helper.page, site.url, site.ids["helper"])
    assert helper_after - helper_before == points["answer_upvoted"] + points["answer_accepted"]
    asker_after = points_of(helper.page, site.url, asker_id)
    assert asker_after - asker_before >= points["question_upvoted"]
    helper.page.goto(f"{site.url}/users/{asker_id}")
    shot(helper.page, site.artifacts, "flow-asker-profile-desktop")
    helper.clean("profiles")
    for w in (asker, helper, voter):
        w.page.context.close()


def test_submit_approve_and_support_an_idea(site, browser):
    title = "Let admins schedule the weekly digest e-mail"
    author = new_page(browser, state=site.state(browser, "ivy"))
    page = author.page
    page.goto(site.url + "/ideas")
    page.get_by_role("link", name=re.compile("Submit an idea")).first.click()
    page.wait_for_url("**/ideas/new")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=description]").fill("Our admins want the digest on Monday mornings, not Sundays.")
    page.get_by_role("button", name="Submit the idea").click()
    page.get_by_role("heading", name=title).wait_for()
    idea_url = page.url
    idea_id = _post_id(idea_url, "ideas")
    assert page.get_by_text("waiting for a moderator").count() >= 1
    author.clean("after submitting the idea")

    admin = new_page(browser, state=site.state(browser, "ada"))
    admin.page.goto(site.url + "/moderation/queue")
    item = admin.page.get_by_role("listitem").filter(has=admin.page.get_by_role("link", name=title))
    item.get_by_role("button", name="Approve").click()
    admin.page.wait_for_load_state()
    assert admin.page.get_by_role("link", name=title).count() == 0
    admin.clean("after approving the idea")

    supporter = new_page(browser, state=site.state(browser, "vic"))
    supporter.page.goto(idea_url)
    supporter.page.get_by_role("button", name="Support this idea").click()
    supporter.page.wait_for_load_state()
    assert supporter.page.get_by_role("button", name="Withdraw my support").count() == 1
    assert supporter.page.get_by_text(re.compile(r"Supporters\s*\(1\)")).count() == 1
    shot(supporter.page, site.artifacts, "flow-idea-supported-desktop")
    supporter.clean("after supporting the idea")

    page.goto(site.url + "/ideas")
    assert page.get_by_role("link", name=title).count() >= 1, "the approved idea is on the board"
    with site.app.app_context():
        from forum import db
        from forum.ideas.models import Idea
        idea = db.session.get(Idea, idea_id)
        assert (idea.status.value, idea.supporters) == ("gathering", 1)
    for w in (author, admin, supporter):
        w.page.context.close()


def test_answer_the_nps_prompt(site, browser):
    member = new_page(browser, state=site.state(browser, "nina"))
    page = member.page
    page.goto(site.url + "/")
    prompt = page.get_by_role("group", name=re.compile("How likely are you to recommend"))
    prompt.wait_for()
    shot(page, site.artifacts, "flow-nps-prompt-desktop")
    prompt.get_by_role("radio", name="9", exact=True).check()
    page.get_by_label(re.compile("main reason for your score")).fill("Answers come fast.")
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Thank you").count() == 1
    page.reload()
    assert page.get_by_role("group", name=re.compile("How likely are you to recommend")).count() == 0
    member.clean("after answering the survey")
    with site.app.app_context():
        from sqlalchemy import select

        from forum import db
        from forum.accounts.models import User
        from forum.nps.models import NpsResponse
        nina = db.session.execute(select(User).filter_by(username="nina")).scalar_one()
        scores = db.session.execute(select(NpsResponse.score).filter_by(user_id=nina.id)).scalars().all()
        assert scores == [9]
    page.context.close()


def test_a_moderator_approves_held_content(site, browser):
    title = "How do I invite the rest of my team during onboarding?"
    newcomer = new_page(browser, state=site.state(browser, "quinn"))
    page = newcomer.page
    page.goto(site.url + "/ask")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=body]").fill("I am new and want to add five colleagues.")
    page.get_by_label("Category").select_option(label="Onboarding")
    page.get_by_role("button", name="Post your question").click()
    page.get_by_role("heading", name=title).wait_for()
    question_url = page.url
    assert page.get_by_text(re.compile("waiting for a moderator", re.I)).count() >= 1
    newcomer.clean("after asking in a strict category")

    visitor = new_page(browser)
    response = visitor.page.goto(question_url)
    assert response is not None and response.status == 404, "a held question is hidden from visitors"
    visitor.problems.clear()  # the 404 document itself is expected

    moderator = new_page(browser, state=site.state(browser, "mona"))
    moderator.page.goto(site.url + "/")
    moderator.page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation queue").click()
    moderator.page.wait_for_url("**/moderation/queue**")
    item = moderator.page.get_by_role("listitem").filter(has=moderator.page.get_by_role("link", name=title))
    assert item.get_by_text("Onboarding").count() + item.get_by_text(re.compile("strict", re.I)).count() >= 1
    assert moderator.page.get_by_role("link", name=HELD_TITLE).count() == 1, "the seeded held post waits too"
    shot(moderator.page, site.artifacts, "flow-moderation-queue-desktop")
    item.get_by_role("button", name="Approve").click()
    moderator.page.wait_for_load_state()
    assert moderator.page.get_by_role("link", name=title).count() == 0
    moderator.clean("after approving")

    response = visitor.page.goto(question_url)
    assert response is not None and response.status == 200
    visitor.page.get_by_role("heading", name=title).wait_for()
    visitor.clean("the approved question")
    for w in (newcomer, visitor, moderator):
        w.page.context.close()


CHARTS = ("hd-activity", "hd-rates", "hd-nps", "hd-funnel", "hd-cohorts")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_health_dashboard_draws_its_charts(site, browser, viewport):
    admin = new_page(browser, viewport, state=site.state(browser, "ada"))
    page = admin.page
    page.goto(site.url + "/reports/health")
    page.get_by_role("heading", level=1).wait_for()
    page.wait_for_function("() => window.Chart && [...document.querySelectorAll('canvas')]"
                           ".every(c => window.Chart.getChart(c))")
    page.wait_for_timeout(400)  # the charts' entry animations
    drawn = page.evaluate("""(ids) => ids.map((id) => {
        const canvas = document.getElementById(id);
        if (!canvas) return [id, 'missing', 0];
        const chart = window.Chart.getChart(canvas);
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return [id, chart ? chart.config.type : 'no chart', painted, canvas.width, canvas.height];
    })""", list(CHARTS))
    for chart_id, kind, painted, *size in drawn:
        assert kind not in ("missing", "no chart"), f"{chart_id}: {kind} (the seed should give it data)"
        assert painted > 500, f"{chart_id} ({kind}) is blank: {painted} painted pixels in {size}"
    assert page.locator("canvas[role=img][aria-label]").count() == len(CHARTS), "each chart has a text label"
    shot(page, site.artifacts, f"health-dashboard-{viewport}")
    admin.clean("the health dashboard")
    page.context.close()


def test_sign_in_with_a_wrong_password_shows_an_error_not_a_crash(site, browser):
    visitor = new_page(browser)
    page = visitor.page
    page.goto(site.url + "/login")
    page.locator("input[name=login]").fill("devon")
    page.locator("input[name=password]").fill("not the password")
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" in page.url
    assert page.get_by_role("button", name="Sign out", include_hidden=True).count() == 0
    visitor.problems = [p for p in visitor.problems if "status of 4" not in p]  # the 4xx answer itself
    visitor.clean("a failed sign-in")
    sign_in(page, site.url, "devon")
    page.context.close()
