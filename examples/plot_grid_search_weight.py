"""
==============================================
Choosing the weight by cross-validation
==============================================

``weight`` is an ordinary hyper-parameter of the recursive meta-estimators, so
:class:`~sklearn.model_selection.GridSearchCV` can choose it on real data. Here
a ridge regression is trained recursively for ten generations on the diabetes
data bundled with scikit-learn; each generation mixes a bootstrap replicate of
the training rows with as many synthetic rows drawn from the previous
generation (``k = 1``). The cross-validated score of the final generation is
compared with the theory's choice, ``w*(1) = 1/phi``.
"""

# %%
# Grid search over the weight
# ---------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, RepeatedKFold

from skrecursive import RecursiveWeightedRegressor, optimal_weight

X, y = load_diabetes(return_X_y=True)
loop = RecursiveWeightedRegressor(Ridge(alpha=0.01), n_generations=10, random_state=0)
grid = np.round(np.linspace(0.0, 1.0, 11), 2)
cv = RepeatedKFold(n_splits=5, n_repeats=3, random_state=0)
search = GridSearchCV(loop, {"weight": list(grid)}, cv=cv)
search.fit(X, y)

mean = search.cv_results_["mean_test_score"]
se = search.cv_results_["std_test_score"] / np.sqrt(cv.get_n_splits())
for w, m, s in zip(grid, mean, se, strict=True):
    print(f"w = {w:.1f}: R^2 = {m:.4f} +- {s:.4f}")
print(f"best weight: {search.best_params_['weight']:.2f}; "
      f"theory w*(1) = {optimal_weight(1.0):.3f}")

# %%
# The cross-validated score against the weight
# --------------------------------------------
# The fully synthetic loop (``w = 0``) has lost much of its accuracy after ten
# generations, and real data alone (``w = 1``) is beaten by the intermediate
# weights. The curve is flat around its maximum, near ``1/phi``: the
# differences between the best few weights are far smaller than their
# standard errors (one standard error of the mean over the folds, shown as
# bars; fold scores are correlated, so read them as a rough guide), so the
# grid's winner and ``1/phi`` are equally good choices here.

fig, ax = plt.subplots(figsize=(6.4, 4))
ax.errorbar(grid, mean, yerr=se, fmt="o-", capsize=3, label="cross-validated R^2")
ax.axvline(optimal_weight(1.0), color="grey", linestyle="--", label="w*(1) = 1/phi")
ax.set_xlabel("weight on real data w")
ax.set_ylabel("R^2 of the final generation")
ax.legend()
plt.show()

# %%
# Where the theory's assumptions do not hold
# ------------------------------------------
# The optimal weight is derived for a correctly specified model fitted on
# *fresh* real rows every generation. Here the real rows of every generation
# are bootstrap replicates of the same training fold, and a linear model of the
# diabetes progression is surely not the true one, so nothing guarantees that
# ``1/phi`` is best: cross-validation measures it. The per-generation
# validation scores of one fit show how the loop drifts when ``w = 0`` and
# settles otherwise.

fig, ax = plt.subplots(figsize=(6.4, 4))
for weight in (0.0, "naive", "optimal", 1.0):
    fit = RecursiveWeightedRegressor(
        Ridge(alpha=0.01), n_generations=30, weight=weight, random_state=0
    ).fit(X, y)
    ax.plot(fit.history_["generation"], fit.history_["score"],
            label=f"weight={weight!r} (w = {fit.weight_:.3f})")
ax.set_xlabel("generation")
ax.set_ylabel("validation R^2")
ax.legend()
plt.show()
