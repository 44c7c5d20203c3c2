"""The Adult classifier curves and the minimiser interval of an error-versus-weight curve."""

import numpy as np
import pandas as pd
import pytest

from skrecursive import limiting_risk, optimal_weight
from skrecursive.reproduce import adult_classifier, minimiser_interval


# slow: runs the loops serially and in worker processes: several seconds idle
# (pytest --durations)
@pytest.mark.slow
def test_classifier_curves_are_tidy_and_do_not_depend_on_n_jobs():
    kw = dict(n=200, n_generations=3, random_state=3)
    serial = adult_classifier(**kw, n_jobs=1)
    parallel = adult_classifier(**kw, n_jobs=2)
    pd.testing.assert_frame_equal(serial.drop(columns="fit_time"),
                                  parallel.drop(columns="fit_time"))
    assert list(serial["loop"].unique()) == [
        "fully synthetic (w = 0)", "naive", "optimal w*", "real only (w = 1)"]
    assert len(serial) == 4 * 4 and serial.attrs["rows_used"] == 45222
    # every loop starts from the same generation-0 fit on the same real rows
    first = serial[serial["generation"] == 0]
    assert first["log_loss"].nunique() == 1 and (first["weight"] == 1.0).all()
    later = serial[serial["generation"] > 0].groupby("loop")["weight"].unique()
    assert later["optimal w*"][0] == pytest.approx(optimal_weight(1.0))
    assert later["naive"][0] == 0.5 and later["fully synthetic (w = 0)"][0] == 0.0


def test_fully_synthetic_classifier_collapses_and_optimal_does_not():
    # w = 0 never sees real labels after generation 0, so its test log-loss drifts up
    # (0.58 against 0.36 after 20 generations with this seed); the optimal weight stays
    # near real data only. Averaged over the last 5 generations to damp the noise.
    res = adult_classifier(n_generations=20, loops={"w = 0": 0.0, "w*": "optimal",
                                                    "w = 1": 1.0}, random_state=0)
    late = res[res["generation"] > 15].groupby("loop")["log_loss"].mean()
    assert late["w = 0"] > 1.3 * late["w*"]
    assert late["w*"] < 1.1 * late["w = 1"]


def test_classifier_bad_parameters_are_named():
    with pytest.raises(ValueError, match="'loops'"):
        adult_classifier(loops={"x": 1.5})
    with pytest.raises(ValueError, match="'test_fraction'"):
        adult_classifier(test_fraction=1.0)


def _paired_curves(rng, repeats=60):
    """Errors with a common factor per repeat (as common random numbers give) and a
    little independent noise; the mean curve is minimised at w*(1) = 0.618."""
    grid = np.round(np.arange(0.2, 0.79, 0.02), 2)
    level = rng.exponential(size=(repeats, 1))
    noise = 1 + 0.1 * rng.standard_normal((repeats, grid.size))
    errors = level * limiting_risk(grid, 1.0) * noise
    return pd.DataFrame({"weight": np.tile(grid, repeats),
                         "repeat": np.repeat(np.arange(repeats), grid.size),
                         "error": errors.ravel()})


def test_minimiser_interval_covers_the_true_minimiser():
    # The smoothed minimiser's bias on limiting_risk is below 2e-4, far inside the
    # intervals (about +-0.04 here), so nominal 90% intervals should cover 0.618 in about
    # 90% of 40 data sets: binomial SE 0.047, so accept 0.75-1.
    rng = np.random.default_rng(0)
    found = [minimiser_interval(_paired_curves(rng), confidence=0.9) for _ in range(40)]
    covered = np.mean([f["low"] <= optimal_weight(1.0) <= f["high"] for f in found])
    assert 0.75 <= covered <= 1.0
    assert np.median([f["high"] - f["low"] for f in found]) < 0.12


def test_minimiser_interval_uses_the_pairing_of_repeats():
    # Breaking the pairing (shuffling the repeat labels within each weight) leaves
    # every per-weight mean unchanged but loses the common factor that cancels in
    # differences between weights, so the interval must get much wider. 200 repeats:
    # with 60 the paired interval itself can reach the ends of its 11-point window
    # (about +-0.04 wide around a minimum this flat), and a cut interval says little.
    rng = np.random.default_rng(1)
    paired = _paired_curves(rng, repeats=200)
    shuffled = paired.copy()
    shuffled["repeat"] = shuffled.groupby("weight")["repeat"].transform(
        lambda r: rng.permutation(r.to_numpy()))
    a = minimiser_interval(paired)
    b = minimiser_interval(shuffled)
    assert a["minimiser"] == pytest.approx(b["minimiser"])
    assert 2 * (a["high"] - a["low"]) < b["high"] - b["low"]


def test_minimiser_interval_drops_incomplete_repeats_and_checks_input():
    df = _paired_curves(np.random.default_rng(2), repeats=20)
    df.loc[df.index[5], "error"] = np.nan
    assert minimiser_interval(df)["n_repeats"] == 19
    with pytest.raises(ValueError, match="'confidence'"):
        minimiser_interval(df, confidence=1.0)
    with pytest.raises(ValueError, match="repeat"):
        minimiser_interval(df.drop(columns="repeat"))


def test_scaled_logistic_regression_is_the_pipeline():
    # the classifier's model predicts what StandardScaler on the numeric columns
    # (constant ones included), passthrough and LogisticRegression predict, with
    # row weights; its one-pass scores are scikit-learn's scorers of those names
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import get_scorer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skrecursive.reproduce._adult import _held_out_scores, _ScaledLogisticRegression

    rng = np.random.default_rng(0)
    X = np.hstack([rng.normal(3, 2, (300, 3)), np.ones((300, 1)), rng.integers(0, 2, (300, 4))])
    y = (rng.random(300) < 1 / (1 + np.exp(-(X[:, 0] - 3 + X[:, 5])))).astype(int)
    sw = rng.uniform(0.5, 2.0, 200)
    ref = make_pipeline(
        make_column_transformer((StandardScaler(), [0, 1, 2, 3]), remainder="passthrough"),
        LogisticRegression(max_iter=1000),
    ).fit(X[:200], y[:200], logisticregression__sample_weight=sw)
    ours = _ScaledLogisticRegression(4).fit(X[:200], y[:200], sample_weight=sw)
    np.testing.assert_allclose(ours.predict_proba(X[200:]), ref.predict_proba(X[200:]),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X[200:]), ref.predict(X[200:]))
    scores = _held_out_scores(ours, X[200:], y[200:])
    for name in ("neg_log_loss", "accuracy"):
        assert scores[name] == pytest.approx(get_scorer(name)(ref, X[200:], y[200:]),
                                             rel=1e-12)


def test_plot_adult_names_the_error_and_the_band_level():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skrecursive.reproduce import adult_logistic, plot_adult

    logistic = adult_logistic(n=100, n_repeats=3, n_generations=3, last=2,
                              weights=[0.4, 0.5, 0.6, 0.7], random_state=0)
    curves = adult_classifier(n=200, n_generations=2, random_state=0)
    fig = plot_adult(logistic, curves, confidence=0.9)
    try:
        weight_ax, loss_ax, accuracy_ax = fig.axes
        assert "last 2 generations" in weight_ax.get_ylabel()
        labels = [t.get_text() for t in weight_ax.get_legend().get_texts()]
        assert "90% confidence interval" in labels
        assert any(label.startswith("optimal weight w* = 0.618") for label in labels)
        # one line per loop, named once, with the weight the loop used
        legend = [t.get_text() for t in loss_ax.get_legend().get_texts()]
        assert legend == ["fully synthetic (w = 0.000)", "naive (w = 0.500)",
                          "optimal w* (w = 0.618)", "real only (w = 1.000)"]
        assert loss_ax.get_ylabel() == "Test log-loss (lower is better)"
        assert accuracy_ax.get_ylabel() == "Test accuracy (higher is better)"
    finally:
        plt.close(fig)
