"""Recursive synthesis of the whole Adult table with a weighted Gaussian copula.

Each generation fits :class:`~skrecursive.GaussianCopula` on fresh real rows
of the Adult table (14 features and the income column) and on rows sampled
from the previous generation's copula, through
:class:`~skrecursive.RecursiveDensityEstimator`, for the fully synthetic loop
(``w = 0``), naive pooling, the optimal weight ``w*`` and real data only.
Every generation is scored on held-out real rows it never saw, with the
tabular fidelity metrics of :mod:`skrecursive.metrics`.
"""

import functools
from numbers import Integral, Real

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from .._core.copula import GaussianCopula
from .._core.density import RecursiveDensityEstimator
from .._utils.parallel import effective_workers, run_in_order
from .._utils.validation import (
    BOOLEAN,
    N_JOBS,
    SEED32,
    Interval,
    InvalidParameterError,
    ListOf,
    Options,
    check_args,
    check_columns,
    check_memory,
)
from ..datasets import load_adult
from ..metrics import (
    category_coverage,
    neg_association_distance_scorer,
    neg_marginal_distance_scorer,
    synthetic_utility,
)

__all__ = ["SYNTHESIZER_LOOPS", "adult_synthesizer", "plot_adult_synthesizer",
           "summarize_adult_synthesizer"]

#: label -> weight rule of the loops compared by :func:`adult_synthesizer`.
SYNTHESIZER_LOOPS = {"w=0": 0.0, "naive": "naive", "w*": "optimal", "real only": 1.0}
#: metric columns of the table, and whether greater is better; the names say which
#: way is better (a distance is lower-is-better, a coverage or an accuracy higher)
_METRICS = {"marginal_distance": False, "association_distance": False,
            "category_coverage": True, "utility_accuracy": True}


def _direction_note(columns=tuple(_METRICS)):
    """One line saying which way is better for the metric columns among ``columns``."""
    shown = [c for c in _METRICS if c in columns]
    lower = ", ".join(c for c in shown if not _METRICS[c])
    higher = ", ".join(c for c in shown if _METRICS[c])
    return "; ".join(part for part in (lower and f"lower is better: {lower}",
                                       higher and f"higher is better: {higher}") if part)


class _HeldOutScorers:
    """The four metrics of one loop; the held-out rows' summary is fitted once, not per call."""

    def __init__(self, n_real, random_state):
        self.n_real = n_real
        self.random_state = random_state
        self._rows = self._reference = None

    def _real(self, X):
        if X is not self._rows:  # the loop scores every generation on the same rows
            self._rows, self._reference = X, GaussianCopula().fit(X)
        return self._reference

    def _draws(self, X):
        # a GaussianCopula is measured exactly; another synthesizer on as many rows as X
        return {"n_samples": len(X), "random_state": self.random_state}

    def scoring(self):
        """Scores, greater is better (the table turns the two back into distances)."""
        return {
            "marginal_distance": lambda est, X: neg_marginal_distance_scorer(
                est, self._real(X), **self._draws(X)),
            "association_distance": lambda est, X: neg_association_distance_scorer(
                est, self._real(X), **self._draws(X)),
            "category_coverage": lambda est, X: category_coverage(est, self._real(X),
                                                                  **self._draws(X)),
            # train on n_real synthetic rows, as many as one real batch; test on real rows
            "utility_accuracy": functools.partial(synthetic_utility, target="income",
                                                  n_samples=self.n_real,
                                                  random_state=self.random_state),
        }


def _one_loop(label, repeat, *, n_real, n_synthetic, n_generations, n_validation, seed):
    """One (loop, repeat): a dict of arrays, so that a checkpoint can store it."""
    frame = load_adult().frame
    rs = np.random.RandomState([seed, repeat, list(SYNTHESIZER_LOOPS).index(label)])
    est = RecursiveDensityEstimator(
        GaussianCopula(), n_generations=n_generations, n_real=n_real,
        n_synthetic=n_synthetic, weight=SYNTHESIZER_LOOPS[label],
        validation_fraction=n_validation / len(frame),
        scoring=_HeldOutScorers(n_real, rs).scoring(),
        random_state=np.random.RandomState([seed, repeat]).randint(2**31 - 1),
    )
    with threadpool_limits(1):  # small BLAS problems: threads only oversubscribe the cores
        est.fit(frame)
    # the history holds scores (greater is better); the table the distances themselves
    return {"weight": float(est.weight_), "generation": est.history_["generation"],
            **{f: (1.0 if better else -1.0) * est.history_[f"score_{f}"]
               for f, better in _METRICS.items()}}


def _table(label, repeat, result):
    """The rows of one (loop, repeat) from the result of :func:`_one_loop`."""
    table = pd.DataFrame({f: result[f] for f in _METRICS})
    table.insert(0, "generation", result["generation"])
    table.insert(0, "repeat", repeat)
    table.insert(0, "weight", result["weight"])
    table.insert(0, "loop", label)
    return table


#: Adult columns (14 features and ``income``) and, roughly, one-hot columns of its
#: categories: the sizes of the memory estimate of :func:`adult_synthesizer`
_N_COLUMNS, _N_ENCODED = 15, 110


def adult_synthesizer(*, n_real=500, k=1.0, n_generations=20, n_repeats=3, n_validation=2000,
                      loops=tuple(SYNTHESIZER_LOOPS), random_state=0, n_jobs=None,
                      progress=False):
    """Recursive synthesis of the Adult table: fidelity, coverage and utility per generation.

    For each loop of ``loops`` and each repeat,
    ``RecursiveDensityEstimator(GaussianCopula(), weight=...)`` runs on
    ``load_adult().frame`` (45,222 complete rows, 14 features and
    ``income``): every generation draws ``n_real`` fresh real rows (bootstrap
    of the training pool) and ``round(n_real / k)`` rows from the previous
    generation's copula. The same ``n_validation`` real rows of a repeat
    (never trained on) score every generation:

    * ``marginal_distance``: :func:`~skrecursive.metrics.marginal_distance`,
      mean over columns of Kolmogorov-Smirnov / total variation (lower is
      better);
    * ``association_distance``:
      :func:`~skrecursive.metrics.association_distance`, mean absolute
      difference of normal-score correlations (lower is better);
    * ``category_coverage``: :func:`~skrecursive.metrics.category_coverage`,
      share of the held-out rows' categories the copula can still produce
      (higher is better);
    * ``utility_accuracy``: :func:`~skrecursive.metrics.synthetic_utility`,
      accuracy on the held-out rows of a logistic regression predicting
      ``income``, trained on ``n_real`` rows drawn from the copula (higher is
      better).

    The default scale took 12 s with ``n_jobs=2`` on two cores; the full scale of
    the user guide, ``n_real=1000, n_generations=100, n_repeats=20``, does
    about 64 times its work (repeats, fits and rows per fit).

    Parameters
    ----------
    n_real : int, default=500
        Fresh real rows per generation.
    k : float, default=1.0
        Real rows per synthetic row, finite and > 0
        (``n_synthetic = max(1, round(n_real / k))``).
    n_generations : int, default=20
        Generations after generation 0.
    n_repeats : int, default=3
        Independent repeats per loop (different held-out rows and draws).
    n_validation : int, default=2000
        Held-out real rows scoring every generation, at least 2 and below half
        the table.
    loops : str or sequence of str, default=all of ``SYNTHESIZER_LOOPS``
        Distinct labels among ``"w=0"``, ``"naive"``, ``"w*"`` and
        ``"real only"`` (a single label means that loop alone).
    random_state : int, default=0
        Seed (an int >= 0) of the draws and of the held-out rows.
    n_jobs : int or None, default=None
        joblib workers over (loop, repeat); results do not depend on it.
    progress : bool, default=False
        Show a progress bar.

    Every argument is checked, and the memory the run would need estimated,
    before any fit starts: a size that cannot fit on the machine is refused
    with the estimate. With an active task store (``skrecursive reproduce
    --resume``), each (loop, repeat) is a checkpointed task.

    Returns
    -------
    results : DataFrame
        One row per (loop, repeat, generation): ``loop``, ``weight``,
        ``repeat``, ``generation``, ``marginal_distance``,
        ``association_distance``, ``category_coverage``,
        ``utility_accuracy``.

    Examples
    --------
    >>> from skrecursive.reproduce import adult_synthesizer
    >>> df = adult_synthesizer(n_real=200, n_generations=2, n_repeats=1, n_validation=500,
    ...                        loops=["w*"])
    >>> df.shape
    (3, 8)
    >>> bool(df["category_coverage"].between(0, 1).all())
    True
    """
    check_args("adult_synthesizer", {
        "n_real": [Interval(Integral, 1, None, closed="left")],
        "k": [Interval(Real, 0, None, closed="neither")],
        "n_generations": [Interval(Integral, 0, None, closed="left")],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "n_validation": [Interval(Integral, 2, None, closed="left")],
        "loops": [ListOf(Options(*SYNTHESIZER_LOOPS), single=True)],
        "random_state": [SEED32],
        "n_jobs": N_JOBS,
        "progress": [BOOLEAN],
    }, locals())
    loops = [loops] if isinstance(loops, str) else list(loops)
    n_rows = len(load_adult().frame)
    if n_validation >= n_rows // 2:
        raise InvalidParameterError(
            f"The 'n_validation' parameter of adult_synthesizer must be below {n_rows // 2} "
            f"(half the Adult rows). Got {n_validation!r} instead."
        )
    n_synthetic = max(1, round(n_real / k))
    # each worker holds the table, one generation's real and synthetic rows (a few
    # copies in the copula's normal scores) and the one-hot rows of the utility score
    per_task = 8 * (n_rows * _N_COLUMNS * 4 + (n_real + n_synthetic) * _N_COLUMNS * 8
                    + (n_real + n_validation) * _N_ENCODED * 3)
    n_tasks = len(loops) * n_repeats
    n_jobs = effective_workers(n_jobs, n_tasks)
    check_memory(n_jobs * per_task
                 + 8 * 8 * n_tasks * (n_generations + 1),
                 f"adult_synthesizer(n_real={n_real}, k={k}, n_generations={n_generations}, "
                 f"n_repeats={n_repeats})")
    cells = [(label, r) for label in loops for r in range(n_repeats)]
    calls = [
        (_one_loop, cell, dict(n_real=n_real, n_synthetic=n_synthetic,
                               n_generations=n_generations, n_validation=n_validation,
                               seed=random_state))
        for cell in cells
    ]
    results = run_in_order(calls, n_jobs=n_jobs, progress=progress, desc="loops")
    return pd.concat([_table(*cell, result) for cell, result in zip(cells, results, strict=True)],
                     ignore_index=True)


def summarize_adult_synthesizer(results):
    """Mean and standard error of every metric per (loop, generation).

    Parameters
    ----------
    results : DataFrame
        From :func:`adult_synthesizer`.

    Returns
    -------
    summary : DataFrame
        ``loop``, ``weight``, ``generation``, the mean of every metric and its
        standard error over repeats (``<metric>_se``). ``summary.attrs["direction"]``
        says in words which metrics are lower-is-better and which higher.
    """
    check_columns(results, ("loop", "generation", "weight", *_METRICS), "results",
                  "summarize_adult_synthesizer", produced_by="adult_synthesizer")
    grouped = results.groupby(["loop", "generation"], sort=False)[list(_METRICS)]
    mean = grouped.mean()
    se = grouped.std(ddof=1).div(np.sqrt(grouped.size()), axis=0)
    out = mean.join(se.add_suffix("_se")).reset_index()
    weights = results.groupby("loop", sort=False)["weight"].first()
    out.insert(1, "weight", out["loop"].map(weights))
    out.attrs["direction"] = _direction_note()
    return out


def plot_adult_synthesizer(results):
    """Four panels against the generation: fidelity, association, coverage, utility.

    Parameters
    ----------
    results : DataFrame
        From :func:`adult_synthesizer`.

    Returns
    -------
    fig : matplotlib Figure
        Mean over repeats of every loop, with a band of two standard errors.
    """
    import matplotlib.pyplot as plt

    summary = summarize_adult_synthesizer(results)
    titles = {"marginal_distance": "marginal distance (lower is better)",
              "association_distance": "association distance (lower is better)",
              "category_coverage": "category coverage (higher is better)",
              "utility_accuracy": "utility: accuracy on real rows (higher is better)"}
    fig, axes = plt.subplots(1, 4, figsize=(17, 3.8), constrained_layout=True)
    for ax, metric in zip(axes, _METRICS, strict=True):
        for label, g in summary.groupby("loop", sort=False):
            line, = ax.plot(g["generation"], g[metric],
                            label=f"{label} (w = {g['weight'].iloc[0]:.3g})")
            se = g[f"{metric}_se"].fillna(0.0)
            ax.fill_between(g["generation"], g[metric] - 2 * se, g[metric] + 2 * se,
                            color=line.get_color(), alpha=0.2)
        ax.set_title(titles[metric], fontsize=10)
        ax.set_xlabel("generation")
    axes[0].legend(fontsize=8)
    fig.suptitle("Recursive synthesis of the Adult table with GaussianCopula")
    return fig
