"""contingency_distance: the pairwise total variation it promises, on cases computed by hand."""

import numpy as np
import pandas as pd
import pytest

from skrecursive.metrics import contingency_distance


def _pair(n=4000, seed=0):
    rng = np.random.RandomState(seed)
    a = rng.choice(["x", "y"], size=n, p=[0.3, 0.7])
    b = np.where(rng.random_sample(n) < 0.8, a, np.where(a == "x", "y", "x"))
    return pd.DataFrame({"a": a, "b": b})


def test_zero_on_the_same_rows_and_the_tvd_of_the_joint_cells():
    real = _pair()
    assert contingency_distance(real, real) == 0.0
    # breaking the dependence keeps both margins: the distance is the total variation
    # between the joint shares and the product of the margins, computed here directly
    shuffled = real.assign(b=np.random.RandomState(1).permutation(real["b"].to_numpy()))
    joint = pd.crosstab(real["a"], real["b"], normalize=True)
    product = pd.crosstab(shuffled["a"], shuffled["b"], normalize=True)
    expected = 0.5 * np.abs(joint - product).to_numpy().sum()
    assert contingency_distance(shuffled, real) == pytest.approx(expected, abs=1e-12)
    assert expected > 0.2


def test_numeric_columns_in_quantile_bins_and_missing_cells():
    rng = np.random.RandomState(0)
    x = rng.normal(size=2000)
    real = pd.DataFrame({"x": x, "z": np.where(x > 1.5, np.nan, x**2)})
    assert contingency_distance(real, real) == 0.0
    # moving every missing z to a present value changes the missing cell's share only
    filled = real.assign(z=real["z"].fillna(0.0))
    share_missing = real["z"].isna().mean()
    assert contingency_distance(filled, real) == pytest.approx(share_missing, abs=1e-12)


def test_polars_like_pandas_and_bad_input():
    pl = pytest.importorskip("polars")
    real = _pair(500)
    synthetic = _pair(500, seed=1)
    as_polars = [pl.DataFrame({c: f[c].tolist() for c in f.columns}) for f in (synthetic, real)]
    assert contingency_distance(*as_polars) == contingency_distance(synthetic, real)
    with pytest.raises(ValueError, match="columns of X"):
        contingency_distance(synthetic[["b", "a"]], real)
    with pytest.raises(ValueError, match="n_bins"):
        contingency_distance(synthetic, real, n_bins=1)
    with pytest.raises(TypeError, match="dataframes"):
        contingency_distance(synthetic.to_numpy(), real)


def test_equals_sdmetrics_contingency_similarity_on_categories():
    pytest.importorskip("sdmetrics")
    from sdmetrics.column_pairs import ContingencySimilarity

    real, synthetic = _pair(800), _pair(800, seed=2)
    theirs = ContingencySimilarity.compute(real, synthetic)
    assert contingency_distance(synthetic, real) == pytest.approx(1 - theirs, abs=1e-9)


def test_direction_and_use_as_scoring():
    from skrecursive import RecursiveDensityEstimator, TreeSynthesizer
    from skrecursive.metrics import neg_contingency_distance_scorer

    assert contingency_distance.greater_is_better is False
    assert contingency_distance.neg_scorer is neg_contingency_distance_scorer
    real = _pair(600)
    loop = RecursiveDensityEstimator(TreeSynthesizer(random_state=0), n_generations=2,
                                     n_real=200, scoring=neg_contingency_distance_scorer,
                                     random_state=0).fit(real)
    scores = loop.history_["score"]
    assert np.all((scores <= 0) & (scores >= -1))
    with pytest.raises(ValueError, match="neg_contingency_distance_scorer"):
        RecursiveDensityEstimator(TreeSynthesizer(), n_generations=1, n_real=200,
                                  scoring=contingency_distance).fit(real)
