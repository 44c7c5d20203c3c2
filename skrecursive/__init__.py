"""skrecursive: recursive training on mixed real and synthetic data without model collapse.

Each generation fits a model on fresh real rows plus synthetic rows drawn from the
previous generation's model, with total weight ``w`` on the real part. The weight
``w*(k) = (sqrt(k^2 + 4k) - k) / 2`` (``k`` = real rows per synthetic row)
minimises the limiting error (He, Xu & Cheng, JRSSB 2026,
doi:10.1093/jrsssb/qkag099).
"""

import importlib

__version__ = "0.1.0"

# Public names are imported on first use (PEP 562), so that ``import skrecursive``
# and the ``skrecursive`` command start in milliseconds: the command installs its
# Ctrl-C handling before scikit-learn, pandas and matplotlib load, and ``--help``,
# ``--version`` and usage errors never load them. ``from skrecursive import X``
# works as with eager imports.
_PUBLIC = {
    "CategoricalDistribution": "._core.density",
    "EmpiricalDistribution": "._core.density",
    "GaussianCopula": "._core.copula",
    "GaussianDensity": "._core.density",
    "RecursiveDensityEstimator": "._core.density",
    "RecursiveWeightedClassifier": "._core.classification",
    "RecursiveWeightedRegressor": "._core.regression",
    "SynthesizerAdapter": "._core.adapter",
    "TreeSynthesizer": "._core.tree_synthesizer",
    "effective_k": ".theory",
    "limiting_risk": ".theory",
    "naive_weight": ".theory",
    "optimal_weight": ".theory",
    "risk_trajectory": ".theory",
    "weight_curve": "._core.weight_curve",
}
_SUBMODULES = ("datasets", "metrics", "plotting", "reproduce", "simulation", "theory")

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_PUBLIC, *_SUBMODULES})
