"""simulate(strategy=...): the replace, accumulate and fixed-real loops against theory."""

import dataclasses

import numpy as np
import pytest

from skrecursive import GaussianDensity, RecursiveDensityEstimator, risk_trajectory
from skrecursive.simulation import SETTINGS, error_constant, simulate

STRATEGIES = ["fresh", "replace", "accumulate", "fixed-real"]


def relative(df, setting, n, p):
    """Per-strategy (relative error, relative SE) arrays over generations."""
    unit = error_constant(setting, p=p) / n
    return {
        s: (g["error"].to_numpy() / unit, g["error_se"].to_numpy() / unit)
        for s, g in df.groupby("strategy", sort=False)
    }


def test_gaussian_mean_trajectories_match_closed_forms():
    n, k, w, T, R = 100, 0.5, 0.4, 11, 4000
    df = simulate("gaussian-mean", [w], k, strategy=STRATEGIES, n=n, p=2, n_generations=T - 1,
                  n_repeats=R, last=1, per_generation=True, random_state=3)
    assert list(df["strategy"].unique()) == STRATEGIES
    for strategy, (err, se) in relative(df, "gaussian-mean", n, 2).items():
        theory = risk_trajectory(w, k, T - 1, strategy=strategy)
        # exact for the mean (E Sigma_t = Sigma with ddof=1; the pooled covariance of
        # "accumulate" shrinks by m / (N (N - 1)) < 0.3 % per step, allowed as 1 %).
        # ||mu||^2 with p = 2 has relative sd 1 per repeat, so each SE is about
        # 1.6 % of the mean with 4000 repeats: tolerance 4 SE
        for t in (1, 5, 10):
            assert abs(err[t] - theory[t]) <= 4 * se[t] + 0.01 * theory[t], (strategy, t)
    # the four loops are told apart far beyond the tolerance at generation 10
    # (theory: fresh 0.64, replace 6.0, accumulate 1.29, fixed-real 1.21)
    last = {s: e[-1] for s, (e, _) in relative(df, "gaussian-mean", n, 2).items()}
    assert last["replace"] > 3 * last["accumulate"] > 3 * last["fresh"]


def test_linear_trajectories_match_first_order_theory():
    n, p, k, w, T, R = 100, 2, 1.0, 0.3, 11, 4000
    df = simulate("linear", [w], k, strategy=STRATEGIES, n=n, p=p, n_generations=T - 1,
                  n_repeats=R, last=1, per_generation=True, random_state=4)
    for strategy, (err, se) in relative(df, "linear", n, p).items():
        theory = risk_trajectory(w, k, T - 1, strategy=strategy)
        # first order: one batch's exact error is p / (n - p - 1), 3 % above p / n
        # at n = m = 100, p = 2; tolerance 4 SE (SE about 1.6 % as above) plus 5 %
        for t in (1, 5, 10):
            assert abs(err[t] - theory[t]) <= 4 * se[t] + 0.05 * theory[t], (strategy, t)


# slow: many meta-estimator fits against the engine: several seconds idle (pytest --durations)
@pytest.mark.slow
def test_engine_agrees_with_meta_estimator():
    """Same process (N(0, I_5) data, n = m = 200) through the engine and the estimator."""
    n, p, T = 200, 5, 5
    unit = p / n

    def mean_error(generation, est, X, y, sample_weight):
        return {"mean_error": float(np.sum(est.mean_**2))}

    engine = simulate("gaussian-mean", [0.5], 1.0, strategy=["replace", "accumulate"], n=n,
                      p=p, n_generations=T, n_repeats=4000, last=1,
                      per_generation=True, random_state=5)
    rng = np.random.RandomState(5)
    R = 500
    for strategy in ("replace", "accumulate"):
        scores = np.empty((R, T + 1))
        for r in range(R):
            X = rng.standard_normal((n, p))
            est = RecursiveDensityEstimator(
                GaussianDensity(), n_generations=T, strategy=strategy, real_sampling="disjoint",
                validation_fraction=0.0, monitor=mean_error, random_state=r,
            ).fit(X)
            scores[r] = est.history_["mean_error"]
        assert est.history_["n_real"][0] == n
        meta, meta_se = scores.mean(axis=0) / unit, scores.std(axis=0, ddof=1) / np.sqrt(R) / unit
        g = engine[engine["strategy"] == strategy]
        eng, eng_se = g["error"].to_numpy() / unit, g["error_se"].to_numpy() / unit
        # ||mu||^2 with p = 5 has relative sd 0.63 per repeat: SE 2.8 % of the mean for
        # the estimator's 500 repeats, 1 % for the engine's 4000; tolerance 4 combined
        # SE plus 2 % for the maximum-likelihood covariance of GaussianDensity (divisor
        # m, not m - 1: the synthetic spread shrinks by 1 - 1/200 per generation)
        tol = 4 * np.hypot(meta_se, eng_se) + 0.02 * eng
        assert np.all(np.abs(meta - eng) <= tol), (strategy, meta, eng)
        # and both follow the closed form
        theory = risk_trajectory(0.5, 1.0, T, strategy=strategy)
        assert abs(meta[-1] - theory[-1]) <= 4 * meta_se[-1] + 0.02 * theory[-1], strategy


@pytest.mark.filterwarnings("ignore:simulate.*failed:RuntimeWarning")  # logistic separation
def test_every_setting_runs_every_strategy():
    df = simulate("all", [0.5], 1.0, strategy=STRATEGIES, n=60, p=2, n_generations=5,
                  n_repeats=60, last=1, per_generation=True, random_state=6)
    assert set(df["setting"]) == set(SETTINGS) and set(df["strategy"]) == set(STRATEGIES)
    last = df[df["generation"] == 5].pivot_table(index="setting", columns="strategy",
                                                  values="error")
    assert np.all(np.isfinite(last.to_numpy()))
    # theory at generation 5, relative: replace 6, accumulate 1.49 (a factor 4); with 60
    # repeats each mean is within about 15 % (logistic: 30 %) of its expectation
    assert np.all(last["replace"] > 2 * last["accumulate"]), last


def test_fresh_default_unchanged_and_strategies_independent_of_n_jobs():
    kwargs = dict(n=50, p=2, n_generations=4, n_repeats=30, last=3, random_state=7)
    default = simulate(["linear", "ecdf"], [0.5], 1.0, **kwargs)
    fresh = simulate(["linear", "ecdf"], [0.5], 1.0, strategy="fresh", **kwargs)
    np.testing.assert_array_equal(default["error"], fresh["error"])
    assert set(default["strategy"]) == {"fresh"}
    serial = simulate(["ecdf", "poisson"], [0.5], 1.0, strategy=["accumulate", "fixed-real"],
                      n_jobs=1, **kwargs)
    parallel = simulate(["ecdf", "poisson"], [0.5], 1.0, strategy=["accumulate", "fixed-real"],
                        n_jobs=2, **kwargs)
    np.testing.assert_array_equal(serial["error"], parallel["error"])
    # replace ignores the weight: it is the w = 0 recursion
    replace = simulate("categorical", [0.3, 0.8], 1.0, strategy="replace", **kwargs)
    a, b = (g["error"].to_numpy() for _, g in replace.groupby("weight"))
    assert abs(a.mean() - b.mean()) < 0.5 * (a.mean() + b.mean())


@pytest.mark.parametrize("strategy", ["mix", ["fresh", "mix"], [], 3])
def test_bad_strategy(strategy):
    with pytest.raises(ValueError, match="strategy"):
        simulate("gaussian-mean", [0.5], 1.0, strategy=strategy, n_repeats=2)


def test_engines_declare_their_strategies():
    from skrecursive.simulation._engines import ENGINES

    # every engine runs every strategy in its engine form
    for engine in ENGINES.values():
        for name in STRATEGIES:
            loop, _ = engine.loop(name, 0.3)
            assert loop.name in engine.strategies
    restricted = dataclasses.replace(ENGINES["linear"], strategies=("fresh",))
    with pytest.raises(ValueError, match="does not implement strategy='accumulate'"):
        restricted.loop("accumulate", 0.5)
    # "replace" (and "fixed-real" at w = 0) is the fresh loop at w = 0, said once by
    # the strategy itself
    assert [(s.name, w) for s, w in (restricted.loop("replace", 0.7),
                                     restricted.loop("fixed-real", 0.0))] == [
        ("fresh", 0.0), ("fresh", 0.0)]


@pytest.mark.parametrize("setting", ["logistic", "poisson"])
def test_glm_weights_share_draws_and_do_not_depend_on_each_other(setting):
    # common random numbers: a weight's errors are the same alone or beside others
    # (the same draws; the batched products may round differently with another
    # number of models, hence a relative tolerance far below the solver's 1e-5)
    kw = dict(n=40, n_generations=3, n_repeats=20, last=2, random_state=3)
    both = simulate(setting, [0.3, 0.7], 1.0, **kw)
    alone = simulate(setting, [0.7], 1.0, **kw)
    np.testing.assert_allclose(both[both["weight"] == 0.7]["error"], alone["error"],
                               rtol=1e-9)
    other = simulate(setting, [0.7], 1.0, **{**kw, "random_state": 4})
    assert not np.allclose(other["error"], alone["error"])


def test_seed_sequence_children_give_independent_runs():
    kw = dict(n=30, n_generations=3, n_repeats=50, last=1)
    a, b = np.random.SeedSequence(3).spawn(2)
    run_a = simulate("categorical", [0.5], 1.0, random_state=a, **kw)["error"]
    run_b = simulate("categorical", [0.5], 1.0, random_state=b, **kw)["error"]
    assert not np.allclose(run_a, run_b)
    again = simulate("categorical", [0.5], 1.0,
                     random_state=np.random.SeedSequence(3).spawn(2)[0], **kw)["error"]
    np.testing.assert_array_equal(run_a, again)
