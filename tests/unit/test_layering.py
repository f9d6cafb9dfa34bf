"""The package's import structure: no import cycles, and Airflow only behind ``orchestration/``.

Imports are read with ``ast``, not by importing: every ``import`` statement counts, at module
level or inside a function (also under ``if TYPE_CHECKING``). A function-level import only defers
a cycle to call time (the ``settings`` → ``hubs`` cycle ran through one), and the layering the
style guide asks for (settings and helpers at the bottom, domain packages above, Airflow glue on
top) is about which module depends on which, not about when the import runs. Importing
``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` too, so it depends on those packages as well
(a module's own enclosing packages excepted: Python runs them before the module in any case).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import likeness_watch

PACKAGE_DIR = Path(likeness_watch.__file__).parent
ROOT = "likeness_watch"
AIRFLOW_SEAM = f"{ROOT}.orchestration"
AIRFLOW_PACKAGES = ("airflow", "cosmos")
"""Airflow and what imports it (astronomer-cosmos)."""


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    modules = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        parts = [ROOT, *path.relative_to(PACKAGE_DIR).with_suffix("").parts]
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _imported(module: str, path: Path) -> Iterator[str]:
    """Absolute names of everything ``module`` imports (a ``from x import y`` names ``x.y`` when
    ``y`` is a submodule, else ``x``); relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source


def _graph() -> dict[str, set[str]]:
    """Module → the package modules it depends on (imported modules and their packages)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        edges = graph.setdefault(module, set())
        for name in _imported(module, path):
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                target = ".".join(parts[:depth])
                if target in MODULES and not (module == target or module.startswith(target + ".")):
                    edges.add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None (iterative DFS)."""
    state: dict[str, str] = {}  # "open" while on the DFS path, "done" after
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = "open"
        while stack:
            successor = next(stack[-1], None)
            if successor is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(successor) == "open":
                return [*path[path.index(successor) :], successor]
            elif successor not in state:
                state[successor] = "open"
                path.append(successor)
                stack.append(iter(sorted(graph.get(successor, ()))))
    return None


def test_cycle_finder_reports_a_cycle_and_accepts_a_dag():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_function_level_and_package_imports():
    graph = _graph()
    assert f"{ROOT}.hubs.registry" in graph[f"{ROOT}.crawl.daily"]
    assert f"{ROOT}.hubs" in graph[f"{ROOT}.crawl.daily"]  # importing hubs.registry runs hubs/__init__
    assert f"{ROOT}.alerts.run" in graph[f"{ROOT}.demo"]  # imported inside a function


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_settings_is_a_leaf():
    assert _graph()[f"{ROOT}.settings"] == set()  # the root package (its version) is its own parent


def test_only_orchestration_imports_airflow():
    offenders = sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if not (module == AIRFLOW_SEAM or module.startswith(AIRFLOW_SEAM + "."))
        for name in _imported(module, path)
        if name.split(".")[0] in AIRFLOW_PACKAGES
    )
    assert not offenders, "Airflow outside orchestration/: " + "; ".join(offenders)
