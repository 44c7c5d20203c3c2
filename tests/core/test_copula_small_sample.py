"""The documented small-sample bias of GaussianCopula.correlation_ (see its docstring)."""

import numpy as np
import pytest

from skrecursive import GaussianCopula


@pytest.mark.slow
def test_correlation_is_biased_toward_zero_at_n_30():
    # 2000 fits of 30 bivariate normal rows with correlation 0.5: the mean of
    # correlation_ has a standard error of about 0.0034 (measured below), and the
    # docstring's bias, -0.024 (benchmarks/copula_correlation_bias.py, 3000 fits,
    # SE 0.0026), must be within 4 combined SEs (0.017) of it; zero bias is about
    # 7 SEs away, and must be more than 4.
    rng = np.random.default_rng(0)
    cov = [[1.0, 0.5], [0.5, 1.0]]
    r = np.array([GaussianCopula().fit(rng.multivariate_normal([0, 0], cov, size=30))
                  .correlation_[0, 1] for _ in range(2000)])
    bias, se = r.mean() - 0.5, r.std(ddof=1) / np.sqrt(len(r))
    assert abs(bias + 0.024) < 4 * np.hypot(se, 0.0026), (bias, se)
    assert bias < -4 * se, (bias, se)
