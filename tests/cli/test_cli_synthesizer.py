"""``skrecursive reproduce adult-synthesizer``: the command writes the table and the figure."""

import functools

import matplotlib
import pandas as pd
import pytest

from skrecursive import cli
from skrecursive.reproduce import SYNTHESIZER_LOOPS

matplotlib.use("Agg")


# slow: a whole command run: several seconds idle (pytest --durations)
@pytest.mark.slow
def test_cli_reproduce_adult_synthesizer(tmp_path, capsys, monkeypatch):
    from skrecursive import reproduce

    small = functools.partial(reproduce.adult_synthesizer, n_real=150, n_generations=2,
                              n_validation=300)
    monkeypatch.setattr(reproduce, "adult_synthesizer", small)
    assert cli.main(["reproduce", "adult-synthesizer", "--repeats", "2",
                     "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "adult-synthesizer.csv")
    assert set(table["loop"]) == set(SYNTHESIZER_LOOPS)
    assert (tmp_path / "adult-synthesizer.png").stat().st_size > 0
    out = capsys.readouterr().out
    assert "adult-synthesizer: done" in out and "category_coverage" in out
