"""`flask forum report` (docs/api.md: Command line): JSON and CSV to stdout or a file; bad dates refused."""

from __future__ import annotations

import datetime as dt
import json

from forum import db
from tests.factories import ask, make_user


def _question(app, freeze):
    freeze(dt.datetime(2030, 3, 2, 10))
    with app.app_context():
        ask(make_user(), "How do I rotate my API keys?")
        db.session.commit()


def test_json_to_stdout(app, freeze):
    _question(app, freeze)
    result = app.test_cli_runner().invoke(args=["forum", "report", "--from", "2030-03-01", "--to", "2030-03-07"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from"], data["to"]) == ("2030-03-01", "2030-03-07")
    assert data["metrics"]["questions"] == 1 and data["previous"]["questions"] == 0


def test_csv_to_a_file(app, freeze, tmp_path):
    _question(app, freeze)
    out = tmp_path / "health.csv"
    result = app.test_cli_runner().invoke(args=["forum", "report", "--from", "2030-03-01", "--to", "2030-03-07",
                                                "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffkey,value,previous,definition")
    assert "\nquestions,1,0," in text.replace("\r\n", "\n")


def test_bad_dates_are_refused(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "report", "--from", "2030-03-09", "--to", "2030-03-01"])
    assert result.exit_code != 0 and "--from" in result.output
    result = runner.invoke(args=["forum", "report", "--to", "March"])
    assert result.exit_code != 0 and "--to" in result.output
