"""
======================================================
Naive pooling against the optimal weight across k
======================================================

When many synthetic rows are available per real row (small ``k = n / m``), plain
pooling gives every row the same weight, so the real rows carry only
``k / (1 + k)`` of the total weight. The theory of He, Xu & Cheng (2026)
says this wastes most of the benefit: the limiting risk of pooling tends to 1/2
as ``k`` goes to 0, while the optimal weight ``w*(k) = (sqrt(k^2 + 4k) - k) / 2``
drives it to 0 (``R(w*, k) = w*``, about ``sqrt(k)``).

This example plots both risks across ``k`` with :func:`skrecursive.limiting_risk`,
their approach to the limit generation by generation with
:func:`skrecursive.risk_trajectory`, and checks the trajectories at ``k = 0.1``
with :class:`skrecursive.RecursiveWeightedRegressor` on simulated linear data.
"""

# %%
# Limiting risk across k
# ----------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression

from skrecursive import (
    RecursiveWeightedRegressor,
    limiting_risk,
    naive_weight,
    optimal_weight,
    risk_trajectory,
)

k = np.logspace(-2, 1, 200)
fig, ax = plt.subplots(figsize=(6.4, 4))
ax.plot(k, limiting_risk(naive_weight(k), k), label="naive pooling, w = k / (1 + k)")
ax.plot(k, limiting_risk(optimal_weight(k), k), label="optimal, w = w*(k)")
ax.axhline(1.0, color="grey", linestyle=":", label="real data only, w = 1")
ax.set_xscale("log")
ax.set_xlabel("k = real rows / synthetic rows")
ax.set_ylabel("limiting error relative to real data only")
ax.legend()
plt.show()

for kk in (0.01, 0.1, 1.0, 10.0):
    w_naive, w_opt = naive_weight(kk), optimal_weight(kk)
    print(f"k = {kk:5}: naive w = {w_naive:.3f} risk {limiting_risk(w_naive, kk):.3f} | "
          f"optimal w = {w_opt:.3f} risk {limiting_risk(w_opt, kk):.3f}")

# %%
# Generation by generation, in theory and in a simulation
# -------------------------------------------------------
# Each generation fits a linear regression with intercept on ``n = 100`` fresh
# real rows (``y = x'beta + noise``, ``x ~ N(0, I_2)``, unit noise) and
# ``m = 1000`` synthetic rows from the previous generation (``k = 0.1``),
# streamed with ``partial_fit``. The error ``||(intercept, coef) - (0, beta)||^2``
# is divided by ``C / n = 3 / n``, the first-order error of a fit on the real
# rows alone, and averaged over repeats. The smaller weight of naive pooling
# also converges more slowly: the distance to the limit shrinks by
# ``(1 - w)^2`` per generation.

n, p, k_sim, n_generations, n_repeats = 100, 2, 0.1, 40, 30
beta = np.ones(p)


class GaussianCovariates:
    """Synthetic covariates from N(0, I_p), the covariate law of the real rows."""

    def sample(self, n, random_state):
        return np.random.RandomState(random_state).standard_normal((n, p))


def simulated_trajectory(weight, seed):
    rng = np.random.RandomState(seed)
    reg = RecursiveWeightedRegressor(
        LinearRegression(), weight=weight, n_synthetic=1 / k_sim,
        covariate_sampler=GaussianCovariates(), random_state=seed,
    )
    errors = np.empty(n_generations + 1)
    for t in range(n_generations + 1):
        X = rng.standard_normal((n, p))
        reg.partial_fit(X, X @ beta + rng.standard_normal(n))
        model = reg.estimator_
        errors[t] = model.intercept_**2 + np.sum((model.coef_ - beta) ** 2)
    return errors * n / (p + 1)


fig, ax = plt.subplots(figsize=(6.4, 4))
generations = np.arange(n_generations + 1)
for name, weight in (("naive", naive_weight(k_sim)), ("optimal", optimal_weight(k_sim))):
    runs = np.array([simulated_trajectory(weight, seed) for seed in range(n_repeats)])
    (line,) = ax.plot(generations, risk_trajectory(weight, k_sim, n_generations),
                      label=f"{name} w = {weight:.3f}, theory")
    ax.plot(generations, runs.mean(axis=0), "o", markersize=3, color=line.get_color(),
            label=f"{name}, simulated ({n_repeats} repeats)")
    late = runs[:, 20:].mean(axis=1)
    print(f"{name}: simulated mean over generations 20-40 = {late.mean():.3f} "
          f"+- {late.std(ddof=1) / np.sqrt(n_repeats):.3f}, "
          f"theory limit {limiting_risk(weight, k_sim):.3f}")
ax.set_xlabel("generation")
ax.set_ylabel("error relative to real data only")
ax.legend()
plt.show()
