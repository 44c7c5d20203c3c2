"""Per-sample error constants ``C`` of the simulated settings (user guide, recursion page).

One batch of ``n`` real rows has error ``C / n`` to first order, so the
recursion's error at weight ``w`` tends to ``(C / n) R(w, k)`` with
``R = skrecursive.limiting_risk``.
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit

from .._utils.validation import Interval, Options, check_args
from ._engines import CATEGORICAL_PROBABILITIES, FAMILY, LINEAR_NOISE_SD

__all__ = ["error_constant"]


def _glm_trace_inverse_information(p, variance, family):
    """``tr(I(beta)^-1)`` for ``beta = ones(p)`` and covariates ``N(0, variance I)``.

    With ``u = beta / |beta|`` and ``x = a u + x_perp`` (``a ~ N(0, variance)``),
    ``I = E[v(|beta| a) a^2] u u' + variance E[v(|beta| a)] (I - u u')``;
    both one-dimensional expectations by Gauss-Hermite quadrature.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    a = np.sqrt(variance) * nodes
    eta = np.sqrt(p) * a
    v = expit(eta) * expit(-eta) if family == "logistic" else np.exp(eta)
    along = np.sum(weights * v * a * a)
    across = variance * np.sum(weights * v)
    return 1.0 / along + (p - 1) / across


def error_constant(setting, *, p=2, variance=1.0):
    """Per-sample variance constant ``C`` of a simulated setting.

    Parameters
    ----------
    setting : str
        One of ``"gaussian-mean"``, ``"gaussian-covariance"``, ``"linear"``,
        ``"logistic"``, ``"poisson"``, ``"ecdf"``, ``"categorical"``.
    p : int, default=2
        Dimension (ignored by ``"ecdf"`` and ``"categorical"``).
    variance : float, default=1.0
        The data (Gaussian) or covariates (regressions) are ``N(0, variance I_p)``.

    Returns
    -------
    C : float
        ``E||theta_hat - theta||^2 ~ C / n`` for ``n`` real rows (leading order).

    Examples
    --------
    >>> from skrecursive.simulation import error_constant
    >>> error_constant("gaussian-mean"), error_constant("gaussian-covariance")
    (2.0, 6.0)
    >>> round(error_constant("ecdf"), 4), round(error_constant("categorical"), 4)
    (0.1667, 0.155)
    """
    check_args("error_constant", {
        "setting": [Options(*FAMILY)],
        "p": [Interval(Integral, 1, None, closed="left")],
        "variance": [Interval(Real, 0, None, closed="neither")],
    }, locals())
    if setting == "gaussian-mean":
        return float(p * variance)
    if setting == "gaussian-covariance":
        # sum_ij (S_ii S_jj + S_ij^2) for S = variance * I
        return float(p * (p + 1) * variance**2)
    if setting == "linear":
        return float(LINEAR_NOISE_SD**2 * p / variance)
    if setting in ("logistic", "poisson"):
        return float(_glm_trace_inverse_information(p, variance, setting))
    if setting == "ecdf":
        return 1.0 / 6.0
    if setting == "categorical":
        P = CATEGORICAL_PROBABILITIES
        return float(np.mean(P * (1.0 - P)))
    raise AssertionError(f"no constant for the setting {setting!r}")  # pragma: no cover
