"""The house keeps one direction: no module of consult/ imports a higher layer, even lazily."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "consult"
# DESIGN.md: moderation -> comments -> drafts -> groups -> accounts -> core. Readers (search/,
# api/, opendata/ and any other new package) sit above every domain; the app wiring modules
# (create_app, app_setup, cli, models) above everything.
LAYERS = {
    "core": 0,
    "db": 0,
    "extensions": 0,
    "attachments": 0,  # a store any domain may use; owners register who may download
    "accounts": 1,
    "groups": 2,
    "drafts": 3,
    "comments": 4,
    "moderation": 5,
}
READERS = 6
WIRING = {"__init__": 7, "app_setup": 7, "cli": 7, "models": 7}
# Imports removed on another branch of the same issue; the entry goes when that branch lands.
PENDING_REMOVAL: set[tuple[str, str]] = set()


def layer(module: str) -> int:
    """The rank of a dotted module name inside consult/ (consult.<top>...)."""
    parts = module.split(".")
    if len(parts) == 1:  # consult/__init__.py: create_app
        return WIRING["__init__"]
    top = parts[1]
    if len(parts) == 2 and top in WIRING:
        return WIRING[top]
    return LAYERS.get(top, READERS)


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, module: str) -> list[tuple[str, int]]:
    """Every consult module `path` imports, at any depth (module level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            if target == "consult":  # `from consult import accounts` names packages
                found += [(f"consult.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name.split(".")[0] == "consult"]


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        own = layer(module)
        for target, line in imported_modules(path, module):
            if target == "consult" or (module, target) in PENDING_REMOVAL:
                continue
            if layer(target) > own:
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    return problems


def test_no_module_imports_a_higher_layer():
    assert upward_imports() == []


def test_the_check_sees_lazy_imports(tmp_path):
    source = tmp_path / "outbox.py"
    source.write_text("def f():\n    from consult.accounts.models import User\n")
    assert imported_modules(source, "consult.core.outbox") == [("consult.accounts.models", 2)]
    assert layer("consult.accounts.models") > layer("consult.core.outbox")
    assert layer("consult.search.views") > layer("consult.moderation.views")
    assert layer("consult.cli") > layer("consult.search.views")


def test_bench_is_not_imported_by_the_package():
    """bench/ is not installed with the package: `flask consult ...` must work without it."""
    for path in PACKAGE.rglob("*.py"):
        for target in _all_top_level_imports(path):
            assert target.split(".")[0] != "bench", f"{path} imports {target}"


def _all_top_level_imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.append(node.module)
    return names
