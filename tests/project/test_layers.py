"""The package's layers, enforced by reading every module's imports.

    cli/          the command line: parsing and printing
    reproduce/    the paper's experiments and their figures
    simulation/   the fast engines and simulate()
    core          _core/, theory, metrics, plotting, datasets/ (and the package's __init__)
    _utils/       helpers every layer uses

A module may import its own layer and the layers below it, never a layer above
(function-level imports included: a lazy import is still a dependency).
"""

import ast
from pathlib import Path

import pytest

import skrecursive

PACKAGE = Path(skrecursive.__file__).parent
LAYERS = ["_utils", "core", "simulation", "reproduce", "cli"]


def _layer(module):
    """Layer of a dotted module name inside the package ('skrecursive.x.y')."""
    parts = module.split(".")[1:]
    head = parts[0] if parts else ""
    if head in ("_utils", "simulation", "reproduce", "cli"):
        return head
    return "core"  # _core, theory, metrics, plotting, datasets and the package itself


def _module_name(path):
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path):
    """Every skrecursive module the file ``path`` imports, as dotted names."""
    return _imports_of(path.read_text(), _module_name(path), path.name == "__init__.py")


def _imports_of(source, module, is_package):
    """Every skrecursive module ``source`` imports if it were the module ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "skrecursive"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "skrecursive":
                continue
            # "from . import reproduce" imports the submodule reproduce
            subs = [f"{target}.{a.name}" for a in node.names]
            found += [s for s in subs if _is_module(s)] or [target]
    return found


def _is_module(dotted):
    rel = Path(*dotted.split(".")[1:])
    base = PACKAGE / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_every_layer():
    assert {_layer(_module_name(p)) for p in MODULES} == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_layer_above_its_own(path):
    own = LAYERS.index(_layer(_module_name(path)))
    upward = [m for m in _imports(path) if LAYERS.index(_layer(m)) > own]
    assert not upward, f"{_module_name(path)} imports the higher layer(s) {upward}"


def test_the_checker_sees_upward_imports():
    # relative, absolute and function-level imports are all read
    source = (
        "def f():\n    from ..cli import main\n"
        "import skrecursive.reproduce\nfrom . import cvm\n"
    )
    found = _imports_of(source, "skrecursive._utils.rows", is_package=False)
    assert sorted(found) == ["skrecursive._utils.cvm", "skrecursive.cli", "skrecursive.reproduce"]
    assert sorted(_layer(m) for m in found) == ["_utils", "cli", "reproduce"]
