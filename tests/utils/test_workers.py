"""Worker counts: one helper checks them and caps them at the CPUs and at the tasks."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skrecursive._utils import parallel
from skrecursive._utils.parallel import available_cpus, effective_workers, run_in_order

CPUS = available_cpus()


@pytest.mark.parametrize("bad", [0, 1.5, "2", True, np.float64(2.0), [2]])
def test_invalid_counts_are_value_errors_naming_the_parameter(bad):
    with pytest.raises(ValueError, match=r"^--jobs must be None, a positive int"):
        effective_workers(bad, name="--jobs")


@pytest.mark.parametrize("huge", [CPUS + 1, 100_000, 10**6, 2**70])
def test_more_than_the_cpus_is_reduced_with_a_warning(huge):
    with pytest.warns(UserWarning, match=rf"n_jobs={huge} asks for more workers than the "
                      rf"{CPUS} CPU\(s\) this process may use; using {CPUS}\."):
        assert effective_workers(huge) == CPUS


def test_negative_counts_follow_joblib_and_a_hopeless_one_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert effective_workers(-1) == CPUS
        assert effective_workers(None) == 1
        assert effective_workers(np.int64(1)) == 1
    with pytest.warns(UserWarning, match="leaves no CPU"):
        assert effective_workers(-(CPUS + 5)) == 1


def test_never_more_workers_than_tasks_and_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert effective_workers(-1, n_tasks=1) == 1
        assert effective_workers(CPUS, n_tasks=1) == 1
        assert effective_workers(None, n_tasks=0) == 1
    with pytest.warns(UserWarning):
        assert effective_workers(10**6, n_tasks=1) == 1


def test_run_in_order_never_asks_joblib_for_more(monkeypatch):
    asked = []
    real = parallel.Parallel

    def recording(n_jobs=None, **kwargs):
        asked.append(n_jobs)
        return real(n_jobs=n_jobs, **kwargs)

    monkeypatch.setattr(parallel, "Parallel", recording)
    calls = [(abs, (i,), {}) for i in range(3)]  # a builtin: workers can unpickle it
    assert run_in_order(calls, n_jobs=10**6) == [0, 1, 2]
    assert run_in_order(calls[:1], n_jobs=-1) == [0]
    assert asked == [min(CPUS, 3), 1]


def test_simulate_caps_and_warns_with_identical_results():
    from skrecursive.simulation import simulate

    kwargs = dict(n=30, n_generations=3, last=2, n_repeats=20, random_state=0)
    ref = simulate("gaussian-mean", [0.5, 0.7], 1.0, n_jobs=1, **kwargs)
    with pytest.warns(UserWarning, match="n_jobs=100000 asks for more workers"):
        got = simulate("gaussian-mean", [0.5, 0.7], 1.0, n_jobs=100_000, **kwargs)
    pd.testing.assert_frame_equal(ref, got)
    with pytest.raises(ValueError, match="n_jobs"):
        simulate("gaussian-mean", [0.5], 1.0, n_jobs=0, **kwargs)


def _small_regressor():
    from skrecursive import RecursiveWeightedRegressor

    rng = np.random.RandomState(0)
    X = rng.standard_normal((120, 2))
    y = X @ [1.0, 2.0] + rng.standard_normal(120)
    return RecursiveWeightedRegressor(n_generations=2, n_real=20), X, y


def test_weight_curve_checks_and_caps_n_jobs():
    from skrecursive import weight_curve

    est, X, y = _small_regressor()
    kwargs = dict(weights=[0.5], n_repeats=2, last=2, random_state=0)
    ref = weight_curve(est, X, y, n_jobs=1, **kwargs)
    with pytest.warns(UserWarning, match="n_jobs=1000000 asks for more workers"):
        got = weight_curve(est, X, y, n_jobs=10**6, **kwargs)
    pd.testing.assert_frame_equal(ref, got)
    for bad in (0, 2.5, "all"):
        with pytest.raises(ValueError, match="n_jobs must be"):
            weight_curve(est, X, y, n_jobs=bad, **kwargs)


def test_reproduce_functions_cap_n_jobs():
    from skrecursive.reproduce import adult_classifier

    with pytest.warns(UserWarning, match="n_jobs=100000 asks for more workers"):
        res = adult_classifier(n=200, n_generations=1, loops={"w*": "optimal"},
                               n_jobs=100_000)
    assert len(res) == 2


# ------------------------------------------------------------------ progress of weight_curve


def test_weight_curve_and_display_show_progress_with_verbose(capsys):
    import matplotlib

    matplotlib.use("Agg")
    from skrecursive import weight_curve
    from skrecursive.plotting import WeightCurveDisplay

    est, X, y = _small_regressor()
    kwargs = dict(weights=[0.5], n_repeats=3, last=2, random_state=0)
    quiet = weight_curve(est, X, y, **kwargs)
    assert capsys.readouterr().err == ""
    loud = weight_curve(est, X, y, verbose=1, **kwargs)
    err = capsys.readouterr().err
    assert "weight curve repeats" in err and "3/3" in err
    pd.testing.assert_frame_equal(quiet, loud)  # progress changes nothing else
    WeightCurveDisplay.from_estimator(est, X, y, verbose=True, **kwargs)
    assert "weight curve repeats" in capsys.readouterr().err
    with pytest.raises(ValueError, match="verbose"):
        weight_curve(est, X, y, verbose=-1, **kwargs)
