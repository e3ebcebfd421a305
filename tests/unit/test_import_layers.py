"""The import graph keeps its layers: no circles between modules, bench/ only ever on the consuming side."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "workers", "config", "bench")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for package in PACKAGES
    for path in sorted((ROOT / package).rglob("*.py"))
    if "migrations" not in path.parts
}


def imported_by(name: str) -> set[str]:
    """Our modules `name` imports anywhere in its body, functions and TYPE_CHECKING blocks included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` imports the module; `from module import name` the module itself.
            targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        found.update(target for target in targets if target in MODULES and target != name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each of our modules and the modules of ours it imports."""
    return {name: imported_by(name) for name in MODULES}


def test_the_graph_sees_the_imports_it_judges() -> None:
    graph = import_graph()
    assert "service.ratelimit.limits" in graph["service.app"]  # `from service.ratelimit import limits`
    assert "service.commands.settings" in graph["service.cli"]
    assert "bench.load" in graph["bench.commands"]  # imported inside a function


def test_no_two_modules_import_each_other_even_through_others() -> None:
    try:
        TopologicalSorter(import_graph()).prepare()
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


@pytest.mark.parametrize("package", ["service", "workers", "config"])
def test_the_product_never_imports_the_benchmarks(package: str) -> None:
    graph = import_graph()
    offenders = [
        (name, target)
        for name, targets in graph.items()
        for target in targets
        if name.split(".")[0] == package and target.split(".")[0] == "bench"
    ]
    assert offenders == []


def test_no_command_imports_the_command_line_back() -> None:
    graph = import_graph()
    assert [name for name, targets in graph.items() if "service.cli" in targets] == []
