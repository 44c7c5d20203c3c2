"""SynthesizerAdapter: a third-party tabular synthesizer as a weighted, reseedable estimator.

SDV's single-table synthesizers and the ``copulas`` package's models have
``fit(frame)`` and ``sample(num_rows)``, take no row weights, return frames
whose dtypes drift (integers as floats, categories as objects) and, for
SDV, draw the same stream from every freshly fitted synthesizer. The adapter
does what the recursion needs around any such object.
"""

import copy
import inspect

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import (
    BOOLEAN,
    NONE,
    RANDOM_STATE,
    HasMethods,
    Options,
    check_params,
)
from .frames import frame_infinite_columns, is_frame, native_frame_like, pandas_frame
from .model_helpers import FIDELITY_INSTEAD, NoDensity, sampling_start, weights_or_ones
from .weights import resample_indices

__all__ = ["SynthesizerAdapter"]

_SEED_MAX = 2**31 - 1


class _String:
    def is_satisfied_by(self, value):
        return isinstance(value, str)

    def __str__(self):
        return "a str"


def _takes(method, name):
    try:
        return name in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def _reseed(synthesizer, seed):
    """Give the synthesizer the seed ``seed``; False when it has no way to take one.

    ``copulas`` models have a public ``set_random_state``; SDV's synthesizers
    only a private ``_set_random_state`` (without it, every freshly fitted one
    samples from the same fixed seed); other objects may have a
    ``random_state`` attribute.
    """
    for method in ("set_random_state", "_set_random_state"):
        if callable(getattr(synthesizer, method, None)):
            getattr(synthesizer, method)(seed)
            return True
    if hasattr(synthesizer, "random_state"):
        synthesizer.random_state = seed
        return True
    return False


class _GlobalSeed:
    """Seed numpy's global generator for a block and restore it after (the last resort)."""

    def __init__(self, seed):
        self.seed = seed

    def __enter__(self):
        self.state = np.random.get_state()  # noqa: NPY002 (third-party code draws from it)
        np.random.seed(self.seed)  # noqa: NPY002

    def __exit__(self, *exc):
        np.random.set_state(self.state)  # noqa: NPY002


class SynthesizerAdapter(DensityMixin, BaseEstimator):
    """Any synthesizer with ``fit(frame)`` and ``sample(num_rows)`` as a weighted estimator.

    Wraps an SDV single-table synthesizer (``GaussianCopulaSynthesizer``,
    ``CTGANSynthesizer``, ...), a ``copulas`` model (``GaussianMultivariate``,
    ...) or any object with ``fit`` and ``sample``, so that it can sit under
    :class:`~skrecursive.RecursiveDensityEstimator` like the built-in
    synthesizers. ``fit`` works on a deep copy of ``synthesizer``, which is
    never modified.

    * **Shapes.** The table is handed over as a pandas DataFrame (a polars
      frame is converted column by column), or as ``{table_name: frame}``
      when ``table_name`` is set; a sampled dict of tables gives its table.
      :meth:`sample` returns the training frame's library.
    * **Dtypes.** Categorical columns are given as ``object`` columns of
      their values (SDV fails on unused levels of ``category`` columns);
      with ``numeric_only=True`` every non-numeric column is given as the
      position of its category (and datetimes as seconds), for models of
      numbers only such as ``copulas``. Sampled columns get the training
      frame's dtypes back: numbers rounded for integer columns and clipped
      to the observed range of codes, categories restored (a value outside
      them becomes missing).
    * **A fresh seed every fit and every draw**, from ``random_state``: the
      synthesizer's ``set_random_state`` (``copulas``), its
      ``_set_random_state`` (SDV), its ``random_state`` attribute, or
      else numpy's global generator seeded around the call and restored.
      The loop gives each generation's clone its own ``random_state``.
    * **Row weights.** When the synthesizer's ``fit`` takes
      ``sample_weight`` it gets them; otherwise the rows are resampled in
      proportion to their weights (``resampling``) and it is fitted on the
      resample. Resampling costs variance: see the user guide, which
      measures it (:ref:`synthesis`).
    * :meth:`score` is a fidelity score (greater is better), as for
      :class:`~skrecursive.TreeSynthesizer`.
    * **Missing values** are handed to the synthesizer as they are (its tags
      say ``allow_nan``): SDV models them; a synthesizer that cannot raises
      its own error. Infinity is refused.

    Parameters
    ----------
    synthesizer : object with ``fit`` and ``sample``
        Unfitted; copied at every ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seeds the synthesizer at ``fit``, the resampling, and the draws of
        :meth:`sample` called without a ``random_state``.
    resampling : {"systematic", "multinomial"}, default="systematic"
        How unequal weights become a resample of as many rows as ``X`` has
        when the synthesizer takes no weights: ``"systematic"`` repeats each
        row ``floor`` or ``ceil`` of its expected count, ``"multinomial"``
        draws rows independently (the bootstrap; more variance).
    numeric_only : bool, default=False
        Encode non-numeric columns as numbers for the synthesizer (needed by
        ``copulas``, not by SDV).
    table_name : str or None, default=None
        Pass the table as ``{table_name: frame}`` (multi-table style APIs).

    Attributes
    ----------
    synthesizer_ : object
        The fitted copy of ``synthesizer``.
    native_weights_ : bool
        Whether the weights were passed to ``synthesizer_.fit`` (else resampled).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    See Also
    --------
    skrecursive.TreeSynthesizer : a built-in synthesizer that takes weights natively.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skrecursive import SynthesizerAdapter
    >>> class Bootstrap:                      # fit(frame) / sample(num_rows), no weights
    ...     def __init__(self):
    ...         self.random_state = None
    ...     def fit(self, data):
    ...         self.data = data
    ...     def sample(self, num_rows):
    ...         rng = np.random.RandomState(self.random_state)
    ...         return self.data.iloc[rng.randint(len(self.data), size=num_rows)]
    >>> X = pd.DataFrame({"n": [1, 2, 3, 4], "c": pd.Categorical(["a", "b", "a", "b"])})
    >>> model = SynthesizerAdapter(Bootstrap(), random_state=0)
    >>> model = model.fit(X, sample_weight=[0, 0, 1, 1])
    >>> rows = model.sample(6, random_state=0)
    >>> sorted(set(rows["n"])), rows.dtypes.astype(str).tolist()
    ([3, 4], ['int64', 'category'])
    """

    _parameter_table = {
        "synthesizer": [HasMethods("fit", "sample")],
        "random_state": [RANDOM_STATE],
        "resampling": [Options("systematic", "multinomial")],
        "numeric_only": [BOOLEAN],
        "table_name": [NONE, _String()],
    }

    score_samples = NoDensity(FIDELITY_INSTEAD)

    def __init__(self, synthesizer, *, random_state=None, resampling="systematic",
                 numeric_only=False, table_name=None):
        self.synthesizer = synthesizer
        self.random_state = random_state
        self.resampling = resampling
        self.numeric_only = numeric_only
        self.table_name = table_name

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # missing values are handed over: SDV models them, a model that cannot raises
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.non_deterministic = True
        return tags

    # ------------------------------------------------------------ encoding
    def _encode(self, frame):
        """The table as the synthesizer is given it, and what restores each column."""
        out, restore = {}, []
        for name in frame.columns:
            col = frame[name]
            dtype = col.dtype
            if isinstance(dtype, pd.CategoricalDtype):
                cats = dtype.categories
                if self.numeric_only:
                    out[name] = col.cat.codes.astype(float).where(col.notna())
                    restore.append(("codes", dtype, cats))
                else:
                    out[name] = col.astype(object).where(col.notna(), None)
                    restore.append(("category", dtype, cats))
            elif pd.api.types.is_bool_dtype(dtype):
                out[name] = col.astype(float) if self.numeric_only else col
                restore.append(("bool", dtype, None))
            elif pd.api.types.is_datetime64_any_dtype(dtype):
                if self.numeric_only:
                    seconds = col.to_numpy().astype("datetime64[s]").astype(np.int64)
                    out[name] = pd.Series(seconds, index=col.index, dtype=float).where(col.notna())
                    restore.append(("seconds", dtype, None))
                else:
                    out[name] = col
                    restore.append(("datetime", dtype, None))
            elif pd.api.types.is_numeric_dtype(dtype):
                extension = isinstance(dtype, pd.api.extensions.ExtensionDtype)
                out[name] = col.astype(float) if extension else col
                restore.append(("integer" if pd.api.types.is_integer_dtype(dtype) else "float",
                                dtype, None))
            else:  # strings
                values = col.astype(object).where(col.notna(), None)
                if self.numeric_only:
                    cats = pd.Index(sorted(set(values.dropna()), key=str))
                    codes = cats.get_indexer(values)
                    out[name] = pd.Series(codes, index=col.index, dtype=float).where(col.notna())
                    restore.append(("codes", dtype, cats))
                else:
                    out[name] = values
                    restore.append(("string", dtype, None))
        return pd.DataFrame(out, columns=frame.columns).reset_index(drop=True), restore

    def _decode(self, table):
        data = {}
        for name, (how, dtype, cats) in zip(self._columns, self._restore, strict=True):
            col = pd.Series(table[name]).reset_index(drop=True)
            if how == "codes":
                codes = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
                known = np.isfinite(codes)
                idx = np.clip(np.rint(np.where(known, codes, 0)), 0, len(cats) - 1).astype(int)
                values = pd.Series(np.asarray(cats, dtype=object)[idx]).where(known)
                data[name] = (pd.Categorical(values, dtype=dtype)
                              if isinstance(dtype, pd.CategoricalDtype)
                              else values.astype(dtype))
            elif how == "category":
                data[name] = pd.Categorical(col.astype(object).where(col.isin(cats)), dtype=dtype)
            elif how == "bool":
                values = pd.to_numeric(col, errors="coerce") if self.numeric_only else col
                data[name] = (values.round() > 0).where(values.notna()) if self.numeric_only \
                    else values
                data[name] = data[name].astype(dtype) if data[name].notna().all() \
                    else data[name].astype("boolean")
            elif how == "seconds":
                seconds = pd.to_numeric(col, errors="coerce")
                data[name] = pd.to_datetime(seconds.round(), unit="s").astype(dtype)
            elif how == "datetime":
                data[name] = pd.to_datetime(col).astype(dtype)
            elif how == "integer":
                values = pd.to_numeric(col, errors="coerce").round()
                if values.isna().any() and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
                    data[name] = values  # a sampled missing value in an int64 column
                else:
                    data[name] = values.astype(dtype)
            elif how == "float":
                data[name] = pd.to_numeric(col, errors="coerce").astype(dtype)
            else:
                data[name] = col.astype(object).where(col.notna(), None).astype(dtype)
        return pd.DataFrame(data, columns=self._columns)

    # ------------------------------------------------------------------- fit
    def fit(self, X, y=None, sample_weight=None):
        """Fit a copy of the synthesizer on ``X``, reseeded, weights native or by resampling.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            A pandas or polars DataFrame (a numeric array is given to the
            synthesizer as a frame with columns ``0 .. n_features - 1``).
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights with a positive sum.

        Returns
        -------
        self : SynthesizerAdapter
        """
        check_params(self, self._parameter_table)
        if is_frame(X):
            validate_data(self, X, reset=True, skip_check_array=True)
            if X.shape[0] == 0 or X.shape[1] == 0:
                raise ValueError(
                    f"Found array with shape {X.shape}: SynthesizerAdapter needs at least one "
                    "row and one column."
                )
            infinite = frame_infinite_columns(X)
            if infinite:
                raise ValueError(f"Input X contains infinity (columns {infinite}).")
            frame, template = pandas_frame(X), X[:0]
        else:
            arr = validate_data(self, X, reset=True, dtype=np.float64,
                                ensure_all_finite="allow-nan")
            frame, template = pd.DataFrame(arr), None
        sw = weights_or_ones(sample_weight, frame.shape[0])
        rng = check_random_state(self.random_state)
        table, restore = self._encode(frame)
        synthesizer = copy.deepcopy(self.synthesizer)
        native = _takes(synthesizer.fit, "sample_weight")
        fit_kwargs = {}
        if native:
            fit_kwargs["sample_weight"] = sw
        elif np.ptp(sw) > 0:
            table = table.iloc[resample_indices(sw, len(sw), rng, self.resampling)]
            table = table.reset_index(drop=True)
        seed = int(rng.randint(_SEED_MAX))
        data = table if self.table_name is None else {self.table_name: table}
        if _reseed(synthesizer, seed):
            synthesizer.fit(data, **fit_kwargs)
        else:
            with _GlobalSeed(seed):
                synthesizer.fit(data, **fit_kwargs)
        self.synthesizer_ = synthesizer
        self.native_weights_ = native
        self._columns = list(frame.columns)
        self._restore = restore
        self._template = template
        self._rng = rng
        return self

    # ---------------------------------------------------------------- sample
    def sample(self, n_samples=1, random_state=None):
        """Draw rows from the fitted synthesizer, reseeded, with the training dtypes.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None
            Seeds this draw; None draws a fresh seed from the adapter's own
            generator, so successive calls differ.

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, n_features)
            The training frame's library, columns and dtypes.
        """
        n, rng = sampling_start(self, n_samples, random_state)
        seed = int((self._rng if random_state is None else rng).randint(_SEED_MAX))
        synthesizer = self.synthesizer_
        kwargs = {"num_rows": n} if _takes(synthesizer.sample, "num_rows") else {}
        args = () if kwargs else (n,)
        if _reseed(synthesizer, seed):
            table = synthesizer.sample(*args, **kwargs)
        else:
            with _GlobalSeed(seed):
                table = synthesizer.sample(*args, **kwargs)
        if isinstance(table, dict):
            table = table[self.table_name] if self.table_name in table else \
                next(iter(table.values()))
        if not isinstance(table, pd.DataFrame):
            table = pd.DataFrame(np.asarray(table), columns=self._columns)
        missing = [c for c in self._columns if c not in table.columns]
        if missing or len(table) != n:
            raise ValueError(
                f"{type(synthesizer).__name__}.sample({n}) returned {len(table)} rows with "
                f"columns {list(table.columns)}; expected {n} rows with the columns "
                f"{self._columns}."
            )
        frame = self._decode(table)
        if self._template is None:
            return frame.to_numpy(dtype=float)
        return native_frame_like(frame, self._template)

    def score(self, X, y=None):
        """Fidelity of the model to the rows ``X``: greater is better, 0 at best.

        As :meth:`TreeSynthesizer.score <skrecursive.TreeSynthesizer.score>`:
        minus the marginal and association distances between ``len(X)``
        rows drawn with ``random_state=0`` and ``X``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        from .copula import sampled_fidelity

        check_is_fitted(self)
        return sampled_fidelity(self, X)

