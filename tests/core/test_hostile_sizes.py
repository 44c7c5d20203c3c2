"""Sizes that cannot fit in memory are refused before anything is allocated (issue 18).

Every public entry point that allocates or loops in proportion to a parameter
runs the shared memory check first. The machine's memory is fixed by
monkeypatching, so the tests do not depend on the host; ``tracemalloc``
checks that nothing of the requested size was allocated before the refusal.
"""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from skrecursive import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianCopula,
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
    limiting_risk,
    risk_trajectory,
    weight_curve,
)
from skrecursive._core.sizes import (
    HISTORY_CELL_BYTES,
    MODEL_BYTES,
    check_fit_memory,
    fit_memory,
)
from skrecursive._core.strategies import STRATEGY_NAMES, get_strategy

GB = 10**9
#: no refused call may allocate more than this before raising
SMALL = 50 * 10**6


@pytest.fixture
def machine(monkeypatch):
    """A machine with ``memory`` bytes (16 GB unless a test sets another)."""

    class Machine:
        memory = 16 * GB

    monkeypatch.setattr("skrecursive._utils.validation.total_memory", lambda: Machine.memory)
    return Machine


def _refused_before_allocating(call, match):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < SMALL, peak


def _data(n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    return X, X @ [1.0, -1.0] + rng.normal(size=n)


# ---------------------------------------------------------- meta-estimators
@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
@pytest.mark.parametrize("make", [
    lambda **kw: (RecursiveWeightedRegressor(**kw), _data()),
    lambda **kw: (RecursiveWeightedClassifier(**kw),
                  (_data()[0], (_data()[1] > 0).astype(int))),
    lambda **kw: (RecursiveDensityEstimator(**kw), (_data()[0], None)),
])
def test_a_huge_n_generations_is_refused_for_every_strategy(machine, strategy, make):
    est, (X, y) = make(n_generations=10**12, strategy=strategy, n_real=20, random_state=0)
    _refused_before_allocating(lambda: est.fit(X, y),
                               rf"n_generations=1e\+12, strategy='{strategy}' would need")
    assert not hasattr(est, "history_")


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
def test_the_history_alone_is_counted(machine, strategy):
    # 1 MB of memory: 10,000 generations of history rows (about 240 bytes each) exceed it
    # although the rows of every generation are tiny; 10 generations fit
    machine.memory = 10**6
    X, y = _data()
    est = RecursiveWeightedRegressor(n_generations=10_000, n_real=20, strategy=strategy)
    _refused_before_allocating(lambda: est.fit(X, y), r"n_generations=10000")
    RecursiveWeightedRegressor(n_generations=10, n_real=20, strategy=strategy).fit(X, y)


def test_kept_models_are_counted(machine):
    strategy = get_strategy("fresh")
    sizes = dict(n_real=100, n_synthetic=100, n_features=3, max_accumulated=None)
    plain = fit_memory(strategy, n_steps=10**6, **sizes)
    kept = fit_memory(strategy, n_steps=10**6, keep_estimators=True, **sizes)
    assert kept - plain == (10**6 + 1) * (MODEL_BYTES + 8 * 3)
    assert fit_memory(strategy, n_steps=2 * 10**6, **sizes) - plain >= (
        10**6 * HISTORY_CELL_BYTES * 6)
    # a memory that holds the history but not a kept model per generation
    machine.memory = plain + (kept - plain) // 2
    X, y = _data()
    # the same sizes without kept models pass the check (not run: a million generations)
    check_fit_memory("fit", strategy, n_steps=10**6 - 1, n_columns=6, **sizes)
    with pytest.raises(ValueError, match=r"keep_estimators=True, strategy='fresh' would need"):
        RecursiveWeightedRegressor(n_generations=10**6 - 1, n_real=100, n_synthetic=100,
                                   validation_fraction=0.0, keep_estimators=True).fit(
            np.column_stack([X, X[:, 0]]), y)


# ---------------------------------------------------------- density models
def _fitted_models():
    X, _ = _data()
    frame = pd.DataFrame({"x": X[:, 0], "c": np.where(X[:, 1] > 0, "a", "b")})
    return [GaussianCopula().fit(frame), GaussianDensity().fit(X),
            EmpiricalDistribution().fit(X),
            CategoricalDistribution().fit(frame[["c"]].to_numpy(dtype=object))]


@pytest.mark.parametrize("model", _fitted_models(), ids=lambda m: type(m).__name__)
def test_sample_refuses_an_impossible_number_of_rows(machine, model):
    name = type(model).__name__
    _refused_before_allocating(lambda: model.sample(10**13, random_state=0),
                               rf"{name}.sample\(n_samples=10000000000000\).*would need")
    # a sample the machine holds is drawn, with the rows asked for
    assert len(model.sample(1000, random_state=0)) == 1000


def test_the_meta_estimator_sample_is_checked_by_its_model(machine):
    est = RecursiveDensityEstimator(GaussianDensity(), n_generations=1, random_state=0)
    est.fit(_data()[0])
    _refused_before_allocating(lambda: est.sample(10**13), r"GaussianDensity.sample")


# ---------------------------------------------------------- theory and weight_curve
def test_risk_trajectory_refuses_a_huge_number_of_generations(machine):
    _refused_before_allocating(lambda: risk_trajectory(0.5, 1.0, 10**12),
                               r"risk_trajectory with n_generations=1000000000000")
    _refused_before_allocating(lambda: risk_trajectory(np.full(10**4, 0.5), 1.0, 10**6),
                               r"output of shape \(1000001, 10000\)")
    # the closed form at a size that fits: R_t = 1 + t k for w = 0
    np.testing.assert_allclose(risk_trajectory(0.0, 2.0, 10**5)[-1], 1 + 2.0 * 10**5)


def test_limiting_risk_refuses_a_huge_broadcast(machine):
    w, k = np.full((10**5, 1), 0.5), np.ones((1, 10**5))
    _refused_before_allocating(lambda: limiting_risk(w, k),
                               r"limiting_risk with an output of shape \(100000, 100000\)")
    assert limiting_risk(w[:10], k[:, :10]) == pytest.approx(np.full((10, 10), 2 / 3))


def test_weight_curve_refuses_a_huge_number_of_repeats(machine):
    X, y = _data(100)
    est = RecursiveWeightedRegressor(n_generations=2, n_real=20)
    _refused_before_allocating(
        lambda: weight_curve(est, X, y, weights=[0.5], n_repeats=10**13, last=2),
        r"weight_curve\(n_repeats=10000000000000\) with 2 weight\(s\) would need")


def test_metrics_refuse_drawing_an_impossible_number_of_rows(machine):
    from skrecursive.metrics import association_distance, marginal_distance

    X, _ = _data()
    model = GaussianDensity().fit(X)
    for metric in (marginal_distance, association_distance):
        _refused_before_allocating(lambda metric=metric: metric(model, X, n_samples=10**13),
                                   r"drawing n_samples=10000000000000 rows of 2 columns "
                                   r"from GaussianDensity")
    # drawing as many rows as X still works: a model of X is nearer X's margins than one
    # shifted by 3 standard deviations, whose Kolmogorov-Smirnov distance to X is near 1
    shifted = GaussianDensity().fit(X + 3.0)
    assert marginal_distance(model, X, random_state=0) < 0.5 < marginal_distance(
        shifted, X, random_state=0)
