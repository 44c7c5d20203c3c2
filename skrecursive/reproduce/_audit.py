"""Collapse audit: will a synthesizer collapse on the user's own table, and what weight avoids it?

:func:`audit` runs :class:`~skrecursive.RecursiveDensityEstimator` with a
tabular synthesizer on the user's table for the fully synthetic loop
(``w = 0``), naive pooling, the optimal weight and real data only, scores
every generation on real rows that no loop ever trains on (fidelity, category
coverage, train-on-synthetic/test-on-real utility, memorisation), measures
the paired weight curve with :func:`skrecursive.weight_curve`, and returns an
:class:`AuditResult` that writes the CSV files, the figures and a
self-contained HTML report.
"""

import base64
import html
import importlib
import io
import os
import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from .._core.copula import GaussianCopula
from .._core.density import RecursiveDensityEstimator
from .._core.sources import sample_rows
from .._core.weight_curve import weight_curve
from .._utils.parallel import duration, effective_workers, run_in_order
from .._utils.validation import N_JOBS, NONE, SEED32, Interval, check_args
from ..metrics import (
    association_distance,
    category_coverage,
    copy_rate,
    distance_to_closest_record,
    marginal_distance,
    synthetic_utility,
)
from ._synthesizer import SYNTHESIZER_LOOPS

__all__ = ["AUDIT_OUTPUTS", "AuditPlan", "AuditResult", "SYNTHESIZERS", "audit",
           "available_synthesizers", "plan_audit", "read_table"]

#: synthesizer name -> name of its class in the ``skrecursive`` namespace. A name is
#: available when the installed skrecursive has that class (see
#: :func:`available_synthesizers`).
SYNTHESIZERS = {"copula": "GaussianCopula", "tree": "TreeSynthesizer"}

#: tables shipped with skrecursive that ``audit`` accepts by name
BUNDLED_TABLES = ("adult",)

#: the files :meth:`AuditResult.save` writes
AUDIT_OUTPUTS = ("audit.csv", "audit_summary.csv", "audit_weight_curve.csv", "audit_settings.csv",
                 "audit_generations.png", "audit_memorisation.png", "audit_weight_curve.png",
                 "audit.html")

#: metric -> (title, greater is better)
_METRICS = {
    "marginal": ("marginal distance", False),
    "association": ("association distance", False),
    "coverage": ("category coverage", True),
    "utility": ("utility (train on synthetic, test on real)", True),
    "copy_rate": ("share of rows copying a training row", False),
    "dcr": ("distance to the closest training row", True),
}
_MEMORISATION = ("copy_rate", "dcr")
#: the held-out real rows' own memorisation levels, a row of the summary
BASELINE = "held-out real rows"
#: headline metric of the answer and of the weight curve
HEADLINE = "marginal"
#: standard errors either side of a mean in the report and the recommended interval
_Z = 2.0
#: default weights of the curve (``"naive"`` and ``"optimal"`` are always added)
CURVE_WEIGHTS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


# --------------------------------------------------------------------- synthesizers
def _registered_class(name):
    """The class ``skrecursive.<name>``, or None when this version has none."""
    return getattr(importlib.import_module("skrecursive"), SYNTHESIZERS[name], None)


def available_synthesizers():
    """Names of the built-in synthesizers :func:`audit` accepts in this installation.

    Returns
    -------
    names : list of str
        Among the keys of :data:`SYNTHESIZERS` (``"copula"`` is
        :class:`~skrecursive.GaussianCopula`; ``"tree"`` is the sequential tree
        synthesizer, when the installed skrecursive has it).

    Examples
    --------
    >>> from skrecursive.reproduce import available_synthesizers
    >>> "copula" in available_synthesizers()
    True
    """
    return [name for name in SYNTHESIZERS if _registered_class(name) is not None]


def _synthesizer(synthesizer):
    """A fresh unfitted synthesizer from a name or an estimator; its display name."""
    if isinstance(synthesizer, str):
        if synthesizer not in SYNTHESIZERS:
            raise ValueError(
                f"The 'synthesizer' parameter of audit must be one of "
                f"{sorted(SYNTHESIZERS)} or an estimator with fit and sample; got "
                f"{synthesizer!r}."
            )
        cls = _registered_class(synthesizer)
        if cls is None:
            raise ValueError(
                f"The 'synthesizer' parameter of audit is {synthesizer!r}, but this version of "
                f"skrecursive has no {SYNTHESIZERS[synthesizer]}; available: "
                f"{available_synthesizers()}."
            )
        return cls(), cls.__name__
    if not (callable(getattr(synthesizer, "fit", None))
            and callable(getattr(synthesizer, "sample", None))):
        raise TypeError(
            "The 'synthesizer' parameter of audit must be a name "
            f"({', '.join(sorted(SYNTHESIZERS))}) or an estimator with fit and sample; got "
            f"{type(synthesizer).__name__}."
        )
    return clone(synthesizer), type(synthesizer).__name__


# --------------------------------------------------------------------------- tables
def _from_polars(frame):
    """A polars DataFrame as pandas, without pyarrow (categoricals kept)."""
    import polars as pl

    columns = {}
    for name in frame.columns:
        s = frame.get_column(name)
        if isinstance(s.dtype, (pl.Categorical, pl.Enum)):
            # an Enum's declared categories; a Categorical's present values, sorted
            categories = (s.dtype.categories.to_list() if isinstance(s.dtype, pl.Enum)
                          else None)
            columns[name] = pd.Categorical(s.cast(pl.String).to_list(), categories=categories)
        elif s.dtype.is_numeric():
            values = s.to_list()
            has_missing = s.null_count() > 0
            columns[name] = pd.array(values, dtype="float64") if has_missing or s.dtype.is_float() \
                else np.asarray(values)
        else:
            columns[name] = pd.Series(s.to_list(), dtype=object)
    return pd.DataFrame(columns)


def read_table(data):
    """The table to audit as a pandas DataFrame.

    Parameters
    ----------
    data : str, path-like, pandas or polars DataFrame
        A CSV file (``.csv``, ``.tsv``, optionally gzip-compressed), a Parquet
        file (``.parquet``, ``.pq``; needs ``pyarrow``), the name of a bundled
        table (``"adult"``: :func:`skrecursive.datasets.load_adult`'s frame),
        or a data frame (pandas, polars or any frame narwhals reads).

    Returns
    -------
    frame : pandas.DataFrame

    Raises
    ------
    ValueError
        For a missing or unreadable file, an unknown extension, or Parquet
        without pyarrow.
    TypeError
        For anything that is not a table.
    """
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if not os.path.exists(path):
            if path in BUNDLED_TABLES:
                from ..datasets import load_adult

                return load_adult().frame
            raise ValueError(
                f"The table {path!r} does not exist: give a CSV or Parquet file, or the name of "
                f"a bundled table ({', '.join(BUNDLED_TABLES)})."
            )
        if os.path.isdir(path):
            raise ValueError(f"The table {path!r} is a folder, not a CSV or Parquet file.")
        lower = path.lower().removesuffix(".gz")
        try:
            if lower.endswith((".parquet", ".pq")):
                if importlib.util.find_spec("pyarrow") is None:
                    raise ValueError(
                        f"Reading the Parquet file {path!r} needs pyarrow, which is not "
                        "installed: pip install pyarrow, or save the table as CSV."
                    )
                return pd.read_parquet(path)
            if lower.endswith((".csv", ".tsv", ".txt")):
                return pd.read_csv(path, sep="\t" if lower.endswith(".tsv") else ",")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError,
                pd.errors.EmptyDataError) as exc:
            raise ValueError(f"Cannot read the table {path!r}: {exc}".rstrip()) from None
        raise ValueError(
            f"The table {path!r} has an unknown extension: give a .csv, .tsv or .parquet file."
        )
    module = type(data).__module__.split(".")[0]
    if module == "polars" and hasattr(data, "get_column"):
        return _from_polars(data)
    import narwhals.stable.v2 as nw

    frame = nw.from_native(data, eager_only=True, pass_through=True)
    if isinstance(frame, nw.DataFrame):
        return frame.to_pandas()
    raise TypeError(
        "The 'data' parameter of audit must be a file name, a bundled table's name or a data "
        f"frame; got {type(data).__name__}."
    )


def _is_number(col):
    return (pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
            and not isinstance(col.dtype, pd.CategoricalDtype))


def _check_table(frame, target, weight_column):
    """(table without the weight column, row weights or None, rows dropped, utility scoring)."""
    if frame.shape[1] == 0 or len(frame) == 0:
        raise ValueError(f"The table has no rows or no columns (shape {frame.shape}).")
    if not frame.columns.is_unique:
        duplicated = frame.columns[frame.columns.duplicated()].tolist()
        raise ValueError(f"The table has repeated column names: {duplicated}.")
    frame = frame.reset_index(drop=True)
    weights = None
    if weight_column is not None:
        if weight_column not in frame.columns:
            raise ValueError(
                f"The 'weight_column' parameter of audit names no column of the table: "
                f"{weight_column!r}; its columns are {list(frame.columns)}."
            )
        col = frame[weight_column]
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if (not _is_number(col) or not np.all(np.isfinite(values)) or np.any(values < 0)
                or not values.sum() > 0):
            raise ValueError(
                f"The weight column {weight_column!r} must hold finite non-negative numbers "
                "with a positive sum, without missing values."
            )
        if weight_column == target:
            raise ValueError("The weight column cannot be the target column.")
        weights = values
        frame = frame.drop(columns=[weight_column])
    dropped, scoring = 0, None
    if target is not None:
        if target not in frame.columns:
            raise ValueError(
                f"The 'target' parameter of audit names no column of the table: {target!r}; "
                f"its columns are {list(frame.columns)}."
            )
        keep = frame[target].notna().to_numpy()
        dropped = int((~keep).sum())
        if dropped:
            frame = frame[keep].reset_index(drop=True)
            weights = None if weights is None else weights[keep]
        classes = frame[target].nunique()
        if classes < 2:
            raise ValueError(
                f"The target column {target!r} must hold at least two distinct values; it "
                f"holds {classes}."
            )
        regression = _is_number(frame[target]) and classes > 20
        scoring = "r2" if regression else "accuracy"
    if frame.shape[1] < 1:
        raise ValueError("The table has no column left to synthesize.")
    return frame, weights, dropped, scoring


def _utility_model(X, scoring):
    """What the utility trains: imputed, scaled numbers and one-hot categories, then linear."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in X.columns if _is_number(X[c])]
    other = [c for c in X.columns if c not in numeric]
    encode = ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                                keep_empty_features=True),
                                  StandardScaler()), numeric),
        ("other", make_pipeline(SimpleImputer(strategy="constant", fill_value="(missing)",
                                              keep_empty_features=True),
                                OneHotEncoder(handle_unknown="ignore")), other),
    ])
    model = Ridge(alpha=1.0) if scoring == "r2" else LogisticRegression(max_iter=1000)
    return make_pipeline(encode, model)


# ------------------------------------------------------------------------- measuring
def _split(n_rows, n_validation, n_reference, seed, repeat):
    """(training rows, held-out rows, memorisation reference rows) of one repeat."""
    perm = np.random.RandomState([seed, repeat, 7]).permutation(n_rows)
    held, train = np.sort(perm[:n_validation]), np.sort(perm[n_validation:])
    reference = train if len(train) <= n_reference else np.sort(perm[n_validation:][
        :n_reference])
    return train, held, reference


class _Measure:
    """Every metric of one generation's model on the held-out rows (a ``monitor``)."""

    def __init__(self, spec, held, held_weights, train, reference, rng):
        self.spec, self.train, self.reference, self.rng = spec, train, reference, rng
        self.held = held
        self.real = GaussianCopula().fit(held, sample_weight=held_weights)
        self.utility_model = None if spec["target"] is None else _utility_model(
            held.drop(columns=[spec["target"]]), spec["scoring"])

    def __call__(self, generation, estimator, X, y, sample_weight):
        spec = self.spec
        n_draw = max(spec["n_real"], spec["n_memorisation"])
        rows = sample_rows(estimator, n_draw, self.rng)
        # a copula is compared exactly through its margins; anything else through its rows
        model = estimator if isinstance(estimator, GaussianCopula) else rows
        out = {"marginal": marginal_distance(model, self.real),
               "association": association_distance(model, self.real)}
        if spec["has_categories"]:
            out["coverage"] = category_coverage(model, self.real)
        if spec["target"] is not None:
            out["utility"] = synthetic_utility(
                rows.iloc[:spec["n_real"]], self.held, target=spec["target"],
                estimator=self.utility_model, scoring=spec["scoring"])
        out["copy_rate"] = copy_rate(rows.iloc[:spec["n_real"]], self.train)
        out["dcr"] = distance_to_closest_record(rows.iloc[:spec["n_memorisation"]],
                                                self.reference)
        return {f"m_{name}": value for name, value in out.items()}


def _not_scored(estimator, X):
    """The loops hold out no rows of their own (the monitor measures every generation): this
    scorer is never called, and spares a synthesizer without ``score`` the loop's demand."""
    return 0.0


def _one_loop(table, weights, synthesizer, label, repeat, spec):
    """One (loop, repeat): the weight and every metric per generation, as arrays."""
    seed = spec["seed"]
    train, held, reference = _split(len(table), spec["n_validation"], spec["n_reference"], seed,
                                    repeat)
    take = table.iloc
    measure = _Measure(
        spec, take[held].reset_index(drop=True), None if weights is None else weights[held],
        take[train].reset_index(drop=True), take[reference].reset_index(drop=True),
        np.random.RandomState([seed, repeat, list(SYNTHESIZER_LOOPS).index(label)]))
    est = RecursiveDensityEstimator(
        synthesizer, n_generations=spec["n_generations"], n_real=spec["n_real"],
        n_synthetic=spec["n_synthetic"], weight=SYNTHESIZER_LOOPS[label],
        validation_fraction=0.0, scoring=_not_scored, monitor=measure,
        random_state=np.random.RandomState([seed, repeat]).randint(2**31 - 1))
    with threadpool_limits(1):  # small BLAS problems: threads only oversubscribe the cores
        est.fit(take[train].reset_index(drop=True),
                sample_weight=None if weights is None else weights[train])
    history = est.history_
    return {"weight": float(est.weight_), "k": float(est.k_),
            "generation": np.asarray(history["generation"]),
            **{name: np.asarray(history[f"m_{name}"], dtype=float)
               for name in spec["metrics"]}}


class _CurveScore:
    """Scorer of the weight curve: minus the marginal distance to the held-out rows."""

    def __init__(self):
        self._rows = self._real = None

    def __call__(self, estimator, X, sample_weight=None):
        if X is not self._rows:  # every generation of a fit is scored on the same rows
            self._rows, self._real = X, GaussianCopula().fit(X, sample_weight=sample_weight)
        model = estimator
        while not isinstance(model, GaussianCopula) and hasattr(model, "estimator_"):
            model = model.estimator_
        if not isinstance(model, GaussianCopula):  # measured on as many rows as held out
            model = sample_rows(estimator, len(X), np.random.RandomState(0))
        return -marginal_distance(model, self._real)


def _baseline(table, spec, repeat):
    """Memorisation of real rows never trained on: the held-out rows against the training rows."""
    train, held, reference = _split(len(table), spec["n_validation"], spec["n_reference"],
                                    spec["seed"], repeat)
    held_rows = table.iloc[held].reset_index(drop=True)
    return {"copy_rate": copy_rate(held_rows.iloc[:spec["n_real"]], table.iloc[train]),
            "dcr": distance_to_closest_record(held_rows.iloc[:spec["n_memorisation"]],
                                              table.iloc[reference])}


# --------------------------------------------------------------------------- summary
def _summarize(results, baseline, metrics):
    """Last generation of every loop: mean, standard error and paired difference to w*."""
    last = results[results["generation"] == results["generation"].max()]
    reference = last[last["loop"] == "w*"].set_index("repeat")
    rows = []
    for label, group in last.groupby("loop", sort=False):
        group = group.set_index("repeat")
        for metric in metrics:
            values = group[metric]
            diff = values - reference[metric].reindex(values.index)
            n = values.notna().sum()
            rows.append({
                "loop": label, "weight": float(group["weight"].iloc[0]), "metric": metric,
                "greater_is_better": _METRICS[metric][1],
                "generation": int(group["generation"].iloc[0]),
                "mean": values.mean(), "se": values.std(ddof=1) / np.sqrt(n),
                "diff_to_optimal": diff.mean(), "diff_se": diff.std(ddof=1) / np.sqrt(n),
                "n_repeats": int(n),
            })
    for metric in _MEMORISATION:
        values = baseline[metric]
        rows.append({"loop": BASELINE, "weight": np.nan, "metric": metric,
                     "greater_is_better": _METRICS[metric][1], "generation": np.nan,
                     "mean": values.mean(), "se": values.std(ddof=1) / np.sqrt(len(values)),
                     "diff_to_optimal": np.nan, "diff_se": np.nan,
                     "n_repeats": len(values)})
    return pd.DataFrame(rows)


def _recommended_interval(curve):
    """Contiguous grid weights around w* whose paired difference to w* is within 2 SE."""
    curve = curve.sort_values("weight").reset_index(drop=True)
    ok = (curve["diff_mean"] + _Z * curve["diff_se"].fillna(np.inf) >= 0).to_numpy()
    ref = int(np.flatnonzero(curve["label"].astype(str).to_numpy() == "optimal")[0])
    lo = hi = ref
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    while hi < len(curve) - 1 and ok[hi + 1]:
        hi += 1
    within = np.zeros(len(curve), dtype=bool)
    within[lo:hi + 1] = True
    curve["within_error"] = within
    return curve


# ---------------------------------------------------------------------------- result
def _fmt(value):
    """How the report prints a number: integers in full, other numbers to 4 digits."""
    if isinstance(value, (Integral, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return f"{value:,}"
    return "nan" if value is None or not np.isfinite(value) else f"{value:.4g}"


class AuditResult:
    """What :func:`audit` found: tidy tables, figures and a self-contained HTML report.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per (loop, repeat, generation): ``loop``, ``weight``,
        ``repeat``, ``generation`` and every metric (``marginal``,
        ``association``, ``coverage`` when the table has non-numeric columns,
        ``utility`` when a target is given, ``copy_rate``, ``dcr``).
    summary : pandas.DataFrame
        The last generation of every loop, one row per (loop, metric):
        ``mean`` and ``se`` over repeats, ``diff_to_optimal`` and ``diff_se``
        (the paired difference to the ``"w*"`` loop), and a row per
        memorisation metric for the held-out real rows (the level of rows
        that were never trained on).
    curve : pandas.DataFrame
        :func:`skrecursive.weight_curve` of the marginal fidelity (score =
        minus the marginal distance, averaged over the last generations), with
        ``within_error``: the contiguous weights around ``w*`` whose paired
        difference to it is within two standard errors.
    answer : dict
        The report's headline numbers (all of them also in ``summary`` or
        ``curve``).
    settings : dict
        The table's shape and the run's settings.
    """

    def __init__(self, results, summary, curve, answer, settings):
        self.results = results
        self.summary = summary
        self.curve = curve
        self.answer = answer
        self.settings = settings

    def __repr__(self):
        s = self.settings
        return (f"AuditResult({s['synthesizer']} on {s['n_rows']} rows x {s['n_columns']} "
                f"columns, {s['n_generations']} generations, {s['n_repeats']} repeats)")

    # ------------------------------------------------------------------ figures
    def plot_generations(self):
        """Fidelity, coverage and utility of every loop against the generation."""
        return self._plot([m for m in self.settings["metrics"].split(";")
                           if m not in _MEMORISATION],
                          "What the recursion does to the synthetic table", baseline=False)

    def plot_memorisation(self):
        """Copy rate and distance to the closest training row against the generation."""
        return self._plot(list(_MEMORISATION), "Memorisation of the training rows",
                          baseline=True)

    def _plot(self, metrics, title, *, baseline):
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.6),
                                 constrained_layout=True, squeeze=False)
        grouped = self.results.groupby(["loop", "generation"], sort=False)
        mean, se = grouped[metrics].mean(), grouped[metrics].sem()
        for ax, metric in zip(axes[0], metrics, strict=True):
            for label in SYNTHESIZER_LOOPS:
                if label not in mean.index.get_level_values(0):
                    continue
                m, s = mean.loc[label, metric], se.loc[label, metric].fillna(0.0)
                weight = self.results.loc[self.results["loop"] == label, "weight"].iloc[0]
                (line,) = ax.plot(m.index, m.to_numpy(), label=f"{label} (w = {weight:.3g})")
                low, high = m - _Z * s, m + _Z * s
                if metric != "utility":  # shares and distances in [0, 1] (r2 has no floor)
                    low, high = low.clip(lower=0.0), high.clip(upper=1.0)
                ax.fill_between(m.index, low, high, color=line.get_color(), alpha=0.2)
            if baseline:
                row = self.summary[(self.summary["loop"] == BASELINE)
                                   & (self.summary["metric"] == metric)]
                ax.axhline(row["mean"].iloc[0], color="black", linestyle=":",
                           label=BASELINE)
            name, greater = _METRICS[metric]
            ax.set_title(f"{name}\n({'higher' if greater else 'lower'} is better"
                         f"{' for privacy' if metric in _MEMORISATION else ''})", fontsize=9)
            ax.set_xlabel("generation")
        axes[0][0].legend(fontsize=7)
        fig.suptitle(f"{title}: {self.settings['synthesizer']}, mean and 2 SE over "
                     f"{self.settings['n_repeats']} repeats", fontsize=10)
        return fig

    def plot_weight_curve(self):
        """Marginal distance at the end of the recursion against the weight on real rows."""
        import matplotlib.pyplot as plt

        from ..plotting import WeightCurveDisplay

        curve = self.curve
        distance = -curve["score_mean"].to_numpy()
        band = _Z * curve["diff_se"].fillna(0.0).to_numpy()
        fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
        display = WeightCurveDisplay(
            weights=curve["weight"], mean=distance, lower=distance - band, upper=distance + band,
            minimiser=float(curve["weight"].iloc[int(np.argmin(distance))]),
            optimal_weight=self.answer["recommended_weight"],
            error_name="marginal distance (lower is better)", curve=curve,
            interval="paired difference to w*, 2 SE")
        display.plot(ax=ax)
        inside = curve[curve["within_error"]]
        ax.axvspan(inside["weight"].min(), inside["weight"].max(), color="green", alpha=0.1,
                   label="as good as w* within 2 SE")
        ax.legend(fontsize=7)
        ax.set_xlabel("weight w on the fresh real rows")
        ax.set_title(f"Weight curve: mean of the last {curve.attrs.get('last', '')} "
                     "generations", fontsize=10)
        return fig

    def figures(self):
        """``{file name: matplotlib Figure}`` of the three figures of the report."""
        return {"audit_generations.png": self.plot_generations(),
                "audit_memorisation.png": self.plot_memorisation(),
                "audit_weight_curve.png": self.plot_weight_curve()}

    # -------------------------------------------------------------------- report
    def _number(self, file, value, **key):
        """A number of the report, marked with the CSV cell it comes from."""
        attrs = " ".join(f'data-{k}="{html.escape(str(v))}"' for k, v in key.items())
        return f'<span class="n" data-file="{file}" {attrs}>{_fmt(value)}</span>'

    def _setting(self, key):
        return self._number("audit_settings.csv", self.settings[key], key=key)

    def _cell(self, loop, metric, column):
        row = self.summary[(self.summary["loop"] == loop) & (self.summary["metric"] == metric)]
        return self._number("audit_summary.csv", row[column].iloc[0], loop=loop, metric=metric,
                            column=column)

    def to_html(self, pngs=None):
        """The report as one self-contained HTML page (figures embedded as base64 PNG).

        Parameters
        ----------
        pngs : dict or None, default=None
            ``{file name: PNG bytes}`` of the figures; None draws them.

        Returns
        -------
        page : str
        """
        if pngs is None:
            pngs = _png_bytes(self.figures())
        s = self.settings
        esc = html.escape
        cell, v = self._cell, self._setting
        last = s["n_generations"]
        lines = []
        for label in ("w=0", "naive"):
            row = self.summary[(self.summary["loop"] == label)
                               & (self.summary["metric"] == HEADLINE)].iloc[0]
            worse = "worse" if row["diff_to_optimal"] > 0 else "better"
            beyond = abs(row["diff_to_optimal"]) > _Z * row["diff_se"]
            lines.append(
                f"<li><b>{esc(label)}</b> (w = {cell(label, HEADLINE, 'weight')}): marginal "
                f"distance {cell(label, HEADLINE, 'mean')} at generation {last}, against "
                f"{cell('w*', HEADLINE, 'mean')} at the optimal weight: {worse} by "
                f"{cell(label, HEADLINE, 'diff_to_optimal')} "
                f"(paired standard error {cell(label, HEADLINE, 'diff_se')}; "
                + ("more than two standard errors: a real difference" if beyond else
                   "within two standard errors: more repeats would tell") + ").</li>")
        inside = self.curve[self.curve["within_error"]]
        lo, hi = inside.index.min(), inside.index.max()

        def curve_weight(i):
            return self._number("audit_weight_curve.csv", self.curve.loc[i, "weight"],
                                row=i, column="weight")

        opt = int(np.flatnonzero(self.curve["label"].astype(str) == "optimal")[0])
        table_rows = []
        for _, row in self.summary.iterrows():
            table_rows.append(
                "<tr>" + "".join(f"<td>{v}</td>" for v in (
                    esc(row["loop"]), esc(_METRICS[row["metric"]][0]),
                    "higher" if row["greater_is_better"] else "lower",
                    cell(row["loop"], row["metric"], "mean"),
                    cell(row["loop"], row["metric"], "se"),
                    cell(row["loop"], row["metric"], "diff_to_optimal"),
                    cell(row["loop"], row["metric"], "diff_se"))) + "</tr>")
        figures = "\n".join(
            f'<figure><img alt="{esc(name)}" src="data:image/png;base64,'
            f'{base64.b64encode(png).decode("ascii")}"><figcaption>{esc(name)}</figcaption>'
            "</figure>" for name, png in pngs.items())
        weights = ("with the row weights of column " + esc(str(s["weight_column"]))
                   + " (the optimal weight uses their effective sample size)"
                   if s["weight_column"] else "with equal row weights")
        target = (f"the target column <b>{esc(str(s['target']))}</b> (utility: "
                  f"{esc(s['scoring'])} of a linear model trained on synthetic rows, tested on "
                  "held-out real rows)" if s["target"] is not None else "no target column "
                  "(no utility measured)")
        return _PAGE.format(
            title=f"Collapse audit: {esc(s['synthesizer'])} on {esc(s['table'])}",
            question=(
                f"If <b>{esc(s['synthesizer'])}</b> is trained again and again on data that "
                "includes its own output, how fast does the synthetic table drift away from "
                "the real one, and what weight on fresh real rows keeps it stable?"),
            answer_lines="\n".join(lines),
            recommended=(
                f"Recommended weight on the fresh real rows: w = "
                f"{curve_weight(opt)}. Every weight from {curve_weight(lo)} to "
                f"{curve_weight(hi)} did as well as it on the weight curve (paired "
                "difference within two standard errors); outside that range the synthetic "
                "table drifts measurably further."),
            data=(f"{v('n_rows')} rows and {v('n_columns')} columns ({v('n_numeric')} numeric, "
                  f"{v('n_other')} other; {v('n_missing')} missing values), "
                  f"{target}, {weights}."
                  + (f" {v('rows_dropped')} rows without a target value were left out."
                     if s["rows_dropped"] else "")),
            settings=(
                f"Each generation fits {esc(s['synthesizer'])} on {v('n_real')} fresh real "
                f"rows drawn from the training rows and {v('n_synthetic')} rows sampled from "
                f"the previous generation, for {v('n_generations')} generations after the first "
                "fit, in four loops: w = 0 (fully synthetic), naive pooling (w = k/(1+k)), the "
                f"optimal weight w* and real rows only. Each loop is repeated {v('n_repeats')} "
                f"times; every repeat holds out {v('n_validation')} real rows that no loop "
                "trains on, and every generation is scored on them. Memorisation: "
                f"{v('n_real')} synthetic rows are checked for exact copies of any training "
                f"row, and {v('n_memorisation')} of them for the distance to the closest of "
                f"{v('n_reference')} training rows. The weight curve runs the same loop at "
                f"{v('n_curve_weights')} weights with {v('curve_repeats')} paired repeats (the "
                "same random draws at every weight) and averages the last "
                f"{v('curve_last')} generations. Seed {v('seed')}; the run took "
                f"{v('seconds')} s. Every setting is in audit_settings.csv."),
            table="\n".join(table_rows),
            figures=figures,
            version=esc(s["version"]),
        )

    def files(self):
        """The content of every output file: ``{name: str or bytes}``, in :data:`AUDIT_OUTPUTS`.

        CSV files and the HTML page as text, figures as PNG bytes (drawn and
        closed here).
        """
        import matplotlib.pyplot as plt

        figures = self.figures()
        try:
            pngs = _png_bytes(figures)
        finally:
            for fig in figures.values():
                plt.close(fig)
        tables = {"audit.csv": self.results, "audit_summary.csv": self.summary,
                  "audit_weight_curve.csv": self.curve,
                  "audit_settings.csv": pd.DataFrame({"key": list(self.settings),
                                                      "value": list(self.settings.values())})}
        content = {name: table.to_csv(index=False, lineterminator="\n")
                   for name, table in tables.items()}
        content.update(pngs)
        content["audit.html"] = self.to_html(pngs)
        return {name: content[name] for name in AUDIT_OUTPUTS}

    def save(self, folder):
        """Write the CSV files, the PNG figures and ``audit.html`` to ``folder``.

        ``skrecursive audit`` writes the same files atomically, refusing
        symbolic links.

        Parameters
        ----------
        folder : str or path-like
            Created if needed.

        Returns
        -------
        paths : list of str
            The files written, in the order of :data:`AUDIT_OUTPUTS`.
        """
        folder = os.fspath(folder)
        os.makedirs(folder, exist_ok=True)
        paths = []
        for name, content in self.files().items():
            path = os.path.join(folder, name)
            if isinstance(content, bytes):
                with open(path, "wb") as fh:
                    fh.write(content)
            else:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(content)
            paths.append(path)
        return paths


def _png_bytes(figures):
    out = {}
    for name, fig in figures.items():
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        out[name] = buffer.getvalue()
    return out


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.45;
        color: #222; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
.answer {{ background: #f3f7f3; border-left: 4px solid #4a4; padding: 0.6em 1em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.2em 0.6em; text-align: right; }}
td:first-child, td:nth-child(2) {{ text-align: left; }}
img {{ max-width: 100%; }} figcaption {{ font-size: 0.8em; color: #666; }}
</style>
</head>
<body>
<h1>{title}</h1>
<h2>The question</h2>
<p>{question}</p>
<h2>The answer</h2>
<div class="answer">
<p>By the last generation, measured by the marginal distance between the synthetic rows and
held-out real rows (0 when every column's distribution agrees; lower is better):</p>
<ul>
{answer_lines}
</ul>
<p>{recommended}</p>
</div>
<h2>Your table</h2>
<p>{data}</p>
<h2>What was run</h2>
<p>{settings}</p>
<h2>Figures</h2>
{figures}
<h2>Every number at the last generation</h2>
<p>Mean over repeats, its standard error, and the paired difference to the loop at the
optimal weight w* (the same random draws in both loops) with its standard error. These are the
rows of audit_summary.csv; every generation of every repeat is in audit.csv and the weight
curve in audit_weight_curve.csv.</p>
<table>
<tr><th>loop</th><th>metric</th><th>better</th><th>mean</th><th>SE</th><th>minus w*</th>
<th>SE</th></tr>
{table}
</table>
<h2>How to read the metrics</h2>
<ul>
<li>Marginal distance: per column, the Kolmogorov-Smirnov distance (numeric) or total variation
distance (other columns) between synthetic and real rows, averaged over columns.</li>
<li>Association distance: mean absolute difference of the normal-score correlations of all
pairs of columns.</li>
<li>Category coverage: share of the real categories the synthesizer can still produce.</li>
<li>Utility: a model trained on synthetic rows, scored on real rows.</li>
<li>Copy rate and distance to the closest training row (Gower distance): memorisation;
compare with the held-out real rows, real rows that were never trained on.</li>
</ul>
<p>Theory: He, Xu &amp; Cheng, Recursive learning without collapse: a weighting-based
stabilization framework, JRSSB 2026 (doi:10.1093/jrsssb/qkag099). Made by skrecursive
{version}.</p>
</body>
</html>
"""


# ---------------------------------------------------------------------------- audit
def audit(data, *, target=None, synthesizer="copula", weight_column=None, n_generations=10,
          n_repeats=5, n_real=None, k=1.0, n_validation=None, curve_weights=CURVE_WEIGHTS,
          curve_repeats=None, n_memorisation=100, n_reference=5000, random_state=0,
          n_jobs=None, verbose=0):
    """Audit a synthesizer for collapse on your own table.

    Runs :class:`~skrecursive.RecursiveDensityEstimator` with the
    synthesizer on the table for four loops: ``w = 0`` (each generation
    trained on the previous generation's rows only, after the first),
    ``"naive"`` pooling, the optimal weight ``"optimal"`` (``w*`` of the
    real-to-synthetic ratio ``k``, from the effective sample size of the row
    weights when ``weight_column`` is given) and real rows only. Every repeat
    holds out ``n_validation`` real rows that no loop trains on; every
    generation's model is scored on them:

    * ``marginal``: :func:`~skrecursive.metrics.marginal_distance` (lower is better);
    * ``association``: :func:`~skrecursive.metrics.association_distance` (lower is better);
    * ``coverage``: :func:`~skrecursive.metrics.category_coverage`, when the
      table has a non-numeric column (higher is better);
    * ``utility``: :func:`~skrecursive.metrics.synthetic_utility` of a
      linear model (logistic regression, or ridge regression with ``r2`` for
      a numeric target with more than 20 values) trained on ``n_real``
      synthetic rows and tested on the held-out rows, when ``target`` is given;
    * ``copy_rate``: :func:`~skrecursive.metrics.copy_rate` of ``n_real``
      synthetic rows against all training rows, and ``dcr``:
      :func:`~skrecursive.metrics.distance_to_closest_record` of
      ``n_memorisation`` of them against ``n_reference`` training rows
      (memorisation; the held-out rows give the level of real rows).

    All loops of a repeat share its held-out rows, real batches and random
    streams, so their differences are paired. The paired weight curve
    (:func:`skrecursive.weight_curve` of minus the marginal distance, over
    ``curve_weights`` plus the naive and optimal weights) gives the range of
    weights that do as well as ``w*``.

    Every argument is checked, and the synthesizer and the metrics are tried
    once on the table (which also measures the time a generation takes),
    before the run starts.

    Parameters
    ----------
    data : str, path-like, pandas or polars DataFrame
        The table: a CSV or Parquet file (Parquet needs ``pyarrow``), the
        name of a bundled table (``"adult"``), or a data frame. Numeric,
        categorical, boolean and string columns; missing values as far as the
        synthesizer models them.
    target : str or None, default=None
        Column predicted by the utility measure; rows without a value are
        left out. None measures no utility.
    synthesizer : str or estimator, default="copula"
        ``"copula"`` (:class:`~skrecursive.GaussianCopula`), ``"tree"``
        (:class:`~skrecursive.TreeSynthesizer`; :func:`available_synthesizers`
        lists the names), or an unfitted scikit-learn estimator with
        ``fit(X, sample_weight=None)`` and ``sample(n_samples,
        random_state=None)`` returning a DataFrame of the table's columns
        (third-party synthesizers through
        :class:`~skrecursive.SynthesizerAdapter`).
    weight_column : str or None, default=None
        Column of row weights (e.g. survey weights), removed from the table,
        passed to every fit as ``sample_weight`` and used to weight the
        held-out rows' fidelity reference.
    n_generations : int, default=10
        Generations after generation 0.
    n_repeats : int, default=5
        Repeats of every loop (each with its own held-out rows).
    n_real : int or None, default=None
        Fresh real rows per generation, a bootstrap sample of the training
        rows; None means ``min(1000, training rows)``.
    k : float, default=1.0
        Real rows per synthetic row: ``n_synthetic = max(1, round(n_real / k))``.
    n_validation : int or None, default=None
        Held-out real rows per repeat; None means ``min(2000, rows // 4)``.
    curve_weights : sequence of float in [0, 1], default=(0, 0.2, 0.4, 0.6, 0.8, 1)
        Weights of the weight curve besides ``"naive"`` and ``"optimal"``.
    curve_repeats : int or None, default=None
        Paired repeats of the weight curve; None means ``max(n_repeats, 3)``.
    n_memorisation : int, default=100
        Synthetic rows whose distance to the closest training row is measured.
    n_reference : int, default=5000
        Training rows searched for the closest one (a random subset when
        there are more).
    random_state : int, default=0
        Seed (an int >= 0) of the splits and of every draw.
    n_jobs : int or None, default=None
        joblib workers over (loop, repeat) and over the curve's repeats;
        results do not depend on it.
    verbose : int, default=0
        1 prints the estimated duration before the run and the actual one
        after it; 2 also shows progress bars.

    Returns
    -------
    result : AuditResult
        ``result.results`` (one row per loop, repeat and generation),
        ``result.summary``, ``result.curve``, ``result.answer``; ``result.save(folder)``
        writes the CSV files, the figures and the HTML report.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skrecursive.reproduce import audit
    >>> rng = np.random.RandomState(0)
    >>> x = rng.normal(size=600)
    >>> table = pd.DataFrame({"x": x, "c": np.where(x + rng.normal(size=600) > 0, "a", "b")})
    >>> result = audit(table, target="c", n_generations=2, n_repeats=2, n_real=100,
    ...                curve_weights=[0.0, 1.0], curve_repeats=2)
    >>> sorted(result.results["loop"].unique())
    ['naive', 'real only', 'w*', 'w=0']
    >>> round(result.answer["recommended_weight"], 3)
    0.618
    """
    return plan_audit(**locals()).run()


class AuditPlan:
    """A checked, piloted audit, ready to run: :func:`plan_audit` makes it.

    Attributes
    ----------
    expected_seconds : float
        The estimated duration of :meth:`run`, from the pilot's timings.
    settings : dict
        The checked settings.
    """

    def __init__(self, state):
        self._state = state
        self.expected_seconds = state["expected"]
        self.settings = {key: state[key] for key in ("name", "n_repeats", "curve_repeats",
                                                     "workers", "k", "weight_column")}
        self.settings.update(state["spec"])

    def run(self):
        """Run the loops and the weight curve.

        Returns
        -------
        result : AuditResult
        """
        return _execute(self._state)


def plan_audit(data, *, target=None, synthesizer="copula", weight_column=None,
               n_generations=10, n_repeats=5, n_real=None, k=1.0, n_validation=None,
               curve_weights=CURVE_WEIGHTS, curve_repeats=None, n_memorisation=100,
               n_reference=5000, random_state=0, n_jobs=None, verbose=0):
    """Every check and the pilot of :func:`audit`, without running it.

    Reads and checks the table and every argument, then tries the synthesizer
    and every metric once on the table, which raises now what the run would
    raise and times a generation. ``skrecursive audit`` uses it to refuse bad
    input before writing anything and to print the estimated duration.

    Parameters
    ----------
    data, target, synthesizer, weight_column, n_generations, n_repeats, n_real, k, \
n_validation, curve_weights, curve_repeats, n_memorisation, n_reference, random_state, \
n_jobs, verbose
        As in :func:`audit`.

    Returns
    -------
    plan : AuditPlan
        ``plan.expected_seconds``; ``plan.run()`` returns the
        :class:`AuditResult` that :func:`audit` would.
    """
    start = time.perf_counter()
    check_args("audit", {
        "n_generations": [Interval(Integral, 1, None, closed="left")],
        "n_repeats": [Interval(Integral, 2, None, closed="left")],
        "n_real": [NONE, Interval(Integral, 2, None, closed="left")],
        "k": [Interval(Real, 0, None, closed="neither")],
        "n_validation": [NONE, Interval(Integral, 10, None, closed="left")],
        "curve_repeats": [NONE, Interval(Integral, 2, None, closed="left")],
        "n_memorisation": [Interval(Integral, 1, None, closed="left")],
        "n_reference": [Interval(Integral, 1, None, closed="left")],
        "random_state": [SEED32],
        "n_jobs": N_JOBS,
        "verbose": [Interval(Integral, 0, None, closed="left")],
    }, locals())
    curve_labels = _curve_labels(curve_weights)
    model, name = _synthesizer(synthesizer)
    frame = read_table(data)
    table, weights, dropped, scoring = _check_table(frame, target, weight_column)
    n_rows = len(table)
    if n_validation is None:
        n_validation = min(2000, n_rows // 4)
    if n_validation < 10 or n_rows - n_validation < 10:
        raise ValueError(
            f"The table has {n_rows} rows: the audit needs at least 10 held-out rows "
            f"(n_validation, got {n_validation}) and 10 training rows besides them."
        )
    n_train = n_rows - n_validation
    if n_real is None:
        n_real = min(1000, n_train)
    n_synthetic = max(1, round(n_real / k))
    numeric = [c for c in table.columns if _is_number(table[c])]
    spec = {
        "seed": int(random_state), "n_generations": int(n_generations), "n_real": int(n_real),
        "n_synthetic": int(n_synthetic), "n_validation": int(n_validation),
        "n_reference": int(min(n_reference, n_train)), "n_memorisation": int(n_memorisation),
        "target": target, "scoring": scoring,
        "has_categories": len(numeric) < table.shape[1],
    }
    spec["metrics"] = [m for m in _METRICS
                       if (m != "coverage" or spec["has_categories"])
                       and (m != "utility" or target is not None)]
    pilot = _pilot(table, weights, model, spec)
    workers = effective_workers(n_jobs, len(SYNTHESIZER_LOOPS) * n_repeats)
    curve_repeats = max(n_repeats, 3) if curve_repeats is None else curve_repeats
    n_fits = (n_generations + 1) * (len(SYNTHESIZER_LOOPS) * n_repeats
                                    + (len(curve_labels) + 1) * curve_repeats)
    n_measures = (n_generations + 1) * len(SYNTHESIZER_LOOPS) * n_repeats
    n_scores = (n_generations + 1) * (len(curve_labels) + 1) * curve_repeats
    expected = (n_fits * pilot["fit"] + n_measures * pilot["measure"]
                + n_scores * pilot["score"]) / min(workers, len(SYNTHESIZER_LOOPS) * n_repeats)
    if verbose:
        print(f"audit: {name} on {n_rows:,} rows x {table.shape[1]} columns; 4 loops x "
              f"{n_repeats} repeats x {n_generations} generations and a weight curve of "
              f"{len(curve_labels) + 1} weights x {curve_repeats} repeats: {n_fits:,} fits of "
              f"{1e3 * pilot['fit']:.0f} ms and {n_measures:,} measurements of "
              f"{1e3 * pilot['measure']:.0f} ms; expect about {duration(expected)} on "
              f"{workers} worker(s)", flush=True)

    state = {"start": start, "data": data, "table": table, "weights": weights, "model": model,
            "name": name, "spec": spec, "curve_labels": curve_labels,
            "curve_repeats": curve_repeats, "n_repeats": n_repeats, "n_jobs": n_jobs,
            "verbose": verbose, "expected": expected, "workers": workers, "k": k,
            "dropped": dropped, "numeric": numeric, "weight_column": weight_column}
    return AuditPlan(state)


def _execute(plan):
    """The loops, the weight curve and the summaries of a checked :func:`plan_audit`."""
    start, data, table, weights, model = (plan[key] for key in (
        "start", "data", "table", "weights", "model"))
    spec, n_repeats, n_jobs, verbose = (plan[key] for key in (
        "spec", "n_repeats", "n_jobs", "verbose"))
    curve_labels, curve_repeats, expected = (plan[key] for key in (
        "curve_labels", "curve_repeats", "expected"))
    n_generations, n_real, n_synthetic = (spec[key] for key in (
        "n_generations", "n_real", "n_synthetic"))
    n_rows, n_validation, random_state = len(table), spec["n_validation"], spec["seed"]
    target, scoring, numeric = spec["target"], spec["scoring"], plan["numeric"]
    cells = [(label, r) for r in range(n_repeats) for label in SYNTHESIZER_LOOPS]
    calls = [(_one_loop, (table, weights, model, label, r, spec), {}) for label, r in cells]
    runs = run_in_order(calls, n_jobs=n_jobs, progress=verbose >= 2, desc="audit loops")
    parts = []
    for (label, r), run in zip(cells, runs, strict=True):
        part = pd.DataFrame({m: run[m] for m in spec["metrics"]})
        part.insert(0, "generation", run["generation"])
        part.insert(0, "repeat", r)
        part.insert(0, "weight", run["weight"])
        part.insert(0, "loop", label)
        parts.append(part)
    results = pd.concat(parts, ignore_index=True)
    baseline = pd.DataFrame([_baseline(table, spec, r) for r in range(n_repeats)])
    summary = _summarize(results, baseline, spec["metrics"])

    if verbose:
        print("audit: weight curve ...", flush=True)
    curve_est = RecursiveDensityEstimator(
        model, n_generations=n_generations, n_real=n_real, n_synthetic=n_synthetic,
        validation_fraction=n_validation / n_rows, scoring=_CurveScore())
    with threadpool_limits(1):
        curve = weight_curve(curve_est, table, weights=curve_labels, n_repeats=curve_repeats,
                             last=min(5, n_generations + 1), sample_weight=weights,
                             n_jobs=n_jobs, random_state=random_state)
    curve = _recommended_interval(curve)
    seconds = time.perf_counter() - start
    opt = summary[(summary["loop"] == "w*") & (summary["metric"] == HEADLINE)].iloc[0]
    inside = curve[curve["within_error"]]
    answer = {
        "metric": HEADLINE,
        "recommended_weight": float(curve.attrs["optimal_weight"]),
        "interval": (float(inside["weight"].min()), float(inside["weight"].max())),
        "optimal_last": float(opt["mean"]),
        **{f"{label}_minus_optimal": float(summary[(summary["loop"] == label)
                                                   & (summary["metric"] == HEADLINE)]
                                           ["diff_to_optimal"].iloc[0])
           for label in ("w=0", "naive")},
    }
    from .. import __version__

    settings = {
        "table": data if isinstance(data, (str, os.PathLike)) else "a data frame",
        "synthesizer": plan["name"], "target": target, "scoring": scoring,
        "weight_column": plan["weight_column"], "n_rows": n_rows, "n_columns": table.shape[1],
        "n_numeric": len(numeric), "n_other": table.shape[1] - len(numeric),
        "n_missing": int(table.isna().sum().sum()),
        "rows_dropped": plan["dropped"], "n_generations": int(n_generations),
        "n_repeats": int(n_repeats), "curve_repeats": int(curve_repeats),
        "n_real": int(n_real), "n_synthetic": int(n_synthetic), "k": float(plan["k"]),
        "n_validation": int(n_validation), "n_memorisation": spec["n_memorisation"],
        "n_reference": spec["n_reference"], "seed": int(random_state),
        "metrics": ";".join(spec["metrics"]), "n_curve_weights": len(curve),
        "curve_last": int(curve.attrs["last"]), "expected_seconds": float(expected),
        "seconds": float(seconds), "workers": plan["workers"], "version": __version__,
    }
    settings["table"] = os.fspath(settings["table"])
    if verbose:
        print(f"audit: finished in {duration(seconds)} (expected about "
              f"{duration(expected)})", flush=True)
    return AuditResult(results, summary, curve, answer, settings)


def _curve_labels(curve_weights):
    try:
        weights = list(curve_weights)
    except TypeError:
        raise TypeError(
            "The 'curve_weights' parameter of audit must be a sequence of floats in [0, 1]; "
            f"got {type(curve_weights).__name__}.") from None
    for w in weights:
        if not (isinstance(w, Real) and not isinstance(w, bool) and 0.0 <= w <= 1.0):
            raise ValueError(
                "The 'curve_weights' parameter of audit must hold floats in [0, 1]; got "
                f"{w!r}.")
    if len(set(weights)) != len(weights):
        raise ValueError(f"The 'curve_weights' parameter of audit must be distinct; got "
                         f"{weights!r}.")
    return [float(w) for w in weights] + ["naive"]


def _pilot(table, weights, model, spec):
    """Fit, sample and measure once on the table: errors surface now, and their time."""
    train, held, reference = _split(len(table), spec["n_validation"], spec["n_reference"],
                                    spec["seed"], 0)
    rng = np.random.RandomState(spec["seed"])
    chosen = rng.choice(train, spec["n_real"] + spec["n_synthetic"])
    rows = table.iloc[chosen].reset_index(drop=True)
    sw = None if weights is None else weights[chosen]
    # two generations of the loop itself: its own checks of the table run too
    est = RecursiveDensityEstimator(model, n_generations=1, n_real=spec["n_real"],
                                    n_synthetic=spec["n_synthetic"], validation_fraction=0.0,
                                    scoring=_not_scored, random_state=spec["seed"])
    try:
        with threadpool_limits(1):
            est.fit(rows, sample_weight=sw)
            fresh = est.estimator_
            drawn = sample_rows(fresh, spec["n_synthetic"], rng)
            # timed again once warm: the first fit pays one-off costs (imports, caches)
            # that the run pays once, not per fit
            start = time.perf_counter()
            est.fit(rows, sample_weight=sw)
            sample_rows(est.estimator_, spec["n_synthetic"], rng)
            fit = (time.perf_counter() - start) / 2
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The synthesizer cannot model this table: {exc}") from None
    if not isinstance(drawn, pd.DataFrame) or list(drawn.columns) != list(table.columns):
        raise TypeError(
            "The synthesizer's sample must return a DataFrame with the table's columns; got "
            f"{type(drawn).__name__}.")
    take = table.iloc
    try:
        with threadpool_limits(1):
            measure = _Measure(spec, take[held].reset_index(drop=True),
                               None if weights is None else weights[held],
                               take[train].reset_index(drop=True),
                               take[reference].reset_index(drop=True), rng)
            measure(0, fresh, None, None, None)
            start = time.perf_counter()  # warm, as above
            measure(0, fresh, None, None, None)
            measured = time.perf_counter() - start
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The audit's metrics cannot measure this table: {exc}") from None
    score = _CurveScore()
    held_rows, held_weights = take[held], None if weights is None else weights[held]
    score(fresh, held_rows, held_weights)
    start = time.perf_counter()
    score(fresh, held_rows, held_weights)
    return {"fit": fit, "measure": measured, "score": time.perf_counter() - start}
