"""Exact Cramer-von Mises error of weighted empirical distribution functions.

For a weighted empirical CDF ``F_t`` with atoms ``x_1 <= ... <= x_N`` and a
continuous reference CDF ``F``, substitute ``u = F(x)``: the error
``int (F_t - F)^2 dF`` becomes ``int_0^1 (G(u) - u)^2 du`` with ``G`` the step
function jumping by ``weight_i`` at ``u_i = F(x_i)``. Between two consecutive
atoms ``G`` is the constant cumulative weight ``c_i``, so the integral is the
exact finite sum

    sum_{i=0}^{N} [(u_{i+1} - c_i)^3 - (u_i - c_i)^3] / 3,

with ``u_0 = 0``, ``u_{N+1} = 1``, ``c_0 = 0``; summed by parts it is
``1/3 + sum_j wt_j u_j (u_j - c_j - c_{j-1})``, which is what is computed.
Only the reference CDF values of the atoms are needed; ties (resampled atoms)
give empty intervals and need no special care. Used by the ECDF engine of
:mod:`skrecursive.simulation` (batched) and by
:func:`skrecursive.metrics.cramer_von_mises` (one distribution).
"""

import numpy as np

__all__ = ["cramer_von_mises_batch", "cramer_von_mises_samples", "weighted_ecdf"]


def cramer_von_mises_batch(atoms, weights=None, cdf=None, *, assume_sorted=False):
    """Exact ``int (F_t - F)^2 dF`` for a batch of weighted empirical CDFs.

    Parameters
    ----------
    atoms : array-like of shape (..., n_atoms)
        The atoms of each sample along the last axis (any order unless
        ``assume_sorted``); with ``cdf=None`` they must already be reference
        CDF values ``F(x_i)`` in ``[0, 1]`` (e.g. uniform data).
    weights : array-like of shape (..., n_atoms) or (n_atoms,), default=None
        Non-negative atom weights, normalised to sum to one along the last
        axis; None gives every atom ``1 / n_atoms`` (the plain empirical CDF).
    cdf : callable, default=None
        The continuous reference CDF ``F`` (vectorised, e.g.
        ``scipy.stats.norm.cdf``), applied to ``atoms``; None means the atoms
        are reference CDF values already.
    assume_sorted : bool, default=False
        Skip sorting when the atoms are already sorted along the last axis
        (``weights`` then refer to the sorted order).

    Returns
    -------
    error : ndarray of shape (...)
        The Cramer-von Mises distance of every sample, ``int (F_t - F)^2 dF``
        (the classical statistic divided by the sample size).

    Examples
    --------
    One atom at the median: ``int_0^1 (1{u >= 1/2} - u)^2 du = 1/12``.

    >>> from scipy.stats import norm
    >>> from skrecursive.simulation import cramer_von_mises_batch
    >>> round(float(cramer_von_mises_batch([0.0], cdf=norm.cdf)), 6)
    0.083333

    A batch of two samples, the second with weights:

    >>> cramer_von_mises_batch([[0.1, 0.9], [0.1, 0.9]], [[1, 1], [3, 1]]).round(4)
    array([0.0433, 0.0933])
    """
    if cdf is not None:
        atoms = cdf(np.asarray(atoms, dtype=float))
    u = np.asarray(atoms, dtype=float)
    if u.ndim == 0:
        u = u[None]
    if weights is None:
        if not assume_sorted:
            u = np.sort(u, axis=-1)
        wt = np.full(u.shape, 1.0 / u.shape[-1])
    else:
        wt = np.broadcast_to(np.asarray(weights, dtype=float), u.shape)
        if not assume_sorted:
            order = np.argsort(u, axis=-1, kind="stable")
            u = np.take_along_axis(u, order, axis=-1)
            wt = np.take_along_axis(wt, order, axis=-1)
        wt = wt / wt.sum(axis=-1, keepdims=True)
    return cvm_sorted(u, wt)


def cvm_sorted(u, wt):
    """The exact error for sorted ``u`` and atom weights ``wt`` summing to one.

    Summing the interval terms by parts gives the single pass
    ``1/3 + sum_j wt_j u_j (u_j - c_j - c_{j-1})`` with ``c_j`` the cumulative
    weights (``c_{j-1} = c_j - wt_j``): no cubes, no shifted copies.
    """
    c = np.cumsum(wt, axis=-1)
    s = u + wt
    s -= c
    s -= c
    return 1.0 / 3.0 + np.einsum("...n,...n,...n->...", wt, u, s)


def weighted_ecdf(atoms, weights, X, sorted_first=None, cum_first=None):
    """``sum_i weights_i * 1[atoms_i <= x]`` (componentwise) for every row ``x`` of ``X``.

    One column uses a sorted search; several columns compare in blocks.
    """
    if atoms.shape[1] == 1:
        if sorted_first is None:
            order = np.argsort(atoms[:, 0], kind="stable")
            sorted_first, cum_first = atoms[order, 0], np.cumsum(weights[order])
        pos = np.searchsorted(sorted_first, X[:, 0], side="right")
        return np.where(pos > 0, cum_first[np.maximum(pos - 1, 0)], 0.0).clip(0.0, 1.0)
    out = np.empty(X.shape[0])
    block = max(1, 2_000_000 // max(1, atoms.size))
    for start in range(0, X.shape[0], block):
        below = np.all(atoms[None, :, :] <= X[start : start + block, None, :], axis=2)
        out[start : start + block] = below @ weights
    return out.clip(0.0, 1.0)


def cramer_von_mises_samples(atoms, weights, reference):
    """``integral (F - F_ref)^2 dF_ref`` for a weighted empirical ``F`` and reference samples.

    ``F_ref`` is the empirical distribution function of the rows of
    ``reference``, so the integral is the mean over those rows of the squared
    difference (componentwise order ``<=`` in several dimensions).
    """
    F_model = weighted_ecdf(atoms, weights, reference)
    F_ref = weighted_ecdf(reference, np.full(reference.shape[0], 1.0 / reference.shape[0]),
                          reference)
    return float(np.mean((F_model - F_ref) ** 2))
