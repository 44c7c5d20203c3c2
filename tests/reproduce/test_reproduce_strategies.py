"""reproduce.strategies: the five loops side by side, its figure and the CLI command."""

import numpy as np
import pandas as pd
import pytest

from skrecursive import cli
from skrecursive.reproduce import STRATEGY_LOOPS, plot_strategies, strategies


def test_strategies_table_theory_and_figure():
    df = strategies(n_generations=8, n_repeats=3000, kde_repeats=4, n=60,
                    settings=["gaussian-mean", "kde"], random_state=1)
    assert list(dict.fromkeys(df["setting"])) == ["gaussian-mean", "kde"]
    assert list(dict.fromkeys(df["loop"])) == list(STRATEGY_LOOPS)
    assert len(df) == 2 * len(STRATEGY_LOOPS) * 9
    gauss = df[df["setting"] == "gaussian-mean"]
    # exact for the mean: ||mu||^2 (p = 2) has relative sd 1 per repeat, SE 1.8 % with
    # 3000 repeats; 4 SE plus 1 % for the pooled covariance of "accumulate"
    assert np.all(np.abs(gauss["error"] - gauss["theory"])
                  <= 4 * gauss["error_se"] + 0.01 * gauss["theory"])
    assert gauss["weight"].isna().sum() == 2 * 9  # replace and accumulate are unweighted
    assert df.loc[df["setting"] == "kde", "theory"].isna().all()  # no closed form
    kde = df[df["setting"] == "kde"].pivot_table(index="generation", columns="loop",
                                                 values="error")
    # generation 0 shares its real rows across loops (common seeds)
    assert kde.loc[0].nunique() == 1
    # the KDE widens by the bandwidth every synthetic-only generation: after 8 its
    # Cramer-von Mises error is an order of magnitude above the fresh loop's
    assert kde.loc[8, "replace"] > 5 * kde.loc[8, "fresh w*"]
    fig = plot_strategies(df)
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"


@pytest.mark.parametrize("bad", [{"settings": ["kde", "mix"]}, {"k": 0.0},
                                 {"n_repeats": 0}, {"kde_bandwidth": -1.0}])
def test_strategies_bad_input(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        strategies(**bad)


# slow: a whole command run: several seconds idle (pytest --durations)
@pytest.mark.slow
def test_cli_reproduce_strategies_writes_csv_and_figure(tmp_path, capsys):
    status = cli.main(["reproduce", "strategies", "--repeats", "2", "--out", str(tmp_path)])
    assert status == 0
    table = pd.read_csv(tmp_path / "strategies.csv")
    assert set(table["setting"]) == {"gaussian-mean", "linear", "kde"}
    assert set(table["loop"]) == set(STRATEGY_LOOPS)
    assert (tmp_path / "strategies.png").stat().st_size > 0
    assert "accumulate" in capsys.readouterr().out
