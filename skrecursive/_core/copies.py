"""Copies of the base model and of random streams, for the generation loop.

Every generation fits a new unfitted copy of the base model
(:func:`unfitted_copies`, cheaper than ``clone`` on each call) whose
``random_state`` parameters get seeds drawn from the loop's stream
(:func:`random_state_keys`, :func:`reseed`); the loop works on a copy of its
stream (:func:`copy_rng`) so that a failure leaves the estimator's own stream
where it was.
"""

import copy

import numpy as np
from sklearn.base import BaseEstimator, clone

__all__ = ["random_state_keys", "reseed", "unfitted_copies", "copy_rng"]


def random_state_keys(estimator):
    """Names of every ``random_state`` parameter of ``estimator``, nested ones included."""
    return [k for k in estimator.get_params(deep=True) if k.split("__")[-1] == "random_state"]


def reseed(estimator, keys, rng):
    """Give the ``random_state`` parameters ``keys`` of ``estimator`` seeds drawn from ``rng``.

    Each generation's clone then draws differently, yet the whole loop stays a
    function of the meta-estimator's own ``random_state`` (as in bagging).
    """
    if keys:
        seeds = {k: int(rng.randint(np.iinfo(np.int32).max)) for k in keys}
        if type(estimator).set_params is BaseEstimator.set_params and not any(
            "__" in k for k in keys
        ):
            # what BaseEstimator.set_params does for top-level names, without its
            # get_params(deep=True) call (a measurable share of a small model's fit)
            for key, seed in seeds.items():
                setattr(estimator, key, seed)
        else:
            estimator.set_params(**seeds)
    return estimator


_IMMUTABLE = (str, bytes, bool, int, float, complex, type(None))


def unfitted_copies(base):
    """A function returning a new unfitted copy of ``base`` at each call.

    ``clone`` runs once; later copies are copies of that first clone, which is
    what ``clone`` would give (same class, same parameters, nothing fitted) at
    a fraction of the cost: a new instance sharing the parameters when every
    one of them is an immutable scalar, a deep copy otherwise. Models that
    customise cloning (``__sklearn_clone__``) are cloned every time.
    """
    prototype = clone(base)
    cls = type(prototype)
    if not isinstance(prototype, BaseEstimator) or (
        cls.__sklearn_clone__ is not BaseEstimator.__sklearn_clone__
    ):
        return lambda: clone(base)
    if all(type(v) in _IMMUTABLE for v in vars(prototype).values()):
        state = vars(prototype)

        def shallow():
            new = cls.__new__(cls)
            new.__dict__.update(state)
            return new

        return shallow
    return lambda: copy.deepcopy(prototype)


def copy_rng(rng):
    """An independent RandomState at the same point of the stream as ``rng``."""
    copy = np.random.RandomState()
    copy.set_state(rng.get_state())
    return copy
