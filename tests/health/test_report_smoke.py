import datetime as dt

from forum import db
from forum.health.queries import health_report
from forum.health.rules import METRIC_KEYS
from tests.factories import answer, ask, make_user


def test_empty_report_has_every_key(session):
    report = health_report(dt.date(2030, 1, 1), dt.date(2030, 1, 30), now=dt.datetime(2030, 2, 1))
    assert list(report["metrics"]) == list(METRIC_KEYS)
    assert report["metrics"]["dau"] == 0
    assert report["metrics"]["response_rate_24h"] is None


def test_small(session, freeze):
    freeze(dt.datetime(2030, 1, 5, 9))
    alice, bob = make_user(), make_user()
    q1 = ask(alice)
    ask(alice, title="Another question about exports")
    freeze(dt.datetime(2030, 1, 5, 12))
    answer(bob, q1)
    db.session.commit()
    report = health_report(dt.date(2030, 1, 1), dt.date(2030, 1, 10), now=dt.datetime(2030, 1, 11))
    m = report["metrics"]
    print(m)
    assert m["questions"] == 2
    assert m["response_rate_24h"] == 0.5
