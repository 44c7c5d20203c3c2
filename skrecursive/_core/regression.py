"""RecursiveWeightedRegressor: recursive training of any scikit-learn regressor."""

import numpy as np
from sklearn.base import RegressorMixin, is_classifier, is_regressor
from sklearn.linear_model import LinearRegression
from sklearn.utils.metaestimators import available_if

from .._utils.validation import HasMethods, Options
from .docstrings import fill_doc
from .loop import BaseRecursiveEstimator, estimator_has
from .sources import RegressionSource

__all__ = ["RecursiveWeightedRegressor"]


@fill_doc
class RecursiveWeightedRegressor(RegressorMixin, BaseRecursiveEstimator):
    """Train a regressor recursively on fresh real rows mixed with its own synthetic rows.

    Generation 0 fits a clone of ``estimator`` on ``n_real`` real rows. Each of
    the ``n_generations`` later generations draws ``n_real`` fresh real rows
    from the pool, ``n_synthetic`` synthetic rows from the previous
    generation (covariates from ``covariate_sampler``, responses from the
    previous model's predictions plus ``noise``), and fits a fresh clone with
    total weight ``w`` on the real rows and ``1 - w`` on the synthetic ones.
    The default ``weight="optimal"`` uses ``w*(k) = (sqrt(k^2 + 4k) - k) / 2``
    with ``k = n_real / n_synthetic``, which minimises the limiting error of
    the loop (He, Xu & Cheng 2026, doi:10.1093/jrsssb/qkag099).

    ``n_generations`` counts the mixing generations after generation 0, so
    ``fit`` fits ``n_generations + 1`` models. Read more in the
    :ref:`User Guide <recursion>`.

    Parameters
    ----------
    estimator : regressor, default=None
        Base model, cloned for every generation; None means
        ``LinearRegression()``. Weights reach it as ``sample_weight`` (as
        ``<last step>__sample_weight`` for a ``Pipeline``); a model whose
        ``fit`` takes no ``sample_weight`` is fitted on a weighted resample
        of each mixed batch instead, announced by one ``UserWarning``.
        With metadata routing enabled, the weights reach a model that
        requests them (see :ref:`own-data`). Missing values in ``X`` are
        accepted when this model accepts them (``HistGradientBoosting*``, a
        ``Pipeline`` starting with an imputer), and refused before any fit
        otherwise.
    [loop_parameters]
    scoring : str, callable, list, dict or None, default=None
        Scorer for the per-generation scores; None uses the base model's
        ``score`` (R^2). A list of scorer names or a dict of name -> scorer
        records several metrics, as in
        :func:`~sklearn.model_selection.cross_validate`.
    [scoring_checks]
    [monitor]
    [covariate_sampler]
    noise : {"gaussian", "poisson", "residual", "none"}, default="gaussian"
        How synthetic responses are drawn around the previous model's
        prediction: normal noise with the scale of that generation's
        real-row residuals, a Poisson draw with the predicted mean, a
        bootstrap of the real-row residuals, or no noise.
    [random_state_verbose]

    Attributes
    ----------
    estimator_ : regressor
        The final generation's fitted model; ``predict`` delegates to it.
    [loop_attributes]

    See Also
    --------
    skrecursive.optimal_weight : the weight used by ``weight="optimal"``.
    skrecursive.limiting_risk : the error each weight leads to.

    References
    ----------
    [references]

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skrecursive import RecursiveWeightedRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = RecursiveWeightedRegressor(Ridge(alpha=0.1), n_generations=5, random_state=0)
    >>> reg = reg.fit(X, y)
    >>> round(reg.optimal_weight_, 3)
    0.618
    >>> len(reg.generation_scores_)
    6
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _parameter_table = {
        **BaseRecursiveEstimator._parameter_table,
        "covariate_sampler": [Options("bootstrap"), HasMethods("sample")],
        "noise": [Options("gaussian", "poisson", "residual", "none")],
    }

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
        covariate_sampler="bootstrap",
        noise="gaussian",
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
        self.covariate_sampler = covariate_sampler
        self.noise = noise
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------ loop hooks
    def _default_estimator(self):
        return LinearRegression()

    def _check_base_estimator(self, estimator):
        if not is_regressor(estimator) or is_classifier(estimator):
            raise TypeError(
                "The 'estimator' parameter of RecursiveWeightedRegressor must be a "
                f"scikit-learn regressor; got {type(estimator).__name__}."
            )

    def _validate_target(self, y, *, reset):
        try:
            y = np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"y must be numeric for a regressor: {exc}") from None
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        return y, {}

    def _check_extra(self, X, y):
        if self.noise == "poisson" and np.any(y < 0):
            raise ValueError(
                "noise='poisson' needs a non-negative target (counts); y has negative values."
            )

    def _synthetic_source(self, estimator, X_real, y_real, generation, sample_weight=None):
        return RegressionSource(estimator, self.noise, X_real, y_real, generation,
                                sample_weight)

    # ---------------------------------------------------------- public API
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Run all generations on the pool ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            The pool of real rows; a ``validation_fraction`` share is held
            out for the per-generation scores.
        y : array-like of shape (n_samples,)
            Real responses.
        [fit_weights]

        Returns
        -------
        self : RecursiveWeightedRegressor
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight, fit_params)

    def partial_fit(self, X, y, sample_weight=None, **fit_params):
        """Advance exactly one generation with ``(X, y)`` as the fresh real batch.

        [partial_fit_batch]

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Fresh real rows.
        y : array-like of shape (n_samples,)
            Their responses.
        [partial_fit_weights]

        Returns
        -------
        self : RecursiveWeightedRegressor
        """
        return self._partial_fit(X, y, sample_weight, fit_params)

    @available_if(estimator_has("predict"))
    def predict(self, X):
        """Predict with the final generation's model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self._delegate("predict", X)
