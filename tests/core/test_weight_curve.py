"""weight_curve: paired (common random numbers) curves of score against weight."""

import matplotlib
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV

from skrecursive import RecursiveWeightedRegressor, limiting_risk, weight_curve
from skrecursive.plotting import WeightCurveDisplay

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data(linear_model_rows):
    return linear_model_rows(300, [1.0, 2.0, 3.0])


def _est(**params):
    params = {"n_generations": 8, "n_real": 30, "scoring": "neg_mean_squared_error", **params}
    return RecursiveWeightedRegressor(**params)


def test_table_columns_and_reference_row(data):
    curve = weight_curve(_est(), *data, weights=[0.3, "naive"], n_repeats=3, last=2,
                         random_state=0)
    assert list(curve.columns) == [
        "weight", "label", "score_mean", "score_se", "diff_mean", "diff_se", "n_repeats"
    ]
    np.testing.assert_allclose(curve["weight"], [0.3, 0.5, (5**0.5 - 1) / 2])
    ref = curve[curve["label"] == "optimal"].iloc[0]
    assert ref["diff_mean"] == 0.0 and ref["diff_se"] == 0.0
    assert curve.attrs["k"] == 1.0 and curve.attrs["paired"] is True


def test_bit_identical_for_any_n_jobs(data):
    a = weight_curve(_est(), *data, weights=[0.2, 0.8], n_repeats=4, last=3, random_state=1)
    b = weight_curve(_est(), *data, weights=[0.2, 0.8], n_repeats=4, last=3, random_state=1,
                     n_jobs=2)
    assert a.equals(b)


@pytest.mark.slow
def test_paired_standard_errors_against_an_unpaired_run(data):
    """Both designs estimate the same differences; pairing shrinks their standard errors.

    With 40 repeats each standard error is itself estimated to about
    1 / sqrt(2 * 39) ~ 11% relative error, so the ratios below have room: the
    unpaired difference's SE must match sqrt(se_w^2 + se_opt^2) within a factor
    of 1.5, and the paired SE must be at most half the unpaired one (common
    random numbers share the validation split and the real batches, which
    dominate each score's variance), at most a quarter for the weights near
    the flat optimum, where the paired runs differ least. The two mean
    differences must agree within 4 combined standard errors.
    """
    weights = [0.2, 0.5, 0.9]
    kw = dict(weights=weights, n_repeats=40, last=4, random_state=0)
    paired = weight_curve(_est(), *data, **kw)
    unpaired = weight_curve(_est(), *data, paired=False, **kw)
    ref_u = unpaired[unpaired["label"] == "optimal"].iloc[0]
    for w in weights:
        p = paired[paired["label"] == w].iloc[0]
        u = unpaired[unpaired["label"] == w].iloc[0]
        marginal = np.hypot(u["score_se"], ref_u["score_se"])
        assert 1 / 1.5 < u["diff_se"] / marginal < 1.5
        assert p["diff_se"] < (0.25 if w >= 0.5 else 0.5) * u["diff_se"]
        assert abs(p["diff_mean"] - u["diff_mean"]) < 4 * np.hypot(p["diff_se"], u["diff_se"])
    # the paired curve resolves what theory predicts: w = 0.2 is clearly worse than w*
    # (limiting_risk(0.2, 1) / limiting_risk(w*, 1) = 1.93), by more than 5 standard errors
    assert limiting_risk(0.2, 1.0) > 1.5 * limiting_risk((5**0.5 - 1) / 2, 1.0)
    low = paired[paired["label"] == 0.2].iloc[0]
    assert low["diff_mean"] < -5 * low["diff_se"]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"weights": []}, ValueError, "at least one"),
        ({"weights": [0.2, 1.5]}, ValueError, "weights"),
        ({"weights": [-0.1]}, ValueError, "weights"),
        ({"weights": ["best"]}, ValueError, "weights"),
        ({"weights": [0.2, 0.2]}, ValueError, "distinct"),
        ({"weights": [0.2], "n_repeats": 0}, ValueError, "n_repeats"),
        ({"weights": [0.2], "last": 0}, ValueError, "last"),
        ({"weights": [0.2], "last": 10}, ValueError, "last"),
        ({"weights": [0.2], "paired": "yes"}, TypeError, "paired"),
    ],
)
def test_bad_arguments(data, kwargs, error, match):
    with pytest.raises(error, match=match):
        weight_curve(_est(), *data, **{"n_repeats": 2, **kwargs})


@pytest.mark.parametrize(
    "estimator, error, match",
    [
        (LinearRegression(), TypeError, "skrecursive recursive meta-estimator"),
        (_est(validation_fraction=0.0), ValueError, "validation_fraction"),
        (_est(strategy="replace"), ValueError, "strategy"),
        (_est(scoring=["r2", "neg_mean_squared_error"]), ValueError, "multi-metric"),
        (RecursiveWeightedRegressor(n_generations=0), ValueError, "n_generations"),
        (_est(n_generations=-1), ValueError, "n_generations"),
    ],
)
def test_estimators_that_cannot_give_a_curve(data, estimator, error, match):
    with pytest.raises(error, match=match):
        weight_curve(estimator, *data, weights=[0.5], n_repeats=2, last=1)


def test_display_from_estimator_draws_the_paired_band(data):
    disp = WeightCurveDisplay.from_estimator(
        _est(), *data, weights=[0.2, 0.9], n_repeats=5, last=3, random_state=0
    )
    curve = disp.curve
    np.testing.assert_allclose(disp.mean, -curve["score_mean"])
    i = int(np.flatnonzero(curve["label"] == "optimal")[0])
    assert disp.lower[i] == disp.upper[i] == disp.mean[i]  # the band closes at w*
    assert disp.ax_.get_ylabel() == "Mean squared error (lower is better)"
    assert disp.lines_[1].get_xdata()[0] == pytest.approx((5**0.5 - 1) / 2)
    # the band is the interval of the paired difference to w*, and says so
    assert disp.fill_between_.get_label() == "95% interval of the paired difference to w*"


def test_display_from_grid_search_resolves_named_weights(data):
    search = GridSearchCV(
        _est(random_state=0), {"weight": [0.2, "naive", "optimal"]}, cv=3,
        scoring="neg_mean_squared_error",
    ).fit(*data)
    disp = WeightCurveDisplay.from_estimator(search)
    np.testing.assert_allclose(disp.weights, [0.2, 0.5, (5**0.5 - 1) / 2])
    order = [0, 1, 2]  # the grid is already sorted by resolved weight
    np.testing.assert_allclose(disp.mean, -search.cv_results_["mean_test_score"][order])
    assert disp.optimal_weight == pytest.approx((5**0.5 - 1) / 2)
    assert disp.curve is None


def test_display_refuses_searches_it_cannot_read(data):
    no_refit = GridSearchCV(_est(random_state=0), {"weight": [0.2, "optimal"]}, cv=2,
                            refit=False).fit(*data)
    with pytest.raises(ValueError, match="refit=True"):
        WeightCurveDisplay.from_estimator(no_refit)
    other = GridSearchCV(_est(random_state=0), {"n_real": [20, 30]}, cv=2).fit(*data)
    with pytest.raises(ValueError, match="'weight'"):
        WeightCurveDisplay.from_estimator(other)
    plain = GridSearchCV(LinearRegression(), {"fit_intercept": [True]}, cv=2).fit(*data)
    with pytest.raises(TypeError, match="not a skrecursive"):
        WeightCurveDisplay.from_estimator(plain)
    with pytest.raises(ValueError, match="weights is required"):
        WeightCurveDisplay.from_estimator(_est(), *data)
