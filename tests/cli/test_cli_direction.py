"""The commands that print scores say which way is better, in their columns and in words."""

import functools

import pandas as pd

from skrecursive import cli


def test_adult_synthesizer_columns_and_summary_say_which_way_is_better(
        tmp_path, capsys, monkeypatch):
    from skrecursive import reproduce

    small = functools.partial(reproduce.adult_synthesizer, n_real=100, n_generations=1,
                              n_validation=300, loops=["w=0", "w*"])
    monkeypatch.setattr(reproduce, "adult_synthesizer", small)
    assert cli.main(["reproduce", "adult-synthesizer", "--repeats", "1", "--jobs", "1",
                     "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "adult-synthesizer.csv")
    metrics = ["marginal_distance", "association_distance", "category_coverage",
               "utility_accuracy"]
    assert list(table.columns[-4:]) == metrics
    # the CSV holds the distances themselves (not the scores the loop records)
    assert (table[["marginal_distance", "association_distance"]] >= 0).all().all()
    assert table[["category_coverage", "utility_accuracy"]].apply(
        lambda c: c.between(0, 1)).all().all()
    out = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(out) if line.lstrip().startswith("loop"))
    assert all(name in out[header] for name in metrics)
    assert ("lower is better: marginal_distance, association_distance; higher is better: "
            "category_coverage, utility_accuracy") in out[header + 1:]
