"""One way to show a date and a person (issue 14): the `when` formatter (relative within a week,
the date beyond, the full date and time without seconds on hover, in the reader's language and time
zone), `person` (display name, username on hover and in the link), generated avatars, role names in
the reader's language, notifications naming members by display name."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import force_locale

from forum import db
from forum.accounts.rules import role_label
from forum.notifications.actions import notify
from forum.notifications.queries import notification_text, notification_texts
from forum.web import avatar, full_datetime, person, time_ago, when
from tests.factories import make_user

NOW = dt.datetime(2026, 11, 30, 10, 37, 26)


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def test_recent_dates_are_relative_and_older_ones_a_date(app, freeze):
    freeze(NOW)
    with app.test_request_context():
        assert time_ago(NOW - dt.timedelta(hours=3)) == "3 hours ago"
        assert time_ago(NOW + dt.timedelta(days=2)) == "in 2 days"
        assert time_ago(NOW - dt.timedelta(days=6)) == "6 days ago"
        assert time_ago(NOW - dt.timedelta(days=8)) == "Nov 22, 2026"
        assert time_ago(NOW + dt.timedelta(days=30)) == "Dec 30, 2026"
        assert time_ago(dt.date(2026, 9, 4)) == "Sep 4, 2026"
        assert time_ago(None) == ""


def test_the_full_date_has_no_seconds_and_names_the_zone(app, freeze):
    freeze(NOW)
    with app.test_request_context():
        text = full_datetime(NOW)
        assert text == "Nov 30, 2026, 10:37\u202fAM UTC"
        assert ":26" not in text


def test_when_is_a_time_element_with_the_instant_and_the_full_date_on_hover(app, freeze):
    freeze(NOW)
    with app.test_request_context():
        html = str(when(NOW - dt.timedelta(minutes=5)))
    assert html.startswith('<time datetime="2026-11-30T10:32:26Z" title="Nov 30, 2026, 10:32')
    assert html.endswith(">5 minutes ago</time>")


def test_the_reader_language_and_time_zone(app, freeze):
    freeze(NOW)
    with app.test_request_context(headers={"Cookie": "tz=Asia/Shanghai"}):
        with force_locale("zh"):
            assert full_datetime(NOW) == "2026年11月30日 18:37 +0800"
            assert time_ago(NOW - dt.timedelta(days=10)) == "2026年11月20日"
            assert "小时" in time_ago(NOW - dt.timedelta(hours=3))
    with app.test_request_context(headers={"Cookie": "tz=Not/AZone"}):
        assert full_datetime(NOW).endswith("UTC")


def test_a_member_is_named_by_display_name_with_the_username_on_hover(app, session):
    wang = make_user("wang_lei", display_name="王磊")
    plain = make_user("plain_member")
    with app.test_request_context():
        html = str(person(wang))
        assert f'href="/users/{wang.id}"' in html and 'title="@wang_lei"' in html and ">王磊</a>" in html
        assert f'data-usercard="/users/{wang.id}/card"' in html
        assert ">plain_member</a>" in str(person(plain))
        assert "someone" in str(person(None))


def test_avatars_have_initials_and_a_colour_stable_per_member(app, session):
    a = make_user("ada_l", display_name="Ada Lovelace")
    b = make_user("lin", display_name="林小雨")
    with app.test_request_context():
        first = str(avatar(a))
        assert ">AL</span>" in first and first == str(avatar(a))
        assert f"avatar-c{a.id % 12}" in first
        assert ">林</span>" in str(avatar(b, "lg")) and "avatar-lg" in str(avatar(b, "lg"))


def test_role_names_are_translated(app):
    with app.test_request_context():
        with force_locale("zh"):
            assert role_label("admin") != "admin"
            assert role_label("member") != "member"
        assert role_label("cs") == "Customer success"


def test_notifications_name_members_by_display_name_and_roles_in_words(app, session):
    reader = make_user("reader")
    make_user("wang_lei", display_name="王磊")
    answered = notify(reader.id, "answer_posted", url="/q/1", actor="wang_lei", title="Exports")
    gone = notify(reader.id, "answer_posted", url="/q/1", actor="left_long_ago", title="Exports")
    roles = notify(reader.id, "roles_changed", url="/", roles="admin, member")
    db.session.flush()
    with app.test_request_context():
        assert notification_text(answered) == "王磊 answered “Exports”"
        assert notification_texts([answered, gone])[1] == "left_long_ago answered “Exports”"
        with force_locale("zh"):
            text = notification_text(roles)
            assert "admin" not in text and "member" not in text


def test_the_header_names_the_member_in_full_with_the_username_on_hover(app, client, session):
    member = make_user("wang_lei", display_name="王磊")
    db.session.commit()
    login(client, member.id)
    html = client.get("/").get_data(as_text=True)
    chip = re.search(r'<a class="user-chip"[^>]*>.*?</a>', html, re.S).group(0)
    assert 'title="@wang_lei"' in chip and ">王磊</span>" in chip and f"avatar-c{member.id % 12}" in chip
    assert 'class="nav-toggle' in html and 'js/nav.js' in html and "<script>" not in html


def test_the_member_card(app, client, session):
    member = make_user("wang_lei", display_name="王磊", points=1234, ambassador=True)
    db.session.commit()
    html = client.get(f"/users/{member.id}/card").get_data(as_text=True)
    assert "王磊" in html and "@wang_lei" in html and "1234 points" in html and "Ambassador" in html
    assert client.get("/users/999999/card").status_code == 404


def test_remembered_dates_read_exactly_as_babel_formats_them(app, freeze):
    """time_ago and full_datetime remember what Babel said (forum.web._formatted); every delta still
    reads as Babel's own format_timedelta words it, at the unit boundaries too, in each language and
    zone, and a remembered answer never crosses to another language or zone."""
    import random

    from babel.dates import format_timedelta as babel_timedelta

    freeze(NOW)
    rng = random.Random(14)
    edges = [0, 0.4, 0.6, 1, 1.4999, 1.5, 53.9, 54, 54.0001, 59.5, 60, 89.999, 90, 3239.99, 3240, 5399, 5400,
             77759.9, 77760, 77760.5, 129599, 129600, 544320, 604799]
    seconds = edges + [rng.uniform(0, 604_799) for _ in range(400)] + list(range(0, 7200, 7))
    with app.test_request_context(headers={"Cookie": "tz=Asia/Shanghai"}):
        for locale in ("en", "zh"):
            with force_locale(locale):
                for s in seconds:
                    for sign in (1, -1):
                        delta = dt.timedelta(seconds=sign * s)
                        want = babel_timedelta(delta, threshold=0.9, add_direction=True, locale=locale)
                        assert time_ago(NOW + delta) == want, (locale, sign * s)
        with force_locale("zh"):
            assert full_datetime(NOW) == "2026年11月30日 18:37 +0800"
        assert full_datetime(NOW) == "Nov 30, 2026, 6:37\u202fPM +0800"
    with app.test_request_context():
        assert full_datetime(NOW) == "Nov 30, 2026, 10:37\u202fAM UTC"
        assert str(when(NOW - dt.timedelta(seconds=30))) == (
            '<time datetime="2026-11-30T10:36:56Z" title="Nov 30, 2026, 10:36\u202fAM UTC">30 seconds ago</time>')
        with force_locale("zh"):
            assert str(when(NOW - dt.timedelta(days=10))) == (
                '<time datetime="2026-11-20T10:37:26Z" title="2026年11月20日 10:37 UTC">2026年11月20日</time>')


def test_a_renamed_member_is_named_anew(app, session):
    member = make_user("renamed_member", display_name="Old Name")
    with app.test_request_context():
        assert ">Old Name</a>" in str(person(member))
        member.display_name = "New Name"
        assert ">New Name</a>" in str(person(member)) and "Old Name" not in str(person(member))
        member.username = "moved_member"
        assert 'title="@moved_member"' in str(person(member))
