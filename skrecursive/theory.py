"""Closed-form risk of the weighted "fresh data" recursion.

Every generation fits a model on ``n`` fresh real rows (weight ``w``) and ``m``
synthetic rows drawn from the previous generation's model (weight ``1 - w``).
For any asymptotically linear estimator the error relative to a fit on one
batch of real rows follows the same recursion in every setting studied by
He, Xu & Cheng (2026):

.. math::

    R_0 = 1, \\qquad R_t = w^2 + k (1 - w)^2 + (1 - w)^2 R_{t-1},

with ``k = n / m``. Its limit is
``R(w, k) = (w^2 + k (1 - w)^2) / (w (2 - w))``, minimised by
``w*(k) = (sqrt(k^2 + 4k) - k) / 2`` with ``R(w*, k) = w*``.

Every function checks its arguments with the package's declarative checker
(an invalid ``k``, ``w`` or ``n_generations`` raises a ``ValueError`` that is
also a ``TypeError``, naming the argument) and is exact over the whole float
range: ``optimal_weight(1e308)`` is 1, not an overflow. The two weights live in
the core with the rest of the weight rule (``skrecursive._core.weight_rule``)
and are re-exported here.

References
----------
He, Xu & Cheng, "Recursive learning without collapse: a weighting-based
stabilization framework", Journal of the Royal Statistical Society Series B,
2026, doi:10.1093/jrsssb/qkag099 (preprint arXiv:2502.18049).
"""

from numbers import Integral, Real

import numpy as np

from ._core.strategies import get_strategy
from ._core.weight_rule import (
    RATIO,
    effective_ratio,
    naive_weight,
    optimal_weight,
    scalar_or_array,
)
from ._utils.validation import (
    ArrayOf,
    Interval,
    array_bytes,
    check_args,
    check_memory,
    check_sample_weight,
)

__all__ = ["optimal_weight", "naive_weight", "effective_k", "limiting_risk",
           "risk_trajectory"]

_WEIGHT = [ArrayOf(Interval(Real, 0, 1, closed="both"))]
_GENERATIONS = [Interval(Integral, 0, None, closed="left")]
#: arrays of the broadcast shape a closed form holds at once (inputs, temporaries, result)
_COPIES = 4


def _broadcast(function, w, k, n_rows=1):
    """``w`` and ``k`` as float arrays of their common shape, checked before any work.

    Shapes that do not broadcast are refused naming both arguments, and a
    result (``n_rows`` arrays of the broadcast shape) that cannot fit in
    memory is refused before it is allocated.
    """
    w, k = np.asarray(w, dtype=float), np.asarray(k, dtype=float)
    try:
        shape = np.broadcast_shapes(w.shape, k.shape)
    except ValueError:
        raise ValueError(
            f"The 'w' and 'k' parameters of {function} must broadcast against each other "
            f"(numpy's rules); got shapes {w.shape} and {k.shape}."
        ) from None
    out_shape = (n_rows, *shape) if n_rows > 1 else shape
    sizes = f"n_generations={n_rows - 1}, " if n_rows > 1 else ""
    check_memory(array_bytes(n_rows, *shape, _COPIES),
                 f"{function} with {sizes}an output of shape {out_shape}")
    return np.broadcast_arrays(w, k)


def effective_k(k, sample_weight):
    """Ratio ``k`` of real to synthetic rows, discounted for unequal row weights.

    With user row weights ``u`` (e.g. survey weights) the real rows of a
    generation share the real part's total weight ``w`` in proportion to
    ``u``, so the real part of a fit is a *weighted* mean of its rows'
    contributions. To first order its variance is ``(1/n) E[u^2 psi^2] /
    E[u]^2`` instead of ``(1/n) E[psi^2]`` (``psi`` a row's influence,
    expectations over the pool the rows are drawn from): when ``u`` is
    unrelated to ``psi^2`` the real part counts as ``n / deff`` rows, with
    Kish's design effect ``deff = N sum(u^2) / sum(u)^2`` over the ``N`` rows
    of the pool. The synthetic rows are equally weighted, so their part is
    unchanged, and the recursion of :func:`limiting_risk` holds with
    ``k_eff = k / deff`` in place of ``k``; the estimators'
    ``weight="optimal"`` uses ``optimal_weight(k_eff)`` and report
    ``effective_k_`` and ``design_effect_``. Equal weights give exactly
    ``k``. When the weights are related to the influence (e.g. heavy rows
    with larger residuals) the true factor differs from Kish's; the user
    guide ("Your own data") gives a measured example.

    Parameters
    ----------
    k : float
        Nominal ratio ``n / m`` of real to synthetic rows per generation, > 0.
    sample_weight : array-like of shape (n_rows,) or None
        Non-negative row weights of the pool the real rows are drawn from,
        with a positive sum; None means equal weights.

    Returns
    -------
    k_eff : float
        ``k / deff``; ``k`` itself for None or equal weights.

    See Also
    --------
    optimal_weight : evaluate it at ``effective_k(k, sample_weight)``.

    Examples
    --------
    >>> from skrecursive import effective_k, optimal_weight
    >>> effective_k(1.0, [1, 1, 1, 1])
    1.0
    >>> round(effective_k(1.0, [1, 3]), 3)  # design effect 2 * 10 / 16 = 1.25
    0.8
    >>> round(optimal_weight(effective_k(1.0, [1, 3])), 4)
    0.5798
    """
    check_args("effective_k", {"k": [Interval(Real, 0, None, closed="neither")]}, locals())
    if sample_weight is not None:
        sample_weight = check_sample_weight(sample_weight, np.size(sample_weight))
    return float(effective_ratio(float(k), sample_weight))


def limiting_risk(w, k, *, strategy="fresh"):
    """Limiting error of the recursion relative to one batch of real rows.

    ``R(w, k) = (w^2 + k (1 - w)^2) / (w (2 - w))``: the limit, as the number
    of generations grows, of ``E||theta_t - theta||^2 / (C / n)`` where
    ``C / n`` is the error of a fit on ``n`` real rows alone (the user guide,
    He, Xu & Cheng 2026, doi:10.1093/jrsssb/qkag099).

    Parameters
    ----------
    w : float or array-like of float
        Total weight on the real rows, in ``[0, 1]``.
    k : float or array-like of float
        Ratio of real to synthetic rows per generation, > 0.
        ``w`` and ``k`` broadcast against each other.
    strategy : {"fresh", "replace", "accumulate", "fixed-real"}, default="fresh"
        The loop (see :func:`risk_trajectory`); the closed forms other than
        ``"fresh"`` are derived for the Gaussian mean (any asymptotically
        linear estimator to first order): ``"replace"`` has no limit
        (``inf``), ``"accumulate"`` tends to ``1 + k psi_1(k + 1)``
        (``psi_1`` the trigamma function; ``pi^2 / 6`` at ``k = 1``) whatever
        ``w``, ``"fixed-real"`` to ``1 + k (1 - w)^2 / (w (2 - w))``.

    Returns
    -------
    risk : float or ndarray
        The relative limiting risk. ``w = 1`` gives 1 (real data only);
        ``w = 0`` gives ``inf``: the fully synthetic loop has no limit, its
        error grows like ``1 + t k`` (see :func:`risk_trajectory`).

    Examples
    --------
    >>> from skrecursive import limiting_risk, optimal_weight
    >>> round(limiting_risk(0.5, 1.0), 4)
    0.6667
    >>> w = optimal_weight(1.0)
    >>> bool(abs(limiting_risk(w, 1.0) - w) < 1e-12)
    True
    >>> limiting_risk(0.0, 1.0)
    inf
    >>> round(limiting_risk(0.5, 1.0, strategy="accumulate"), 4)  # pi^2 / 6
    1.6449
    """
    check_args("limiting_risk", {"w": _WEIGHT, "k": RATIO}, locals())
    strategy = get_strategy(strategy)  # the closed forms live in the registry
    w, k = _broadcast("limiting_risk", w, k)
    risk = strategy.limiting_risk(w, k)
    return scalar_or_array(np.asarray(risk, dtype=float))


def risk_trajectory(w, k, n_generations, *, strategy="fresh"):
    """Relative risk of every generation of the recursion, to first order.

    For the paper's ``"fresh"`` loop ``R_0 = 1`` and
    ``R_t = w^2 + k (1 - w)^2 + (1 - w)^2 R_{t-1}``; the sequence converges
    geometrically (factor ``(1 - w)^2``) to :func:`limiting_risk` when
    ``w > 0`` and grows linearly, ``1 + t k``, when ``w = 0``.

    The other loops of the model-collapse literature, derived for the
    Gaussian mean (``E_t`` relative to ``C / n``, ``C`` the per-row variance
    constant; the same to first order for any asymptotically linear
    estimator):

    * ``"replace"`` (synthetic rows only after generation 0; ``w`` ignored):
      ``R_t = 1 + t k``, a random walk.
    * ``"accumulate"`` (generation 0's real rows and all synthetic rows so
      far, equally weighted; ``w`` ignored): the estimate is a martingale
      whose step ``t`` has variance ``C m / (n + t m)^2``, so
      ``R_t = 1 + k sum_{s=1}^{t} 1 / (k + s)^2``, bounded by
      ``1 + k psi_1(k + 1)``.
    * ``"fixed-real"`` (generation 0's real rows reused with weight ``w``):
      the drift from the fixed real estimate is an AR(1) process, so
      ``R_t = 1 + k (1 - w)^2 (1 - (1 - w)^{2t}) / (w (2 - w))``; it is never
      below 1, i.e. reused real data gain nothing from synthetic rows.

    Parameters
    ----------
    w : float or array-like of float
        Total weight on the real rows, in ``[0, 1]``.
    k : float or array-like of float
        Ratio of real to synthetic rows per generation, > 0.
    n_generations : int
        Number of mixing generations after generation 0 (>= 0).
    strategy : {"fresh", "replace", "accumulate", "fixed-real"}, default="fresh"
        Which loop.

    Returns
    -------
    risk : ndarray of shape (n_generations + 1, *broadcast(w, k).shape)
        ``risk[t]`` is the relative risk of generation ``t``.

    Examples
    --------
    >>> from skrecursive import risk_trajectory
    >>> risk_trajectory(0.0, 1.0, 3)
    array([1., 2., 3., 4.])
    >>> risk_trajectory(0.5, 1.0, 60)[-1].round(4)
    np.float64(0.6667)
    >>> risk_trajectory(0.5, 1.0, 2, strategy="accumulate")  # 1 + 1/4 + 1/9
    array([1.        , 1.25      , 1.36111111])
    """
    check_args("risk_trajectory", {"w": _WEIGHT, "k": RATIO, "n_generations": _GENERATIONS},
               locals())
    strategy = get_strategy(strategy)  # the closed forms live in the registry
    w, k = _broadcast("risk_trajectory", w, k, n_generations + 1)
    out = np.empty((n_generations + 1,) + w.shape)
    out[0] = 1.0
    out[1:] = strategy.risk_trajectory(w, k, n_generations)
    return out

