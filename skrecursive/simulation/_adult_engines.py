"""Vectorised engines for the paper's two experiments on the UCI Adult data.

Both follow the authors' protocol (He, Xu & Cheng 2026, section on real data):

* generation 0 fits on ``n`` rows bootstrapped from the pool (real only);
* generation ``t = 1..T`` bootstraps ``n`` fresh real rows from the pool and
  draws ``m`` synthetic rows from the model of generation ``t - 1`` only, then
  fits with total weight ``w`` on the real rows;
* the error of a repeat is the average of the per-generation errors over the
  last ``last`` generations (``T - last + 1 .. T``).

All repeats of a chunk advance together. The random draws of a chunk come from
one seed that is the same for every weight (common random numbers: the real and
synthetic row indices and the uniforms behind the synthetic labels are shared
across weights, so differences between weights are estimated with much less
noise than their levels), and chunks are fixed in size, so the result does not
depend on how the work is spread over processes.
"""

import warnings

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from .._core.weights import row_weights
from .._utils.parallel import run_in_order
from ._glm import newton_glm

__all__ = [
    "ADULT_LOGISTIC_FEATURES",
    "ADULT_CATEGORICAL_COLUMNS",
    "PAPER_WEIGHTS",
    "logistic_pool",
    "logistic_pseudo_truth",
    "run_adult_logistic",
    "run_adult_categorical",
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

#: most repeats advanced together by one task; chunks depend on n_repeats only, so
#: results never depend on n_jobs
_CHUNK = 50


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


def _chunks(n_repeats):
    """Near-equal chunks of at most ``_CHUNK`` repeats (a function of ``n_repeats`` only)."""
    n_chunks = -(-n_repeats // _CHUNK)
    bounds = [round(i * n_repeats / n_chunks) for i in range(n_chunks + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _seeds(random_state, n_chunks):
    if isinstance(random_state, np.random.SeedSequence):
        root = random_state
    else:
        root = np.random.SeedSequence(random_state)
    return root.spawn(n_chunks)


def _fit_batched(X, y, sample_weight, coef_init, C):
    # Newton converges quadratically: once a step is below 1e-6 (internal column
    # scale) the iterate is within about 1e-12 of the optimum
    return newton_glm(X, y, sample_weight, C=C, coef_init=coef_init, tol=1e-6)


def _fit_sklearn(X, y, sample_weight, coef_init, C):
    """Reference path: one ``LogisticRegression`` fit per repeat (``coef_init`` unused).

    scikit-learn's Newton solver solves the same objective as the authors'
    default ``lbfgs`` to a tight tolerance, about 15 times faster on these
    unscaled columns (lbfgs needs about 100 iterations per fit and stops at a
    relative precision of about 1e-5 in the error).
    """
    n_batch = X.shape[0]
    coef = np.empty((n_batch, X.shape[2] + 1))
    ok = np.ones(n_batch, dtype=bool)
    sw = np.broadcast_to(sample_weight, y.shape) if sample_weight is not None else None
    for b in range(n_batch):
        model = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10, max_iter=1000)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(X[b], y[b], sample_weight=None if sw is None else sw[b])
        ok[b] = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
        coef[b] = np.r_[model.intercept_, model.coef_[0]]
    return coef, ok


_FITTERS = {"batched": _fit_batched, "sklearn": _fit_sklearn}

_ALLOCATOR_PRIMED = False


def _prime_allocator():
    """Allocate and free one 16 MB block, once per process.

    glibc's malloc raises its mmap and trim thresholds to the size of the
    largest block it has freed. In a fresh worker process they stay low, and
    the engine's temporaries of a few MB are then returned to the system after
    each use and page-faulted back: about a quarter of the run time went to
    system calls. Elsewhere this is a harmless allocation.
    """
    global _ALLOCATOR_PRIMED
    if not _ALLOCATOR_PRIMED:
        block = np.ones(2**21)
        del block
        _ALLOCATOR_PRIMED = True


def logistic_chunk(X, y, beta_star, *, w, n, m, n_generations, last, C, n_rep, seed, engine):
    """Errors of ``n_rep`` repeats of the logistic recursion at weight ``w``.

    Returns
    -------
    errors : ndarray of shape (n_rep,)
        Mean of ``||(intercept, coef) - beta_star||^2`` over the last ``last``
        generations; NaN where a fit of the repeat did not converge.
    """
    _prime_allocator()
    fit = _FITTERS[engine]
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    idx = rng.integers(N, size=(n_rep, n))
    coef, ok = fit(X[idx], y[idx], None, None, C)
    sample_weight = row_weights(w, n, m)
    total = np.zeros(n_rep)
    for t in range(1, n_generations + 1):
        idx_real = rng.integers(N, size=(n_rep, n))
        idx_syn = rng.integers(N, size=(n_rep, m))
        u = rng.random((n_rep, m))
        X_syn = X[idx_syn]
        p_syn = expit(coef[:, :1] + np.einsum("bmp,bp->bm", X_syn, coef[:, 1:]))
        y_syn = (u < p_syn).astype(float)
        X_mix = np.concatenate([X[idx_real], X_syn], axis=1)
        y_mix = np.concatenate([y[idx_real], y_syn], axis=1)
        coef, ok_t = fit(X_mix, y_mix, sample_weight, coef, C)
        ok &= ok_t
        if t > n_generations - last:
            total += np.sum((coef - beta_star) ** 2, axis=1)
    errors = total / last
    errors[~ok] = np.nan
    return errors


def categorical_chunk(p_star, *, w, n, m, n_generations, last, n_rep, seed):
    """Errors of ``n_rep`` repeats of the categorical recursion at weight ``w``.

    A bootstrap of ``n`` rows of one column has multinomial category counts
    with the pool's frequencies ``p_star``, so the real counts are drawn as
    ``Multinomial(n, p_star)`` directly; the synthetic counts are
    ``Multinomial(m, p_{t-1})``.
    """
    rng = np.random.default_rng(seed)
    p = rng.multinomial(n, p_star, size=n_rep) / n
    total = np.zeros(n_rep)
    for t in range(1, n_generations + 1):
        real = rng.multinomial(n, p_star, size=n_rep) / n
        # guard the multinomial against rounding: rows sum to one up to 1e-16
        syn = rng.multinomial(m, p / p.sum(axis=1, keepdims=True)) / m
        p = w * real + (1.0 - w) * syn
        if t > n_generations - last:
            total += np.mean((p - p_star) ** 2, axis=1)
    return total / last


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
    chunks = _chunks(n_repeats)
    seeds = _seeds(random_state, len(chunks))
    tasks = [
        (
            logistic_chunk,
            (X, y, beta_star),
            dict(
                w=float(w),
                n=n,
                m=m,
                n_generations=n_generations,
                last=last,
                C=C,
                n_rep=stop - start,
                seed=seed,
                engine=engine,
            ),
        )
        for w in weights
        for (start, stop), seed in zip(chunks, seeds, strict=True)
    ]
    errors = run_in_order(tasks, n_jobs=n_jobs, progress=progress, desc="adult logistic")
    out = _tidy(weights, chunks, errors)
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
    chunks = _chunks(n_repeats)
    root = random_state if isinstance(random_state, np.random.SeedSequence) else (
        np.random.SeedSequence(random_state)
    )
    # one independent stream per column, the same for every weight
    column_seeds = root.spawn(len(columns))
    frames = []
    for col, column_seed in zip(columns, column_seeds, strict=True):
        values = frame[col]
        if values.isna().any():
            # the authors' reader kept '?' as a category of its own
            values = values.cat.add_categories("?").fillna("?")
        p_star = values.value_counts(normalize=True, sort=False).to_numpy(dtype=float)
        p_star = p_star[p_star > 0]
        seeds = column_seed.spawn(len(chunks))
        tasks = [
            (
                categorical_chunk,
                (p_star,),
                dict(
                    w=float(w), n=n, m=m, n_generations=n_generations, last=last,
                    n_rep=stop - start, seed=seed,
                ),
            )
            for w in weights
            for (start, stop), seed in zip(chunks, seeds, strict=True)
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
    out.attrs.update(experiment="adult-categorical", last=last)
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
