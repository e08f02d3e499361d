"""The package's layout keeps the flow one way (read -> pages -> markings -> findings -> report):
no import cycle, and the stages never reach up into the run, the project or the reports.

Every import counts, those inside functions and under TYPE_CHECKING too: a cycle hidden in a
function still ties two modules together for whoever reads or moves them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "markaudit"
STAGES = ("markaudit.read", "markaudit.engine", "markaudit.checks")
SHARED = "markaudit.core"  # what every stage may use


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imports() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                    node.module.startswith("markaudit"):
                targets.update(filter(None, (resolve(f"{node.module}.{alias.name}")
                                             for alias in node.names)))
            elif isinstance(node, ast.Import):
                targets.update(filter(None, (resolve(alias.name) for alias in node.names
                                             if alias.name.startswith("markaudit"))))
        targets.discard(name)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle():
    graph = _imports()
    # The package's lazy `markaudit.audit_paths` is its public face, not a stage: left out.
    graph["markaudit"] = set()
    assert _cycles(graph) == []


def test_the_stages_import_only_each_other_and_the_shared_core():
    wrong = sorted((module, target) for module, targets in _imports().items()
                   if module.startswith(STAGES)
                   for target in targets
                   if not target.startswith((*STAGES, SHARED)))
    assert wrong == []


def test_the_shared_core_imports_no_stage():
    wrong = sorted((module, target) for module, targets in _imports().items()
                   if module.startswith(SHARED)
                   for target in targets if not target.startswith(SHARED))
    assert wrong == []
