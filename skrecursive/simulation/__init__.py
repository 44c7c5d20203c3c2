"""Fast vectorised simulation engines for the paper's synthetic settings.

:func:`simulate` runs the weighted "fresh data" recursion of He, Xu & Cheng
(2026, doi:10.1093/jrsssb/qkag099) for Gaussian moments, linear, logistic and
Poisson regression, the empirical CDF and categorical frequencies, advancing
all Monte Carlo repeats of a cell together as arrays and spreading chunks of
repeats over joblib workers (a Dask cluster through
``joblib.parallel_config(backend="dask")``) with bit-identical results.
These engines are the one deliberate exception to "one generation loop":
tests check them against the meta-estimators and against the theory.
"""

from .._utils.cvm import cramer_von_mises_batch

# The Adult engines, re-exported for the layers above (the reproduce functions and the
# command wrap them): the package's own names, not public API, hence not in __all__.
from ._adult_engines import ADULT_CATEGORICAL_COLUMNS as ADULT_CATEGORICAL_COLUMNS
from ._adult_engines import ADULT_LOGISTIC_FEATURES as ADULT_LOGISTIC_FEATURES
from ._adult_engines import PAPER_WEIGHTS as PAPER_WEIGHTS
from ._adult_engines import run_adult_categorical as run_adult_categorical
from ._adult_engines import run_adult_logistic as run_adult_logistic
from ._constants import error_constant
from ._simulate import SETTINGS, simulate

__all__ = ["simulate", "SETTINGS", "error_constant", "cramer_von_mises_batch"]

