"""RecursiveDensityEstimator: recursive training of a density model on real and synthetic rows.

The weighted base models it is designed for, :class:`GaussianDensity`,
:class:`EmpiricalDistribution` and :class:`CategoricalDistribution`, live in
:mod:`skrecursive._core.distributions` and are re-exported here.
"""

from sklearn.base import DensityMixin
from sklearn.neighbors import KernelDensity
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .distributions import CategoricalDistribution, EmpiricalDistribution, GaussianDensity
from .docstrings import fill_doc
from .loop import BaseRecursiveEstimator, estimator_has
from .sources import DensitySource, PipelineSampler, pipeline_without_inverse, sample_rows

__all__ = [
    "RecursiveDensityEstimator",
    "GaussianDensity",
    "EmpiricalDistribution",
    "CategoricalDistribution",
]

# KernelDensity.sample is implemented for these kernels only.
_SAMPLING_KERNELS = ("gaussian", "tophat")


def _sampler(estimator):
    """What draws the rows of a (fitted) base model: itself, or a Pipeline's sampler."""
    return PipelineSampler(estimator) if isinstance(estimator, Pipeline) else estimator


def _can_sample(self):
    """For ``available_if``: the base model samples (a Pipeline through its last step)."""
    model = self.estimator_ if hasattr(self, "estimator_") else self._get_estimator()
    if isinstance(model, Pipeline):
        model = model.steps[-1][1]
    return callable(getattr(model, "sample", None))


@fill_doc
class RecursiveDensityEstimator(DensityMixin, BaseRecursiveEstimator):
    """Train a density model recursively on fresh real rows mixed with its own samples.

    Generation 0 fits a clone of ``estimator`` on ``n_real`` real rows. Each
    of the ``n_generations`` later generations draws ``n_real`` fresh real
    rows from the pool and ``n_synthetic`` rows from the previous
    generation's model (``estimator.sample``), and fits a fresh clone with
    total weight ``w`` on the real rows and ``1 - w`` on the synthetic ones.
    With the default ``weight="optimal"``, ``w*(k) = (sqrt(k^2 + 4k) - k) / 2``
    for ``k = n_real / n_synthetic`` (``1 / phi`` when ``k = 1``), the error
    stays bounded at ``w*`` times the error of a fit on one real batch; at
    ``weight=0`` the loop collapses (He, Xu & Cheng 2026,
    doi:10.1093/jrsssb/qkag099).

    ``n_generations`` counts the mixing generations after generation 0, so
    ``fit`` fits ``n_generations + 1`` models. Read more in the
    :ref:`User Guide <recursion>`.

    Parameters
    ----------
    estimator : estimator with ``fit`` and ``sample``, default=None
        Base model, cloned for every generation; None means
        ``GaussianDensity()``. Works with :class:`GaussianDensity`,
        :class:`EmpiricalDistribution`, :class:`CategoricalDistribution`,
        :class:`~sklearn.neighbors.KernelDensity` (kernels ``"gaussian"``
        and ``"tophat"``, the ones it can sample from) and
        :class:`~sklearn.mixture.GaussianMixture`, :class:`GaussianCopula`,
        or a :class:`~sklearn.pipeline.Pipeline` of transformers with
        ``inverse_transform`` (e.g. a scaler) before such a model: its last
        step samples and the rows are mapped back through the earlier steps'
        ``inverse_transform`` (its ``score_samples`` is then the density of
        the transformed rows, without the Jacobian of the transformation).
        ``sample(n)`` may take a
        ``random_state`` and may return a tuple whose first element is the
        rows. A model whose ``fit`` takes no ``sample_weight`` (such as
        ``GaussianMixture``) is fitted on a weighted resample of each mixed
        batch instead, announced by one ``UserWarning``.
        With metadata routing enabled, the weights reach a model that
        requests them (see :ref:`own-data`). Missing values in ``X`` are
        accepted when this model accepts them (``HistGradientBoosting*``, a
        ``Pipeline`` starting with an imputer), and refused before any fit
        otherwise.
    [loop_parameters]
    scoring : str, callable, list, dict or None, default=None
        Callable ``scorer(estimator, X)`` for the per-generation scores (a
        dict of them records several metrics, as in
        :func:`~sklearn.model_selection.cross_validate`); scikit-learn's
        scorer names compare predictions with ``y`` and are refused.
        None uses the base model's ``score``: the total held-out
        log-likelihood for :class:`GaussianDensity`,
        :class:`CategoricalDistribution` and ``KernelDensity`` (the mean for
        ``GaussianMixture``), and the negated Cramer-von Mises distance for
        :class:`EmpiricalDistribution`, which has no density. See
        :mod:`skrecursive.metrics` for distance-based scorers (negated,
        greater is better, e.g. ``neg_marginal_distance_scorer``).
    [scoring_checks]
    [monitor]
    [random_state_verbose]

    Attributes
    ----------
    estimator_ : estimator
        The final generation's fitted model; ``score_samples``, ``score``,
        ``sample`` and ``cdf`` delegate to it.
    [loop_attributes]

    See Also
    --------
    skrecursive.limiting_risk : the error each weight leads to.
    skrecursive.metrics.cramer_von_mises : the error of the nonparametric setting.

    References
    ----------
    [references]

    Examples
    --------
    >>> import numpy as np
    >>> from skrecursive import GaussianDensity, RecursiveDensityEstimator
    >>> X = np.random.RandomState(0).normal(size=(200, 2))
    >>> est = RecursiveDensityEstimator(GaussianDensity(), n_generations=5, random_state=0)
    >>> est = est.fit(X)
    >>> round(est.weight_, 3)
    0.618
    >>> est.estimator_.covariance_.shape
    (2, 2)
    >>> est.sample(4, random_state=0).shape
    (4, 2)
    """

    _supervised = False

    def __init__(
        self,
        estimator=None,
        *,
        n_generations=20,
        n_real=None,
        n_synthetic=1.0,
        weight="optimal",
        real_sampling="bootstrap",
        strategy="fresh",
        max_accumulated=None,
        validation_fraction=0.2,
        scoring=None,
        monitor=None,
        keep_estimators=False,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_generations = n_generations
        self.n_real = n_real
        self.n_synthetic = n_synthetic
        self.weight = weight
        self.real_sampling = real_sampling
        self.strategy = strategy
        self.max_accumulated = max_accumulated
        self.validation_fraction = validation_fraction
        self.scoring = scoring
        self.monitor = monitor
        self.keep_estimators = keep_estimators
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------ loop hooks
    def _default_estimator(self):
        return GaussianDensity()

    def _check_base_estimator(self, estimator):
        if isinstance(estimator, Pipeline):
            missing = pipeline_without_inverse(estimator)
            if missing:
                raise TypeError(
                    "The 'estimator' parameter of RecursiveDensityEstimator is a Pipeline whose "
                    f"step(s) {missing} have no inverse_transform: the rows its last step "
                    "samples cannot be mapped back to the input space for the next "
                    "generation. Use transformers with inverse_transform (e.g. "
                    "StandardScaler) or transform the data before the loop."
                )
            estimator = estimator.steps[-1][1]
        if not callable(getattr(estimator, "sample", None)):
            raise TypeError(
                "The 'estimator' parameter of RecursiveDensityEstimator must have a "
                f"'sample' method to draw the synthetic rows; {type(estimator).__name__} has "
                "none. Use e.g. GaussianDensity, EmpiricalDistribution, "
                "CategoricalDistribution, KernelDensity or GaussianMixture."
            )
        if isinstance(estimator, KernelDensity) and estimator.kernel not in _SAMPLING_KERNELS:
            raise TypeError(
                "The 'estimator' parameter of RecursiveDensityEstimator must be able to "
                f"sample: KernelDensity samples only with kernel in {_SAMPLING_KERNELS}, "
                f"got kernel={estimator.kernel!r}."
            )

    def _synthetic_source(self, estimator, X_real, y_real, generation, sample_weight=None):
        return DensitySource(_sampler(estimator), generation)

    # ---------------------------------------------------------- public API
    def fit(self, X, y=None, sample_weight=None, **fit_params):
        """Run all generations on the pool ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The pool of real rows; a ``validation_fraction`` share is held
            out for the per-generation scores.
        y : None
            Ignored.
        [fit_weights]

        Returns
        -------
        self : RecursiveDensityEstimator
            Fitted estimator.
        """
        return self._fit(X, None, sample_weight, fit_params)

    def partial_fit(self, X, y=None, sample_weight=None, **fit_params):
        """Advance exactly one generation with ``X`` as the fresh real batch.

        [partial_fit_batch_density]

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Fresh real rows.
        y : None
            Ignored.
        [partial_fit_weights]

        Returns
        -------
        self : RecursiveDensityEstimator
        """
        return self._partial_fit(X, None, sample_weight, fit_params)

    @available_if(estimator_has("score_samples"))
    def score_samples(self, X):
        """Log density of each row under the final generation's model.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        return self._delegate("score_samples", X)

    @available_if(estimator_has("score"))
    def score(self, X, y=None):
        """The final generation's ``score``: total log-likelihood for the bundled models.

        For :class:`EmpiricalDistribution` it is the negated Cramer-von Mises
        distance, for ``GaussianMixture`` the mean log-likelihood.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return self._delegate("score", X)

    @available_if(estimator_has("cdf"))
    def cdf(self, X):
        """Distribution function of the final generation's model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        F : ndarray of shape (n_samples,)
        """
        return self._delegate("cdf", X)

    @available_if(_can_sample)
    def sample(self, n_samples=1, random_state=None):
        """Draw rows from the final generation's model.

        Parameters
        ----------
        n_samples : int >= 1, default=1
        random_state : int, RandomState instance or None, default=None
            Passed on when the model's ``sample`` takes it.

        Returns
        -------
        X : ndarray or DataFrame of shape (n_samples, n_features)
            The rows only (the labels of ``GaussianMixture.sample`` are
            dropped).
        """
        check_is_fitted(self)
        return sample_rows(_sampler(self.estimator_), n_samples, random_state)
