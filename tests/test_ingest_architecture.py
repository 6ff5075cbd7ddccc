"""The upload package stays layered: modules use each other's public names only, and no two import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import si_metrics.ingest

PACKAGE = Path(si_metrics.ingest.__file__).parent


def _intra_imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import of a sibling module, at the top or inside a function."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:  # from .x import a, b
                found += [(node.module.split(".")[0], alias.name) for alias in node.names]
            else:  # from . import x
                found += [(alias.name, None) for alias in node.names]
    return found


def _graph() -> dict[str, set[str]]:
    return {p.stem: {m for m, _ in _intra_imports(p)} for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def test_no_module_imports_a_private_name_of_another():
    offenders = [
        f"{p.name}: from .{module} import {name}"
        for p in PACKAGE.glob("*.py")
        for module, name in _intra_imports(p)
        if name is not None and name.startswith("_")
    ]
    assert offenders == []


def test_no_private_attribute_of_a_sibling_module_is_used():
    siblings = {p.stem for p in PACKAGE.glob("*.py")}
    offenders = []
    for p in PACKAGE.glob("*.py"):
        imported = {m for m, name in _intra_imports(p) if name is None}
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in imported & siblings
                and node.attr.startswith("_")
            ):
                offenders.append(f"{p.name}: {node.value.id}.{node.attr}")
    assert offenders == []


def test_the_modules_import_each_other_without_a_cycle():
    graph = _graph()
    assert {"reading", "read", "nsi", "validate", "pipeline", "funding_format", "funding_checks"} <= set(graph)
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " -> ".join((*path, module))
        if module in done:
            return
        for dep in sorted(graph.get(module, ())):
            visit(dep, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_the_checker_finds_a_cycle_and_a_private_import(tmp_path, monkeypatch):
    """The rules above can fail: a package with a cycle and a private import is caught."""
    (tmp_path / "a.py").write_text("from .b import _hidden\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from . import a\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path)
    graph = _graph()
    assert graph == {"a": {"b"}, "b": {"a"}}
    assert ("b", "_hidden") in _intra_imports(tmp_path / "a.py")
