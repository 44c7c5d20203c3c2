"""TreeSynthesizer: statistics of its samples (weighted margins, weights as repeated rows,
conditional structure), missing values, dtypes, polars, and the loop."""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrecursive import GaussianCopula, RecursiveDensityEstimator, TreeSynthesizer
from skrecursive.metrics import association_distance, marginal_distance


def _table(n, seed=0):
    """x normal; c a category that depends on x; z = x^2 + noise (no linear correlation)."""
    rng = np.random.RandomState(seed)
    x = rng.normal(size=n)
    neg = rng.random_sample(n) < np.where(x < 0, 0.9, 0.1)
    c = pd.Categorical(np.where(neg, "neg", "pos"), categories=["neg", "pos", "unused"])
    z = x**2 + 0.1 * rng.normal(size=n)
    return pd.DataFrame({"x": x, "c": c, "z": z})


@parametrize_with_checks([TreeSynthesizer(random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("order", [["c", "x"], ["x", "c"]])
def test_weighted_margins(order):
    # the first column (drawn from its margin) and a later one (drawn from its tree's
    # leaves) both have the weighted category shares of the training rows
    X = _table(400)[order]
    sw = np.where(X["c"] == "neg", 3.0, 1.0)
    expected = np.average(X["c"] == "neg", weights=sw)
    n = 20000
    rows = TreeSynthesizer(random_state=0).fit(X, sample_weight=sw).sample(n, random_state=1)
    share = float(np.mean(rows["c"] == "neg"))
    # binomial standard error <= 0.5 / sqrt(n) = 0.0035: four of them
    assert abs(share - expected) < 4 * 0.5 / np.sqrt(n)
    # and the weighted mean of x, within 4 standard errors of the sample mean
    mean_x = np.average(X["x"], weights=sw)
    sd_x = np.sqrt(np.average((X["x"] - mean_x) ** 2, weights=sw))
    assert abs(rows["x"].mean() - mean_x) < 4 * sd_x / np.sqrt(n)


def test_zero_weight_rows_are_absent():
    X = _table(200)
    sw = np.where(X["c"] == "neg", 0.0, 1.0)
    rows = TreeSynthesizer(random_state=0).fit(X, sample_weight=sw).sample(2000, random_state=0)
    assert set(rows["c"]) == {"pos"}
    assert rows["x"].isin(X.loc[sw > 0, "x"]).all()


def test_integer_weights_equal_repeated_rows_in_distribution():
    # with min_samples_leaf=1 the leaf size is in weight only, so the trees of weighted
    # and of repeated rows are the same trees; the draws differ only by their seeds
    X = _table(150, seed=3)
    sw = np.random.RandomState(4).randint(1, 4, size=len(X))
    repeated = X.loc[np.repeat(np.arange(len(X)), sw)].reset_index(drop=True)
    model_w = TreeSynthesizer(min_samples_leaf=1, random_state=0).fit(X, sample_weight=sw)
    model_r = TreeSynthesizer(min_samples_leaf=1, random_state=0).fit(repeated)
    n = 20000
    a, b = model_w.sample(n, random_state=1), model_r.sample(n, random_state=2)
    # joint shares of (c, x < 0): two independent samples, SE of a difference of shares
    # <= sqrt(2 * 0.25 / n) = 0.005; four of them
    for c in ("neg", "pos"):
        for below in (True, False):
            pa = np.mean((a["c"] == c) & ((a["x"] < 0) == below))
            pb = np.mean((b["c"] == c) & ((b["x"] < 0) == below))
            assert abs(pa - pb) < 4 * np.sqrt(2 * 0.25 / n)
    # every row of the repeated table has the probability of its weight: the share of
    # each training value of x in both samples agrees with sw / sum(sw)
    share_a = a["x"].value_counts(normalize=True).reindex(X["x"], fill_value=0.0).to_numpy()
    share_b = b["x"].value_counts(normalize=True).reindex(X["x"], fill_value=0.0).to_numpy()
    p = sw / sw.sum()
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(share_a - p) < 5 * se)
    assert np.all(np.abs(share_b - p) < 5 * se)


def test_conditional_structure_is_kept():
    # c given x and z = x^2 given x: a tree keeps both; the copula's normal-score
    # correlation sees no linear relation between x and z and loses it
    X = _table(3000)
    tree = TreeSynthesizer(random_state=0).fit(X).sample(20000, random_state=0)
    copula = GaussianCopula().fit(X).sample(20000, random_state=0)
    neg_given_negative = tree.loc[tree["x"] < 0, "c"].eq("neg").mean()
    neg_given_positive = tree.loc[tree["x"] > 0, "c"].eq("neg").mean()
    # true 0.9 and 0.1; leaves of 5+ rows pool a few neighbours: 0.05 of slack
    assert abs(neg_given_negative - 0.9) < 0.05
    assert abs(neg_given_positive - 0.1) < 0.05
    real_corr = np.corrcoef(X["x"] ** 2, X["z"])[0, 1]
    tree_corr = np.corrcoef(tree["x"] ** 2, tree["z"])[0, 1]
    copula_corr = np.corrcoef(copula["x"] ** 2, copula["z"])[0, 1]
    assert real_corr > 0.99
    assert tree_corr > 0.95 * real_corr
    assert copula_corr < 0.5 * real_corr


def test_missing_values_are_modelled_conditionally():
    # income is missing for half the rows of group a and 5% of group b; a tree decides
    # whether it is missing from the columns before it, so the rates per group are kept
    rng = np.random.RandomState(0)
    n = 4000
    group = np.where(rng.random_sample(n) < 0.5, "a", "b").astype(object)
    income = rng.lognormal(size=n)
    income[rng.random_sample(n) < np.where(group == "a", 0.5, 0.05)] = np.nan
    when = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.randint(0, 365, n), unit="D")
    when = pd.Series(when).where(rng.random_sample(n) > 0.1)  # 10% NaT
    X = pd.DataFrame({"group": group, "income": income, "when": when})
    model = TreeSynthesizer(random_state=0).fit(X)
    rows = model.sample(20000, random_state=0)
    assert rows.dtypes.equals(X.dtypes)
    for g, rate in (("a", 0.5), ("b", 0.05)):
        real = X.loc[X["group"] == g, "income"].isna().mean()
        synthetic = rows.loc[rows["group"] == g, "income"].isna().mean()
        # real share from ~2000 rows: SE <= 0.011; synthetic SE <= 0.005
        assert abs(synthetic - real) < 4 * np.hypot(0.011, 0.005), (g, rate)
    assert abs(rows["when"].isna().mean() - X["when"].isna().mean()) < 0.02
    assert rows["when"].dropna().isin(X["when"]).all()
    assert rows["income"].dropna().isin(X["income"]).all()


def test_polars_in_polars_out_with_dtypes():
    pl = pytest.importorskip("polars")
    X = pl.DataFrame({
        "n": [1, 2, None, 4, 5, 6, 7, 8],
        "e": pl.Series(["a", "b", None, "a", "b", "a", "b", "a"], dtype=pl.Enum(["a", "b", "z"])),
        "s": ["u", "v", "u", None, "v", "u", "v", "u"],
        "b": [True, False, True, True, None, False, True, False],
    })
    for model in (TreeSynthesizer(min_samples_leaf=1, random_state=0), GaussianCopula()):
        rows = model.fit(X).sample(50, random_state=0)
        assert isinstance(rows, pl.DataFrame)
        assert rows.schema == X.schema
        assert set(rows["e"].drop_nulls()) <= {"a", "b"}
    # the metrics read polars natively and agree with the same rows in pandas
    from skrecursive._core.frames import pandas_frame

    rows = TreeSynthesizer(min_samples_leaf=1, random_state=0).fit(X).sample(50, random_state=0)
    assert marginal_distance(rows, X) == marginal_distance(pandas_frame(rows), pandas_frame(X))
    assert association_distance(rows, X) == association_distance(pandas_frame(rows),
                                                                 pandas_frame(X))


def test_in_the_recursive_loop_with_missing_values():
    # allow_nan is true, so the loop passes a table with missing values to it
    X = _table(600)
    X.loc[::9, "z"] = np.nan
    loop = RecursiveDensityEstimator(TreeSynthesizer(), n_generations=2, n_real=200,
                                     random_state=0).fit(X)
    rows = loop.sample(500, random_state=0)
    assert rows.dtypes.equals(X.dtypes)
    assert 0 < rows["z"].isna().mean() < 0.3
    assert np.isfinite(loop.history_["score"]).all()


def test_score_is_reproducible_and_prefers_the_right_table():
    X = _table(500)
    model = TreeSynthesizer(random_state=0).fit(X)
    assert model.score(X) == model.score(X)
    other = _table(500, seed=1).assign(x=lambda d: d["x"] * 3)
    assert model.score(_table(500, seed=2)) > model.score(other)
    with pytest.raises(AttributeError):
        model.score_samples(X)


def test_bad_input_leaves_no_fitted_state():
    X = _table(50)
    model = TreeSynthesizer()
    with pytest.raises(ValueError, match="'allnan'.*only missing"):
        model.fit(X.assign(allnan=np.nan))
    with pytest.raises(TypeError, match="'lag'.*unsupported dtype"):
        model.fit(X.assign(lag=pd.Timedelta("1D")))
    with pytest.raises(ValueError, match="infinity"):
        model.fit(X.assign(x=np.inf))
    with pytest.raises(ValueError, match="min_samples_leaf"):
        TreeSynthesizer(min_samples_leaf=0).fit(X)
    assert not hasattr(model, "trees_")
