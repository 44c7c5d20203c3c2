"""What the curve displays plot, computed without matplotlib.

The axis label a ``scoring`` gives (with its direction in words), and the
weight curve of a fitted search over ``weight``. Used by
:mod:`skrecursive.plotting`.
"""

import functools

import numpy as np
from scipy import stats

from .scoring import check_greater_is_better
from .weight_rule import optimal_weight, resolve_weight

#: what the y axis says about its direction: scores are greater-is-better, as in
#: scikit-learn, and minus a score (an error) is lower-is-better
DIRECTION = {False: " (higher is better)", True: " (lower is better)"}


def _scoring_name(scoring):
    """The name of a ``scoring`` (a scorer name, or a callable's, inside partials too)."""
    while isinstance(scoring, functools.partial):
        scoring = scoring.func
    if scoring is None or isinstance(scoring, str):
        return scoring
    name = getattr(scoring, "__name__", None)
    if name is None or name == "<lambda>":
        return None
    return name[:-len("_scorer")] if name.endswith("_scorer") else name


def score_label(scoring, negate_score):
    """Axis label from a ``scoring`` parameter, as scikit-learn's curve displays do.

    Scores are greater-is-better; the label says so in words, and says
    "lower is better" for minus a score (``neg_log_loss`` plotted negated is
    the log loss, lower is better).
    """
    name = _scoring_name(scoring)
    if name is None:
        name = "Negative score" if negate_score else "Score"
    elif name.startswith("neg_"):
        name = name[4:] if negate_score else "Negative " + name[4:]
    elif negate_score:
        name = "Negative " + name
    name = name.replace("_", " ")
    return name[:1].upper() + name[1:] + DIRECTION[bool(negate_score)]


def search_curve(search, confidence):
    """Weights, minus mean test scores and their band from a fitted search over ``weight``."""
    results = search.cv_results_
    if "param_weight" not in results:
        raise ValueError(
            "The search does not vary 'weight'; put 'weight' in its parameter grid."
        )
    scoring = search.scoring
    refit = search.refit if isinstance(search.refit, str) else None
    # the search keeps the largest mean test score: a distance there picks the worst weight
    plotted = scoring[refit] if isinstance(scoring, dict) and refit in scoring else scoring
    check_greater_is_better(plotted if callable(plotted) else None, type(search).__name__)
    if isinstance(scoring, (list, tuple, dict)) or (callable(scoring) and refit):
        key = f"mean_test_{refit}" if refit else "mean_test_score"
        std_key = f"std_test_{refit}" if refit else "std_test_score"
        scoring = refit if refit else plotted
    else:
        key, std_key = "mean_test_score", "std_test_score"
    labels = list(results["param_weight"])
    named = [w for w in labels if isinstance(w, str)]
    if named and not hasattr(search, "best_estimator_"):
        raise ValueError(
            f"The grid holds {sorted(set(named))}, whose numeric weight depends on k: fit the "
            "search with refit=True so that best_estimator_.k_ is available."
        )
    best = getattr(search, "best_estimator_", None)
    k = None if best is None else float(best.k_)
    k_eff = None if best is None else float(best.effective_k_)
    resolved = np.array([resolve_weight(w, k, effective_k=k_eff) for w in labels])
    mean = -np.asarray(results[key], dtype=float)
    sd = np.asarray(results[std_key], dtype=float)
    n_splits = search.n_splits_
    t = stats.t.ppf(0.5 + confidence / 2, max(n_splits - 1, 1))
    half = t * sd / np.sqrt(n_splits)
    order = np.argsort(resolved, kind="stable")
    return {
        "weights": resolved[order], "mean": mean[order], "lower": (mean - half)[order],
        "upper": (mean + half)[order],
        "optimal_weight": None if k_eff is None else optimal_weight(k_eff),
        "scoring": scoring,
    }
