"""
====================================================
The golden-ratio weight: theory against a simulation
====================================================

When every generation mixes ``n`` fresh real rows with ``m = n`` synthetic rows
drawn from the previous generation's model (``k = n / m = 1``), the limiting
error of the recursion, relative to a fit on ``n`` real rows alone, is

.. math::

    R(w, 1) = \\frac{w^2 + (1 - w)^2}{w (2 - w)},

minimised at :math:`w^* = 1/\\varphi = (\\sqrt 5 - 1)/2 \\approx 0.618`, where
:math:`R(w^*, 1) = w^*` (He, Xu & Cheng, 2026, doi:10.1093/jrsssb/qkag099).

This example draws the curve with :func:`skrecursive.limiting_risk` and checks
it with :class:`skrecursive.RecursiveWeightedRegressor` on simulated linear
data, feeding one fresh real batch per generation through ``partial_fit``.
"""

# %%
# The theoretical curve
# ---------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression

from skrecursive import RecursiveWeightedRegressor, limiting_risk, naive_weight, optimal_weight

w_grid = np.linspace(0.15, 1.0, 200)
w_star = optimal_weight(1.0)
print(f"w*(1) = {w_star:.4f}, 1/phi = {2 / (1 + np.sqrt(5)):.4f}")
print(f"R(w*, 1) = {limiting_risk(w_star, 1.0):.4f}; "
      f"naive pooling R(0.5, 1) = {limiting_risk(naive_weight(1.0), 1.0):.4f}")

# %%
# A Monte Carlo check with a real estimator
# -----------------------------------------
# The data follow ``y = x'beta + noise`` with ``x ~ N(0, I_2)``, ``beta = (1, 1)`` and
# unit noise. Synthetic covariates are drawn from the same ``N(0, I_2)``: a
# ``covariate_sampler`` is any object with ``sample(n, random_state)``. Synthetic
# responses are the previous model's predictions plus Gaussian noise (the
# regressor's default ``noise="gaussian"``).
#
# The error of a generation is ``||(intercept, coef) - (0, beta)||^2``. Relative to
# a fit on ``n`` real rows it is ``n * error / C`` with ``C = sigma^2 (p + 1) = 3``
# (the inverse Fisher information of least squares with an intercept and
# standard normal covariates). Errors are averaged over generations 10 to 30,
# after the recursion has settled, and over repeats.

n, p, sigma = 200, 2, 1.0
beta = np.ones(p)
C = sigma**2 * (p + 1)


class GaussianCovariates:
    """Fresh covariates from N(0, I_p), as in the theory."""

    def __init__(self, p):
        self.p = p

    def sample(self, n, random_state):
        return np.random.RandomState(random_state).standard_normal((n, self.p))


def relative_errors(weight, n_generations=30, burn_in=10, seed=0):
    """Relative error of generations burn_in..n_generations of one recursion."""
    rng = np.random.RandomState(seed)
    reg = RecursiveWeightedRegressor(
        LinearRegression(), weight=weight, n_synthetic=1.0,
        covariate_sampler=GaussianCovariates(p), random_state=seed,
    )
    errors = []
    for t in range(n_generations + 1):
        X = rng.standard_normal((n, p))  # a fresh real batch every generation
        y = X @ beta + sigma * rng.standard_normal(n)
        reg.partial_fit(X, y)
        if t >= burn_in:
            model = reg.estimator_
            err = model.intercept_**2 + np.sum((model.coef_ - beta) ** 2)
            errors.append(n * err / C)
    return np.mean(errors)


weights = np.array([0.3, 0.4, 0.5, w_star, 0.75, 0.9, 1.0])
n_repeats = 20
mc = np.array([[relative_errors(w, seed=r) for r in range(n_repeats)] for w in weights])
mean, se = mc.mean(axis=1), mc.std(axis=1, ddof=1) / np.sqrt(n_repeats)
for w, m, s in zip(weights, mean, se, strict=True):
    print(f"w = {w:.3f}: simulated {m:.3f} +- {s:.3f}, theory {limiting_risk(w, 1.0):.3f}")

# %%
# Theory and simulation together
# ------------------------------
# The bars are two standard errors over the repeats. The minimum sits at
# ``1/phi``; plain pooling (``w = 0.5``) and real data only (``w = 1``) both
# lose, and the error grows without bound as ``w`` goes to 0.

fig, ax = plt.subplots(figsize=(6.4, 4))
ax.plot(w_grid, limiting_risk(w_grid, 1.0), label="theory R(w, 1)")
ax.errorbar(weights, mean, yerr=2 * se, fmt="o", capsize=3,
            label=f"RecursiveWeightedRegressor, {n_repeats} repeats")
ax.axvline(w_star, color="grey", linestyle="--", label=f"w* = 1/phi = {w_star:.3f}")
ax.set_xlabel("weight on real data w")
ax.set_ylabel("error relative to real data only")
ax.set_ylim(0.4, 2.0)
ax.legend()
plt.show()
