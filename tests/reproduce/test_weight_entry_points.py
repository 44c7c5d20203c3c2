"""Every entry point that takes a weight refuses the same values (the core's one WEIGHT rule)."""

import numpy as np
import pytest

from skrecursive import RecursiveWeightedRegressor, weight_curve
from skrecursive._core.weight_rule import WEIGHT
from skrecursive.reproduce import adult_classifier, scenario2
from skrecursive.simulation import simulate

BAD = [-0.1, 1.5, float("nan"), float("inf"), True, np.bool_(False), "best", None, [0.5]]


@pytest.mark.parametrize("value", BAD, ids=repr)
def test_every_entry_point_refuses_the_same_weights(value):
    assert not WEIGHT.is_satisfied_by(value)
    # the estimator (checked before any fit) ...
    with pytest.raises((ValueError, TypeError), match="weight"):
        RecursiveWeightedRegressor(weight=value).fit(np.zeros((4, 1)), np.zeros(4))
    # ... the simulations (a list of numbers, or one rule's name) ...
    with pytest.raises((ValueError, TypeError), match="weights"):
        simulate("gaussian-mean", [value], 1.0, n_repeats=1)
    # ... the measured curve and the Adult classifier loops, before any work
    with pytest.raises((ValueError, TypeError), match="weights"):
        weight_curve(RecursiveWeightedRegressor(), np.zeros((4, 1)), np.zeros(4),
                     weights=[value])
    with pytest.raises((ValueError, TypeError), match="loops"):
        adult_classifier(loops={"x": value})
    # the paper's scenario 2 takes a grid of numbers
    with pytest.raises((ValueError, TypeError), match="weights"):
        scenario2(weights=[value])
