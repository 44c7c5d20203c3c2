"""Tests of the generation and weight curve displays."""

import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from skrecursive import RecursiveWeightedClassifier, limiting_risk, optimal_weight
from skrecursive.plotting import GenerationCurveDisplay, WeightCurveDisplay

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    return [
        RecursiveWeightedClassifier(LogisticRegression(max_iter=1000), weight=w, n_generations=4,
                                    scoring="neg_log_loss", random_state=0).fit(X, y)
        for w in (0.0, "optimal")
    ]


def test_importing_skrecursive_does_not_import_matplotlib():
    code = (
        "import sys, skrecursive, skrecursive.plotting, skrecursive._core.classification; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_generation_curve_plots_history(fitted):
    disp = GenerationCurveDisplay.from_estimator(fitted, labels=["collapse", "optimal"])
    assert len(disp.lines_) == 2
    for line, est in zip(disp.lines_, fitted, strict=True):
        x, y = line.get_data()
        np.testing.assert_array_equal(x, est.history_["generation"])
        np.testing.assert_array_equal(y, est.history_["score"])
    assert disp.lines_[0].get_label() == "collapse (w = 0.000)"
    assert disp.lines_[1].get_label() == f"optimal (w = {optimal_weight(1.0):.3f})"
    assert disp.ax_.get_ylabel() == "Negative log loss (higher is better)"
    assert disp.ax_.get_xlabel() == "Generation"
    assert disp.figure_ is disp.ax_.figure
    legend = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert legend == ["collapse (w = 0.000)", "optimal (w = 0.618)"]


def test_generation_curve_negate_single_estimator_and_given_ax(fitted):
    _, ax = plt.subplots()
    disp = GenerationCurveDisplay.from_estimator(fitted[1], ax=ax, negate_score=True)
    assert disp.ax_ is ax and len(disp.lines_) == 1
    np.testing.assert_array_equal(disp.lines_[0].get_ydata(), -fitted[1].history_["score"])
    assert ax.get_ylabel() == "Log loss (lower is better)"
    # plot() again on a new axes redraws the stored data
    _, ax2 = plt.subplots()
    disp.plot(ax=ax2, score_name="my score")
    assert ax2.get_ylabel() == "my score"
    np.testing.assert_array_equal(disp.lines_[0].get_ydata(), fitted[1].history_["score"])


def test_generation_curve_bad_input(fitted):
    with pytest.raises(ValueError, match="labels"):
        GenerationCurveDisplay.from_estimator(fitted, labels=["only one"])
    X, y = load_iris(return_X_y=True)
    streamed = RecursiveWeightedClassifier(LogisticRegression(max_iter=1000)).partial_fit(X, y)
    with pytest.raises(ValueError, match="validation scores"):
        GenerationCurveDisplay.from_estimator(streamed)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GenerationCurveDisplay.from_estimator(RecursiveWeightedClassifier())
    with pytest.raises(TypeError, match="recursive"):
        GenerationCurveDisplay.from_estimator(LogisticRegression(max_iter=1000).fit(X, y))


def _weight_results(seed=0, repeats=40):
    # errors with known means limiting_risk(w, 1) and exponential noise
    rng = np.random.RandomState(seed)
    grid = np.round(np.arange(0.2, 0.81, 0.06), 2)
    w = np.repeat(grid, repeats)
    return grid, pd.DataFrame({
        "weight": w,
        "repeat": np.tile(np.arange(repeats), grid.size),
        "error": limiting_risk(w, 1.0) * rng.exponential(size=w.size),
    })


def test_weight_curve_summary_and_plot():
    grid, df = _weight_results()
    disp = WeightCurveDisplay.from_results(df, k=1.0, confidence=0.9)
    np.testing.assert_allclose(disp.weights, grid)
    by_weight = df.groupby("weight")["error"]
    np.testing.assert_allclose(disp.mean, by_weight.mean().to_numpy())
    half = stats.t.ppf(0.95, 39) * by_weight.std(ddof=1).to_numpy() / np.sqrt(40)
    np.testing.assert_allclose(disp.upper - disp.mean, half)
    np.testing.assert_allclose(disp.mean - disp.lower, half)
    assert disp.minimiser == grid[np.argmin(disp.mean)]
    # plotted data
    x, y = disp.line_.get_data()
    np.testing.assert_allclose(x, grid)
    np.testing.assert_allclose(y, disp.mean)
    mx, my = disp.minimiser_marker_.get_data()
    assert mx[0] == disp.minimiser and my[0] == disp.mean.min()
    vx, _ = disp.lines_[1].get_data()
    np.testing.assert_allclose(vx, optimal_weight(1.0))
    assert disp.optimal_weight == pytest.approx(0.6180339887)
    band = disp.fill_between_.get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(disp.lower.min())
    assert band[:, 1].max() == pytest.approx(disp.upper.max())
    assert disp.ax_.get_ylabel() == "error (lower is better)"


@pytest.mark.parametrize("k, figsize", [(1.0, (6.4, 4.8)), (1.0, (5.3, 4.5)), (0.1, (6.4, 4.8))])
def test_weight_curve_legend_clear_of_curve_and_w_star(k, figsize):
    # the legend names the band's level and overlaps neither the w* line nor the
    # curve, its band or the minimiser marker (compared in display coordinates)
    grid, df = _weight_results()
    df["error"] = limiting_risk(df["weight"], k) * df["error"] / limiting_risk(df["weight"], 1.0)
    _, ax = plt.subplots(figsize=figsize)
    disp = WeightCurveDisplay.from_results(df, k=k, confidence=0.9, ax=ax,
                                           error_name="squared error")
    disp.figure_.canvas.draw()
    legend = disp.ax_.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert "90% confidence interval" in texts and disp.ax_.get_ylabel() == "squared error"
    box = legend.get_window_extent()
    x_star = disp.ax_.transData.transform((optimal_weight(k), 0))[0]
    assert not box.x0 <= x_star <= box.x1
    for artist in (disp.line_, disp.fill_between_, disp.minimiser_marker_):
        assert not box.overlaps(artist.get_window_extent())


def test_weight_curve_interval_covers_truth_at_nominal_rate():
    # 95% t-intervals of exponential errors (40 repeats) should cover the true mean
    # about 95% of the time; over 11 weights x 30 data sets (330 intervals) the binomial
    # SE of the coverage is 0.012, and skewness costs about 1 point: accept 0.90-0.98.
    covered = []
    for seed in range(30):
        grid, df = _weight_results(seed)
        disp = WeightCurveDisplay.from_results(df)
        truth = limiting_risk(grid, 1.0)
        covered.append((disp.lower <= truth) & (truth <= disp.upper))
        plt.close("all")
    coverage = np.mean(covered)
    assert 0.90 <= coverage <= 0.98
    assert disp.optimal_weight is None and len(disp.lines_) == 1


def test_weight_curve_single_repeat_and_bad_input():
    df = pd.DataFrame({"w": [0.2, 0.5, 0.8], "err": [3.0, 1.0, 2.0]})
    disp = WeightCurveDisplay.from_results(df, weight_col="w", error_col="err", k=2.0)
    np.testing.assert_array_equal(disp.lower, disp.mean)
    assert disp.minimiser == 0.5
    with pytest.raises(ValueError, match="weight_col"):
        WeightCurveDisplay.from_results(df)
    with pytest.raises(ValueError, match="confidence"):
        WeightCurveDisplay.from_results(df, weight_col="w", error_col="err", confidence=1.5)
    with pytest.raises(TypeError, match="DataFrame"):
        WeightCurveDisplay.from_results(df.to_numpy())
