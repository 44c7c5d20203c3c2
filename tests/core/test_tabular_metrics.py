"""Tabular fidelity metrics (the Adult synthesizer experiment: tests/reproduce, its command:
tests/cli)."""

import functools

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skrecursive import (
    CategoricalDistribution,
    GaussianCopula,
    GaussianDensity,
    RecursiveDensityEstimator,
)
from skrecursive.metrics import (
    association_distance,
    category_coverage,
    cramer_von_mises,
    marginal_distance,
    neg_association_distance_scorer,
    neg_marginal_distance_scorer,
    synthetic_utility,
)

matplotlib.use("Agg")


def _tables(seed=0):
    rng = np.random.RandomState(seed)
    real = pd.DataFrame({"x": rng.normal(size=300), "y": rng.exponential(size=300),
                         "c": pd.Categorical(rng.choice(["a", "b", "c"], size=300))})
    synthetic = pd.DataFrame({"x": rng.normal(0.3, 1, size=200),
                              "y": rng.exponential(size=200),
                              "c": pd.Categorical(rng.choice(["a", "b"], p=[0.7, 0.3], size=200),
                                                  categories=["a", "b", "c"])})
    return real, synthetic


def test_marginal_distance_is_ks_cvm_and_total_variation():
    real, syn = _tables()
    per_col = marginal_distance(syn, real, per_column=True)
    for name in ("x", "y"):
        assert per_col[name] == pytest.approx(stats.ks_2samp(syn[name], real[name]).statistic,
                                              abs=1e-12)
        cvm = marginal_distance(syn[[name]], real[[name]], numeric="cvm")
        assert cvm == pytest.approx(cramer_von_mises(syn[name].to_numpy(), real[name].to_numpy()))
    p = syn["c"].value_counts(normalize=True)
    q = real["c"].value_counts(normalize=True)
    assert per_col["c"] == pytest.approx(0.5 * (p - q).abs().sum())
    assert marginal_distance(syn, real) == pytest.approx(per_col.mean())
    with pytest.raises(ValueError, match="numeric"):
        marginal_distance(syn, real, numeric="wasserstein")


def test_exact_model_metrics_agree_with_many_draws_and_reference_reuse():
    real, syn = _tables()
    model = GaussianCopula().fit(syn)
    assert marginal_distance(model, real) == marginal_distance(syn, real)  # same margins
    assert association_distance(model, real) == association_distance(syn, real)
    reference = GaussianCopula().fit(real)
    assert marginal_distance(model, reference) == marginal_distance(model, real)
    # a model without margins is measured on draws. A normal fit of the (normal, exponential)
    # columns: sup |F_expon(1) - Phi(. - 1)| = 0.1587 for the second (computed on a fine
    # grid), 0 for the first; the 300 real rows' ECDF moves a KS distance by less than
    # 1.36 / sqrt(300) = 0.079 with probability 95%, the 20,000 draws by 0.01 more
    gauss = GaussianDensity().fit(real[["x", "y"]])
    per_col = marginal_distance(gauss, real[["x", "y"]], n_samples=20000, random_state=0,
                                per_column=True)
    assert per_col["x"] < 0.09
    assert per_col["y"] == pytest.approx(0.1587, abs=0.09)
    draws = per_col.mean()
    assert draws == marginal_distance(gauss, real[["x", "y"]], n_samples=20000,
                                      random_state=0)


def test_association_distance_by_hand():
    real, syn = _tables()
    a, b = GaussianCopula().fit(syn).correlation_, GaussianCopula().fit(real).correlation_
    upper = np.triu_indices(3, k=1)
    assert association_distance(syn, real) == pytest.approx(np.abs(a - b)[upper].mean())
    assert association_distance(syn[["x"]], real[["x"]]) == 0.0


def test_category_coverage_exact_and_from_draws():
    real, syn = _tables()
    assert category_coverage(syn, real) == pytest.approx(2 / 3)
    assert category_coverage(syn, real, per_column=True).to_dict() == {"c": pytest.approx(2 / 3)}
    smoothed = GaussianCopula(alpha=0.5).fit(syn)
    assert category_coverage(smoothed, real) == 1.0  # "c" has positive probability
    assert category_coverage(CategoricalDistribution().fit(syn[["c"]]), real[["c"]],
                             n_samples=500, random_state=0) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="at least one categorical"):
        category_coverage(syn[["x"]], real[["x"]])


def test_synthetic_utility_and_bad_target():
    rng = np.random.RandomState(0)
    x = rng.normal(size=2000)
    real = pd.DataFrame({"x": x, "c": pd.Categorical(np.where(x > 1, "hi", "lo")),
                         "label": (x + rng.normal(size=2000) > 0).astype(int)})
    # trained on real rows it reaches the Bayes accuracy P(|noise| ... ) = 0.75 (within 0.03)
    assert synthetic_utility(real.iloc[:1000], real.iloc[1000:], target="label") == (
        pytest.approx(0.75, abs=0.03))
    model = GaussianCopula().fit(real.iloc[:1000])
    score = synthetic_utility(model, real.iloc[1000:], target="label", random_state=0)
    assert score == synthetic_utility(model, real.iloc[1000:], target="label", random_state=0)
    assert score > 0.65
    one_class = real.iloc[:1000].assign(label=1)
    assert synthetic_utility(one_class, real.iloc[1000:], target="label") == pytest.approx(
        real["label"].iloc[1000:].mean())
    with pytest.raises(ValueError, match="target column 'income'"):
        synthetic_utility(model, real, target="income")
    arr = real[["x", "label"]].to_numpy()
    assert synthetic_utility(arr[:1000], arr[1000:], target=1) > 0.7
    with pytest.raises(ValueError, match="column index"):
        synthetic_utility(arr[:1000], arr[1000:], target=5)


def test_metrics_as_per_generation_scorers():
    real, _ = _tables()
    scoring = {"marginal": neg_marginal_distance_scorer,
               "association": neg_association_distance_scorer,
               "coverage": category_coverage,
               "utility": functools.partial(synthetic_utility, target="c", random_state=0)}
    est = RecursiveDensityEstimator(GaussianCopula(), n_generations=3, scoring=scoring,
                                    random_state=0).fit(real)
    for name in scoring:
        assert np.isfinite(est.generation_scores_[name]).all()
    assert (est.generation_scores_["coverage"] <= 1).all()
    assert (est.generation_scores_["marginal"] <= 0).all()  # minus a distance


@pytest.mark.parametrize("function, bad", [
    (marginal_distance, {"numeric": "KS"}),
    (marginal_distance, {"per_column": "False"}),  # a truthy string is not a bool
    (marginal_distance, {"n_samples": 0}),
    (association_distance, {"n_samples": 2.5}),
    (association_distance, {"random_state": "0"}),
    (category_coverage, {"per_column": 1}),
    (category_coverage, {"n_samples": True}),
    (synthetic_utility, {"estimator": "logistic", "target": "c"}),
])
def test_tabular_metrics_check_their_keywords_declaratively(function, bad):
    real, syn = _tables()
    name = next(iter(bad))
    with pytest.raises(ValueError, match=rf"'{name}' parameter of {function.__name__}"):
        function(GaussianCopula().fit(syn), real, **bad)
