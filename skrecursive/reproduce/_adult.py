"""The Adult experiments of the paper (public names re-exported by skrecursive.reproduce).

He, Xu & Cheng, "Recursive learning without collapse: a weighting-based
stabilization framework", JRSSB 2026, doi:10.1093/jrsssb/qkag099.

Each function runs one experiment with the paper's sizes as defaults (apart
from the number of repeats, chosen so the default finishes in well under a
minute on two cores) and returns a tidy DataFrame, one row per (weight, repeat) or,
for the classifier, per (loop, generation), so that any summary, interval or
plot can be computed from it; :func:`plot_adult` draws the figure of
``skrecursive adult`` from them.
"""

import functools
import re
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin

from .._core.weight_rule import WEIGHT
from .._utils.parallel import effective_workers, run_in_order
from .._utils.validation import (
    BOOLEAN,
    N_JOBS,
    NONE,
    SEED,
    SEED32,
    Interval,
    InvalidParameterError,
    ListOf,
    Options,
    check_args,
    check_columns,
    check_memory,
)
from ..simulation import (
    ADULT_CATEGORICAL_COLUMNS,
    PAPER_WEIGHTS,
    run_adult_categorical,
    run_adult_logistic,
)

__all__ = [
    "adult_logistic", "adult_categorical", "adult_classifier", "plot_adult",
    "ADULT_CLASSIFIER_LOOPS", "ADULT_ERROR_NAME",
]

#: Default repeats of the Adult experiments (the paper uses 1000); see ``adult_logistic``.
ADULT_DEFAULT_REPEATS = 100


class _Columns:
    def is_satisfied_by(self, value):
        return (
            not isinstance(value, str)
            and isinstance(value, (list, tuple))
            and len(value) > 0
            and all(v in _ALL_CATEGORICAL for v in value)
        )

    def __str__(self):
        return f"a non-empty list of Adult categorical columns among {_ALL_CATEGORICAL}"


_ALL_CATEGORICAL = (
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native-country",
)

_COMMON = {
    "n": [Interval(Integral, 2, None, closed="left")],
    "k": [Interval(Real, 0, None, closed="neither")],
    "n_generations": [Interval(Integral, 1, None, closed="left")],
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "weights": [ListOf(WEIGHT.number), NONE],
    "last": [Interval(Integral, 1, None, closed="left")],
    "drop_missing": [BOOLEAN],
    "random_state": [SEED],
    "n_jobs": N_JOBS,
    "progress": [BOOLEAN],
}


def _check(func, table, values):
    """Check the arguments of ``func``; return the ``_COMMON`` ones as the engines take them."""
    check_args(func, table, values)
    if values["last"] > values["n_generations"]:
        raise InvalidParameterError(
            f"The 'last' parameter of {func} must be at most n_generations="
            f"{values['n_generations']}. Got {values['last']!r} instead."
        )
    # a task advances up to 50 repeats together; each holds its real and
    # synthetic rows (5 features, a few temporaries of that size)
    n, m = values["n"], max(1, round(values["n"] / values["k"]))
    n_weights = 30 if values["weights"] is None else len(values["weights"])
    per_task = 8 * 50 * (n + m) * 6 * 8
    values["n_jobs"] = effective_workers(values["n_jobs"], n_weights * values["n_repeats"])
    check_memory(values["n_jobs"] * per_task + 8 * 20 * n_weights * values["n_repeats"],
                 f"{func}(n={n}, k={values['k']}, n_repeats={values['n_repeats']})")
    weights = PAPER_WEIGHTS.copy() if values["weights"] is None else values["weights"]
    return dict(
        n=values["n"],
        k=float(values["k"]),
        n_generations=values["n_generations"],
        n_repeats=values["n_repeats"],
        weights=np.asarray(weights, dtype=float),
        last=values["last"],
        drop_missing=bool(values["drop_missing"]),
        random_state=values["random_state"],
        n_jobs=values["n_jobs"],
        progress=values["progress"],
    )


def adult_logistic(
    *,
    n=500,
    k=1.0,
    n_generations=100,
    n_repeats=ADULT_DEFAULT_REPEATS,
    weights=None,
    last=20,
    C=1.0,
    drop_missing=False,
    random_state=None,
    n_jobs=None,
    progress=False,
    engine="batched",
):
    """Logistic regression on the UCI Adult data: error versus weight.

    The paper's real-data experiment: features age, education-num,
    capital-gain, capital-loss and hours-per-week, target income > 50K. The
    pseudo-truth ``beta*`` is the L2 logistic regression (``C``, unpenalised
    intercept, as ``LogisticRegression(C=C)``) on every row of the pool.
    Generation 0 fits on ``n`` rows bootstrapped from the pool; each
    generation ``t = 1..n_generations`` bootstraps ``n`` fresh real rows,
    bootstraps ``m = round(n / k)`` synthetic covariate rows from the pool and
    labels them ``Bernoulli(expit(x' beta_{t-1}))`` with the previous
    generation's model, and fits on the mixed batch with total weight ``w``
    on the real rows (row weights ``w (n+m)/n`` and ``(1-w)(n+m)/m``). The
    error of a repeat is ``||(intercept, coef) - beta*||^2`` averaged over the
    last ``last`` generations.

    Parameters
    ----------
    n : int, default=500
        Fresh real rows per generation.
    k : float, default=1.0
        Real rows per synthetic row, ``n / m``.
    n_generations : int, default=100
        Mixing generations ``T`` after generation 0.
    n_repeats : int, default=100
        Independent repeats per weight. The paper uses 1000. Each (weight,
        repeat) costs a few CPU-milliseconds with the batched engine on the
        paper's 30 weights, more with fewer weights (``python
        benchmarks/bench_adult.py`` measures it, beside the authors'
        ``recursive_training`` when given their code); repeat ``r``
        uses the same random draws at every weight (common random numbers),
        so the paired differences between weights, which locate the minimum
        of the curve, are several times more precise than the levels
        (:func:`minimiser_interval` gives the minimiser with a confidence
        interval over repeats). Use 1000 for the paper's figure.
    weights : array-like of float in [0, 1], default=None
        Weights on the real data; None is the paper's grid 0.20, 0.22, ..., 0.78.
    last : int, default=20
        Generations averaged at the end.
    C : float, default=1.0
        Inverse L2 penalty of the logistic regressions, scikit-learn's ``C``.
    drop_missing : bool, default=False
        Drop the rows with a missing value ('?'). The authors meant to, but
        their reader's missing-value marker never matched, so their run used all
        48,842 rows: the default reproduces that. True uses the 45,222 complete
        rows. The ``rows_used`` and ``drop_missing`` columns record the choice.
    random_state : None, int or numpy.random.SeedSequence, default=None
        Root of the seeds of every chunk of repeats; the same value gives
        identical results for any ``n_jobs``.
    n_jobs : int, default=None
        Parallel workers (joblib) over (weight, chunk of repeats) tasks.
    progress : bool, default=False
        Show a tqdm progress bar.
    engine : {"batched", "sklearn"}, default="batched"
        ``"batched"`` fits every repeat of a chunk together by Newton's method
        (the same objective, solved to about 1e-12); ``"sklearn"`` fits one
        ``LogisticRegression(C=C, solver="newton-cholesky")`` per repeat and
        generation, with the same random draws (a reference path, about ten
        times slower). The authors used ``LogisticRegression(max_iter=1000)``
        (lbfgs): the same objective, solved less precisely (relative
        differences in the error of about 1e-5).

    Returns
    -------
    results : pandas.DataFrame
        One row per (weight, repeat): ``weight``, ``repeat``, ``error`` (NaN,
        with a ``RuntimeWarning`` giving the count, where a fit did not
        converge), and constant columns ``k``, ``n``, ``m``, ``n_generations``,
        ``rows_used``, ``drop_missing``. ``results.attrs`` holds the
        pseudo-truth, feature names, ``last``, ``C`` and the engine.

    Examples
    --------
    >>> from skrecursive.reproduce import adult_logistic
    >>> res = adult_logistic(n_repeats=2, n_generations=3, last=2, weights=[0.5, 0.6],
    ...                      random_state=0)
    >>> res.shape, int(res["rows_used"].iloc[0])
    ((4, 9), 48842)
    >>> [round(b, 3) for b in res.attrs["pseudo_truth"][:3]]
    [-8.259, 0.042, 0.322]
    """
    values = dict(locals())
    table = dict(_COMMON)
    table["C"] = [Interval(Real, 0, None, closed="neither")]
    table["engine"] = [Options("batched", "sklearn")]
    common = _check("adult_logistic", table, values)
    return run_adult_logistic(**common, C=float(C), engine=engine)


def adult_categorical(
    *,
    n=500,
    k=1.0,
    n_generations=100,
    n_repeats=ADULT_DEFAULT_REPEATS,
    weights=None,
    last=20,
    columns=tuple(ADULT_CATEGORICAL_COLUMNS),
    drop_missing=False,
    random_state=None,
    n_jobs=None,
    progress=False,
):
    """Category frequencies on the UCI Adult data: error versus weight.

    The paper's second real-data experiment, run separately for each column
    (workclass, education, marital-status by default), exactly as the
    authors do: the truth ``p*`` is the column's category frequencies over
    the pool; generation 0 estimates them from ``n`` rows bootstrapped from
    the pool; generation ``t`` combines the frequencies of ``n`` fresh
    bootstrapped rows with those of ``m = round(n / k)`` draws from the
    previous estimate, ``p_t = w freq(real) + (1 - w) freq(syn)``.

    The error of a repeat, for one column with ``K`` categories, is the mean
    squared error over the categories, ``(1/K) sum_j (p_t,j - p*_j)^2``,
    averaged over the last ``last`` generations. It is *not* averaged over
    columns: each column is its own experiment (one figure each in the
    paper), identified by the ``column`` column of the result.

    A bootstrap of ``n`` rows of one column has exactly multinomial category
    counts with probabilities ``p*``, so the engine draws the counts
    directly. Theory (user guide, recursion page): the error is about
    ``C / n * R(w, k)`` with ``C = (1/K) sum_j p*_j (1 - p*_j)``; the
    ``relative_error`` column is ``error / (C / n)``, to compare with
    :func:`skrecursive.limiting_risk`.

    Parameters
    ----------
    n, k, n_generations, n_repeats, weights, last, drop_missing, random_state, n_jobs, progress
        As in :func:`adult_logistic`. With ``drop_missing=False`` (the
        authors' run) a missing value '?' counts as a category of its own.
    columns : sequence of str, default=("workclass", "education", "marital-status")
        Categorical columns of the Adult data, each run separately.

    Returns
    -------
    results : pandas.DataFrame
        One row per (column, weight, repeat): ``column``, ``weight``,
        ``repeat``, ``error``, ``n_categories``, ``relative_error``, and
        constant columns ``k``, ``n``, ``m``, ``n_generations``, ``rows_used``,
        ``drop_missing``.

    Examples
    --------
    >>> from skrecursive.reproduce import adult_categorical
    >>> res = adult_categorical(n_repeats=3, n_generations=5, last=2, weights=[0.6],
    ...                         columns=["workclass"], random_state=0)
    >>> res.shape, int(res["n_categories"].iloc[0])
    ((3, 12), 9)
    """
    values = dict(locals())
    table = dict(_COMMON)
    table["columns"] = [_Columns()]
    values["columns"] = list(columns) if isinstance(columns, tuple) else columns
    common = _check("adult_categorical", table, values)
    return run_adult_categorical(**common, columns=list(columns))


#: The loops of :func:`adult_classifier` by default: legend name -> ``weight`` of
#: :class:`~skrecursive.RecursiveWeightedClassifier`.
ADULT_CLASSIFIER_LOOPS = {
    "fully synthetic (w = 0)": 0.0,
    "naive": "naive",
    "optimal w*": "optimal",
    "real only (w = 1)": 1.0,
}


class _Loops:
    def is_satisfied_by(self, value):
        if not isinstance(value, dict) or not value:
            return False
        return all(
            isinstance(name, str)
            and WEIGHT.is_satisfied_by(w)
            for name, w in value.items()
        )

    def __str__(self):
        return "a non-empty dict of names to weights (a float in [0, 1], 'naive' or 'optimal')"


@functools.lru_cache(maxsize=2)
def _encoded_adult(drop_missing):
    """The Adult features as floats: numeric columns, then one-hot categories.

    The one-hot columns come from the categories of the bundled data's
    categorical dtypes (a fixed schema, learnt from no rows), so the encoding
    is done once per process instead of once per generation and scoring.
    """
    from ..datasets import load_adult

    data = load_adult(drop_missing=drop_missing)
    X = data.data
    numeric = [c for c in X.columns if not isinstance(X[c].dtype, pd.CategoricalDtype)]
    categorical = [c for c in X.columns if c not in numeric]
    onehot = pd.get_dummies(X[categorical], prefix_sep="=", dtype=float)
    encoded = np.hstack([X[numeric].to_numpy(dtype=float), onehot.to_numpy()])
    return encoded, data.target.to_numpy(), len(numeric), X.shape[1]


class _ScaledLogisticRegression(ClassifierMixin, BaseEstimator):
    """Binary logistic regression with the first ``n_columns`` columns standardised.

    The model of ``make_pipeline(make_column_transformer((StandardScaler(),
    range(n_columns)), remainder="passthrough"), LogisticRegression(...))``:
    the leading columns are standardised on the training rows (unweighted, as
    the pipeline's scaler), the logistic regression is fitted on them with
    the row weights. The standardisation is then folded into the
    coefficients, so that predicting on the 13,567 held-out rows twice per
    generation reads them as they are instead of copying and scaling them.
    """

    def __init__(self, n_columns=0, max_iter=1000, random_state=None):
        self.n_columns = n_columns
        self.max_iter = max_iter
        self.random_state = random_state  # reseeded by the loop, like the pipeline's

    def fit(self, X, y, sample_weight=None):
        from sklearn.linear_model import LogisticRegression

        X = np.array(X, dtype=float)  # a copy: the leading columns are scaled in place
        k = self.n_columns
        mean = X[:, :k].mean(axis=0)
        scale = X[:, :k].std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)  # as StandardScaler: constant -> 1
        X[:, :k] -= mean
        X[:, :k] /= scale
        model = LogisticRegression(max_iter=self.max_iter, random_state=self.random_state)
        model.fit(X, y, sample_weight=sample_weight)
        if model.classes_.size != 2:  # pragma: no cover - LogisticRegression refuses one class
            raise ValueError("_ScaledLogisticRegression is binary.")
        coef = model.coef_[0].copy()
        coef[:k] /= scale
        self.coef_ = coef
        self.intercept_ = float(model.intercept_[0] - coef[:k] @ mean)
        self.classes_ = model.classes_
        self.n_iter_ = model.n_iter_
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def predict_proba(self, X):
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(np.intp)]


def _held_out_scores(model, X, y):
    """``neg_log_loss`` and ``accuracy`` of one generation from one ``predict_proba``.

    What scikit-learn's scorers of those names compute for a binary model
    (probabilities clipped to ``[eps, 1 - eps]``, the class of larger
    probability predicted), without their per-call validation of the 13,567
    held-out labels, which cost as much as the fit. ``model`` is the loop's
    view of the generation's model, with the pool's classes in order.
    """
    proba = model.predict_proba(X)
    eps = np.finfo(proba.dtype).eps
    positive = np.asarray(y) == model.classes_[1]
    p = np.clip(proba[:, 1], eps, 1.0 - eps)
    log_loss = -np.mean(np.where(positive, np.log(p), np.log1p(-p)))
    accuracy = np.mean((proba[:, 1] > proba[:, 0]) == positive)
    return {"neg_log_loss": float(-log_loss), "accuracy": float(accuracy)}


class _Score:
    """One metric of :func:`_held_out_scores`, computed once per generation for both."""

    def __init__(self, name, cache):
        self.name, self.cache = name, cache
        self.__name__ = name

    def __call__(self, model, X, y):
        # the cache holds the model and rows it scored, so they cannot be confused
        # with new objects at the same address
        cache = self.cache
        if cache.get("model") is not model.estimator or cache.get("X") is not X:
            cache.update(model=model.estimator, X=X, scores=_held_out_scores(model, X, y))
        return cache["scores"][self.name]


def _classifier_loop(*, drop_missing, weight, n, k, n_generations, test_fraction, random_state):
    """``history_`` of one classifier loop, as a dict of arrays (a checkpointable result).

    The worker reads and encodes the data itself (cached per process) rather
    than receiving the 45,222 x 104 array with every task.
    """
    from threadpoolctl import threadpool_limits

    from .._core.classification import RecursiveWeightedClassifier

    X, y, n_numeric, _ = _encoded_adult(drop_missing)
    # standardise the numeric columns only: scaled one-hot columns of rare
    # categories would escape the L2 penalty and overfit 1,000 rows
    model = _ScaledLogisticRegression(n_numeric, max_iter=1000)
    cache = {}
    est = RecursiveWeightedClassifier(
        model, n_generations=n_generations, n_real=n, n_synthetic=1.0 / k, weight=weight,
        validation_fraction=test_fraction,
        scoring={name: _Score(name, cache) for name in ("neg_log_loss", "accuracy")},
        random_state=random_state,
    )
    # hundreds of small fits: BLAS threads cost more than they save (same results)
    with threadpool_limits(limits=1, user_api="blas"):
        est.fit(X, y)
    return {key: np.asarray(value) for key, value in est.history_.items()}


def adult_classifier(
    *,
    n=500,
    k=1.0,
    n_generations=100,
    loops=None,
    test_fraction=0.3,
    drop_missing=True,
    random_state=0,
    n_jobs=None,
    progress=False,
):
    """The recursive classifier on all Adult features: test log-loss and accuracy per generation.

    :class:`~skrecursive.RecursiveWeightedClassifier` around a logistic
    regression on all fourteen features (numeric columns standardised inside
    the model on each generation's training rows, categorical columns one-hot
    encoded by their fixed list of categories), once per loop: by default
    fully synthetic (``w = 0``), naive pooling, the optimal weight ``w*(k)`` and real data only
    (``w = 1``). Each loop holds out the same ``test_fraction`` of the rows,
    never trained on, and scores every generation on them; all loops share
    ``random_state``, so they start from the same generation-0 fit on the same
    real rows and differ only by the weight.

    Parameters
    ----------
    n : int, default=500
        Fresh real rows per generation, bootstrapped from the training rows.
    k : float, default=1.0
        Real rows per synthetic row, ``n / m``.
    n_generations : int, default=100
        Mixing generations after generation 0.
    loops : dict of str to float or {"naive", "optimal"}, default=None
        Legend name -> weight of each loop; None is
        :data:`ADULT_CLASSIFIER_LOOPS`.
    test_fraction : float in (0, 1), default=0.3
        Share of the rows held out to score every generation.
    drop_missing : bool, default=True
        Drop the rows with a missing value (45,222 complete rows remain).
    random_state : int >= 0, default=0
        Seed of every loop (the same for all of them).
    n_jobs : int, default=None
        Loops run in parallel through joblib; the results do not depend on it.
    progress : bool, default=False
        Show a tqdm progress bar over the loops.

    Returns
    -------
    results : pandas.DataFrame
        One row per (loop, generation): ``loop``, ``weight`` (the weight the
        loop used), ``generation``, ``n_real``, ``n_synthetic``, ``fit_time``,
        ``log_loss`` and ``accuracy`` on the held-out rows. ``results.attrs``
        holds ``n``, ``m``, ``k``, the number of features and rows.

    Examples
    --------
    >>> from skrecursive.reproduce import adult_classifier
    >>> res = adult_classifier(n=200, n_generations=3, loops={"w = 0": 0.0, "w*": "optimal"})
    >>> res.shape, sorted(res["loop"].unique())
    ((8, 8), ['w = 0', 'w*'])
    >>> bool(res["accuracy"].between(0.7, 0.9).all())
    True
    """
    table = {key: _COMMON[key] for key in ("n", "k", "n_generations", "drop_missing",
                                           "n_jobs", "progress")}
    table["loops"] = [_Loops(), NONE]
    table["test_fraction"] = [Interval(Real, 0, 1, closed="neither")]
    table["random_state"] = [SEED32]
    check_args("adult_classifier", table, locals())
    loops = dict(ADULT_CLASSIFIER_LOOPS if loops is None else loops)
    n_jobs = effective_workers(n_jobs, len(loops))
    calls = [
        (
            _classifier_loop,
            (),
            dict(drop_missing=bool(drop_missing), weight=weight, n=n, k=float(k),
                 n_generations=n_generations, test_fraction=float(test_fraction),
                 random_state=random_state),
        )
        for weight in loops.values()
    ]
    histories = run_in_order(calls, n_jobs=n_jobs, progress=progress, desc="classifier loops")
    frames = []
    for name, history in zip(loops, histories, strict=True):
        frame = pd.DataFrame(history).drop(columns="score", errors="ignore")
        frame.insert(0, "loop", name)
        frame["log_loss"] = -frame.pop("score_neg_log_loss")
        frame["accuracy"] = frame.pop("score_accuracy")
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    X, _, _, n_features = _encoded_adult(bool(drop_missing))
    out.attrs.update(
        experiment="adult-classifier", n=n, m=max(1, int(round(n / k))), k=float(k),
        n_features=n_features, rows_used=X.shape[0], test_fraction=float(test_fraction),
    )
    return out


#: What the error of :func:`adult_logistic` is, as the y-axis label of its curve.
ADULT_ERROR_NAME = r"error $\Vert\beta_t - \beta^*\Vert^2$, mean of last generations"


def plot_adult(logistic_results, classifier_results=None, *, confidence=0.95):
    """The figure of ``skrecursive adult``: error versus weight, and the classifier's curves.

    Parameters
    ----------
    logistic_results : pandas.DataFrame
        Output of :func:`adult_logistic`: the left panel is its mean error
        per weight with a ``confidence`` band, ``w*(k)`` and the empirical
        minimiser (:class:`~skrecursive.plotting.WeightCurveDisplay`).
    classifier_results : pandas.DataFrame, default=None
        Output of :func:`adult_classifier`: two more panels, test log-loss and
        accuracy per generation, one line per loop.
    confidence : float in (0, 1), default=0.95
        Level of the band of the left panel, named in its legend.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skrecursive.reproduce import adult_logistic, plot_adult
    >>> res = adult_logistic(n_repeats=3, n_generations=3, last=2, weights=[0.4, 0.6, 0.8],
    ...                      random_state=0)
    >>> fig = plot_adult(res)
    >>> print(fig.axes[0].get_ylabel())
    error $\\Vert\\beta_t - \\beta^*\\Vert^2$, mean of last 2 generations
    """
    import matplotlib.pyplot as plt

    from ..plotting import GenerationCurveDisplay, WeightCurveDisplay

    check_columns(logistic_results, ("weight", "error", "k"), "logistic_results", "plot_adult",
                  produced_by="adult_logistic")
    if classifier_results is not None:
        check_columns(classifier_results, ("loop", "generation", "weight", "log_loss",
                                           "accuracy"),
                      "classifier_results", "plot_adult", produced_by="adult_classifier")

    n_panels = 1 if classifier_results is None else 3
    fig, axes = plt.subplots(1, n_panels, figsize=(5.5 * n_panels, 4.8), layout="constrained",
                             squeeze=False)
    axes = axes[0]
    last = logistic_results.attrs.get("last")
    error_name = ADULT_ERROR_NAME.replace("last", f"last {last}") if last else ADULT_ERROR_NAME
    WeightCurveDisplay.from_results(
        logistic_results, k=float(logistic_results["k"].iloc[0]), ax=axes[0],
        confidence=confidence, error_name=error_name,
    )
    axes[0].set_title("Adult logistic regression: error vs weight")
    if classifier_results is not None:
        groups = list(classifier_results.groupby("loop", sort=False))
        for ax, metric, name, better in ((axes[1], "log_loss", "Test log-loss", "lower"),
                                         (axes[2], "accuracy", "Test accuracy", "higher")):
            GenerationCurveDisplay(
                generations=[g["generation"].to_numpy() for _, g in groups],
                scores=[g[metric].to_numpy() for _, g in groups],
                weights=[float(g["weight"].iloc[-1]) for _, g in groups],
                # the legend adds the weight itself
                labels=[re.sub(r" \(w = [^)]*\)$", "", loop) for loop, _ in groups],
                score_name=f"{name} ({better} is better)",
            ).plot(ax=ax)
            ax.set_title(f"Recursive classifier: {name.lower()} per generation")
    return fig
