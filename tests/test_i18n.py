"""Issue 2: every page is available in Simplified Chinese (docs/rules.md: accounts — locale en, zh).

The catalogue checks read forum/translations/zh/LC_MESSAGES/messages.po: every message has a
non-fuzzy translation whose placeholders are the message's own, the .po compiles (the .mo is built
at install, not tracked), and every string the sources mark for translation is in the catalogue. The page checks sign in a
member whose language is Chinese and look for Chinese text, `<html lang="zh">` and no English
message left untranslated on the page.
"""

from __future__ import annotations

import io
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from forum import REPO_ROOT, db
from tests.factories import PASSWORD, answer, ask, make_category, make_user

TRANSLATIONS = REPO_ROOT / "forum" / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
ZH_MO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\{[A-Za-z_]\w*\}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalogue() -> Any:
    with ZH_PO.open("rb") as fh:
        return read_po(fh, locale="zh")


def _messages() -> list[Any]:
    return [m for m in _catalogue() if m.id]


def _forms(message: Any) -> tuple[list[str], list[str]]:
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return ids, strings


def _placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


# ----------------------------------------------------------------------------- the catalogue

def test_catalogue_has_strings():
    assert len(_messages()) > 300


def test_every_message_has_a_chinese_translation():
    missing = []
    for m in _messages():
        ids, strings = _forms(m)
        if m.fuzzy or not strings or not all(s.strip() for s in strings):
            missing.append(ids[0])
    assert not missing, f"{len(missing)} untranslated (or fuzzy) messages, e.g. {missing[:5]}"


def test_translations_keep_the_placeholders():
    wrong = []
    for m in _messages():
        ids, strings = _forms(m)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for s in strings:
            if _placeholders(s) != wanted and _placeholders(s) != _placeholders(ids[-1]):
                wrong.append((ids[0], s))
            if "%" in s.replace("%%", "") and not _placeholders(s) and "%" not in ids[0]:
                wrong.append((ids[0], s))  # a stray "%" breaks Jinja's new-style gettext formatting
    assert not wrong, wrong[:5]


def test_translations_are_chinese():
    """Most translations contain Chinese characters (a few product words such as “ARR” stay as they are)."""
    messages = _messages()
    english = [m.id for m in messages if not any(HAN.search(s) for s in _forms(m)[1])]
    assert len(english) < len(messages) * 0.03, english


def _compiled(data: bytes) -> dict[tuple[Any, str], tuple[str, ...]]:
    return {(m.context, _forms(m)[0][0]): tuple(_forms(m)[1]) for m in read_mo(io.BytesIO(data)) if m.id}


def test_the_po_file_compiles_to_the_same_messages():
    """The compiled catalogue is built at install (`make install`, `make run`), not tracked: the .po
    compiles, and the .mo it gives holds every message of the .po."""
    out = io.BytesIO()
    write_mo(out, _catalogue(), use_fuzzy=False)
    compiled = _compiled(out.getvalue())
    expected = {(m.context, _forms(m)[0][0]): tuple(_forms(m)[1]) for m in _messages()}
    missing = [k for k in expected if compiled.get(k) != expected[k]]
    assert not missing, missing[:5]


def test_the_compiled_catalogue_is_built_not_tracked():
    tracked = subprocess.run(["git", "ls-files", "--", "forum/translations"], cwd=REPO_ROOT,
                             capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert not [p for p in tracked if p.endswith(".mo")], tracked
    assert any(p.endswith("zh/LC_MESSAGES/messages.po") for p in tracked)
    ignored = subprocess.run(["git", "check-ignore", "-q", str(ZH_MO)], cwd=REPO_ROOT).returncode
    assert ignored == 0, ".gitignore must ignore the compiled catalogue (make install builds it)"


def test_the_built_catalogue_is_current():
    """The .mo that `make install` built is not older than the .po (else: `make translations`)."""
    if not ZH_MO.exists():
        pytest.skip("not built yet: make install compiles it")
    expected = {(m.context, _forms(m)[0][0]): tuple(_forms(m)[1]) for m in _messages()}
    compiled = _compiled(ZH_MO.read_bytes())
    stale = [k for k in expected if compiled.get(k) != expected[k]]
    assert not stale, f"run `make translations`: {stale[:5]}"


def test_every_marked_string_is_in_the_catalogue():
    """The sources' gettext strings (babel.cfg, as forum/translations/README.md extracts them) are all translated."""
    with (REPO_ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    extracted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO_ROOT), method_map, options_map, keywords=keywords,
            directory_filter=lambda path: not Path(path).name.startswith(".")):
        extracted.add(message if isinstance(message, str) else message[0])
    known = {_forms(m)[0][0] for m in _messages()}
    assert len(extracted) > 300
    new = sorted(extracted - known)
    assert not new, f"{len(new)} strings are not in the zh catalogue (see forum/translations/README.md): {new[:5]}"


# ----------------------------------------------------------------------------- pages

class _Text(HTMLParser):
    """Visible text and the attributes people read (title, placeholder, aria-label, alt)."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.chunks.append(data)


def _texts(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return {" ".join(c.split()) for c in parser.chunks}


def _english_left(html: str) -> list[str]:
    """English messages of the catalogue shown as they are, although their translation differs."""
    english = {}
    for m in _messages():
        ids, strings = _forms(m)
        for i in ids:
            if not _placeholders(i) and i not in strings:
                english[" ".join(i.split())] = i
    return sorted(t for t in _texts(html) if t in english)


def _page(client: Any, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


def _sign_in(client: Any, username: str) -> None:
    resp = client.post("/login", data={"login": username, "password": PASSWORD})
    assert resp.status_code == 302


def _assert_chinese(html: str, *phrases: str) -> None:
    assert '<html lang="zh">' in html
    for phrase in phrases:
        assert phrase in html, phrase
    assert not _english_left(html), _english_left(html)


@pytest.fixture
def forum_data(app: Any) -> dict[str, int]:
    """A Chinese-speaking member who answered a question; built in its own app context so that each
    request below gets a fresh one (as in production), with its own locale."""
    with app.app_context():
        member = make_user("lihua", locale="zh", points=500)
        make_user("alice", locale="en", points=500)
        helper = make_user("helper", points=500)
        category = make_category("Billing")
        question = ask(helper, title="Invoice shows the wrong currency", tags="billing", category_id=category.id)
        answer(member, question, body="Change the currency in the billing settings.")
        db.commit()
        return {"member": member.id, "question": question.id}


def test_a_chinese_member_sees_chinese_pages(client, forum_data):
    _sign_in(client, "lihua")
    _assert_chinese(_page(client, "/"), "欢迎回来", "提问", "退出登录", "问题", "创意")
    _assert_chinese(_page(client, "/ask"), "发布问题", "标题", "标签")
    _assert_chinese(_page(client, f"/questions/{forum_data['question']}"), "回答", "发布回答")
    _assert_chinese(_page(client, f"/users/{forum_data['member']}"), "积分", "最近的回答")
    _assert_chinese(_page(client, "/settings"), "个人资料", "语言")


def test_every_page_is_chinese_for_a_chinese_admin(app, client):
    """A sweep of the site's pages, with questions, ideas and a held idea to show: nothing English is left."""
    from forum.ideas.actions import post_idea_comment, publish_idea, submit_idea, support_idea
    from forum.qa.actions import accept_answer, post_comment

    with app.app_context():
        admin = make_user("wang", locale="zh", points=5000, roles=("admin",))
        helper = make_user("helper", points=500)
        category = make_category("Billing")
        question = ask(helper, title="Invoice shows the wrong currency", tags="billing", category_id=category.id)
        reply = answer(admin, question)
        own = ask(admin, title="Where did the export button go", tags="export")
        accept_answer(admin, answer(helper, own))
        post_comment(helper, own, body="Same here on the web app.")
        idea = submit_idea(helper, title="Dark theme for reports", description="Please add a dark theme.",
                           category_id=category.id)
        publish_idea(idea, admin)
        support_idea(admin, idea, importance="must_have", comment="Yes please")
        post_idea_comment(admin, idea, body="Would love this")
        held = submit_idea(helper, title="An idea still held for review", description="Some text here.")
        db.commit()
        ids = {"q": question.id, "own": own.id, "a": reply.id, "idea": idea.id, "held": held.id,
               "admin": admin.id, "helper": helper.id, "cat": category.id}
    _sign_in(client, "wang")
    urls = ["/", "/ask", f"/questions/{ids['q']}", f"/questions/{ids['own']}", f"/questions/{ids['q']}/edit",
            f"/answers/{ids['a']}/edit", f"/questions/{ids['q']}/delete", "/tags", "/tags/billing", "/categories",
            "/categories/billing", "/ideas", f"/ideas/{ids['idea']}", f"/ideas/{ids['held']}", "/ideas/mine",
            "/ideas/new", "/ideas/review", "/moderation/queue", "/search?q=currency", "/search?q=nothingmatches",
            "/notifications", "/settings", "/settings/tokens", f"/users/{ids['admin']}", f"/users/{ids['helper']}",
            "/admin", "/admin/members", "/admin/organizations", "/admin/categories", "/admin/categories/new",
            "/leaderboard", "/badges", "/ambassadors", "/admin/ambassadors", f"/users/{ids['admin']}/points"]
    for url in urls:
        resp = client.get(url)
        if resp.status_code == 404 and url.startswith(("/leaderboard", "/badges", "/ambassadors", "/admin/amb", "/users/")):
            continue  # a part that is not installed
        assert resp.status_code == 200, (url, resp.status_code)
        html = resp.get_data(as_text=True)
        assert '<html lang="zh">' in html, url
        assert not _english_left(html), (url, _english_left(html))
    missing = client.get("/questions/999999")
    assert missing.status_code == 404 and "页面未找到" in missing.get_data(as_text=True)
    assert "was not found on the server" not in client.get("/no-such-page").get_data(as_text=True)
    client.post("/logout")
    _assert_chinese(_page(client, "/login"), "你已退出登录")


def test_an_english_member_still_sees_english(client, forum_data):
    _sign_in(client, "alice")
    html = _page(client, "/")
    assert '<html lang="en">' in html and "Sign out" in html and "退出登录" not in html


def test_the_login_page_follows_the_chosen_language(client, forum_data):
    resp = client.post("/language", data={"locale": "zh", "next": "/login"})
    assert resp.status_code == 302
    _assert_chinese(_page(client, "/login"), "登录", "忘记密码了？", "创建账户")


def test_the_login_page_follows_the_browser_language(client, forum_data):
    resp = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    _assert_chinese(resp.get_data(as_text=True), "登录")


def test_domain_errors_are_shown_in_the_members_language(client, forum_data):
    _sign_in(client, "lihua")
    resp = client.post("/ask", data={"title": "Hi", "body": "Some details about the problem.", "tags": ""})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "标题至少需要" in html and "The title needs at least" not in html


def test_domain_errors_stay_english_outside_a_request(ctx):
    from forum.errors import RuleViolation
    from forum.qa.actions import ask_question

    member = make_user("zhmember", locale="zh", points=500)
    with pytest.raises(RuleViolation) as caught:
        ask_question(member, title="Hi", body="Some details about the problem.")
    assert caught.value.message.startswith("The title needs at least ") and caught.value.field == "title"


def test_notifications_show_stored_codes_in_the_readers_language(app, client, forum_data):
    from forum.notifications.actions import notify

    with app.app_context():
        notify(forum_data["member"], "idea_decided", url="/ideas/1", title="Dark theme", status="approved", note="Soon")
        notify(forum_data["member"], "badge_awarded", url="/badges", badge="Good Question", tier="gold")
        notify(forum_data["member"], "idea_rejected", url="/ideas/2", title="Spam idea", reason="spam")
        db.commit()
    _sign_in(client, "lihua")
    html = _page(client, "/notifications")
    _assert_chinese(html, "现在的状态是已批准", "金牌徽章“好问题”", "（垃圾信息）")
    assert "approved" not in html and "Good Question" not in html
