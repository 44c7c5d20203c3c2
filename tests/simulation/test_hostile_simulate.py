"""simulate never returns an error column computed past the float range (issue 18)."""

import numpy as np
import pytest

from skrecursive.simulation import simulate

_SETTINGS = ["gaussian-mean", "gaussian-covariance", "linear"]


def _run(variance, per_generation=False):
    return simulate(_SETTINGS, [0.5], 1.0, n=50, n_repeats=30, n_generations=4,
                    variance=variance, random_state=0, per_generation=per_generation)


@pytest.mark.parametrize("variance", [1e200, 1e51, 1e-51, 1e-300, float("inf")])
def test_a_variance_whose_errors_overflow_is_refused_before_running(variance):
    # errors scale like variance (mean), variance^2 (covariance) or 1/variance (regression)
    # and their standard errors like the squares: 1e200 gave an all-inf column
    with pytest.raises(ValueError, match=r"'variance' parameter of simulate must be a float "
                                         r"in the range \[1e-50, 1e\+50\]"):
        _run(variance)


@pytest.mark.parametrize("variance", [1e50, 1e-50])
@pytest.mark.parametrize("per_generation", [False, True])
def test_the_errors_at_the_extreme_variances_are_the_exact_rescaling(variance, per_generation):
    # the data at variance v are sqrt(v) times the same standard draws, so every error is
    # the variance-1 error times v, v^2 or 1/v, up to float rounding (relative 1e-10 is
    # five orders of magnitude above double precision)
    reference, scaled = _run(1.0, per_generation), _run(variance, per_generation)
    power = scaled["setting"].map({"gaussian-mean": 1, "gaussian-covariance": 2, "linear": -1})
    for column in ["error"] + (["error_se"] if per_generation else []):
        assert np.isfinite(scaled[column]).all()
        ratio = scaled[column].to_numpy() / reference[column].to_numpy() / variance**power
        np.testing.assert_allclose(ratio, 1.0, rtol=1e-10)
