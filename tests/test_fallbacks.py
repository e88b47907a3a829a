"""No fallbacks for parts that always exist (docs/architecture.md: what to avoid): a guarded import or a
second copy of a rule hides a wrong name instead of failing.

Read from the sources: no module imports a forum module inside ``try … except ImportError`` (the
part loader in forum/__init__.py aside, which skips the modules a part does not have), trust
levels are computed by one function (forum.rewards.queries.trust_level), and no part finds
another part's models by scanning the model registry.
"""

from __future__ import annotations

import ast
from pathlib import Path

from forum import REPO_ROOT

FORUM = REPO_ROOT / "forum"
PART_LOADER = FORUM / "__init__.py"


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(FORUM.rglob("*.py"))]


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError") for n in names)


def _imports_forum(body: list[ast.stmt]) -> bool:
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("forum"):
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith("forum") for a in node.names):
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            return True
    return False


def test_no_module_guards_an_import_of_a_forum_module():
    guarded = [f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
               for path, tree in _modules() if path != PART_LOADER
               for node in ast.walk(tree)
               if isinstance(node, ast.Try) and _imports_forum(node.body)
               and any(_catches_import_error(h) for h in node.handlers)]
    assert guarded == []


def test_trust_level_is_computed_in_one_place():
    definitions = [str(path.relative_to(REPO_ROOT)) for path, tree in _modules() for node in ast.walk(tree)
                   if isinstance(node, ast.FunctionDef) and node.name == "trust_level"]
    assert definitions == ["forum/rewards/queries.py"]
    readers = [str(path.relative_to(REPO_ROOT)) for path, _tree in _modules()
               if '"TRUST_LEVELS"' in path.read_text(encoding="utf-8")]
    assert readers == ["forum/rewards/rules.py"]


def test_no_part_scans_the_model_registry():
    scanners = [str(path.relative_to(REPO_ROOT)) for path, _tree in _modules()
                if "registry.mappers" in path.read_text(encoding="utf-8")]
    assert scanners == []
