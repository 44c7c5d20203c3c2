"""Vectorised engines: all Monte Carlo repeats of one (setting, k, w) cell at once.

Each engine advances ``R`` independent repeats of the "fresh data" recursion
(user guide, recursion page) together and returns the error of every repeat at every
generation. Engines draw the data from exactly the laws the recursion
prescribes; where a fit depends on the data only through low-dimensional
sufficient statistics, the engine draws those statistics directly from their
exact joint law instead of drawing the rows (same distribution of every
estimate, a fraction of the random numbers):

* Gaussian: the sample mean ``N(mu, Sigma / n)`` and the scatter matrix
  ``Wishart(n - 1, Sigma)`` (Bartlett decomposition), independent;
* linear regression with ``N(0, v I)`` covariates and ``N(0, 1)`` noise: the
  Gram matrix ``X'X ~ Wishart(n, v I)`` and ``X'e | X ~ N(0, X'X)``;
* categorical: the cell counts ``Multinomial(n, p)``.

Logistic and Poisson regression have no such statistics: their engines draw
every row and fit all repeats by batched Newton iterations. The empirical CDF
engine resamples the atoms themselves.

Every engine also runs the other loops of the model-collapse literature,
selected by ``strategy`` (the definitions of the meta-estimators'
``strategy`` parameter): ``"replace"`` fits on the ``m`` synthetic rows
only after generation 0 (the ``w = 0`` recursion, ``w`` ignored);
``"accumulate"`` fits on generation 0's real rows and every synthetic row so
far with equal weights (``w`` ignored; the engines keep everything, no cap:
sufficient statistics are summed, the row-level engines keep the rows);
``"fixed-real"`` reuses generation 0's real rows (or statistics) every
generation with weight ``w`` beside ``m`` new synthetic rows.

Every engine has the signature
``engine(rng, n_repeats, n, m, p, w, n_generations, variance, strategy="fresh")`` and returns a
dict mapping each setting it serves to ``(errors, failed)``: ``errors`` of
shape ``(n_repeats, n_generations)`` (NaN once a repeat has failed) and
``failed``, a boolean array of shape ``(n_repeats,)``.
"""

import numpy as np

from .._utils.cvm import _cvm_sorted
from ._glm import newton_glm

__all__ = ["ENGINES", "FAMILY", "CATEGORICAL_PROBABILITIES"]

#: Cell probabilities of the categorical setting (K = 5 cells).
CATEGORICAL_PROBABILITIES = np.array([0.1, 0.15, 0.2, 0.25, 0.3])

#: Standard deviation of the regression noise of the linear setting.
LINEAR_NOISE_SD = 1.0

# |x'b| above which a fit is treated as diverged (logistic probabilities
# within 1e-13 of 0 or 1, Poisson means beyond 1e13)
_ETA_MAX = 30.0


def _bartlett(rng, df, size, p):
    """Lower-triangular ``B`` with ``B B' ~ Wishart(df, I_p)``, shape ``(size, p, p)``."""
    B = np.zeros((size, p, p))
    diag = np.sqrt(rng.chisquare(df - np.arange(p), size=(size, p)))
    B[:, np.arange(p), np.arange(p)] = diag
    if p > 1:
        rows, cols = np.tril_indices(p, -1)
        B[:, rows, cols] = rng.standard_normal((size, rows.size))
    return B


def _outer(L):
    return L @ L.transpose(0, 2, 1)


def gaussian(rng, R, n, m, p, w, T, variance, strategy="fresh"):
    """Mean and covariance of ``N(0, variance I_p)`` combined by moments (ddof=1)."""
    if strategy == "accumulate":
        return _gaussian_accumulate(rng, R, n, m, p, T, variance)
    fixed = strategy == "fixed-real"
    sd = np.sqrt(variance)
    target = variance * np.eye(p)
    err_mean = np.empty((R, T))
    err_cov = np.empty((R, T))

    def real_moments():
        mean = sd * rng.standard_normal((R, p)) / np.sqrt(n)
        L = sd * _bartlett(rng, n - 1, R, p) / np.sqrt(n - 1)
        return mean, L

    mu, L = real_moments()
    first = mu, L  # generation 0's real moments, reused by "fixed-real"
    sigma = _outer(L)
    for t in range(T):
        if t > 0:
            if w < 1.0:
                syn_mean = mu + np.einsum("rij,rj->ri", L, rng.standard_normal((R, p))) / np.sqrt(m)
                L_syn = L @ (_bartlett(rng, m - 1, R, p) / np.sqrt(m - 1))
            if w == 0.0:
                mu, L = syn_mean, L_syn  # the product of Cholesky factors is one
                sigma = _outer(L)
            else:
                mean_r, L_r = first if fixed else real_moments()
                if w == 1.0:
                    mu, L = mean_r, L_r
                    sigma = _outer(L)
                else:
                    mu = w * mean_r + (1.0 - w) * syn_mean
                    sigma = w * _outer(L_r) + (1.0 - w) * _outer(L_syn)
                    L = np.linalg.cholesky(sigma)
        err_mean[:, t] = np.sum(mu * mu, axis=1)
        err_cov[:, t] = np.sum((sigma - target) ** 2, axis=(1, 2))
    ok = np.zeros(R, dtype=bool)
    return {"gaussian-mean": (err_mean, ok), "gaussian-covariance": (err_cov, ok.copy())}


def _gaussian_accumulate(rng, R, n, m, p, T, variance):
    """Pooled moments (ddof=1) of generation 0's rows and every synthetic block so far.

    The state is the row count ``N``, the sum of the rows and their sum of
    outer products; a block of ``m`` rows from ``N(mu, Sigma)`` adds
    ``m * mean`` and ``scatter + m * mean mean'``.
    """
    sd = np.sqrt(variance)
    target = variance * np.eye(p)
    err_mean = np.empty((R, T))
    err_cov = np.empty((R, T))
    mu = sd * rng.standard_normal((R, p)) / np.sqrt(n)
    L = sd * _bartlett(rng, n - 1, R, p) / np.sqrt(n - 1)
    sigma = _outer(L)
    count = n
    total = n * mu
    squares = (n - 1) * sigma + n * np.einsum("ri,rj->rij", mu, mu)
    for t in range(T):
        if t > 0:
            syn_mean = mu + np.einsum("rij,rj->ri", L, rng.standard_normal((R, p))) / np.sqrt(m)
            L_syn = L @ _bartlett(rng, m - 1, R, p)  # scatter of the block: L_syn L_syn'
            squares += _outer(L_syn) + m * np.einsum("ri,rj->rij", syn_mean, syn_mean)
            total += m * syn_mean
            count += m
            mu = total / count
            sigma = (squares - count * np.einsum("ri,rj->rij", mu, mu)) / (count - 1)
            L = np.linalg.cholesky(sigma)
        err_mean[:, t] = np.sum(mu * mu, axis=1)
        err_cov[:, t] = np.sum((sigma - target) ** 2, axis=(1, 2))
    ok = np.zeros(R, dtype=bool)
    return {"gaussian-mean": (err_mean, ok), "gaussian-covariance": (err_cov, ok.copy())}


def _tri_solve_t(B, z):
    """Solve ``B' x = z`` for a batch of lower-triangular ``B``."""
    return np.linalg.solve(B.transpose(0, 2, 1), z[..., None])[..., 0]


def linear(rng, R, n, m, p, w, T, variance, strategy="fresh"):
    """Weighted least squares, covariates ``N(0, variance I_p)``, noise ``N(0, 1)``.

    The state is ``d = b - beta``; the weighted normal equations divided by
    ``variance`` read ``(a Br Br' + c Bs Bs') d_t = a s Br z_r + c (Bs Bs' d_{t-1} + s Bs z_s)``
    with ``a = w / n``, ``c = (1 - w) / m``, ``s = sigma / sqrt(variance)`` and
    ``Br Br'``, ``Bs Bs'`` Wishart(n), Wishart(m) with identity scale. Synthetic
    responses use the known noise standard deviation, as in the paper.
    ``"fixed-real"`` keeps generation 0's ``Br, z_r``; ``"accumulate"`` sums
    the Gram matrices and ``X'y`` blocks of every fit so far.
    """
    s = LINEAR_NOISE_SD / np.sqrt(variance)
    err = np.empty((R, T))
    B0 = _bartlett(rng, n, R, p)
    z0 = rng.standard_normal((R, p))
    d = s * _tri_solve_t(B0, z0)
    err[:, 0] = np.sum(d * d, axis=1)
    if strategy == "accumulate":
        return _linear_accumulate(rng, R, m, p, T, s, B0, z0, err)
    fixed = strategy == "fixed-real"
    a, c = w / n, (1.0 - w) / m
    for t in range(1, T):
        if w == 0.0:
            d = d + s * _tri_solve_t(_bartlett(rng, m, R, p), rng.standard_normal((R, p)))
        elif w == 1.0:
            if not fixed:
                d = s * _tri_solve_t(_bartlett(rng, n, R, p), rng.standard_normal((R, p)))
        else:
            Bs = _bartlett(rng, m, R, p)
            zs = rng.standard_normal((R, p))
            if fixed:
                Br, zr = B0, z0
            else:
                Br = _bartlett(rng, n, R, p)
                zr = rng.standard_normal((R, p))
            As = _outer(Bs)
            lhs = a * _outer(Br) + c * As
            rhs = a * s * np.einsum("rij,rj->ri", Br, zr) + c * (
                np.einsum("rij,rj->ri", As, d) + s * np.einsum("rij,rj->ri", Bs, zs)
            )
            d = np.linalg.solve(lhs, rhs[..., None])[..., 0]
        err[:, t] = np.sum(d * d, axis=1)
    return {"linear": (err, np.zeros(R, dtype=bool))}


def _linear_accumulate(rng, R, m, p, T, s, B0, z0, err):
    """Unweighted least squares on all rows so far: ``G d_t = h`` with summed blocks.

    ``G = Br Br' + sum Bs Bs'`` and ``h = s Br z_r + sum (Bs Bs' d_{t-1} + s Bs z_s)``
    (the normal equations divided by ``variance``, as in :func:`linear`).
    """
    G = _outer(B0)
    h = s * np.einsum("rij,rj->ri", B0, z0)
    d = np.linalg.solve(G, h[..., None])[..., 0]
    for t in range(1, T):
        Bs = _bartlett(rng, m, R, p)
        zs = rng.standard_normal((R, p))
        As = _outer(Bs)
        G += As
        h += np.einsum("rij,rj->ri", As, d) + s * np.einsum("rij,rj->ri", Bs, zs)
        d = np.linalg.solve(G, h[..., None])[..., 0]
        err[:, t] = np.sum(d * d, axis=1)
    return {"linear": (err, np.zeros(R, dtype=bool))}


def _newton_small(X, y, s, b, family, tol=1e-5, max_iter=25):
    """Undamped batched Newton for a few features; columns ``X[j]`` of shape (R, N).

    Warm-started near the optimum, Newton converges quadratically: a last
    step below ``tol = 1e-5`` leaves an error of order ``1e-10``, far below
    any Monte Carlo precision (and below scikit-learn's default solver
    tolerances). Repeats that have converged drop out of the batch once they
    are the majority. Returns the coefficients and a mask of repeats that
    converged to finite values; the caller refits the others with the
    damped solver.
    """
    b_out = b.copy()
    done = np.zeros(b.shape[0], dtype=bool)
    idx = np.arange(b.shape[0])
    Xs = X if s is None else X * s  # weights folded into the columns once
    b = b_out
    for _ in range(max_iter):
        step = _newton_step(X, Xs, y, b, family)
        with np.errstate(invalid="ignore"):
            b = b - step
            size = np.max(np.abs(step), axis=1)
        b_out[idx] = b
        finished = (size < tol) | ~np.isfinite(size)
        done[idx[(size < tol) & np.isfinite(b).all(axis=1)]] = True
        if finished.all():
            break
        if finished.mean() > 0.5:  # shrink the batch to the repeats still running
            keep = ~finished
            idx, b = idx[keep], b[keep]
            X, Xs, y = X[:, keep], Xs[:, keep], y[keep]
    b_out[~done] = 0.0  # keep the returned values harmless; the caller refits these
    return b_out, done


def _newton_step(X, Xs, y, b, family):
    """One Newton step for every repeat (columns ``X[j]``, weighted columns ``Xs[j]``)."""
    p, R = X.shape[0], X.shape[1]
    H = np.empty((R, p, p))
    g = np.empty((R, p))
    with np.errstate(over="ignore", invalid="ignore"):
        eta = X[0] * b[:, 0, None]
        for j in range(1, p):
            eta += X[j] * b[:, j, None]
        if family == "logistic":
            # 1 / (1 + exp(-eta)): numpy's vectorised exp is several times faster
            # than scipy's expit; exp overflow gives 1 / inf = 0 exactly as expit
            mu = np.exp(-eta)
            mu += 1.0
            np.reciprocal(mu, out=mu)
            var = mu * (1.0 - mu)
        else:
            mu = np.exp(eta)
            var = mu
        resid = mu - y
        for j in range(p):
            g[:, j] = np.einsum("rn,rn->r", resid, Xs[j])
            for k in range(j, p):
                H[:, j, k] = H[:, k, j] = np.einsum("rn,rn,rn->r", var, Xs[j], X[k])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if p == 1:
            return g / H[:, 0]
        if p == 2:
            det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] ** 2
            step = np.empty_like(g)
            step[:, 0] = (H[:, 1, 1] * g[:, 0] - H[:, 0, 1] * g[:, 1]) / det
            step[:, 1] = (H[:, 0, 0] * g[:, 1] - H[:, 0, 1] * g[:, 0]) / det
            return step
        try:
            return np.linalg.solve(H, g[..., None])[..., 0]
        except np.linalg.LinAlgError:
            return np.full_like(g, np.nan)


def _fit_glm(X, y, s, b_start, family):
    """Fast path, then the damped solver on the repeats the fast path lost."""
    b, ok = _newton_small(X, y, s, b_start, family)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        coef, conv = newton_glm(
            X[:, bad].transpose(1, 2, 0), y[bad], s, family=family, fit_intercept=False,
            coef_init=b_start[bad],
        )
        b[bad] = coef
        ok[bad] = conv
    # a linear predictor beyond +-30 on a fitted row means (quasi-)separation or
    # divergence: the unpenalised optimum is at infinity or numerically meaningless
    with np.errstate(invalid="ignore", over="ignore"):
        eta = np.einsum("jrn,rj->rn", X, b)
        ok &= np.max(np.abs(eta), axis=1) <= _ETA_MAX
    return b, ok


def _glm(rng, R, n, m, p, w, T, variance, family, strategy="fresh"):
    sd = np.sqrt(variance)
    beta = np.ones(p)
    err = np.empty((R, T))
    failed = np.zeros(R, dtype=bool)

    def responses(eta):
        if family == "logistic":
            with np.errstate(over="ignore"):
                prob = 1.0 / (1.0 + np.exp(-eta))
            return (rng.random(eta.shape) < prob).astype(float)
        too_big = eta > _ETA_MAX
        if too_big.any():
            failed[too_big.any(axis=1)] = True
            eta = np.minimum(eta, _ETA_MAX)
        return rng.poisson(np.exp(eta)).astype(float)

    b = np.broadcast_to(beta, (R, p)).copy()
    kept = None  # generation 0's rows ("fixed-real"), or every row so far ("accumulate")
    for t in range(T):
        if t > 0 and strategy != "fresh":
            if strategy == "fixed-real" and w == 1.0:  # the fit never changes
                err[:, t] = err[:, t - 1]
                continue
            X_syn = rng.standard_normal((p, R, m))
            if sd != 1.0:
                X_syn *= sd
            y_syn = responses(np.einsum("rj,jrn->rn", b, X_syn))
            X = np.concatenate([kept[0], X_syn], axis=2)
            y = np.concatenate([kept[1], y_syn], axis=1)
            s = None
            if strategy == "accumulate":
                kept = X, y
            else:
                s = np.empty(n + m)
                s[:n] = w / n
                s[n:] = (1.0 - w) / m
                s *= n + m
            b, ok = _fit_glm(X, y, s, b, family)
            failed |= ~ok
            b[failed] = beta
            err[:, t] = np.sum((b - beta) ** 2, axis=1)
            err[failed, t] = np.nan
            continue
        n_real = n if (t == 0 or w > 0.0) else 0
        n_syn = m if (t > 0 and w < 1.0) else 0
        X = rng.standard_normal((p, R, n_real + n_syn))
        if sd != 1.0:
            X *= sd
        eta = np.empty((R, n_real + n_syn))
        if n_real:
            eta[:, :n_real] = np.tensordot(beta, X[:, :, :n_real], axes=1)
        if n_syn:
            eta[:, n_real:] = np.einsum("rj,jrn->rn", b, X[:, :, n_real:])
        y = responses(eta)
        s = None
        if n_real and n_syn:
            s = np.empty(n_real + n_syn)
            s[:n_real] = w / n_real
            s[n_real:] = (1.0 - w) / n_syn
            s *= (n_real + n_syn)  # rows weights of _weights.row_weights: same optimum
        b, ok = _fit_glm(X, y, s, b, family)
        failed |= ~ok
        b[failed] = beta  # keep sampling well defined; their errors are NaN
        err[:, t] = np.sum((b - beta) ** 2, axis=1)
        err[failed, t] = np.nan
        if t == 0:
            kept = X, y
    return {family: (err, failed)}


def logistic(rng, R, n, m, p, w, T, variance, strategy="fresh"):
    """Unpenalised logistic regression without intercept, ``beta = ones(p)``."""
    return _glm(rng, R, n, m, p, w, T, variance, "logistic", strategy)


def poisson(rng, R, n, m, p, w, T, variance, strategy="fresh"):
    """Unpenalised Poisson regression (log link) without intercept, ``beta = ones(p)``."""
    return _glm(rng, R, n, m, p, w, T, variance, "poisson", strategy)


_LOW_BIT = np.uint64(1)


def _weighted_cvm(pooled, n_real, w):
    """Exact CvM error of ``w F_real + (1 - w) F_syn`` from an unsorted pooled array.

    The real atoms (first ``n_real`` columns) carry a set lowest mantissa bit,
    the synthetic ones a cleared bit (a change of at most one unit in the last
    place), so one plain sort tells the two kinds apart afterwards.
    """
    N = pooled.shape[1]
    u = np.sort(pooled, axis=1)
    if n_real in (0, N):
        return _cvm_sorted(u, np.full(u.shape, 1.0 / N))
    is_real = (u.view(np.uint64) & _LOW_BIT).astype(bool)
    wt = np.where(is_real, w / n_real, (1.0 - w) / (N - n_real))
    return _cvm_sorted(u, wt)


def ecdf(rng, R, n, m, p, w, T, variance, strategy="fresh"):
    """Weighted empirical CDF of ``U(0, 1)`` data (the error is invariant under ``F``)."""
    err = np.empty((R, T))
    pooled = rng.random((R, n))
    n_real, w_real = n, 1.0  # composition of the current F_t
    err[:, 0] = _weighted_cvm(pooled, n_real, 1.0)
    if strategy == "accumulate":
        return _ecdf_accumulate(rng, R, m, T, pooled, err)
    fixed = strategy == "fixed-real"
    if fixed:  # generation 0's atoms, reused; their lowest bit marks them as real
        first = pooled.copy()
        first.view(np.uint64)[...] |= _LOW_BIT
    for t in range(1, T):
        if w == 1.0 and fixed:
            err[:, t] = err[:, 0]
            continue
        if w == 1.0:
            pooled = rng.random((R, n))
            err[:, t] = _weighted_cvm(pooled, n, 1.0)
            continue
        u = rng.random((R, m))
        n_syn_prev = pooled.shape[1] - n_real
        if w_real == 1.0:
            idx = (u * n_real).astype(np.intp)
        elif w_real == 0.0:
            idx = (u * n_syn_prev).astype(np.intp)
        else:
            idx = np.where(
                u < w_real,
                (u * (n_real / w_real)).astype(np.intp),
                n_real + ((u - w_real) * (n_syn_prev / (1.0 - w_real))).astype(np.intp),
            )
        np.minimum(idx, pooled.shape[1] - 1, out=idx)
        syn = np.take_along_axis(pooled, idx, axis=1)
        syn.view(np.uint64)[...] &= ~_LOW_BIT
        if w == 0.0:
            pooled, n_real, w_real = syn, 0, 0.0
        else:
            if fixed:
                real = first
            else:
                real = rng.random((R, n))
                real.view(np.uint64)[...] |= _LOW_BIT
            pooled, n_real, w_real = np.concatenate([real, syn], axis=1), n, w
        err[:, t] = _weighted_cvm(pooled, n_real, w_real)
    return {"ecdf": (err, np.zeros(R, dtype=bool))}


def _ecdf_accumulate(rng, R, m, T, pooled, err):
    """Equal-weight empirical CDF of all atoms so far; each block resamples the previous one."""
    for t in range(1, T):
        N = pooled.shape[1]
        idx = (rng.random((R, m)) * N).astype(np.intp)
        np.minimum(idx, N - 1, out=idx)
        pooled = np.concatenate([pooled, np.take_along_axis(pooled, idx, axis=1)], axis=1)
        err[:, t] = _weighted_cvm(pooled, N + m, 1.0)
    return {"ecdf": (err, np.zeros(R, dtype=bool))}


def categorical(rng, R, n, m, p, w, T, variance, strategy="fresh"):
    """Weighted cell frequencies of ``Multinomial(CATEGORICAL_PROBABILITIES)``; MSE over cells."""
    P = CATEGORICAL_PROBABILITIES
    err = np.empty((R, T))
    freq = rng.multinomial(n, P, size=R) / n
    first, counts = freq, freq * n  # "fixed-real" reuses first; "accumulate" sums counts
    err[:, 0] = np.mean((freq - P) ** 2, axis=1)
    for t in range(1, T):
        if strategy == "accumulate":
            counts = counts + rng.multinomial(m, freq)
            freq = counts / (n + t * m)
            err[:, t] = np.mean((freq - P) ** 2, axis=1)
            continue
        if w < 1.0:
            syn = rng.multinomial(m, freq) / m
        if w == 0.0:
            freq = syn
        else:
            real = first if strategy == "fixed-real" else rng.multinomial(n, P, size=R) / n
            freq = real if w == 1.0 else w * real + (1.0 - w) * syn
        err[:, t] = np.mean((freq - P) ** 2, axis=1)
    return {"categorical": (err, np.zeros(R, dtype=bool))}


#: setting -> engine family; the two Gaussian settings share one run.
FAMILY = {
    "gaussian-mean": "gaussian",
    "gaussian-covariance": "gaussian",
    "linear": "linear",
    "logistic": "logistic",
    "poisson": "poisson",
    "ecdf": "ecdf",
    "categorical": "categorical",
}

ENGINES = {
    "gaussian": gaussian,
    "linear": linear,
    "logistic": logistic,
    "poisson": poisson,
    "ecdf": ecdf,
    "categorical": categorical,
}
