"""scikit-learn's estimator checks for the supervised meta-estimators.

The regressor and the classifier fail the same check for the same reason, so
their checks run here, with that reason stated once. (The density estimators
pass every check: see tests/core/test_density_recursive.py and tests/core/test_copula.py.)
"""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrecursive import RecursiveWeightedClassifier, RecursiveWeightedRegressor


def _expected_failed_checks(estimator):
    # The loop is randomised (bootstrap batches, synthetic rows), so integer weights
    # match duplicated rows in mean only, not fit for fit nor in variance: see
    # tests/core/test_tabular_workflows.py (Monte Carlo means over seeds) and
    # tests/core/test_integer_weights_variance.py (the variance ratio).
    if not type(estimator).__name__.startswith("Recursive"):
        return {}
    reason = "randomised loop: weights equal repeated rows in mean, not exactly"
    return {f"check_sample_weight_equivalence_on_{kind}_data": reason
            for kind in ("dense", "sparse")}


# a fixed random_state: the checks fit with the estimator's own, and with None some
# (check_dtype_object: is the corrupted row drawn?) would pass or fail by chance
@parametrize_with_checks(
    [
        RecursiveWeightedRegressor(n_generations=3, random_state=0),
        RecursiveWeightedRegressor(Ridge(), n_generations=3, random_state=0),
        RecursiveWeightedRegressor(make_pipeline(StandardScaler(), Ridge()), n_generations=3,
                                   random_state=0),
        RecursiveWeightedClassifier(n_generations=2, random_state=0),
        RecursiveWeightedClassifier(
            make_pipeline(StandardScaler(), LogisticRegression()), n_generations=1, random_state=0
        ),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    # Expected failures: only the exact sample_weight equivalence (see above).
    check(estimator)
