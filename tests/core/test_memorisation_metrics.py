"""Memorisation metrics: copy_rate and distance_to_closest_record against direct definitions."""

import numpy as np
import pandas as pd
import pytest

from skrecursive import GaussianCopula
from skrecursive.metrics import copy_rate, distance_to_closest_record


def _mixed(n, seed):
    rng = np.random.RandomState(seed)
    return pd.DataFrame({
        "age": rng.randint(18, 80, size=n),
        "income": np.round(rng.lognormal(3, 1, size=n), 1),
        "job": pd.Categorical(rng.choice(["a", "b", "c", None], size=n, p=[0.5, 0.3, 0.1, 0.1]),
                              categories=["a", "b", "c"]),
        "city": rng.choice(["x", "y", "z"], size=n).astype(object),
        "owner": rng.rand(n) < 0.4,
    })


def _gower_brute_force(syn, real):
    """The definition, row by row, with no vectorisation or shared code."""
    out = []
    for _, s in syn.iterrows():
        best = np.inf
        for _, r in real.iterrows():
            total = 0.0
            for col in real.columns:
                a, b = s[col], r[col]
                if pd.isna(a) or pd.isna(b):
                    total += float(pd.isna(a) != pd.isna(b))
                elif col in ("age", "income"):
                    span = real[col].max() - real[col].min()
                    total += min(abs(a - b) / span, 1.0)
                else:
                    total += float(a != b)
            best = min(best, total / real.shape[1])
        out.append(best)
    return np.array(out)


def test_copy_rate_counts_exact_copies_whatever_the_dtypes():
    real = _mixed(300, 0)
    other = _mixed(200, 1)
    other["income"] += 1000.0  # never equal to a real row
    # 30 copies of real rows (missing values included) among 100 rows
    syn = pd.concat([real.iloc[:30], other.iloc[:70]], ignore_index=True)
    assert copy_rate(syn, real) == pytest.approx(0.3)
    # same values in other dtypes: floats for ints, strings for categories, objects for bools
    recast = syn.astype({"age": float, "job": object, "owner": object})
    assert copy_rate(recast, real) == pytest.approx(0.3)
    assert copy_rate(real, real) == 1.0
    assert copy_rate(other, real) == 0.0


def test_copy_rate_of_a_model_that_can_only_copy():
    # one categorical column: every row a copula draws is one of the real rows
    real = pd.DataFrame({"c": pd.Categorical(["a", "b", "b", "c"] * 10)})
    model = GaussianCopula().fit(real)
    assert copy_rate(model, real, n_samples=500, random_state=0) == 1.0


def test_distance_to_closest_record_is_gower_nearest_neighbour():
    real, syn = _mixed(60, 2), _mixed(25, 3)
    real.loc[3, "age"] = np.nan  # a missing number too
    syn.loc[[0, 5], "income"] = np.nan
    expected = _gower_brute_force(syn, real)
    got = distance_to_closest_record(syn, real, per_row=True)
    # accumulated in float32: 7 significant digits
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    assert distance_to_closest_record(syn, real) == pytest.approx(np.median(expected), abs=1e-6)
    assert np.all(distance_to_closest_record(real, real, per_row=True) == 0.0)


def test_memorisation_metrics_refuse_other_columns():
    real = _mixed(20, 0)
    with pytest.raises(ValueError, match="same columns"):
        copy_rate(real[["age", "job"]], real)
    with pytest.raises(ValueError, match="same columns"):
        distance_to_closest_record(real[["job", "age"]], real[["age", "job"]])
    with pytest.raises(ValueError, match="per_row"):
        distance_to_closest_record(real, real, per_row="yes")
