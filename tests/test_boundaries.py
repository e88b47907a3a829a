"""Parts change each other through events, not imports (docs/architecture.md, "The rules of the house", rule 4).

Read from the source of every module under ``forum/<part>/`` (imports inside functions included):

- no part imports another part's ``actions`` — except the two kernel services every part may call,
  ``notifications`` (``notify``) and ``audit`` (``record_audit``), and except the ``api`` part, which
  is the JSON door over every part's actions and so calls them as the HTML views of each part do;
- no part writes another part's table: no ``update``/``insert``/``delete`` statement of, and no
  ``add`` of a new instance of, a model imported from another part's ``models`` module (the owner
  changes its own rows in its actions, the others announce an event or call the owner's action);
- no part assigns another part's column on a loaded row: ``<expr>.<name> = ...`` (or ``+=``, or one
  target of a tuple assignment) where ``<name>`` is a column of another part's model and of none of
  the part's own models. The check cannot know the type of ``<expr>``, so it goes by the column name:
  a heuristic that sees ``user.is_ambassador = True`` in rewards (``is_ambassador`` is a column of
  accounts' ``users`` only) but not ``user.id = ...`` in a part whose own tables have an ``id``.
  The columns are read from the mapped classes' ``__table__``, grouped by the part whose ``models``
  module defines each class. Two narrowings, each because the name is not a row's column there:
  ``self.<name>`` (a part defines methods only on its own classes), and ``<form>.<field>.<name>``
  for the names listed in ``NOT_COLUMNS``, in the modules named there, with the reason.

Modules that are not parts — ``forum/demo/``, ``forum/generate/`` (data and the one loop that loads
it through the parts' actions), ``forum/cli.py``, ``forum/web.py``, ``forum/__init__.py`` and the
kernel modules beside them — may call any action.
"""

from __future__ import annotations

import ast
import functools
import importlib
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from forum import PARTS
from forum.db import Base

FORUM = Path(__file__).resolve().parent.parent / "forum"
KERNEL_SERVICES = {"notifications", "audit"}
ACTIONS_DOOR = "api"
NOT_PARTS = {"demo", "generate", "translations"}
WRITES = {"update", "insert", "delete"}
# Attribute → (module file names, reason): ``<expr>.<field>.<attribute> = ...`` (an attribute of an
# attribute, a form's field) that the column check must not flag in those modules.
NOT_COLUMNS: dict[str, tuple[frozenset[str], str]] = {
    "data": (frozenset({"views.py", "forms.py"}),
             "WTForms: `form.<field>.data` is a form field's value, which views fill before rendering; "
             "it is not notifications' `data` column"),
}


@dataclass(frozen=True)
class Crossing:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _part_of(module: str) -> str | None:
    """``forum.<part>.…`` → ``<part>`` when it is a part."""
    names = module.split(".")
    return names[1] if len(names) > 1 and names[0] == "forum" and names[1] in PARTS else None


def _actions_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, part) of every import of a part's actions module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if len(names) >= 3 and names[2] == "actions" and _part_of(alias.name):
                    found.append((node.lineno, names[1]))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = node.module.split(".")
            part = _part_of(node.module)
            if part is None:
                continue
            if len(names) >= 3 and names[2] == "actions":
                found.append((node.lineno, part))
            elif len(names) == 2 and any(alias.name == "actions" for alias in node.names):
                found.append((node.lineno, part))
    return found


def _foreign_models(tree: ast.AST, own: str) -> dict[str, str]:
    """Local name → owning part, for every name imported from another part's models module (a model,
    or the module itself)."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = node.module.split(".")
            part = _part_of(node.module)
            if part is None or part == own:
                continue
            if len(names) >= 3 and names[2] == "models":
                for alias in node.names:
                    bound[alias.asname or alias.name] = part
            elif len(names) == 2:
                for alias in node.names:
                    if alias.name == "models":
                        bound[alias.asname or alias.name] = part
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                part = _part_of(alias.name)
                if alias.asname and part and part != own and len(names) >= 3 and names[2] == "models":
                    bound[alias.asname] = part
    return bound


def _model_owner(expr: ast.expr, bound: dict[str, str]) -> str | None:
    """The owning part when ``expr`` names a model bound to another part (``Vote`` or ``models.Vote``)."""
    if isinstance(expr, ast.Name):
        return bound.get(expr.id)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return bound.get(expr.value.id)
    return None


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _foreign_writes(tree: ast.AST, own: str) -> list[tuple[int, str, str]]:
    """(line, statement, owning part) of every write of another part's table."""
    bound = _foreign_models(tree, own)
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        verb = _called(node.func)
        first = node.args[0]
        if verb in WRITES:
            owner = _model_owner(first, bound)
            if owner is not None:
                found.append((node.lineno, f"{verb}({ast.unparse(first)})", owner))
        elif verb in ("add", "add_all"):
            created = first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
            for item in created:
                if isinstance(item, ast.Call):
                    owner = _model_owner(item.func, bound)
                    if owner is not None:
                        found.append((node.lineno, f"{verb}({ast.unparse(item.func)}(...))", owner))
    return found


@functools.cache
def columns_by_part() -> dict[str, frozenset[str]]:
    """Part → the column names of the models its ``forum/<part>/models.py`` defines."""
    for part in PARTS:
        if (FORUM / part / "models.py").exists():
            importlib.import_module(f"forum.{part}.models")
    found: dict[str, set[str]] = {part: set() for part in PARTS}
    for mapper in Base.registry.mappers:
        part = _part_of(mapper.class_.__module__)
        if part is not None and mapper.class_.__module__ == f"forum.{part}.models":
            found[part] |= {column.name for column in mapper.class_.__table__.columns}
    return {part: frozenset(names) for part, names in found.items()}


def _assigned_attributes(tree: ast.AST) -> list[ast.Attribute]:
    """Every ``<expr>.<name>`` assigned to (``=``, ``+=``, ``: T =``, or inside a tuple target)."""
    targets: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets += node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets.append(node.target)
    found: list[ast.Attribute] = []
    while targets:
        target = targets.pop(0)
        if isinstance(target, (ast.Tuple, ast.List)):
            targets += target.elts
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
        elif isinstance(target, ast.Attribute):
            found.append(target)
    return found


def _not_a_column(target: ast.Attribute, module: str) -> bool:
    """The narrowings of the column heuristic (module docstring): ``self.<name>``, ``NOT_COLUMNS``."""
    if isinstance(target.value, ast.Name) and target.value.id == "self":
        return True
    modules, _reason = NOT_COLUMNS.get(target.attr, (frozenset(), ""))
    return module in modules and isinstance(target.value, ast.Attribute)


def _foreign_column_assignments(tree: ast.AST, own: str, module: str) -> list[tuple[int, str, str]]:
    """(line, target, owning parts) of every assignment to a column of another part only."""
    columns = columns_by_part()
    mine = columns.get(own, frozenset())
    found: list[tuple[int, str, str]] = []
    for target in _assigned_attributes(tree):
        name = target.attr
        if name in mine or _not_a_column(target, module):
            continue
        owners = sorted(part for part, names in columns.items() if part != own and name in names)
        if owners:
            found.append((target.lineno, ast.unparse(target), ", ".join(owners)))
    return found


def crossings(root: Path = FORUM, parts: tuple[str, ...] = PARTS) -> list[Crossing]:
    """Every import of another part's actions and every write of another part's table or column."""
    found: list[Crossing] = []
    for part in parts:
        for path in sorted((root / part).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where = str(path.relative_to(root.parent))
            if part != ACTIONS_DOOR:
                found += [Crossing(f"{where}:{line}", f"imports forum.{other}.actions")
                          for line, other in _actions_imports(tree)
                          if other != part and other not in KERNEL_SERVICES]
            found += [Crossing(f"{where}:{line}", f"writes {owner}'s table: {statement}")
                      for line, statement, owner in _foreign_writes(tree, part)]
            found += [Crossing(f"{where}:{line}", f"assigns {owners}'s column: {target}")
                      for line, target, owners in _foreign_column_assignments(tree, part, path.name)]
    return found


def test_every_package_under_forum_is_a_part_or_declared_not_to_be_one():
    packages = {p.name for p in FORUM.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert packages - set(PARTS) - NOT_PARTS == set()
    assert KERNEL_SERVICES <= set(PARTS)


def test_no_part_calls_another_parts_actions_or_writes_its_tables():
    assert [str(c) for c in crossings()] == []


@pytest.mark.parametrize("source, what", [
    ("from forum.qa.actions import remove_votes\n", "imports forum.qa.actions"),
    ("def job():\n    from forum.qa import actions\n    actions.remove_votes([])\n", "imports forum.qa.actions"),
    ("import forum.engagement.actions\n", "imports forum.engagement.actions"),
    ("from forum.accounts.models import User\nsa.update(User).values(last_seen_at=now)\n",
     "writes accounts's table: update(User)"),
    ("from forum.accounts import models\ndb.session.execute(sa.delete(models.ApiToken))\n",
     "writes accounts's table: delete(models.ApiToken)"),
    ("from forum.engagement.models import Event\nside.add(Event(kind='visit'))\n",
     "writes engagement's table: add(Event(...))"),
    ("def appoint(user):\n    user.is_ambassador = True\n", "assigns accounts's column: user.is_ambassador"),
    ("def invite(user, inviter):\n    user.invite_code, (term.ended_at, n) = 'x', (None, 1)\n",
     "assigns accounts's column: user.invite_code"),
    ("def move(user):\n    user.points += 5\n", "assigns accounts's column: user.points"),
])
def test_the_check_sees_each_kind_of_crossing(tmp_path, source, what):
    (tmp_path / "forum" / "rewards").mkdir(parents=True)
    (tmp_path / "forum" / "rewards" / "actions.py").write_text(textwrap.dedent(source))
    assert [c.what for c in crossings(tmp_path / "forum", ("rewards",))] == [what]


@pytest.mark.parametrize("part, source", [
    ("rewards", "from forum.notifications.actions import notify\nfrom forum.audit.actions import record_audit\n"),
    ("api", "from forum.qa import actions\n"),
    ("qa", "from forum.qa.models import Vote\nfrom forum.accounts.models import User\n"
           "sa.delete(Vote).where(Vote.user_id == User.id)\n"),
    ("accounts", "def appoint(user):\n    user.is_ambassador = True\n"),
    ("rewards", "def end(term, now):\n    term.ended_at = now\n    term.user_id = 1\n"),
    ("api", "class ApiError(Exception):\n    def __init__(self, status):\n        self.status = status\n"),
])
def test_the_check_allows_the_kernel_services_the_api_and_a_parts_own_tables(tmp_path, part, source):
    (tmp_path / "forum" / part).mkdir(parents=True)
    (tmp_path / "forum" / part / "actions.py").write_text(source)
    assert crossings(tmp_path / "forum", (part,)) == []


def test_the_column_check_lets_views_fill_form_fields_but_not_rows(tmp_path):
    (tmp_path / "forum" / "qa").mkdir(parents=True)
    source = "def edit(form, question, note):\n    form.category.data = question.category_id\n    note.data = {}\n"
    (tmp_path / "forum" / "qa" / "views.py").write_text(source)
    (tmp_path / "forum" / "qa" / "actions.py").write_text(source)
    assert [str(c) for c in crossings(tmp_path / "forum", ("qa",))] == [
        "forum/qa/actions.py:2: assigns notifications's column: form.category.data",
        "forum/qa/actions.py:3: assigns notifications's column: note.data",
        "forum/qa/views.py:3: assigns notifications's column: note.data",
    ]


def test_the_column_map_groups_each_models_columns_by_its_part():
    columns = columns_by_part()
    assert {"is_ambassador", "invite_code", "invited_by_id", "points"} <= columns["accounts"]
    assert "is_ambassador" not in columns["rewards"] and {"ended_at", "user_id"} <= columns["rewards"]
    assert {"secret", "payload", "next_attempt_at"} <= columns["api"]  # the webhooks and their deliveries
