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

Sizes: 100 fresh real rows per generation, 5 generations, 400 held-out rows.
At ``w = 0`` the copula's distances grow with every generation while at
``w*`` they stay near a fit of one real batch, so a handful of repeats shows
the gap at many standard errors (each statistical check states its margin).
"""

import copy
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
from skrecursive.theory import optimal_weight

matplotlib.use("Agg")

W_STAR = optimal_weight(1.0)
N_GEN, N_REAL, N_VAL, LAST = 5, 100, 400, 2


@pytest.fixture(scope="module")
def adult():
    return load_adult().frame


def _loop(adult, scoring, **params):
    return RecursiveDensityEstimator(
        GaussianCopula(), n_generations=N_GEN, n_real=N_REAL,
        validation_fraction=N_VAL / len(adult), scoring=scoring, **params)


# ---------------------------------------------------------------- declared directions
DISTANCES = [(cramer_von_mises, neg_cramer_von_mises_scorer),
             (distribution_mse, neg_distribution_mse_scorer),
             (marginal_distance, neg_marginal_distance_scorer),
             (association_distance, neg_association_distance_scorer)]


def test_every_metric_declares_its_direction():
    for metric, negated in DISTANCES:
        assert metric.greater_is_better is False and metric.neg_scorer is negated
        assert negated.greater_is_better is True
    for score in (category_coverage, synthetic_utility):
        assert score.greater_is_better is True


def test_neg_scorers_are_minus_the_distances(adult):
    real, other = adult.iloc[:400], adult.iloc[400:800]
    model = GaussianCopula().fit(other)
    assert neg_marginal_distance_scorer(model, real) == -marginal_distance(model, real)
    assert (neg_marginal_distance_scorer(model, real, numeric="cvm")
            == -marginal_distance(model, real, numeric="cvm"))
    assert neg_association_distance_scorer(model, real) == -association_distance(model, real)
    assert marginal_distance(model, real) > 0  # so the sign is visible


@pytest.mark.parametrize("scoring, fix", [
    (marginal_distance, "skrecursive.metrics.neg_marginal_distance_scorer instead"),
    (association_distance, "skrecursive.metrics.neg_association_distance_scorer instead"),
    (cramer_von_mises, "skrecursive.metrics.neg_cramer_von_mises_scorer instead"),
    (functools.partial(marginal_distance, numeric="cvm"),
     "neg_marginal_distance_scorer instead \\(it takes the same keyword arguments\\)"),
    ({"fidelity": marginal_distance, "coverage": category_coverage},
     r"scoring\['fidelity'\].*neg_marginal_distance_scorer"),
])
def test_fit_refuses_a_distance_naming_the_fix(adult, scoring, fix):
    est = RecursiveDensityEstimator(GaussianCopula(), n_generations=1, n_real=50,
                                    scoring=scoring)
    with pytest.raises(ValueError, match=fix) as caught:
        est.fit(adult.iloc[:500])
    assert "is lower-is-better" in str(caught.value)
    assert not hasattr(est, "history_")  # refused before any fit


def test_fit_refuses_any_callable_declaring_lower_is_better(adult):
    def my_distance(estimator, X):
        return marginal_distance(estimator, X)

    my_distance.greater_is_better = False
    est = RecursiveDensityEstimator(GaussianCopula(), n_generations=1, n_real=50,
                                    scoring=my_distance)
    with pytest.raises(ValueError, match=r"lambda estimator, X: -my_distance\(estimator, X\)"):
        est.fit(adult.iloc[:500])
    my_distance.greater_is_better = True  # a score: accepted
    assert np.isfinite(est.fit(adult.iloc[:500]).history_["score"]).all()


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


# ---------------------------------------------------------------- the displays
def test_weight_curve_display_from_estimator_agrees(adult, curve):
    with pytest.raises(ValueError, match="neg_marginal_distance_scorer"):
        WeightCurveDisplay.from_estimator(_loop(adult, marginal_distance), adult,
                                          weights=[0.0], n_repeats=2, random_state=0)
    disp = WeightCurveDisplay.from_estimator(
        _loop(adult, neg_marginal_distance_scorer), adult, weights=[0.0], n_repeats=3,
        last=LAST, random_state=0)
    pd.testing.assert_frame_equal(disp.curve, curve)  # the same runs as weight_curve's
    np.testing.assert_array_equal(disp.mean, -curve["score_mean"])  # the distance itself
    assert disp.minimiser == pytest.approx(W_STAR)
    assert disp.ax_.get_ylabel() == "Marginal distance (lower is better)"


@pytest.fixture(scope="module")
def runs(adult):
    """Late-generation scores of fits at w = 0 and w*, three repeats, paired by seed."""
    rows, fits = [], {}
    for weight in (0.0, "optimal"):
        for repeat in range(3):
            est = _loop(adult, {"neg_marginal": neg_marginal_distance_scorer}, weight=weight,
                        random_state=repeat).fit(adult)
            scores = est.generation_scores_["neg_marginal"]
            np.testing.assert_array_equal(scores, est.history_["score_neg_marginal"])
            rows.append({"weight": est.weight_, "repeat": repeat,
                         "score": float(np.mean(scores[-LAST:]))})
            fits[weight, repeat] = est
    return pd.DataFrame(rows), fits


def test_history_scores_say_the_collapsing_loop_does_worse(runs):
    table, _ = runs
    wide = table.pivot(index="repeat", columns="weight", values="score")
    diff = wide[0.0] - wide[W_STAR]  # paired by seed: same validation rows and real batches
    # below zero by more than three standard errors of the mean paired difference
    assert diff.mean() + 3 * diff.std(ddof=1) / np.sqrt(len(diff)) < 0


def test_weight_curve_display_from_results_agrees_for_errors_and_scores(runs):
    table, _ = runs
    errors = table.assign(error=-table["score"])
    by_error = WeightCurveDisplay.from_results(errors)
    by_score = WeightCurveDisplay.from_results(table, error_col="score", greater_is_better=True)
    assert by_error.minimiser == by_score.minimiser == pytest.approx(W_STAR)
    np.testing.assert_allclose(by_score.mean, by_error.mean)
    assert by_error.ax_.get_ylabel() == "error (lower is better)"
    assert by_score.ax_.get_ylabel() == "Negative score (lower is better)"
    # the same column read as an error marks the other end: why the flag exists
    assert WeightCurveDisplay.from_results(table, error_col="score").minimiser == 0.0
    with pytest.raises(TypeError, match="greater_is_better must be a bool"):
        WeightCurveDisplay.from_results(table, error_col="score", greater_is_better="yes")


def test_generation_curve_display_says_which_way_is_better(adult, runs):
    _, fits = runs
    pair = [fits[0.0, 0], fits["optimal", 0]]
    disp = GenerationCurveDisplay.from_estimator(pair, metric="neg_marginal")
    assert disp.ax_.get_ylabel() == "Negative marginal (higher is better)"
    # the collapsing loop ends lower (worse) than w*: one pair of runs suffices, as the gap is
    # several run-to-run standard deviations (the scores' standard errors in test_weight_curve_*)
    assert disp.lines_[0].get_ydata()[-1] < disp.lines_[1].get_ydata()[-1]
    flipped = GenerationCurveDisplay.from_estimator(pair, metric="neg_marginal",
                                                    negate_score=True)
    assert flipped.ax_.get_ylabel() == "Marginal (lower is better)"
    single = _loop(adult, neg_marginal_distance_scorer, random_state=0).fit(adult)
    assert (GenerationCurveDisplay.from_estimator(single).ax_.get_ylabel()
            == "Negative marginal distance (higher is better)")


# ---------------------------------------------------------------- a search over weight
def test_grid_search_over_weight_agrees(adult):
    pool = adult.iloc[:3000]  # the scorer summarises each test fold: 1,000 rows are enough
    search = GridSearchCV(_loop(pool, None, random_state=0), {"weight": [0.0, "optimal"]},
                          scoring=neg_marginal_distance_scorer, cv=3).fit(pool)
    # the mean over three folds of the distance at w = 0 is far above w*'s (the gap measured
    # above is several run-to-run standard deviations), so the search keeps w*
    assert search.best_params_["weight"] == "optimal"
    disp = WeightCurveDisplay.from_estimator(search)
    assert disp.minimiser == pytest.approx(W_STAR)
    assert disp.ax_.get_ylabel() == "Marginal distance (lower is better)"
    # a search scored by the distance itself keeps the largest distance: refused
    by_distance = copy.copy(search)
    by_distance.scoring = marginal_distance
    with pytest.raises(ValueError, match="GridSearchCV.*neg_marginal_distance_scorer"):
        WeightCurveDisplay.from_estimator(by_distance)
