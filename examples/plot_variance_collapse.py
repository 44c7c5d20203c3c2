"""
=====================================================================
Variance collapse of the fully synthetic loop, and the golden ratio
=====================================================================

A Gaussian fitted to its own samples, generation after generation, loses its
variance: each maximum-likelihood fit on ``m`` synthetic rows multiplies the
variance by a ``chi2_{m-1} / m`` factor, whose logarithm has a negative mean
(``psi((m - 1) / 2) + log(2 / m)``), so the variance drifts to zero
geometrically ("model collapse", Shumailov et al. 2024). Mixing ``n`` fresh
real rows into every generation with total weight ``w`` stops the drift; with
``n = m`` the weight ``w* = 1 / phi = 0.618`` (the reciprocal of the golden
ratio) minimises the limiting error (He, Xu & Cheng 2026,
doi:10.1093/jrsssb/qkag099).

Both loops below run through :class:`~skrecursive.RecursiveDensityEstimator`
with a :class:`~skrecursive.GaussianDensity` base model. A scoring callable
records the fitted variance of every generation, so ``generation_scores_`` is
the variance trajectory.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy import special

from skrecursive import GaussianDensity, RecursiveDensityEstimator, optimal_weight

n = 20  # fresh real rows per generation, and as many synthetic rows
n_generations = 200
n_repeats = 30


def fitted_variance(estimator, X, y=None):
    """Scorer that ignores the held-out rows and returns the model's variance."""
    return estimator.covariance_[0, 0]


def variance_trajectories(weight):
    out = []
    for seed in range(n_repeats):
        rng = np.random.RandomState(seed)
        X = rng.normal(size=(n * (n_generations + 1) + 3, 1))  # true variance 1
        est = RecursiveDensityEstimator(
            GaussianDensity(reg_covar=0.0),
            n_generations=n_generations,
            n_real=n,
            n_synthetic=n,
            weight=weight,
            real_sampling="disjoint",  # every generation gets fresh real rows
            validation_fraction=3 / len(X),
            scoring=fitted_variance,
            random_state=seed,
        ).fit(X)
        out.append(est.generation_scores_)
    return np.asarray(out)


generations = np.arange(n_generations + 1)
runs = {
    "w = 0 (fully synthetic)": variance_trajectories(0.0),
    f"w = 1/phi = {optimal_weight(1.0):.3f}": variance_trajectories("optimal"),
}

# %%
# Median and 10-90 % band over the repeats, with the drift predicted for w = 0:
# ``E log(variance_t) = (t + 1) * (psi((n - 1) / 2) + log(2 / n))``.

drift = special.digamma((n - 1) / 2) + np.log(2 / n)
fig, ax = plt.subplots(figsize=(7, 4))
for (label, variances), colour in zip(runs.items(), ["tab:red", "tab:blue"], strict=True):
    low, median, high = np.percentile(variances, [10, 50, 90], axis=0)
    ax.plot(generations, median, color=colour, label=label)
    ax.fill_between(generations, low, high, color=colour, alpha=0.2)
ax.plot(generations, np.exp((generations + 1) * drift), "k--", lw=1,
        label="w = 0, theory: exp(E log variance)")
ax.axhline(1.0, color="grey", lw=1)
ax.set_yscale("log")
ax.set_xlabel("generation")
ax.set_ylabel("fitted variance (truth = 1)")
ax.set_title(f"Gaussian loop, n = m = {n}: median and 10-90 % band of {n_repeats} runs")
ax.legend(loc="lower left")
fig.tight_layout()

final = {label: np.median(v[:, -1]) for label, v in runs.items()}
for label, value in final.items():
    print(f"{label}: median variance after {n_generations} generations = {value:.3g}")

if plt.get_backend().lower() != "agg":
    plt.show()
