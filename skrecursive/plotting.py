"""Display objects, in scikit-learn's style, for generation and weight curves.

* :class:`GenerationCurveDisplay`: the validation score of every generation of
  one or several fitted recursive estimators (from their ``history_``), one
  line per estimator with its weight in the legend.
* :class:`WeightCurveDisplay`: error against the weight ``w`` from repeated
  runs, the mean with a confidence band, the theoretical optimum
  ``optimal_weight(k)`` and the empirical minimiser.

Like scikit-learn's ``LearningCurveDisplay``, each display stores the data it
plots, has a ``plot(ax=None, ...)`` method, a ``from_estimator`` or
``from_results`` class method that computes the data and plots, and exposes
the drawn artists as ``lines_``, ``ax_`` and ``figure_``. matplotlib is
imported only when something is drawn.
"""

from numbers import Real

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.utils.validation import check_is_fitted

from ._core.curve_data import DIRECTION, score_label, search_curve
from ._core.loop import BaseRecursiveEstimator
from ._core.weight_curve import weight_curve
from ._core.weight_rule import optimal_weight

__all__ = ["GenerationCurveDisplay", "WeightCurveDisplay"]


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


class GenerationCurveDisplay:
    """Per-generation validation scores of fitted recursive estimators.

    Build it with :meth:`from_estimator`; the constructor only stores data.

    Parameters
    ----------
    generations : list of ndarray
        Generation numbers, one array per estimator.
    scores : list of ndarray
        Validation score of every generation, one array per estimator.
    weights : list of float
        Total weight on real rows of each estimator (``weight_``).
    labels : list of str or None, default=None
        Legend names; None numbers the estimators.
    score_name : str, default=None
        Label of the y axis; None means ``"Score (higher is better)"``.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One line per estimator.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skrecursive import RecursiveWeightedClassifier
    >>> from skrecursive.plotting import GenerationCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> fits = [RecursiveWeightedClassifier(LogisticRegression(max_iter=1000), weight=w,
    ...                                     n_generations=3, random_state=0).fit(X, y)
    ...         for w in (0.0, "optimal")]
    >>> disp = GenerationCurveDisplay.from_estimator(fits, labels=["w = 0", "optimal"])
    >>> len(disp.lines_), disp.lines_[1].get_label()
    (2, 'optimal (w = 0.618)')
    """

    def __init__(self, *, generations, scores, weights, labels=None, score_name=None):
        self.generations = generations
        self.scores = scores
        self.weights = weights
        self.labels = labels
        self.score_name = score_name

    def plot(self, ax=None, *, negate_score=False, score_name=None, line_kw=None):
        """Draw one line of scores against generations per estimator.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None creates a new figure.
        negate_score : bool, default=False
            Plot minus the scores (e.g. a log loss from ``"neg_log_loss"``).
        score_name : str, default=None
            Overrides the stored y-axis label.
        line_kw : dict, default=None
            Passed to ``ax.plot`` for every line.

        Returns
        -------
        display : GenerationCurveDisplay
        """
        ax = _axes(ax)
        labels = self.labels
        if labels is None:
            labels = [None] * len(self.scores) if len(self.scores) == 1 else [
                f"estimator {i}" for i in range(len(self.scores))
            ]
        sign = -1.0 if negate_score else 1.0
        self.lines_ = []
        for gens, scores, w, label in zip(
            self.generations, self.scores, self.weights, labels, strict=True
        ):
            legend = f"w = {w:.3f}" if label is None else f"{label} (w = {w:.3f})"
            (line,) = ax.plot(gens, sign * np.asarray(scores), label=legend, **(line_kw or {}))
            self.lines_.append(line)
        if score_name is None:
            score_name = (self.score_name if self.score_name is not None
                          else score_label(None, negate_score))
        ax.set_xlabel("Generation")
        ax.set_ylabel(score_name)
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimators, *, labels=None, ax=None, score_name=None, negate_score=False,
        line_kw=None, metric=None,
    ):
        """Plot the per-generation scores stored in fitted estimators' ``history_``.

        Parameters
        ----------
        estimators : fitted recursive estimator or list of them
            Fitted with ``fit`` and a validation set (``validation_fraction``
            > 0), so that ``history_["score"]`` holds scores.
        labels : list of str, default=None
            One legend name per estimator; each legend entry also shows the
            estimator's weight ``weight_``.
        ax : matplotlib Axes, default=None
            Where to draw; None creates a new figure.
        score_name : str, default=None
            y-axis label; None derives it from the first estimator's
            ``scoring`` and says which way is better (e.g. ``"neg_log_loss"``
            -> ``"Negative log loss (higher is better)"``, or ``"Log loss
            (lower is better)"`` with ``negate_score=True``).
        negate_score : bool, default=False
            Plot minus the scores (an error, lower is better).
        line_kw : dict, default=None
            Passed to ``ax.plot``.
        metric : str, default=None
            For estimators fitted with a multi-metric ``scoring`` (list or
            dict): which metric to plot, read from ``history_["score_<metric>"]``.

        Returns
        -------
        display : GenerationCurveDisplay
        """
        key = "score" if metric is None else f"score_{metric}"
        if not isinstance(estimators, (list, tuple)):
            estimators = [estimators]
        if len(estimators) == 0:
            raise ValueError("estimators must hold at least one fitted recursive estimator.")
        if labels is not None:
            labels = list(labels)
            if len(labels) != len(estimators):
                raise ValueError(
                    f"labels has {len(labels)} entries for {len(estimators)} estimators."
                )
        for est in estimators:
            if not isinstance(est, BaseRecursiveEstimator):
                raise TypeError(
                    f"estimators must be recursive skrecursive estimators with a history_; got "
                    f"{type(est).__name__}."
                )
            check_is_fitted(est, "history_")
            if key not in est.history_:
                metrics = [k[6:] for k in est.history_ if k.startswith("score_")]
                raise ValueError(
                    f"metric={metric!r} is not in the estimator's history; "
                    + (f"choose metric among {metrics}." if metrics else "leave metric=None.")
                )
            if np.all(np.isnan(est.history_[key])):
                raise ValueError(
                    f"{type(est).__name__} has no validation scores: fit it with fit() and "
                    "validation_fraction > 0 (partial_fit records no scores)."
                )
        if score_name is None:
            scoring = metric if metric is not None else getattr(estimators[0], "scoring", None)
            score_name = score_label(scoring, negate_score)
        disp = cls(
            generations=[np.asarray(e.history_["generation"]) for e in estimators],
            scores=[np.asarray(e.history_[key]) for e in estimators],
            weights=[float(e.weight_) for e in estimators],
            labels=labels,
            score_name=score_name,
        )
        return disp.plot(ax=ax, negate_score=negate_score, line_kw=line_kw)


class WeightCurveDisplay:
    """Error against the weight on real data, over repeated runs.

    Build it with :meth:`from_results`; the constructor only stores data.

    .. versionchanged:: 0.2
       The inputs are stored under their parameter names, without a trailing
       underscore (``weights``, ``mean``, ``lower``, ``upper``, ``minimiser``,
       ``optimal_weight``), as scikit-learn reserves the trailing underscore
       for what :meth:`plot` creates; ``minimizer`` and ``minimizer_`` are now
       spelt ``minimiser`` like everywhere else in skrecursive (the marker is
       ``minimiser_marker_``); the table measured by :meth:`from_estimator`
       is ``curve``, not ``curve_``. The band is labelled with its confidence
       level.

    Parameters
    ----------
    weights : ndarray of shape (n_weights,)
        The distinct weights, sorted.
    mean, lower, upper : ndarray of shape (n_weights,)
        Mean error over repeats and its confidence interval.
    minimiser : float
        The weight with the smallest mean error.
    optimal_weight : float or None, default=None
        ``w*(k)``; drawn as a vertical line when given.
    error_name : str, default="Error"
        Label of the y axis.
    confidence : float in (0, 1) or None, default=None
        Level of the interval ``[lower, upper]``, shown in the legend entry of
        the band; None labels it "confidence interval" without a level.
    curve : pandas.DataFrame or None, default=None
        The table the display was computed from, when :meth:`from_estimator`
        measured it with :func:`skrecursive.weight_curve`.
    interval : str, default="confidence interval"
        What the band is, for its legend entry (after the level). The paired
        curve of :meth:`from_estimator` draws the interval of each weight's
        paired difference to ``w*(k)`` around the mean, which it names so.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The mean error curve (also ``lines_[0]``).
    lines_ : list of matplotlib Line2D
        The mean curve, then the vertical line at ``optimal_weight`` if any.
    fill_between_ : matplotlib PolyCollection
        The confidence band.
    minimiser_marker_ : matplotlib Line2D
        The marker at the empirical minimum.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, pandas as pd
    >>> from skrecursive import limiting_risk
    >>> from skrecursive.plotting import WeightCurveDisplay
    >>> rng = np.random.RandomState(0)
    >>> w = np.repeat(np.linspace(0.2, 0.9, 8), 50)
    >>> df = pd.DataFrame({"weight": w, "repeat": np.tile(np.arange(50), 8),
    ...                    "error": limiting_risk(w, 1.0) * rng.exponential(size=w.size)})
    >>> disp = WeightCurveDisplay.from_results(df, k=1.0)
    >>> round(disp.optimal_weight, 3), disp.weights.size, disp.fill_between_.get_label()
    (0.618, 8, '95% confidence interval')
    """

    def __init__(
        self, *, weights, mean, lower, upper, minimiser, optimal_weight=None, error_name="Error",
        confidence=None, curve=None, interval="confidence interval",
    ):
        self.weights = np.asarray(weights, dtype=float)
        self.mean = np.asarray(mean, dtype=float)
        self.lower = np.asarray(lower, dtype=float)
        self.upper = np.asarray(upper, dtype=float)
        self.minimiser = float(minimiser)
        self.optimal_weight = None if optimal_weight is None else float(optimal_weight)
        self.error_name = error_name
        self.confidence = confidence
        self.curve = curve
        self.interval = interval

    def plot(self, ax=None, *, line_kw=None, fill_between_kw=None, error_name=None):
        """Draw the mean error with its band, ``w*(k)`` and the empirical minimum.

        The legend goes in a corner that neither the curve nor the line at
        ``w*(k)`` crosses: the y axis gets head room above the curve and the
        legend sits in the upper corner farther from ``w*(k)``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None creates a new figure.
        line_kw : dict, default=None
            Passed to ``ax.plot`` for the mean curve.
        fill_between_kw : dict, default=None
            Passed to ``ax.fill_between`` for the confidence band.
        error_name : str, default=None
            Overrides the stored y-axis label.

        Returns
        -------
        display : WeightCurveDisplay
        """
        ax = _axes(ax)
        (self.line_,) = ax.plot(
            self.weights, self.mean, **{"marker": "o", "label": "mean error", **(line_kw or {})}
        )
        band = self.interval if self.confidence is None else (
            f"{100 * self.confidence:g}% {self.interval}"
        )
        self.fill_between_ = ax.fill_between(
            self.weights, self.lower, self.upper,
            **{"alpha": 0.3, "label": band, **(fill_between_kw or {})},
        )
        self.lines_ = [self.line_]
        if self.optimal_weight is not None:
            self.lines_.append(
                ax.axvline(
                    self.optimal_weight, color="black", linestyle="--",
                    label=f"optimal weight w* = {self.optimal_weight:.3f}",
                )
            )
        i = int(np.argmin(self.mean))
        (self.minimiser_marker_,) = ax.plot(
            [self.minimiser], [self.mean[i]], linestyle="none", marker="*", markersize=14,
            color="red", label=f"empirical minimiser w = {self.minimiser:.3g}",
        )
        ax.set_xlabel("Weight on real data w")
        ax.set_ylabel(self.error_name if error_name is None else error_name)
        # head room for the legend above the band, in the upper corner away from w*
        low, high = np.nanmin(self.lower), np.nanmax(self.upper)
        span = high - low if high > low else max(abs(high), 1.0)
        ax.set_ylim(min(ax.get_ylim()[0], low - 0.05 * span), high + 0.75 * span)
        x_low, x_high = ax.get_xlim()
        if self.optimal_weight is None:
            loc = "upper right"
        else:
            loc = "upper left" if self.optimal_weight > (x_low + x_high) / 2 else "upper right"
        ax.legend(loc=loc)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_results(
        cls, df, *, weight_col="weight", error_col="error", k=None, ax=None, confidence=0.95,
        error_name=None, line_kw=None, fill_between_kw=None, greater_is_better=False,
    ):
        """Summarise a tidy table of runs and plot error against weight.

        The display marks the weight with the *smallest* mean: ``error_col``
        is an error, lower is better. For a score (greater is better, such
        as a column of ``history_`` scores or a coverage) pass
        ``greater_is_better=True``: minus the score is plotted, so the marker
        is at the largest mean score.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per (weight, repeat), e.g. from :mod:`skrecursive.reproduce`.
        weight_col, error_col : str, default="weight", "error"
            Columns holding the weight and the error of each run.
        k : float, default=None
            Real rows per synthetic row; draws a vertical line at
            ``optimal_weight(k)`` when given (with unequal row weights pass
            the effective ratio, :func:`~skrecursive.effective_k`).
        ax : matplotlib Axes, default=None
            Where to draw; None creates a new figure.
        confidence : float in (0, 1), default=0.95
            Level of the Student-t confidence interval of each mean
            (``mean +- t * sd / sqrt(repeats)``; a weight with a single
            repeat gets the mean as both bounds).
        error_name : str, default=None
            y-axis label; None uses ``error_col`` and says which way is better
            (``"error (lower is better)"``, or ``"Negative coverage (lower is
            better)"`` for a score ``coverage``).
        line_kw, fill_between_kw : dict, default=None
            Passed to :meth:`plot`.
        greater_is_better : bool, default=False
            Whether ``error_col`` is a score (greater is better) rather than
            an error; as ``greater_is_better`` of
            :func:`sklearn.metrics.make_scorer`.

        Returns
        -------
        display : WeightCurveDisplay
        """
        if not isinstance(greater_is_better, (bool, np.bool_)):
            raise TypeError(f"greater_is_better must be a bool; got {greater_is_better!r}.")
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}.")
        for name, col in (("weight_col", weight_col), ("error_col", error_col)):
            if col not in df.columns:
                raise ValueError(
                    f"{name}={col!r} is not a column of df; columns are {list(df.columns)}."
                )
        if not (isinstance(confidence, Real) and 0 < confidence < 1):
            raise ValueError(f"confidence must be a float in (0, 1); got {confidence!r}.")
        if len(df) == 0:
            raise ValueError("df has no rows.")
        try:
            data = df[[weight_col, error_col]].astype(float)
        except (TypeError, ValueError):
            raise TypeError(
                f"Columns {weight_col!r} and {error_col!r} of df must hold numbers; got dtypes "
                f"{df[weight_col].dtype} and {df[error_col].dtype}."
            ) from None
        values = data.to_numpy()
        if not np.isfinite(values).all():
            bad = [c for c, ok in zip(data.columns, np.isfinite(values).all(axis=0),
                                      strict=True) if not ok]
            raise ValueError(
                f"Columns {weight_col!r} and {error_col!r} must hold finite numbers; {bad} "
                "holds NaN or infinity (a diverged or failed run): drop those rows, e.g. "
                f"df[np.isfinite(df[{error_col!r}])], and say how many beside the figure."
            )
        if greater_is_better:  # minus a score is an error: the marker goes to its largest mean
            data[error_col] = -data[error_col]
        if error_name is None:
            error_name = (f"Negative {error_col}" if greater_is_better
                          else str(error_col)) + DIRECTION[True]
        grouped = data.groupby(weight_col, sort=True)[error_col]
        mean = grouped.mean().to_numpy()
        sd = grouped.std(ddof=1).to_numpy()
        count = grouped.count().to_numpy()
        weights = grouped.mean().index.to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = stats.t.ppf(0.5 + confidence / 2, np.maximum(count - 1, 1))
            half = np.where(count > 1, t * sd / np.sqrt(count), 0.0)
        disp = cls(
            weights=weights,
            mean=mean,
            lower=mean - half,
            upper=mean + half,
            minimiser=weights[int(np.argmin(mean))],
            optimal_weight=None if k is None else optimal_weight(k),
            error_name=error_name,
            confidence=confidence,
        )
        return disp.plot(ax=ax, line_kw=line_kw, fill_between_kw=fill_between_kw)

    @classmethod
    def from_estimator(
        cls, estimator, X=None, y=None, *, weights=None, n_repeats=10, last=5, paired=True,
        sample_weight=None, n_jobs=None, random_state=None, ax=None, confidence=0.95,
        error_name=None, line_kw=None, fill_between_kw=None, verbose=0,
    ):
        """Measure (or read) the weight curve of a recursive estimator and plot it.

        Two inputs are accepted:

        * an unfitted recursive meta-estimator with ``X`` (and ``y``): the
          curve is measured by :func:`skrecursive.weight_curve` (every keyword
          from ``weights`` to ``random_state`` is passed on). The plotted error
          is minus the mean late-generation validation score; the band is the
          Student-t ``confidence`` interval of the *paired* difference to the
          optimal weight (``diff_se``), the uncertainty that matters when
          comparing weights, so it closes at ``w*(k)``. The measured table is
          kept as ``curve``.
        * a fitted :class:`~sklearn.model_selection.GridSearchCV` (or
          ``RandomizedSearchCV``) around a recursive meta-estimator, searching
          ``weight``: the error is minus ``mean_test_score`` and the band the
          interval of each mean over folds. ``"optimal"`` and ``"naive"`` in
          the grid are placed at the weights they resolve to, using the
          refitted ``best_estimator_``'s ``k_`` and ``effective_k_`` (so the
          search needs ``refit=True`` when they are in the grid).

        In both cases the vertical line is the estimator's optimal weight,
        ``w*(effective_k_)`` (``w*(k_)`` without unequal row weights).

        Parameters
        ----------
        estimator : recursive meta-estimator or fitted GridSearchCV
        X, y : array-like, default=None
            The pool (for a meta-estimator); ignored for a search.
        weights, n_repeats, last, paired, sample_weight, n_jobs, random_state
            As for :func:`skrecursive.weight_curve`.
        ax : matplotlib Axes, default=None
            Where to draw; None creates a new figure.
        confidence : float in (0, 1), default=0.95
            Level of the band.
        error_name : str, default=None
            y-axis label; None derives it from the estimator's (or the
            search's) ``scoring`` and says that lower is better (e.g.
            ``"neg_log_loss"`` -> ``"Log loss (lower is better)"``,
            :func:`~skrecursive.metrics.neg_marginal_distance_scorer` ->
            ``"Marginal distance (lower is better)"``).
        line_kw, fill_between_kw : dict, default=None
            Passed to :meth:`plot`.
        verbose : int or bool, default=0
            Show a progress bar while the curve is measured (as for
            :func:`skrecursive.weight_curve`); ignored for a search.

        Returns
        -------
        display : WeightCurveDisplay

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skrecursive import RecursiveWeightedRegressor
        >>> from skrecursive.plotting import WeightCurveDisplay
        >>> rng = np.random.RandomState(0)
        >>> X = rng.standard_normal((300, 2))
        >>> y = X @ [1.0, 2.0] + rng.standard_normal(300)
        >>> est = RecursiveWeightedRegressor(n_generations=5, n_real=40,
        ...                                  scoring="neg_mean_squared_error")
        >>> disp = WeightCurveDisplay.from_estimator(
        ...     est, X, y, weights=[0.3, 0.5, 0.9], n_repeats=4, last=3, random_state=0)
        >>> round(disp.optimal_weight, 3), disp.ax_.get_ylabel()
        (0.618, 'Mean squared error (lower is better)')
        >>> disp.curve["label"].tolist()
        [0.3, 0.5, 'optimal', 0.9]
        """
        if not (isinstance(confidence, Real) and 0 < confidence < 1):
            raise ValueError(f"confidence must be a float in (0, 1); got {confidence!r}.")
        if hasattr(estimator, "cv_results_") and isinstance(
            getattr(estimator, "estimator", None), BaseRecursiveEstimator
        ):
            data = search_curve(estimator, confidence)
            curve = None
        elif isinstance(estimator, BaseRecursiveEstimator) or hasattr(estimator, "cv_results_"):
            if hasattr(estimator, "cv_results_"):
                raise TypeError(
                    "estimator is a search over a model that is not a skrecursive recursive "
                    f"meta-estimator ({type(estimator.estimator).__name__})."
                )
            if X is None:
                raise ValueError("X is required to measure the weight curve of an estimator.")
            if weights is None:
                raise ValueError("weights is required to measure the weight curve.")
            curve = weight_curve(
                estimator, X, y, weights=weights, n_repeats=n_repeats, last=last,
                paired=paired, sample_weight=sample_weight, n_jobs=n_jobs,
                random_state=random_state, verbose=verbose,
            )
            mean = -curve["score_mean"].to_numpy()
            t = stats.t.ppf(0.5 + confidence / 2, max(n_repeats - 1, 1))
            half = np.nan_to_num(t * curve["diff_se"].to_numpy())
            data = {
                "weights": curve["weight"].to_numpy(), "mean": mean,
                "lower": mean - half, "upper": mean + half,
                "optimal_weight": curve.attrs["optimal_weight"], "scoring": estimator.scoring,
                "interval": ("interval of the paired difference to w*" if paired
                             else "interval of the difference to w*"),
            }
        else:
            raise TypeError(
                "estimator must be a skrecursive recursive meta-estimator or a fitted "
                f"GridSearchCV around one; got {type(estimator).__name__}."
            )
        disp = cls(
            weights=data["weights"], mean=data["mean"], lower=data["lower"],
            upper=data["upper"], minimiser=data["weights"][int(np.argmin(data["mean"]))],
            optimal_weight=data["optimal_weight"],
            error_name=error_name or score_label(data["scoring"], negate_score=True),
            confidence=confidence, curve=curve,
            interval=data.get("interval", "confidence interval"),
        )
        return disp.plot(ax=ax, line_kw=line_kw, fill_between_kw=fill_between_kw)
