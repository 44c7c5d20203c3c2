"""Synthetic data: covariates, responses and draws from fitted models.

Everything the generation loop needs to turn the previous generation's model
into ``m`` synthetic rows lives here. A *synthetic source* is an object with
``sample(n, rng) -> (X, y)`` built once per generation from the model just
fitted; the loop only ever calls that method.
"""

import inspect

import numpy as np

from .._utils.rows import concat_rows, n_rows, take_rows

__all__ = [
    "take_rows",
    "concat_rows",
    "n_rows",
    "BootstrapRows",
    "sample_rows",
    "draw_covariates",
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
        The rows to resample (a DataFrame keeps its column dtypes, categorical
        columns included).
    """

    def __init__(self, X):
        self.X = X

    def sample(self, n, random_state):
        rng = np.random.RandomState(random_state) if not isinstance(
            random_state, np.random.RandomState
        ) else random_state
        idx = rng.randint(n_rows(self.X), size=n)
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
    try:
        takes_rs = "random_state" in inspect.signature(sample).parameters
    except (TypeError, ValueError):  # builtins without a signature
        takes_rs = False
    X = sample(n, random_state=random_state) if takes_rs else sample(n)
    if isinstance(X, tuple):
        X = X[0]
    return X


def draw_covariates(sampler, n, rng, name="covariate_sampler"):
    """Draw ``n`` rows from ``sampler.sample``, seeded from ``rng``.

    Accepts samplers whose ``sample`` takes ``random_state`` (passed an int
    seed from ``rng``) or not, and samplers returning a tuple such as
    ``GaussianMixture.sample`` (the first element is used). ``name`` is the
    sampler's name in the error raised when it returns the wrong number of
    rows.
    """
    X = sample_rows(sampler, n, _seed_from(rng))
    if n_rows(X) != n:
        raise ValueError(f"{name}.sample({n}) returned {n_rows(X)} rows instead of {n}.")
    return X


class RegressionSource:
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
        For error messages.
    """

    def __init__(self, estimator, noise, X_real, y_real, generation):
        self.estimator = estimator
        self.noise = noise
        self.generation = generation
        self.residuals = None
        self.scale = 0.0
        if noise in ("gaussian", "residual"):
            residuals = np.asarray(y_real, dtype=float) - estimator.predict(X_real)
            if noise == "residual":
                self.residuals = residuals
            else:
                self.scale = float(np.sqrt(np.mean(residuals**2)))

    def sample(self, n, rng, covariates):
        """``n`` synthetic rows: covariates from ``covariates``, responses from the model."""
        X = draw_covariates(covariates, n, rng)
        mean = np.asarray(self.estimator.predict(X), dtype=float)
        if self.noise == "gaussian":
            y = mean + self.scale * rng.standard_normal(n)
        elif self.noise == "residual":
            y = mean + self.residuals[rng.randint(len(self.residuals), size=n)]
        elif self.noise == "poisson":
            if np.any(mean < 0) or not np.all(np.isfinite(mean)):
                raise ValueError(
                    f"noise='poisson' needs finite non-negative predictions, but the model of "
                    f"generation {self.generation} predicted {np.nanmin(mean):.4g}; use a model "
                    "with a log link such as sklearn.linear_model.PoissonRegressor."
                )
            y = rng.poisson(mean).astype(float)
        else:
            y = mean
        return X, y


class DensitySource:
    """Synthetic rows drawn from a fitted density model.

    Used by the density estimator: the synthetic rows of the next generation
    are ``estimator.sample(n)``; there is no target and no covariate sampler.

    Parameters
    ----------
    estimator : fitted model with ``sample``
    generation : int
        For error messages.
    """

    def __init__(self, estimator, generation):
        self.estimator = estimator
        self.generation = generation

    def sample(self, n, rng, covariates=None):
        """``n`` rows from the model (``covariates`` is ignored); the target is None."""
        name = f"the generation-{self.generation} {type(self.estimator).__name__}"
        return draw_covariates(self.estimator, n, rng, name=name), None


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


class ClassificationSource:
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
        For error messages.
    """

    def __init__(self, estimator, labels, generation):
        self.estimator = estimator
        self.labels = labels
        self.generation = generation

    def draw_labels(self, X, rng):
        """Synthetic labels for the covariate rows ``X``."""
        if self.labels == "argmax":
            return np.asarray(self.estimator.predict(X))
        proba = np.asarray(self.estimator.predict_proba(X), dtype=float)
        if not np.all(np.isfinite(proba)) or np.any(proba < 0):
            raise ValueError(
                f"labels='sample' needs finite non-negative probabilities, but the model of "
                f"generation {self.generation} returned other values from predict_proba."
            )
        return np.asarray(self.estimator.classes_)[sample_categorical(proba, rng)]

    def sample(self, n, rng, covariates):
        """``n`` synthetic rows: covariates from ``covariates``, labels from the model."""
        X = draw_covariates(covariates, n, rng)
        return X, self.draw_labels(X, rng)


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
