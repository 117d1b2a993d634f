"""The layers go one way and no module imports itself in a circle (the import contracts in pyproject.toml).

The contracts are checked as CI's ``lint-imports`` checks them; a copy of the apps with one wrong import
shows that they fail when a lower layer imports a higher one or a cycle appears.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("forms", "strategy_pages", "notifications", "cms")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def module_cycles(graph):
    """Every set of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index, lowlink, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):
        index[module] = lowlink[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                lowlink[module] = min(lowlink[module], lowlink[imported])
            elif imported in on_stack:
                lowlink[module] = min(lowlink[module], index[imported])
        if lowlink[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def lint_imports(cwd):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
    )


def copy_of_the_apps(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "locale", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_no_module_of_the_apps_imports_itself_in_a_circle():
    graph = grimp.build_graph(*APPS, cache_dir=None)
    assert module_cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for importer, imported in [("a.models", "a.services"), ("a.services", "a.views"), ("a.views", "a.models"),
                               ("a.views", "a.forms")]:
        graph.add_import(importer=importer, imported=imported)
    assert module_cycles(graph) == [["a.models", "a.services", "a.views"]]


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken_contract"),
    [
        # A model that imports its domain's services: a lower layer importing a higher one.
        ("forms/workshops/models.py", "from . import services", "Inside each domain"),
        # notifications importing forms: the apps' layers reversed.
        ("notifications/services.py", "import forms.workshops.services", "Apps: forms uses"),
        # A model importing privacy's per-person services, which import every domain's models: a cycle.
        ("forms/surveys/models.py", "from ..privacy import services", "Models import no services"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tmp_path, module, wrong_import, broken_contract):
    copy = copy_of_the_apps(tmp_path)
    path = copy / module
    path.write_text(path.read_text() + f"\n{wrong_import}  # noqa\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "Broken contracts" in result.stdout
    assert broken_contract in result.stdout.split("Broken contracts", 1)[1], result.stdout
