"""No private name crosses a module boundary.

A module uses its own ``_private`` names; what it shares with other modules has a
name without the underscore (public within the package, even when its module is
private), and a layer re-exports what the layers above need from its private
modules. Read from every module's source: imports of ``_names`` from another
module, imports of another package's private module, and ``obj._name`` where
``_name`` is not defined in the module itself.
"""

import ast
from pathlib import Path

import pytest

import skrecursive

PACKAGE = Path(skrecursive.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _target(node, module, is_package):
    """The dotted module an ``ImportFrom`` node imports from."""
    if not node.level:
        return node.module or ""
    base = (module if is_package else module.rpartition(".")[0]).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _hidden_module(target, module, is_package):
    """The first private part of ``target`` that sits in a package other than the
    importer's own or one of its ancestors (None when there is none)."""
    own = module if is_package else module.rpartition(".")[0]
    ancestors = {".".join(own.split(".")[:i]) for i in range(1, own.count(".") + 2)}
    parts = target.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if _is_private(part) and ".".join(parts[:i]) not in ancestors:
            return ".".join(parts[: i + 1])
    return None


def _is_module(dotted):
    base = PACKAGE.joinpath(*dotted.split(".")[1:])
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _defined_private(tree):
    """The private names a module defines itself (functions, classes, attributes)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)  # set_defaults(_run=...), dataclass fields, ...
        elif isinstance(node, ast.Dict):  # attributes written from a dict (__dict__.update)
            names |= {k.value for k in node.keys
                      if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return {n for n in names if _is_private(n)}


def crossings(source, module, is_package):
    """Every private name ``source`` (the module ``module``) takes from another module."""
    tree = ast.parse(source)
    own = _defined_private(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _target(node, module, is_package)
            if target.split(".")[0] != "skrecursive":
                continue
            hidden = _hidden_module(target, module, is_package)
            if hidden:
                found.append(f"line {node.lineno}: imports the private module {hidden}")
            for alias in node.names:
                if _is_module(f"{target}.{alias.name}"):  # "from . import _adult": a module
                    hidden = _hidden_module(f"{target}.{alias.name}", module, is_package)
                    if hidden:
                        found.append(f"line {node.lineno}: imports the private module {hidden}")
                elif _is_private(alias.name):
                    found.append(f"line {node.lineno}: imports {alias.name} from {target}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "skrecursive":
                    hidden = _hidden_module(alias.name, module, is_package)
                    if hidden:
                        found.append(f"line {node.lineno}: imports the private module {hidden}")
        elif (isinstance(node, ast.Attribute) and _is_private(node.attr)
              and node.attr not in own
              and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append(f"line {node.lineno}: uses .{node.attr}, defined in another module")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_name_crosses_a_module_boundary(path):
    found = crossings(path.read_text(), _module_name(path), path.name == "__init__.py")
    assert not found, f"{_module_name(path)}: " + "; ".join(found)


def test_the_checker_sees_each_kind_of_crossing():
    source = (
        "from .distributions import _aligned, aligned\n"
        "from ..simulation._adult_engines import PAPER_WEIGHTS\n"
        "from .._core.weights import row_weights\n"  # the core package: an ancestor's child
        "from ._engines import ENGINES\n"  # a private sibling in the same package
        "from ..cli import _adult\n"  # another package's private module, by name
        "def f(estimator, self):\n"
        "    estimator._check_params()\n"
        "    self._mine()\n"
        "    return estimator._own\n"
        "_own = 1\n"
    )
    found = crossings(source, "skrecursive.reproduce._adult", is_package=False)
    assert found == [
        "line 1: imports _aligned from skrecursive.reproduce.distributions",
        "line 2: imports the private module skrecursive.simulation._adult_engines",
        "line 5: imports the private module skrecursive.cli._adult",
        "line 7: uses ._check_params, defined in another module",
    ]
