"""The package's layers, enforced by reading every module's imports.

    cli/          the command line: parsing and printing
    reproduce/    the paper's experiments and their figures
    simulation/   the fast engines and simulate()
    core          _core/, theory, metrics, plotting, datasets/ (and the package's __init__)
    _utils/       helpers every layer uses

A module may import its own layer and the layers below it, never a layer above
(function-level imports included: a lazy import is still a dependency). And no
module imports, at module level, one that imports it back, directly or through
others: the import graph of the package has no cycle.
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


def _imports_of(source, module, is_package, *, module_level=False):
    """Every skrecursive module ``source`` imports if it were the module ``module``.

    With ``module_level=True``, only the imports that run when the module is
    imported (not those inside functions).
    """
    package = module if is_package else module.rpartition(".")[0]
    found = []
    nodes = _module_level_nodes(ast.parse(source)) if module_level else ast.walk(
        ast.parse(source))
    for node in nodes:
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


def _module_level_nodes(tree):
    """The nodes of ``tree`` that run on import: everything outside function bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                               ast.Lambda)))


def _ancestors(module):
    """The packages importing ``module`` imports first ('a.b.c' -> 'a.b', 'a')."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _import_graph(sources):
    """Module -> the package modules it imports at module level.

    ``sources`` maps a dotted module name to ``(source, is_package)``. Importing
    ``a.b.c`` runs the package ``a.b`` first, so an edge to a module is an edge
    to its packages too, except the importer's own (Python imports those before
    the module itself, never because of it).
    """
    graph = {}
    for module, (source, is_package) in sources.items():
        own = set(_ancestors(module)) | {module}
        edges = set()
        for target in _imports_of(source, module, is_package, module_level=True):
            edges |= {t for t in (target, *_ancestors(target)) if t in sources and t not in own}
        graph[module] = sorted(edges)
    return graph


def _cycles(graph):
    """The import cycles of ``graph``: its strongly connected components of two or more."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _unit(module):
    """The top-level module or subpackage ``module`` belongs to ('skrecursive._core.loop' ->
    'skrecursive._core')."""
    return ".".join(module.split(".")[:2])


def _unit_graph(sources):
    """Top-level module or subpackage -> those it imports (function-level imports included)."""
    graph = {}
    for module, (source, is_package) in sources.items():
        edges = graph.setdefault(_unit(module), set())
        edges |= {_unit(t) for t in _imports_of(source, module, is_package)} - {_unit(module)}
    return {unit: sorted(edges) for unit, edges in graph.items()}


def _sources():
    return {_module_name(p): (p.read_text(), p.name == "__init__.py") for p in MODULES}


def test_no_module_imports_one_that_imports_it_back():
    assert _cycles(_import_graph(_sources())) == []


def test_no_part_of_the_package_imports_one_that_imports_it_back():
    # theory, metrics, plotting, datasets and the _core package each count as one
    # part: today's circle was theory -> _core.strategies and _core.loop -> theory
    assert _cycles(_unit_graph(_sources())) == []


def test_the_checker_sees_import_cycles():
    # the circle this test was written for: the core loop imported theory, which
    # imports the core's strategy registry (a function-level import would not count)
    sources = {
        "skrecursive.theory": ("from ._core.strategies import get_strategy\n", False),
        "skrecursive._core": ("", True),
        "skrecursive._core.strategies": ("from . import loop\n", False),
        "skrecursive._core.loop": ("from ..theory import optimal_weight\n", False),
        "skrecursive._core.lazy": ("def f():\n    from ..theory import naive_weight\n", False),
    }
    assert _cycles(_import_graph(sources)) == [
        ["skrecursive._core.loop", "skrecursive._core.strategies", "skrecursive.theory"]]
    # a cycle through a package's __init__ counts too
    # and the circle between parts the core once had, through different modules
    sources = {
        "skrecursive.theory": ("from ._core.strategies import get_strategy\n", False),
        "skrecursive._core": ("", True),
        "skrecursive._core.strategies": ("", False),
        "skrecursive._core.loop": ("def f():\n    from ..theory import optimal_weight\n", False),
    }
    assert _cycles(_import_graph(sources)) == []
    assert _cycles(_unit_graph(sources)) == [["skrecursive._core", "skrecursive.theory"]]
    sources = {
        "skrecursive.a": ("from .b import x\n", True),
        "skrecursive.a.b": ("", False),
        "skrecursive.c": ("import skrecursive.a.b\n", False),
    }
    sources["skrecursive.a.b"] = ("from ..c import y\n", False)
    assert _cycles(_import_graph(sources)) == [
        ["skrecursive.a", "skrecursive.a.b", "skrecursive.c"]]
