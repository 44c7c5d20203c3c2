"""Distances between distributions: the errors of the paper's two settings.

:func:`cramer_von_mises` (nonparametric) and :func:`distribution_mse`
(categorical), and their negated scorers. Public through
:mod:`skrecursive.metrics`, which also declares each metric's direction.
"""


import numpy as np
import pandas as pd

from .._utils.cvm import cramer_von_mises_batch, cramer_von_mises_samples, weighted_ecdf
from .distributions import aligned
from .frames import is_frame, pandas_frame


def _unwrap(model):
    """The fitted base model inside a (possibly nested) meta-estimator."""
    while not hasattr(model, "atoms_") and hasattr(model, "estimator_"):
        model = model.estimator_
    return model


def _as_samples(X, name):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D or 2-D array of samples; got shape {X.shape}."
        )
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return X


def _cdf_values(cdf, x, name):
    """``cdf(x)`` checked: one finite value in [0, 1] per point, or a ValueError naming ``name``.

    A distance computed from CDF values outside [0, 1] (or NaN) would be a
    number with no meaning, so it is never returned.
    """
    n = x.shape[0]
    try:
        values = np.asarray(cdf(x), dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must return numbers, the distribution function at each point; calling "
            f"it on {n} points raised {type(exc).__name__}: {exc}"
        ) from exc
    if values.shape not in ((n,), (n, 1)):
        raise ValueError(
            f"{name} must return one value per point: called on {n} points it returned an "
            f"array of shape {values.shape}."
        )
    values = values.reshape(n)
    bad = ~(np.isfinite(values) & (values >= 0.0) & (values <= 1.0))
    if bad.any():
        raise ValueError(
            f"{name} must return probabilities in [0, 1] (a distribution function); it "
            f"returned {float(values[bad][0])!r} at {int(bad.sum())} of {n} points."
        )
    return values


def _as_cdf(obj):
    cdf = getattr(obj, "cdf", None)
    if callable(cdf):
        return cdf
    if callable(obj) and not hasattr(obj, "fit"):
        return obj
    return None


def _atoms(model_or_samples, weights):
    """(atoms, probabilities) of a fitted EmpiricalDistribution or of weighted samples."""
    model = _unwrap(model_or_samples)
    if hasattr(model, "atoms_"):
        if weights is not None:
            raise ValueError("weights must be None when a fitted model is given.")
        return model.atoms_, model.weights_
    if hasattr(model, "fit"):
        raise TypeError(
            "model_or_samples must be a fitted EmpiricalDistribution, an object with a cdf "
            f"method or an array of samples; got {type(model).__name__}, which has neither "
            "atoms_ nor cdf (draw samples from it with its sample method instead)."
        )
    atoms = _as_samples(model_or_samples, "model_or_samples")
    if weights is None:
        return atoms, np.full(atoms.shape[0], 1.0 / atoms.shape[0])
    w = np.asarray(weights, dtype=float)
    if w.shape != (atoms.shape[0],) or not np.all(np.isfinite(w)) or np.any(w < 0) or (
        w.sum() <= 0
    ):
        raise ValueError(
            f"weights must be {atoms.shape[0]} finite non-negative numbers with a positive "
            "sum, one per sample."
        )
    return atoms, w / w.sum()


def cramer_von_mises(model_or_samples, reference, weights=None):
    """Cramer-von Mises distance ``integral (F_model - F_ref)^2 dF_ref``.

    Computed exactly, without a grid:

    * ``reference`` as samples: ``F_ref`` is their empirical distribution
      function, so the integral is the mean over the reference points ``r``
      of ``(F_model(r) - F_ref(r))^2`` (multivariate samples use the
      componentwise order ``<=``);
    * ``reference`` as a continuous distribution (an object with ``cdf``,
      such as a frozen ``scipy.stats`` distribution, or a callable CDF), one
      dimension only, and a discrete model: with ``u = F_ref(x)`` the
      integral is ``integral_0^1 (G(u) - u)^2 du`` for the step function
      ``G``, summed interval by interval in closed form.

    For ``n`` samples of the reference distribution itself its expectation
    is ``1 / (6 n)`` (the constant ``C = 1/6`` of the paper's nonparametric
    setting).

    Parameters
    ----------
    model_or_samples : fitted EmpiricalDistribution, object with ``cdf``, or array-like
        The distribution to measure: a fitted
        :class:`~skrecursive.EmpiricalDistribution` (or a meta-estimator
        whose ``estimator_`` is one), any object with a ``cdf`` method, or
        samples of shape ``(n,)`` or ``(n, n_features)``.
    reference : array-like, object with ``cdf`` or callable
        Reference samples, or a continuous reference distribution (1-D).
    weights : array-like of shape (n,), default=None
        Weights of ``model_or_samples`` when it is samples; None weighs
        them equally.

    Returns
    -------
    distance : float

    Examples
    --------
    >>> from scipy import stats
    >>> from skrecursive.metrics import cramer_von_mises
    >>> round(cramer_von_mises([0.5], stats.uniform()), 6)  # one atom at the median
    0.083333
    >>> cramer_von_mises([0.0, 1.0], [0.0, 1.0])
    0.0
    """
    ref_cdf = _as_cdf(reference)
    if ref_cdf is not None:
        atoms, w = _atoms(model_or_samples, weights)
        if atoms.shape[1] != 1:
            raise ValueError(
                "A continuous reference (an object with cdf) is supported in one dimension "
                f"only; the model has {atoms.shape[1]} features. Pass reference samples."
            )
        u = _cdf_values(ref_cdf, atoms[:, 0], "The reference's cdf")
        return float(cramer_von_mises_batch(u, w))

    R = _as_samples(reference, "reference")
    model = _unwrap(model_or_samples)
    model_cdf = None if hasattr(model, "atoms_") else _as_cdf(model)
    if model_cdf is not None:
        F_model = _cdf_values(model_cdf, R[:, 0] if R.shape[1] == 1 else R,
                              "The cdf of model_or_samples")
    else:
        atoms, w = _atoms(model_or_samples, weights)
        if atoms.shape[1] != R.shape[1]:
            raise ValueError(
                f"model_or_samples has {atoms.shape[1]} features but reference has "
                f"{R.shape[1]}."
            )
        return cramer_von_mises_samples(atoms, w, R)
    F_ref = weighted_ecdf(R, np.full(R.shape[0], 1.0 / R.shape[0]), R)
    return float(np.mean((F_model.reshape(-1) - F_ref) ** 2))


def _probability_columns(obj, name):
    """List of (categories or None, probability vector) per column."""
    model = _unwrap(obj)
    if hasattr(model, "probabilities_"):
        return [
            (np.asarray(c), np.asarray(p, dtype=float))
            for c, p in zip(model.categories_, model.probabilities_, strict=True)
        ]
    if isinstance(obj, (list, tuple)) and obj and np.ndim(obj[0]) == 1:
        columns = [np.asarray(p, dtype=float) for p in obj]
    else:
        arr = np.asarray(obj, dtype=float)
        if arr.ndim != 1:
            raise ValueError(
                f"{name} must be a fitted CategoricalDistribution, a probability vector or a "
                f"list of them (one per column); got an array of shape {arr.shape}."
            )
        columns = [arr]
    for j, p in enumerate(columns):
        _check_probabilities(p, name if len(columns) == 1 else f"{name}[{j}]")
    return [(None, p) for p in columns]


#: how far from 1 the sum of a probability vector may be (rounding of its entries)
_SUM_TOLERANCE = 1e-6


def _check_probabilities(p, name):
    """Refuse a vector that is not a probability vector: finite, non-negative, summing to 1."""
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"{name} must be a non-empty probability vector; got shape {p.shape}.")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(
            f"{name} must hold finite non-negative probabilities; got {p.tolist()[:10]}."
        )
    if not abs(p.sum() - 1.0) <= _SUM_TOLERANCE:
        raise ValueError(
            f"{name} must sum to 1 (a probability vector); it sums to {p.sum():.6g}. Normalise "
            "it (p / p.sum()) if it holds counts or frequencies."
        )


def distribution_mse(model_or_probabilities, reference):
    """Mean squared error between categorical probability vectors.

    ``(1/K) sum_j (p_j - q_j)^2`` over the ``K`` categories of a column,
    averaged over columns. For weighted frequencies of ``n`` draws its
    expectation is ``C / n`` with ``C = (1/K) sum_j q_j (1 - q_j)`` (the
    paper's categorical setting).

    Parameters
    ----------
    model_or_probabilities : fitted CategoricalDistribution or array-like
        A fitted :class:`~skrecursive.CategoricalDistribution` (or a
        meta-estimator whose ``estimator_`` is one), a probability vector,
        or a list of vectors (one per column).
    reference : fitted CategoricalDistribution or array-like
        The same kinds. Two fitted models are aligned by category (a
        category missing from one has probability 0 there); vectors must
        list the same categories in the same order.

    Returns
    -------
    mse : float

    Examples
    --------
    >>> from skrecursive.metrics import distribution_mse
    >>> round(distribution_mse([0.5, 0.5], [0.7, 0.3]), 6)
    0.04
    """
    a = _probability_columns(model_or_probabilities, "model_or_probabilities")
    b = _probability_columns(reference, "reference")
    if len(a) != len(b):
        raise ValueError(
            f"model_or_probabilities has {len(a)} column(s) but reference has {len(b)}."
        )
    errors = []
    for (cats_a, p_a), (cats_b, p_b) in zip(a, b, strict=True):
        pa, pb = aligned(cats_a, p_a, cats_b, p_b)
        errors.append(np.mean((pa - pb) ** 2))
    return float(np.mean(errors))


def neg_cramer_von_mises_scorer(estimator, X, y=None):
    """Scorer: ``-cramer_von_mises(estimator, X)``, greater is better.

    For ``scoring=`` with an :class:`~skrecursive.EmpiricalDistribution`
    (or a meta-estimator around one); ``X`` are the held-out rows.

    Parameters
    ----------
    estimator : fitted model
    X : array-like of shape (n_samples, n_features)
    y : None
        Ignored.

    Returns
    -------
    score : float
    """
    return -cramer_von_mises(estimator, np.asarray(X, dtype=float))


def neg_distribution_mse_scorer(estimator, X, y=None):
    """Scorer: ``-distribution_mse`` between a categorical model and the frequencies of ``X``.

    For ``scoring=`` with a :class:`~skrecursive.CategoricalDistribution`
    (or a meta-estimator around one). Categories of ``X`` the model never
    saw count with model probability 0.

    Parameters
    ----------
    estimator : fitted model with ``categories_`` and ``probabilities_``
    X : array-like or DataFrame of shape (n_samples, n_features)
    y : None
        Ignored.

    Returns
    -------
    score : float
    """
    model = _unwrap(estimator)
    frame = pandas_frame(X) if is_frame(X) else pd.DataFrame(np.asarray(X, dtype=object))
    if frame.shape[1] != len(model.categories_):
        raise ValueError(
            f"X has {frame.shape[1]} columns but the model was fitted on "
            f"{len(model.categories_)}."
        )
    errors = []
    for j, (cats, p) in enumerate(zip(model.categories_, model.probabilities_, strict=True)):
        freq = frame.iloc[:, j].astype(object).value_counts(normalize=True)
        a, b = aligned(np.asarray(cats, dtype=object), p, freq.index.to_numpy(), freq.to_numpy())
        errors.append(np.mean((a - b) ** 2))
    return -float(np.mean(errors))
