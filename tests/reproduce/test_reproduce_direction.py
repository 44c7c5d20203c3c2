"""minimiser_interval locates the smallest error: a distance recommends w*, a score is refused.

Per-repeat late-generation marginal distances of the Adult copula loop at
``w = 0`` and ``w*`` (scored through ``neg_marginal_distance_scorer``, so the
history holds minus the distance); at ``w = 0`` the distance grows generation
after generation, so three repeats put the minimum at ``w*``.
"""

import numpy as np
import pandas as pd
import pytest

from skrecursive import GaussianCopula, RecursiveDensityEstimator
from skrecursive.datasets import load_adult
from skrecursive.metrics import neg_marginal_distance_scorer
from skrecursive.reproduce import minimiser_interval
from skrecursive.theory import optimal_weight


@pytest.fixture(scope="module")
def scores():
    adult = load_adult().frame
    rows = []
    for weight in (0.0, "optimal"):
        for repeat in range(3):
            est = RecursiveDensityEstimator(
                GaussianCopula(), n_generations=5, n_real=100, weight=weight,
                validation_fraction=400 / len(adult), scoring=neg_marginal_distance_scorer,
                random_state=repeat).fit(adult)
            rows.append({"weight": est.weight_, "repeat": repeat,
                         "score": float(np.mean(est.history_["score"][-2:]))})
    return pd.DataFrame(rows)


def test_minimiser_of_the_distance_is_w_star(scores):
    found = minimiser_interval(scores.assign(error=-scores["score"]))
    assert found["grid_minimiser"] == pytest.approx(optimal_weight(1.0))
    # read as an error, the score itself would put the minimum at the collapsing loop
    assert minimiser_interval(scores.assign(error=scores["score"]))["grid_minimiser"] == 0.0


def test_a_table_of_scores_is_refused_naming_the_fix(scores):
    with pytest.raises(ValueError, match=r"lower is better.*error=-results\['score'\]"):
        minimiser_interval(scores)
