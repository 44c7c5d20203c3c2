"""Resolving the ``weight`` parameter and turning it into per-row sample weights.

This is the only place that knows how the total weight ``w`` on the real rows
becomes a ``sample_weight`` vector, and how that vector reaches a base model
(directly, through a ``Pipeline``'s last step, or by weighted resampling for
models whose ``fit`` takes no ``sample_weight``).
"""

import warnings

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import has_fit_parameter

from ..theory import naive_weight, optimal_weight

__all__ = [
    "resolve_weight",
    "row_weights",
    "weight_routing",
    "warn_resampling",
    "fit_weighted",
]


def resolve_weight(weight, k):
    """Total weight on the real rows for a ``weight`` parameter and ratio ``k``.

    Parameters
    ----------
    weight : {"optimal", "naive"} or float in [0, 1]
        ``"optimal"`` is ``w*(k)``, ``"naive"`` is ``k / (1 + k)``.
    k : float
        Real rows per synthetic row, ``n / m``.

    Returns
    -------
    w : float
    """
    if isinstance(weight, str):
        return optimal_weight(k) if weight == "optimal" else naive_weight(k)
    return float(weight)


def row_weights(w, n_real, n_synthetic):
    """Per-row weights of a mixed batch of ``n_real`` real then ``n_synthetic`` synthetic rows.

    Real rows get ``w (n + m) / n`` and synthetic rows ``(1 - w) (n + m) / m``,
    so the total mass on the real part is ``w`` and the weights sum to
    ``n + m``: a regularised base model sees the same regularisation strength
    as an unweighted fit on the same number of rows.

    Parameters
    ----------
    w : float in [0, 1]
    n_real, n_synthetic : int
        Row counts; a part with zero rows gets no weights.

    Returns
    -------
    sample_weight : ndarray of shape (n_real + n_synthetic,)

    Examples
    --------
    >>> from skrecursive._core.weights import row_weights
    >>> row_weights(0.75, 2, 4)
    array([2.25 , 2.25 , 0.375, 0.375, 0.375, 0.375])
    """
    total = n_real + n_synthetic
    out = np.empty(total)
    if n_real:
        out[:n_real] = w * total / n_real
    if n_synthetic:
        out[n_real:] = (1.0 - w) * total / n_synthetic
    return out


def weight_routing(estimator):
    """How ``sample_weight`` reaches ``estimator.fit``.

    Returns
    -------
    key : str or None
        The keyword to pass the weights as (``"sample_weight"``, or
        ``"<last step>__sample_weight"`` for a ``Pipeline``), or None when the
        model cannot take weights and the batch must be resampled instead.
    """
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        if last is None or last == "passthrough":
            return None
        return f"{name}__sample_weight" if has_fit_parameter(last, "sample_weight") else None
    return "sample_weight" if has_fit_parameter(estimator, "sample_weight") else None


def warn_resampling(estimator, stacklevel=2):
    """Announce, once per fit, that weights are applied by resampling.

    ``stacklevel`` is passed to :func:`warnings.warn`: the caller says how many
    frames separate it from the user's call.
    """
    warnings.warn(
        f"{type(estimator).__name__}.fit does not accept sample_weight: each generation's "
        "mixed batch is resampled with replacement in proportion to the row weights "
        "instead (same expected loss, more variance).",
        UserWarning,
        stacklevel=stacklevel + 1,
    )


def fit_weighted(estimator, X, y, sample_weight, routing, rng, take_rows):
    """Fit ``estimator`` on ``(X, y)`` with per-row ``sample_weight``.

    Parameters
    ----------
    estimator : estimator
        Unfitted model; fitted in place and returned.
    X, y : array-like
        The mixed batch; ``y`` may be None (density models).
    sample_weight : ndarray or None
        None fits unweighted.
    routing : str or None
        From :func:`weight_routing`; None resamples ``len(X)`` rows with
        probabilities proportional to ``sample_weight``.
    rng : numpy.random.RandomState
        Used only for the resampling.
    take_rows : callable
        ``take_rows(X, idx)`` selects rows of arrays, sparse matrices and
        DataFrames alike.
    """
    args = (X,) if y is None else (X, y)
    if sample_weight is None:
        return estimator.fit(*args)
    if routing is not None:
        return estimator.fit(*args, **{routing: sample_weight})
    p = sample_weight / sample_weight.sum()
    idx = rng.choice(len(sample_weight), size=len(sample_weight), replace=True, p=p)
    X_res = take_rows(X, idx)
    return estimator.fit(X_res) if y is None else estimator.fit(X_res, take_rows(y, idx))
