"""The Gaussian copula's correlation math, on margins given as level probabilities.

Normal scores of a discrete margin, their weighted correlation, the latent
normal correlation that reproduces a normal-score correlation when sampled
(a Hermite series solved by safeguarded Newton steps), and the factor that
samples a possibly singular correlation exactly. Used by
:class:`~skrecursive.GaussianCopula`.
"""

import numpy as np
from scipy import special


def normal_scores(probabilities):
    """Normal scores of the levels of a discrete margin.

    ``Phi^{-1}`` of the mid-point ``F(x_j-) + p_j / 2`` of each level's step of
    the cumulative distribution, so ties and categories get the average
    normal score of the stretch of ``(0, 1)`` they occupy. A level of
    probability 0 gets the score of its (empty) position, which may be
    infinite; no row with positive weight is ever there.

    Parameters
    ----------
    probabilities : array-like of shape (n_levels,)
        Level probabilities in the margin's order (summing to 1).

    Returns
    -------
    scores : ndarray of shape (n_levels,)

    Examples
    --------
    >>> from skrecursive._core.copula_math import normal_scores
    >>> normal_scores([0.5, 0.5]).round(4)
    array([-0.6745,  0.6745])
    """
    p = np.asarray(probabilities, dtype=float)
    mid = np.cumsum(p) - p / 2.0
    return special.ndtri(np.clip(mid, 0.0, 1.0))


def weighted_correlation(scores, weights):
    """Weighted Pearson correlation of the columns of ``scores``; a constant column gets 0."""
    w = weights / weights.sum()
    centred = scores - w @ scores
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    positive = sd > 0
    scale = np.where(positive, sd, 1.0)
    corr = cov / np.outer(scale, scale)
    corr[~positive, :] = 0.0
    corr[:, ~positive] = 0.0
    corr = np.clip(corr, -1.0, 1.0)
    np.fill_diagonal(corr, 1.0)
    return corr


#: terms of the Hermite series of :func:`latent_correlation`
_HERMITE_TERMS = 40


def _hermite_coefficients(probabilities, n_terms=_HERMITE_TERMS):
    """Normalised Hermite coefficients and standard deviation of a margin's score function.

    With ``Z ~ N(0, 1)``, the normal score of the level that ``Z`` falls in
    is a step function ``g(Z)`` jumping by ``ds_i`` at the cut points
    ``c_i = Phi^{-1}(F_i)``. Since ``E[1{Z > c} He_k(Z)] = phi(c) He_{k-1}(c)``,
    its coefficients on the orthonormal Hermite polynomials
    ``He_k / sqrt(k!)`` are ``a_k = sum_i ds_i phi(c_i) He_{k-1}(c_i) / sqrt(k!)``,
    and ``Cov(g_1(Z_1), g_2(Z_2)) = sum_k rho^k a_k b_k`` for ``corr(Z_1, Z_2) = rho``.
    """
    p = np.asarray(probabilities, dtype=float)
    p = p[p > 0]
    s = normal_scores(p)
    sd = float(np.sqrt(max(np.sum(p * s**2) - np.sum(p * s) ** 2, 0.0)))
    coef = np.zeros(n_terms)
    if len(p) < 2:
        return coef, 0.0
    cut = special.ndtri(np.clip(np.cumsum(p)[:-1], 0.0, 1.0))
    jump = np.diff(s) * np.exp(-0.5 * cut**2) / np.sqrt(2 * np.pi)
    hermite = np.empty((n_terms, len(cut)))  # orthonormal He_0 .. He_{n_terms - 1} at the cuts
    hermite[0] = 1.0
    if n_terms > 1:
        hermite[1] = cut
    for k in range(2, n_terms):
        hermite[k] = (cut * hermite[k - 1] - np.sqrt(k - 1) * hermite[k - 2]) / np.sqrt(k)
    return hermite @ jump / np.sqrt(np.arange(1, n_terms + 1)), sd


def latent_correlation(correlation, probabilities):
    """Normal correlation whose sampled rows have normal-score correlation ``correlation``.

    For every pair, solve ``sum_k rho^k a_k b_k / (sd_a sd_b) = correlation``
    for ``rho`` in [-1, 1] by safeguarded Newton steps (the map is the normal-score
    correlation of rows drawn with latent correlation ``rho``; targets
    outside its range are clipped to -1 or 1).
    """
    coefs, sds = zip(*(_hermite_coefficients(p) for p in probabilities), strict=True)
    coefs, sds = np.array(coefs), np.array(sds)
    p = len(sds)
    latent = np.eye(p)
    i, j = np.triu_indices(p, k=1)
    ok = (sds[i] > 0) & (sds[j] > 0)
    i, j = i[ok], j[ok]
    if not len(i):
        return latent
    products = coefs[i] * coefs[j] / (sds[i] * sds[j])[:, None]
    powers = np.arange(1, coefs.shape[1] + 1)
    target = correlation[i, j]
    # Newton's method kept inside a shrinking bracket [lo, hi] (bisection when it leaves it)
    lo, hi = -np.ones(len(i)), np.ones(len(i))
    rho = np.clip(target, -1.0, 1.0)
    for _ in range(100):
        pw = rho[:, None] ** (powers - 1)
        value = (products * pw * rho[:, None]).sum(axis=1) - target
        slope = (products * pw * powers).sum(axis=1)
        hi, lo = np.where(value > 0, rho, hi), np.where(value > 0, lo, rho)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = rho - value / slope
        inside = np.isfinite(step) & (step > lo) & (step < hi)
        new = np.where(inside, step, (lo + hi) / 2)
        if np.all(np.abs(new - rho) < 1e-13):
            rho = new
            break
        rho = new
    latent[i, j] = latent[j, i] = rho
    return latent


def sampling_factor(corr):
    """A matrix ``L`` with ``L L^T`` the nearest valid correlation to ``corr``.

    Eigenvalues below zero (rounding errors of a singular matrix, e.g. two
    perfectly dependent columns) are set to zero and the diagonal is rescaled
    to one, so a singular correlation is sampled exactly, without inverting it.
    """
    values, vectors = np.linalg.eigh((corr + corr.T) / 2.0)
    factor = vectors * np.sqrt(np.clip(values, 0.0, None))
    norms = np.sqrt((factor**2).sum(axis=1))
    return factor / np.where(norms > 0, norms, 1.0)[:, None]
