"""The shape of the code (docs/architecture.md): apps depend one way, modules form no circle.

Read from the source with `ast`, imports inside functions included: a lazy import is still a
dependency, and hiding a circle in a function is how the last one came about (issue 14).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top: each app may import the ones before it, never one after it.
LAYERS = [
    "core",
    "accounts",
    "audit",
    "twofactor",
    "notices",
    "invitations",
    "partners",
    "funding",
    "agreements",
    "archive",
    "exports",
    "api",
    "demo",
    "config",
]
MAX_MODULE_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports (resolved to the longest known module name)."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            candidates = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in MODULES:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
                break
    return targets


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_apps_depend_one_way() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if LAYERS.index(target.split(".")[0]) > LAYERS.index(module.split(".")[0])
    ]
    assert wrong == []


def test_no_import_circle() -> None:
    # A package's __init__ re-exporting its own modules is not a dependency of theirs on it.
    def edges(module: str) -> set[str]:
        return {t for t in GRAPH[module] if not module.startswith(t + ".")}

    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges(module)):
            if state.get(target) == 1:
                circles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert circles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines; split it by sub-domain"


MAX_VIEW_LINES = 30


def _views() -> list[tuple[str, ast.FunctionDef, int]]:
    found = []
    for name, path in MODULES.items():
        if not (name.endswith(".views") or ".views." in name):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                found.append((f"{name}.{node.name}", node, (node.end_lineno or first) - first + 1))
    return found


def test_views_are_thin() -> None:
    """Authorise → selector or service → render, in at most 30 lines (decorators included)."""
    views = _views()
    assert len(views) > 20  # the pages were found
    assert [f"{name}: {lines}" for name, _node, lines in views if lines > MAX_VIEW_LINES] == []
