"""Distances between distributions, and scorers for the recursive density estimator.

* :func:`cramer_von_mises`: ``integral (F_model - F_ref)^2 dF_ref``, the error
  of the paper's nonparametric setting, computed exactly from sorted samples.
* :func:`distribution_mse`: mean squared error between categorical
  probability vectors, the error of the paper's categorical setting.
* :func:`neg_cramer_von_mises_scorer`, :func:`neg_distribution_mse_scorer`:
  the same, negated (greater is better), with the scorer signature
  ``(estimator, X, y=None)`` of ``scoring=`` in scikit-learn and in
  :class:`~skrecursive.RecursiveDensityEstimator`.
* Tabular fidelity of a synthesizer against real rows, each a function of
  ``(fitted model or synthetic rows, real rows)``:
  :func:`marginal_distance` (per column, Kolmogorov-Smirnov or
  Cramer-von Mises for numeric columns, total variation for the others),
  :func:`association_distance` (normal-score correlations),
  :func:`category_coverage` (share of the real categories the model can
  still produce) and :func:`synthetic_utility` (train on synthetic, test on
  real). Distances are lower-is-better; coverage and utility higher-is-better.
* :func:`neg_marginal_distance_scorer`, :func:`neg_association_distance_scorer`:
  the two tabular distances negated (greater is better), for ``scoring=``.
* Memorisation of the training rows: :func:`copy_rate` (share of synthetic
  rows that copy a training row, lower is better) and
  :func:`distance_to_closest_record` (median Gower distance to the closest
  training row, the one distance where greater is better: farther from the
  training rows means less memorised).

Every metric declares its direction as scikit-learn's ``make_scorer`` does:
its ``greater_is_better`` attribute is False for the distances and True for
the scores. The recursive meta-estimators record scores, greater is better,
and refuse a metric whose ``greater_is_better`` is False with a message naming
its ``neg_`` scorer, so that the history, :func:`~skrecursive.weight_curve`,
the displays and a search over ``weight`` never pick the weight with the
largest distance.
"""

# the metrics live in the core, one module per family; this module is their public home
from ._core.distribution_metrics import (
    cramer_von_mises,
    distribution_mse,
    neg_cramer_von_mises_scorer,
    neg_distribution_mse_scorer,
)
from ._core.fidelity import (
    association_distance,
    category_coverage,
    contingency_distance,
    marginal_distance,
    neg_association_distance_scorer,
    neg_contingency_distance_scorer,
    neg_marginal_distance_scorer,
    synthetic_utility,
)
from ._core.memorisation import copy_rate, distance_to_closest_record

__all__ = [
    "cramer_von_mises",
    "distribution_mse",
    "neg_cramer_von_mises_scorer",
    "neg_distribution_mse_scorer",
    "marginal_distance",
    "association_distance",
    "neg_marginal_distance_scorer",
    "neg_association_distance_scorer",
    "category_coverage",
    "contingency_distance",
    "neg_contingency_distance_scorer",
    "synthetic_utility",
    "copy_rate",
    "distance_to_closest_record",
]


# ------------------------------------------------------------------ directions
# Every metric says which way is better, as scikit-learn's make_scorer(greater_is_better=)
# does; a lower-is-better metric names its negated scorer, which the message refusing it
# as scoring= suggests.
for _metric, _negated in ((cramer_von_mises, neg_cramer_von_mises_scorer),
                          (distribution_mse, neg_distribution_mse_scorer),
                          (marginal_distance, neg_marginal_distance_scorer),
                          (association_distance, neg_association_distance_scorer),
                          (contingency_distance, neg_contingency_distance_scorer)):
    _metric.greater_is_better = False
    _metric.neg_scorer = _negated
    _negated.greater_is_better = True
category_coverage.greater_is_better = True
synthetic_utility.greater_is_better = True
contingency_distance.greater_is_better = False
# memorisation: a copy is worse, a larger distance to the closest record better
copy_rate.greater_is_better = False
distance_to_closest_record.greater_is_better = True
# their public name (in messages, pickles and the API reference) is this module's
for _metric in __all__:
    globals()[_metric].__module__ = __name__
del _metric, _negated
