"""The house in layers: every import of the library points down, and no modules import each other in a circle.

Layers, from the floor up (docs/architecture.md): errors, inputs (reading user files within bounds), rules (pure functions of arrays), parameters (the law and
scenarios as data), engine (running the rules over a population), population (generate, calibrate, store), analysis
(compare, what-if, sweeps, repayments, complexity), face (CLI, charts, reports, the panel) and the package's public
API (``simlib/__init__.py``). Every import is read, also those inside functions.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simlib"
LAYERS = ("errors", "inputs", "rules", "parameters", "engine", "population", "analysis", "face")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> int:
    """The floor of a module: its folder (or file) under simlib/; the package itself is the top."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else len(LAYERS)


def imports(module: str) -> set[str]:
    """The library modules ``module`` imports, wherever in the file the import stands."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # 'from simlib.rules import ALLOWANCES' -> simlib.rules
                name = name.rpartition(".")[0]
            if name.startswith("simlib") and name != module:
                out.add(name)
    return out


GRAPH = {m: imports(m) for m in MODULES}


def test_every_layer_exists():
    for name in LAYERS:
        assert f"simlib.{name}" in MODULES, f"simlib/{name} is missing"
    assert {m.split(".")[1] for m in MODULES if m != "simlib"} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    up = sorted(t for t in GRAPH[module] if layer(t) > layer(module))
    assert not up, f"{module} (layer {LAYERS[layer(module)] if layer(module) < len(LAYERS) else 'api'}) imports from above: {up}"


def test_no_import_circles():
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not circles, f"modules that import each other in a circle: {circles}"


def test_the_rules_know_nothing_of_the_engine():
    """The rules are pure functions of arrays: they import numpy and each other, nothing of the engine, and no
    performance tricks (blocks, threads, allocator settings, caches) live there."""
    allowed = {"numpy", "__future__", "dataclasses", "simlib.rules"}
    for module in (m for m in MODULES if m.startswith("simlib.rules")):
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    assert any(name == a or name.startswith(a + ".") for a in allowed), f"{module} imports {name}"
