"""The strategy objects on plain arrays: schedules, training sets, reported weights."""

import numpy as np
import pytest

from skrecursive._core.strategies import STRATEGIES, STRATEGY_NAMES, Strategy, get_strategy

N_REAL, N_SYN = 4, 6
X_REAL = np.arange(N_REAL * 2, dtype=float).reshape(N_REAL, 2)
Y_REAL = np.arange(N_REAL, dtype=float)


class Draws:
    """``draw()`` for a training set: numbered synthetic blocks, and a call count."""

    def __init__(self, supervised=True):
        self.calls = 0
        self.supervised = supervised

    def __call__(self):
        self.calls += 1
        X = np.full((N_SYN, 2), -float(self.calls))
        return X, (np.full(N_SYN, -float(self.calls)) if self.supervised else None)


def test_registry():
    assert STRATEGY_NAMES == ("fresh", "replace", "accumulate", "fixed-real")
    for name, strategy in STRATEGIES.items():
        assert isinstance(strategy, Strategy) and strategy.name == name
        assert get_strategy(name) is strategy and get_strategy(strategy) is strategy
        assert name in repr(strategy)
    for bad in ("mix", None, 3):
        with pytest.raises(ValueError, match="strategy must be one of"):
            get_strategy(bad)
    with pytest.raises(ValueError, match="loop must be one of"):
        get_strategy("mix", param="loop")


def test_real_batch_schedules():
    T = 5
    schedule = {name: [s.real_batch(t) for t in range(T + 1)] for name, s in STRATEGIES.items()}
    assert schedule["fresh"] == list(range(T + 1))
    assert schedule["replace"] == [0] + [None] * T
    assert schedule["accumulate"] == schedule["fixed-real"] == [0] * (T + 1)
    assert STRATEGIES["fresh"].n_real_batches(T) == T + 1
    assert all(STRATEGIES[s].n_real_batches(T) == 1 for s in ("replace", "accumulate",
                                                                "fixed-real"))
    # only the fresh loop can be streamed batch by batch
    assert [s.streaming for s in STRATEGIES.values()] == [True, False, False, False]


def test_initial_training_set_is_the_real_rows():
    for strategy in STRATEGIES.values():
        ts = strategy.initial_training_set(X_REAL, Y_REAL)
        assert ts.X is X_REAL and ts.y is Y_REAL and ts.sample_weight is None
        assert (ts.n_real, ts.n_synthetic, ts.weight) == (N_REAL, 0, 1.0)


@pytest.mark.parametrize("name", ["fresh", "fixed-real"])
def test_weighted_mix(name):
    strategy = STRATEGIES[name]
    draw = Draws()
    ts = strategy.training_set(strategy.new_state(), X_REAL, Y_REAL, draw, 0.25, None)
    assert draw.calls == 1
    np.testing.assert_array_equal(ts.X[:N_REAL], X_REAL)
    assert np.all(ts.X[N_REAL:] == -1) and np.all(ts.y[N_REAL:] == -1)
    # real part carries w of the mass, weights sum to the number of rows
    assert ts.sample_weight[:N_REAL].sum() / ts.sample_weight.sum() == pytest.approx(0.25)
    assert ts.sample_weight.sum() == pytest.approx(N_REAL + N_SYN)
    assert (ts.n_real, ts.n_synthetic, ts.weight) == (N_REAL, N_SYN, 0.25)

    # w = 1: synthetic rows would weigh nothing and are not drawn at all
    draw = Draws()
    ts = strategy.training_set(None, X_REAL, Y_REAL, draw, 1.0, None)
    assert draw.calls == 0 and ts.X is X_REAL and ts.sample_weight is None
    assert (ts.n_synthetic, ts.weight) == (0, 1.0)

    # w = 0: synthetic rows alone, the real rows still counted as drawn
    draw = Draws()
    ts = strategy.training_set(None, X_REAL, Y_REAL, draw, 0.0, None)
    assert draw.calls == 1 and len(ts.X) == N_SYN and ts.sample_weight is None
    assert (ts.n_real, ts.n_synthetic, ts.weight) == (N_REAL, N_SYN, 0.0)


def test_replace_ignores_real_rows_and_weight():
    strategy = STRATEGIES["replace"]
    assert not strategy.uses_weight and strategy.needs_synthetic(1.0)
    for w in (0.0, 0.5, 1.0):
        draw = Draws()
        ts = strategy.training_set(None, None, None, draw, w, None)
        assert draw.calls == 1 and len(ts.X) == N_SYN and ts.sample_weight is None
        assert (ts.n_real, ts.n_synthetic, ts.weight) == (0, N_SYN, 0.0)


@pytest.mark.parametrize("supervised", [True, False])
def test_accumulate_keeps_every_synthetic_row(supervised):
    strategy = STRATEGIES["accumulate"]
    state, draw = strategy.new_state(), Draws(supervised)
    y_real = Y_REAL if supervised else None
    for t in range(1, 4):
        ts = strategy.training_set(state, X_REAL, y_real, draw, 0.3, np.random.RandomState(0))
        assert len(ts.X) == N_REAL + t * N_SYN and ts.sample_weight is None
        np.testing.assert_array_equal(ts.X[:N_REAL], X_REAL)
        # blocks in drawing order: -1, -2, ..., -t
        blocks = ts.X[N_REAL:, 0].reshape(t, N_SYN)
        np.testing.assert_array_equal(blocks[:, 0], -np.arange(1, t + 1))
        assert (ts.y is None) != supervised
        assert ts.weight == pytest.approx(N_REAL / (N_REAL + t * N_SYN))


def test_accumulate_cap_subsamples_without_replacement():
    strategy = STRATEGIES["accumulate"]
    state, draw = strategy.new_state(), Draws()
    rng = np.random.RandomState(0)
    real_kept = []
    for _ in range(400):
        ts = strategy.training_set(state, X_REAL, Y_REAL, draw, 0.3, rng, max_accumulated=10)
    # the last call: 4 real + 2400 synthetic rows, capped at 10 distinct rows in order
    assert len(ts.X) == 10 and ts.n_real + ts.n_synthetic == 10
    assert ts.n_real == int(np.sum(ts.X[:, 0] >= 0))
    assert ts.weight == ts.n_real / 10
    # over many draws the real share of a uniform subsample is 4 / 2404 per row
    state, draw = strategy.new_state(), Draws()
    for _ in range(2):
        strategy.training_set(state, X_REAL, Y_REAL, draw, 0.3, rng)  # 4 + 12 rows
    for _ in range(4000):
        real_kept.append(strategy.training_set(state, X_REAL, Y_REAL, lambda: (
            np.empty((0, 2)), np.empty(0)), 0.3, rng, max_accumulated=8).n_real)
    # hypergeometric, 8 of 16 rows with 4 real: mean 2, sd 0.89; 4000 draws give SE
    # 0.014, and the tolerance is 3.5 SE
    assert np.mean(real_kept) == pytest.approx(2.0, abs=0.05)


def test_check_sizes():
    STRATEGIES["accumulate"].check_sizes(10, 100, None)
    STRATEGIES["accumulate"].check_sizes(10, 100, 10)
    with pytest.raises(ValueError, match="max_accumulated=5 must be at least n_real=10"):
        STRATEGIES["accumulate"].check_sizes(10, 100, 5)
    for name in ("fresh", "replace", "fixed-real"):
        with pytest.raises(ValueError, match=f"strategy='{name}' does not use it"):
            STRATEGIES[name].check_sizes(10, 100, 50)
    with pytest.raises(ValueError, match="fixed-real"):
        STRATEGIES["fixed-real"].check_sizes(101, 100, None)


def test_reported_weight():
    history = np.array([1.0, 0.4, 0.25])
    assert STRATEGIES["fresh"].reported_weight(0.6, history) == 0.6
    assert STRATEGIES["fixed-real"].reported_weight(0.6, history) == 0.6
    # unweighted loops report the real share of the last generation
    assert STRATEGIES["replace"].reported_weight(0.6, history) == 0.25
    assert STRATEGIES["accumulate"].reported_weight(0.6, history) == 0.25
    assert STRATEGIES["accumulate"].reported_weight(0.6, history[:1]) == 0.6


def test_engine_form():
    fresh, replace = STRATEGIES["fresh"], STRATEGIES["replace"]
    assert fresh.engine_form(0.3) == (fresh, 0.3)
    # replace is the fresh loop at w = 0, and fixed-real at w = 0 is replace
    assert replace.engine_form(0.7) == (fresh, 0.0)
    assert STRATEGIES["fixed-real"].engine_form(0.0) == (fresh, 0.0)
    assert STRATEGIES["fixed-real"].engine_form(0.5) == (STRATEGIES["fixed-real"], 0.5)
    assert STRATEGIES["accumulate"].engine_form(0.5)[0] is STRATEGIES["accumulate"]


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_trajectory_tends_to_the_limit(name):
    strategy = STRATEGIES[name]
    w, k = np.array([0.3, 0.6]), np.array([1.0, 0.5])
    trajectory = strategy.risk_trajectory(w, k, 3000)
    assert trajectory.shape == (3000, 2)
    limit = strategy.limiting_risk(w, k)
    if name == "replace":
        assert np.all(np.isinf(limit)) and np.all(np.diff(trajectory, axis=0) > 0)
    else:
        # accumulate converges like 1/t: 1e-3 relative after 3000 generations
        np.testing.assert_allclose(trajectory[-1], limit, rtol=2e-3)
