"""Every metric carries its direction: a distance recommends the same weight on every path.

The issue this answers: ``RecursiveDensityEstimator(GaussianCopula(),
scoring=marginal_distance)`` handed to ``weight_curve`` treated the distance as
a score (greater is better), so the fully synthetic loop ``w = 0``, whose
distance grows generation after generation, came out best. Scores are
greater-is-better everywhere, as in scikit-learn: a metric declaring
``greater_is_better = False`` is refused as ``scoring=`` with the name of its
``neg_`` scorer, and each path (``history_`` / ``generation_scores_``,
``weight_curve``, ``WeightCurveDisplay.from_estimator`` and ``from_results``,
``GenerationCurveDisplay``, ``minimiser_interval``, ``GridSearchCV`` over
``weight``) recommends the weight that keeps the distance small.

Sizes: 150 fresh real rows per generation, 6 generations, 600 held-out rows.
At ``w = 0`` the copula's distances grow with every generation while at
``w*`` they stay near a fit of one real batch, so a handful of repeats shows
the gap at many standard errors (each statistical check states its margin).
"""

import functools

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV

from skrecursive import GaussianCopula, RecursiveDensityEstimator, weight_curve
from skrecursive.datasets import load_adult
from skrecursive.metrics import (
    association_distance,
    category_coverage,
    cramer_von_mises,
    distribution_mse,
    marginal_distance,
    neg_association_distance_scorer,
    neg_cramer_von_mises_scorer,
    neg_distribution_mse_scorer,
    neg_marginal_distance_scorer,
    synthetic_utility,
)
from skrecursive.plotting import GenerationCurveDisplay, WeightCurveDisplay
from skrecursive.reproduce import minimiser_interval
from skrecursive.theory import optimal_weight

matplotlib.use("Agg")

W_STAR = optimal_weight(1.0)
N_GEN, N_REAL, N_VAL, LAST = 6, 150, 600, 3


@pytest.fixture(scope="module")
def adult():
    return load_adult().frame


def _loop(adult, scoring, **params):
    return RecursiveDensityEstimator(
        GaussianCopula(), n_generations=N_GEN, n_real=N_REAL,
        validation_fraction=N_VAL / len(adult), scoring=scoring, **params)


# ---------------------------------------------------------------- the bug
def test_weight_curve_refuses_a_distance_as_scoring(adult):
    """The issue's example: a distance passed as scoring= is refused, naming the fix."""
    est = _loop(adult, marginal_distance)
    with pytest.raises(ValueError, match="neg_marginal_distance_scorer"):
        weight_curve(est, adult, weights=[0.0], n_repeats=2, last=LAST, random_state=0)


@pytest.fixture(scope="module")
def curve(adult):
    """The issue's weight curve, with the distance scored by its neg_ scorer."""
    est = _loop(adult, neg_marginal_distance_scorer)
    return weight_curve(est, adult, weights=[0.0], n_repeats=3, last=LAST, random_state=0)


def test_weight_curve_says_the_collapsing_loop_does_worse(curve):
    at_zero = curve[curve["weight"] == 0.0].iloc[0]
    # scores are minus distances: at most 0
    assert (curve["score_mean"] <= 0).all()
    # w = 0 scores worse than w*: the paired difference is below zero by more than three
    # of its standard errors (a one-sided z > 3 has probability 0.0013 if it were zero)
    assert at_zero["diff_mean"] + 3 * at_zero["diff_se"] < 0
    assert curve.loc[curve["score_mean"].idxmax(), "weight"] == pytest.approx(W_STAR)
