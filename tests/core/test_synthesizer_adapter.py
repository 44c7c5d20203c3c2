"""SynthesizerAdapter: shapes, dtypes, reseeding, weights by resampling and what they cost,
with a stand-in synthesizer (always) and with ``copulas`` and SDV (when installed)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrecursive import RecursiveDensityEstimator, SynthesizerAdapter
from skrecursive.metrics import marginal_distance


class FixedSeedBootstrap:
    """Behaves like an SDV synthesizer: no weights, categories must not be ``category``
    columns, integers come back as floats, and every fitted copy draws from the same seed
    unless reseeded through a private method."""

    def __init__(self):
        self._seed = 73

    def _set_random_state(self, seed):
        self._seed = seed

    def fit(self, data):
        if any(isinstance(d, pd.CategoricalDtype) for d in data.dtypes):
            raise ValueError("category columns are not supported")
        self.data = data.reset_index(drop=True)

    def sample(self, num_rows):
        rng = np.random.RandomState(self._seed)
        rows = self.data.iloc[rng.randint(len(self.data), size=num_rows)].reset_index(drop=True)
        ints = [c for c in rows.columns if pd.api.types.is_integer_dtype(rows[c].dtype)]
        return rows.astype(dict.fromkeys(ints, float))


class GlobalRandomBootstrap(FixedSeedBootstrap):
    """A synthesizer that draws from numpy's global generator and takes no seed."""

    def __init__(self):
        pass

    _set_random_state = None

    def sample(self, num_rows):
        idx = np.random.randint(len(self.data), size=num_rows)  # noqa: NPY002
        return self.data.iloc[idx].reset_index(drop=True)


class WeightedMean:
    """Fits one number, the (weighted) mean of column x; samples it. Takes weights natively."""

    def __init__(self):
        self.random_state = None

    def fit(self, data, sample_weight=None):
        self.mean = np.average(data["x"], weights=sample_weight)

    def sample(self, num_rows):
        return pd.DataFrame({"x": np.full(num_rows, self.mean)})


class UnweightedMean(WeightedMean):
    def fit(self, data):
        self.mean = float(np.mean(data["x"]))


def _table(n=200, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame({
        "age": rng.randint(18, 90, size=n),
        "job": pd.Categorical(rng.choice(["a", "b"], size=n), categories=["a", "b", "unused"]),
        "owner": rng.random_sample(n) < 0.3,
        "income": rng.lognormal(size=n),
    })


@parametrize_with_checks([SynthesizerAdapter(FixedSeedBootstrap(), random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_dtypes_and_categories_are_restored():
    X = _table()
    rows = SynthesizerAdapter(FixedSeedBootstrap(), random_state=0).fit(X).sample(50)
    assert rows.dtypes.equals(X.dtypes)
    assert list(rows["job"].cat.categories) == ["a", "b", "unused"]


def test_polars_in_polars_out():
    pl = pytest.importorskip("polars")
    X = pl.DataFrame({"n": [1, 2, 3, 4], "e": pl.Series(["a", "b", "a", None],
                                                         dtype=pl.Enum(["a", "b"]))})
    rows = SynthesizerAdapter(FixedSeedBootstrap(), random_state=0).fit(X).sample(20)
    assert isinstance(rows, pl.DataFrame) and rows.schema == X.schema


@pytest.mark.parametrize("synthesizer", [FixedSeedBootstrap(), GlobalRandomBootstrap()],
                         ids=["private reseed", "global generator"])
def test_a_fresh_seed_every_fit_and_every_draw(synthesizer):
    X = _table()
    a = SynthesizerAdapter(synthesizer, random_state=0).fit(X)
    b = SynthesizerAdapter(synthesizer, random_state=1).fit(X)
    again = SynthesizerAdapter(synthesizer, random_state=0).fit(X)
    assert not a.sample(30).equals(b.sample(30))           # different seeds differ
    assert a.sample(30, random_state=5).equals(again.sample(30, random_state=5))
    assert not a.sample(30).equals(a.sample(30))           # successive draws differ
    state = np.random.get_state()  # noqa: NPY002
    a.sample(30)
    assert np.array_equal(np.random.get_state()[1], state[1])  # noqa: NPY002 (restored)


def test_generations_of_the_loop_are_not_copies():
    # without reseeding every generation's fresh synthesizer would draw the same rows
    X = _table(600)
    loop = RecursiveDensityEstimator(SynthesizerAdapter(FixedSeedBootstrap()), n_generations=3,
                                     n_real=100, keep_estimators=True, random_state=0).fit(X)
    draws = [est.synthesizer_._seed for est in loop.estimators_]
    assert len(set(draws)) == len(draws)


def test_weights_native_when_the_synthesizer_takes_them():
    X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    sw = np.array([1.0, 1.0, 1.0, 5.0])
    model = SynthesizerAdapter(WeightedMean(), random_state=0).fit(X, sample_weight=sw)
    assert model.native_weights_
    assert model.sample(1)["x"].iloc[0] == np.average(X["x"], weights=sw)


@pytest.mark.parametrize("resampling", ["systematic", "multinomial"])
def test_weights_by_resampling_are_the_weighted_distribution(resampling):
    X = _table(400)
    sw = np.where(X["owner"], 3.0, 1.0)
    sw[:50] = 0.0
    model = SynthesizerAdapter(FixedSeedBootstrap(), random_state=0, resampling=resampling)
    means = []
    for seed in range(200):
        fitted = model.set_params(random_state=seed).fit(X, sample_weight=sw)
        assert not fitted.native_weights_
        rows = fitted.synthesizer_.data  # the resample it was fitted on
        assert not rows["age"].isin(X["age"].iloc[:50][~X["age"].iloc[:50].isin(
            X["age"].iloc[50:])]).any()  # zero-weight rows never enter
        means.append(rows["owner"].mean())
    expected = np.average(X["owner"], weights=sw)
    # mean over 200 resamples of 400 rows: SE <= 0.5 / sqrt(200 * 400) = 0.0018; four of them
    assert abs(np.mean(means) - expected) < 4 * 0.5 / np.sqrt(200 * 400)


@pytest.mark.slow
def test_the_extra_variance_of_resampling():
    # a fitted mean of n = 50 rows x_i ~ N(0, 1) with the weights of a w* batch (25 real
    # rows sharing 0.618, 25 synthetic sharing 0.382). Natively its variance is
    # sum p_i^2; a multinomial resample of n rows adds (1 - sum p_i^2) / n (the bootstrap's
    # own noise), about doubling it. Systematic resampling rounds each count n p_i up or
    # down, adding at most sum_i f_i (1 - f_i) / n^2 (f_i the fractional part of n p_i,
    # independent rounding; systematic rounding is negatively correlated, so less).
    n, repeats = 50, 3000
    w = (np.sqrt(5) - 1) / 2
    sw = np.r_[np.full(25, w / 25), np.full(25, (1 - w) / 25)]
    p = sw / sw.sum()
    native_var = np.sum(p**2)
    frac = n * p - np.floor(n * p)
    bounds = {"multinomial": (native_var + (1 - native_var) / n) / native_var,
              "systematic": (native_var + np.sum(frac * (1 - frac)) / n**2) / native_var}
    rng = np.random.RandomState(0)
    fits = {"native": [], "multinomial": [], "systematic": []}
    for r in range(repeats):
        X = pd.DataFrame({"x": rng.normal(size=n)})
        fits["native"].append(SynthesizerAdapter(WeightedMean()).fit(X, sample_weight=sw)
                              .synthesizer_.mean)
        for how in ("multinomial", "systematic"):
            model = SynthesizerAdapter(UnweightedMean(), resampling=how, random_state=r)
            fits[how].append(model.fit(X, sample_weight=sw).synthesizer_.mean)
    var = {k: np.var(v, ddof=1) for k, v in fits.items()}
    # a variance from 3000 normal draws has relative SE sqrt(2 / 3000) = 2.6%; a ratio of
    # two (correlated through X, so at most) 3.7%: four of those, 15%
    tol = 4 * np.sqrt(2 * 2 / repeats)
    assert abs(var["native"] / native_var - 1) < 4 * np.sqrt(2 / repeats)
    assert abs(var["multinomial"] / var["native"] / bounds["multinomial"] - 1) < tol
    assert var["systematic"] / var["native"] < bounds["systematic"] * (1 + tol)
    assert var["systematic"] < var["multinomial"] * (1 - tol)


def test_dict_of_tables_in_and_out():
    class DictTables(FixedSeedBootstrap):
        """Takes and returns {table name: frame}, as multi-table style APIs do."""

        def fit(self, data):
            assert isinstance(data, dict) and list(data) == ["people"]
            super().fit(data["people"])

        def sample(self, num_rows):
            return {"people": super().sample(num_rows)}

    X = _table()
    rows = SynthesizerAdapter(DictTables(), table_name="people", random_state=0).fit(X).sample(9)
    assert isinstance(rows, pd.DataFrame) and rows.shape == (9, 4)
    assert rows.dtypes.equals(X.dtypes)


def test_bad_synthesizer_output_is_named():
    class Short(FixedSeedBootstrap):
        def sample(self, num_rows):
            return super().sample(num_rows).iloc[:-1]

    model = SynthesizerAdapter(Short(), random_state=0).fit(_table())
    with pytest.raises(ValueError, match=r"Short.sample\(5\) returned 4 rows"):
        model.sample(5)
    with pytest.raises(ValueError, match="'synthesizer'"):
        SynthesizerAdapter(object()).fit(_table())
    with pytest.raises(ValueError, match="'resampling'"):
        SynthesizerAdapter(FixedSeedBootstrap(), resampling="stratified").fit(_table())


# ------------------------------------------------------------------ third-party packages
def test_copulas_gaussian_multivariate_under_the_loop():
    multivariate = pytest.importorskip("copulas.multivariate")
    X = _table(600)
    adapter = SynthesizerAdapter(multivariate.GaussianMultivariate(), numeric_only=True,
                                 random_state=0)
    rows = adapter.fit(X).sample(400)
    assert rows.dtypes.equals(X.dtypes)
    assert set(rows["job"].dropna()) <= {"a", "b"}
    assert rows["age"].between(X["age"].min() - 30, X["age"].max() + 30).all()
    # fitted on the table, its margins are close to the real ones: far closer than a
    # table whose columns were shifted by two standard deviations
    shifted = X.assign(age=X["age"] + 2 * X["age"].std(), income=X["income"] * 5)
    assert marginal_distance(rows, X) < 0.5 * marginal_distance(shifted, X)
    loop = RecursiveDensityEstimator(adapter, n_generations=2, n_real=200,
                                     random_state=0).fit(X)
    assert np.isfinite(loop.history_["score"]).all()
    assert loop.sample(5, random_state=0).dtypes.equals(X.dtypes)


def test_sdv_gaussian_copula_synthesizer():
    sdv_single = pytest.importorskip("sdv.single_table")
    from sdv.metadata import Metadata

    X = _table(300)
    metadata = Metadata.detect_from_dataframe(X.astype({"job": object}), table_name="t")
    adapter = SynthesizerAdapter(sdv_single.GaussianCopulaSynthesizer(metadata), random_state=0)
    rows = adapter.fit(X).sample(100)
    assert rows.dtypes.equals(X.dtypes)
    other = SynthesizerAdapter(sdv_single.GaussianCopulaSynthesizer(metadata),
                               random_state=1).fit(X)
    assert not rows.equals(other.sample(100))
