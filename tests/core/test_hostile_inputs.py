"""Hostile input to the metrics, the theory, the densities and the plotting (issue 18).

Each function checks what it is given and never returns a number computed from
invalid input; the valid neighbour of every refused case still gives the exact
value, so a check that refuses too much fails here too.
"""

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skrecursive import (
    EmpiricalDistribution,
    GaussianCopula,
    GaussianDensity,
    RecursiveWeightedRegressor,
    limiting_risk,
    risk_trajectory,
)
from skrecursive.metrics import (
    category_coverage,
    cramer_von_mises,
    distribution_mse,
    marginal_distance,
    synthetic_utility,
)
from skrecursive.plotting import WeightCurveDisplay

matplotlib.use("Agg")


# ------------------------------------------------------------ cramer_von_mises
@pytest.mark.parametrize("bad_cdf, match", [
    (lambda x: np.full(len(x), 23.06), r"probabilities in \[0, 1\].*23.06"),
    (lambda x: np.full(len(x), np.nan), r"probabilities in \[0, 1\].*nan"),
    (lambda x: -np.ones(len(x)), r"probabilities in \[0, 1\].*-1.0"),
    (lambda x: np.full(len(x) + 1, 0.5), r"one value per point.*shape \(4,\)"),
    (lambda x: np.array(["a"] * len(x)), r"must return numbers"),
])
def test_cramer_von_mises_refuses_a_reference_cdf_that_is_no_cdf(bad_cdf, match):
    with pytest.raises((ValueError, TypeError), match=match):
        cramer_von_mises([0.1, 0.5, 0.9], bad_cdf)


def test_cramer_von_mises_checks_a_model_cdf_too():
    class Broken:
        def cdf(self, x):
            return np.full(len(x), 1.5)

    with pytest.raises(ValueError, match=r"cdf of model_or_samples.*\[0, 1\]"):
        cramer_von_mises(Broken(), [0.0, 1.0, 2.0])


def test_cramer_von_mises_still_exact_with_valid_cdfs():
    # one atom at the median of U(0, 1): integral_0^1 (1{u >= 1/2} - u)^2 du = 1/12 exactly
    assert cramer_von_mises([0.5], stats.uniform()) == pytest.approx(1 / 12, abs=1e-15)
    # a callable CDF that reaches 0 and 1 exactly is inside [0, 1]: atoms at u = 0 and 1
    # of weight 1/2 give G(u) = 1/2 on [0, 1), so the distance is again 1/12
    assert cramer_von_mises([-1.0, 2.0], lambda x: np.clip(x, 0, 1)) == pytest.approx(
        1 / 12, abs=1e-15)


# ------------------------------------------------------------ distribution_mse
@pytest.mark.parametrize("p, q, match", [
    ([0.5, 0.9], [0.2, 0.8], r"model_or_probabilities must sum to 1.*1\.4"),
    ([0.5, 0.5], [0.2, 0.2], r"reference must sum to 1.*0\.4"),
    ([[0.5, 0.5], [3, 1]], [[0.5, 0.5], [0.5, 0.5]], r"model_or_probabilities\[1\] must sum"),
    ([0.5, -0.5, 1.0], [0.2, 0.3, 0.5], r"non-negative"),
    ([np.nan, 1.0], [0.5, 0.5], r"finite"),
])
def test_distribution_mse_refuses_vectors_that_are_no_distributions(p, q, match):
    with pytest.raises(ValueError, match=match):
        distribution_mse(p, q)


def test_distribution_mse_accepts_rounding_and_stays_exact():
    # ten entries of 0.1 sum to 0.9999999999999999 in floating point: a distribution
    p = [0.1] * 10
    assert sum(p) != 1.0
    q = [0.05] * 5 + [0.15] * 5
    assert distribution_mse(p, q) == pytest.approx(0.05**2, rel=1e-12)


# ------------------------------------------------------------ marginal_distance
@pytest.mark.parametrize("synthetic, real", [
    (pd.DataFrame({"x": ["1", "2", "3"]}), pd.DataFrame({"x": [1, 2, 3]})),
    (pd.DataFrame({"x": [1, 2, 3]}), pd.DataFrame({"x": ["1", "2", "3"]})),
    (pd.DataFrame({"x": [True, False, True]}), pd.DataFrame({"x": [1, 0, 1]})),
    (pd.DataFrame({"x": pd.Categorical(["a", "b", "a"])}), pd.DataFrame({"x": [0.5, 1.5, 2.0]})),
])
def test_numbers_are_never_compared_with_labels(synthetic, real):
    # "1" and 1 would be distinct categories: the distance would be 1 (all mass moved)
    with pytest.raises(TypeError, match=r"Column 'x' of X was .* at fit time"):
        marginal_distance(synthetic, real)
    with pytest.raises(TypeError, match=r"Column 'x' of X was"):
        category_coverage(synthetic.assign(c=["a"] * 3), real.assign(c=["a"] * 3))


def test_marginal_distance_with_matching_types_is_the_exact_distance():
    real = pd.DataFrame({"x": [1, 2, 3, 4], "c": ["a", "a", "b", "b"]})
    synthetic = pd.DataFrame({"x": [1, 1, 2, 3], "c": ["a", "a", "a", "b"]})
    # KS of x: F_syn(1) - F_real(1) = 0.5 - 0.25; TV of c: |0.75 - 0.5| = 0.25
    assert marginal_distance(synthetic, real, per_column=True).tolist() == [0.25, 0.25]


# ------------------------------------------------------------ synthetic_utility
def _labelled(n=200, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "label": (x + 0.5 * rng.normal(size=n) > 0).astype(object)})


@pytest.mark.parametrize("where", ["X", "the synthetic rows"])
def test_synthetic_utility_refuses_missing_labels(where):
    table = _labelled()
    broken = table.copy()
    broken.loc[7, "label"] = None
    real, syn = (broken, table) if where == "X" else (table, broken)
    with pytest.raises(ValueError, match=rf"'label' of {where} holds 1 missing value"):
        synthetic_utility(syn, real, target="label")


@pytest.mark.parametrize("target", [True, False, 2, -3, 1.0, "label"])
def test_synthetic_utility_on_arrays_takes_an_int_position_only(target):
    table = _labelled()
    arr = table.to_numpy(dtype=float)
    with pytest.raises(ValueError, match=r"not a column index of X"):
        synthetic_utility(arr[:100], arr[100:], target=target)


def test_synthetic_utility_on_arrays_with_a_valid_position():
    arr = _labelled().to_numpy(dtype=float)
    # train and test on the same rows: the logistic fit separates x > 0 well above chance
    assert synthetic_utility(arr, arr, target=1) > 0.7
    assert synthetic_utility(arr, arr, target=-1) == synthetic_utility(arr, arr, target=1)


# ------------------------------------------------------------ theory
@pytest.mark.parametrize("w, k", [([0.1, 0.2], [1.0, 2.0, 3.0]),
                                  (np.full((2, 3), 0.5), np.ones((4,)))])
def test_theory_names_w_and_k_when_they_do_not_broadcast(w, k):
    for function in (limiting_risk, lambda w, k: risk_trajectory(w, k, 3)):
        with pytest.raises(ValueError, match=r"'w' and 'k' parameters .* must broadcast"):
            function(w, k)


def test_theory_still_broadcasts_what_numpy_broadcasts():
    w = np.array([[0.25], [0.5]])
    k = np.array([1.0, 2.0])
    risk = limiting_risk(w, k)
    assert risk.shape == (2, 2)
    # R(w, k) = (w^2 + k (1 - w)^2) / (w (2 - w))
    assert risk[1, 0] == pytest.approx((0.25 + 0.25) / 0.75)
    assert risk_trajectory(w, k, 4).shape == (5, 2, 2)


# ------------------------------------------------------------ GaussianDensity overflow
def test_gaussian_density_refuses_values_whose_squares_overflow():
    X = np.random.RandomState(0).normal(size=(20, 2)) * 1e200
    with pytest.raises(ValueError, match=r"covariance of X is not finite.*order 2.*e\+200.*"
                                         r"StandardScaler"):
        GaussianDensity().fit(X)
    model = GaussianDensity().fit(X / 1e200)
    with pytest.raises(ValueError, match=r"log density of X.*not finite.*below -1e308"):
        model.score_samples(np.full((1, 2), 1e200))
    with pytest.raises(ValueError, match=r"not finite"):
        model.score(np.full((3, 2), 1e200))


def test_gaussian_density_far_but_representable_rows_keep_their_exact_score():
    model = GaussianDensity(reg_covar=0.0).fit([[-1.0], [1.0]])  # N(0, 1)
    x = 1e150  # z^2 = 1e300 is still a float
    expected = -0.5 * (math.log(2 * math.pi) + x * x)
    assert model.score_samples([[x]])[0] == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------ random_state
@pytest.mark.parametrize("seed", [-1, 2**32, 2**40])
def test_seeds_numpy_refuses_are_refused_naming_random_state(seed):
    X = np.random.RandomState(0).normal(size=(40, 2))
    y = X.sum(axis=1)
    with pytest.raises(ValueError, match=r"'random_state' parameter of "
                                         r"RecursiveWeightedRegressor.*\[0, 2\*\*32 - 1\]"):
        RecursiveWeightedRegressor(n_generations=1, random_state=seed).fit(X, y)
    for model in (GaussianDensity().fit(X), EmpiricalDistribution().fit(X)):
        with pytest.raises(ValueError, match=rf"'random_state' parameter of "
                                             rf"{type(model).__name__}.sample"):
            model.sample(3, random_state=seed)
    with pytest.raises(ValueError, match=r"'random_state' parameter of marginal_distance"):
        marginal_distance(GaussianDensity().fit(X), X, random_state=seed)


def test_the_largest_seed_numpy_takes_is_accepted():
    X = np.random.RandomState(0).normal(size=(40, 2))
    a = GaussianDensity().fit(X).sample(5, random_state=2**32 - 1)
    b = GaussianDensity().fit(X).sample(5, random_state=np.random.RandomState(2**32 - 1))
    np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------ WeightCurveDisplay
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_weight_curve_display_refuses_non_finite_errors(bad):
    df = pd.DataFrame({"weight": [0.2, 0.2, 0.5, 0.5], "error": [1.0, bad, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"finite numbers; \['error'\] holds NaN or infinity"):
        WeightCurveDisplay.from_results(df)


def test_weight_curve_display_refuses_text_columns():
    df = pd.DataFrame({"weight": [0.2, 0.5], "error": ["low", "high"]})
    with pytest.raises(TypeError, match=r"must hold numbers"):
        WeightCurveDisplay.from_results(df)


def test_weight_curve_display_of_finite_errors_has_the_exact_means():
    df = pd.DataFrame({"weight": [0.2, 0.2, 0.5, 0.5], "error": [1.0, 3.0, 2.0, 6.0]})
    disp = WeightCurveDisplay.from_results(df)
    np.testing.assert_array_equal(disp.mean, [2.0, 4.0])
    assert disp.minimiser == 0.2


# ------------------------------------------------------------ GaussianCopula.score_samples
def test_copula_score_samples_message_names_methods_it_has():
    model = GaussianCopula().fit(pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]}))
    with pytest.raises(TypeError) as info:
        _ = model.score_samples
    message = str(info.value)
    assert "cdf" not in message  # the copula has no cdf method
    assert not hasattr(model, "cdf")
    assert "score(X)" in message and "marginal_distance" in message
    # what the message says score is, it is
    X = pd.DataFrame({"x": [1.0, 2.0, 2.0], "c": ["a", "a", "b"]})
    from skrecursive.metrics import association_distance

    expected = -(marginal_distance(model, X) + association_distance(model, X))
    assert model.score(X) == pytest.approx(expected, abs=1e-12)
    # the empirical distribution, which has cdf, still suggests it
    with pytest.raises(TypeError, match=r"Use cdf"):
        _ = EmpiricalDistribution().fit([[0.0], [1.0]]).score_samples
