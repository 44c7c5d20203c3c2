"""skrecursive.theory against the user guide's recursion page."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from skrecursive import limiting_risk, naive_weight, optimal_weight, risk_trajectory

# the theory table of the project notes, 4 decimals. Its k = 0.19 entry reads 0.3512 while the exact
# value is 0.351122..., so entries are compared to one unit in the table's last place.
TABLE = {0.01: 0.0951, 0.05: 0.2, 0.1: 0.2702, 0.19: 0.3512, 0.5: 0.5, 1: 0.6180,
         2: 0.7321, 5: 0.8541, 10: 0.9161}


@pytest.mark.parametrize(("k", "expected"), sorted(TABLE.items()))
def test_optimal_weight_table(k, expected):
    assert optimal_weight(k) == pytest.approx(expected, abs=1e-4)


def test_golden_ratio_at_k_one():
    phi = (1 + np.sqrt(5)) / 2
    assert optimal_weight(1.0) == pytest.approx(1 / phi, rel=1e-15)


@pytest.mark.parametrize("k", [1e-4, 0.03, 0.5, 1.0, 3.0, 50.0, 1e6])
def test_optimal_weight_minimises_limiting_risk(k):
    res = minimize_scalar(lambda w: limiting_risk(w, k), bounds=(1e-9, 1.0), method="bounded",
                          options={"xatol": 1e-10})
    assert optimal_weight(k) == pytest.approx(res.x, abs=1e-6)
    # at the optimum the risk equals the weight (the user guide's recursion page)
    assert limiting_risk(optimal_weight(k), k) == pytest.approx(optimal_weight(k), rel=1e-12)
    # it solves w^2 + k w - k = 0
    w = optimal_weight(k)
    assert w * w + k * w - k == pytest.approx(0.0, abs=1e-12 * max(1.0, k))


def test_naive_weight_and_its_risk():
    assert naive_weight(1.0) == 0.5
    k = np.array([0.1, 1.0, 4.0])
    np.testing.assert_allclose(naive_weight(k), k / (1 + k))
    # the user guide: naive pooling has R = (1 + k) / (2 + k)
    np.testing.assert_allclose(limiting_risk(naive_weight(k), k), (1 + k) / (2 + k))
    assert limiting_risk(0.5, 1.0) == pytest.approx(2 / 3)
    assert limiting_risk(naive_weight(0.1), 0.1) == pytest.approx(0.5238, abs=5e-5)


def test_limiting_risk_special_weights_and_broadcasting():
    assert limiting_risk(1.0, 3.0) == 1.0
    assert limiting_risk(0.0, 1.0) == np.inf
    out = limiting_risk(np.array([[0.0], [0.5], [1.0]]), np.array([0.5, 2.0]))
    assert out.shape == (3, 2)
    assert np.isinf(out[0]).all() and (out[2] == 1.0).all()


def test_trajectory_recursion_and_limit():
    w, k = 0.4, 0.7
    traj = risk_trajectory(w, k, 200)
    assert traj[0] == 1.0
    # each step is the recursion of the user guide's recursion page
    np.testing.assert_allclose(traj[1:], w**2 + k * (1 - w) ** 2 + (1 - w) ** 2 * traj[:-1])
    assert traj[-1] == pytest.approx(limiting_risk(w, k), rel=1e-12)
    # geometric convergence with factor (1 - w)^2
    gaps = np.abs(traj[1:6] - limiting_risk(w, k))
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], (1 - w) ** 2, rtol=1e-10)


def test_trajectory_fully_synthetic_grows_linearly():
    np.testing.assert_allclose(risk_trajectory(0.0, 2.0, 5), 1 + 2.0 * np.arange(6))


def test_trajectory_vectorised_shape():
    traj = risk_trajectory([0.2, 0.6, 1.0], 1.0, 10)
    assert traj.shape == (11, 3)
    np.testing.assert_allclose(traj[:, 2], 1.0)


@pytest.mark.parametrize("bad_k", [0, -1.0, np.nan, np.inf, [1.0, 0.0]])
def test_bad_k(bad_k):
    for func in (optimal_weight, naive_weight):
        with pytest.raises(ValueError, match="'k' parameter"):
            func(bad_k)
    with pytest.raises(ValueError, match="'k' parameter"):
        limiting_risk(0.5, bad_k)


@pytest.mark.parametrize("bad_w", [-0.1, 1.5, np.nan, [0.2, 2.0]])
def test_bad_w(bad_w):
    with pytest.raises(ValueError, match="'w' parameter"):
        limiting_risk(bad_w, 1.0)
    with pytest.raises(ValueError, match="'w' parameter"):
        risk_trajectory(bad_w, 1.0, 3)


def test_bad_n_generations():
    with pytest.raises(ValueError, match="n_generations"):
        risk_trajectory(0.5, 1.0, -1)
    with pytest.raises(TypeError, match="n_generations"):
        risk_trajectory(0.5, 1.0, 2.5)


@pytest.mark.parametrize("k", [1e154, 1e200, 1e308, np.finfo(float).max])
def test_optimal_weight_near_one_for_huge_k(k):
    # w* = 1 - 1/k + O(1/k^2): at these k the nearest double is 1 (no overflow of k^2)
    w = optimal_weight(k)
    assert w == 1.0
    assert limiting_risk(w, k) == 1.0


@pytest.mark.parametrize("k", [1e-300, 5e-324])
def test_optimal_weight_tiny_k_is_sqrt_k(k):
    # w* = sqrt(k) - k/2 + O(k^(3/2)): relative error of sqrt(k) below 1e-140 here
    assert optimal_weight(k) == pytest.approx(np.sqrt(k), rel=1e-12)


def test_optimal_weight_solves_its_quadratic_across_scales():
    # w^2 + k w - k = 0, checked in the scaled form w^2 / k + w - 1 = 0
    k = np.logspace(-12, 12, 97)
    w = optimal_weight(k)
    np.testing.assert_allclose(w * w / k + w, 1.0, rtol=1e-13)


@pytest.mark.parametrize("bad", ["1", [1.0, "2"], True, [True, False], [], [[1.0], [0.0]]])
def test_k_strings_bools_and_empty_refused(bad):
    with pytest.raises(ValueError, match="'k' parameter of optimal_weight"):
        optimal_weight(bad)
