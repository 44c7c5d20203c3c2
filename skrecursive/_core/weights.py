"""Turning the total weight on the real rows into per-row sample weights.

The total weight ``w`` itself comes from the weight rule
(:mod:`skrecursive._core.weight_rule`). This is the only place that knows how
the total weight ``w`` on the real rows and the user's own row weights become
one ``sample_weight`` vector, and how
that vector reaches a base model (directly, through a ``Pipeline``, by
metadata routing, or by weighted resampling for models whose ``fit`` takes no
``sample_weight``).

The user's weights compose with ``w`` as follows: within a generation the real
rows' weights are proportional to the user weights of the rows drawn, rescaled
so that the real part's total mass stays ``w``; the synthetic rows (which have
no user weight) share ``1 - w`` evenly. Only ratios of user weights matter, so
constant weights are the same as none.

Metadata routing follows scikit-learn's own meta-estimators (``BaggingClassifier``):
the loop consumes ``sample_weight`` itself and passes the combined weights on
only to a base model that consumes them; other fit parameters that are not
per-row are routed to the base model's ``fit``; per-row metadata other than
``sample_weight`` is refused, because synthetic rows have none.
"""

import warnings

import numpy as np
from sklearn import get_config
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import (
    MetadataRequest,
    MetadataRouter,
    MethodMapping,
    get_routing_for_object,
    process_routing,
)
from sklearn.utils.validation import has_fit_parameter

from .._utils.validation import check_sample_weight

__all__ = [
    "user_weights",
    "row_weights",
    "weight_routing",
    "routing_enabled",
    "metadata_router",
    "route_fit_params",
    "warn_resampling",
    "resample_indices",
    "fit_weighted",
]


def user_weights(sample_weight, n_samples):
    """The user's ``sample_weight`` for ``n_samples`` rows, validated; None if they are constant.

    Only the ratios of user weights matter (the real part's total mass is
    ``w`` whatever they are), so constant weights are dropped: a fit with
    all-ones weights is then bit-identical to a fit without weights.

    Raises
    ------
    TypeError, ValueError
        Naming ``sample_weight`` (see
        :func:`skrecursive._utils.validation.check_sample_weight`).

    Examples
    --------
    >>> from skrecursive._core.weights import user_weights
    >>> user_weights([2, 2, 2], 3) is None
    True
    >>> user_weights([1, 3], 2)
    array([1., 3.])
    """
    sw = check_sample_weight(sample_weight, n_samples)
    if sw is None or np.all(sw == sw[0]):
        return None
    return sw


def row_weights(w, n_real, n_synthetic, real_weights=None):
    """Per-row weights of a mixed batch of ``n_real`` real then ``n_synthetic`` synthetic rows.

    Real rows get ``w (n + m) / n`` and synthetic rows ``(1 - w) (n + m) / m``,
    so the total mass on the real part is ``w`` and the weights sum to
    ``n + m``: a regularised base model sees the same regularisation strength
    as an unweighted fit on the same number of rows. With ``real_weights`` (the
    user weights of the real rows drawn), real row ``i`` gets
    ``w (n + m) u_i / sum(u)`` instead: the same total mass ``w``, shared in
    proportion to the user weights.

    Parameters
    ----------
    w : float in [0, 1]
    n_real, n_synthetic : int
        Row counts; a part with zero rows gets no weights.
    real_weights : ndarray of shape (n_real,), default=None
        Non-negative user weights of the real rows, with a positive sum; None
        weighs them equally.

    Returns
    -------
    sample_weight : ndarray of shape (n_real + n_synthetic,)

    Examples
    --------
    >>> from skrecursive._core.weights import row_weights
    >>> row_weights(0.75, 2, 4)
    array([2.25 , 2.25 , 0.375, 0.375, 0.375, 0.375])
    >>> row_weights(0.75, 2, 4, real_weights=[1.0, 3.0])
    array([1.125, 3.375, 0.375, 0.375, 0.375, 0.375])
    >>> row_weights(1.0, 3, 0, real_weights=[1.0, 1.0, 2.0])
    array([0.75, 0.75, 1.5 ])
    """
    total = n_real + n_synthetic
    out = np.empty(total)
    if n_real:
        if real_weights is None:
            out[:n_real] = w * total / n_real
        else:
            u = np.asarray(real_weights, dtype=float)
            mass = u.sum()
            if not mass > 0:
                # a batch drawn only among zero-weight rows: it carries no information,
                # fall back to equal weights rather than dividing by zero
                out[:n_real] = w * total / n_real
            else:
                out[:n_real] = w * total * u / mass
    if n_synthetic:
        out[n_real:] = (1.0 - w) * total / n_synthetic
    return out


def routing_enabled():
    """Whether scikit-learn's metadata routing is on (``sklearn.set_config``)."""
    return bool(get_config().get("enable_metadata_routing", False))


def weight_routing(estimator):
    """How ``sample_weight`` reaches ``estimator.fit``.

    Without metadata routing, a model whose ``fit`` has ``sample_weight`` gets
    it, a ``Pipeline`` as ``<last step>__sample_weight``. With routing on, the
    model's request decides, as for scikit-learn's ``BaggingClassifier``: a
    model (or a ``Pipeline``, ``GridSearchCV``, ...) that requests
    ``sample_weight`` for ``fit`` gets ``sample_weight=``; a plain model whose
    request was never set still gets it (the weights are the loop's own, not
    metadata passed through); one that refuses it (``False``), or a router
    none of whose children request it, is resampled instead.

    Returns
    -------
    key : str or None
        The keyword to pass the weights as (``"sample_weight"``, or
        ``"<last step>__sample_weight"`` for a ``Pipeline``), or None when the
        model does not take weights and the batch must be resampled instead.
    """
    if routing_enabled():
        request = get_routing_for_object(estimator)
        if request.consumes("fit", ("sample_weight",)):
            return "sample_weight"
        unset = (
            isinstance(request, MetadataRequest)
            and request.fit.requests.get("sample_weight", False) is None
        )
        return "sample_weight" if unset else None
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        if last is None or last == "passthrough":
            return None
        return f"{name}__sample_weight" if has_fit_parameter(last, "sample_weight") else None
    return "sample_weight" if has_fit_parameter(estimator, "sample_weight") else None


def warn_resampling(estimator, stacklevel=2):
    """Announce, once per fit, that weights are applied by resampling.

    ``stacklevel`` is passed to :func:`warnings.warn`: the caller says how many
    frames separate it from the user's call.
    """
    name = type(estimator).__name__
    if routing_enabled():
        why = (
            f"with metadata routing enabled, {name} does not request sample_weight for fit; "
            "call set_fit_request(sample_weight=True) on it (on the Pipeline's last step "
            "for a Pipeline) to pass the weights instead"
        )
    else:
        why = f"{name}.fit does not accept sample_weight"
    warnings.warn(
        f"{why}: each generation's mixed batch is resampled with replacement in proportion "
        "to the row weights instead (same expected loss, more variance).",
        UserWarning,
        stacklevel=stacklevel + 1,
    )


def metadata_router(owner, estimator):
    """The ``get_metadata_routing`` of a recursive meta-estimator around ``estimator``.

    The meta-estimator consumes ``sample_weight`` itself (its own request,
    set with ``set_fit_request``) and routes the other ``fit`` metadata to the
    base model's ``fit``, and ``score`` metadata to the base model's ``score``.
    """
    mapping = MethodMapping().add(caller="fit", callee="fit").add(
        caller="partial_fit", callee="fit"
    )
    return (
        MetadataRouter(owner=owner)
        .add_self_request(owner)
        .add(estimator=estimator, method_mapping=mapping)
    )


def _is_per_row(value, n_samples):
    if isinstance(value, (str, bytes)) or n_samples is None:
        return False
    shape = getattr(value, "shape", None)
    if shape is not None:
        return len(shape) > 0 and shape[0] == n_samples
    return isinstance(value, (list, tuple)) and len(value) == n_samples


def route_fit_params(owner, method, fit_params, n_samples):
    """Extra ``fit`` parameters for the base model, checked before any fit.

    ``sample_weight`` is not among ``fit_params``: the loop consumes it.
    Without metadata routing, extra parameters are refused (as by
    scikit-learn's meta-estimators). With routing on, they are routed by
    :func:`~sklearn.utils.metadata_routing.process_routing` (which raises for
    metadata nothing requested). Per-row metadata (an array with one entry per
    row of ``X``) is refused either way: the synthetic rows have no value
    for it.

    Returns
    -------
    params : dict
        Keyword arguments for every generation's base ``fit``.
    """
    name = type(owner).__name__
    for key, value in fit_params.items():
        if _is_per_row(value, n_samples):
            raise ValueError(
                f"{name}.{method} got per-row metadata {key!r} (one value per row of X); "
                "only sample_weight can be given per row, because the synthetic rows of "
                f"each generation have no {key!r}. Pass it as sample_weight if it is a row "
                "weight, or drop it."
            )
    if not fit_params:
        return {}
    if not routing_enabled():
        raise ValueError(
            f"Passing extra keyword arguments to {name}.{method} is only supported with "
            "metadata routing: call sklearn.set_config(enable_metadata_routing=True) and "
            "set the base model's fit request for them (e.g. "
            "estimator.set_fit_request(<name>=True)). Extra parameters passed: "
            f"{sorted(fit_params)}."
        )
    routed = process_routing(owner, method, **fit_params)
    return dict(routed.estimator.fit)


def resample_indices(sample_weight, n_samples, rng, method="multinomial"):
    """Row positions of a resample in proportion to ``sample_weight``: weights made counts.

    ``"multinomial"``: ``n_samples`` independent draws with probabilities
    ``sample_weight / sum``. ``"systematic"``: one uniform offset ``u`` and the
    rows hit by ``(u + i) / n_samples``, ``i = 0 .. n_samples - 1``, on the
    cumulative probabilities, so row ``i`` appears ``floor`` or ``ceil`` of
    ``n_samples p_i`` times (the same expectation, far less variance); the
    positions are returned in a random order.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive._core.weights import resample_indices
    >>> idx = resample_indices(np.array([1.0, 3.0]), 8, np.random.RandomState(0), "systematic")
    >>> np.bincount(idx).tolist()
    [2, 6]
    """
    p = sample_weight / sample_weight.sum()
    if method == "multinomial":
        return rng.choice(len(p), size=n_samples, replace=True, p=p)
    cum = np.cumsum(p)
    points = (rng.random_sample() + np.arange(n_samples)) / n_samples
    idx = np.minimum(np.searchsorted(cum / cum[-1], points, side="right"), len(p) - 1)
    return rng.permutation(idx)


def fit_weighted(estimator, X, y, sample_weight, routing, rng, take_rows, fit_params=None):
    """Fit ``estimator`` on ``(X, y)`` with per-row ``sample_weight``.

    Parameters
    ----------
    estimator : estimator
        Unfitted model; fitted in place and returned.
    X, y : array-like
        The mixed batch; ``y`` may be None (density models).
    sample_weight : ndarray or None
        None fits unweighted.
    routing : str or None
        From :func:`weight_routing`; None resamples ``len(X)`` rows with
        probabilities proportional to ``sample_weight``.
    rng : numpy.random.RandomState
        Used only for the resampling.
    take_rows : callable
        ``take_rows(X, idx)`` selects rows of arrays, sparse matrices and
        DataFrames alike.
    fit_params : dict, default=None
        Other keyword arguments of ``fit`` (see :func:`route_fit_params`).
    """
    fit_params = fit_params or {}
    args = (X,) if y is None else (X, y)
    if sample_weight is None:
        return estimator.fit(*args, **fit_params)
    if routing is not None:
        return estimator.fit(*args, **{routing: sample_weight}, **fit_params)
    idx = resample_indices(sample_weight, len(sample_weight), rng)
    X_res = take_rows(X, idx)
    args = (X_res,) if y is None else (X_res, take_rows(y, idx))
    return estimator.fit(*args, **fit_params)
