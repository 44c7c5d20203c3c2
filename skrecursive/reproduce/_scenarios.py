"""Simulation scenarios 1-3 of the paper (public names re-exported by skrecursive.reproduce).

Scenarios 1 to 3 (user guide, recursion page) run on the vectorised engines of
:mod:`skrecursive.simulation`; each function defaults to the paper's full
sizes and returns a tidy table with a first-order ``theory`` column, and
``plot_*`` functions draw the paper's figures from those tables.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd

from .._core.weight_rule import WEIGHT
from .._utils.validation import (
    BOOLEAN,
    N_JOBS,
    SEED,
    Interval,
    ListOf,
    Options,
    check_args,
    check_columns,
)
from ..simulation import SETTINGS, error_constant, simulate
from ..theory import limiting_risk, naive_weight, optimal_weight, risk_trajectory
from ._minimiser import vertex_minimiser

__all__ = [
    "PAPER_SETTINGS",
    "SCENARIO2_WEIGHTS",
    "SCENARIO3_KS",
    "scenario1",
    "scenario2",
    "scenario3",
    "scenarios_summary",
    "plot_scenario1",
    "plot_scenario2",
    "plot_scenario3",
]

#: The six settings of the paper's simulations.
PAPER_SETTINGS = (
    "gaussian-mean", "gaussian-covariance", "linear", "logistic", "poisson", "ecdf",
)
#: The weight grid of scenario 2: 0.20, 0.22, ..., 0.78.
SCENARIO2_WEIGHTS = tuple(np.round(np.arange(0.20, 0.78 + 1e-9, 0.02), 2))
#: The ratios k = n / m of scenario 3: 0.01, 0.03, ..., 0.19.
SCENARIO3_KS = tuple(np.round(np.arange(0.01, 0.19 + 1e-9, 0.02), 2))


_SIZES = {
    "n": [Interval(Integral, 2, None, closed="left")],
    "p": [Interval(Integral, 1, None, closed="left")],
    "n_generations": [Interval(Integral, 0, None, closed="left")],
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "settings": [ListOf(Options(*SETTINGS), single=True)],
    "random_state": [SEED],
    "n_jobs": N_JOBS,
    "progress": [BOOLEAN],
}
_LAST = {"last": [Interval(Integral, 1, None, closed="left")]}
#: the columns each table function reads from the results of a scenario
_SCENARIO1_COLUMNS = ("setting", "generation", "error", "error_se", "theory", "n_repeats")
_SCENARIO2_COLUMNS = ("setting", "n", "m", "weight", "error")
_SCENARIO3_COLUMNS = ("setting", "k", "rule", "error", "error_se", "theory")


def _settings(settings):
    return [settings] if isinstance(settings, str) else list(settings)


def _window_theory(df, n, p, variance, n_generations, last):
    """First-order expected error averaged over the last ``last`` generations.

    The ratio is the realised ``n / m`` of each row (``m = round(n / k)``), not
    the nominal ``k``: at ``k = 3``, ``n = 200`` they differ by 0.5%.
    """
    out = np.empty(len(df))
    ratios = df["n"] / df["m"]
    for i, (s, k, w) in enumerate(zip(df["setting"], ratios, df["weight"], strict=True)):
        # relative risk of generations 0 .. n_generations; the window is the last `last`
        risk = risk_trajectory(w, k, n_generations)[-last:].mean()
        out[i] = error_constant(s, p=p, variance=variance) / n * risk
    return out


def _aggregate(df):
    keys = ["setting", "k", "n", "m", "weight"]
    g = df.groupby(keys, sort=False)["error"]
    return g.agg(error="mean", error_se="sem", n_repeats="count").reset_index()


def scenario1(*, n=100, p=4, n_generations=999, n_repeats=1000, settings=PAPER_SETTINGS,
              random_state=0, n_jobs=None, progress=False):
    """Scenario 1: the fully synthetic loop (``w = 0``, ``k = 1``), error vs generation.

    Data or covariates ``N(0, I / p)``, ``beta = ones(p)``.

    Parameters
    ----------
    n, p, n_generations, n_repeats : int
        The paper's sizes by default (100, 4, 999, 1000): ``n_generations``
        mixing generations after generation 0, so the paper's 1000 fits.
    settings : sequence of str, default=PAPER_SETTINGS
    random_state, n_jobs, progress
        As in :func:`skrecursive.simulation.simulate`.

    Returns
    -------
    DataFrame
        One row per (setting, generation): ``error``, ``error_se``,
        ``n_repeats`` and ``theory``, the first-order ``(C / n)(1 + t)``
        (the empirical CDF's error is bounded by 1/6 instead; the covariance
        collapses to 0 almost surely while its mean stays ``Sigma``, so the
        Gaussian errors have heavy tails and their Monte Carlo means fall
        below the expectation late on; logistic fits eventually separate and
        are reported, the average then runs over the surviving repeats).

    Examples
    --------
    >>> from skrecursive.reproduce import scenario1
    >>> df = scenario1(n_generations=20, n_repeats=200, settings=["gaussian-mean"])
    >>> bool(df["error"].iloc[-1] > 10 * df["error"].iloc[0])
    True
    """
    check_args("scenario1", _SIZES, locals())
    variance = 1.0 / p
    df = simulate(_settings(settings), [0.0], 1.0, n=n, p=p, n_generations=n_generations,
                  n_repeats=n_repeats, last=1, variance=variance,
                  random_state=random_state, n_jobs=n_jobs, per_generation=True,
                  progress=progress)
    C = df["setting"].map(lambda s: error_constant(s, p=p, variance=variance))
    df["theory"] = C / n * (1.0 + df["generation"])
    return df


def scenario2(*, n=100, p=2, n_generations=199, last=50, n_repeats=2000,
              weights=SCENARIO2_WEIGHTS, settings=PAPER_SETTINGS, random_state=0,
              n_jobs=None, progress=False):
    """Scenario 2: ``k = 1`` (``m = n``), error averaged over late generations vs ``w``.

    Parameters
    ----------
    n, p, n_generations, last, n_repeats : int
        The paper's sizes by default (100, 2, 199, 50, 2000): generation 0
        and ``n_generations`` mixing generations (the paper's 200 fits), the
        error averaged over the last ``last`` of them.
    weights : sequence of float, default=SCENARIO2_WEIGHTS
    settings : sequence of str, default=PAPER_SETTINGS
    random_state, n_jobs, progress
        As in :func:`skrecursive.simulation.simulate`.

    Returns
    -------
    DataFrame
        One row per (setting, weight): ``error`` (mean over repeats of the
        per-repeat mean over the last ``last`` generations),
        ``error_se``, ``n_repeats`` and ``theory`` (first order, same window).

    Examples
    --------
    >>> from skrecursive.reproduce import scenario2
    >>> df = scenario2(n_generations=29, last=15, n_repeats=1000, weights=[0.3, 0.62, 0.9],
    ...                settings=["gaussian-mean"])
    >>> float(df.loc[df["error"].idxmin(), "weight"])
    0.62
    """
    check_args("scenario2", {**_SIZES, **_LAST,
                             "weights": [ListOf(WEIGHT.number)]},
               locals())
    df = simulate(_settings(settings), list(weights), 1.0, n=n, p=p, n_generations=n_generations,
                  last=last, n_repeats=n_repeats, random_state=random_state,
                  n_jobs=n_jobs, progress=progress)
    out = _aggregate(df)
    out["theory"] = _window_theory(out, n, p, 1.0, n_generations, last)
    return out


def scenario3(*, n=100, p=2, ks=SCENARIO3_KS, n_generations=199, last=50,
              n_repeats=1000, settings=PAPER_SETTINGS, random_state=0, n_jobs=None,
              progress=False):
    """Scenario 3: many synthetic rows (small ``k``), naive pooling vs the optimal weight.

    Parameters
    ----------
    n, p, n_generations, last, n_repeats : int
        The paper's sizes by default (100, 2, 199, 50, 1000), as in
        :func:`scenario2`.
    ks : sequence of float, default=SCENARIO3_KS
    settings : sequence of str, default=PAPER_SETTINGS
    random_state, n_jobs, progress
        As in :func:`skrecursive.simulation.simulate`.

    Returns
    -------
    DataFrame
        One row per (setting, k, rule) with ``rule`` in ``{"naive", "optimal"}``:
        ``weight``, ``error``, ``error_se``, ``n_repeats``, ``theory``.

    Examples
    --------
    >>> from skrecursive.reproduce import scenario3
    >>> df = scenario3(ks=[0.05], n_generations=59, last=20, n_repeats=400,
    ...                settings=["categorical"])
    >>> e = df.set_index("rule")["error"]
    >>> bool(e["optimal"] < e["naive"])
    True
    """
    check_args("scenario3", {**_SIZES, **_LAST,
                             "ks": [ListOf(Interval(Real, 0, None, closed="neither"))]},
               locals())
    frames = []
    for rule in ("naive", "optimal"):
        df = simulate(_settings(settings), rule, list(ks), n=n, p=p, n_generations=n_generations,
                      last=last, n_repeats=n_repeats, random_state=random_state,
                      n_jobs=n_jobs, progress=progress)
        agg = _aggregate(df)
        agg.insert(4, "rule", rule)
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    out["theory"] = _window_theory(out, n, p, 1.0, n_generations, last)
    return out


def scenarios_summary(scenario2_results=None, scenario3_results=None):
    """Summary per setting: empirical minimiser, ``w*`` and naive/optimal error ratios.

    Parameters
    ----------
    scenario2_results : DataFrame, optional
        Output of :func:`scenario2`: gives the grid minimiser, the minimiser
        of a parabola through the 11 grid points around it, and the ratio of
        the errors at the naive weight 1/2 and at the grid weight nearest
        ``w* = 0.618`` (theory: 1.079).
    scenario3_results : DataFrame, optional
        Output of :func:`scenario3`: gives the naive/optimal error ratio
        averaged over ``k`` with its first-order value.

    Returns
    -------
    DataFrame
        One row per setting.

    Examples
    --------
    >>> from skrecursive.reproduce import scenario2, scenarios_summary
    >>> s2 = scenario2(n_generations=29, last=15, n_repeats=2000,
    ...                weights=[0.5, 0.56, 0.62, 0.68, 0.74], settings=["linear"])
    >>> table = scenarios_summary(s2)
    >>> list(table.columns[:4])
    ['setting', 'grid_minimiser', 'minimiser', 'w_star']
    """
    if scenario2_results is not None:
        check_columns(scenario2_results, _SCENARIO2_COLUMNS, "scenario2_results",
                      "scenarios_summary", produced_by="scenario2")
    if scenario3_results is not None:
        check_columns(scenario3_results, _SCENARIO3_COLUMNS, "scenario3_results",
                      "scenarios_summary", produced_by="scenario3")
    rows = {}
    if scenario2_results is not None:
        for s, g in scenario2_results.groupby("setting", sort=False):
            g = g.sort_values("weight")
            w, e = g["weight"].to_numpy(), g["error"].to_numpy()
            # the realised ratio n / m (m = round(n / k)) is the one the theory describes
            k = float(g["n"].iloc[0] / g["m"].iloc[0])
            w_star = optimal_weight(k)
            near = int(np.argmin(np.abs(w - w_star)))
            naive = int(np.argmin(np.abs(w - naive_weight(k))))
            rows[s] = {
                "setting": s,
                "grid_minimiser": float(w[np.argmin(e)]),
                "minimiser": vertex_minimiser(w, e),
                "w_star": w_star,
                "ratio_k1": e[naive] / e[near],
                "ratio_k1_theory": limiting_risk(w[naive], k) / limiting_risk(w[near], k),
            }
    if scenario3_results is not None:
        for s, g in scenario3_results.groupby("setting", sort=False):
            piv = g.pivot_table(index="k", columns="rule", values=["error", "theory"])
            row = rows.setdefault(s, {"setting": s})
            row["ratio_small_k"] = float((piv["error"]["naive"] / piv["error"]["optimal"]).mean())
            row["ratio_small_k_theory"] = float(
                (piv["theory"]["naive"] / piv["theory"]["optimal"]).mean()
            )
    return pd.DataFrame(list(rows.values()))


# ------------------------------------------------------------------ figures


def _grid(n_panels):
    import matplotlib.pyplot as plt

    cols = min(3, n_panels)
    rows = -(-n_panels // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[n_panels:]:
        ax.set_visible(False)
    return fig, axes.flat


def _setting_panels(results, xlabel):
    """One titled panel per setting of ``results`` (error against ``xlabel``).

    Returns the figure and a list of ``(axes, setting, rows of that setting)``.
    """
    settings = list(dict.fromkeys(results["setting"]))
    fig, axes = _grid(len(settings))
    panels = []
    for ax, s in zip(axes, settings, strict=False):
        ax.set_title(s)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("error")
        panels.append((ax, s, results[results.setting == s]))
    return fig, panels


def _finish(fig, title):
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_scenario1(results):
    """Error vs generation of the fully synthetic loop, one panel per setting.

    Parameters
    ----------
    results : DataFrame
        Output of :func:`scenario1`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_columns(results, _SCENARIO1_COLUMNS, "results", "plot_scenario1",
                  produced_by="scenario1")
    fig, panels = _setting_panels(results, "generation")
    for ax, _, g in panels:
        ax.plot(g["generation"], g["error"], label="simulated (w = 0)")
        ax.fill_between(g["generation"], g["error"] - 2 * g["error_se"],
                        g["error"] + 2 * g["error_se"], alpha=0.3)
        ax.plot(g["generation"], g["theory"], "k--", lw=1, label="first order (C/n)(1 + t)")
        lost = int(g["n_repeats"].iloc[0] - g["n_repeats"].iloc[-1])
        if lost:
            ax.text(0.03, 0.95, f"{lost} of {int(g['n_repeats'].iloc[0])} repeats diverged "
                    "(fits separated) and left the average", transform=ax.transAxes,
                    fontsize="x-small", va="top")
        ax.set_yscale("log")
    panels[0][0].legend(fontsize="small")
    return _finish(fig, "Scenario 1: the fully synthetic loop collapses")


def plot_scenario2(results):
    """Late-generation error vs weight with ``w*`` and the empirical minimiser.

    Parameters
    ----------
    results : DataFrame
        Output of :func:`scenario2`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_columns(results, (*_SCENARIO2_COLUMNS, "error_se", "theory"), "results",
                  "plot_scenario2", produced_by="scenario2")
    summary = scenarios_summary(results).set_index("setting")
    fig, panels = _setting_panels(results, "weight w on real data")
    for ax, s, g in panels:
        g = g.sort_values("weight")
        ax.errorbar(g["weight"], g["error"], yerr=2 * g["error_se"], fmt="o", ms=3,
                    label="simulated")
        ax.plot(g["weight"], g["theory"], "k--", lw=1, label="(C/n) R(w, 1)")
        ax.axvline(summary.loc[s, "w_star"], color="C3", lw=1, label="w* = 0.618")
        wmin = summary.loc[s, "minimiser"]
        ax.axvline(wmin, color="C2", ls=":", lw=1.5, label=f"minimiser {wmin:.3f}")
        ax.legend(fontsize="x-small")
    return _finish(fig, "Scenario 2 (k = 1): the golden-ratio weight minimises the error")


def plot_scenario3(results):
    """Naive vs optimal error against ``k``, one panel per setting.

    Parameters
    ----------
    results : DataFrame
        Output of :func:`scenario3`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_columns(results, _SCENARIO3_COLUMNS, "results", "plot_scenario3",
                  produced_by="scenario3")
    fig, panels = _setting_panels(results, "k = n / m")
    for ax, _, rows in panels:
        for rule, color in (("naive", "C0"), ("optimal", "C3")):
            g = rows[rows.rule == rule].sort_values("k")
            ax.errorbar(g["k"], g["error"], yerr=2 * g["error_se"], fmt="o-", ms=3,
                        color=color, label=rule)
            ax.plot(g["k"], g["theory"], "--", color=color, lw=1)
        ax.legend(fontsize="small")
    return _finish(fig, "Scenario 3: optimal weight vs naive pooling (dashed: first order)")
