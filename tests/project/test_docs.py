"""The documentation cannot silently miss a public name, and its examples run.

* every name a public module exports (``__all__``) has an entry in the API
  reference (``docs/api.rst``), under the module it is documented in;
* every name of the public API contract is listed there;
* the ``>>>`` examples of the user guide pages run as doctests.
"""

import doctest
import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = pytest.mark.skipif(
    not (DOCS / "api.rst").is_file(), reason="the docs/ folder is not part of this copy"
)

# Modules whose __all__ is public API. Those not present in this checkout
# (developed on other branches) are skipped by `exported_names`.
PUBLIC_MODULES = [
    "skrecursive",
    "skrecursive.datasets",
    "skrecursive.metrics",
    "skrecursive.plotting",
    "skrecursive.reproduce",
    "skrecursive.simulation",
]

# The public API contract: every one of these must have a reference entry.
CONTRACT = [
    "skrecursive.RecursiveWeightedRegressor",
    "skrecursive.RecursiveWeightedClassifier",
    "skrecursive.RecursiveDensityEstimator",
    "skrecursive.GaussianDensity",
    "skrecursive.EmpiricalDistribution",
    "skrecursive.CategoricalDistribution",
    "skrecursive.optimal_weight",
    "skrecursive.naive_weight",
    "skrecursive.limiting_risk",
    "skrecursive.risk_trajectory",
    "skrecursive.metrics.cramer_von_mises",
    "skrecursive.metrics.distribution_mse",
    "skrecursive.datasets.load_adult",
    "skrecursive.reproduce.adult_logistic",
    "skrecursive.reproduce.adult_categorical",
    "skrecursive.reproduce.scenario1",
    "skrecursive.reproduce.scenario2",
    "skrecursive.reproduce.scenario3",
    "skrecursive.simulation.simulate",
    "skrecursive.plotting.GenerationCurveDisplay",
    "skrecursive.plotting.WeightCurveDisplay",
]


def documented_names(path):
    """Fully qualified names listed in the autosummary tables of an .rst file."""
    names = set()
    module = None
    in_table = False
    for line in path.read_text(encoding="utf-8").splitlines():
        directive = re.match(r"\.\. (currentmodule|autosummary)::\s*(\S*)", line.strip())
        if directive and not line.startswith(" "):
            if directive.group(1) == "currentmodule":
                module, in_table = directive.group(2), False
            else:
                in_table = True
            continue
        if not in_table:
            continue
        if line.strip() and not line.startswith(" "):
            in_table = False  # back to unindented text: the table has ended
        elif line.strip() and not line.strip().startswith(":"):
            names.add(f"{module}.{line.strip().lstrip('~')}")
    return names


def exported_names():
    names = []
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        names += [f"{module_name}.{name}" for name in module.__all__]
    return names


def test_parser_reads_autosummary_tables(tmp_path):
    page = tmp_path / "page.rst"
    page.write_text(
        ".. currentmodule:: pkg\n\n.. autosummary::\n   :toctree: generated/\n\n"
        "   A\n   b\n\nText.\n\n   indented prose\n\n"
        ".. currentmodule:: pkg.sub\n\n.. autosummary::\n\n   c\n",
        encoding="utf-8",
    )
    assert documented_names(page) == {"pkg.A", "pkg.b", "pkg.sub.c"}


@pytest.mark.parametrize("name", exported_names())
def test_every_exported_name_is_in_the_api_reference(name):
    assert name in documented_names(DOCS / "api.rst"), (
        f"{name} is public (in its module's __all__) but has no entry in docs/api.rst"
    )


def test_every_contract_name_has_a_reference_entry():
    listed = documented_names(DOCS / "api.rst")
    missing = [name for name in CONTRACT if name not in listed]
    assert not missing, f"no API reference entry for {missing}"


GUIDE_PAGES = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if not {"_build", "generated", "auto_examples", "_templates"} & set(path.parts)
    and path.name != "sg_execution_times.rst"
)


# pages whose examples take several seconds on an idle machine (pytest --durations)
SLOW_PAGES = {"user_guide/own_data.rst"}


@pytest.mark.parametrize("page", [
    pytest.param(page, marks=pytest.mark.slow) if str(page.relative_to(DOCS)) in SLOW_PAGES
    else page for page in GUIDE_PAGES
], ids=lambda p: str(p.relative_to(DOCS)))
def test_user_guide_examples_run(page):
    result = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE,
        verbose=False, report=False,
    )
    assert result.failed == 0, f"{result.failed} failing example(s) in {page.name}"
