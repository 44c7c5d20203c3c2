"""Synthetic data: covariates, responses and draws from fitted models.

Everything the generation loop needs to turn the previous generation's model
into ``m`` synthetic rows lives here. A *synthetic source* is built once per
generation from the model just fitted; :func:`draw_synthetic` draws its rows
in three stages (covariates, model outputs, responses) and checks what each
stage returns, so a sampler or a model that returns NaN, the wrong shape or a
list is refused with an error naming it and the generation instead of
silently training the next generations on garbage.
"""

import inspect
import weakref

import numpy as np

from .rows import n_rows, take_rows
from .source_checks import check_outputs, check_synthetic_rows

__all__ = [
    "BootstrapRows",
    "sample_rows",
    "check_synthetic_rows",
    "check_outputs",
    "draw_synthetic",
    "RegressionSource",
    "DensitySource",
    "sample_categorical",
    "ClassificationSource",
    "PipelineSampler",
    "pipeline_without_inverse",
]


class BootstrapRows:
    """Covariate sampler that resamples rows of a fixed table with replacement.

    Parameters
    ----------
    X : array-like, sparse matrix or DataFrame
        The rows to resample (a dataframe keeps its library, column names and
        dtypes, categorical columns and missing values included).
    weights : ndarray of shape (n_rows,), default=None
        The user's row weights: rows are drawn with probabilities proportional
        to them (as from a pool in which each row appears in proportion to its
        weight). None draws every row with the same probability.
    """

    def __init__(self, X, weights=None):
        self.X = X
        self.weights = weights
        self._p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
        self._rng = None

    def sample(self, n, random_state):
        if isinstance(random_state, np.random.RandomState):
            rng = random_state
        else:
            # re-seeding one RandomState draws exactly what a new RandomState(seed)
            # would, without the cost of creating one every generation
            if self._rng is None:
                self._rng = np.random.RandomState()
            rng = self._rng
            rng.seed(random_state)
        if self._p is None:
            idx = rng.randint(n_rows(self.X), size=n)
        else:
            idx = rng.choice(n_rows(self.X), size=n, replace=True, p=self._p)
        return take_rows(self.X, idx)


def _seed_from(rng):
    return int(rng.randint(np.iinfo(np.int32).max))


def sample_rows(sampler, n, random_state=None):
    """Call ``sampler.sample(n)`` and return the rows it draws.

    Passes ``random_state`` when ``sample`` accepts it (otherwise the sampler
    uses its own state), and keeps only the first element of a tuple such as
    the ``(X, labels)`` returned by ``GaussianMixture.sample``.
    """
    sample = sampler.sample
    if _takes_random_state(sample):
        X = sample(n, random_state=random_state)
    else:
        X = sample(n)
    if isinstance(X, tuple):
        X = X[0]
    return X


def _takes_random_state(method):
    func = getattr(method, "__func__", method)
    try:
        return _TAKES_RANDOM_STATE[func]
    except (KeyError, TypeError):  # unseen, or unhashable
        pass
    try:
        takes = "random_state" in inspect.signature(method).parameters
    except (TypeError, ValueError):  # builtins without a signature
        takes = False
    try:
        _TAKES_RANDOM_STATE[func] = takes
    except TypeError:
        pass
    return takes


# inspect.signature costs tens of microseconds: remember the answer per function
_TAKES_RANDOM_STATE = weakref.WeakKeyDictionary()


class _Source:
    """How a fitted model turns into synthetic rows, in three checked stages.

    :meth:`rows` draws the covariates (or, for a density model, the rows
    themselves), :meth:`outputs` asks the model about them (predictions or
    probabilities) and :meth:`responses` turns those into targets.
    :func:`draw_synthetic` runs the stages and checks what each returns.
    """

    #: the call :meth:`rows` makes, for error messages
    rows_name = "covariate_sampler.sample"
    #: the call :meth:`outputs` makes (None: the rows have no target)
    output_name = None
    def output_checks(self):
        """How :func:`check_outputs` checks the outputs (e.g. ``{"numeric": True}``)."""
        return {}

    def __init__(self, estimator, generation):
        self.estimator = estimator
        self.generation = generation

    def _model(self, method):
        return (f"estimator.{method} (the generation-{self.generation} "
                f"{type(self.estimator).__name__})")

    def rows(self, n, rng, covariates):
        return sample_rows(covariates, n, _seed_from(rng))

    def outputs(self, X):
        return None

    def output_shape(self, n):
        return (n,)

    def responses(self, outputs, rng):
        return None

    def draw_labels(self, X, rng):
        """Synthetic targets for the covariate rows ``X``: the checked outputs, then responses."""
        outputs = check_outputs(self.outputs(X), self.output_shape(n_rows(X)), self.output_name,
                                self.generation + 1, **self.output_checks())
        return self.responses(outputs, rng)

    def sample(self, n, rng, covariates=None, *, n_features=None, allow_nan=False,
               columns=None):
        """``n`` checked synthetic rows ``(X, y)`` (``y`` None for a density model)."""
        return draw_synthetic(self, n, rng, covariates, n_features=n_features,
                              allow_nan=allow_nan, columns=columns)


def draw_synthetic(source, n, rng, covariates=None, *, n_features=None, allow_nan=False,
                   columns=None):
    """Draw ``n`` synthetic rows from ``source`` and check every stage.

    Parameters
    ----------
    source : synthetic source
        Built from the previous generation's fitted model.
    n : int
        Rows to draw.
    rng : numpy.random.RandomState
        The loop's random stream.
    covariates : object with ``sample`` or None
        Sampler of synthetic covariates (unused by density sources).
    n_features : int or None
        Columns the rows must have (None: not checked).
    allow_nan : bool or collection, default=False
        Whether the rows may hold missing values, or the columns where they may
        (see :func:`check_synthetic_rows`).
    columns : list or None, default=None
        The real rows' column names when they are a dataframe (see
        :func:`check_synthetic_rows`).

    Returns
    -------
    X : ndarray, sparse matrix or DataFrame of shape (n, n_features)
    y : ndarray of shape (n,) or None

    Raises
    ------
    ValueError
        When a stage returns rows or values that cannot be trained on; the
        message names the call (``covariate_sampler.sample``,
        ``estimator.predict``, ``estimator.predict_proba``,
        ``estimator.sample``) and the generation.
    """
    X = check_synthetic_rows(source.rows(n, rng, covariates), n, n_features,
                             source.rows_name, source.generation + 1, allow_nan=allow_nan,
                             columns=columns)
    if source.output_name is None:
        return X, None
    return X, source.draw_labels(X, rng)


class RegressionSource(_Source):
    """Synthetic ``(X, y)`` from a fitted regressor.

    Covariates come from the sampler passed to :meth:`sample`; responses are the model's
    predictions plus noise:

    * ``"gaussian"``: normal noise with the standard deviation of the model's
      residuals on its own generation's real rows (maximum likelihood,
      ``sqrt(mean(r^2))``);
    * ``"poisson"``: Poisson draws with the predicted mean;
    * ``"residual"``: residuals of the real rows resampled with replacement;
    * ``"none"``: the predictions themselves.

    Parameters
    ----------
    estimator : fitted regressor
    noise : {"gaussian", "poisson", "residual", "none"}
    X_real, y_real : the real rows that generation was fitted on.
    generation : int
        The generation ``estimator`` was fitted in, for error messages.
    sample_weight : ndarray of shape (n_real,), default=None
        The user's weights of those rows: the noise scale is then the
        weighted root mean square residual, and ``"residual"`` resamples
        residuals in proportion to them (as if each row appeared in
        proportion to its weight).
    """

    def __init__(self, estimator, noise, X_real, y_real, generation, sample_weight=None):
        super().__init__(estimator, generation)
        self.noise = noise
        self.output_name = self._model("predict")
        self.residuals = None
        self._p = None
        self.scale = 0.0
        if noise in ("gaussian", "residual"):
            fitted = check_outputs(
                estimator.predict(X_real), (n_rows(X_real),), self.output_name, generation,
                numeric=True, where=(f"on the {n_rows(X_real)} real rows of generation "
                                     f"{generation} (their residuals set the scale of the "
                                     "synthetic noise)"))
            with np.errstate(over="ignore", invalid="ignore"):
                residuals = np.asarray(y_real, dtype=float) - fitted
            if not np.all(np.isfinite(residuals)):
                raise ValueError(
                    f"The residuals of {self.output_name} on the real rows it was fitted on "
                    "overflow (infinity); their scale sets the synthetic noise: rescale y."
                )
            if noise == "residual":
                self.residuals = residuals
                if sample_weight is not None and np.sum(sample_weight) > 0:
                    self._p = np.asarray(sample_weight, float) / np.sum(sample_weight)
            elif sample_weight is not None and np.sum(sample_weight) > 0:
                self.scale = float(np.sqrt(np.average(residuals**2, weights=sample_weight)))
            else:
                self.scale = float(np.sqrt(np.mean(residuals**2)))

    def outputs(self, X):
        return self.estimator.predict(X)

    def output_checks(self):
        return {"numeric": True}

    def responses(self, mean, rng):
        n = len(mean)
        if self.noise == "gaussian":
            return mean + self.scale * rng.standard_normal(n)
        if self.noise == "residual":
            if self._p is not None:
                return mean + self.residuals[rng.choice(len(self.residuals), size=n, p=self._p)]
            return mean + self.residuals[rng.randint(len(self.residuals), size=n)]
        if self.noise == "poisson":
            if np.any(mean < 0):
                raise ValueError(
                    f"noise='poisson' needs finite non-negative predictions, but the model of "
                    f"generation {self.generation} predicted {np.min(mean):.4g}; use a model "
                    "with a log link such as sklearn.linear_model.PoissonRegressor."
                )
            return rng.poisson(mean).astype(float)
        return mean


class DensitySource(_Source):
    """Synthetic rows drawn from a fitted density model.

    Used by the density estimator: the synthetic rows of the next generation
    are ``estimator.sample(n)``; there is no target and no covariate sampler.

    Parameters
    ----------
    estimator : fitted model with ``sample``
    generation : int
        The generation ``estimator`` was fitted in, for error messages.
    """

    def __init__(self, estimator, generation):
        super().__init__(estimator, generation)
        self.rows_name = self._model("sample")

    def rows(self, n, rng, covariates=None):
        return sample_rows(self.estimator, n, _seed_from(rng))


def sample_categorical(proba, rng):
    """One category index per row of ``proba``, drawn by inverse CDF (vectorised).

    Parameters
    ----------
    proba : ndarray of shape (n_rows, n_categories)
        Row-wise probabilities (rows are renormalised, so they need only be
        non-negative with a positive sum).
    rng : numpy.random.RandomState
        One uniform draw per row.

    Returns
    -------
    index : ndarray of int of shape (n_rows,)
        ``index[i] = j`` with probability ``proba[i, j] / proba[i].sum()``;
        a category of probability zero is never drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive._core.sources import sample_categorical
    >>> proba = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    >>> idx = sample_categorical(np.repeat(proba, 1000, axis=0), np.random.RandomState(0))
    >>> sorted(set(idx[:1000].tolist())), sorted(set(idx[1000:].tolist()))
    ([1], [0, 2])
    """
    proba = np.asarray(proba, dtype=float)
    cdf = np.cumsum(proba, axis=1)
    u = rng.random_sample(proba.shape[0])[:, None] * cdf[:, -1:]
    # smallest j with u < cdf[j]: the number of cumulative sums <= u
    idx = np.count_nonzero(cdf <= u, axis=1)
    return np.minimum(idx, proba.shape[1] - 1)


class ClassificationSource(_Source):
    """Synthetic ``(X, y)`` from a fitted classifier.

    Covariates come from the sampler passed to :meth:`sample`; labels from the
    model:

    * ``"sample"``: one draw per row from the model's ``predict_proba``
      (``Bernoulli(expit(x'b))`` for a logistic regression), the conditional
      law the model has learnt;
    * ``"argmax"``: the model's ``predict``, the most likely label. This is
      biased (it removes the label noise, so later generations see nearly
      separable data) and is offered for comparison only.

    Labels are drawn among the model's own ``classes_``, so a class the model
    never saw is never drawn.

    Parameters
    ----------
    estimator : fitted classifier
    labels : {"sample", "argmax"}
    generation : int
        The generation ``estimator`` was fitted in, for error messages.
    """

    def __init__(self, estimator, labels, generation):
        super().__init__(estimator, generation)
        self.labels = labels
        self.output_name = self._model("predict" if labels == "argmax" else "predict_proba")

    def outputs(self, X):
        if self.labels == "argmax":
            return self.estimator.predict(X)
        return self.estimator.predict_proba(X)

    def output_checks(self):
        if self.labels == "argmax":
            return {"classes": self.estimator.classes_}
        return {"probabilities": True}

    def output_shape(self, n):
        return (n,) if self.labels == "argmax" else (n, len(self.estimator.classes_))

    def responses(self, outputs, rng):
        if self.labels == "argmax":
            return np.asarray(outputs)
        return np.asarray(self.estimator.classes_)[sample_categorical(outputs, rng)]


class PipelineSampler:
    """Rows drawn from a fitted ``Pipeline``'s last step, mapped back to the input space.

    The last step (a density model) samples in the space of the transformed
    features; every earlier step's ``inverse_transform`` is applied in
    reverse order (``"passthrough"`` and None steps are skipped), so the rows
    are in the space of the pipeline's input, where the next generation's
    real rows are.

    Parameters
    ----------
    pipeline : fitted sklearn.pipeline.Pipeline
    """

    def __init__(self, pipeline):
        self.pipeline = pipeline

    def sample(self, n, random_state=None):
        X = sample_rows(self.pipeline.steps[-1][1], n, random_state)
        for _, step in reversed(self.pipeline.steps[:-1]):
            if step is not None and step != "passthrough":
                X = step.inverse_transform(X)
        return X


def pipeline_without_inverse(pipeline):
    """Names of the steps before the last one that have no ``inverse_transform``."""
    return [name for name, step in pipeline.steps[:-1]
            if step is not None and step != "passthrough"
            and not callable(getattr(step, "inverse_transform", None))]
