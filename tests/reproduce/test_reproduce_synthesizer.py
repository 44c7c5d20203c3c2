"""The Adult synthesizer experiment: its table, summary, figure and argument checks."""

import matplotlib
import pytest

from skrecursive.reproduce import (
    adult_synthesizer,
    plot_adult_synthesizer,
    summarize_adult_synthesizer,
)

matplotlib.use("Agg")


def test_adult_synthesizer_table_summary_figure_and_bad_input():
    df = adult_synthesizer(n_real=200, n_generations=3, n_repeats=2, n_validation=500,
                           loops=["w=0", "w*"])
    assert list(df.columns) == ["loop", "weight", "repeat", "generation", "marginal_distance",
                                "association_distance", "category_coverage",
                                "utility_accuracy"]
    assert (df[["marginal_distance", "association_distance"]] >= 0).all().all()
    assert len(df) == 2 * 2 * 4
    assert df.loc[df["loop"] == "w*", "weight"].iloc[0] == pytest.approx(0.618034, abs=1e-6)
    # generation 0 is the same real-only fit for both loops of a repeat
    g0 = df[df["generation"] == 0].set_index(["loop", "repeat"])["marginal_distance"]
    assert g0.loc["w=0"].to_numpy() == pytest.approx(g0.loc["w*"].to_numpy())
    summary = summarize_adult_synthesizer(df)
    assert {"marginal_distance_se", "utility_accuracy_se"} <= set(summary.columns)
    assert len(summary) == 8
    fig = plot_adult_synthesizer(df)
    assert len(fig.axes) == 4
    for bad in ({"n_real": 0}, {"k": -1.0}, {"loops": ["w=1"]}, {"n_validation": 10**6}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            adult_synthesizer(**bad)


@pytest.mark.parametrize("bad", [
    {"n_real": 1.5}, {"n_real": True}, {"k": float("inf")}, {"k": float("nan")}, {"k": "1"},
    {"n_generations": -1}, {"n_repeats": 0}, {"n_validation": 1}, {"loops": []},
    {"loops": ["w*", "w*"]}, {"random_state": -1}, {"random_state": None}, {"n_jobs": 0},
    {"progress": "False"},
])
def test_adult_synthesizer_checks_every_argument_declaratively(bad):
    name = next(iter(bad))
    with pytest.raises(ValueError, match=rf"'{name}' parameter of adult_synthesizer"):
        adult_synthesizer(**bad)


def test_adult_synthesizer_single_loop_label_and_absurd_sizes():
    from skrecursive._utils.parallel import task_store

    # "w*" is one loop, not the letters "w" and "*"
    df = adult_synthesizer(n_real=100, n_generations=1, n_repeats=1, n_validation=300,
                           loops="w*")
    assert set(df["loop"]) == {"w*"} and len(df) == 2

    class Refuse:  # a store that fails the test if any task were started
        MISSING = object()

        def key(self, fn, args, kwargs):
            raise AssertionError("a task started")

    # refused with the estimate before any task starts
    with task_store(Refuse()), pytest.raises(ValueError, match=r"n_real=10000000000.*memory"):
        adult_synthesizer(n_real=10**10)
    with task_store(Refuse()), pytest.raises(ValueError, match=r"k=1e-09.*memory"):
        adult_synthesizer(k=1e-9)
