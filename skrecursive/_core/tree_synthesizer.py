"""A weighted sequential tree synthesizer for mixed-type tables, in the manner of synthpop's CART.

The first column is drawn from its weighted empirical distribution; every
later column from a decision tree fitted on the columns before it: a
synthetic row falls in a leaf of that tree and takes the value of a training
row drawn from that leaf with probability proportional to its weight. Values
are therefore observed values, and the dependence of each column on the ones
before it is kept as far as the tree captures it.
"""

from numbers import Integral, Real

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import NONE, RANDOM_STATE, Interval, check_params
from .frames import is_frame
from .model_helpers import FIDELITY_INSTEAD, NoDensity, sampling_start, weights_or_ones

__all__ = ["TreeSynthesizer", "encode_columns"]

#: column kinds of :func:`encode_columns`
NUMERIC, DATETIME, CATEGORY = "numeric", "datetime", "category"


def _column_error(name, dtype, owner):
    return TypeError(
        f"Column {name!r} of X has the unsupported dtype {dtype}: {owner} accepts numeric, "
        "boolean, datetime, categorical and string columns."
    )


def encode_columns(frame, owner="TreeSynthesizer"):
    """Every column of a dataframe as floats, missing values as NaN.

    Numeric and boolean columns are their values; datetime (and date)
    columns are microseconds since the epoch; categorical, enum and string
    columns are the position of each value among the declared categories
    (the sorted values of a string column). Any eager dataframe narwhals
    supports (pandas, polars, ...) is read natively.

    Parameters
    ----------
    frame : dataframe
    owner : str
        Named in the error for an unsupported column.

    Returns
    -------
    codes : ndarray of shape (n_samples, n_features)
    kinds : list of str
        ``"numeric"``, ``"datetime"`` or ``"category"`` per column.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive._core.tree_synthesizer import encode_columns
    >>> X = pd.DataFrame({"x": [1.5, None], "c": ["b", "a"],
    ...                   "d": pd.to_datetime(["1970-01-02", None])})
    >>> codes, kinds = encode_columns(X)
    >>> codes.tolist()[0], kinds
    ([1.5, 1.0, 86400000000.0], ['numeric', 'category', 'datetime'])
    """
    wrapped = nw.from_native(frame, eager_only=True)
    codes = np.empty(wrapped.shape, dtype=float)
    kinds = []
    for j, name in enumerate(wrapped.columns):
        s = wrapped.get_column(name)
        dtype = s.dtype
        missing = s.is_null().to_numpy().astype(bool)
        if dtype == nw.Boolean or dtype.is_numeric():
            if dtype.is_numeric() and not (dtype.is_integer() or dtype.is_float()):
                raise _column_error(name, dtype, owner)  # e.g. decimals
            values = s.cast(nw.Float64).to_numpy().astype(float)
            kind = NUMERIC
        elif dtype == nw.Datetime or dtype == nw.Date:
            if dtype == nw.Date:
                s = s.cast(nw.Datetime("us"))
            values = s.dt.timestamp("us").cast(nw.Float64).to_numpy().astype(float)
            kind = DATETIME
        elif dtype in (nw.Categorical, nw.Enum, nw.String, nw.Object):
            objects = s.to_numpy().astype(object)
            if dtype in (nw.Categorical, nw.Enum):
                categories = pd.Index(s.cat.get_categories().to_list())
            else:
                present = objects[~missing]
                bad = [v for v in present if not isinstance(v, (str, bool, np.bool_))]
                if bad:
                    raise TypeError(
                        f"Column {name!r} of X holds values of type {type(bad[0]).__name__}: "
                        f"{owner} accepts object columns of strings only."
                    )
                categories = pd.Index(sorted(set(present), key=str))
            values = categories.get_indexer(objects).astype(float)
            kind = CATEGORY
        else:
            raise _column_error(name, dtype, owner)
        values[missing] = np.nan
        codes[:, j] = values
        kinds.append(kind)
    return codes, kinds


class _LeafDonors:
    """Rows of a tree's training set grouped by leaf, drawn in proportion to their weights."""

    def __init__(self, leaves, rows, weights, n_nodes):
        order = np.argsort(leaves, kind="stable")
        self.rows = rows[order]
        self.cum = np.cumsum(weights[order])
        sorted_leaves = leaves[order]
        self.start = np.searchsorted(sorted_leaves, np.arange(n_nodes), side="left")
        self.end = np.searchsorted(sorted_leaves, np.arange(n_nodes), side="right")

    def draw(self, leaves, rng):
        start, end = self.start[leaves], self.end[leaves]
        base = np.where(start > 0, self.cum[np.maximum(start - 1, 0)], 0.0)
        total = self.cum[end - 1] - base
        target = base + rng.random_sample(len(leaves)) * total
        idx = np.searchsorted(self.cum, target, side="right")
        return self.rows[np.clip(idx, start, end - 1)]


class _Stage:
    """One tree and its leaf donors; ``tree`` None means a single leaf (no predictors)."""

    def __init__(self, tree, features, rows, weights):
        self.tree = tree
        leaves = (np.zeros(len(rows), dtype=np.intp) if tree is None
                  else tree.apply(features[rows]).astype(np.intp))
        n_nodes = 1 if tree is None else tree.tree_.node_count
        self.donors = _LeafDonors(leaves, rows, weights, n_nodes)

    def draw(self, features, rng):
        n = features.shape[0]
        leaves = (np.zeros(n, dtype=np.intp) if self.tree is None
                  else self.tree.apply(features).astype(np.intp))
        return self.donors.draw(leaves, rng)


class TreeSynthesizer(DensityMixin, BaseEstimator):
    """Weighted sequential CART synthesizer of a mixed-type table, in the manner of synthpop.

    Columns are synthesized one after the other, in the order of ``X``. The
    first column is drawn from its weighted empirical distribution. Column
    ``j`` is drawn from a decision tree fitted on columns ``0 .. j - 1``
    (a regression tree for numeric and datetime columns, a classification
    tree for categorical, boolean-as-category and string columns): a
    synthetic row is sent down the tree with its already synthesized
    values and takes the value of a training row drawn from its leaf with
    probability proportional to the row's weight (synthpop's ``cart``
    method, Nowok, Raab & Dibben 2016). Sampled values are observed values,
    so dtypes, categories and the observed range are kept.

    * **Weights.** ``sample_weight`` reaches the trees (weighted impurity)
      and the draws from the leaves. With ``min_samples_leaf=1`` (and any
      ``min_weight_fraction_leaf``), integer weights give the same model as
      repeated rows; ``min_samples_leaf`` counts rows, not weight.
    * **Missing values** are modelled: a missing value of a non-numeric
      column is a category of its own; a numeric or datetime column with
      missing values is drawn in two steps, a classification tree for
      *whether* it is missing, then a regression tree fitted on the rows
      where it is observed for its value. Later trees split on missing
      values natively.
    * **Columns**: numeric, boolean, datetime, pandas categorical, polars
      categorical and enum, and string columns; pandas and polars frames
      are read natively and :meth:`sample` returns the same library, with
      the training frame's dtypes and categories. A numeric array gives a
      numeric array.

    The model has no density (``score_samples`` raises a ``TypeError``,
    also an ``AttributeError``); :meth:`score` is a fidelity score, greater
    is better.

    Parameters
    ----------
    min_samples_leaf : int >= 1, default=5
        Smallest number of training rows in a leaf (synthpop's ``minbucket``).
        Smaller leaves follow the data more closely and copy more.
    max_depth : int >= 1 or None, default=None
        Depth limit of every tree; None grows them until the leaves are pure
        or at ``min_samples_leaf``.
    min_weight_fraction_leaf : float in [0, 0.5], default=0.0
        Smallest share of the total weight in a leaf (a leaf size in weight,
        which integer weights and repeated rows give alike).
    random_state : int, RandomState instance or None, default=None
        Seeds the trees' choice between equally good splits (fit time only;
        :meth:`sample` takes its own ``random_state``).

    Attributes
    ----------
    column_kinds_ : list of str
        Per column, ``"numeric"``, ``"datetime"`` or ``"category"``.
    trees_ : list
        Per column, the fitted tree (None for the first column), and for a
        numeric column with missing values the pair (tree of whether it is
        missing, tree of its value).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        When X has string column names.

    See Also
    --------
    skrecursive.GaussianCopula : a faster synthesizer that keeps less dependence.
    skrecursive.RecursiveDensityEstimator : train it recursively.

    References
    ----------
    Nowok, B., Raab, G. M. and Dibben, C. (2016). synthpop: Bespoke creation of
    synthetic data in R. Journal of Statistical Software 74(11).

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive import TreeSynthesizer
    >>> X = pd.DataFrame({"age": [23, 35, 35, 51, 62, 44],
    ...                   "job": pd.Categorical(["a", "b", "b", "c", "c", "a"]),
    ...                   "income": [1.5, None, 2.0, 3.5, 4.0, 2.5]})
    >>> model = TreeSynthesizer(min_samples_leaf=2, random_state=0).fit(X)
    >>> synthetic = model.sample(4, random_state=0)
    >>> synthetic.dtypes.astype(str).tolist()
    ['int64', 'category', 'float64']
    >>> bool(synthetic["age"].isin(X["age"]).all())
    True
    """

    _parameter_table = {
        "min_samples_leaf": [Interval(Integral, 1, None, closed="left")],
        "max_depth": [NONE, Interval(Integral, 1, None, closed="left")],
        "min_weight_fraction_leaf": [Interval(Real, 0, 0.5, closed="both")],
        "random_state": [RANDOM_STATE],
    }

    score_samples = NoDensity(FIDELITY_INSTEAD)

    def __init__(self, min_samples_leaf=5, max_depth=None, min_weight_fraction_leaf=0.0,
                 random_state=None):
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def _frame(self, X, *, reset):
        """X as a native dataframe (arrays become a pandas frame of floats)."""
        if is_frame(X):
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] == 0 or X.shape[1] == 0:
                raise ValueError(
                    f"Found array with shape {X.shape}: TreeSynthesizer needs at least one row "
                    "and one column."
                )
            return X, True
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan")
        return pd.DataFrame(X, copy=False), False

    def _tree(self, classifier, rng):
        cls = DecisionTreeClassifier if classifier else DecisionTreeRegressor
        return cls(min_samples_leaf=self.min_samples_leaf, max_depth=self.max_depth,
                   min_weight_fraction_leaf=self.min_weight_fraction_leaf,
                   random_state=rng.randint(np.iinfo(np.int32).max))

    def fit(self, X, y=None, sample_weight=None):
        """Fit one tree per column on the columns before it.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            A pandas or polars DataFrame with numeric, boolean, datetime,
            categorical or string columns (missing values allowed), or a
            numeric array (NaN allowed).
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights with a positive sum; a row of weight 0
            is the same as an absent row.

        Returns
        -------
        self : TreeSynthesizer
        """
        check_params(self, self._parameter_table)
        frame, is_input_frame = self._frame(X, reset=True)
        sw = weights_or_ones(sample_weight, frame.shape[0])
        codes, kinds = encode_columns(frame)
        if np.isinf(codes).any():
            bad = [str(c) for c, v in zip(nw.from_native(frame).columns,
                                          np.isinf(codes).any(axis=0), strict=True) if v]
            raise ValueError(f"Input X contains infinity (columns {bad}).")
        keep = np.flatnonzero(sw > 0)
        missing = np.isnan(codes[keep])
        empty = missing.all(axis=0)
        if empty.any():
            name = nw.from_native(frame).columns[int(np.argmax(empty))]
            raise ValueError(f"Column {name!r} of X has only missing values: nothing to model.")
        rng = check_random_state(self.random_state)
        weights = sw[keep]
        stages = []
        for j, kind in enumerate(kinds):
            features = codes[:, :j]
            rows = keep
            if j == 0:
                if kind != CATEGORY and missing[:, 0].any():
                    # whether it is missing, then the value among observed rows, both unconditional
                    stages.append((_Stage(None, features, rows, weights),
                                   _Stage(None, features, rows[~missing[:, 0]],
                                          weights[~missing[:, 0]])))
                else:
                    stages.append(_Stage(None, features, rows, weights))
                continue
            if kind == CATEGORY:
                target = np.where(missing[:, j], -1, codes[keep, j]).astype(np.intp)
                tree = self._tree(True, rng).fit(features[keep], target, sample_weight=weights)
                stages.append(_Stage(tree, features, rows, weights))
            elif missing[:, j].any():
                gate = self._tree(True, rng).fit(features[keep], missing[:, j],
                                                 sample_weight=weights)
                seen = ~missing[:, j]
                value = self._tree(False, rng).fit(features[keep][seen], codes[keep, j][seen],
                                                   sample_weight=weights[seen])
                stages.append((_Stage(gate, features, rows, weights),
                               _Stage(value, features, rows[seen], weights[seen])))
            else:
                tree = self._tree(False, rng).fit(features[keep], codes[keep, j],
                                                  sample_weight=weights)
                stages.append(_Stage(tree, features, rows, weights))
        # fitted attributes only once every tree is fitted
        self.column_kinds_ = kinds
        self.trees_ = [(s[0].tree, s[1].tree) if isinstance(s, tuple) else s.tree
                       for s in stages]
        self._stages = stages
        self._codes = codes
        self._train = frame
        self._input_frame = is_input_frame
        return self

    def sample(self, n_samples=1, random_state=None):
        """Draw rows column by column, each from its tree's leaf.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, n_features)
            A dataframe of the training frame's library, columns, dtypes and
            categories, or a float array when the model was fitted on an
            array.
        """
        n, rng = sampling_start(self, n_samples, random_state)
        codes = self._codes
        p = codes.shape[1]
        features = np.empty((n, p))
        donors = np.empty((p, n), dtype=np.intp)
        for j, stage in enumerate(self._stages):
            if isinstance(stage, tuple):
                gate, value = stage
                rows = gate.draw(features[:, :j], rng)
                observed = ~np.isnan(codes[rows, j])
                if observed.any():
                    rows[observed] = value.draw(features[observed, :j], rng)
            else:
                rows = stage.draw(features[:, :j], rng)
            donors[j] = rows
            features[:, j] = codes[rows, j]
        if not self._input_frame:
            return features
        train = nw.from_native(self._train, eager_only=True)
        columns = [train.get_column(name)[donors[j]].to_frame()
                   for j, name in enumerate(train.columns)]
        return nw.maybe_reset_index(nw.concat(columns, how="horizontal")).to_native()

    def score(self, X, y=None):
        """Fidelity of the model to the rows ``X``: greater is better, 0 at best.

        The negated sum of :func:`skrecursive.metrics.marginal_distance` and
        :func:`skrecursive.metrics.association_distance` between ``len(X)``
        rows drawn from the model with ``random_state=0`` (so the score is
        reproducible) and ``X``, as :meth:`GaussianCopula.score
        <skrecursive.GaussianCopula.score>` computes exactly for a copula.

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
        from .copula import sampled_fidelity

        check_is_fitted(self)
        self._frame(X, reset=False)
        return sampled_fidelity(self, X)
