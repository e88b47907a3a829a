"""The repository documents itself (docs/): every API route, every domain event, every rule key,
and nothing points at files outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import RULE_DEFAULTS
from forum import REPO_ROOT, events

DOCS = REPO_ROOT / "docs"
TRACKED_SUFFIXES = {".py", ".md", ".html", ".toml", ".txt", ".cfg", ".ini", ".js", ".css", ""}
OUTSIDE = re.compile(r"\.\./shared|\b(DESIGN|STYLE|API)\.md\b")


def _repository_files() -> list[Path]:
    skip = {".git", ".venv", "instance", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
    files = []
    for path in REPO_ROOT.rglob("*"):
        if path.is_file() and not skip.intersection(path.relative_to(REPO_ROOT).parts) \
                and path.suffix in TRACKED_SUFFIXES and "vendor" not in path.parts:
            files.append(path)
    return files


def test_nothing_points_outside_the_repository():
    offenders = []
    for path in _repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()[:80]}")
    assert offenders == []


def test_readme_and_docs_link_to_pages_that_exist():
    for page in [REPO_ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("architecture.md", "rules.md", "api.md"):
        assert f"docs/{name}" in readme


def test_every_rule_key_is_in_the_rules_reference():
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert [key for key in RULE_DEFAULTS if f"`{key}`" not in text] == []


@pytest.mark.usefixtures("app")
def test_the_event_table_in_the_docs_is_the_catalogue():
    """Regenerate with `flask --app wsgi forum events --update-docs`."""
    documented = events.documented_table(events.DOCS_PAGE.read_text(encoding="utf-8"))
    assert documented == events.markdown_table()


def test_every_api_route_is_documented(app):
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "{id}", rule.rule.removeprefix("/api/v1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if f"`{method} {path}`" not in text:
                missing.append(f"{method} {path}")
    assert missing == []
