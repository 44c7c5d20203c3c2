"""Weighted base models for recursive density estimation.

Three scikit-learn estimators with ``fit(X, sample_weight=...)`` and
``sample(n_samples, random_state=...)``, one per setting of He, Xu & Cheng
(2026): :class:`GaussianDensity` (weighted maximum likelihood),
:class:`EmpiricalDistribution` (the weighted empirical distribution, the
nonparametric setting) and :class:`CategoricalDistribution` (weighted
category frequencies).
"""

import math
import warnings
from numbers import Real

import numpy as np
import pandas as pd
from scipy import linalg
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.cvm import cramer_von_mises_samples, weighted_ecdf
from .._utils.validation import (
    Interval,
    Options,
    check_finite_result,
    check_params,
)
from .model_helpers import (
    NoDensity,
    check_frame,
    sampling_start,
    smoothed_frequencies,
    weights_or_ones,
)

__all__ = ["GaussianDensity", "EmpiricalDistribution", "CategoricalDistribution"]


# ---------------------------------------------------------------- Gaussian
_OVERFLOW_HINT = (
    "the values are of order {scale}, whose squares overflow float64 (about 1.8e308). "
    "Rescale X first, e.g. with sklearn.preprocessing.StandardScaler, or "
    "make_pipeline(StandardScaler(), GaussianDensity()) under a meta-estimator."
)


class GaussianDensity(DensityMixin, BaseEstimator):
    """Multivariate normal density fitted by weighted maximum likelihood.

    The paper's Gaussian setting: ``fit`` computes the weighted mean and the
    weighted maximum-likelihood covariance (divisor ``sum(sample_weight)``,
    as :class:`~sklearn.mixture.GaussianMixture`), so integer weights are
    the same as repeated rows. In the recursion the paper instead combines
    the two groups' moments, ``w * S_real + (1 - w) * S_syn`` with ``ddof=1``;
    the weighted MLE of the pooled batch differs from it by a
    between-group term ``w (1 - w) (m_real - m_syn)(m_real - m_syn)^T`` and
    the divisor, both of order ``1/n`` relative to the covariance, which
    leaves the limiting risk unchanged to first order.

    Parameters
    ----------
    covariance_type : {"full", "diag", "spherical"}, default="full"
        ``"full"``: any covariance; ``"diag"``: independent coordinates;
        ``"spherical"``: ``sigma^2 I`` with ``sigma^2`` the mean of the
        per-coordinate variances.
    reg_covar : float >= 0, default=1e-6
        Added to the diagonal of the covariance so it stays positive
        definite (e.g. with one row, or after a collapsed recursion).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    covariance_ : ndarray of shape (n_features, n_features)
        Always a full matrix (diagonal for ``"diag"``, a multiple of the
        identity for ``"spherical"``), ``reg_covar`` included.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        When X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive import GaussianDensity
    >>> X = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 4.0]])
    >>> model = GaussianDensity().fit(X, sample_weight=[1, 1, 2])
    >>> model.mean_
    array([2.5, 2.5])
    >>> model.sample(3, random_state=0).shape
    (3, 2)
    >>> bool(model.score(X) < 0)
    True
    """

    _parameter_table = {
        "covariance_type": [Options("full", "diag", "spherical")],
        "reg_covar": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, covariance_type="full", reg_covar=1e-6):
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar

    def fit(self, X, y=None, sample_weight=None):
        """Weighted maximum-likelihood mean and covariance.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights; None weighs every row 1.

        Returns
        -------
        self : GaussianDensity
        """
        check_params(self, self._parameter_table)
        X = validate_data(self, X, dtype=np.float64, reset=True)
        sw = weights_or_ones(sample_weight, X.shape[0])
        p = sw / sw.sum()
        with np.errstate(over="ignore", invalid="ignore"):
            mean = p @ X
            D = X - mean
            if self.covariance_type == "full":
                cov = (D * p[:, None]).T @ D
            else:
                var = p @ D**2
                if self.covariance_type == "spherical":
                    var = np.full_like(var, var.mean())
                cov = np.diag(var)
            cov = cov + self.reg_covar * np.eye(X.shape[1])
        check_finite_result(cov, "The weighted covariance of X", _OVERFLOW_HINT.format(
            scale=f"{np.max(np.abs(X)):.3g}"))
        try:
            chol = linalg.cholesky(cov, lower=True)
        except linalg.LinAlgError:
            raise ValueError(
                "The weighted covariance is not positive definite (e.g. collinear columns "
                "or a collapsed sample): increase the 'reg_covar' parameter."
            ) from None
        self.mean_ = mean
        self.covariance_ = cov
        self._chol = chol
        return self

    def score_samples(self, X):
        """Log density of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with np.errstate(over="ignore", invalid="ignore"):
            z = linalg.solve_triangular(self._chol, (X - self.mean_).T, lower=True,
                                        check_finite=False)
            log_det = 2.0 * np.log(np.diag(self._chol)).sum()
            out = -0.5 * (X.shape[1] * math.log(2 * math.pi) + log_det + (z**2).sum(axis=0))
        # a normal density is positive everywhere: -inf is an overflow, never the answer
        return check_finite_result(
            out, "GaussianDensity.score_samples (the log density of X)",
            _OVERFLOW_HINT.format(scale=f"{np.max(np.abs(X)):.3g}")
            + " Rows that far from the fitted mean have a log density below -1e308.")

    def score(self, X, y=None):
        """Total log-likelihood of ``X`` (as :class:`~sklearn.neighbors.KernelDensity`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        log_likelihood : float
        """
        return float(np.sum(self.score_samples(X)))

    def sample(self, n_samples=1, random_state=None):
        """Draw rows from the fitted normal distribution.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        """
        n, rng = sampling_start(self, n_samples, random_state)
        with np.errstate(over="ignore", invalid="ignore"):
            out = self.mean_ + rng.standard_normal((n, self.mean_.shape[0])) @ self._chol.T
        return check_finite_result(out, "GaussianDensity.sample", _OVERFLOW_HINT.format(
            scale=f"{np.max(np.abs(self.covariance_)):.3g} (its covariance)"))


# -------------------------------------------------------------- empirical
class EmpiricalDistribution(DensityMixin, BaseEstimator):
    """Weighted empirical distribution of the training rows (the nonparametric setting).

    ``fit`` keeps the rows with positive weight and their normalised
    weights; :meth:`sample` resamples rows with those probabilities and
    :meth:`cdf` is the weighted empirical distribution function. In the
    recursion with weight ``w``, real rows get mass ``w / n`` and synthetic
    rows ``(1 - w) / m``, which is the paper's ``F_t = w F_real + (1 - w) F_syn``.

    The distribution is discrete, so it has no density: ``score_samples``
    raises a ``TypeError`` (also an ``AttributeError``, so
    ``hasattr(model, "score_samples")`` is False). :meth:`score` is the
    negated Cramer-von Mises distance to the empirical distribution of the
    rows scored (greater is better), which is what the recursion and
    ``GridSearchCV`` use by default.

    Attributes
    ----------
    atoms_ : ndarray of shape (n_atoms, n_features)
        The training rows with positive weight.
    weights_ : ndarray of shape (n_atoms,)
        Their probabilities (sum to 1).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        When X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive import EmpiricalDistribution
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> model = EmpiricalDistribution().fit(X, sample_weight=[2, 1, 1])
    >>> model.cdf([[0.5], [2.0]])
    array([0.5, 1. ])
    >>> model.sample(4, random_state=0).shape
    (4, 1)
    """

    score_samples = NoDensity(
        "it is a discrete distribution on the training rows. Use cdf, or measure it with "
        "skrecursive.metrics.cramer_von_mises (its score method is the negated "
        "Cramer-von Mises distance)."
    )

    def __init__(self):
        pass

    def fit(self, X, y=None, sample_weight=None):
        """Store the rows and their normalised weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights; rows with weight 0 are dropped.

        Returns
        -------
        self : EmpiricalDistribution
        """
        X = validate_data(self, X, dtype=np.float64, reset=True)
        sw = weights_or_ones(sample_weight, X.shape[0])
        keep = sw > 0
        self.atoms_ = X[keep].copy()
        self.weights_ = sw[keep] / sw[keep].sum()
        order = np.argsort(self.atoms_[:, 0], kind="stable")
        self._sorted_first = self.atoms_[order, 0]
        self._cum_first = np.cumsum(self.weights_[order])
        return self

    def cdf(self, X):
        """Weighted empirical distribution function, ``P(atom <= x)`` componentwise.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A 1-D array is accepted when the model has one feature.

        Returns
        -------
        F : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if not isinstance(X, pd.DataFrame) and np.ndim(X) == 1 and self.n_features_in_ == 1:
            X = np.reshape(np.asarray(X, dtype=float), (-1, 1))
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return weighted_ecdf(self.atoms_, self.weights_, X, self._sorted_first, self._cum_first)

    def score(self, X, y=None):
        """Negated Cramer-von Mises distance to the empirical distribution of ``X``.

        ``-integral (F_model - F_X)^2 dF_X``, computed exactly
        (:func:`skrecursive.metrics.cramer_von_mises`); greater is better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return -cramer_von_mises_samples(self.atoms_, self.weights_, X)

    def sample(self, n_samples=1, random_state=None):
        """Resample training rows with their probabilities.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        """
        n, rng = sampling_start(self, n_samples, random_state)
        idx = rng.choice(len(self.weights_), size=n, replace=True, p=self.weights_)
        return self.atoms_[idx]


# ------------------------------------------------------------ categorical
def _is_missing(values):
    return np.asarray(pd.isna(values), dtype=bool)


def categories_of(values):
    try:
        return np.unique(values)
    except TypeError:  # mixed types that do not sort, or unhashable values
        pass
    try:
        return np.asarray(pd.unique(values), dtype=object)
    except TypeError as exc:
        raise _unhashable(exc) from None


def _unhashable(exc):
    return TypeError(
        "Every category in X must be hashable: each argument must be a string or a "
        f"number ({exc})."
    )


class CategoricalDistribution(DensityMixin, BaseEstimator):
    """Weighted category frequencies of one or more independent categorical columns.

    The paper's categorical setting: each column's probabilities are the
    weighted frequencies ``(sum of the weights of rows in category j + alpha)
    / (total weight + alpha K)``; columns are modelled as independent.

    Parameters
    ----------
    alpha : float >= 0, default=0.0
        Additive (Laplace) smoothing added to every category's weighted
        count. With ``alpha=0`` a category of zero count (declared by a
        pandas categorical column but never observed, or unseen at fit time)
        has probability 0 and log-probability ``-inf``; with ``alpha > 0`` it
        gets ``alpha / (total weight + alpha K)``. The default keeps the
        paper's weighted frequencies exactly (the recursion's error follows
        its theory), at the price of held-out scores of ``-inf`` (with a
        warning from :meth:`score`) as soon as a generation has lost a
        category that held-out rows contain: use ``alpha > 0`` for finite
        per-generation scores, or score with
        :func:`skrecursive.metrics.neg_distribution_mse_scorer`. Numeric
        columns are categories too: use :class:`GaussianCopula` for tables
        with numeric columns.

    Attributes
    ----------
    categories_ : list of ndarray
        Per column, the categories: the observed values, sorted, or all the
        declared categories of a pandas categorical column (in their order).
    probabilities_ : list of ndarray
        Per column, the probability of each category in ``categories_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        When X is a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive import CategoricalDistribution
    >>> X = np.array([["a"], ["b"], ["b"], ["c"]], dtype=object)
    >>> model = CategoricalDistribution().fit(X, sample_weight=[2, 1, 1, 0])
    >>> model.categories_[0].tolist(), model.probabilities_[0].tolist()
    (['a', 'b', 'c'], [0.5, 0.5, 0.0])
    >>> model.sample(3, random_state=0).dtype
    dtype('O')
    """

    _parameter_table = {"alpha": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, alpha=0.0):
        self.alpha = alpha

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def _columns(self, X, *, reset):
        """Validate X and return a list of 1-D columns, plus the input's dtypes on reset."""
        if isinstance(X, pd.DataFrame):
            check_frame(self, X, reset=reset)
            columns = [X.iloc[:, j] for j in range(X.shape[1])]
            for col in columns:
                if col.isna().any():
                    raise ValueError(f"Input X contains missing values in column {col.name!r}.")
            return columns, ("frame", list(X.columns), [c.dtype for c in columns])
        numeric = getattr(X, "dtype", None) is not None and X.dtype.kind in "biufc"
        if not hasattr(X, "dtype"):
            numeric = np.asarray(X).dtype.kind in "biufc"
        X = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=numeric)
        if X.dtype.kind == "O" and _is_missing(X).any():
            raise ValueError("Input X contains NaN or missing values.")
        return [X[:, j] for j in range(X.shape[1])], ("array", None, X.dtype)

    def fit(self, X, y=None, sample_weight=None):
        """Weighted (smoothed) category frequencies, column by column.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Categories: numpy object, string or integer arrays, or a
            DataFrame (pandas categorical columns keep their declared
            categories).
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : CategoricalDistribution
        """
        check_params(self, self._parameter_table)
        columns, kind = self._columns(X, reset=True)
        sw = weights_or_ones(sample_weight, len(columns[0]))
        total = sw.sum()
        categories, probabilities = [], []
        for col in columns:
            if isinstance(col.dtype, pd.CategoricalDtype):
                cats = np.asarray(col.dtype.categories)
                codes = col.cat.codes.to_numpy()
            else:
                values = np.asarray(col)
                cats = categories_of(values)
                codes = pd.Index(cats).get_indexer(values)
            categories.append(cats)
            probabilities.append(smoothed_frequencies(codes, sw, len(cats), self.alpha, total))
        self.categories_ = categories
        self.probabilities_ = probabilities
        self._unseen_probability = [
            self.alpha / (total + self.alpha * len(c)) for c in categories
        ]
        self._input_kind = kind
        return self

    def _codes(self, col, j):
        try:
            return pd.Index(self.categories_[j]).get_indexer(np.asarray(col))
        except TypeError as exc:
            raise _unhashable(exc) from None

    def score_samples(self, X):
        """Log probability of each row (sum over the independent columns).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        log_probability : ndarray of shape (n_samples,)
            ``-inf`` for a row with a category of probability 0 (only
            possible with ``alpha=0``).
        """
        check_is_fitted(self)
        columns, _ = self._columns(X, reset=False)
        out = np.zeros(len(columns[0]))
        with np.errstate(divide="ignore"):
            for j, col in enumerate(columns):
                codes = self._codes(col, j)
                p = np.append(self.probabilities_[j], self._unseen_probability[j])
                out += np.log(p[codes])  # code -1 (unseen) picks the last entry
        return out

    def score(self, X, y=None):
        """Total log probability of ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        log_likelihood : float
            ``-inf``, with a ``UserWarning``, when a row of ``X`` has a
            category of probability 0 (only possible with ``alpha=0``).
        """
        total = float(np.sum(self.score_samples(X)))
        if total == -np.inf:
            warnings.warn(
                "CategoricalDistribution.score is -inf: X has a category of probability 0 "
                "under the model (never seen in its weighted training rows, e.g. lost by one "
                "generation of a recursion). alpha=0 keeps the paper's weighted frequencies "
                "exactly; set alpha > 0 (e.g. alpha=0.5) for finite held-out scores.",
                UserWarning,
                stacklevel=2,
            )
        return total

    def sample(self, n_samples=1, random_state=None):
        """Draw rows, each column independently from its category probabilities.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : ndarray or DataFrame of shape (n_samples, n_features)
            Of the same type as the training data: a DataFrame with the same
            columns and dtypes (categorical columns included), or an array of
            the same dtype.
        """
        n, rng = sampling_start(self, n_samples, random_state)
        codes = [
            rng.choice(len(p), size=n, replace=True, p=p / p.sum()) for p in self.probabilities_
        ]
        kind, names, dtypes = self._input_kind
        if kind == "frame":
            data = {}
            for name, dtype, cats, c in zip(names, dtypes, self.categories_, codes, strict=True):
                if isinstance(dtype, pd.CategoricalDtype):
                    data[name] = pd.Categorical.from_codes(c, dtype=dtype)
                else:
                    data[name] = pd.Series(cats[c]).astype(dtype)
            return pd.DataFrame(data, columns=names)
        out = np.empty((n, len(codes)), dtype=dtypes)
        for j, (cats, c) in enumerate(zip(self.categories_, codes, strict=True)):
            out[:, j] = cats[c]
        return out


def aligned(cats_a, p_a, cats_b, p_b):
    """Two probability vectors over the union of their categories (0 where one lacks one).

    Without categories (None) the vectors must already be over the same ones.
    """
    if cats_a is None or cats_b is None:
        if len(p_a) != len(p_b):
            raise ValueError(
                f"Probability vectors of different lengths ({len(p_a)} and {len(p_b)}): "
                "give fitted models (aligned by category) or vectors over the same categories."
            )
        return p_a, p_b
    union = pd.Index(cats_a).union(pd.Index(cats_b), sort=False)
    a = pd.Series(p_a, index=cats_a).reindex(union, fill_value=0.0).to_numpy()
    b = pd.Series(p_b, index=cats_b).reindex(union, fill_value=0.0).to_numpy()
    return a, b
