"""Tabular fidelity of a synthesizer against real rows.

Marginal, association and contingency distances, category coverage and
synthetic utility, with the negated scorers of the distances, and the shared
handling of ``(fitted model or synthetic rows, real rows)``. Public through
:mod:`skrecursive.metrics`, which also declares each metric's direction.
"""

from numbers import Integral

import numpy as np
import pandas as pd

from .._utils.validation import (
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
from .copula import (
    GaussianCopula,
    association_gap,
    marginal_distances,
    reference_summary,
)
from .distributions import aligned
from .frames import is_frame, pandas_frame


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
        model = GaussianCopula().fit(synthetic_rows(model_or_rows, X, n_samples, random_state))
    if isinstance(X, GaussianCopula):  # the real rows' summary, fitted once by the caller
        if _column_names(X) != _column_names(model) or X.column_kinds_ != model.column_kinds_:
            raise ValueError(
                "X, a GaussianCopula fitted on the real rows, must have the synthetic side's "
                f"columns and column kinds; got {_column_names(X)} ({X.column_kinds_}) and "
                f"{_column_names(model)} ({model.column_kinds_})."
            )
        return model, X
    return model, reference_summary(model, X)


def synthetic_rows(model_or_rows, X, n_samples, random_state):
    from .sources import sample_rows

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
DRAW_PARAMETERS = {
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
        "numeric": [Options("ks", "cvm")], "per_column": [BOOLEAN], **DRAW_PARAMETERS,
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
    check_args("association_distance", DRAW_PARAMETERS, locals())
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
    check_args("category_coverage", {"per_column": [BOOLEAN], **DRAW_PARAMETERS}, locals())
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
        "n_bins": [Interval(Integral, 2, None, closed="left")], **DRAW_PARAMETERS}, locals())
    rows = synthetic_rows(model_or_rows, X, n_samples, random_state)
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

    check_args("synthetic_utility", {"estimator": [NONE, HasMethods("fit")], **DRAW_PARAMETERS},
               locals())
    rows = synthetic_rows(model_or_rows, X, n_samples, random_state)

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
