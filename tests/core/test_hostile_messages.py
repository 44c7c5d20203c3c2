"""Messages that tell the truth, and valid input that is not refused (issue 18).

Each case checks what the message says happened and which fix it offers for
that model, and the fix itself where it is cheap to run.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skrecursive import (
    CategoricalDistribution,
    GaussianCopula,
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
)


# ------------------------------------------------------- one class at weight 0
def _rare_class(n=400, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] > 2.0).astype(int)  # about 2% of class 1


@pytest.mark.parametrize("strategy", ["fresh", "fixed-real"])
def test_a_collapsed_batch_at_weight_zero_is_not_blamed_on_real_rows(strategy):
    X, y = _rare_class()
    est = RecursiveWeightedClassifier(weight=0.0, strategy=strategy, n_generations=200,
                                      n_real=60, validation_fraction=0.0, random_state=0)
    with pytest.raises(ValueError) as info:
        est.fit(X, y)
    message = str(info.value)
    assert "single class" in message
    assert "real rows carry no weight" in message and "collapsed" in message
    assert "larger n_real" not in message and "None of its" not in message
    assert "weight='optimal'" in message


def test_a_real_batch_lacking_a_class_still_gets_the_n_real_advice():
    # all real rows and no synthetic ones (weight 1) with a class too rare for n_real=10
    X, y = _rare_class()
    est = RecursiveWeightedClassifier(weight=1.0, n_generations=30, n_real=10,
                                      validation_fraction=0.0, random_state=0)
    with pytest.raises(ValueError, match=r"None of its n_real=10 real rows is of class 1.*"
                                         r"larger n_real"):
        est.fit(X, y)


# ------------------------------------------------------- -inf held-out scores
def _categories_with_a_held_out_only_one():
    # 'z' appears once; with validation_fraction=0.3 and this seed it lands in the held-out
    # rows, so generation 0 never saw it
    return np.array([["a"]] * 60 + [["b"]] * 39 + [["z"]], dtype=object)


def test_minus_inf_from_a_category_only_in_held_out_rows_says_why_and_what_helps():
    X = _categories_with_a_held_out_only_one()
    est = RecursiveDensityEstimator(CategoricalDistribution(), n_generations=2,
                                    validation_fraction=0.3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(ValueError) as info:
            est.fit(X)
    message = str(info.value)
    assert "returned -inf at generation 0" in message
    assert "probability 0" in message and "seen only in the held-out rows" in message
    assert "alpha > 0" in message and "CategoricalDistribution(alpha=0.5)" in message
    # the advice works: the same run with alpha > 0 gives finite scores
    fixed = RecursiveDensityEstimator(CategoricalDistribution(alpha=0.5), n_generations=2,
                                      validation_fraction=0.3, random_state=0).fit(X)
    assert np.isfinite(fixed.history_["score"]).all()


# ------------------------------------------------------- missing values and synthesizers
def _table_with_missing(seed=0, n=120):
    rng = np.random.RandomState(seed)
    c = rng.choice(["a", "b"], size=n).astype(object)
    c[::6] = None
    return pd.DataFrame({"x": rng.normal(size=n), "c": c})


def test_the_copula_models_missing_categories_under_the_density_estimator():
    X = _table_with_missing()
    est = RecursiveDensityEstimator(GaussianCopula(), n_generations=3, random_state=0).fit(X)
    # the missing level is a category of the margin, about 1/6 of the rows
    assert pd.isna(est.estimator_.categories_[1][-1])
    assert 0.05 < est.estimator_.probabilities_[1][-1] < 0.35
    assert est.sample(500, random_state=0)["c"].isna().any()


def test_the_copula_with_missing_numbers_is_not_refused():
    # the copula models a missing number as the last level of the column's margin
    X = _table_with_missing().assign(x=lambda d: d["x"].where(d.index % 5 > 0))
    est = RecursiveDensityEstimator(GaussianCopula(), n_generations=2, random_state=0).fit(X)
    assert pd.isna(est.estimator_.categories_[0][-1])
    assert 0.05 < est.estimator_.probabilities_[0][-1] < 0.4  # 1/5 of the real rows


def test_a_synthesizer_without_missing_values_is_not_told_to_use_a_classifier():
    X = _table_with_missing()[["x"]].assign(y=lambda d: d["x"].where(d.index % 4 > 0))
    with pytest.raises(ValueError) as info:
        RecursiveDensityEstimator(GaussianDensity(), n_generations=1).fit(X)
    message = str(info.value)
    assert "HistGradientBoosting" not in message and "SimpleImputer" not in message
    assert "tags.input_tags.allow_nan = True" in message and "drop the rows" in message
    # a supervised model still gets the imputer advice
    y = np.arange(len(X), dtype=float)
    with pytest.raises(ValueError, match=r"Put an imputer in front of it"):
        RecursiveWeightedRegressor(LinearRegression(), n_generations=1).fit(X, y)


# ------------------------------------------------------- nulls in one-hot encoded columns
def _encoded_classifier(categorical=("c",), numeric=("x",)):
    encode = make_column_transformer(
        (StandardScaler(), list(numeric)),
        (OneHotEncoder(handle_unknown="ignore"), list(categorical)),
    )
    return make_pipeline(encode, LogisticRegression())


def _to_polars(table):
    """The table as a polars frame with nulls (no pyarrow needed)."""
    pl = pytest.importorskip("polars")
    return pl.DataFrame({name: [None if pd.isna(v) else v for v in table[name]]
                         for name in table.columns},
                        schema={"x": pl.Float64, "c": pl.String})


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_nulls_only_in_a_one_hot_encoded_column_are_accepted(library):
    table = _table_with_missing()
    y = (table["x"] > 0).astype(int).to_numpy()
    if library == "polars":
        table = _to_polars(table)
    pipe = _encoded_classifier()
    assert pipe.fit(table, y).score(table, y) > 0.8  # what a plain scikit-learn fit does
    est = RecursiveWeightedClassifier(_encoded_classifier(), n_generations=3, n_real=60,
                                      random_state=0).fit(table, y)
    assert np.isfinite(est.history_["score"]).all()
    assert est.score(table, y) > 0.8


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_nulls_in_a_scaled_column_are_still_refused_naming_it(library):
    table = _table_with_missing()
    table["x"] = table["x"].where(table.index % 7 > 0)
    y = (table["c"] == "a").astype(int).to_numpy()
    if library == "polars":
        table = _to_polars(table)
    with pytest.raises(ValueError, match=r"Input X \(columns \['x'\]\) contains NaN"):
        RecursiveWeightedClassifier(_encoded_classifier(), n_generations=1).fit(table, y)


def test_a_selector_that_cannot_be_resolved_is_not_trusted():
    table = _table_with_missing()
    encode = make_column_transformer(
        (StandardScaler(), make_column_selector(dtype_include="number")),
        (OneHotEncoder(handle_unknown="ignore"), make_column_selector(dtype_exclude="number")),
    )
    y = (table["x"] > 0).astype(int).to_numpy()
    with pytest.raises(ValueError, match=r"columns \['c'\]"):
        RecursiveWeightedClassifier(make_pipeline(encode, LogisticRegression()),
                                    n_generations=1).fit(table, y)


# ------------------------------------------------------- one-row partial_fit batches
def test_a_one_row_batch_records_nan_and_the_stream_goes_on():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y = X @ [1.0, 2.0] + 0.1 * rng.normal(size=60)
    est = RecursiveWeightedRegressor(keep_estimators=True, random_state=0)
    est.partial_fit(X[:20], y[:20])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn: R^2 is not well-defined with one row
        est.partial_fit(X[20:21], y[20:21])
    est.partial_fit(X[21:60], y[21:60])
    scores = est.history_["score"]
    # generation 0 had no model to score it, the one-row batch has no R^2 (NaN, as the
    # message promises), the next batch is scored by the model of the one-row generation
    assert np.isnan(scores[0]) and np.isnan(scores[1])
    assert scores[2] == est.estimators_[1].score(X[21:60], y[21:60])
    assert list(est.history_["n_real"]) == [20, 1, 39]


def test_a_full_fit_still_refuses_a_nan_score():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y = X.sum(axis=1)
    with pytest.raises(ValueError, match=r"returned nan at generation 0"):
        RecursiveWeightedRegressor(n_generations=1, scoring=lambda e, X, y: float("nan"),
                                   random_state=0).fit(X, y)
