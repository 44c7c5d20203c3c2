"""The one batched Newton solver for weighted logistic and Poisson regression.

Every fast engine fits its GLMs here: the scenario engines (one model per
Monte Carlo repeat), the Adult engine (one model per (repeat, weight), the
weights of a repeat sharing one design matrix) and the Adult pseudo-truth.
The objective is the one scikit-learn's ``LogisticRegression(C=C)`` and
``PoissonRegressor(alpha=1 / (C * sum(sample_weight)))`` minimise, written
on the scale of the summed loss::

    sum_i s_i * loss(y_i, x_i' b + b0) + ||b||^2 / (2 C)

with an unpenalised intercept ``b0`` and ``C = inf`` for no penalty.
Logistic loss: ``log(1 + exp(eta)) - y eta``; Poisson loss:
``exp(eta) - y eta``.

How it is solved
----------------
Columns are rescaled internally to unit root mean square (the penalty is
rescaled with them), so the Newton systems stay well conditioned when
features live on very different scales, as in the Adult census data, and
``tol`` means the same on every column.

1. *Fast phase*: full Newton steps for every model at once. The data enter
   through batched matrix products (BLAS): ``Z b`` for the linear
   predictors, ``Z' r`` for the gradients and ``Q' v`` for the Hessians,
   where ``Q`` holds the products ``z_j z_k`` (``j <= k``) of each row,
   built once per call and shared by all the models of a design (with one
   model per design, ``Z' diag(v) Z`` instead: Q would cost more to build
   than it saves). A model
   stops when its last step ``s_k`` was below ``tol`` or, since Newton
   converges quadratically, when the error left after it, estimated as
   ``c s_k^2`` with ``c = s_k / s_{k-1}^2`` from its last two steps, is
   below ``tol`` while ``s_k < sqrt(tol)`` (the quadratic regime):
   warm-started fits (the engines start each generation from the previous
   one) mostly stop after three steps instead of four.
2. *Damped phase*, only for the models the fast phase did not settle
   (non-finite values, or no convergence within ``fast_iter`` steps): each
   Newton step is halved until the objective does not increase. A model
   whose step does not shrink below ``tol`` within ``max_iter`` iterations,
   or whose coefficients become non-finite, is reported as not converged
   (separable logistic batches are the usual cause); its coefficients
   should not be averaged.
"""

import numpy as np
from scipy.special import expit

__all__ = ["newton_glm"]

_FAMILIES = ("logistic", "poisson")

#: The fast phase drops the designs whose models have all settled once fewer than
#: this share of the batch is still running: copying the running designs out costs
#: about one iteration on them, so dropping pays as soon as at most half still run
#: (warm-started fits mostly settle together after three steps, a few take four).
_SHRINK_BELOW = 0.5


def newton_glm(
    X,
    y,
    sample_weight=None,
    *,
    family="logistic",
    C=np.inf,
    fit_intercept=True,
    coef_init=None,
    max_iter=100,
    tol=1e-8,
    fast_iter=10,
    max_halvings=30,
    column_scale=None,
):
    """Fit a batch of independent weighted GLMs by Newton iterations.

    Parameters
    ----------
    X : ndarray of shape (n_batch, n_samples, n_features)
        Design matrices, one per batch member (no intercept column).
    y : ndarray of shape (n_batch, n_samples) or (n_batch, n_samples, n_models)
        Responses: 0/1 for ``"logistic"``, non-negative counts for
        ``"poisson"``. With a third axis, the ``n_models`` models of a batch
        member share its design ``X[b]`` (e.g. one model per weight on the
        same rows) and each has its own responses and row weights.
    sample_weight : array-like broadcastable to the shape of ``y``, default=None
        Per-row weights; None means all ones.
    family : {"logistic", "poisson"}, default="logistic"
    C : float, default=inf
        Inverse L2 penalty strength on the summed loss scale (scikit-learn's
        ``C``); ``inf`` fits the unpenalised maximum likelihood estimate.
        The intercept is never penalised.
    fit_intercept : bool, default=True
    coef_init : ndarray, default=None
        Starting point (intercept first), of the shape of the returned
        ``coef``, e.g. the previous generation's estimate; None starts at
        zero (``log(mean(y))`` intercept for Poisson).
    max_iter : int, default=100
        Iterations of the damped phase.
    tol : float, default=1e-8
        Precision of the coefficients on the internal column scale (see the
        module notes for the stopping rule).
    fast_iter : int, default=10
        Undamped Newton steps tried before a model goes to the damped phase.
    max_halvings : int, default=30
        Step halvings tried per damped iteration before accepting the step anyway.
    column_scale : ndarray of shape (n_features,), default=None
        The internal scale of the columns of ``X`` (see the module notes);
        None uses their root mean square over the batch. Engines that know
        the law of their covariates pass it to save a pass over the data.

    Returns
    -------
    coef : ndarray of shape (n_batch, n_features + fit_intercept) or \
(n_batch, n_models, n_features + fit_intercept)
        Intercept first when ``fit_intercept``.
    converged : ndarray of bool, shape (n_batch,) or (n_batch, n_models)
        False where the iterations did not converge or produced non-finite
        values (e.g. a separable logistic batch with ``C=inf``).

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive.simulation._glm import newton_glm
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((3, 500, 2))
    >>> y = (rng.random((3, 500)) < 1 / (1 + np.exp(-X @ [1.0, -1.0]))).astype(float)
    >>> coef, ok = newton_glm(X, y, fit_intercept=False)
    >>> bool(ok.all()), coef.shape
    (True, (3, 2))

    Two models per design (here: the same rows weighted two ways):

    >>> s = np.stack([np.ones(500), np.linspace(0.5, 1.5, 500)], axis=1)
    >>> coef, ok = newton_glm(X, np.stack([y, y], axis=2), s, fit_intercept=False)
    >>> coef.shape, ok.shape
    ((3, 2, 2), (3, 2))
    """
    if family not in _FAMILIES:
        raise ValueError(f"family must be one of {_FAMILIES}; got {family!r}.")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    shared = y.ndim == 3
    Y = y if shared else y[..., None]
    if X.ndim != 3 or Y.shape[:2] != X.shape[:2]:
        raise ValueError(
            "X must have shape (n_batch, n_samples, n_features) and y (n_batch, n_samples) "
            f"or (n_batch, n_samples, n_models); got {X.shape} and {y.shape}."
        )
    n_batch, n_samples, n_features = X.shape
    n_models = Y.shape[2]
    if sample_weight is None:
        S = np.ones((1, 1, 1))
    else:
        sw = np.asarray(sample_weight, dtype=float)
        S = sw if shared else sw[..., None]
        S = S.reshape((1,) * (3 - S.ndim) + S.shape)
        np.broadcast_shapes(S.shape, Y.shape)  # raises on a bad shape

    # internal column scaling: X = Z * scale, b = beta / scale
    if column_scale is None:
        flat = X.reshape(-1, n_features)
        scale = np.sqrt(np.einsum("ij,ij->j", flat, flat) / flat.shape[0])
    else:
        scale = np.array(column_scale, dtype=float).reshape(n_features)
    scale[scale == 0] = 1.0
    if fit_intercept:
        Z = np.empty((n_batch, n_samples, n_features + 1))
        Z[..., 0] = 1.0
        np.divide(X, scale, out=Z[..., 1:])
        scale = np.r_[1.0, scale]
    else:
        Z = X if np.all(scale == 1.0) else X / scale
    n_coef = Z.shape[2]
    penalty = np.zeros(n_coef) if not np.isfinite(C) else 1.0 / (C * scale**2)
    if fit_intercept:
        penalty[0] = 0.0

    # beta: (n_batch, n_models, n_coef) on the internal scale
    if coef_init is None:
        beta = np.zeros((n_batch, n_models, n_coef))
        if family == "poisson" and fit_intercept:
            Sb = np.broadcast_to(S, Y.shape)
            ybar = np.sum(Sb * Y, axis=1) / np.sum(Sb, axis=1)
            beta[..., 0] = np.log(np.maximum(ybar, 1e-12))
    else:
        beta = np.array(coef_init, dtype=float).reshape(n_batch, n_models, n_coef) * scale

    initial = beta
    beta, settled = _fast_newton(Z, Y, S, beta.copy(), penalty, family, tol, fast_iter)
    converged = settled.copy()
    if not settled.all():
        bi, mi = np.nonzero(~settled)
        Sb = np.broadcast_to(S, Y.shape)
        # the damped phase restarts from coef_init, or from zero (not from where the fast
        # phase ended, which may be non-finite)
        start = np.zeros((bi.size, n_coef)) if coef_init is None else initial[bi, mi]
        coef_d, conv_d = _damped_newton(
            Z[bi], Y[bi, :, mi], Sb[bi, :, mi], start, penalty, family, max_iter, tol,
            max_halvings,
        )
        beta[bi, mi] = coef_d
        converged[bi, mi] = conv_d
    coef = beta / scale
    converged &= np.isfinite(coef).all(axis=2)
    if not shared:
        coef, converged = coef[:, 0], converged[:, 0]
    return coef, converged


def _mean_and_variance(lin, family):
    """Mean and variance from the linear predictors (overwritten: they become the mean).

    ``lin`` holds ``-eta`` for ``"logistic"`` and ``eta`` for ``"poisson"``.
    """
    mu = lin
    if family == "logistic":
        # 1 / (1 + exp(-eta)) in place, with numpy's exp (faster than scipy's expit);
        # exp overflow gives 1 / inf = 0 exactly as expit does
        np.exp(mu, out=mu)
        mu += 1.0
        np.divide(1.0, mu, out=mu)
        var = 1.0 - mu
        var *= mu
        return mu, var
    np.exp(mu, out=mu)
    return mu, mu


def _solve(H, g):
    """``H^-1 g`` for a stack of small symmetric systems (NaN where singular)."""
    p = g.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if p == 1:
            return g / H[..., 0]
        if p == 2:
            det = H[..., 0, 0] * H[..., 1, 1] - H[..., 0, 1] ** 2
            step = np.empty_like(g)
            step[..., 0] = (H[..., 1, 1] * g[..., 0] - H[..., 0, 1] * g[..., 1]) / det
            step[..., 1] = (H[..., 0, 0] * g[..., 1] - H[..., 0, 1] * g[..., 0]) / det
            return step
        try:
            return np.linalg.solve(H, g[..., None])[..., 0]
        except np.linalg.LinAlgError:
            out = np.full_like(g, np.nan)
            flat_H, flat_g, flat_out = H.reshape(-1, p, p), g.reshape(-1, p), out.reshape(-1, p)
            for i in range(flat_g.shape[0]):
                try:
                    flat_out[i] = np.linalg.solve(flat_H[i], flat_g[i])
                except np.linalg.LinAlgError:
                    pass
            return out


def _row_blocks(S, n_samples):
    """Consecutive row blocks on which the row weights ``S`` of shape (1, N, K) are constant.

    Returns ``[(rows, weights of shape (K,)), ...]`` when there are at most
    two blocks (e.g. real rows then synthetic rows, as the engines weigh
    them), else None. The weighted products then sum unweighted products over
    each block, scaled afterwards, instead of multiplying every row.
    """
    if S.ndim != 3 or S.shape[0] != 1 or S.shape[1] != n_samples or n_samples < 2:
        return None
    change = np.flatnonzero(np.any(S[0, 1:] != S[0, :-1], axis=1)) + 1
    if change.size > 1:
        return None
    edges = [0, *change.tolist(), n_samples]
    return [(slice(a, b), S[0, a]) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _fast_newton(Z, Y, S, beta, penalty, family, tol, fast_iter):
    """Undamped Newton steps for every model; returns ``beta`` and the settled mask.

    ``Z`` (B, N, P), ``Y`` (B, N, K), ``S`` broadcastable to ``Y``, ``beta`` (B, K, P).
    Designs whose models have all settled leave the batch once they are the majority.
    """
    B, N, P = Z.shape
    K = Y.shape[2]
    rows, cols = np.triu_indices(P)
    settled = np.zeros((B, K), dtype=bool)
    failed = np.zeros((B, K), dtype=bool)
    previous = np.full((B, K), np.nan)  # no estimate of the rate before two steps
    idx = np.arange(B)
    Yi, Si = Y, S
    # contiguous (B, P, N) and (B, q, N) operands: BLAS for every batched product
    Zt = np.ascontiguousarray(Z.transpose(0, 2, 1))
    Zt_unweighted = Zt
    blocks = None
    if K == 1 and S.size > 1:
        # one model per design: fold the row weights into the products once
        Zt = Zt * np.broadcast_to(S, Y.shape)[..., 0][:, None, :]
        Si = np.ones((1, 1, 1))
    else:
        blocks = _row_blocks(S, N)
    # the Hessians: with several models per design, Q' v with the products z_j z_k of
    # each row built once and shared by the models; with one model per design,
    # (Z' diag(s v)) Z at every step, since building Q (q products per row) costs
    # several steps' worth of these small matrix products and serves one model only
    Qt = None
    if K > 1:
        Qt = np.empty((B, rows.size, N))
        for c, (i, j) in enumerate(zip(rows, cols, strict=True)):
            np.multiply(Zt_unweighted[:, i], Zt[:, j], out=Qt[:, c])
    del Zt_unweighted
    Zi = Z
    H = np.empty((B, K, P, P))
    b = beta
    sign = -1.0 if family == "logistic" else 1.0  # _mean_and_variance takes -eta or eta
    for _ in range(fast_iter):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            mu, var = _mean_and_variance(Zi @ (sign * b.transpose(0, 2, 1)), family)
            resid = mu - Yi  # (B, N, K)
            if blocks is not None:
                grad = sum(weight * (Zt[..., rows_] @ resid[:, rows_])
                           for rows_, weight in blocks)
                packed = sum(weight * (Qt[..., rows_] @ var[:, rows_])
                             for rows_, weight in blocks)
            else:
                if Si.size > 1:
                    resid *= Si
                    var = var * Si
                grad = Zt @ resid  # (B, P, K)
                packed = None if Qt is None else Qt @ var  # (B, q, K)
            grad = grad.transpose(0, 2, 1) + penalty * b  # (B, K, P)
            Hb = H[: len(idx)]
            if Qt is None:
                np.matmul(Zt * var.transpose(0, 2, 1), Zi, out=Hb[:, 0])
            else:
                Hb[..., rows, cols] = packed.transpose(0, 2, 1)
                Hb[..., cols, rows] = packed.transpose(0, 2, 1)
            Hb[..., np.arange(P), np.arange(P)] += penalty
            step = _solve(Hb, grad)
            # a settled model keeps its coefficients while the others of its design
            # iterate: its result does not depend on which models it is fitted with
            step[settled[idx]] = 0.0
            b = b - step
            size = np.max(np.abs(step), axis=2)
            # quadratic convergence: the error left is about (size / previous^2) size^2
            left = size * (size / previous[idx]) ** 2
        beta[idx] = b
        # the estimate is trusted only in the quadratic regime (small steps), never
        # while the iterates run away
        done = (size < tol) | ((left < tol) & (size < np.sqrt(tol)))
        bad = ~np.isfinite(size) | ~np.isfinite(b).all(axis=2)
        just_settled = done & ~bad & ~settled[idx]
        previous[idx] = np.where(settled[idx], previous[idx], size)
        settled[idx] |= just_settled
        failed[idx] |= bad & ~settled[idx]
        active = ~(settled[idx] | failed[idx])
        design_active = active.any(axis=1)
        if not design_active.any():
            break
        if design_active.mean() < _SHRINK_BELOW:  # shrink the batch to the designs still running
            keep = design_active
            idx, b = idx[keep], b[keep]
            Zi, Zt, Yi = Zi[keep], Zt[keep], Yi[keep]
            if Qt is not None:
                Qt = Qt[keep]
            if Si.shape[0] > 1:
                Si = Si[keep]
    settled &= ~failed
    return beta, settled


def _loss_terms(eta, y, family):
    if family == "logistic":
        # log(1 + exp(eta)) computed stably (cheaper than np.logaddexp)
        return np.log1p(np.exp(-np.abs(eta))) + np.maximum(eta, 0.0) - y * eta
    return np.exp(eta) - y * eta


def _objective(Z, b, s, y, penalty, family):
    """Penalised weighted GLM objective of each batch member."""
    eta = np.matmul(Z, b[..., None])[..., 0]
    return np.sum(s * _loss_terms(eta, y, family), axis=1) + 0.5 * np.sum(
        penalty * b * b, axis=1
    )


def _damped_newton(Z, y, s, beta, penalty, family, max_iter, tol, max_halvings):
    """Newton steps halved until the objective does not increase (one model per row of ``Z``)."""
    n_batch, _, n_coef = Z.shape
    active = np.ones(n_batch, dtype=bool)
    converged = np.zeros(n_batch, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        obj = _objective(Z, beta, s, y, penalty, family)
    eye = np.eye(n_coef)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        Za, b, sa, ya = Z[idx], beta[idx], s[idx], y[idx]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            eta = np.matmul(Za, b[..., None])[..., 0]
            mu = expit(eta) if family == "logistic" else np.exp(eta)
            var = mu * (1.0 - mu) if family == "logistic" else mu
            Zt = np.swapaxes(Za, 1, 2)
            grad = np.matmul(Zt, (sa * (mu - ya))[..., None])[..., 0] + penalty * b
            hess = np.matmul(Zt * (sa * var)[:, None, :], Za) + penalty * eye
            # a tiny ridge keeps singular Hessians (e.g. all-zero Poisson counts) solvable
            hess += 1e-12 * np.trace(hess, axis1=1, axis2=2)[:, None, None] * eye
            step = _solve(hess, grad)
            t = np.ones(idx.size)
            new = b - step
            new_obj = _objective(Za, new, sa, ya, penalty, family)
            for _ in range(max_halvings):
                worse = ~(new_obj <= obj[idx] + 1e-12 * np.abs(obj[idx]))
                if not worse.any():
                    break
                t[worse] *= 0.5
                new[worse] = b[worse] - t[worse, None] * step[worse]
                new_obj[worse] = _objective(
                    Za[worse], new[worse], sa[worse], ya[worse], penalty, family
                )
        beta[idx] = new
        obj[idx] = new_obj
        size = np.max(np.abs(t[:, None] * step), axis=1)
        finite = np.isfinite(new).all(axis=1) & np.isfinite(new_obj)
        done = finite & (size < tol)
        converged[idx[done]] = True
        active[idx[done | ~finite]] = False
    return beta, converged
