"""A weighted Gaussian copula for mixed-type tables (numeric, datetime, categorical, string).

Every column's margin is a weighted discrete distribution on its levels (the
observed values of a numeric column, the categories of the others); the
dependence between columns is the weighted correlation of *normal scores*,
``Phi^{-1}`` of the mid-point of each level's step of its margin's cumulative
distribution. Sampling draws correlated normal vectors and maps each
coordinate back through its margin's quantile function, so numeric columns
only take observed values and categorical columns only declared categories.
"""

from numbers import Real
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import Interval, check_params
from .copula_math import latent_correlation, normal_scores, sampling_factor, weighted_correlation
from .distributions import aligned, categories_of
from .frames import is_frame, native_frame_like, pandas_frame
from .model_helpers import (
    FIDELITY_INSTEAD,
    NoDensity,
    check_frame,
    sampling_start,
    smoothed_frequencies,
    weights_or_ones,
)

__all__ = ["GaussianCopula", "normal_scores", "sampled_fidelity"]

# column kinds
_NUMERIC, _DATETIME = "numeric", "datetime"
_CATEGORY, _BOOL, _STRING = "category", "bool", "string"
#: kinds whose margin is a distribution on an ordered line (distances: Kolmogorov-Smirnov)
_ORDERED = (_NUMERIC, _DATETIME)
_DISCRETE = (_CATEGORY, _BOOL, _STRING)


def _column_kind(name, col):
    dtype = col.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _DATETIME
    if isinstance(dtype, pd.CategoricalDtype):
        return _CATEGORY
    if pd.api.types.is_bool_dtype(dtype):
        return _BOOL
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return _NUMERIC
    if getattr(dtype, "kind", None) == "O" or pd.api.types.is_string_dtype(dtype):
        values, bad = col.dropna().to_numpy(dtype=object), []
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "boolean", "empty"):
            bad = [v for v in values if not isinstance(v, (str, bool, np.bool_))]
        if bad:
            raise TypeError(
                f"Column {name!r} of X holds values of type {type(bad[0]).__name__}: "
                "GaussianCopula accepts numeric, boolean, categorical and string columns "
                "(object columns must hold strings)."
            )
        return _STRING
    raise TypeError(
        f"Column {name!r} of X has the unsupported dtype {dtype}: GaussianCopula accepts "
        "numeric, datetime, boolean, categorical and string columns."
    )


def _levels(col, kind):
    """(levels, integer code of every value) of one column.

    A missing value of any column is a level of its own, the last one: NaN
    (NaT for datetimes) sorts after every value.
    """
    missing = col.isna().to_numpy()
    if kind in _ORDERED:
        values = col.to_numpy()
        if kind == _NUMERIC and (missing.any() or values.dtype == object):
            values = col.to_numpy(dtype=float, na_value=np.nan)  # nullable Int64, Float64
        levels, codes = np.unique(values, return_inverse=True)
        return levels, codes.reshape(-1)
    if kind == _CATEGORY:
        levels = np.asarray(col.dtype.categories, dtype=object)
        codes = col.cat.codes.to_numpy().astype(np.intp)
    elif kind == _BOOL:
        levels = np.array([False, True], dtype=object)
        codes = np.where(missing, -1, col.fillna(False).to_numpy(dtype=bool).astype(np.intp))
    else:
        values = col.to_numpy(dtype=object)
        levels = np.asarray(categories_of(values[~missing]), dtype=object)
        codes = pd.Index(levels).get_indexer(values)
    if missing.any():
        levels = np.append(levels, np.nan).astype(object)
        codes = np.where(missing, len(levels) - 1, codes)
    return levels, codes


class _Summary(NamedTuple):
    """What the fidelity distances compare: a copula's margins and normal-score correlation.

    The same attribute names as a fitted :class:`GaussianCopula`, so the
    distances take either.
    """

    column_kinds_: list
    categories_: list
    probabilities_: list
    correlation_: np.ndarray


def _check_some_values(frame):
    for name in frame.columns:
        if frame[name].isna().all():
            raise ValueError(f"Column {name!r} of X has only missing values: nothing to model.")


def _summarise(frame, sw, alpha):
    """The :class:`_Summary` of a validated frame with row weights ``sw``."""
    return _summarise_rows(frame, sw, alpha)[0]


def _summarise_rows(frame, sw, alpha):
    """``(summary, level codes of the rows with positive weight, their weights)``."""
    columns = [frame.iloc[:, j] for j in range(frame.shape[1])]
    kinds = [_column_kind(name, col) for name, col in zip(frame.columns, columns, strict=True)]
    for j, kind in enumerate(kinds):
        if kind == _NUMERIC and np.isinf(columns[j].to_numpy(dtype=float, na_value=np.nan)).any():
            raise ValueError(f"Input X contains infinity in column {frame.columns[j]!r}.")
    keep = sw > 0
    weights = sw[keep]
    total = weights.sum()
    shape = (int(keep.sum()), len(kinds))
    categories, probabilities, scores = [], [], np.empty(shape)
    all_codes = np.empty(shape, dtype=np.intp)
    for j, kind in enumerate(kinds):
        col = columns[j] if keep.all() else columns[j][keep]
        levels, codes = _levels(col, kind)
        p = smoothed_frequencies(codes, weights, len(levels),
                                 0.0 if kind in _ORDERED else alpha, total)
        categories.append(levels)
        probabilities.append(p)
        scores[:, j] = normal_scores(p)[codes]
        all_codes[:, j] = codes
    summary = _Summary(kinds, categories, probabilities, weighted_correlation(scores, weights))
    return summary, all_codes, weights


def _pairwise_correlation(scores, weights):
    """Weighted correlation of every pair of columns over the rows where both are not NaN.

    Equal to :func:`weighted_correlation` without NaN; a pair without
    variation on its common rows gets 0.
    """
    observed = ~np.isnan(scores)
    values = np.where(observed, scores, 0.0)
    both = observed.T.astype(float) @ (weights[:, None] * observed)
    sums = values.T @ (weights[:, None] * observed)      # [a, b]: sum of a where b is seen
    squares = (values**2).T @ (weights[:, None] * observed)
    cross = values.T @ (weights[:, None] * values)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_a, mean_b = sums / both, sums.T / both
        var_a = squares / both - mean_a**2
        var_b = squares.T / both - mean_b**2
        corr = (cross / both - mean_a * mean_b) / np.sqrt(var_a * var_b)
    ok = (both > 0) & (var_a > 1e-12) & (var_b > 1e-12)
    corr = np.clip(np.where(ok, corr, 0.0), -1.0, 1.0)
    np.fill_diagonal(corr, 1.0)
    return corr


def _missing_indicators(summary, codes, weights):
    """The latent dimensions the copula samples from, with a missingness indicator per column.

    A numeric or datetime column with missing values gets two: its observed
    values (their weighted margin, scored on the rows where it is observed)
    and, appended after the columns, whether it is missing (a binary margin,
    missing last). Their correlations with every other dimension are
    weighted over the rows where both are observed, so missingness has a
    dependence of its own on the other columns.

    Returns
    -------
    margins : list of ndarray
        Probabilities of every latent dimension.
    correlation : ndarray
        Their normal-score correlation.
    indicators : dict
        Column -> position of its indicator dimension.
    """
    margins, columns, extra, indicators = [], [], [], {}
    p_cols = len(summary.column_kinds_)
    for j, (kind, levels, p) in enumerate(zip(summary.column_kinds_, summary.categories_,
                                              summary.probabilities_, strict=True)):
        missing_share = p[-1] if kind in _ORDERED and pd.isna(levels[-1]) else 0.0
        if 0.0 < missing_share < 1.0:
            observed = p[:-1] / (1.0 - missing_share)
            is_missing = codes[:, j] == len(levels) - 1
            score = normal_scores(observed)[np.minimum(codes[:, j], len(observed) - 1)]
            columns.append(np.where(is_missing, np.nan, score))
            margins.append(observed)
            flag = np.array([1.0 - missing_share, missing_share])
            extra.append((flag, normal_scores(flag)[is_missing.astype(np.intp)]))
            indicators[j] = p_cols + len(extra) - 1
        else:
            columns.append(normal_scores(p)[codes[:, j]])
            margins.append(p)
    margins += [flag for flag, _ in extra]
    scores = np.column_stack(columns + [score for _, score in extra])
    return margins, _pairwise_correlation(scores, weights), indicators


class GaussianCopula(DensityMixin, BaseEstimator):
    """Weighted Gaussian copula of a mixed-type table, with weighted empirical margins.

    A tabular synthesizer in the contract of the other density models of
    skrecursive: ``fit(X, sample_weight=...)`` and ``sample(n_samples)``, so
    it can sit under :class:`~skrecursive.RecursiveDensityEstimator` and be
    trained recursively on real and synthetic rows.

    * **Margins.** A numeric or datetime column's margin is the weighted
      empirical distribution of its observed values (the nonparametric
      setting of He, Xu & Cheng); a categorical, boolean or string column's margin is its
      weighted category frequencies, ``(weight of category j + alpha) /
      (total weight + alpha K)``. Every declared category of a pandas
      categorical column is kept, even with zero weight; booleans declare
      ``False`` and ``True``; a string column's categories are its values
      with positive weight. A missing value (NaN, None, ``pd.NA``, NaT,
      a polars null) in any column is a level of its own, placed last: its
      weighted share is the probability of sampling a missing value. In a
      categorical, boolean or string column it is one more category. A
      numeric or datetime column with missing values is sampled from two
      latent dimensions: a missingness indicator (with its own
      correlations to the other columns, over the rows where they are
      observed) and the observed values, so missingness may go with small
      or large values of another column alike.
    * **Dependence.** Every level gets the normal score
      ``Phi^{-1}(F(x-) + p / 2)``, the mid-point of its step of the
      cumulative margin (ties in numeric columns and categories are treated
      alike); ``correlation_`` is the weighted correlation of the rows'
      normal scores. Integer weights give exactly the fit of the repeated
      rows. A constant column has correlation 0 with the others.
    * **Sampling.** Rows are ``F_j^{-1}(Phi(z_j))`` for ``z ~ N(0, R)``, so
      numeric columns take observed values only, in the observed range.
      ``R`` is ``latent_correlation_``: for every pair, the normal
      correlation whose sampled rows have, in expectation, normal-score
      correlation ``correlation_`` (a coarse margin such as a binary column
      otherwise attenuates its correlations by up to a third at every
      draw, and a recursion would lose the dependence generation after
      generation). It is computed from the Hermite series of the margins'
      step functions (40 terms) and is regularised by setting the negative
      eigenvalues of the matrix (a singular matrix from two perfectly
      dependent columns, or pairwise solutions that do not fit together)
      to zero and rescaling the diagonal to one. No matrix is ever
      inverted, so constant columns and perfectly dependent pairs are
      fitted and sampled without error.

    The categories of a nominal column are ordered (declared order, or
    sorted), and the normal-score correlation depends on that order: the
    copula reproduces associations with nominal columns only as far as that
    order captures them.

    The margins are discrete, so the model has no density: ``score_samples``
    raises a ``TypeError`` (also an ``AttributeError``, so
    ``hasattr(model, "score_samples")`` is False), as for
    :class:`~skrecursive.EmpiricalDistribution`. :meth:`score` is a
    fidelity score, greater is better (see there).

    Parameters
    ----------
    alpha : float >= 0, default=0.0
        Additive smoothing of every category's weighted count in the
        non-numeric columns. With ``alpha=0`` a category nobody has any more
        is never sampled again (what a collapsing recursion shows); with
        ``alpha > 0`` every declared category keeps a positive probability.

    Attributes
    ----------
    categories_ : list of ndarray
        Per column, its levels in the margin's order: the sorted observed
        values with positive weight of a numeric column, the categories of the
        others (NaN last when values were missing).
    probabilities_ : list of ndarray
        Per column, the probability of each level of ``categories_``.
    correlation_ : ndarray of shape (n_features_in_, n_features_in_)
        Weighted correlation of the normal scores. Like any rank-based
        correlation it is biased toward zero in small samples: for
        bivariate normal rows with correlation 0.5 its mean is 0.5 - 0.024
        at n = 30 and 0.5 - 0.0036 at n = 200 (``latent_correlation_``:
        -0.020 and -0.0031), and with row weights 1 or 4 drawn at random
        -0.025 and -0.0082 (Monte Carlo standard errors 0.003 and 0.001;
        ``python benchmarks/copula_correlation_bias.py``). No correction is
        applied: the known small-sample correction of a correlation under
        normality (Olkin-Pratt, with Kish's effective size for weights)
        removes only the part a Pearson correlation of the raw values has
        (-0.008 at n = 30) and leaves -0.018. A recursion on the copula
        refits it on each generation's rows, so it inherits the bias of
        its real and synthetic sample sizes.
    latent_correlation_ : ndarray of shape (n_latent, n_latent)
        Correlation of the normal vectors :meth:`sample` draws (before the
        eigenvalue floor), equal to ``correlation_`` for continuous margins
        and larger in absolute value for coarse ones. After the
        ``n_features_in_`` columns, one more dimension per numeric or
        datetime column with missing values: whether it is missing.
    column_kinds_ : list of str
        Per column, ``"numeric"``, ``"datetime"``, ``"category"``, ``"bool"``
        or ``"string"``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        When X is a DataFrame with string column names.

    See Also
    --------
    skrecursive.metrics.marginal_distance : per-column fidelity of a synthesizer.
    skrecursive.metrics.association_distance : fidelity of its dependence.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive import GaussianCopula
    >>> X = pd.DataFrame({"age": [23, 35, 35, 51, 62],
    ...                   "job": pd.Categorical(["a", "b", "b", "c", "c"]),
    ...                   "owner": [False, True, True, True, False]})
    >>> model = GaussianCopula().fit(X, sample_weight=[1, 1, 1, 2, 1])
    >>> model.probabilities_[1].round(3).tolist()
    [0.167, 0.333, 0.5]
    >>> synthetic = model.sample(4, random_state=0)
    >>> synthetic.dtypes.astype(str).tolist()
    ['int64', 'category', 'bool']
    >>> bool(synthetic["age"].isin(X["age"]).all())
    True
    """

    _parameter_table = {"alpha": [Interval(Real, 0, None, closed="left")]}

    score_samples = NoDensity(FIDELITY_INSTEAD)

    def __init__(self, alpha=0.0):
        self.alpha = alpha

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------ validation
    def _frame(self, X, *, reset):
        """X as a pandas DataFrame of validated columns (arrays must be numeric).

        Any other dataframe library (polars, ...) is read column by column
        with its dtypes (:func:`~skrecursive._core.frames.pandas_frame`).
        """
        if is_frame(X):
            check_frame(self, X, reset=reset)
            frame = pandas_frame(X)
            if reset:
                _check_some_values(frame)
            return frame
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan")
        return pd.DataFrame(X, copy=False)

    def _check_column(self, j, name, col):
        """Raise when a column given at score time does not match the fitted one."""
        kind = self.column_kinds_[j]
        if kind in _ORDERED:
            if _column_kind(name, col) != kind:
                raise TypeError(
                    f"Column {name!r} of X was {kind} at fit time but has dtype {col.dtype}."
                )
            return
        if (pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
                and not isinstance(col.dtype, pd.CategoricalDtype)):
            # numbers are never compared with labels as if they were categories
            raise TypeError(
                f"Column {name!r} of X was {kind} at fit time but has the numeric dtype "
                f"{col.dtype}: its values cannot be compared with the fitted {kind} labels. "
                "Give both sides the same column types (e.g. convert the numbers with "
                ".astype(str), or the strings with pandas.to_numeric)."
            )
        if kind == _CATEGORY:
            cats = self._input_dtypes[j].categories
            values = col.dropna()
            unknown = pd.Index(values.unique()).difference(cats)
            if len(unknown):
                raise ValueError(
                    f"Column {name!r} of X has the categories {list(unknown)[:5]} never declared "
                    f"at fit time (declared: {list(cats)[:10]})."
                )

    # ------------------------------------------------------------------- fit
    def fit(self, X, y=None, sample_weight=None):
        """Fit the margins and the normal-score correlation.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            A pandas or polars DataFrame with numeric, datetime, boolean,
            categorical or string columns, or a numeric array. Missing values
            are a level of their own in every column.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights with a positive sum; a row of weight 0
            is the same as an absent row.

        Returns
        -------
        self : GaussianCopula
        """
        check_params(self, self._parameter_table)
        frame = self._frame(X, reset=True)
        sw = weights_or_ones(sample_weight, frame.shape[0])
        summary, codes, weights = _summarise_rows(frame, sw, self.alpha)
        margins, correlation, indicators = _missing_indicators(summary, codes, weights)
        latent = latent_correlation(correlation, margins)
        factor = sampling_factor(latent)
        # fitted attributes only once every step has succeeded
        self.categories_ = summary.categories_
        self.probabilities_ = summary.probabilities_
        self.correlation_ = summary.correlation_
        self.column_kinds_ = summary.column_kinds_
        self.latent_correlation_ = latent
        self._factor = factor
        self._indicators = indicators
        self._input_dtypes = list(frame.dtypes)
        self._input_frame = is_frame(X)
        # a zero-row frame of the input's library and dtypes, to sample into
        self._template = X[:0] if self._input_frame else None
        self._columns = list(frame.columns)
        return self

    # ---------------------------------------------------------------- sample
    def sample(self, n_samples=1, random_state=None):
        """Draw rows: correlated normal scores mapped through the margins' quantiles.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, n_features)
            A DataFrame of the training frame's library (pandas, polars,
            ...), with its columns, dtypes and categories, or a float array
            when the model was fitted on an array.
        """
        n, rng = sampling_start(self, n_samples, random_state)
        z = rng.standard_normal((n, self._factor.shape[0])) @ self._factor.T
        u = special.ndtr(z)
        data = {}
        for j, (levels, p) in enumerate(zip(self.categories_, self.probabilities_, strict=True)):
            k = self._indicators.get(j)
            if k is not None:  # whether missing from its own dimension, else an observed value
                missing = u[:, k] >= 1.0 - p[-1]
                p = p[:-1]
            cum = np.cumsum(p)
            idx = np.minimum(np.searchsorted(cum / cum[-1], u[:, j], side="right"), len(p) - 1)
            if k is not None:
                idx = np.where(missing, len(levels) - 1, idx)
            data[j] = self._column_values(j, levels, idx)
        if not self._input_frame:
            return np.column_stack([np.asarray(data[j], dtype=float) for j in data])
        frame = pd.DataFrame({name: data[j] for j, name in enumerate(self._columns)},
                             columns=self._columns)
        return native_frame_like(frame, self._template)

    def _column_values(self, j, levels, idx):
        dtype, kind = self._input_dtypes[j], self.column_kinds_[j]
        values = levels[idx]
        if kind in _ORDERED:
            return pd.array(values, dtype=dtype) if self._input_frame else values
        if kind == _CATEGORY:
            return pd.Categorical(values, dtype=dtype)
        return pd.Series(values, dtype=object).astype(dtype)

    # ----------------------------------------------------------------- score
    def score(self, X, y=None):
        """Fidelity of the model to the rows ``X``: greater is better, 0 at best.

        The negated sum of two distances computed exactly from the fitted
        margins and correlation, without sampling:
        :func:`skrecursive.metrics.marginal_distance` (mean over columns of
        the Kolmogorov-Smirnov distance for numeric columns and the total
        variation distance for the others, in [0, 1]) and
        :func:`skrecursive.metrics.association_distance` (mean absolute
        difference of the normal-score correlations, in [0, 2]). The copula
        has no density, so this replaces the log-likelihood of the other
        density models, as the Cramer-von Mises score does for
        :class:`~skrecursive.EmpiricalDistribution`.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with the training data's columns and dtypes.
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        real = self._reference(X)
        return -(float(np.mean(marginal_distances(self, real))) + association_gap(self, real))

    def _reference(self, X):
        """The :class:`_Summary` of ``X`` (unweighted, unsmoothed), checked against this model."""
        check_is_fitted(self)
        frame = self._frame(X, reset=False)
        if not is_frame(X):
            frame = pd.DataFrame(frame.to_numpy(), copy=False)
        for j, name in enumerate(frame.columns):
            self._check_column(j, name, frame.iloc[:, j])
        if self._input_frame and is_frame(X):
            # align the dtypes of declared categories so both margins list them
            frame = frame.copy()
            for j, name in enumerate(frame.columns):
                if self.column_kinds_[j] == _CATEGORY:
                    frame[name] = frame[name].astype(self._input_dtypes[j])
        _check_some_values(frame)
        # only the margins and the correlation are compared: no sampling factor is needed
        return _summarise(frame, np.ones(frame.shape[0]), 0.0)


def _step_cdf(levels, p, x):
    cum = np.cumsum(p)
    i = np.searchsorted(levels, x, side="right")
    return np.where(i > 0, cum[np.maximum(i - 1, 0)], 0.0)


def _numeric_distance(levels_a, p_a, levels_b, p_b, how):
    if how == "ks":
        grid = np.union1d(levels_a, levels_b)
        return float(np.max(np.abs(_step_cdf(levels_a, p_a, grid)
                                   - _step_cdf(levels_b, p_b, grid))))
    # integral (F_a - F_b)^2 dF_b, the definition of cramer_von_mises with reference b
    diff = _step_cdf(levels_a, p_a, levels_b) - _step_cdf(levels_b, p_b, levels_b)
    return float(np.sum(p_b * diff**2))


def marginal_distances(syn, real, numeric="ks"):
    """Per-column distance between the margins of two fitted copulas of the same columns.

    Numeric columns: Kolmogorov-Smirnov (``"ks"``) or Cramer-von Mises with
    ``real`` as reference (``"cvm"``); other columns: total variation. The
    kernel of :func:`skrecursive.metrics.marginal_distance`.
    """
    out = []
    for j, kind in enumerate(syn.column_kinds_):
        la, pa = syn.categories_[j], syn.probabilities_[j]
        lb, pb = real.categories_[j], real.probabilities_[j]
        if kind in _ORDERED:
            out.append(_numeric_distance(la, pa, lb, pb, numeric))
        else:
            a, b = aligned(la, pa, lb, pb)
            out.append(0.5 * float(np.abs(a - b).sum()))
    return out


def association_gap(syn, real):
    """Mean absolute difference of the normal-score correlations of two fitted copulas.

    The kernel of :func:`skrecursive.metrics.association_distance`.
    """
    p = syn.correlation_.shape[0]
    if p < 2:
        return 0.0
    upper = np.triu_indices(p, k=1)
    return float(np.mean(np.abs(syn.correlation_[upper] - real.correlation_[upper])))


def reference_summary(model, X):
    """The summary of the real rows ``X`` (unweighted, unsmoothed), checked against ``model``.

    ``model`` is a fitted :class:`GaussianCopula`; what the metrics compare it
    with: the margins and the correlation of ``X``.
    """
    return model._reference(X)


def sampled_fidelity(model, X):
    """Fidelity score of a fitted synthesizer without exact margins: greater is better.

    Minus the sum of the marginal and association distances (the kernels of
    :func:`skrecursive.metrics.marginal_distance` and
    :func:`skrecursive.metrics.association_distance`) between ``len(X)`` rows
    drawn from ``model`` with ``random_state=0``, so the score is
    reproducible, and the rows ``X``: the ``score`` of the synthesizers that
    only sample, as :meth:`GaussianCopula.score` is for the copula.
    """
    synthetic = model.sample(X.shape[0], random_state=0)
    syn = GaussianCopula().fit(synthetic)
    real = reference_summary(syn, X)
    return -(float(np.mean(marginal_distances(syn, real))) + association_gap(syn, real))
