"""
=================================================================
Replace, accumulate, fixed real data or fresh data: four loops
=================================================================

The model-collapse literature trains each generation on a different mix of
real and synthetic rows. Every meta-estimator of skrecursive runs all of them
through its ``strategy`` parameter:

* ``"replace"``: after generation 0, only synthetic rows from the previous
  model (Shumailov et al., 2024): the error performs a random walk,
  ``R_t = 1 + t k`` relative to one real batch;
* ``"accumulate"``: generation 0's real rows plus every synthetic row so far,
  equally weighted (Gerstgrasser et al., 2024): bounded, tending to
  ``1 + k psi_1(k + 1)`` (``pi^2 / 6`` at ``k = 1``), but never below 1;
* ``"fixed-real"``: generation 0's real rows reused every generation with
  weight ``w``: also bounded and above 1, ``1 + k (1 - w)^2 / (w (2 - w))``;
* ``"fresh"``: new real rows every generation with weight ``w`` (He, Xu &
  Cheng, 2026): the only loop whose error ends *below* that of one real
  batch, ``R(w*, k) = w*`` at the optimal weight, against ``R(k / (1 + k), k)``
  for naive pooling.

:func:`skrecursive.reproduce.strategies` runs the five loops on the same
data-generating processes: the Gaussian mean and linear regression through
the vectorised simulation engines, with the closed forms of
:func:`skrecursive.risk_trajectory` dashed, and a kernel density estimate
through :class:`skrecursive.RecursiveDensityEstimator`, measured by its
Cramer-von Mises distance to the true ``N(0, 1)``.
"""

# %%
# Five loops, three settings
# --------------------------
# ``k = 1`` (as many synthetic rows as real rows per generation), ``n = 100``,
# 21 generations; 2,000 repeats for the engines and 20 for the KDE.
import matplotlib.pyplot as plt

from skrecursive import limiting_risk, optimal_weight
from skrecursive.reproduce import plot_strategies, strategies
from skrecursive.simulation import error_constant

df = strategies(k=1.0, n=100, n_generations=21, n_repeats=2000, kde_repeats=20,
                random_state=0)
fig = plot_strategies(df)
plt.show()

# %%
# The last generation, relative to one batch of real rows
# -------------------------------------------------------
# For the engine settings the error is divided by ``C / n``, the error of a fit
# on ``n`` real rows; beside it the closed form. Only the fresh loop ends below
# 1, and the optimal weight below naive pooling.
last = df[df["generation"] == df["generation"].max()]
engine = last[last["setting"] != "kde"].copy()
unit = engine["setting"].map(lambda s: error_constant(s, p=2) / 100)
engine["measured"] = engine["error"] / unit
engine["theory"] = engine["theory"] / unit
print(engine.pivot_table(index="loop", columns="setting", values=["measured", "theory"],
                         sort=False).round(2))

# %%
# The limits, from :func:`skrecursive.limiting_risk`:
w = optimal_weight(1.0)
for strategy in ("fresh", "accumulate", "fixed-real", "replace"):
    print(f"{strategy:>10}: limiting relative risk {limiting_risk(w, 1.0, strategy=strategy):.3f}")

# %%
# The KDE has no closed form: its bandwidth widens the estimate at every
# synthetic generation, so replacing the data collapses fastest; the ranking of
# the loops is the same as for the parametric settings.
print(last[last["setting"] == "kde"].set_index("loop")[["error", "error_se"]])
