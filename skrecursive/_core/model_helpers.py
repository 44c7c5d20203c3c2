"""What the density models and the synthesizers of rows share.

The checks every ``fit`` and ``sample`` starts with, weighted level frequencies,
and the ``score_samples`` stand-in of a model without a density.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import (
    Interval,
    InvalidParameterError,
    array_bytes,
    check_memory,
    check_sample_weight,
    checked_random_state,
)


def weights_or_ones(sample_weight, n_samples):
    """Validated weights (see :func:`check_sample_weight`); None means all ones."""
    sw = check_sample_weight(sample_weight, n_samples)
    return np.ones(n_samples) if sw is None else sw


#: arrays of the output's size a ``sample`` call holds at once (draws, mapped
#: values, the output): an upper estimate for the memory check
_SAMPLE_COPIES = 4


def sampling_start(estimator, n_samples, random_state):
    """The checks every ``sample`` starts with: ``(n_samples as int, RandomState)``.

    ``n_samples`` rows whose arrays cannot fit in memory are refused before
    anything is drawn, as ``fit`` refuses sizes it cannot hold.
    """
    check_is_fitted(estimator)
    method = f"{type(estimator).__name__}.sample"
    if not Interval(Integral, 1, None, closed="left").is_satisfied_by(n_samples):
        raise InvalidParameterError(
            f"The 'n_samples' parameter of {method} must be an int "
            f"in the range [1, inf). Got {n_samples!r} instead."
        )
    rng = checked_random_state(random_state, method)
    n_features = getattr(estimator, "n_features_in_", 1)
    check_memory(array_bytes(n_samples, n_features, _SAMPLE_COPIES),
                 f"{method}(n_samples={n_samples}) with {n_features} feature(s)")
    return int(n_samples), rng


def check_frame(estimator, X, *, reset):
    """Check a DataFrame's columns (names, count) and refuse one without rows or columns."""
    validate_data(estimator, X, reset=reset, skip_check_array=True)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"Found array with shape {X.shape}: {type(estimator).__name__} needs at least "
            "one row and one column."
        )


def smoothed_frequencies(codes, weights, n_levels, alpha, total):
    """Weighted level frequencies with additive (Laplace) smoothing.

    ``(count_j + alpha) / (total + alpha K)``, where ``count_j`` is the weight
    of the rows whose code is ``j`` (codes in ``range(n_levels)``, ``K =
    n_levels``) and ``total`` the rows' total weight.
    """
    counts = np.bincount(codes, weights=weights, minlength=n_levels)
    return (counts + alpha) / (total + alpha * n_levels)


class NoDensityError(AttributeError, TypeError):
    """Raised on ``score_samples`` of a model without a density.

    It is an ``AttributeError`` (so ``hasattr(model, "score_samples")`` is
    False and meta-estimators do not offer the method) and a ``TypeError``.
    """


#: the end of the ``score_samples`` error of a synthesizer of tables (no density; its
#: ``score`` is a fidelity to the rows scored)
FIDELITY_INSTEAD = (
    "it is a synthesizer of rows. Measure its fidelity to rows X with "
    "score(X) (the negated sum of skrecursive.metrics.marginal_distance and "
    "skrecursive.metrics.association_distance, greater is better), or with those two "
    "functions separately."
)


class NoDensity:
    """Descriptor standing in for ``score_samples`` on a model without a density.

    Parameters
    ----------
    why : str
        What the model is instead and how to measure it, ending the message
        (each model says what its own ``score`` is and which methods it has).
    """

    def __init__(self, why):
        self.why = why

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        raise NoDensityError(
            f"{type(obj).__name__} has no density, so score_samples is undefined: {self.why}"
        )
