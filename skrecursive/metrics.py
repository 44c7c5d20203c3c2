"""Distances between distributions, and scorers for the recursive density estimator.

* :func:`cramer_von_mises`: ``integral (F_model - F_ref)^2 dF_ref``, the error
  of the paper's nonparametric setting, computed exactly from sorted samples.
* :func:`distribution_mse`: mean squared error between categorical
  probability vectors, the error of the paper's categorical setting.
* :func:`neg_cramer_von_mises_scorer`, :func:`neg_distribution_mse_scorer`:
  the same, negated (greater is better), with the scorer signature
  ``(estimator, X, y=None)`` of ``scoring=`` in scikit-learn and in
  :class:`~skrecursive.RecursiveDensityEstimator`.
* Tabular fidelity of a synthesizer against real rows, each a function of
  ``(fitted model or synthetic rows, real rows)``:
  :func:`marginal_distance` (per column, Kolmogorov-Smirnov or
  Cramer-von Mises for numeric columns, total variation for the others),
  :func:`association_distance` (normal-score correlations),
  :func:`category_coverage` (share of the real categories the model can
  still produce) and :func:`synthetic_utility` (train on synthetic, test on
  real). Distances are lower-is-better; coverage and utility higher-is-better.
* :func:`neg_marginal_distance_scorer`, :func:`neg_association_distance_scorer`:
  the two tabular distances negated (greater is better), for ``scoring=``.
* Memorisation of the training rows: :func:`copy_rate` (share of synthetic
  rows that copy a training row, lower is better) and
  :func:`distance_to_closest_record` (median Gower distance to the closest
  training row, the one distance where greater is better: farther from the
  training rows means less memorised).

Every metric declares its direction as scikit-learn's ``make_scorer`` does:
its ``greater_is_better`` attribute is False for the distances and True for
the scores. The recursive meta-estimators record scores, greater is better,
and refuse a metric whose ``greater_is_better`` is False with a message naming
its ``neg_`` scorer, so that the history, :func:`~skrecursive.weight_curve`,
the displays and a search over ``weight`` never pick the weight with the
largest distance.
"""

from numbers import Integral

import numpy as np
import pandas as pd

from ._core.copula import (
    GaussianCopula,
    association_gap,
    marginal_distances,
    reference_summary,
)
from ._core.distributions import aligned
from ._core.frames import is_frame, pandas_frame
from ._utils.cvm import cramer_von_mises_batch, cramer_von_mises_samples, weighted_ecdf
from ._utils.validation import (
    BOOLEAN,
    NONE,
    RANDOM_STATE,
    HasMethods,
    Interval,
    Options,
    array_bytes,
    check_args,
    check_memory,
)

__all__ = [
    "cramer_von_mises",
    "distribution_mse",
    "neg_cramer_von_mises_scorer",
    "neg_distribution_mse_scorer",
    "marginal_distance",
    "association_distance",
    "neg_marginal_distance_scorer",
    "neg_association_distance_scorer",
    "category_coverage",
    "contingency_distance",
    "neg_contingency_distance_scorer",
    "synthetic_utility",
    "copy_rate",
    "distance_to_closest_record",
]


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


# ------------------------------------------------------------------ tabular fidelity
def _tabular_pair(model_or_rows, X, n_samples, random_state):
    """(synthetic, real) fitted GaussianCopula summaries of a model or rows and of ``X``.

    A fitted :class:`~skrecursive.GaussianCopula` (or a meta-estimator whose
    ``estimator_`` is one) is used as it is, exactly; any other fitted model
    with ``sample`` gives ``n_samples`` rows (default: as many as ``X``);
    anything else is taken as synthetic rows. The real side is the same
    summary fitted on ``X``, after checking that ``X`` has the synthetic
    side's columns and dtypes, or ``X`` itself when it is a fitted
    GaussianCopula (a caller scoring many models on the same real rows fits
    it once).
    """
    model = model_or_rows
    while not isinstance(model, GaussianCopula) and hasattr(model, "estimator_"):
        model = model.estimator_
    if not isinstance(model, GaussianCopula):
        model = GaussianCopula().fit(_synthetic_rows(model_or_rows, X, n_samples, random_state))
    if isinstance(X, GaussianCopula):  # the real rows' summary, fitted once by the caller
        if _column_names(X) != _column_names(model) or X.column_kinds_ != model.column_kinds_:
            raise ValueError(
                "X, a GaussianCopula fitted on the real rows, must have the synthetic side's "
                f"columns and column kinds; got {_column_names(X)} ({X.column_kinds_}) and "
                f"{_column_names(model)} ({model.column_kinds_})."
            )
        return model, X
    return model, reference_summary(model, X)


def _synthetic_rows(model_or_rows, X, n_samples, random_state):
    from ._core.sources import sample_rows

    if hasattr(model_or_rows, "fit") and callable(getattr(model_or_rows, "sample", None)):
        if n_samples is None and isinstance(X, GaussianCopula):
            raise ValueError(
                "n_samples must be given to draw rows from a model when X is a fitted "
                "GaussianCopula (the summary of the real rows does not say how many there were)."
            )
        n = len(X) if n_samples is None else n_samples
        # the drawn rows are held twice (as drawn, then summarised), whatever the model
        shape = getattr(X, "shape", None) or np.shape(X)
        n_columns = getattr(X, "n_features_in_", None) or (shape[1] if len(shape) > 1 else 1)
        check_memory(array_bytes(n, n_columns, 2),
                     f"drawing n_samples={n} rows of {n_columns} columns from "
                     f"{type(model_or_rows).__name__}")
        rows = sample_rows(model_or_rows, int(n), random_state)
        if is_frame(X) and not is_frame(rows):
            # a numeric model of a numeric frame
            rows = pd.DataFrame(rows, columns=list(pandas_frame(X).columns))
        return rows
    if hasattr(model_or_rows, "fit"):
        raise TypeError(
            f"model_or_rows must be a fitted model with a sample method or a table of "
            f"synthetic rows; got {type(model_or_rows).__name__}, which has no sample method."
        )
    return model_or_rows


def _column_names(copula):
    return list(getattr(copula, "feature_names_in_", range(copula.n_features_in_)))


#: the keyword arguments every tabular fidelity function shares
_DRAWS = {
    "n_samples": [NONE, Interval(Integral, 1, None, closed="left")],
    "random_state": [RANDOM_STATE],
}


def marginal_distance(model_or_rows, X, y=None, *, numeric="ks", per_column=False,
                      n_samples=None, random_state=None):
    """Distance between the synthetic and the real margins, column by column.

    Numeric columns: the Kolmogorov-Smirnov distance ``sup |F_syn - F_real|``
    (``numeric="ks"``) or the Cramer-von Mises distance ``integral (F_syn -
    F_real)^2 dF_real`` (``numeric="cvm"``, as :func:`cramer_von_mises` with
    the real rows as reference). Categorical, boolean and string columns:
    the total variation distance ``(1/2) sum_j |p_j - q_j|`` over the union
    of categories (a missing value is a category). Lower is better; 0 when
    the margins agree. As ``scoring=`` of
    :class:`~skrecursive.RecursiveDensityEstimator`, which takes the largest
    score as the best, use :func:`neg_marginal_distance_scorer`.

    Parameters
    ----------
    model_or_rows : fitted model or DataFrame or array-like
        A fitted :class:`~skrecursive.GaussianCopula` (or a meta-estimator
        around one), measured exactly from its margins; any other fitted
        model with ``sample``, measured on ``n_samples`` rows drawn from it;
        or a table of synthetic rows.
    X : DataFrame or array-like of shape (n_samples, n_features), or GaussianCopula
        The real rows, with the same columns and dtypes, or a
        :class:`~skrecursive.GaussianCopula` fitted on them (fit it once
        when scoring many models on the same rows).
    y : None
        Ignored (scorer signature).
    numeric : {"ks", "cvm"}, default="ks"
    per_column : bool, default=False
        Return a Series of the distance of every column instead of their mean.
    n_samples : int or None, default=None
        Rows drawn from a model that is not a GaussianCopula; None means as
        many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds those draws.

    Returns
    -------
    distance : float or pandas.Series

    See Also
    --------
    neg_marginal_distance_scorer : the same, negated, for ``scoring=``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import marginal_distance
    >>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    >>> synthetic = pd.DataFrame({"x": [1.0, 1.0, 2.0, 3.0], "c": ["a", "a", "a", "b"]})
    >>> marginal_distance(synthetic, real, per_column=True).tolist()
    [0.25, 0.25]
    """
    check_args("marginal_distance", {
        "numeric": [Options("ks", "cvm")], "per_column": [BOOLEAN], **_DRAWS,
    }, locals())
    syn, real = _tabular_pair(model_or_rows, X, n_samples, random_state)
    out = marginal_distances(syn, real, numeric)
    if per_column:
        return pd.Series(out, index=_column_names(syn), name="marginal_distance")
    return float(np.mean(out))


def association_distance(model_or_rows, X, y=None, *, n_samples=None, random_state=None):
    """Distance between the synthetic and the real dependence between columns.

    The mean absolute difference, over pairs of columns, between the
    normal-score correlations (``correlation_`` of
    :class:`~skrecursive.GaussianCopula`) of the synthetic and of the real
    rows: every level of every column is scored ``Phi^{-1}`` of the mid-point
    of its step of the column's cumulative distribution, categories in their
    declared (or sorted) order. In [0, 2]; lower is better; 0 for a single
    column. As ``scoring=`` of
    :class:`~skrecursive.RecursiveDensityEstimator`, use
    :func:`neg_association_distance_scorer`.

    Parameters
    ----------
    model_or_rows : fitted model or DataFrame or array-like
        As in :func:`marginal_distance`.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows.
    y : None
        Ignored.
    n_samples : int or None, default=None
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    distance : float

    See Also
    --------
    neg_association_distance_scorer : the same, negated, for ``scoring=``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive.metrics import association_distance
    >>> X = np.random.RandomState(0).normal(size=(500, 2)) @ [[1.0, 0.8], [0.0, 0.6]]
    >>> association_distance(X[:, [0, 1]], X) == 0.0
    True
    >>> round(association_distance(X[:, [1, 0]] * [1, -1], X), 1)  # dependence reversed
    1.6
    """
    check_args("association_distance", _DRAWS, locals())
    syn, real = _tabular_pair(model_or_rows, X, n_samples, random_state)
    return association_gap(syn, real)


def neg_marginal_distance_scorer(estimator, X, y=None, *, numeric="ks", n_samples=None,
                                 random_state=None):
    """Scorer: ``-marginal_distance(estimator, X)``, greater is better.

    The ``scoring=`` form of :func:`marginal_distance` for
    :class:`~skrecursive.RecursiveDensityEstimator`,
    :func:`~skrecursive.weight_curve` and a
    :class:`~sklearn.model_selection.GridSearchCV` over ``weight``, which all
    take the largest score as the best; the keyword arguments are those of
    :func:`marginal_distance` (bind them with :func:`functools.partial`).

    Parameters
    ----------
    estimator : fitted model
        As ``model_or_rows`` of :func:`marginal_distance`.
    X : DataFrame or array-like of shape (n_samples, n_features), or GaussianCopula
        The real (held-out) rows.
    y : None
        Ignored.
    numeric : {"ks", "cvm"}, default="ks"
    n_samples : int or None, default=None
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    score : float
        Minus the marginal distance: at most 0, and 0 at best.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive import GaussianCopula
    >>> from skrecursive.metrics import marginal_distance, neg_marginal_distance_scorer
    >>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    >>> model = GaussianCopula().fit(real.iloc[:3])
    >>> neg_marginal_distance_scorer(model, real) == -marginal_distance(model, real)
    True
    """
    return -marginal_distance(estimator, X, numeric=numeric, n_samples=n_samples,
                              random_state=random_state)


def neg_association_distance_scorer(estimator, X, y=None, *, n_samples=None,
                                    random_state=None):
    """Scorer: ``-association_distance(estimator, X)``, greater is better.

    The ``scoring=`` form of :func:`association_distance`, as
    :func:`neg_marginal_distance_scorer` is of :func:`marginal_distance`.

    Parameters
    ----------
    estimator : fitted model
        As ``model_or_rows`` of :func:`association_distance`.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real (held-out) rows.
    y : None
        Ignored.
    n_samples : int or None, default=None
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    score : float
        Minus the association distance, in [-2, 0]; 0 at best.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive.metrics import neg_association_distance_scorer
    >>> X = np.random.RandomState(0).normal(size=(500, 2)) @ [[1.0, 0.8], [0.0, 0.6]]
    >>> round(neg_association_distance_scorer(X[:, [1, 0]] * [1, -1], X), 1)
    -1.6
    """
    return -association_distance(estimator, X, n_samples=n_samples, random_state=random_state)


def category_coverage(model_or_rows, X, y=None, *, per_column=False, n_samples=None,
                      random_state=None):
    """Share of the real rows' categories that the model can still produce.

    Over the categorical, boolean and string columns: the number of
    (column, category) pairs present in ``X`` that have positive probability
    under the model (a :class:`~skrecursive.GaussianCopula`, exactly), or
    that appear in ``n_samples`` rows drawn from another model or in the
    given synthetic rows, divided by the number present in ``X``. A
    collapsing synthesizer loses rare categories first. In [0, 1]; higher
    is better. Usable as ``scoring=`` of
    :class:`~skrecursive.RecursiveDensityEstimator`.

    Parameters
    ----------
    model_or_rows : fitted model or DataFrame or array-like
        As in :func:`marginal_distance`.
    X : DataFrame of shape (n_samples, n_features)
        The real rows; at least one column must be non-numeric.
    y : None
        Ignored.
    per_column : bool, default=False
        Return a Series of the coverage of every non-numeric column.
    n_samples : int or None, default=None
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    coverage : float or pandas.Series

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import category_coverage
    >>> real = pd.DataFrame({"c": ["a", "b", "c", "c"], "d": ["x", "y", "x", "y"]})
    >>> synthetic = pd.DataFrame({"c": ["c", "c", "a", "a"], "d": ["x", "y", "y", "y"]})
    >>> category_coverage(synthetic, real)
    0.8
    """
    check_args("category_coverage", {"per_column": [BOOLEAN], **_DRAWS}, locals())
    syn, real = _tabular_pair(model_or_rows, X, n_samples, random_state)
    names, covered, present = [], [], []
    for j, kind in enumerate(syn.column_kinds_):
        if kind in ("numeric", "datetime"):
            continue
        a, b = aligned(syn.categories_[j], syn.probabilities_[j],
                        real.categories_[j], real.probabilities_[j])
        names.append(_column_names(syn)[j])
        present.append(int(np.sum(b > 0)))
        covered.append(int(np.sum((b > 0) & (a > 0))))
    if not names:
        raise ValueError(
            "category_coverage needs at least one categorical, boolean or string column in X; "
            "all columns are numeric."
        )
    if per_column:
        return pd.Series(np.divide(covered, present), index=names, name="category_coverage")
    return float(np.sum(covered) / np.sum(present))


def _pair_codes(real, synthetic, n_bins):
    """Integer codes of one column in the real and the synthetic rows, on shared cells.

    Numeric and datetime columns are cut at the real values' quantiles into at
    most ``n_bins`` bins; other columns keep their categories. A missing value
    is a cell of its own.
    """
    ordered = (pd.api.types.is_numeric_dtype(real.dtype)
               and not pd.api.types.is_bool_dtype(real.dtype)) or \
        pd.api.types.is_datetime64_any_dtype(real.dtype)
    if ordered:
        def numbers(col):
            if pd.api.types.is_datetime64_any_dtype(col.dtype):
                values = col.to_numpy().astype("datetime64[us]").astype(np.int64).astype(float)
                return np.where(col.isna().to_numpy(), np.nan, values)
            return col.to_numpy(dtype=float, na_value=np.nan)

        a, b = numbers(real), numbers(synthetic)
        seen = a[~np.isnan(a)]
        edges = np.unique(np.quantile(seen, np.linspace(0, 1, n_bins + 1)[1:-1])) if len(
            seen) else np.empty(0)
        codes = [np.where(np.isnan(v), len(edges) + 1, np.searchsorted(edges, v, side="right"))
                 for v in (a, b)]
        return codes[0], codes[1], len(edges) + 2
    values = [col.astype(object).where(col.notna(), None).to_numpy() for col in (real, synthetic)]
    codes, uniques = pd.factorize(np.concatenate(values), use_na_sentinel=False)
    return codes[:len(real)], codes[len(real):], max(len(uniques), 1)


def contingency_distance(model_or_rows, X, y=None, *, n_bins=10, n_samples=None,
                         random_state=None):
    """Distance between the synthetic and the real joint distributions of every pair of columns.

    For each pair of columns, the total variation distance ``(1/2) sum |p - q|``
    between the synthetic and the real shares of the pair's cells, averaged
    over pairs. Numeric and datetime columns are cut into ``n_bins`` bins at
    the real rows' quantiles, other columns keep their categories, and a
    missing value is a cell of its own. Unlike
    :func:`association_distance` it sees any dependence, not only the
    monotone one a correlation measures (e.g. ``z = x^2``, or a category
    that changes with an interval of ``x``), and it includes the error of
    the two margins. It is ``1 -`` sdmetrics' ``ContingencySimilarity``
    averaged over pairs, with numeric columns discretised. In [0, 1]; lower
    is better; 0 for a single column. As ``scoring=`` of
    :class:`~skrecursive.RecursiveDensityEstimator` (greater is better) use
    :func:`neg_contingency_distance_scorer`.

    Parameters
    ----------
    model_or_rows : fitted model or DataFrame
        A fitted model with ``sample`` (``n_samples`` rows are drawn from
        it) or a table of synthetic rows.
    X : DataFrame of shape (n_samples, n_features)
        The real rows, with the same columns (pandas, polars, ...).
    y : None
        Ignored.
    n_bins : int >= 2, default=10
        Quantile bins of a numeric or datetime column.
    n_samples : int or None, default=None
        Rows drawn from a model; None means as many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws.

    Returns
    -------
    distance : float

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skrecursive.metrics import contingency_distance
    >>> x = np.random.RandomState(0).normal(size=2000)
    >>> real = pd.DataFrame({"x": x, "z": x**2})
    >>> independent = pd.DataFrame({"x": x, "z": np.random.RandomState(1).permutation(x**2)})
    >>> contingency_distance(real, real)
    0.0
    >>> round(contingency_distance(independent, real), 2)
    0.74
    """
    check_args("contingency_distance", {
        "n_bins": [Interval(Integral, 2, None, closed="left")], **_DRAWS}, locals())
    rows = _synthetic_rows(model_or_rows, X, n_samples, random_state)
    if not (is_frame(X) and is_frame(rows)):
        raise TypeError(
            "contingency_distance compares dataframes: X and the synthetic rows must be "
            f"dataframes with the same columns; got {type(X).__name__} and "
            f"{type(rows).__name__}."
        )
    real, synthetic = pandas_frame(X), pandas_frame(rows)
    if list(real.columns) != list(synthetic.columns):
        raise ValueError(
            "The synthetic rows must have the columns of X in the same order; got "
            f"{list(synthetic.columns)} and {list(real.columns)}."
        )
    if len(real) == 0 or len(synthetic) == 0:
        raise ValueError("contingency_distance needs at least one real and one synthetic row.")
    cells = [_pair_codes(real[c], synthetic[c], n_bins) for c in real.columns]
    distances = []
    for i in range(len(cells)):
        for j in range(i + 1, len(cells)):
            (ra, sa, ka), (rb, sb, kb) = cells[i], cells[j]
            p = np.bincount(ra * kb + rb, minlength=ka * kb) / len(ra)
            q = np.bincount(sa * kb + sb, minlength=ka * kb) / len(sa)
            distances.append(0.5 * float(np.abs(p - q).sum()))
    return float(np.mean(distances)) if distances else 0.0


def neg_contingency_distance_scorer(estimator, X, y=None, *, n_bins=10, n_samples=None,
                                    random_state=None):
    """Scorer: ``-contingency_distance(estimator, X)``, greater is better.

    The ``scoring=`` form of :func:`contingency_distance` (bind its keyword
    arguments with :func:`functools.partial`).

    Parameters
    ----------
    estimator : fitted model with ``sample``
    X : DataFrame of shape (n_samples, n_features)
        The real (held-out) rows.
    y : None
        Ignored.
    n_bins : int >= 2, default=10
    n_samples : int or None, default=None
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    score : float
        Minus the contingency distance, in [-1, 0]; 0 at best.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import neg_contingency_distance_scorer
    >>> real = pd.DataFrame({"a": ["x", "y", "x", "y"], "b": ["x", "y", "x", "y"]})
    >>> neg_contingency_distance_scorer(real.assign(b=["y", "x", "x", "y"]), real)
    -0.5
    """
    return -contingency_distance(estimator, X, n_bins=n_bins, n_samples=n_samples,
                                 random_state=random_state)


def _utility_classifier(X):
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if not isinstance(X, pd.DataFrame):
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    encode = ColumnTransformer([
        ("numeric", StandardScaler(), make_column_selector(dtype_include="number")),
        ("categorical", OneHotEncoder(handle_unknown="ignore"),
         make_column_selector(dtype_exclude="number")),
    ])
    return make_pipeline(encode, LogisticRegression(max_iter=1000))


def synthetic_utility(model_or_rows, X, y=None, *, target, estimator=None,
                      scoring="accuracy", n_samples=None, random_state=None):
    """Train on synthetic, test on real: a classifier's score on the real rows.

    Fits a clone of ``estimator`` on the synthetic rows (drawn from the
    model, or given), predicting column ``target`` from the others, and
    scores it on the real rows ``X`` with ``scoring``. Higher is better.
    When the synthetic target has collapsed to one class the classifier is
    replaced by a constant prediction of that class
    (:class:`~sklearn.dummy.DummyClassifier`), which is what any classifier
    would learn. With a function of the fitted model and the held-out rows,
    bind ``target`` (e.g. with :func:`functools.partial`) to use it as
    ``scoring=`` of :class:`~skrecursive.RecursiveDensityEstimator`.

    Parameters
    ----------
    model_or_rows : fitted model with ``sample`` or DataFrame or array-like
        The synthesizer (``n_samples`` rows are drawn from it) or synthetic
        rows.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows, target column included.
    y : None
        Ignored.
    target : str or int
        The target column: a column name of a DataFrame, or an index into
        the columns of an array.
    estimator : classifier or None, default=None
        Cloned and fitted on the synthetic rows; None is a logistic
        regression on standardised numeric columns and one-hot encoded
        other columns.
    scoring : str or callable, default="accuracy"
        A scikit-learn scorer name or ``scorer(estimator, X, y)``.
    n_samples : int or None, default=None
        Synthetic rows drawn from a model; None means as many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws.

    Returns
    -------
    score : float

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skrecursive.metrics import synthetic_utility
    >>> rng = np.random.RandomState(0)
    >>> x = rng.normal(size=400)
    >>> real = pd.DataFrame({"x": x, "label": (x + rng.normal(size=400) > 0).astype(int)})
    >>> round(synthetic_utility(real.iloc[:200], real.iloc[200:], target="label"), 2)
    0.74
    """
    from sklearn.base import clone
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import check_scoring

    check_args("synthetic_utility", {"estimator": [NONE, HasMethods("fit")], **_DRAWS},
               locals())
    rows = _synthetic_rows(model_or_rows, X, n_samples, random_state)

    def split(table, name):
        if is_frame(table):
            table = pandas_frame(table)
            if target not in table.columns:
                raise ValueError(
                    f"The target column {target!r} is not a column of {name}; its columns are "
                    f"{list(table.columns)}."
                )
            return table.drop(columns=[target]), checked_target(table[target].to_numpy(), name)
        arr = np.asarray(table)
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a 2-D table of rows; got shape {arr.shape}.")
        if (not isinstance(target, (int, np.integer)) or isinstance(target, (bool, np.bool_))
                or not -arr.shape[1] <= target < arr.shape[1]):
            raise ValueError(
                f"The target column {target!r} is not a column index of {name}, which has "
                f"{arr.shape[1]} columns: with arrays, target is an int position."
            )
        return np.delete(arr, target, axis=1), checked_target(arr[:, target], name)

    def checked_target(values, name):
        missing = pd.isna(values)
        if missing.any():
            raise ValueError(
                f"The target column {target!r} of {name} holds {int(missing.sum())} missing "
                "value(s); every row needs a label to train on or to be scored against: drop "
                "those rows first."
            )
        return values

    X_real, y_real = split(X, "X")
    X_syn, y_syn = split(rows, "the synthetic rows")
    if len(np.unique(y_syn)) < 2:
        clf = DummyClassifier(strategy="most_frequent").fit(X_syn, y_syn)
    else:
        clf = clone(_utility_classifier(X_syn) if estimator is None else estimator)
        clf.fit(X_syn, y_syn)
    return float(check_scoring(clf, scoring=scoring)(clf, X_real, y_real))


# ------------------------------------------------------------------ memorisation
def _as_table(rows, name):
    """``rows`` as a DataFrame (a 2-D array becomes numbered numeric columns)."""
    if isinstance(rows, pd.DataFrame):
        return rows
    arr = np.asarray(rows)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a DataFrame or a 2-D array; got shape {arr.shape}.")
    return pd.DataFrame(arr)


def _memorisation_pair(model_or_rows, X, n_samples, random_state):
    """(synthetic, real) DataFrames with the same columns, real first checked non-empty."""
    real = _as_table(X, "X")
    rows = _as_table(_synthetic_rows(model_or_rows, real, n_samples, random_state),
                     "the synthetic rows")
    if list(rows.columns) != list(real.columns):
        raise ValueError(
            "The synthetic rows and X must have the same columns in the same order; got "
            f"{list(rows.columns)} and {list(real.columns)}."
        )
    if len(real) == 0 or len(rows) == 0:
        raise ValueError("X and the synthetic rows must hold at least one row each.")
    return rows, real


def _is_number(col):
    return (pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
            and not isinstance(col.dtype, pd.CategoricalDtype))


def _numbers(col):
    """A column as float64, missing values as NaN and -0.0 as 0.0."""
    return col.astype("float64").to_numpy(dtype=float, na_value=np.nan) + 0.0


def _labels(col):
    """A non-numeric column as strings, every missing value the same marker (None)."""
    codes, uniques = pd.factorize(col.astype(object).to_numpy(), use_na_sentinel=True)
    text = np.array([str(v) for v in uniques] + [None], dtype=object)
    return text[codes]  # the sentinel -1 picks the last entry, None


def _joint_codes(a, b):
    """Integer codes of two non-numeric columns over their joint values (missing: -1)."""
    if isinstance(a.dtype, pd.CategoricalDtype) and a.dtype == b.dtype:
        return (a.cat.codes.to_numpy().astype(np.int64),
                b.cat.codes.to_numpy().astype(np.int64))
    codes = pd.factorize(np.concatenate([_labels(a), _labels(b)]), use_na_sentinel=True)[0]
    return codes[:len(a)], codes[len(a):]


def copy_rate(model_or_rows, X, y=None, *, n_samples=None, random_state=None):
    """Share of the synthetic rows that are exact copies of a row of ``X``.

    A synthetic row is a copy when every column equals that of some row of
    ``X``: numbers by value (``3`` equals ``3.0``), other values by their
    text, a missing value equal to a missing value. Lower is better for
    privacy; in [0, 1]. A table with few, coarse columns has copies by
    chance: compare with the rate of real rows that were not trained on
    (held-out rows against the training rows), as :func:`skrecursive.reproduce.audit`
    does. A synthesizer trained recursively on its own output concentrates on
    fewer rows, which is where copying grows. Its ``greater_is_better`` is
    False, so a recursive estimator refuses it as ``scoring=``; record it
    every generation with ``monitor=``, as the audit does.

    Parameters
    ----------
    model_or_rows : fitted model with ``sample`` or DataFrame or array-like
        A synthesizer (``n_samples`` rows are drawn from it) or synthetic rows,
        with the columns of ``X``.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows the synthesizer was trained on.
    y : None
        Ignored (scorer signature).
    n_samples : int or None, default=None
        Rows drawn from a model; None means as many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds those draws.

    Returns
    -------
    rate : float

    See Also
    --------
    distance_to_closest_record : how close the synthetic rows come when not copies.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import copy_rate
    >>> real = pd.DataFrame({"age": [23, 35, 51], "job": ["a", "b", None]})
    >>> synthetic = pd.DataFrame({"age": [35.0, 51.0, 40.0, 23.0],
    ...                           "job": ["b", None, "a", "b"]})
    >>> copy_rate(synthetic, real)
    0.5
    """
    check_args("copy_rate", _DRAWS, locals())
    rows, real = _memorisation_pair(model_or_rows, X, n_samples, random_state)

    syn, ref = {}, {}
    for j in range(real.shape[1]):
        a, b = rows.iloc[:, j], real.iloc[:, j]
        if _is_number(a) and _is_number(b):
            syn[j], ref[j] = _numbers(a), _numbers(b)
        else:
            syn[j], ref[j] = _joint_codes(a, b)
    hashed = [pd.util.hash_pandas_object(pd.DataFrame(t), index=False).to_numpy()
              for t in (syn, ref)]
    return float(np.mean(np.isin(*hashed)))


#: synthetic rows per block of the nearest-record search (bounds its memory)
_DCR_BLOCK_CELLS = 2_000_000


def distance_to_closest_record(model_or_rows, X, y=None, *, per_row=False, n_samples=None,
                               random_state=None):
    """Median distance from a synthetic row to its closest row of ``X`` (Gower distance).

    The distance between two rows is Gower's: the mean over columns of
    ``|a - b| / range`` for a numeric column (``range`` = its range in ``X``,
    capped at 1; 0 or 1 for a constant column) and of ``a != b`` for the
    others, a missing value being at distance 0 from a missing value and 1
    from any value. Every synthetic row gets the distance to its closest row
    of ``X`` (an exact search); the median over the synthetic rows is
    returned. In [0, 1]; 0 when the median row is a copy, so lower means
    closer to the training rows (higher is better for privacy). Compare with
    the same distance for real rows that were not trained on, the level of
    a synthesizer that neither copies nor strays. The search costs
    ``n_synthetic * n_real * n_features``: subsample ``X`` for large tables.

    Parameters
    ----------
    model_or_rows : fitted model with ``sample`` or DataFrame or array-like
        As in :func:`copy_rate`.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows the synthesizer was trained on.
    y : None
        Ignored (scorer signature).
    per_row : bool, default=False
        Return the distance of every synthetic row instead of their median.
    n_samples : int or None, default=None
        Rows drawn from a model; None means as many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds those draws.

    Returns
    -------
    distance : float or ndarray of shape (n_synthetic,)

    See Also
    --------
    copy_rate : the share of synthetic rows at distance 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import distance_to_closest_record
    >>> real = pd.DataFrame({"age": [20, 30, 60], "job": ["a", "b", "b"]})
    >>> synthetic = pd.DataFrame({"age": [20, 40, 60], "job": ["a", "a", "a"]})
    >>> distance_to_closest_record(synthetic, real, per_row=True).tolist()
    [0.0, 0.25, 0.5]
    """
    check_args("distance_to_closest_record", {"per_row": [BOOLEAN], **_DRAWS}, locals())
    rows, real = _memorisation_pair(model_or_rows, X, n_samples, random_state)
    numeric, labels = [], []  # (synthetic, real, scale) and (synthetic codes, real codes)
    for j in range(real.shape[1]):
        a, b = rows.iloc[:, j], real.iloc[:, j]
        if _is_number(b) and _is_number(a):
            a, b = _numbers(a), _numbers(b)
            finite = b[~np.isnan(b)]
            span = float(finite.max() - finite.min()) if finite.size else 0.0
            numeric.append((a, b, span))
        else:
            labels.append(_joint_codes(a, b))
    n_syn, n_real = len(rows), len(real)
    best = np.empty(n_syn)
    block = max(1, _DCR_BLOCK_CELLS // n_real)
    for start in range(0, n_syn, block):
        stop = min(n_syn, start + block)
        total = np.zeros((stop - start, n_real), dtype=np.float32)
        gap = np.empty_like(total)
        differ = np.empty(total.shape, dtype=bool)
        for a, b, span in numeric:
            a = a[start:stop, None]
            if span > 0:
                np.subtract(a, b[None, :], out=gap)
                np.abs(gap, out=gap)
                gap *= 1.0 / span
                np.minimum(gap, 1.0, out=gap)
            else:
                np.not_equal(a, b[None, :], out=differ)
                gap[...] = differ
            if np.isnan(a).any() or np.isnan(b).any():
                missing_a, missing_b = np.isnan(a), np.isnan(b)[None, :]
                np.copyto(gap, missing_a != missing_b, where=missing_a | missing_b)
            total += gap
        for a, b in labels:
            np.not_equal(a[start:stop, None], b[None, :], out=differ)
            total += differ
        best[start:stop] = total.min(axis=1).astype(float) / real.shape[1]
    return best if per_row else float(np.median(best))


# ------------------------------------------------------------------ directions
# Every metric says which way is better, as scikit-learn's make_scorer(greater_is_better=)
# does; a lower-is-better metric names its negated scorer, which the message refusing it
# as scoring= suggests.
for _metric, _negated in ((cramer_von_mises, neg_cramer_von_mises_scorer),
                          (distribution_mse, neg_distribution_mse_scorer),
                          (marginal_distance, neg_marginal_distance_scorer),
                          (association_distance, neg_association_distance_scorer),
                          (contingency_distance, neg_contingency_distance_scorer)):
    _metric.greater_is_better = False
    _metric.neg_scorer = _negated
    _negated.greater_is_better = True
category_coverage.greater_is_better = True
synthetic_utility.greater_is_better = True
contingency_distance.greater_is_better = False
# memorisation: a copy is worse, a larger distance to the closest record better
copy_rate.greater_is_better = False
distance_to_closest_record.greater_is_better = True
del _metric, _negated
