"""Per-sample error constants ``C`` of the simulated settings (user guide, recursion page).

One batch of ``n`` real rows has error ``C / n`` to first order, so the
recursion's error at weight ``w`` tends to ``(C / n) R(w, k)`` with
``R = skrecursive.limiting_risk``.
"""

from numbers import Integral, Real

from .._utils.validation import Interval, Options, check_args
from ._engines import ENGINES, FAMILY

__all__ = ["error_constant"]


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
    return ENGINES[FAMILY[setting]].error_constant(setting, p, variance)
