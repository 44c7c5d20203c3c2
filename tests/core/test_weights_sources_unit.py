"""Unit tests of the weights, synthetic sources and parameter-checking modules."""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrecursive import GaussianDensity, naive_weight, optimal_weight
from skrecursive._core.rows import take_rows
from skrecursive._core.sources import (
    BootstrapRows,
    ClassificationSource,
    DensitySource,
    RegressionSource,
    check_outputs,
    check_synthetic_rows,
    draw_synthetic,
    sample_rows,
)
from skrecursive._core.weight_rule import resolve_weight
from skrecursive._core.weights import (
    fit_weighted,
    row_weights,
    warn_resampling,
    weight_routing,
)
from skrecursive._utils.validation import (
    CALLABLE,
    NONE,
    RANDOM_STATE,
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    check_params,
)


# ------------------------------------------------------------------ weights
def test_resolve_weight():
    assert resolve_weight("optimal", 2.0) == optimal_weight(2.0)
    assert resolve_weight("naive", 2.0) == naive_weight(2.0) == pytest.approx(2 / 3)
    assert resolve_weight(0.3, 2.0) == 0.3 and isinstance(resolve_weight(1, 2.0), float)


@pytest.mark.parametrize(("w", "n", "m"), [(0.3, 5, 7), (0.9, 1, 100), (0.0, 3, 3), (1.0, 3, 3)])
def test_row_weights_mass_and_total(w, n, m):
    weights = row_weights(w, n, m)
    assert weights.shape == (n + m,)
    assert weights.sum() == pytest.approx(n + m)
    assert weights[:n].sum() / weights.sum() == pytest.approx(w)
    assert np.ptp(weights[:n]) == 0 and np.ptp(weights[n:]) == 0


def test_row_weights_empty_parts():
    np.testing.assert_allclose(row_weights(0.4, 3, 0), [0.4] * 3, rtol=1e-15)  # mass w
    np.testing.assert_allclose(row_weights(0.4, 0, 2), [0.6] * 2, rtol=1e-15)


def test_weight_routing():
    assert weight_routing(LinearRegression()) == "sample_weight"
    assert weight_routing(KNeighborsRegressor()) is None
    assert weight_routing(make_pipeline(StandardScaler(), LinearRegression())) == (
        "linearregression__sample_weight")
    assert weight_routing(make_pipeline(StandardScaler(), KNeighborsRegressor())) is None
    assert weight_routing(make_pipeline(StandardScaler(), "passthrough")) is None


class Recording:
    """Estimator stub recording what fit received."""

    def fit(self, X, y=None, sample_weight=None):
        self.args = (X, y, sample_weight)
        return self


def test_fit_weighted_passes_or_resamples():
    X, y, sw = np.arange(10.0)[:, None], np.arange(10.0), row_weights(0.5, 2, 8)
    rec = fit_weighted(Recording(), X, y, None, "sample_weight", None, take_rows)
    assert rec.args[2] is None
    rec = fit_weighted(Recording(), X, y, sw, "sample_weight", None, take_rows)
    assert rec.args[2] is sw
    # resampling: the first two rows (half of the mass) are drawn about half of the time
    rng = np.random.RandomState(0)
    drawn = np.concatenate([
        fit_weighted(Recording(), X, y, sw, None, rng, take_rows).args[1] for _ in range(2000)
    ])
    # 20,000 draws of a Bernoulli(0.5): SE 0.0035, tolerance about 4 SE
    assert np.mean(drawn < 2) == pytest.approx(0.5, abs=0.015)
    rec = fit_weighted(Recording(), X, None, sw, None, rng, take_rows)  # density: no y
    assert rec.args[1] is None and len(rec.args[0]) == 10


def test_warn_resampling_points_at_the_caller():
    def user_code():
        warn_resampling(KNeighborsRegressor(), stacklevel=2)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        user_code()
    assert "KNeighborsRegressor.fit does not accept sample_weight" in str(caught[0].message)
    assert caught[0].filename == __file__


# ------------------------------------------------------------------ sources
def test_bootstrap_rows_resamples_uniformly():
    X = np.arange(5.0)[:, None]
    rows = BootstrapRows(X).sample(50_000, 0)
    assert rows.shape == (50_000, 1)
    # each row with probability 0.2: SE 0.0018, tolerance about 4 SE
    np.testing.assert_allclose(np.bincount(rows[:, 0].astype(int)) / 50_000, 0.2, atol=0.007)
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": pd.Categorical(["u", "v"])})
    out = BootstrapRows(frame).sample(6, np.random.RandomState(0))
    assert isinstance(out, pd.DataFrame) and isinstance(out["b"].dtype, pd.CategoricalDtype)


def test_sample_rows_passes_random_state_when_accepted():
    class NoSeed:
        def sample(self, n):
            return np.zeros((n, 1))

    assert sample_rows(NoSeed(), 3, 0).shape == (3, 1)
    gm = GaussianMixture(2, random_state=0).fit(np.random.RandomState(0).normal(size=(50, 2)))
    a, b = sample_rows(gm, 4, 7), sample_rows(gm, 4, 7)  # the tuple's first element
    assert a.shape == (4, 2)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ([[0.0, 1.0]] * 3, "returned a list"),
        (pd.Series([1.0, 2.0, 3.0]), "returned a Series"),
        (np.zeros(3), r"shape \(3,\)"),
        (np.zeros((2, 2)), "returned 2 rows instead of 3"),
        (np.zeros((3, 1)), "returned 1 columns, but the data have 2 features"),
        (np.array([[0.0, np.nan]] * 3), "NaN or infinity"),
        (sp.csr_matrix(np.array([[0.0, np.inf]] * 3)), "NaN or infinity"),
        (pd.DataFrame({"a": [1.0, None, 2.0], "b": 1.0}), "NaN or infinity"),
        (pd.DataFrame({"a": [1.0, np.inf, 2.0], "b": 1.0}), "NaN or infinity"),
        (np.array([["a", None]] * 3, dtype=object), "NaN or infinity"),
    ],
)
def test_check_synthetic_rows_refuses(X, match):
    with pytest.raises(ValueError, match=rf"^sampler\(3\) .*{match}.*generation 4"):
        check_synthetic_rows(X, 3, 2, "sampler", 4)


@pytest.mark.parametrize(
    "X",
    [np.zeros((3, 2)), sp.csr_matrix((3, 2)), pd.DataFrame({"a": [1, 2, 3], "b": list("xyz")}),
     np.array([["a", "b"]] * 3, dtype=object)],
)
def test_check_synthetic_rows_accepts(X):
    assert check_synthetic_rows(X, 3, 2, "sampler", 1) is X
    assert check_synthetic_rows(X, 3, None, "sampler", 1) is X


def test_check_outputs():
    check_outputs(np.zeros(3), (3,), "model.predict", 1)
    with pytest.raises(ValueError, match=r"model.predict returned an array of shape \(3, 1\)"):
        check_outputs(np.zeros((3, 1)), (3,), "model.predict", 1)
    with pytest.raises(ValueError, match="NaN or infinity on the synthetic covariates of "
                                         "generation 2"):
        check_outputs(np.array([0.0, np.inf]), (2,), "model.predict", 2)
    with pytest.raises(ValueError, match="negative"):
        check_outputs(np.array([[0.5, -0.1]]), (1, 2), "model.predict_proba", 1,
                      nonnegative=True)
    with pytest.raises(ValueError, match="missing"):
        check_outputs(np.array(["a", None], dtype=object), (2,), "model.predict", 1)


def test_regression_source_noise_scale_is_the_residual_mle():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((400, 2))
    y = X @ [1.0, 2.0] + 3.0 * rng.standard_normal(400)
    model = LinearRegression().fit(X, y)
    source = RegressionSource(model, "gaussian", X, y, generation=0)
    assert source.scale == pytest.approx(np.sqrt(np.mean((y - model.predict(X)) ** 2)))
    Xs, ys = source.sample(20_000, rng, BootstrapRows(X))
    # residual sd of 20,000 normal draws: relative SE 0.5%, tolerance about 4 SE
    assert np.std(ys - model.predict(Xs)) == pytest.approx(source.scale, rel=0.02)


def test_draw_synthetic_is_reproducible_and_checked():
    rng0 = np.random.RandomState(0)
    X = rng0.standard_normal((100, 2))
    y = (X[:, 0] > 0).astype(int)
    source = ClassificationSource(LogisticRegression().fit(X, y), "sample", generation=3)
    a = draw_synthetic(source, 50, np.random.RandomState(1), BootstrapRows(X), n_features=2)
    b = source.sample(50, np.random.RandomState(1), BootstrapRows(X))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(ValueError, match="covariate_sampler.sample.*generation 4"):
        draw_synthetic(source, 50, np.random.RandomState(1), BootstrapRows(X), n_features=3)

    density = DensitySource(GaussianDensity().fit(X), generation=0)
    rows, target = density.sample(10, np.random.RandomState(2))
    assert rows.shape == (10, 2) and target is None
    assert "GaussianDensity" in density.rows_name


# --------------------------------------------------------------- validation
def test_interval():
    closed = Interval(Real, 0, 1, closed="both")
    assert closed.is_satisfied_by(0) and closed.is_satisfied_by(1.0)
    assert not closed.is_satisfied_by(1.5) and not closed.is_satisfied_by(float("nan"))
    assert not closed.is_satisfied_by(True) and not closed.is_satisfied_by("0.5")
    left = Interval(Integral, 1, None, closed="left")
    assert left.is_satisfied_by(1) and not left.is_satisfied_by(0) and not left.is_satisfied_by(2.0)
    assert str(left) == "an int in the range [1, inf)"
    assert str(Interval(Real, 0, 1, closed="neither")) == "a float in the range (0, 1)"


def test_options_hasmethods_constants():
    assert Options("a", "b").is_satisfied_by("a") and not Options("a").is_satisfied_by(["a"])
    assert HasMethods("fit").is_satisfied_by(LinearRegression())
    assert not HasMethods("fit").is_satisfied_by("fit")
    assert NONE.is_satisfied_by(None) and not NONE.is_satisfied_by(0)
    assert CALLABLE.is_satisfied_by(len) and not CALLABLE.is_satisfied_by(int)
    assert RANDOM_STATE.is_satisfied_by(np.random.RandomState(0))
    assert not RANDOM_STATE.is_satisfied_by(True) and not RANDOM_STATE.is_satisfied_by(0.5)


def test_check_params_names_the_parameter():
    class Est:
        alpha, mode = 2.0, "x"

    table = {"alpha": [Interval(Real, 0, 1, closed="both")], "mode": [Options("x", "y"), NONE]}
    with pytest.raises(InvalidParameterError, match=r"The 'alpha' parameter of Est must be "
                                                    r"a float in the range \[0, 1\]\. Got 2.0"):
        check_params(Est(), table)
    Est.alpha, Est.mode = 0.5, "z"
    with pytest.raises(ValueError, match=r"'mode' .* or None\. Got 'z'"):
        check_params(Est(), table)
    Est.mode = None
    check_params(Est(), table)
