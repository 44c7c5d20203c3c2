"""Row weights, metadata routing rules and input checks, independent of the loop."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrecursive._core.inputs import check_X
from skrecursive._core.weights import row_weights, user_weights, weight_routing
from skrecursive._utils.validation import check_sample_weight

pl = pytest.importorskip("polars")


@pytest.mark.parametrize(
    "sample_weight, error, match",
    [
        (np.ones(4), ValueError, "3 rows"),
        (np.ones((3, 1)), ValueError, "1-D"),
        ([1.0, -1.0, 1.0], ValueError, "non-negative"),
        ([1.0, np.nan, 1.0], ValueError, "finite"),
        ([1.0, np.inf, 1.0], ValueError, "finite"),
        ([0.0, 0.0, 0.0], ValueError, "all weights are zero"),
        (["a", "b", "c"], TypeError, "numbers"),
    ],
)
def test_bad_sample_weight_names_the_parameter(sample_weight, error, match):
    with pytest.raises(error, match="sample_weight") as info:
        check_sample_weight(sample_weight, 3)
    assert info.match(match)


def test_constant_user_weights_are_no_weights():
    assert user_weights(np.full(5, 3.0), 5) is None
    assert user_weights(None, 5) is None
    np.testing.assert_array_equal(user_weights([1, 2], 2), [1.0, 2.0])


def test_row_weights_keep_the_real_mass_and_share_it_by_user_weight():
    rng = np.random.RandomState(0)
    u = rng.exponential(size=7)
    for w in (0.0, 0.3, 0.618, 1.0):
        sw = row_weights(w, 7, 5, real_weights=u)
        total = sw.sum()
        assert total == pytest.approx(12.0)
        assert sw[:7].sum() / total == pytest.approx(w)
        np.testing.assert_allclose(sw[:7] / sw[:7].sum() if w else u / u.sum(), u / u.sum())
        np.testing.assert_allclose(sw[7:], (1 - w) * 12 / 5)
    # equal user weights give exactly the unweighted composition
    np.testing.assert_array_equal(row_weights(0.618, 4, 6, np.ones(4)), row_weights(0.618, 4, 6))


@pytest.fixture
def routing_on():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_weight_routing_without_metadata_routing():
    assert weight_routing(LinearRegression()) == "sample_weight"
    pipe = make_pipeline(StandardScaler(), LinearRegression())
    assert weight_routing(pipe) == "linearregression__sample_weight"


def test_weight_routing_follows_requests_when_routing_is_on(routing_on):
    assert weight_routing(LinearRegression()) == "sample_weight"  # unset: the loop's own weights
    assert weight_routing(LinearRegression().set_fit_request(sample_weight=False)) is None
    assert weight_routing(make_pipeline(StandardScaler(), LinearRegression())) is None
    requested = make_pipeline(StandardScaler(),
                              LinearRegression().set_fit_request(sample_weight=True))
    assert weight_routing(requested) == "sample_weight"


class _Owner(BaseEstimator):
    pass


def _frames():
    pdf = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64"), "b": [1.0, 2.0, 3.0]})
    return [pdf, pl.DataFrame({"a": [1, None, 3], "b": [1.0, 2.0, 3.0]})]


@pytest.mark.parametrize("X", _frames() + [np.array([[1.0, np.nan], [2.0, 3.0]])],
                         ids=["pandas", "polars", "numpy"])
def test_missing_values_follow_the_base_models_tags(X):
    owner = _Owner()
    assert check_X(owner, X, reset=True, base=HistGradientBoostingRegressor()) is X or isinstance(
        X, np.ndarray
    )
    imputed = make_pipeline(SimpleImputer(), LinearRegression())
    check_X(_Owner(), X, reset=True, base=imputed)
    with pytest.raises(ValueError, match="LinearRegression does not accept them") as info:
        check_X(_Owner(), X, reset=True, base=LinearRegression())
    assert info.match("SimpleImputer")


def test_frames_stay_native_and_infinity_is_refused():
    for X in _frames():
        owner = _Owner()
        out = check_X(owner, X, reset=True, base=HistGradientBoostingRegressor())
        assert out is X
        assert list(owner.feature_names_in_) == ["a", "b"]
    with pytest.raises(ValueError, match="infinity"):
        check_X(_Owner(), pl.DataFrame({"b": [1.0, float("inf")]}), reset=True,
                base=HistGradientBoostingRegressor())


def test_which_pipelines_accept_missing_values():
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder

    from skrecursive._core.inputs import accepts_nan

    assert accepts_nan(HistGradientBoostingClassifier())
    assert not accepts_nan(LogisticRegression())
    assert accepts_nan(make_pipeline(SimpleImputer(), LogisticRegression()))
    # a scaler allows NaN but passes it on: the logistic regression would fail
    assert not accepts_nan(make_pipeline(StandardScaler(), LogisticRegression()))
    assert accepts_nan(make_pipeline(StandardScaler(), HistGradientBoostingClassifier()))
    imputing = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["c"]),
        (make_pipeline(SimpleImputer(), StandardScaler()), ["x"]),
    )
    assert accepts_nan(make_pipeline(imputing, LogisticRegression()))
    scaling = make_column_transformer((OneHotEncoder(), ["c"]), (StandardScaler(), ["x"]))
    assert not accepts_nan(make_pipeline(scaling, LogisticRegression()))
