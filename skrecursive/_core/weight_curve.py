"""The measured curve of validation score against the weight, on the user's own model and data.

:func:`weight_curve` runs a fitted-to-be recursive meta-estimator at several
weights over repeated runs with *common random numbers*: within a repeat every
weight sees the same validation split, the same real batches and the same
random streams, so the differences between weights are paired and their
standard errors are far smaller than those of the scores themselves.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone

from .._utils.parallel import effective_workers, run_in_order
from .._utils.validation import check_memory, checked_random_state
from .loop import BaseRecursiveEstimator, validate_params
from .scoring import check_greater_is_better, metric_names
from .strategies import get_strategy
from .weight_rule import WEIGHT

__all__ = ["weight_curve", "CURVE_COLUMNS"]

#: columns of the table :func:`weight_curve` returns
CURVE_COLUMNS = ("weight", "label", "score_mean", "score_se", "diff_mean", "diff_se", "n_repeats")
#: what the parent holds per (repeat, weight) before the table is built: the seed, the
#: (score, weight, k) tuple a run returns and its share of the result arrays
_BYTES_PER_RUN = 8 + 200 + 6 * 8


def _check_weights(weights):
    if isinstance(weights, (str, Real)):
        weights = [weights]
    try:
        weights = list(weights)
    except TypeError:
        raise TypeError(
            "weights must be a list of floats in [0, 1], 'optimal' or 'naive'; got "
            f"{type(weights).__name__}."
        ) from None
    if not weights:
        raise ValueError("weights must hold at least one weight; got an empty list.")
    labels = []
    for w in weights:
        if isinstance(w, str):
            if not WEIGHT.rule.is_satisfied_by(w):
                raise ValueError(
                    f"weights must hold floats in [0, 1], 'optimal' or 'naive'; got {w!r}."
                )
            labels.append(w)
        elif WEIGHT.number.is_satisfied_by(w):
            labels.append(float(w))
        else:
            raise ValueError(
                f"weights must hold floats in [0, 1], 'optimal' or 'naive'; got {w!r}."
            )
    if len(set(labels)) != len(labels):
        raise ValueError(f"weights must be distinct; got {weights!r}.")
    return labels


def _check_estimator(estimator, last):
    if not isinstance(estimator, BaseRecursiveEstimator):
        raise TypeError(
            "estimator must be a skrecursive recursive meta-estimator "
            "(RecursiveWeightedRegressor, RecursiveWeightedClassifier or "
            f"RecursiveDensityEstimator); got {type(estimator).__name__}. For any other "
            "estimator, use sklearn.model_selection.validation_curve."
        )
    validate_params(estimator)
    # the curve's best weight is the largest score: refuse a distance before any fit
    check_greater_is_better(estimator.scoring, "weight_curve")
    if not get_strategy(estimator.strategy).uses_weight:
        raise ValueError(
            f"estimator has strategy={estimator.strategy!r}, whose rows are not weighted: "
            "the weight changes nothing. Use strategy='fresh' or 'fixed-real'."
        )
    if estimator.n_generations < 1:
        raise ValueError(
            "estimator has n_generations=0: the weight acts from generation 1 on; set "
            "n_generations >= 1."
        )
    if not estimator.validation_fraction > 0:
        raise ValueError(
            "estimator has validation_fraction=0: the curve needs held-out rows to score "
            "each generation; set validation_fraction > 0."
        )
    if metric_names(estimator.scoring) is not None:
        raise ValueError(
            "estimator has a multi-metric scoring; the curve needs one score: set scoring "
            "to a single scorer."
        )
    n_fits = estimator.n_generations + 1
    if not (isinstance(last, Integral) and not isinstance(last, bool) and 1 <= last <= n_fits):
        raise ValueError(
            f"last must be an int in [1, n_generations + 1 = {n_fits}], the number of final "
            f"generations whose validation scores are averaged; got {last!r}."
        )


def _run_repeat(estimator, X, y, labels, seeds, last, fit_params):
    """One repeat: every weight fitted with its seed; (late score, resolved weight, ratios) each,
    the ratios being ``(k_, effective_k_, design_effect_)``."""
    out = []
    for label, seed in zip(labels, seeds, strict=True):
        est = clone(estimator).set_params(weight=label, random_state=int(seed))
        est.fit(X, y, **fit_params)
        scores = np.asarray(est.history_["score"], dtype=float)[-last:]
        out.append((float(np.mean(scores)), float(est.weight_),
                    (float(est.k_), float(est.effective_k_), float(est.design_effect_))))
    return out


def weight_curve(
    estimator,
    X,
    y=None,
    *,
    weights,
    n_repeats=10,
    last=5,
    paired=True,
    sample_weight=None,
    n_jobs=None,
    random_state=None,
    verbose=0,
):
    """Validation score against the weight, with paired differences to the optimal weight.

    Runs ``estimator`` at every weight of ``weights`` (and at ``"optimal"``,
    the reference) ``n_repeats`` times. Each run is scored by the mean
    validation score of its ``last`` generations, which measures where the
    loop settles rather than one final model. With ``paired=True`` (common
    random numbers) every weight of a repeat gets the same ``random_state``,
    hence the same validation split, real batches and random streams: the
    difference between two weights is then measured within each repeat, and
    its standard error is typically many times smaller than that of either
    score (:class:`~sklearn.model_selection.GridSearchCV` compares single
    fits of different folds instead, and near the flat optimum cannot tell
    weights apart).

    Parameters
    ----------
    estimator : RecursiveWeightedRegressor, RecursiveWeightedClassifier or RecursiveDensityEstimator
        Unfitted template; cloned for every run with ``weight`` and
        ``random_state`` set. It needs ``validation_fraction > 0``, a single
        scorer, ``n_generations >= 1`` and a strategy that uses the weight.
    X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
        The pool, as for ``estimator.fit``.
    y : array-like of shape (n_samples,), default=None
        The target (None for the density estimator).
    weights : list of {float in [0, 1], "optimal", "naive"}
        The weights to compare (distinct, at least one).
    n_repeats : int >= 1, default=10
        Runs per weight; standard errors need at least 2.
    last : int, default=5
        Number of final generations whose validation scores are averaged per
        run, in ``[1, n_generations + 1]``.
    paired : bool, default=True
        Common random numbers across weights within a repeat. With False every
        (weight, repeat) gets its own seed, the unpaired design, for comparison.
    sample_weight : array-like of shape (n_samples,), default=None
        The user's row weights, passed to every ``fit``.
    n_jobs : int, default=None
        Repeats run in parallel through joblib; results are bit-identical for
        any ``n_jobs``. A request above the CPUs this process may use is
        reduced to them, with a warning; never more workers than repeats.
    random_state : int, RandomState instance or None, default=None
        Seeds every run.
    verbose : int or bool, default=0
        Show a progress bar over the repeats (each fits every weight), as the
        meta-estimators' ``verbose`` shows one over generations.

    Returns
    -------
    curve : pandas.DataFrame
        One row per weight, sorted by weight: ``weight`` (the resolved
        number), ``label`` (as given: ``"optimal"``, ``"naive"`` or the
        float), ``score_mean`` and ``score_se`` (mean late-generation
        validation score over repeats and its standard error; scores are
        greater-is-better, as in scikit-learn, so a distance is scored by its
        ``neg_`` scorer), ``diff_mean`` and ``diff_se`` (the per-repeat
        difference ``score(weight) - score("optimal")``, positive when the
        weight does better, and its standard error), ``n_repeats``. ``curve.attrs``
        holds ``k``, ``effective_k`` and ``design_effect`` (the estimator's
        ``k_``, ``effective_k_`` and ``design_effect_``: with unequal
        ``sample_weight`` the reference ``"optimal"`` is ``w*(effective_k)``),
        ``optimal_weight``, ``paired``, ``last`` and ``scoring``.

    Raises
    ------
    TypeError
        When ``estimator`` is not a skrecursive meta-estimator.
    ValueError
        For empty, repeated or out-of-range ``weights``, ``n_repeats < 1``, a
        ``last`` outside ``[1, n_generations + 1]``, or an estimator that cannot
        give a curve (no validation rows, a multi-metric scoring, a scoring
        that declares lower-is-better, a strategy that ignores the weight).

    See Also
    --------
    skrecursive.plotting.WeightCurveDisplay.from_estimator : draws this curve.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive import RecursiveWeightedRegressor, weight_curve
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((300, 3))
    >>> y = X @ [1.0, 2.0, 3.0] + rng.standard_normal(300)
    >>> est = RecursiveWeightedRegressor(n_generations=5, n_real=40, random_state=0)
    >>> curve = weight_curve(est, X, y, weights=[0.2, "naive", 0.9], n_repeats=4,
    ...                      last=3, random_state=0)
    >>> curve[["weight", "label"]].round(3).values.tolist()
    [[0.2, 0.2], [0.5, 'naive'], [0.618, 'optimal'], [0.9, 0.9]]
    >>> bool((curve["diff_se"] <= curve["score_se"] + 1e-12).all())
    True
    """
    labels = _check_weights(weights)
    if not (isinstance(n_repeats, Integral) and not isinstance(n_repeats, bool)
            and n_repeats >= 1):
        raise ValueError(f"n_repeats must be an int >= 1; got {n_repeats!r}.")
    if not isinstance(paired, (bool, np.bool_)):
        raise TypeError(f"paired must be a bool; got {paired!r}.")
    if not (isinstance(verbose, (Integral, np.bool_)) and verbose >= 0):
        raise ValueError(f"verbose must be a bool or an int >= 0; got {verbose!r}.")
    n_jobs = effective_workers(n_jobs, n_repeats)
    _check_estimator(estimator, last)
    if "optimal" not in labels:
        labels.append("optimal")
    ref = labels.index("optimal")
    rng = checked_random_state(random_state, "weight_curve")
    n_labels = len(labels)
    check_memory(n_repeats * n_labels * _BYTES_PER_RUN,
                 f"weight_curve(n_repeats={n_repeats}) with {n_labels} weight(s)")
    if paired:
        seeds = np.repeat(rng.randint(np.iinfo(np.int32).max, size=(n_repeats, 1)), n_labels, 1)
    else:
        seeds = rng.randint(np.iinfo(np.int32).max, size=(n_repeats, n_labels))
    fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
    runs = run_in_order(
        [(_run_repeat, (estimator, X, y, labels, seeds[r], last, fit_params), {})
         for r in range(n_repeats)],
        n_jobs=n_jobs,
        progress=bool(verbose),
        desc="weight curve repeats",
    )
    scores = np.array([[s for s, _, _ in run] for run in runs])  # (n_repeats, n_labels)
    resolved = np.array([w for _, w, _ in runs[0]])
    k, k_eff, deff = runs[0][0][2]
    diffs = scores - scores[:, [ref]]
    with np.errstate(invalid="ignore", divide="ignore"):
        ddof = 1 if n_repeats > 1 else 0
        se = scores.std(axis=0, ddof=ddof) / np.sqrt(n_repeats)
        diff_se = diffs.std(axis=0, ddof=ddof) / np.sqrt(n_repeats)
    if n_repeats == 1:
        se = np.full(n_labels, np.nan)
        diff_se = np.full(n_labels, np.nan)
    diff_se[ref] = 0.0 if n_repeats > 1 else np.nan
    curve = pd.DataFrame({
        "weight": resolved,
        "label": pd.Series(labels, dtype=object),
        "score_mean": scores.mean(axis=0),
        "score_se": se,
        "diff_mean": diffs.mean(axis=0),
        "diff_se": diff_se,
        "n_repeats": n_repeats,
    })
    curve = curve.sort_values("weight", kind="stable").reset_index(drop=True)
    curve.attrs.update({
        "k": k,
        "effective_k": k_eff,
        "design_effect": deff,
        "optimal_weight": float(resolved[ref]),
        "paired": bool(paired),
        "last": int(last),
        "scoring": estimator.scoring if isinstance(estimator.scoring, str) else None,
    })
    return curve
