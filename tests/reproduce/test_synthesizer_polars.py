"""The synthesis experiment's loop and metrics on a polars Adult table: native all the way
through, with the same numbers as on the pandas table."""

import numpy as np
import pandas as pd
import pytest

from skrecursive import GaussianCopula, RecursiveDensityEstimator, TreeSynthesizer
from skrecursive.datasets import load_adult
from skrecursive.reproduce._synthesizer import _HeldOutScorers

pl = pytest.importorskip("polars")


def _polars(frame):
    """The pandas Adult frame as polars (enum columns with the same categories), no pyarrow."""
    columns = {}
    for name, col in frame.items():
        if isinstance(col.dtype, pd.CategoricalDtype):
            columns[name] = pl.Series(name, col.astype(object).tolist(),
                                      dtype=pl.Enum(list(col.cat.categories)))
        else:
            columns[name] = pl.Series(name, col.to_numpy())
    return pl.DataFrame(columns)


@pytest.mark.parametrize("synthesizer", [GaussianCopula(), TreeSynthesizer(random_state=0)],
                         ids=["copula", "tree"])
def test_experiment_on_polars_matches_pandas(synthesizer):
    adult = load_adult().frame.sample(3000, random_state=0).reset_index(drop=True)
    results = {}
    for kind, table in (("pandas", adult), ("polars", _polars(adult))):
        loop = RecursiveDensityEstimator(
            synthesizer, n_generations=2, n_real=300, validation_fraction=0.2,
            scoring=_HeldOutScorers(300, np.random.RandomState(0)).scoring(), random_state=0,
        ).fit(table)
        results[kind] = loop.history_
        rows = loop.sample(50, random_state=0)
        assert isinstance(rows, type(table))
        if kind == "polars":
            assert rows.schema == table.schema
    for metric in ("marginal_distance", "association_distance", "category_coverage",
                   "utility_accuracy"):
        np.testing.assert_allclose(results["polars"][f"score_{metric}"],
                                   results["pandas"][f"score_{metric}"], rtol=1e-12)
