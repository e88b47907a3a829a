"""The shared web layer (issue 8): one forum.web for every part's views, one set of macros,
no part importing another part's private names, declared permission and privilege names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from forum import PARTS, REPO_ROOT
from tests.factories import make_user

FORUM = REPO_ROOT / "forum"
TEMPLATES = REPO_ROOT / "templates"


def _part_of(module: str) -> str | None:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 and pieces[0] == "forum" and pieces[1] in PARTS else None


def test_no_part_imports_another_parts_private_names():
    offences = []
    for path in sorted(FORUM.rglob("*.py")):
        rel = path.relative_to(REPO_ROOT)
        own = rel.parts[1] if len(rel.parts) > 2 else None
        for node in ast.walk(ast.parse(path.read_text(), str(rel))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                other = _part_of(node.module)
                if other is None or other == own:
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private:
                    offences.append(f"{rel}:{node.lineno} imports {', '.join(private)} from {node.module}")
    assert not offences, offences


def test_no_part_imports_another_parts_views():
    """Shared view helpers live in forum.web, not in one part's views module."""
    offences = []
    for path in sorted(FORUM.rglob("*.py")):
        rel = path.relative_to(REPO_ROOT)
        own = rel.parts[1] if len(rel.parts) > 2 else None
        for node in ast.walk(ast.parse(path.read_text(), str(rel))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            for module in modules:
                if module.endswith(".views") and _part_of(module) not in (None, own):
                    offences.append(f"{rel}:{node.lineno} imports {module}")
    assert not offences, offences


def test_the_layout_is_registered_once_by_create_app(app):
    import forum.qa.views as qa_views

    assert not hasattr(qa_views, "init_app"), "the layout belongs to forum.web, not to Q&A"
    for name in ("ago", "fulldate", "rejection_label"):
        assert name in app.jinja_env.filters
    with app.test_request_context("/"):
        context: dict[str, object] = {}
        app.update_template_context(context)
    for name in ("profile_url", "url_with", "unread_notifications", "can_moderate", "can_review_ideas",
                 "is_admin", "site_name", "current_locale"):
        assert name in context, name
    assert "has_endpoint" not in context  # every page the layout links to exists


def test_one_rate_limit_decorator():
    import forum.extensions as extensions
    import forum.web as web

    assert not hasattr(extensions, "rate_limit")
    assert callable(web.rate_limit)


def _macro_files(name: str) -> list[str]:
    pattern = re.compile(r"{%-?\s*macro\s+" + name + r"\s*\(")
    return sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if pattern.search(p.read_text()))


@pytest.mark.parametrize("macro", ["field", "form_errors", "pagination", "checkbox", "checkboxes", "user_link"])
def test_one_definition_of_each_form_and_pagination_macro(macro):
    files = _macro_files(macro)
    assert len(files) <= 1 and all(f.startswith("_macros/") for f in files), files


FORM_MACRO_CALL = re.compile(r"{{-?\s*(?:\w+\.)?(field|form_errors|pagination|checkboxes|checkbox)\(")


def test_templates_use_the_shared_macros_only():
    """Every page that draws a form field or a pager takes the macro from _macros/forms.html."""
    offences = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                if not str(p.relative_to(TEMPLATES)).startswith("_macros/")
                and FORM_MACRO_CALL.search(p.read_text()) and '"_macros/forms.html"' not in p.read_text()]
    assert not offences, offences


def test_templates_do_not_guard_against_pages_that_exist():
    offences = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                if "has_endpoint" in p.read_text() or "profile_url is defined" in p.read_text()]
    assert not offences, offences


# ----------------------------------------------------------------------------- declared names

def test_permissions_are_declared(ctx):
    from forum.accounts.queries import can, require
    from forum.accounts.rules import PERMISSIONS, Permission

    assert set(PERMISSIONS) == set(Permission)
    admin = make_user(roles=("admin",))
    assert can(admin, Permission.MODERATE)
    with pytest.raises((TypeError, ValueError)):
        can(admin, "moderate")  # a free string, even a right one, is refused: names are declared
    with pytest.raises((TypeError, ValueError)):
        require(admin, "moderat")


def test_privileges_are_declared(ctx):
    from forum.rewards.queries import has_privilege, require_privilege
    from forum.rewards.rules import PRIVILEGE_LABELS, Privilege

    assert set(ctx.config["PRIVILEGES"]) == set(Privilege) == set(PRIVILEGE_LABELS)
    member = make_user(points=5000)
    assert has_privilege(member, Privilege.EDIT_OTHERS)
    with pytest.raises((TypeError, ValueError)):
        has_privilege(member, "edit_other")
    with pytest.raises((TypeError, ValueError)):
        require_privilege(member, "vote-up")
