"""No import cycle in ``iosxe_agent/``: the layers import downwards only (main → cli → device → netconf → datastore
→ data → yang), and two modules of one layer never need each other.

The graph is built from the source with :mod:`ast`, not by importing: an edge A → B is an import statement of A
that runs when A is imported, naming a module B of the package. What counts (the choice this test makes):

* statements at module level, including inside module-level ``if``/``try``/``with`` blocks and class bodies;
* **not** imports under ``if TYPE_CHECKING:`` (they never run; annotations are strings with
  ``from __future__ import annotations``) and **not** imports inside functions (they run when the function is
  called, after every module involved has finished importing, so they cannot deadlock an import; a module that
  calls such a function at import time would be caught by simply importing it, which every test does).

``from pkg import name`` is an edge to ``pkg.name`` when that is a module, otherwise to ``pkg``; relative imports
are resolved against the importing module's package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

AGENT = Path(__file__).resolve().parents[1] / "iosxe_agent"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(AGENT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_time_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when a module with this body is imported."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from import_time_imports(node.body)
            yield from import_time_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from import_time_imports(block)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from import_time_imports(node.body)


def edges(path: Path, modules: set[str]) -> set[str]:
    """The package modules that importing ``path`` imports."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in import_time_imports(ast.parse(path.read_text(encoding="utf-8"), str(path)).body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(AGENT.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): edges(p, modules) for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a path back to its start) per strongly connected component of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan; the graph is small (≈ 150 modules), recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: set[str] = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_path_within(graph, component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _path_within(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the first module of one strongly connected component (breadth-first)."""
    start = min(component)
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    back = [v]
                    while back[-1] != start:
                        back.append(parent[back[-1]])
                    return [*reversed(back), start]
                if w not in parent:
                    parent[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(component)}")


def test_the_agent_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50 and "iosxe_agent.device.filesystem" in graph  # the walk found the package
    found = cycles(graph)
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_checker_finds_a_cycle_and_ignores_type_only_imports(tmp_path: Path) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    source = ast.parse(
        "from typing import TYPE_CHECKING\nimport x\nif TYPE_CHECKING:\n    import y\n"
        "try:\n    import z\nexcept ImportError:\n    import w\ndef f():\n    import v\n"
    )
    assert sorted(a.name for n in import_time_imports(source.body) for a in n.names) == [
        "TYPE_CHECKING",
        "w",
        "x",
        "z",
    ]
