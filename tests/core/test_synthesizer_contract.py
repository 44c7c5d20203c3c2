"""What both built-in synthesizers promise: numeric missing values modelled, datetime
columns, tags that tell the truth, and the metrics on such columns."""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import get_tags

from skrecursive import GaussianCopula, RecursiveDensityEstimator, TreeSynthesizer
from skrecursive.metrics import category_coverage, marginal_distance

SYNTHESIZERS = [GaussianCopula(), TreeSynthesizer(random_state=0)]


def _table(n, seed=0):
    rng = np.random.RandomState(seed)
    hours = rng.normal(40, 8, size=n).round()
    hours[rng.random_sample(n) < 0.2] = np.nan
    count = pd.array(rng.poisson(3, size=n), dtype="Int64")
    count[rng.random_sample(n) < 0.1] = pd.NA
    when = pd.Series(pd.Timestamp("2024-01-01")
                     + pd.to_timedelta(rng.randint(0, 90, n), unit="D")).astype("datetime64[us]")
    when[rng.random_sample(n) < 0.05] = pd.NaT
    return pd.DataFrame({
        "hours": hours, "count": count, "when": when,
        "team": rng.choice(["red", "blue", None], size=n).astype(object),
    })


@pytest.mark.parametrize("model", SYNTHESIZERS, ids=type)
def test_tags_tell_the_truth(model):
    # the tags say NaN and strings are accepted, and a fit on exactly that succeeds
    tags = get_tags(model).input_tags
    assert tags.allow_nan and tags.string and tags.categorical
    X = _table(300)
    rows = model.fit(X).sample(100, random_state=0)
    assert rows.dtypes.equals(X.dtypes)
    arr = X[["hours"]].to_numpy()
    assert np.isnan(model.fit(arr).sample(2000, random_state=0)).any()


@pytest.mark.parametrize("model", SYNTHESIZERS, ids=type)
def test_missing_shares_are_the_weighted_shares(model):
    X = _table(500)
    sw = np.where(X["hours"].isna(), 2.0, 1.0)
    n = 20000
    rows = model.fit(X, sample_weight=sw).sample(n, random_state=0)
    for col in ("hours", "count", "when"):
        expected = np.average(X[col].isna(), weights=sw)
        # binomial standard error <= 0.5 / sqrt(n); four of them
        assert abs(rows[col].isna().mean() - expected) < 4 * 0.5 / np.sqrt(n), col
        assert rows[col].dropna().isin(X[col].dropna()).all(), col


def test_copula_margins_of_datetime_and_missing_values_are_exact():
    # the copula's margins are the weighted empirical ones, so its marginal distance to
    # its own training rows is 0, missing level and datetime column included
    X = _table(400)
    model = GaussianCopula().fit(X)
    assert marginal_distance(model, X) == 0.0
    assert model.column_kinds_ == ["numeric", "numeric", "datetime", "string"]
    # the distance sees a change in the missing share: KS on the line extended by the
    # missing level is at least the difference of the shares
    fewer = X.assign(hours=X["hours"].fillna(40.0))
    per_column = marginal_distance(model, fewer, per_column=True)
    assert per_column["hours"] >= X["hours"].isna().mean() - 1e-12
    # coverage counts categories only, not dates
    assert category_coverage(model, X) == 1.0


def test_datetime_margin_of_samples():
    X = _table(400)
    n = 20000
    for model in SYNTHESIZERS:
        rows = model.fit(X).sample(n, random_state=1)
        # Kolmogorov-Smirnov of n draws from the training margin: ~1.36 / sqrt(n) at 95%;
        # the real side is the fitted margin itself, so 2 / sqrt(n) is a safe bound
        ks = marginal_distance(rows[["when"]], X[["when"]])
        assert ks < 2 / np.sqrt(n), type(model).__name__


def test_recursive_loop_takes_missing_values_with_either_synthesizer():
    X = _table(600)
    for model in SYNTHESIZERS:
        loop = RecursiveDensityEstimator(model, n_generations=2, n_real=200,
                                         random_state=0).fit(X)
        assert np.isfinite(loop.history_["score"]).all()
        assert loop.sample(10, random_state=0).dtypes.equals(X.dtypes)


def test_copula_missingness_has_a_dependence_of_its_own():
    # income rises with age, but is missing mostly for the young: one latent normal per
    # column could not carry both (missing is placed above every income); the copula's
    # missingness indicator has its own correlation with age
    rng = np.random.RandomState(0)
    n = 4000
    age = rng.normal(40, 10, size=n).round()
    income = age + rng.normal(0, 5, size=n)
    young = age < np.median(age)
    income[rng.random_sample(n) < np.where(young, 0.4, 0.05)] = np.nan
    X = pd.DataFrame({"age": age, "income": income})
    rows = GaussianCopula().fit(X).sample(20000, random_state=0)
    rows_young = rows["age"] < np.median(age)

    def gap(frame, is_young):
        return frame.loc[is_young, "income"].isna().mean() - frame.loc[~is_young,
                                                                        "income"].isna().mean()

    real_gap = gap(X, young)  # about 0.35
    # a Gaussian copula smooths the step at the median: at least half the gap, and the
    # missing share overall within 4 binomial standard errors (0.5 / sqrt(20000) each)
    assert gap(rows, rows_young) > 0.5 * real_gap
    assert abs(rows["income"].isna().mean() - X["income"].isna().mean()) < 4 * 0.5 / np.sqrt(
        20000)
    # and the values keep their positive dependence on age
    observed = rows.dropna()
    assert np.corrcoef(observed["age"], observed["income"])[0, 1] > 0.5 * np.corrcoef(
        X.dropna()["age"], X.dropna()["income"])[0, 1]


@pytest.mark.parametrize("model", SYNTHESIZERS, ids=type)
def test_polars_dates_and_time_zones_round_trip(model):
    pl = pytest.importorskip("polars")
    import datetime as dt

    days = [dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in range(0, 300, 7)]
    X = pl.DataFrame({
        "day": days,
        "at": pl.Series([dt.datetime(2020, 1, 1) + dt.timedelta(hours=3 * i)
                         for i in range(len(days))]).dt.replace_time_zone("UTC"),
    }).with_columns(pl.when(pl.int_range(pl.len()) % 5 == 0).then(None)
                    .otherwise(pl.col("day")).alias("day"))
    rows = model.fit(X).sample(200, random_state=0)
    assert rows.schema == X.schema
    assert set(rows["day"].drop_nulls()) <= set(X["day"].drop_nulls())
    assert set(rows["at"]) <= set(X["at"])
