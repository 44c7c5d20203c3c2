"""Vectorised engines for the paper's two experiments on the UCI Adult data.

Both follow the authors' protocol (He, Xu & Cheng 2026, section on real data):

* generation 0 fits on ``n`` rows bootstrapped from the pool (real only);
* generation ``t = 1..n_generations`` bootstraps ``n`` fresh real rows from the
  pool and draws ``m`` synthetic rows from the model of generation ``t - 1``
  only, then fits with total weight ``w`` on the real rows (row weights from
  :func:`skrecursive._core.weights.row_weights`);
* the error of a repeat is the average of the per-generation errors over the
  last ``last`` generations (``n_generations - last + 1 .. n_generations``).

Only the fresh loop is implemented (:data:`STRATEGIES`): the authors' protocol.

Repeats are split into chunks and seeded by the engines' one scheme
(:mod:`skrecursive.simulation._parallel`); the seed of a chunk does not depend
on the weight. Common random numbers: within a repeat every weight sees the
same real batches, the same synthetic covariate rows and the same uniforms
behind the synthetic labels (generation 0 is even the same fit), so the
differences between weights are paired, repeat by repeat, and estimated with
much less noise than the levels; ``repeat`` identifies the pairs in the
results. The logistic engine fits all the weights of a chunk together: their
fits share each repeat's design matrix (see
:func:`skrecursive.simulation._glm.newton_glm`).
"""

import warnings

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from .._core.strategies import STRATEGIES as _REGISTRY
from .._core.weights import row_weights
from .._utils.parallel import run_in_order
from ._engines import categorical_recursion
from ._glm import newton_glm
from ._parallel import SeedRoot, prime_allocator, split_repeats

__all__ = [
    "ADULT_LOGISTIC_FEATURES",
    "ADULT_CATEGORICAL_COLUMNS",
    "PAPER_WEIGHTS",
    "logistic_pool",
    "logistic_pseudo_truth",
    "run_adult_logistic",
    "run_adult_categorical",
    "categorical_expected_error",
]

ADULT_LOGISTIC_FEATURES = [
    "age",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
]
ADULT_CATEGORICAL_COLUMNS = ["workclass", "education", "marital-status"]

#: the paper's weight grid 0.20, 0.22, ..., 0.78
PAPER_WEIGHTS = np.round(np.arange(20, 79, 2) / 100, 2)

#: The loops these engines implement: the authors' fresh loop only.
STRATEGIES = (_REGISTRY["fresh"],)

#: repeats advanced together by one task (with every weight for the logistic
#: experiment); chunks depend on n_repeats only, so results never depend on n_jobs
_CHUNK = {"logistic": 10, "categorical": 50}

#: models (repeats x weights) a logistic task fits together, at least one chunk: with
#: one or three weights a design serves few models, and 60 of them (1,000 rows each)
#: keep the solver's arrays of a few MB near the cache, where 300 spilled to memory
#: (about 20 % slower at one weight, 30 % at three)
_MODELS_PER_TASK = 60

#: Newton precision of the logistic fits on the solver's internal column scale:
#: the errors agree with scikit-learn's solver to about 1e-8 relative
_TOL = 1e-8


def _adult_frame(drop_missing):
    from ..datasets import load_adult

    return load_adult(drop_missing=drop_missing).frame


def logistic_pool(drop_missing):
    """Covariates ``(N, 5)`` as float and 0/1 labels of the logistic experiment."""
    frame = _adult_frame(drop_missing)
    X = frame[ADULT_LOGISTIC_FEATURES].to_numpy(dtype=float)
    y = frame["income"].to_numpy(dtype=float)
    return X, y


def logistic_pseudo_truth(X, y, C=1.0):
    """``(intercept, coef)`` of the L2 logistic regression on every row of the pool.

    The same objective as ``LogisticRegression(C=C).fit(X, y)``, solved to
    Newton precision (scikit-learn's default lbfgs agrees to about 1e-7).
    """
    coef, ok = newton_glm(X[None], y[None], C=C)
    if not ok[0]:
        raise RuntimeError("The logistic pseudo-truth fit did not converge.")
    return coef[0]


def _fit_batched(X, y, sample_weight, coef_init, C):
    return newton_glm(X, y, sample_weight, C=C, coef_init=coef_init, tol=_TOL)


def _fit_sklearn(X, y, sample_weight, coef_init, C):
    """Reference path: one ``LogisticRegression`` fit per model (``coef_init`` unused).

    Same arguments and results as :func:`newton_glm` with models sharing each
    design: ``X`` (repeats, rows, features), ``y`` (repeats, rows, models),
    ``sample_weight`` broadcastable to ``y``.

    scikit-learn's Newton solver solves the same objective as the authors'
    default ``lbfgs`` to a tight tolerance, and in far fewer iterations on
    these unscaled columns.
    """
    n_batch, _, n_models = y.shape
    coef = np.empty((n_batch, n_models, X.shape[2] + 1))
    ok = np.ones((n_batch, n_models), dtype=bool)
    sw = np.broadcast_to(1.0 if sample_weight is None else sample_weight, y.shape)
    for b in range(n_batch):
        for k in range(n_models):
            model = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10, max_iter=1000)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                model.fit(X[b], y[b, :, k], sample_weight=sw[b, :, k])
            ok[b, k] = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
            coef[b, k] = np.r_[model.intercept_, model.coef_[0]]
    return coef, ok


_FITTERS = {"batched": _fit_batched, "sklearn": _fit_sklearn}

def logistic_chunk(X, y, beta_star, *, weights, n, m, n_generations, last, C, n_rep, rng,
                   engine):
    """Errors of chunks of repeats of the logistic recursion, at every weight.

    ``rng`` is a list of ``(generator, repeats)``, one per chunk: each chunk's
    generator draws, per generation, its repeats' real and synthetic row
    indices and the uniforms behind the synthetic labels, and every weight
    uses them (common random numbers). Chunks are stacked only to share the
    work; a chunk's numbers come from its own generator.

    Returns
    -------
    errors : ndarray of shape (sum of repeats, n_weights)
        Mean of ``||(intercept, coef) - beta_star||^2`` over the last ``last``
        generations; NaN where a fit of the repeat did not converge.
    """
    fit = _FITTERS[engine]
    N = X.shape[0]
    weights = np.asarray(weights, dtype=float)

    def indices(cols):
        return np.concatenate([g.integers(N, size=(r, cols)) for g, r in rng])

    def uniforms(cols):
        return np.concatenate([g.random((r, cols, 1)) for g, r in rng])

    # np.take gathers whole rows (about 3x faster than fancy indexing X[idx], the same values)
    idx = indices(n)
    coef, ok = fit(np.take(X, idx, axis=0), np.take(y, idx)[..., None], None, None, C)  # gen. 0
    coef = np.repeat(coef, weights.size, axis=1)
    ok = np.repeat(ok, weights.size, axis=1)
    sample_weight = np.stack([row_weights(w, n, m) for w in weights], axis=1)  # (n + m, W)
    y_mix = np.empty((n_rep, n + m, weights.size))
    total = np.zeros((n_rep, weights.size))
    for t in range(1, n_generations + 1):
        idx = indices(n + m)  # n real rows, then m synthetic covariates
        u = uniforms(m)
        X_mix = np.take(X, idx, axis=0)
        eta_syn = X_mix[:, n:] @ coef[:, :, 1:].transpose(0, 2, 1) + coef[:, None, :, 0]
        y_mix[:, :n] = np.take(y, idx[:, :n])[..., None]
        y_mix[:, n:] = u < expit(eta_syn)
        coef, ok_t = fit(X_mix, y_mix, sample_weight, coef, C)
        ok &= ok_t
        if t > n_generations - last:
            total += np.sum((coef - beta_star) ** 2, axis=2)
    errors = total / last
    errors[~ok] = np.nan
    return errors


def _logistic_task(X, y, beta_star, root, chunks, sizes, **kwargs):
    prime_allocator()
    streams = [(root.rng((), c), r) for c, r in zip(chunks, sizes, strict=True)]
    return logistic_chunk(X, y, beta_star, n_rep=sum(sizes), rng=streams, **kwargs)


def categorical_chunk(p_star, *, w, n, m, n_generations, last, n_rep, rng):
    """Errors of ``n_rep`` repeats of the categorical recursion at weight ``w``.

    A bootstrap of ``n`` rows of one column has multinomial category counts
    with the pool's frequencies ``p_star``, so the real counts are drawn as
    ``Multinomial(n, p_star)`` directly; the synthetic counts are
    ``Multinomial(m, p_{t-1})`` (the recursion of the simulation's
    categorical setting, :func:`skrecursive.simulation._engines.categorical_recursion`).
    """
    err = categorical_recursion(rng, p_star, n_rep, n, m, w, n_generations + 1, STRATEGIES[0])
    return err[:, n_generations + 1 - last:].mean(axis=1)


def categorical_expected_error(w, *, n, m, n_generations, last):
    """Exact expected ``relative_error`` of the categorical recursion at weight ``w``.

    No approximation: with ``e_t = p_t - p*`` and ``V_t = E sum_j e_t,j^2``,
    the real frequencies have ``E tr Cov = c / n`` (``c = sum_j p*_j (1 - p*_j)``)
    and, given ``p_{t-1}``, the synthetic ones have mean ``p_{t-1}`` and
    ``tr Cov = sum_j p_{t-1,j} (1 - p_{t-1,j}) / m``, whose expectation is
    ``(c - V_{t-1}) / m`` because ``E p_{t-1} = p*``. Hence
    ``V_t = w^2 c / n + (1 - w)^2 (c / m + (1 - 1/m) V_{t-1})`` with
    ``V_0 = c / n``: ``V_t / (c / n)`` does not depend on ``p*``, and its mean
    over the last ``last`` generations is the expectation of the
    ``relative_error`` column of :func:`run_adult_categorical` (the first-order
    :func:`skrecursive.theory.risk_trajectory` without the ``1 - 1/m``).
    Used to know the truth when measuring intervals by simulation: at the
    paper's sizes (n = m = 500, 100 generations, last 20) it is minimised at
    w = 0.6178 (``benchmarks/minimiser_coverage.py`` prints it).
    """
    w = np.asarray(w, dtype=float)
    rel, out = np.ones_like(w), np.zeros_like(w)
    for t in range(1, n_generations + 1):
        rel = w**2 + (1 - w) ** 2 * (n / m + (1 - 1 / m) * rel)
        if t > n_generations - last:
            out = out + rel / last
    return out


def _categorical_task(p_star, root, cell, chunk, **kwargs):
    # every weight draws from the same seed: common random numbers
    prime_allocator()
    return categorical_chunk(p_star, rng=root.rng(cell, chunk), **kwargs)


def run_adult_logistic(
    *,
    n,
    k,
    n_generations,
    n_repeats,
    weights,
    last,
    C,
    drop_missing,
    random_state,
    n_jobs,
    progress,
    engine="batched",
):
    """Tidy per-repeat errors of the Adult logistic experiment (see ``reproduce``)."""
    m = max(1, int(round(n / k)))
    X, y = logistic_pool(drop_missing)
    beta_star = logistic_pseudo_truth(X, y, C)
    root = SeedRoot.from_random_state(random_state)
    chunks = split_repeats(n_repeats, _CHUNK["logistic"])
    # a task fits about _MODELS_PER_TASK models together (consecutive chunks, each
    # drawing from its own stream)
    per_task = max(1, _MODELS_PER_TASK // (_CHUNK["logistic"] * len(weights)))
    tasks = [
        (
            _logistic_task,
            (X, y, beta_star, root, tuple(range(first, min(first + per_task, len(chunks)))),
             tuple(stop - start for start, stop in chunks[first:first + per_task])),
            dict(weights=weights, n=n, m=m, n_generations=n_generations, last=last, C=C,
                 engine=engine),
        )
        for first in range(0, len(chunks), per_task)
    ]
    errors = run_in_order(tasks, n_jobs=n_jobs, progress=progress, desc="adult logistic")
    # (repeats, weights) per chunk -> one block of repeats per weight
    errors = np.concatenate(errors, axis=0)
    out = _tidy(weights, [(0, n_repeats)], list(errors.T))
    n_bad = int(out["error"].isna().sum())
    if n_bad:
        warnings.warn(
            f"{n_bad} of {len(out)} (weight, repeat) runs had a logistic fit that did not "
            "converge (e.g. a separable batch); their error is NaN and they are left out "
            "of any mean.",
            RuntimeWarning,
            stacklevel=3,
        )
    out = out.assign(
        k=float(k), n=n, m=m, n_generations=n_generations, rows_used=len(y),
        drop_missing=bool(drop_missing),
    )
    out.attrs.update(
        experiment="adult-logistic",
        features=list(ADULT_LOGISTIC_FEATURES),
        pseudo_truth=beta_star.tolist(),
        last=last,
        C=C,
        engine=engine,
        common_random_numbers=True,
    )
    return out


def run_adult_categorical(
    *,
    n,
    k,
    n_generations,
    n_repeats,
    weights,
    last,
    columns,
    drop_missing,
    random_state,
    n_jobs,
    progress,
):
    """Tidy per-repeat errors of the Adult categorical experiment (see ``reproduce``)."""
    m = max(1, int(round(n / k)))
    frame = _adult_frame(drop_missing)
    chunks = split_repeats(n_repeats, _CHUNK["categorical"])
    root = SeedRoot.from_random_state(random_state)
    frames = []
    # one independent stream per (column, chunk), the same for every weight
    for i, col in enumerate(columns):
        values = frame[col]
        if values.isna().any():
            # the authors' reader kept '?' as a category of its own
            values = values.cat.add_categories("?").fillna("?")
        p_star = values.value_counts(normalize=True, sort=False).to_numpy(dtype=float)
        p_star = p_star[p_star > 0]
        tasks = [
            (
                _categorical_task,
                (p_star, root, (i,), c),
                dict(w=float(w), n=n, m=m, n_generations=n_generations, last=last,
                     n_rep=stop - start),
            )
            for w in weights
            for c, (start, stop) in enumerate(chunks)
        ]
        errors = run_in_order(tasks, n_jobs=n_jobs, progress=progress, desc=f"adult {col}")
        tidy = _tidy(weights, chunks, errors)
        variance = float(np.mean(p_star * (1 - p_star)))
        tidy.insert(0, "column", col)
        tidy["n_categories"] = len(p_star)
        # error relative to one batch of n real rows, C/n with C = mean p(1-p)
        tidy["relative_error"] = tidy["error"] / (variance / n)
        frames.append(tidy)
    out = pd.concat(frames, ignore_index=True).assign(
        k=float(k), n=n, m=m, n_generations=n_generations, rows_used=len(frame),
        drop_missing=bool(drop_missing),
    )
    out.attrs.update(experiment="adult-categorical", last=last, common_random_numbers=True)
    return out


def _tidy(weights, chunks, errors):
    rows_w, rows_r, rows_e = [], [], []
    it = iter(errors)
    for w in weights:
        for start, stop in chunks:
            e = next(it)
            rows_w.append(np.full(stop - start, float(w)))
            rows_r.append(np.arange(start, stop))
            rows_e.append(e)
    return pd.DataFrame(
        {
            "weight": np.concatenate(rows_w),
            "repeat": np.concatenate(rows_r),
            "error": np.concatenate(rows_e),
        }
    )
