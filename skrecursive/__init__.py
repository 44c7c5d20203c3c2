"""skrecursive: recursive training on mixed real and synthetic data without model collapse.

Each generation fits a model on fresh real rows plus synthetic rows drawn from the
previous generation's model, with total weight ``w`` on the real part. The weight
``w*(k) = (sqrt(k^2 + 4k) - k) / 2`` (``k`` = real rows per synthetic row)
minimises the limiting error (He, Xu & Cheng, JRSSB 2026,
doi:10.1093/jrsssb/qkag099).
"""

from ._core.classification import RecursiveWeightedClassifier
from ._core.density import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianDensity,
    RecursiveDensityEstimator,
)
from ._core.regression import RecursiveWeightedRegressor
from ._core.weight_curve import weight_curve
from .theory import limiting_risk, naive_weight, optimal_weight, risk_trajectory

__version__ = "0.1.0"

__all__ = [
    "CategoricalDistribution",
    "EmpiricalDistribution",
    "GaussianDensity",
    "RecursiveDensityEstimator",
    "RecursiveWeightedClassifier",
    "RecursiveWeightedRegressor",
    "limiting_risk",
    "naive_weight",
    "optimal_weight",
    "risk_trajectory",
    "weight_curve",
]
