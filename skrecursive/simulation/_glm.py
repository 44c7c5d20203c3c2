"""Batched Newton solvers for weighted logistic and Poisson regression.

The fast engines fit many independent GLMs at once (one per Monte Carlo
repeat) on arrays of shape ``(batch, n_samples, n_features)``. The objective
is the one scikit-learn's ``LogisticRegression(C=C)`` and
``PoissonRegressor(alpha=1 / (C * sum(sample_weight)))`` minimise, written
on the scale of the summed loss::

    sum_i s_i * loss(y_i, x_i' b + b0) + ||b||^2 / (2 C)

with an unpenalised intercept ``b0`` and ``C = inf`` for no penalty.
Logistic loss: ``log(1 + exp(eta)) - y eta``; Poisson loss:
``exp(eta) - y eta``.

Columns are rescaled internally (the penalty is rescaled with them) so the
Newton systems stay well conditioned when features live on very different
scales, as in the Adult census data. Each iteration takes a full Newton step,
halved until the objective does not increase; a repeat whose step does not
shrink below ``tol`` within ``max_iter`` iterations, or whose coefficients
become non-finite, is reported as not converged (separable logistic batches
are the usual cause) and its coefficients should not be averaged.
"""

import numpy as np
from scipy.special import expit

__all__ = ["newton_glm"]

_FAMILIES = ("logistic", "poisson")


def _loss_terms(eta, y, family):
    if family == "logistic":
        # log(1 + exp(eta)) computed stably (twice as fast as np.logaddexp)
        return np.log1p(np.exp(-np.abs(eta))) + np.maximum(eta, 0.0) - y * eta
    return np.exp(eta) - y * eta


def _mean_and_variance(eta, family):
    if family == "logistic":
        mu = expit(eta)
        return mu, mu * (1.0 - mu)
    mu = np.exp(eta)
    return mu, mu


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
    max_halvings=30,
):
    """Fit a batch of independent weighted GLMs by damped Newton iterations.

    Parameters
    ----------
    X : ndarray of shape (n_batch, n_samples, n_features)
        Design matrices, one per batch member (no intercept column).
    y : ndarray of shape (n_batch, n_samples)
        Responses: 0/1 for ``"logistic"``, non-negative counts for ``"poisson"``.
    sample_weight : ndarray of shape (n_batch, n_samples) or (n_samples,), default=None
        Per-row weights; None means all ones.
    family : {"logistic", "poisson"}, default="logistic"
    C : float, default=inf
        Inverse L2 penalty strength on the summed loss scale (scikit-learn's
        ``C``); ``inf`` fits the unpenalised maximum likelihood estimate.
        The intercept is never penalised.
    fit_intercept : bool, default=True
    coef_init : ndarray of shape (n_batch, n_features + fit_intercept), default=None
        Starting point (intercept first), e.g. the previous generation's
        estimate; None starts at zero (``log(mean(y))`` intercept for Poisson).
    max_iter : int, default=100
    tol : float, default=1e-8
        Convergence when the largest absolute Newton step, on the internal
        column scale, is below ``tol``.
    max_halvings : int, default=30
        Step halvings tried per iteration before accepting the step anyway.

    Returns
    -------
    coef : ndarray of shape (n_batch, n_features + fit_intercept)
        Intercept first when ``fit_intercept``.
    converged : ndarray of bool, shape (n_batch,)
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
    """
    if family not in _FAMILIES:
        raise ValueError(f"family must be one of {_FAMILIES}; got {family!r}.")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 3 or y.shape != X.shape[:2]:
        raise ValueError(
            f"X must have shape (n_batch, n_samples, n_features) and y (n_batch, n_samples); "
            f"got {X.shape} and {y.shape}."
        )
    n_batch, n_samples, _ = X.shape
    if fit_intercept:
        X = np.concatenate([np.ones((n_batch, n_samples, 1)), X], axis=2)
    n_coef = X.shape[2]
    s = np.ones((n_batch, n_samples)) if sample_weight is None else np.broadcast_to(
        np.asarray(sample_weight, dtype=float), (n_batch, n_samples)
    )

    # Internal column scaling: X = Z * scale, b = beta / scale.
    scale = np.sqrt(np.einsum("bnp,bnp->p", X, X) / (n_batch * n_samples))
    scale[scale == 0] = 1.0
    Z = X / scale
    penalty = np.zeros(n_coef) if not np.isfinite(C) else 1.0 / (C * scale**2)
    if fit_intercept:
        penalty[0] = 0.0

    if coef_init is None:
        beta = np.zeros((n_batch, n_coef))
        if family == "poisson" and fit_intercept:
            ybar = np.sum(s * y, axis=1) / np.sum(s, axis=1)
            beta[:, 0] = np.log(np.maximum(ybar, 1e-12)) * scale[0]
    else:
        beta = np.array(coef_init, dtype=float).reshape(n_batch, n_coef) * scale

    active = np.ones(n_batch, dtype=bool)
    converged = np.zeros(n_batch, dtype=bool)
    obj = _objective(Z, beta, s, y, penalty, family)
    eye = np.eye(n_coef)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        if idx.size == n_batch:  # no copies while every member is still iterating
            Za, b, sa, ya = Z, beta.copy(), s, y
        else:
            Za, b, sa, ya = Z[idx], beta[idx], s[idx], y[idx]
        eta = _linear_predictor(Za, b)
        mu, var = _mean_and_variance(eta, family)
        # batched matrix products (BLAS) rather than einsum: an order of magnitude
        # faster for the many small systems of the simulation engines
        Zt = np.swapaxes(Za, 1, 2)
        grad = np.matmul(Zt, (sa * (mu - ya))[..., None])[..., 0] + penalty * b
        hess = np.matmul(Zt * (sa * var)[:, None, :], Za) + penalty * eye
        # a tiny ridge keeps singular Hessians (e.g. all-zero Poisson counts) solvable
        hess += 1e-12 * np.trace(hess, axis1=1, axis2=2)[:, None, None] * eye
        try:
            step = np.linalg.solve(hess, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack(
                [np.linalg.lstsq(h, g, rcond=None)[0] for h, g in zip(hess, grad, strict=True)]
            )
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
    coef = beta / scale
    converged &= np.isfinite(coef).all(axis=1)
    return coef, converged


def _linear_predictor(Z, b):
    """``Z @ b`` for every batch member: shape (n_batch, n_samples)."""
    return np.matmul(Z, b[..., None])[..., 0]


def _objective(Z, b, s, y, penalty, family):
    """Penalised weighted GLM objective of each batch member."""
    eta = _linear_predictor(Z, b)
    return np.sum(s * _loss_terms(eta, y, family), axis=1) + 0.5 * np.sum(
        penalty * b * b, axis=1
    )
