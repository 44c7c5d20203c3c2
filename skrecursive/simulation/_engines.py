"""Vectorised engines: all Monte Carlo repeats of one (setting, k, w) cell at once.

Each engine advances ``R`` independent repeats of the recursion (user guide,
recursion page) together and returns the error of every repeat at every
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

Logistic and Poisson regression have no such statistics: their engine draws
every row and fits all repeats with the one batched Newton solver
(:func:`skrecursive.simulation._glm.newton_glm`), row weights from
:func:`skrecursive._core.weights.row_weights`. The empirical CDF engine
resamples the atoms themselves.

Strategies
----------
The loops come from the strategy registry
(:data:`skrecursive._core.strategies.STRATEGIES`). An engine runs a strategy
in its *engine form* (:meth:`Strategy.engine_form`: ``"replace"`` is the
fresh loop at ``w = 0``, and so is ``"fixed-real"`` at ``w = 0``) and
declares the strategies it implements in :data:`ENGINES`; asking an engine
for another one raises a ``ValueError`` naming both. Inside an engine the
strategy is read through its attributes only: ``fresh_real`` (a new real
batch every generation, weighted ``w``) and ``accumulates`` (generation 0's
real rows and every synthetic row so far, equally weighted, ``w`` ignored;
the engines keep everything, no cap: sufficient statistics are summed, the
row-level engines keep the rows); neither means generation 0's real rows (or
statistics) are reused every generation with weight ``w``.

Every engine has the signature
``engine(rng, n_repeats, n, m, p, w, n_fits, variance, strategy)`` (``n_fits``
is generation 0 plus the mixing generations) and returns a dict mapping each
setting it serves to ``(errors, failed)``: ``errors`` of shape
``(n_repeats, n_fits)`` (NaN once a repeat has failed) and ``failed``, a
boolean array of shape ``(n_repeats,)``. The logistic and Poisson engines
(``Engine.weights_at_once``) take every weight of a cell at once instead, an
array ``ws``, and add a weight axis: ``(n_repeats, len(ws), n_fits)`` and
``(n_repeats, len(ws))``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .._core.strategies import STRATEGIES, get_strategy
from .._core.weights import row_weights
from .._utils.cvm import cvm_sorted
from ._glm import newton_glm

__all__ = [
    "ENGINES", "FAMILY", "FAMILY_ORDER", "CATEGORICAL_PROBABILITIES", "Engine",
    "categorical_recursion",
]

#: Cell probabilities of the categorical setting (K = 5 cells).
CATEGORICAL_PROBABILITIES = np.array([0.1, 0.15, 0.2, 0.25, 0.3])

#: Standard deviation of the regression noise of the linear setting.
LINEAR_NOISE_SD = 1.0

# |x'b| above which a fit is treated as diverged (logistic probabilities
# within 1e-13 of 0 or 1, Poisson means beyond 1e13)
_ETA_MAX = 30.0

#: Precision of the logistic and Poisson coefficients (absolute; they are of
#: order one and their Monte Carlo spread is about 0.2 at n = 100 and 0.02 at
#: n = 10,000), so a perturbation of relative size 1e-4 or less of the errors,
#: far below any Monte Carlo precision. With newton_glm's stopping rule a fit
#: warm-started at the previous generation's coefficients stops after three
#: Newton steps in about 97 % of the repeats at n = m = 100.
GLM_TOL = 1e-5


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


def gaussian(rng, R, n, m, p, w, T, variance, strategy):
    """Mean and covariance of ``N(0, variance I_p)`` combined by moments (ddof=1)."""
    if strategy.accumulates:
        return _gaussian_accumulate(rng, R, n, m, p, T, variance)
    sd = np.sqrt(variance)
    target = variance * np.eye(p)
    err_mean = np.empty((R, T))
    err_cov = np.empty((R, T))

    def real_moments():
        mean = sd * rng.standard_normal((R, p)) / np.sqrt(n)
        L = sd * _bartlett(rng, n - 1, R, p) / np.sqrt(n - 1)
        return mean, L

    mu, L = real_moments()
    first = mu, L  # generation 0's real moments, reused unless fresh_real
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
                mean_r, L_r = real_moments() if strategy.fresh_real else first
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


def linear(rng, R, n, m, p, w, T, variance, strategy):
    """Weighted least squares, covariates ``N(0, variance I_p)``, noise ``N(0, 1)``.

    The state is ``d = b - beta``; the weighted normal equations divided by
    ``variance`` read ``(a Br Br' + c Bs Bs') d_t = a s Br z_r + c (Bs Bs' d_{t-1} + s Bs z_s)``
    with ``a = w / n``, ``c = (1 - w) / m``, ``s = sigma / sqrt(variance)`` and
    ``Br Br'``, ``Bs Bs'`` Wishart(n), Wishart(m) with identity scale. Synthetic
    responses use the known noise standard deviation, as in the paper.
    Without ``fresh_real`` generation 0's ``Br, z_r`` are kept; a strategy that
    accumulates sums the Gram matrices and ``X'y`` blocks of every fit so far.
    """
    s = LINEAR_NOISE_SD / np.sqrt(variance)
    err = np.empty((R, T))
    B0 = _bartlett(rng, n, R, p)
    z0 = rng.standard_normal((R, p))
    d = s * _tri_solve_t(B0, z0)
    err[:, 0] = np.sum(d * d, axis=1)
    if strategy.accumulates:
        return _linear_accumulate(rng, R, m, p, T, s, B0, z0, err)
    fresh = strategy.fresh_real
    a, c = w / n, (1.0 - w) / m
    for t in range(1, T):
        if w == 0.0:
            d = d + s * _tri_solve_t(_bartlett(rng, m, R, p), rng.standard_normal((R, p)))
        elif w == 1.0:
            if fresh:
                d = s * _tri_solve_t(_bartlett(rng, n, R, p), rng.standard_normal((R, p)))
        else:
            Bs = _bartlett(rng, m, R, p)
            zs = rng.standard_normal((R, p))
            if fresh:
                Br = _bartlett(rng, n, R, p)
                zr = rng.standard_normal((R, p))
            else:
                Br, zr = B0, z0
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


#: elements of the (repeats, rows, weights) arrays one group of weights of the GLM
#: engine works on: the weights of a task are fitted in groups of this size
GLM_GROUP_ELEMENTS = 400_000


def _glm_group(R, rows):
    """Weights the GLM engine fits together for ``R`` repeats of ``rows`` rows."""
    return max(1, GLM_GROUP_ELEMENTS // (R * rows))


def _weight_stream(rng, w):
    """A generator of its own for weight ``w``, derived from ``rng``'s seed and ``w`` itself.

    Keyed by the value of ``w`` (its 64 bits, offset beyond the small spawn
    indices), not by its position: a weight's draws do not depend on which
    other weights run beside it.
    """
    seed = rng.bit_generator.seed_seq
    key = int(np.float64(w).view(np.uint64)) + 2**64
    return np.random.Generator(np.random.SFC64(
        np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, key))
    ))


#: Arrival times of each row's shared Poisson process drawn per generation
#: (:func:`_poisson_labels`): at scenario 2's sizes about 8 % of the Poisson
#: labels count beyond them and take a draw of their own.
_POISSON_ARRIVALS = 8


def _arrivals(rng, R, rows):
    """The first arrivals of a unit-rate Poisson process for each of ``R x rows`` rows.

    Returns their logarithms, shape ``(_POISSON_ARRIVALS, R, rows)``, and the
    last arrival time itself, shape ``(R, rows)``.
    """
    times = rng.standard_exponential((_POISSON_ARRIVALS, R, rows))
    # the running sum, one contiguous (R, rows) add at a time: the same sums as
    # np.cumsum(axis=0), whose strided accumulation is several times slower
    for j in range(1, _POISSON_ARRIVALS):
        np.add(times[j], times[j - 1], out=times[j])
    last = times[-1].copy()
    return np.log(times, out=times), last


def _poisson_labels(eta, log_arrivals, last, streams):
    """Exact ``Poisson(exp(eta))`` counts from shared Poisson processes.

    ``eta`` has shape ``(R, k, rows)``: ``k`` models, one column of the
    process per row. The count of a unit-rate Poisson process up to time
    ``lambda`` is ``Poisson(lambda)``, so the label of every model is the
    number of the row's arrivals ``T_1 < T_2 < ...`` at or before
    ``exp(eta)``, i.e. with ``log T_j <= eta``. When all the drawn arrivals
    ``T_1 .. T_J`` come first, the count goes on past ``J``: given
    ``T_J < lambda`` the arrivals after ``T_J`` form a fresh process (the
    strong Markov property), so the label is ``J + Poisson(lambda - T_J)``,
    drawn from ``streams[j]`` for model ``j``. Each count is therefore
    exactly Poisson; the models of a row are coupled through its process
    (common random numbers), and a model's labels depend on no other model.
    Cheaper than ``Generator.poisson``, which draws ``lambda + 1`` uniforms
    per label below ``lambda = 10``.
    """
    J = log_arrivals.shape[0]
    count = np.zeros(eta.shape, dtype=np.uint8)
    below = np.empty(eta.shape, dtype=bool)
    for log_t in log_arrivals:
        np.less_equal(log_t[:, None, :], eta, out=below)
        count += below.view(np.uint8)
    out = count.astype(float)
    for j, stream in enumerate(streams):
        r, i = np.nonzero(count[:, j] == J)
        if r.size:
            out[r, j, i] += stream.poisson(np.exp(eta[r, j, i]) - last[r, i])
    return out


def _glm_rows(rng, R, n, m, p, ws, T, variance, strategy, family):
    """Unpenalised GLM without intercept, ``beta = ones(p)``, covariates ``N(0, variance I)``.

    All the weights ``ws`` of a task run together with common random numbers:
    every weight of a repeat sees the same real rows and labels and the same
    synthetic covariates, so every fit of a generation shares one design
    matrix (the solver fits the weights' models on it at once, see
    :func:`~skrecursive.simulation._glm.newton_glm`). The synthetic labels
    depend on each weight's previous model: logistic labels compare one shared
    uniform per row with each model's probability, Poisson labels count the
    arrivals of one shared Poisson process per row (:func:`_poisson_labels`,
    the rare counts beyond its shared arrivals continuing in one stream per
    weight value), so a weight's results do not depend on the other weights
    of the task. Every generation's fits start from the previous
    generation's coefficients. Returns errors of shape ``(R, len(ws), T)``.
    """
    ws = np.asarray(ws, dtype=float)
    K = ws.size
    if strategy.accumulates:  # unweighted: one model serves every weight
        ws = ws[:1]
    sd = np.sqrt(variance)
    scale = np.full(p, sd)  # the covariates' root mean square: the solver's column scale
    beta = np.ones(p)
    err = np.empty((R, ws.size, T))
    failed = np.zeros((R, ws.size), dtype=bool)
    label_streams = [_weight_stream(rng, w) for w in ws] if family == "poisson" else None

    def covariates(rows):
        X = rng.standard_normal((R, rows, p))
        if sd != 1.0:
            X *= sd
        return X

    def labels(eta, rows):
        """Labels of the real rows, ``eta`` of shape (R, rows, 1)."""
        if family == "logistic":
            with np.errstate(over="ignore"):
                prob = np.exp(-eta)
                prob += 1.0
            # u < 1 / (1 + exp(-eta))  <=>  u (1 + exp(-eta)) < 1, one u per row
            prob *= rng.random((R, rows, 1))
            return (prob < 1.0).astype(float)
        eta = eta.transpose(0, 2, 1)
        too_big = eta > _ETA_MAX
        y = _poisson_labels(np.minimum(eta, _ETA_MAX), *_arrivals(rng, R, rows), [rng])
        return y.transpose(0, 2, 1), too_big.any(axis=2)

    def fit(X, Y, sample_weight, start, row_norm):
        b, ok = newton_glm(X, Y, sample_weight, family=family, fit_intercept=False,
                           coef_init=start, tol=GLM_TOL, column_scale=scale)
        # a linear predictor beyond +-30 on a fitted row means (quasi-)separation or
        # divergence: the unpenalised optimum is at infinity or numerically meaningless.
        # |x'b| <= max ||x|| ||b|| settles almost every model without computing x'b
        with np.errstate(invalid="ignore", over="ignore"):
            suspect = ~(row_norm[:, None] * np.sqrt(np.sum(b * b, axis=2)) <= _ETA_MAX)
            for r, j in zip(*np.nonzero(suspect & ok), strict=True):
                ok[r, j] = np.max(np.abs(X[r] @ b[r, j])) <= _ETA_MAX
        return b, ok

    def record(t, b, ok):
        failed[~ok] = True
        b[failed] = beta  # keep sampling well defined; their errors are NaN
        err[..., t] = np.sum((b - beta) ** 2, axis=2)
        err[failed, t] = np.nan
        return b

    def real_rows():
        X = covariates(n)
        y = labels((X @ beta)[..., None], n)
        if family == "poisson":
            y, big = y
            failed[big[:, 0]] = True
        return X, y[..., 0]

    def max_row_norm(X):
        return np.sqrt(np.max(np.einsum("rnj,rnj->rn", X, X), axis=1))

    X, y = real_rows()
    b0, ok0 = fit(X, y[..., None], None, np.broadcast_to(beta, (R, 1, p)), max_row_norm(X))
    b = record(0, np.repeat(b0, ws.size, axis=1), np.repeat(ok0, ws.size, axis=1))
    kept = X, y[..., None]  # generation 0's rows (reused), or every row so far (accumulated)
    group = _glm_group(R, n + m)
    groups = [slice(start, start + group) for start in range(0, ws.size, group)]
    # n real rows then m synthetic rows in every generation: the same row weights
    sample_weights = [
        None if strategy.accumulates
        else np.stack([row_weights(w, n, m) for w in ws[sl]], axis=1)
        for sl in groups
    ]
    for t in range(1, T):
        if strategy.fresh_real:
            X_real, y_real = real_rows()
            y_real = y_real[..., None]
        else:
            X_real, y_real = kept
        X_syn = covariates(m)
        X = np.concatenate([X_real, X_syn], axis=1)
        row_norm = max_row_norm(X)
        if family == "logistic":
            # one uniform per row, shared by every weight: the label is
            # u < expit(eta), i.e. logit(u) < eta
            u = rng.random((R, m, 1))
            with np.errstate(divide="ignore"):
                logit_u = np.log(u) - np.log1p(-u)
        else:
            # one unit-rate Poisson process per row, shared by every weight
            arrivals = _arrivals(rng, R, m)
            X_syn_t = np.ascontiguousarray(X_syn.transpose(0, 2, 1))
        new_b, new_ok = np.empty_like(b), np.empty((R, ws.size), dtype=bool)
        for sl, sample_weight in zip(groups, sample_weights, strict=True):
            Y = np.empty((R, X.shape[1], b[:, sl].shape[1]))
            Y[:, : X_real.shape[1]] = y_real
            if family == "logistic":
                eta_syn = X_syn @ b[:, sl].transpose(0, 2, 1)
                np.less(logit_u, eta_syn, out=Y[:, X_real.shape[1]:])
            else:
                eta_syn = b[:, sl] @ X_syn_t  # (R, weights, m)
                failed[:, sl] |= np.any(eta_syn > _ETA_MAX, axis=2)
                np.minimum(eta_syn, _ETA_MAX, out=eta_syn)
                Y[:, X_real.shape[1]:] = _poisson_labels(
                    eta_syn, *arrivals, label_streams[sl]
                ).transpose(0, 2, 1)
            new_b[:, sl], new_ok[:, sl] = fit(X, Y, sample_weight, b[:, sl], row_norm)
        if strategy.accumulates:
            kept = X, Y
        b = record(t, new_b, new_ok)
    if strategy.accumulates:
        err, failed = np.repeat(err, K, axis=1), np.repeat(failed, K, axis=1)
    return {family: (err, failed)}


def logistic(rng, R, n, m, p, ws, T, variance, strategy):
    """Unpenalised logistic regression without intercept, ``beta = ones(p)``."""
    return _glm_rows(rng, R, n, m, p, ws, T, variance, strategy, "logistic")


def poisson(rng, R, n, m, p, ws, T, variance, strategy):
    """Unpenalised Poisson regression (log link) without intercept, ``beta = ones(p)``."""
    return _glm_rows(rng, R, n, m, p, ws, T, variance, strategy, "poisson")


def _weighted_cvm(pooled, n_real, w):
    """Exact CvM error of ``w F_real + (1 - w) F_syn`` from an unsorted pooled array.

    The first ``n_real`` columns of ``pooled`` are the real atoms, the others
    synthetic; the atoms are uniforms in ``[0, 1)``.
    """
    N = pooled.shape[1]
    if n_real in (0, N):
        return cvm_sorted(np.sort(pooled, axis=1), np.full(pooled.shape, 1.0 / N))
    # one integer sort carries each atom's flag (real or synthetic) along: the
    # float64 bit patterns of numbers in [0, 1) are non-negative, ordered like the
    # numbers and below 2**62, so (bits << 1) | is_real sorts as (value, flag);
    # several times cheaper than sorting the values and also argsorting them
    key = np.left_shift(pooled.view(np.int64), 1)
    key[:, :n_real] |= 1
    key.sort(axis=1)
    weight_of_flag = np.array([(1.0 - w) / (N - n_real), w / n_real])
    weights = weight_of_flag[key & 1]
    key >>= 1
    return cvm_sorted(key.view(np.float64), weights)


def ecdf(rng, R, n, m, p, w, T, variance, strategy):
    """Weighted empirical CDF of ``U(0, 1)`` data (the error is invariant under ``F``)."""
    err = np.empty((R, T))
    pooled = rng.random((R, n))
    n_real, w_real = n, 1.0  # composition of the current F_t: real atoms come first
    err[:, 0] = _weighted_cvm(pooled, n_real, 1.0)
    if strategy.accumulates:
        return _ecdf_accumulate(rng, R, m, T, pooled, err)
    first = pooled  # generation 0's atoms, reused unless fresh_real
    for t in range(1, T):
        if w == 1.0 and not strategy.fresh_real:
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
        if w == 0.0:
            pooled, n_real, w_real = syn, 0, 0.0
        else:
            real = rng.random((R, n)) if strategy.fresh_real else first
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


def categorical_recursion(rng, P, R, n, m, w, T, strategy):
    """Mean squared error over the cells of the weighted frequency recursion.

    Generation 0 has ``Multinomial(n, P) / n``; a later generation combines
    real frequencies (new ones when ``strategy.fresh_real``, otherwise
    generation 0's) with those of ``m`` draws from the previous estimate,
    ``p_t = w freq_real + (1 - w) freq_syn``; a strategy that accumulates adds
    the synthetic counts to every count so far. Shared by the categorical
    setting of :func:`simulate` and the Adult category experiment (a bootstrap
    of ``n`` rows of a column has exactly multinomial counts with the pool's
    frequencies). Returns the errors, shape ``(R, T)``.
    """
    err = np.empty((R, T))
    freq = rng.multinomial(n, P, size=R) / n
    first, counts = freq, freq * n
    err[:, 0] = np.mean((freq - P) ** 2, axis=1)
    for t in range(1, T):
        # guard the multinomial against rounding: rows sum to one up to 1e-16
        previous = freq / freq.sum(axis=1, keepdims=True)
        if strategy.accumulates:
            counts = counts + rng.multinomial(m, previous)
            freq = counts / (n + t * m)
        else:
            if w < 1.0:
                syn = rng.multinomial(m, previous) / m
            if w == 0.0:
                freq = syn
            else:
                real = rng.multinomial(n, P, size=R) / n if strategy.fresh_real else first
                freq = real if w == 1.0 else w * real + (1.0 - w) * syn
        err[:, t] = np.mean((freq - P) ** 2, axis=1)
    return err


def categorical(rng, R, n, m, p, w, T, variance, strategy):
    """Weighted cell frequencies of ``Multinomial(CATEGORICAL_PROBABILITIES)``; MSE over cells."""
    err = categorical_recursion(rng, CATEGORICAL_PROBABILITIES, R, n, m, w, T, strategy)
    return {"categorical": (err, np.zeros(R, dtype=bool))}


# ---------------------------------------------------------------- error constants


def _constant_gaussian(setting, p, variance):
    if setting == "gaussian-mean":
        return float(p * variance)
    # sum_ij (S_ii S_jj + S_ij^2) for S = variance * I
    return float(p * (p + 1) * variance**2)


def _constant_linear(setting, p, variance):
    return float(LINEAR_NOISE_SD**2 * p / variance)


def _constant_glm(setting, p, variance):
    """``tr(I(beta)^-1)`` for ``beta = ones(p)`` and covariates ``N(0, variance I)``.

    With ``u = beta / |beta|`` and ``x = a u + x_perp`` (``a ~ N(0, variance)``),
    ``I = E[v(|beta| a) a^2] u u' + variance E[v(|beta| a)] (I - u u')``;
    both one-dimensional expectations by Gauss-Hermite quadrature.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    a = np.sqrt(variance) * nodes
    eta = np.sqrt(p) * a
    v = expit(eta) * expit(-eta) if setting == "logistic" else np.exp(eta)
    along = np.sum(weights * v * a * a)
    across = variance * np.sum(weights * v)
    return float(1.0 / along + (p - 1) / across)


def _constant_ecdf(setting, p, variance):
    return 1.0 / 6.0  # int F (1 - F) dF


def _constant_categorical(setting, p, variance):
    P = CATEGORICAL_PROBABILITIES
    return float(np.mean(P * (1.0 - P)))


# ---------------------------------------------------------------- working sets


def _statistics_working_set(R, rows, p, n_weights):
    """Sufficient-statistic engines: a few (R, p, p) matrices, whatever the rows."""
    return R * (4 * p * p + 4 * p + 16)


def _rows_working_set(R, rows, p, n_weights):
    """Row-level engines of one weight: the (R, rows) covariates, labels and temporaries."""
    return R * rows * (p + 6)


def _glm_working_set(R, rows, p, n_weights):
    """The GLM engines: one group of weights (:func:`_glm_group`) at a time."""
    return _rows_working_set(R, rows, p, 1) * min(n_weights, _glm_group(R, rows))


# ---------------------------------------------------------------- the records


def _one_row(p):
    return 1


def _two_rows(p):
    return 2  # a covariance needs two rows


def _more_rows_than_columns(p):
    return p + 1  # a regression on p columns without intercept


@dataclass(frozen=True)
class Engine:
    """Everything the package knows about one engine family, in one record.

    Adding an engine is one :data:`ENGINES` entry plus its kernel ``run``:
    :func:`~skrecursive.simulation.simulate` (sizes, memory estimate),
    :mod:`~skrecursive.simulation._parallel` (chunks, seeds) and
    :func:`~skrecursive.simulation.error_constant` read everything else from
    here.
    """

    #: the kernel, with the signature of the module notes
    run: Callable
    #: the settings one run serves (the two Gaussian settings share one run)
    settings: tuple
    #: names of the strategies implemented, in their engine form
    #: (:meth:`Strategy.engine_form`)
    strategies: tuple
    #: ``error_constant(setting, p, variance)``: the per-sample constant ``C``
    #: of each setting (one batch of ``n`` real rows has error ``C / n``)
    error_constant: Callable
    #: ``working_set(R, rows, p, n_weights)``: float64 elements one task of ``R``
    #: repeats of ``rows`` rows holds besides its errors (an upper estimate, for
    #: the memory check of ``simulate``)
    working_set: Callable
    #: ``min_rows(p)``: the fewest rows a real or a synthetic batch may have
    min_rows: Callable = _one_row
    #: repeats per task; None sizes the chunks by rows
    #: (:func:`~skrecursive.simulation._parallel.chunk_size`)
    chunk: int | None = None
    #: whether ``run`` takes every weight of a cell at once (an array ``ws``, errors
    #: of shape (R, len(ws), T), common random numbers across the weights) rather
    #: than one weight ``w`` (errors of shape (R, T))
    weights_at_once: bool = False

    def loop(self, strategy, w):
        """``(strategy object, w)`` this engine runs for ``strategy`` at weight ``w``.

        Raises ``ValueError`` when the engine does not implement the strategy.
        """
        loop, w_run = get_strategy(strategy).engine_form(float(w))
        if loop not in (STRATEGIES[name] for name in self.strategies):
            raise ValueError(
                f"The {'/'.join(self.settings)} engine does not implement "
                f"strategy={get_strategy(strategy).name!r} (it runs "
                f"{', '.join(map(repr, self.strategies))})."
            )
        return loop, w_run


#: The three loops an engine implements to serve every strategy of the registry:
#: "replace" is the fresh loop at w = 0 (its engine form).
_FRESH_FIXED_ACCUMULATE = ("fresh", "fixed-real", "accumulate")

#: Sufficient-statistic engines: large chunks amortise the Python overhead of
#: each generation.
_STATISTICS_CHUNK = 2000

#: engine family -> Engine
ENGINES = {
    "gaussian": Engine(
        gaussian, ("gaussian-mean", "gaussian-covariance"), _FRESH_FIXED_ACCUMULATE,
        _constant_gaussian, _statistics_working_set, _two_rows, _STATISTICS_CHUNK,
    ),
    "linear": Engine(
        linear, ("linear",), _FRESH_FIXED_ACCUMULATE, _constant_linear,
        _statistics_working_set, _more_rows_than_columns, _STATISTICS_CHUNK,
    ),
    "logistic": Engine(
        logistic, ("logistic",), _FRESH_FIXED_ACCUMULATE, _constant_glm, _glm_working_set,
        _more_rows_than_columns, weights_at_once=True,
    ),
    "poisson": Engine(
        poisson, ("poisson",), _FRESH_FIXED_ACCUMULATE, _constant_glm, _glm_working_set,
        _more_rows_than_columns, weights_at_once=True,
    ),
    "ecdf": Engine(ecdf, ("ecdf",), _FRESH_FIXED_ACCUMULATE, _constant_ecdf, _rows_working_set),
    "categorical": Engine(
        categorical, ("categorical",), _FRESH_FIXED_ACCUMULATE, _constant_categorical,
        _statistics_working_set, chunk=_STATISTICS_CHUNK,
    ),
}
FAMILY_ORDER = tuple(ENGINES)

#: setting -> engine family; the two Gaussian settings share one run.
FAMILY = {setting: family for family, e in ENGINES.items() for setting in e.settings}
