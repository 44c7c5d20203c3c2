"""The Adult experiments: engine agreement, seeding, and the statistics of the curve."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skrecursive import limiting_risk
from skrecursive.reproduce import adult_categorical, adult_logistic
from skrecursive.simulation import _adult_engines


def test_pseudo_truth_is_sklearns_fit_and_the_papers_numbers():
    X, y = _adult_engines.logistic_pool(drop_missing=False)
    assert X.shape == (48842, 5)
    beta = _adult_engines.logistic_pseudo_truth(X, y, C=1.0)
    ref = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(beta, np.r_[ref.intercept_, ref.coef_[0]], rtol=1e-6)
    # the paper's Adult pseudo-truth (the authors' fit on all 48,842 rows), to its digits
    paper = [-8.259, 0.0422, 0.3223, 0.000320, 0.000680, 0.0401]
    np.testing.assert_allclose(beta, paper, rtol=2e-3)


def test_batched_engine_matches_sklearn_path():
    kw = dict(n=150, n_generations=4, last=3, n_repeats=3, weights=[0.3, 0.8], random_state=7)
    fast = adult_logistic(**kw)
    slow = adult_logistic(engine="sklearn", **kw)
    # same random draws, same objective; both solvers stop within ~1e-10 of the
    # optimum, far below the Monte Carlo noise (relative SE of a mean ~ 0.1)
    np.testing.assert_allclose(fast["error"], slow["error"], rtol=1e-7)
    assert fast["error"].std() > 0.1 * fast["error"].mean()  # the draws differ by repeat


def test_same_seed_same_result_serial_or_parallel():
    kw = dict(n=100, n_generations=3, last=2, n_repeats=60, weights=[0.5, 0.7], random_state=3)
    serial = adult_logistic(n_jobs=1, **kw)
    parallel = adult_logistic(n_jobs=2, **kw)
    np.testing.assert_array_equal(serial["error"], parallel["error"])
    assert list(serial["repeat"]) == list(range(60)) * 2
    other = adult_logistic(n_jobs=1, **{**kw, "random_state": 4})
    assert not np.allclose(serial["error"], other["error"])


def test_output_records_the_protocol():
    res = adult_logistic(n=80, k=2.0, n_generations=3, last=2, n_repeats=2, weights=[0.6],
                         drop_missing=True, random_state=0)
    assert list(res.columns[:3]) == ["weight", "repeat", "error"]
    row = res.iloc[0]
    assert (row["k"], row["n"], row["m"], row["n_generations"]) == (2.0, 80, 40, 3)
    assert row["rows_used"] == 45222 and row["drop_missing"]


def test_non_converged_repeats_are_nan_and_announced(monkeypatch):
    real_fit = _adult_engines._FITTERS["batched"]

    def failing_second_repeat(X, y, sample_weight, coef_init, C):
        coef, ok = real_fit(X, y, sample_weight, coef_init, C)
        ok[1] = False
        return coef, ok

    monkeypatch.setitem(_adult_engines._FITTERS, "batched", failing_second_repeat)
    with pytest.warns(RuntimeWarning, match="2 of 6 .* did not converge"):
        res = adult_logistic(n=100, n_generations=2, last=1, n_repeats=3,
                             weights=[0.5, 0.6], random_state=0, n_jobs=1)
    assert res["error"].isna().tolist() == [False, True, False] * 2


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(weights=[0.5, 1.2]), "weights"),
        (dict(n_repeats=0), "n_repeats"),
        (dict(k=0), "k"),
        (dict(n_generations=10, last=11), "last"),
        (dict(engine="torch"), "engine"),
        (dict(random_state=-1), "random_state"),
    ],
)
def test_bad_parameters_are_named(kwargs, name):
    with pytest.raises(ValueError, match=f"'{name}' parameter of adult_logistic"):
        adult_logistic(**kwargs)


def test_bad_categorical_column():
    with pytest.raises(ValueError, match="'columns' parameter of adult_categorical"):
        adult_categorical(columns=["age"])


@pytest.mark.slow
def test_logistic_curve_is_minimised_near_the_golden_ratio():
    # Reduced scale: 80 repeats, 40 generations (the per-generation contraction
    # (1 - w)^2 <= 0.41 makes generations 21..40 stationary, as are 81..100).
    # The repeats share their random draws across weights, so differences between
    # weights are paired. From a 100-repeat pilot at full scale, the paired SD of
    # error(w) - error(0.62) is 0.17 at w = 0.44 (mean difference 0.095) and 0.094
    # at 0.78 (0.085): with 80 repeats the weights outside [0.45, 0.78] lose to 0.62
    # by more than 5 paired SE, so the band holds except with negligible probability.
    # The limiting risk is flat near its minimum (R = 0.667, 0.618, 0.66 at
    # w = 0.5, 0.618, 0.78), so a run this size cannot pin the minimiser any closer.
    # (The shape is not tested against R(w, 1) itself: the logistic model is
    # misspecified for the real labels, so real and synthetic rows have different
    # variance constants and the curve may be tilted; the paper's claim, and this
    # test, concern where its minimum lies.)
    weights = [0.30, 0.44, 0.52, 0.62, 0.70, 0.86]
    res = adult_logistic(n_repeats=80, n_generations=40, weights=weights, random_state=11)
    errors = res.pivot(index="repeat", columns="weight", values="error")
    assert not errors.isna().any().any()
    mean = errors.mean()
    best = mean.idxmin()
    assert 0.45 <= best <= 0.78
    # a real U shape: both ends significantly above the minimum (paired SE)
    for w in (0.30, 0.44, 0.86):
        diff = errors[w] - errors[best]
        se = diff.std() / np.sqrt(len(diff))
        assert diff.mean() > 4 * se, (w, diff.mean(), se)


def test_categorical_error_follows_limiting_risk():
    # The frequency recursion is linear, so E[error] = C/n * R(w, k) up to an
    # O(1/n) term (0.2% at n = 500), with C = mean p(1 - p). 1000 repeats give a
    # relative SE of about 2% for each mean; tolerance 4 SE.
    weights = [0.3, 0.618, 0.9]
    res = adult_categorical(n_repeats=1000, n_generations=40, weights=weights,
                            columns=["education"], random_state=5)
    for w, group in res.groupby("weight"):
        rel = group["relative_error"]
        se = rel.std() / np.sqrt(len(rel))
        assert abs(rel.mean() - limiting_risk(w, 1.0)) < 4 * se, (w, rel.mean(), se)
    # '?' is a category of its own in the authors' protocol (all rows kept)
    work = adult_categorical(n_repeats=2, n_generations=2, last=1, weights=[0.5],
                             columns=["workclass"], random_state=0)
    assert work["n_categories"].iloc[0] == 9 and work["rows_used"].iloc[0] == 48842
