"""Unequal row weights discount k in the optimal weight (Kish's effective sample size)."""

import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skrecursive import (
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
    effective_k,
    optimal_weight,
    weight_curve,
)
from skrecursive._core.weight_rule import design_effect, resolve_weight
from skrecursive.plotting import WeightCurveDisplay

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    return X, X @ [1.0, 2.0] + rng.standard_normal(n), rng.choice([1.0, 3.0], size=n)


def test_effective_k_is_kish_and_exactly_k_for_equal_weights():
    assert effective_k(1.0, None) == 1.0
    for k in (0.01, 0.3, 1.0, 7.0):
        assert effective_k(k, np.full(10, 2.5)) == k
        assert effective_k(k, np.full(7, 0.1)) == k  # 7 * 0.1 is not exact in floats
    u = np.array([1.0, 3.0, 0.0, 2.0])
    assert effective_k(2.0, u) == pytest.approx(2.0 * u.sum() ** 2 / (u.size * np.sum(u**2)))
    # only ratios matter, also far out in the float range
    assert effective_k(2.0, u * 1e300) == pytest.approx(effective_k(2.0, u))
    assert effective_k(2.0, u * 1e-300) == pytest.approx(effective_k(2.0, u))
    assert design_effect([5.0, 0.0, 0.0, 0.0]) == pytest.approx(4.0)


def test_effective_k_names_bad_arguments():
    with pytest.raises(ValueError, match="'k'"):
        effective_k(0.0, [1, 2])
    with pytest.raises(ValueError, match="sample_weight"):
        effective_k(1.0, [1.0, -1.0])
    with pytest.raises(ValueError, match="sample_weight"):
        effective_k(1.0, [0.0, 0.0])


def test_optimal_weight_reads_the_effective_ratio_only_for_unequal_weights():
    X, y, u = _data()
    plain = RecursiveWeightedRegressor(n_generations=2, random_state=0).fit(X, y)
    constant = RecursiveWeightedRegressor(n_generations=2, random_state=0).fit(
        X, y, sample_weight=np.full(len(y), 3.0))
    for est in (plain, constant):
        # exactly today's rule: no rounding through the design effect
        assert est.design_effect_ == 1.0 and est.effective_k_ == est.k_
        assert est.weight_ == est.optimal_weight_ == optimal_weight(est.k_)
    weighted = RecursiveWeightedRegressor(n_generations=2, random_state=0).fit(
        X, y, sample_weight=u)
    # the training pool is the 80% not held out: its weights give the design effect
    assert 1.1 < weighted.design_effect_ < 1.4
    assert weighted.effective_k_ == pytest.approx(weighted.k_ / weighted.design_effect_)
    assert weighted.optimal_weight_ == pytest.approx(optimal_weight(weighted.effective_k_))
    assert weighted.weight_ == weighted.optimal_weight_ < plain.weight_
    # "naive" is plain pooling, every row weight one: it keeps the nominal k
    naive = RecursiveWeightedRegressor(weight="naive", n_generations=2, random_state=0).fit(
        X, y, sample_weight=u)
    assert naive.weight_ == 0.5
    assert resolve_weight("naive", 1.0, effective_k=0.5) == 0.5


def test_every_meta_estimator_and_partial_fit_report_the_design_effect():
    X, y, u = _data()
    clf = RecursiveWeightedClassifier(n_generations=1, random_state=0).fit(
        X, (y > 0).astype(int), sample_weight=u)
    dens = RecursiveDensityEstimator(GaussianDensity(), n_generations=1, random_state=0).fit(
        X, sample_weight=u)
    for est in (clf, dens):
        assert est.design_effect_ > 1.0
        assert est.weight_ == pytest.approx(optimal_weight(est.effective_k_))
    stream = RecursiveWeightedRegressor(random_state=0)
    stream.partial_fit(X[:100], y[:100], sample_weight=u[:100])
    assert stream.design_effect_ == pytest.approx(design_effect(u[:100]))
    stream.partial_fit(X[100:], y[100:])
    assert stream.design_effect_ == 1.0


def test_weight_curve_and_the_search_display_use_the_effective_ratio():
    X, y, u = _data()
    est = RecursiveWeightedRegressor(n_generations=2, n_real=60)
    curve = weight_curve(est, X, y, weights=[0.3, 0.9], n_repeats=2, last=2,
                         sample_weight=u, random_state=0)
    assert curve.attrs["design_effect"] > 1.0
    assert curve.attrs["optimal_weight"] == pytest.approx(
        optimal_weight(curve.attrs["effective_k"]))
    assert curve.loc[curve["label"] == "optimal", "weight"].item() == pytest.approx(
        curve.attrs["optimal_weight"])
    search = GridSearchCV(RecursiveWeightedRegressor(n_generations=2, random_state=0),
                          {"weight": [0.3, "optimal", 0.9]}, cv=3)
    search.fit(X, y, sample_weight=u)
    disp = WeightCurveDisplay.from_estimator(search)
    best = search.best_estimator_
    assert disp.optimal_weight == pytest.approx(optimal_weight(best.effective_k_))
    # "optimal" in the grid is placed at the weight the refitted estimator used
    assert np.min(np.abs(np.asarray(disp.weights) - best.optimal_weight_)) < 1e-12
    assert best.optimal_weight_ < optimal_weight(best.k_)


def _measured_minimiser(response, n_repeats, confidence):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from weighted_optimum import WEIGHTS, late_errors
    finally:
        sys.path.remove(str(BENCHMARKS))
    from skrecursive.reproduce import minimiser_interval

    grid = WEIGHTS[(WEIGHTS >= 0.4) & (WEIGHTS <= 0.76)]
    res, est = late_errors(n_repeats, weights=grid, response=response)
    return minimiser_interval(res, confidence=confidence), est


@pytest.mark.slow
def test_the_minimiser_with_survey_weights_is_the_reported_optimal_weight():
    """Adult covariates, fnlwgt as sample_weight, n = m = 300, a linear response
    with homoscedastic noise (so only the weights move the optimum; with the real
    age the user guide and ``benchmarks/weighted_optimum.py`` measure the rest).

    ``minimiser_interval`` is calibrated (its coverage is measured in
    ``benchmarks/minimiser_coverage.py`` and tests/reproduce), so its 99% interval
    holds the true minimiser of the late error with probability 0.99; 150 paired
    repeats make it about +-0.03 wide, so it must hold the reported weight (0.572,
    Kish's design effect 1.31) and not the nominal w*(1) = 0.618.
    """
    found, est = _measured_minimiser("simulated", 150, 0.99)
    assert est.design_effect_ == pytest.approx(1.31, abs=0.01)
    assert found["low"] <= est.optimal_weight_ <= found["high"], (found, est.optimal_weight_)
    assert not found["low"] <= optimal_weight(1.0) <= found["high"], found
