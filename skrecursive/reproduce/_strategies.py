"""The four loops of the literature side by side (re-exported by skrecursive.reproduce).

Fresh data at the optimal and the naive weight, replace, accumulate and
fixed real data, on the same data-generating processes: the Gaussian mean and
linear regression through the vectorised engines of
:mod:`skrecursive.simulation`, and a Gaussian kernel density estimate through
:class:`~skrecursive.RecursiveDensityEstimator` (no engine: repeats of the
meta-estimator).
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd

from .._core.weight_rule import resolve_weight
from .._utils.parallel import effective_workers, run_in_order
from .._utils.validation import (
    BOOLEAN,
    N_JOBS,
    SEED32,
    Interval,
    ListOf,
    Options,
    check_args,
    check_columns,
    check_memory,
)
from ..simulation import error_constant, simulate
from ..theory import risk_trajectory

__all__ = ["STRATEGY_LOOPS", "strategies", "plot_strategies"]

#: label -> (strategy, weight rule): the five loops compared by :func:`strategies`
#: (the weight is ignored by "replace" and "accumulate").
STRATEGY_LOOPS = {
    "fresh w*": ("fresh", "optimal"),
    "fresh naive": ("fresh", "naive"),
    "replace": ("replace", None),
    "accumulate": ("accumulate", None),
    "fixed-real w*": ("fixed-real", "optimal"),
}
_ENGINE_SETTINGS = ("gaussian-mean", "linear")
_SETTINGS = (*_ENGINE_SETTINGS, "kde")
#: rows drawn from each fitted KDE to measure its Cramer-von Mises error
KDE_EVALUATION_SAMPLES = 4000


def _weight(rule, k):
    if rule is None:
        return np.nan
    return float(resolve_weight(rule, k))


def _engine_loops(settings, k, *, n, p, n_generations, n_repeats, random_state, n_jobs,
                  progress):
    frames = []
    for label, (strategy, rule) in STRATEGY_LOOPS.items():
        w = _weight(rule, k)
        df = simulate(list(settings), [0.0 if np.isnan(w) else w], k, strategy=strategy, n=n,
                      p=p, n_generations=n_generations, n_repeats=n_repeats, last=1,
                      random_state=random_state, n_jobs=n_jobs, per_generation=True,
                      progress=progress)
        df["loop"] = label
        df["weight"] = w
        # the theory of the realised ratio n / m, m = round(n / k)
        theory = risk_trajectory(0.0 if np.isnan(w) else w, n / df["m"].iloc[0],
                                 n_generations, strategy=strategy)
        C = df["setting"].map(lambda s: error_constant(s, p=p))
        df["theory"] = C / n * theory[df["generation"].to_numpy()]
        frames.append(df)
    return frames


def _kde_repeat(label, repeat, *, n, k, bandwidth, n_generations, seed):
    from scipy import stats
    from sklearn.neighbors import KernelDensity

    from .._core.density import RecursiveDensityEstimator
    from ..metrics import cramer_von_mises

    strategy, rule = STRATEGY_LOOPS[label]
    w = _weight(rule, k)
    rng = np.random.RandomState([seed, repeat])
    # one fresh batch per fit (the other strategies use the first n rows)
    X = rng.standard_normal((n * (n_generations + 1), 1))
    scorer_rng = np.random.RandomState([seed, repeat, 1])
    reference = stats.norm()

    def cvm_error(generation, estimator, X, y, sample_weight):
        draws = estimator.sample(KDE_EVALUATION_SAMPLES, random_state=scorer_rng)
        return {"cvm_error": cramer_von_mises(draws, reference)}

    est = RecursiveDensityEstimator(
        KernelDensity(bandwidth=bandwidth), n_generations=n_generations, n_real=n,
        n_synthetic=max(1, round(n / k)), weight=0.5 if np.isnan(w) else w,
        strategy=strategy, real_sampling="disjoint", validation_fraction=0.0,
        monitor=cvm_error, random_state=rng.randint(2**31 - 1),
    ).fit(X)
    return est.history_["cvm_error"]


def _kde_loops(k, *, n, bandwidth, n_generations, n_repeats, random_state, n_jobs):
    labels = list(STRATEGY_LOOPS)
    calls = [
        (_kde_repeat, (label, r), dict(n=n, k=k, bandwidth=bandwidth,
                                       n_generations=n_generations, seed=random_state))
        for label in labels for r in range(n_repeats)
    ]
    scores = run_in_order(calls, n_jobs=n_jobs, desc="KDE loops")
    scores = np.asarray(scores).reshape(len(labels), n_repeats, -1)
    frames = []
    for label, s in zip(labels, scores, strict=True):
        strategy, rule = STRATEGY_LOOPS[label]
        frames.append(pd.DataFrame({
            "setting": "kde", "strategy": strategy, "k": k, "n": n,
            "m": max(1, round(n / k)), "weight": _weight(rule, k),
            "generation": np.arange(n_generations + 1), "error": s.mean(axis=0),
            "error_se": s.std(axis=0, ddof=1) / np.sqrt(n_repeats) if n_repeats > 1 else np.nan,
            "n_repeats": n_repeats, "loop": label, "theory": np.nan,
        }))
    return frames


def strategies(*, k=1.0, n=100, p=2, n_generations=30, n_repeats=2000, kde_repeats=40,
               kde_bandwidth=0.4, settings=_SETTINGS, random_state=0, n_jobs=None,
               progress=False):
    """Error vs generation of the five loops on the same data, per setting.

    The loops (``STRATEGY_LOOPS``) are the ``"fresh"`` loop at the optimal
    weight ``w*(k)`` and at the naive ``k / (1 + k)``, ``"replace"``,
    ``"accumulate"`` and ``"fixed-real"`` at ``w*(k)``, defined as the
    meta-estimators' ``strategy`` parameter. Settings:

    * ``"gaussian-mean"`` and ``"linear"``: the vectorised engines of
      :func:`skrecursive.simulation.simulate` (data or covariates
      ``N(0, I_p)``, ``n_repeats`` repeats), with the closed forms
      ``(C / n) risk_trajectory(w, k, t, strategy=...)`` as ``theory``
      (exact for the mean, first order for least squares);
    * ``"kde"``: a :class:`~sklearn.neighbors.KernelDensity` (Gaussian
      kernel, ``kde_bandwidth``) of one-dimensional ``N(0, 1)`` data,
      trained by :class:`~skrecursive.RecursiveDensityEstimator` in
      ``kde_repeats`` repeats; the error of every generation is the
      Cramer-von Mises distance to ``N(0, 1)`` of
      ``KDE_EVALUATION_SAMPLES`` = 4000 draws from the fitted KDE (which adds
      about ``1 / (6 * 4000) = 4e-5``), recorded through the ``monitor``
      hook. No closed form (``theory`` is NaN): the kernel's smoothing
      adds a bias, and every synthetic generation widens the estimate by the
      bandwidth.

    Parameters
    ----------
    k : float, default=1.0
        Real rows per synthetic row, ``n / m``.
    n : int, default=100
        Real rows per generation (generation 0's rows, reused by
        ``"accumulate"`` and ``"fixed-real"``).
    p : int, default=2
        Dimension of the Gaussian data and of the regression covariates.
    n_generations : int, default=30
        Mixing generations after generation 0 (``n_generations + 1`` fits).
    n_repeats : int, default=2000
        Monte Carlo repeats of the engine settings.
    kde_repeats : int, default=40
        Repeats of the KDE setting (a meta-estimator fit each).
    kde_bandwidth : float, default=0.4
        Bandwidth of the KDE (about Silverman's rule for ``n = 100``).
    settings : sequence of {"gaussian-mean", "linear", "kde"}, default=all three
    random_state : int, default=0
        Seed of every setting.
    n_jobs : int or None, default=None
        joblib workers (engine chunks; KDE repeats).
    progress : bool, default=False
        Progress bars of the engine runs.

    Returns
    -------
    DataFrame
        One row per (setting, loop, generation): ``setting``, ``strategy``,
        ``k``, ``n``, ``m``, ``weight`` (NaN for the unweighted
        ``"replace"`` and ``"accumulate"``), ``generation``, ``error`` (mean
        over repeats), ``error_se``, ``n_repeats``, ``loop`` (the label:
        ``"fresh w*"``, ``"fresh naive"``, ``"replace"``, ``"accumulate"``,
        ``"fixed-real w*"``) and ``theory`` (NaN for the KDE).

    Examples
    --------
    >>> from skrecursive.reproduce import strategies
    >>> df = strategies(n_generations=10, n_repeats=2000, settings=["gaussian-mean"])
    >>> last = df[df["generation"] == 10].set_index("loop")
    >>> (last["error"] / last["theory"]).between(0.9, 1.1).all()
    np.True_
    >>> last["theory"].div(0.02).round(2).to_dict()  # relative to one real batch
    {'fresh w*': 0.62, 'fresh naive': 0.67, 'replace': 11.0, 'accumulate': 1.56, \
'fixed-real w*': 1.17}
    """
    check_args("strategies", {
        "k": [Interval(Real, 0, None, closed="neither")],
        "n": [Interval(Integral, 2, None, closed="left")],
        "p": [Interval(Integral, 1, None, closed="left")],
        "n_generations": [Interval(Integral, 1, None, closed="left")],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "kde_repeats": [Interval(Integral, 1, None, closed="left")],
        "kde_bandwidth": [Interval(Real, 0, None, closed="neither")],
        "settings": [ListOf(Options(*_SETTINGS), single=True)],
        "random_state": [SEED32],
        "n_jobs": N_JOBS,
        "progress": [BOOLEAN],
    }, locals())
    names = [settings] if isinstance(settings, str) else list(settings)
    n_jobs = effective_workers(n_jobs)
    if "kde" in names:
        # each KDE repeat holds its pool (n rows per generation) and the fitted
        # models' rows; one repeat per worker at a time
        per_repeat = 8 * (n * n_generations * 8 + KDE_EVALUATION_SAMPLES * 4)
        check_memory(min(n_jobs, 5 * kde_repeats) * per_repeat
                     + 8 * 5 * kde_repeats * n_generations,
                     f"strategies(n={n}, n_generations={n_generations}, "
                     f"kde_repeats={kde_repeats})")
    frames = []
    engine_settings = [s for s in names if s in _ENGINE_SETTINGS]
    if engine_settings:
        frames += _engine_loops(engine_settings, k, n=n, p=p, n_generations=n_generations,
                                n_repeats=n_repeats, random_state=random_state, n_jobs=n_jobs,
                                progress=progress)
    if "kde" in names:
        frames += _kde_loops(k, n=n, bandwidth=kde_bandwidth, n_generations=n_generations,
                             n_repeats=kde_repeats, random_state=random_state, n_jobs=n_jobs)
    df = pd.concat(frames, ignore_index=True)
    order = {s: i for i, s in enumerate(names)}
    df = df.sort_values("setting", key=lambda c: c.map(order), kind="stable")
    return df.reset_index(drop=True)


def plot_strategies(results):
    """Error vs generation of every loop, one panel per setting (log scale).

    Parameters
    ----------
    results : DataFrame
        Output of :func:`strategies`.

    Returns
    -------
    matplotlib.figure.Figure
        Solid lines: simulated means with a band of two standard errors;
        dashed: the closed forms, where known.
    """
    import matplotlib.pyplot as plt

    check_columns(results, ("setting", "loop", "generation", "error", "error_se", "theory"),
                  "results", "plot_strategies", produced_by="strategies")
    settings = list(dict.fromkeys(results["setting"]))
    fig, axes = plt.subplots(1, len(settings), figsize=(4.4 * len(settings), 3.6),
                             squeeze=False)
    colors = dict(zip(STRATEGY_LOOPS, plt.rcParams["axes.prop_cycle"].by_key()["color"],
                      strict=False))
    for ax, s in zip(axes.flat, settings, strict=True):
        for label, g in results[results["setting"] == s].groupby("loop", sort=False):
            c = colors.get(label)
            ax.plot(g["generation"], g["error"], color=c, label=label)
            ax.fill_between(g["generation"], g["error"] - 2 * g["error_se"],
                            g["error"] + 2 * g["error_se"], color=c, alpha=0.2)
            if g["theory"].notna().any():
                ax.plot(g["generation"], g["theory"], color=c, ls="--", lw=1)
        ax.set_yscale("log")
        ax.set_title(s)
        ax.set_xlabel("generation")
        ax.set_ylabel("error" if s != "kde" else "Cramer-von Mises error")
    axes.flat[0].legend(fontsize="small")
    fig.suptitle("Four loops on the same data (dashed: closed forms)")
    fig.tight_layout()
    return fig
