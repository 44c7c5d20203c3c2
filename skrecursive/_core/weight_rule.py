"""The weight rule: how a ``weight`` parameter becomes the total weight on the real rows.

Every entry point that takes a weight (the meta-estimators' ``weight``,
:func:`~skrecursive.simulation.simulate`, :func:`~skrecursive.weight_curve`,
the Adult experiments) checks it with :data:`WEIGHT` and turns it into a number
with :func:`resolve_weight`; :mod:`skrecursive.theory` re-exports
:func:`optimal_weight` and :func:`naive_weight`. How that number and the user's
row weights become per-row sample weights is :mod:`skrecursive._core.weights`.

A weight is a float in ``[0, 1]`` or the name of a rule, a function of the
ratio ``k`` of real to synthetic rows per generation:

* ``"optimal"``: ``w*(k) = (sqrt(k^2 + 4k) - k) / 2``, the minimiser of the
  limiting risk (He, Xu & Cheng 2026, doi:10.1093/jrsssb/qkag099);
* ``"naive"``: ``k / (1 + k)``, what plain pooling of the rows gives.

The ratio the rules read is :func:`real_to_synthetic_ratio`. With unequal
row weights the real part of a batch is a weighted mean of its rows, noisier
than ``n`` equally weighted rows by Kish's design effect
(:func:`design_effect`), so ``"optimal"`` reads the *effective* ratio
:func:`effective_ratio`, ``k`` divided by the design effect; ``"naive"``
(plain pooling, every row weight one) keeps ``k``. Equal weights have design
effect exactly 1, so they give exactly ``w*(k)``.
"""

from numbers import Real

import numpy as np

from .._utils.validation import ArrayOf, Interval, Options, check_args

__all__ = [
    "WEIGHT",
    "WEIGHT_RULES",
    "optimal_weight",
    "naive_weight",
    "resolve_weight",
    "real_to_synthetic_ratio",
    "design_effect",
    "effective_ratio",
]

#: the ``k`` argument of the rules: a positive number or an array of them
RATIO = [ArrayOf(Interval(Real, 0, None, closed="neither"))]


def scalar_or_array(x):
    """A float for a 0-d result, the array otherwise (the rules' return convention)."""
    return float(x) if np.ndim(x) == 0 else x


# ---------------------------------------------------------------- the rules of k
def optimal_weight(k):
    """Weight on the real data that minimises the limiting risk.

    ``w*(k) = (sqrt(k^2 + 4k) - k) / 2``, the positive root of
    ``w^2 + k w - k = 0`` (He, Xu & Cheng 2026, doi:10.1093/jrsssb/qkag099).
    At ``k = 1`` it is ``1 / phi``, the reciprocal of the golden ratio.

    Parameters
    ----------
    k : float or array-like of float
        Ratio of fresh real rows to synthetic rows per generation, ``n / m``;
        must be > 0.

    Returns
    -------
    w : float or ndarray
        Optimal total weight on the real rows, in ``(0, 1)``; a float for a
        scalar ``k``, otherwise an array of the broadcast shape.

    See Also
    --------
    naive_weight : the weight of plain pooling, ``k / (1 + k)``.
    limiting_risk : the risk this weight minimises; ``limiting_risk(w*, k) == w*``.

    Examples
    --------
    >>> from skrecursive import optimal_weight
    >>> round(optimal_weight(1.0), 4)
    0.618
    >>> optimal_weight([0.5, 2.0]).round(4)
    array([0.5   , 0.7321])
    """
    check_args("optimal_weight", {"k": RATIO}, locals())
    k = np.asarray(k, dtype=float)
    # (sqrt(k^2 + 4k) - k) / 2 rewritten as 2 sqrt(k) / (sqrt(k) + sqrt(k + 4)):
    # no cancellation for large k and no overflow of k^2 (or of 4 / k) at either
    # end of the float range, so w* -> 1 as k -> inf and w* ~ sqrt(k) as k -> 0.
    root = np.sqrt(k)
    w = 2.0 * root / (root + np.sqrt(k + 4.0))
    return scalar_or_array(w)


def naive_weight(k):
    """Weight on the real data implied by plain pooling, ``k / (1 + k)``.

    Giving every row weight one puts total mass ``n / (n + m)`` on the real
    rows; this is the baseline the optimal weight improves on.

    Parameters
    ----------
    k : float or array-like of float
        Ratio of fresh real rows to synthetic rows per generation, > 0.

    Returns
    -------
    w : float or ndarray
        ``k / (1 + k)``.

    Examples
    --------
    >>> from skrecursive import naive_weight
    >>> naive_weight(1.0)
    0.5
    >>> naive_weight([0.1, 2.0]).round(4)
    array([0.0909, 0.6667])
    """
    check_args("naive_weight", {"k": RATIO}, locals())
    k = np.asarray(k, dtype=float)
    return scalar_or_array(k / (1.0 + k))


#: name -> rule ``k -> w``: the named values of a ``weight`` parameter
WEIGHT_RULES = {"optimal": optimal_weight, "naive": naive_weight}


# ------------------------------------------------------------------ the ratio k
def real_to_synthetic_ratio(n_real, n_synthetic):
    """The ratio ``k`` the rules read: real rows per synthetic row of a generation.

    Parameters
    ----------
    n_real, n_synthetic : int
        Real and synthetic rows per generation.

    Returns
    -------
    k : float
        ``n_real / n_synthetic``.
    """
    # the nominal ratio; unequal row weights enter through effective_ratio
    return n_real / n_synthetic


def design_effect(sample_weight):
    """Kish's design effect of row weights: ``N sum(u^2) / sum(u)^2`` (private).

    1 for equal weights (exactly) or None; larger the more unequal the weights.
    See :func:`skrecursive.theory.effective_k`, which documents it.
    """
    if sample_weight is None:
        return 1.0
    u = np.asarray(sample_weight, dtype=float)
    if u.size == 0 or np.all(u == u.flat[0]):
        return 1.0
    # scaled by the largest weight first: no overflow or underflow of the squares
    u = u / np.max(u)
    return float(u.size * np.sum(u * u) / np.sum(u) ** 2)


def effective_ratio(k, sample_weight):
    """``k`` over the design effect of the real rows' ``sample_weight`` (private).

    See :func:`skrecursive.theory.effective_k`, which documents it.
    """
    return k / design_effect(sample_weight)


# ------------------------------------------------------- checking and resolving
class _WeightConstraint:
    """One weight: a float in ``[0, 1]`` (:attr:`number`) or a rule's name (:attr:`rule`).

    A constraint in the sense of :func:`~skrecursive._utils.validation.check_params`;
    entry points that take several weights build on its two parts (e.g.
    ``ListOf(WEIGHT.number)``), so every one of them accepts the same values.
    """

    number = Interval(Real, 0, 1, closed="both")
    rule = Options(*WEIGHT_RULES)

    def is_satisfied_by(self, value):
        return self.number.is_satisfied_by(value) or self.rule.is_satisfied_by(value)

    def __str__(self):
        return f"{self.number} or {self.rule}"


#: the constraint of one ``weight`` value, shared by every entry point
WEIGHT = _WeightConstraint()


def resolve_weight(weight, k, *, effective_k=None):
    """Total weight on the real rows for a ``weight`` value and ratio ``k``.

    Parameters
    ----------
    weight : {"optimal", "naive"} or float in [0, 1]
        A value :data:`WEIGHT` accepts: a rule's name is evaluated at ``k``
        (``"optimal"`` at ``effective_k``), a number is the weight itself.
    k : float
        Real rows per synthetic row, ``n / m`` (:func:`real_to_synthetic_ratio`).
    effective_k : float, default=None
        ``k`` discounted for unequal row weights (:func:`effective_ratio`);
        None means ``k`` (equal weights).

    Returns
    -------
    w : float

    Examples
    --------
    >>> from skrecursive._core.weight_rule import resolve_weight
    >>> round(resolve_weight("optimal", 1.0), 4), resolve_weight("naive", 1.0)
    (0.618, 0.5)
    >>> resolve_weight(0.25, 1.0)
    0.25
    >>> resolve_weight("optimal", 1.0, effective_k=0.5)  # w*(0.5)
    0.5
    """
    if isinstance(weight, str):
        if weight == "optimal" and effective_k is not None:
            return optimal_weight(effective_k)
        return WEIGHT_RULES[weight](k)
    return float(weight)
