"""Docstring fragments shared by the three recursive meta-estimators.

The loop's parameters and fitted attributes mean the same thing in every
meta-estimator, so they are documented once here. A class docstring holds a
placeholder line such as ``    [loop_parameters]`` and :func:`fill_doc`
replaces it when the class is defined, so ``help()``, Sphinx and numpydoc all
see the full text.
"""

import re

__all__ = ["fill_doc"]

# partial_fit's description: how a call draws its synthetic rows (the
# supervised estimators also draw covariates) and what it does not use
_PARTIAL_FIT_DRAWS = """\
        The first call fits generation 0 on the batch alone (see
        :ref:`streaming`). Each later call draws ``n_synthetic`` rows
        (relative to this batch's size when a float)
"""
_PARTIAL_FIT_NOTES = """\
        ``validation_fraction`` are not used. The history's score is
        prequential (test-then-train): the current model's score on this
        batch before it is trained on, so it is NaN for the first call only.
        A call that fails (or is interrupted) leaves the estimator as it
        was, random state included, so it can be retried with the same
        batch.
"""

_FRAGMENTS = {
    "loop_parameters": """\
    n_generations : int, default=20
        Mixing generations after generation 0, so ``n_generations + 1`` fits.
    n_real : int, float or None, default=None
        Fresh real rows per generation: an int is a row count, a float in
        ``(0, 1]`` a fraction of the training pool. None means the pool's
        size with ``real_sampling="bootstrap"`` and
        ``pool // (n_generations + 1)`` with ``"disjoint"``.
    n_synthetic : int or float, default=1.0
        Synthetic rows per generation: an int is a row count, a float a
        multiple of ``n_real``. Before any fit, the memory the resolved
        sizes need (the real and synthetic rows of a generation, the
        accumulated rows of ``strategy="accumulate"``) is estimated, and
        sizes that cannot fit in the machine's memory are refused with the
        estimate.
    weight : {"optimal", "naive"} or float in [0, 1], default="optimal"
        Total weight on the real rows. ``"optimal"`` is ``w*(k)``, with ``k``
        discounted by the design effect of unequal ``sample_weight``
        (``effective_k_``, see :func:`~skrecursive.effective_k`); ``"naive"``
        is plain pooling, ``k / (1 + k)``; ``1`` ignores synthetic rows; ``0`` is the fully
        synthetic loop that collapses. ``weight=1.0`` is still not the plain
        base model fitted on ``X``: ``validation_fraction`` of the rows are
        held out and never trained on, and each generation is fitted on one
        real batch only (with the defaults, a bootstrap replicate of the
        other 80%), so ``estimator_`` is a fit on a bootstrap replicate, as
        one member of a bagging ensemble is. Fit the base model itself for
        the fit on all rows.
    real_sampling : {"bootstrap", "disjoint"}, default="bootstrap"
        How each fresh real batch is drawn from the pool: with replacement,
        or as disjoint batches that never repeat a row.
    strategy : {"fresh", "replace", "accumulate", "fixed-real"}, default="fresh"
        Which loop of the model-collapse literature to run:
        ``"fresh"``, the loop above (He, Xu & Cheng);
        ``"replace"``, synthetic rows only after generation 0 (the fully
        synthetic loop, ``weight`` ignored, no real rows consumed);
        ``"accumulate"``, generation 0's real rows plus every synthetic row
        drawn so far, all weighted equally (Gerstgrasser et al. 2024; the
        training set grows by ``n_synthetic`` rows per generation, so memory
        grows linearly unless ``max_accumulated`` caps it); ``"fixed-real"``,
        generation 0's real rows reused every generation with weight ``w``
        (Bertrand et al. 2024).
    max_accumulated : int or None, default=None
        With ``strategy="accumulate"``: fit each generation on a uniform
        subsample of this many of the accumulated rows (at least ``n_real``).
        The accumulated rows themselves are all kept.
    validation_fraction : float in [0, 1), default=0.2
        Share of the rows held out (never trained on) to score every
        generation. With fewer than two held-out rows nothing is held out and
        the scores are NaN; a fraction that leaves fewer than two training
        rows is refused.
""",
    "scoring_checks": """\
        ``scoring`` is checked against the task before any fit (a scorer
        name is tried on a constant model of the target, so e.g. a
        classification metric on a continuous target is refused, naming
        ``scoring``). Scores are greater-is-better, as in scikit-learn: a
        callable declaring ``greater_is_better = False`` (the distances of
        :mod:`skrecursive.metrics`) is refused with the name of its ``neg_``
        scorer. Every score must be one finite number: a scorer
        returning None, an array, NaN or infinity, or raising, stops the
        fit with an error naming the scorer and the generation.
""",
    "monitor": """\
    monitor : callable or None, default=None
        Called after every generation's fit as
        ``monitor(generation, estimator, X, y, sample_weight)``: the
        generation's index (0 first), its fitted model (not a copy) and the
        rows it was fitted on (``y`` is None for density estimation;
        ``sample_weight`` is None when the rows were equally weighted; a base
        model without ``sample_weight`` was fitted on a weighted resample of
        these rows). It returns None or a dict of ``name -> number``; each
        name becomes a ``history_`` column (a float per generation). The
        numbers must be real scalars, finite or NaN; the names must be
        strings other than the history's own columns and the same every
        generation of a ``fit``. This is the place to record anything about
        each generation, e.g. its distance to known true parameters, without
        holding rows out: ``validation_fraction=0.0`` and a monitor.
    keep_estimators : bool, default=False
        Keep every generation's fitted model in ``estimators_`` (memory
        grows with ``n_generations``).
""",
    "covariate_sampler": """\
    covariate_sampler : "bootstrap" or object, default="bootstrap"
        Where synthetic covariates come from: ``"bootstrap"`` resamples rows
        of the training pool (numpy, sparse or pandas, categorical columns
        kept); any object with ``sample(n, random_state)`` is called instead
        (a tuple return, as from ``GaussianMixture.sample``, gives its first
        element).
""",
    "random_state_verbose": """\
    random_state : int, RandomState instance or None, default=None
        Seeds the batches, the synthetic rows and the base models' own
        ``random_state`` parameters; an int gives identical results on every
        run.
    verbose : int or bool, default=0
        Show a progress bar over generations.
""",
    "loop_attributes": """\
    weight_ : float
        The total weight on real rows actually used; for the unweighted
        ``"replace"`` and ``"accumulate"`` strategies, the real rows' share of
        the final generation's training rows.
    optimal_weight_ : float
        ``w*(effective_k_)``, whatever ``weight`` was.
    k_ : float
        ``n_real_ / n_synthetic_``.
    effective_k_ : float
        ``k_ / design_effect_``: the ratio the optimal weight reads
        (:func:`~skrecursive.effective_k`); equal to ``k_`` without
        ``sample_weight`` or with equal weights.
    design_effect_ : float
        Kish's design effect ``N sum(u^2) / sum(u)^2`` of the user's weights
        ``u`` of the ``N`` training rows (of the last batch for
        :meth:`partial_fit`); 1 for equal weights.
    n_real_, n_synthetic_ : int
        Row counts per generation.
    generation_scores_ : ndarray of shape (n_generations + 1,) or dict
        Validation score of every generation (NaN without a validation set
        and for generations added by :meth:`partial_fit`); with a
        multi-metric ``scoring``, a dict of such arrays by metric name.
    history_ : dict of ndarray
        ``generation``, ``n_real`` (real rows drawn for the generation),
        ``n_synthetic`` (synthetic rows in its fit; 0 in generation 0 and when
        the weight is 1), ``weight`` (total weight on the real rows),
        ``score`` (or ``score_<name>`` per metric of a multi-metric
        ``scoring``), ``fit_time`` (seconds), then one column per name the
        ``monitor`` returns, per generation; ``pandas.DataFrame(history_)``
        gives a table. Across :meth:`partial_fit` calls the score columns
        follow the current ``scoring`` (after a change of ``scoring`` the
        columns of the old one are dropped and the new ones are NaN for the
        earlier generations), and a monitor column missing from some calls
        is NaN there.
    estimators_ : list of estimators
        Only with ``keep_estimators=True``: every generation's fitted model,
        in order (``estimators_[-1] is estimator_``); after
        :meth:`partial_fit` calls, generations fitted while
        ``keep_estimators`` was False hold None.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when X has string column names.
""",
    "fit_weights": """\
        sample_weight : array-like of shape (n_samples,), default=None
            The user's row weights (survey weights such as Adult's
            ``fnlwgt``, importances): finite, non-negative, not all zero. In
            every generation the real rows drawn share the real part's total
            weight ``w`` in proportion to their weights (the synthetic rows
            keep ``1 - w``, spread evenly); bootstrapped synthetic covariates
            are drawn in proportion to them; the held-out rows' weights
            weight the per-generation scores where the scorer takes them.
            Which rows each batch draws does not depend on them. Unequal
            weights make the real part noisier (Kish's design effect,
            ``design_effect_``), so ``weight="optimal"`` is ``w*`` of the
            effective ratio ``effective_k_``. Only ratios matter: constant
            weights give exactly the unweighted fit. Read more in
            :ref:`own-data`.
        **fit_params : dict
            Other parameters of the base model's ``fit``, accepted only with
            metadata routing enabled
            (``sklearn.set_config(enable_metadata_routing=True)``) and
            requested by the base model; per-row values are refused, since
            the synthetic rows have none.
""",
    "partial_fit_weights": """\
        sample_weight : array-like of shape (n_samples,), default=None
            The user's weights of this batch's rows: they share the real
            part's total weight ``w`` in proportion (``weight="optimal"``
            reads the ratio discounted by their design effect), weight this batch's
            prequential score where the scorer takes them, and (with
            ``covariate_sampler="bootstrap"``) the synthetic covariates are
            drawn from the batch in proportion to them.
        **fit_params : dict
            Other parameters of the base model's ``fit``, as for :meth:`fit`.
""",
    "partial_fit_batch": _PARTIAL_FIT_DRAWS + """\
        from the current model, covariates bootstrapped from this batch
        unless ``covariate_sampler`` is an object, and fits the next
        generation. ``n_real``, ``n_generations``, ``real_sampling`` and
""" + _PARTIAL_FIT_NOTES,
    "partial_fit_batch_density": _PARTIAL_FIT_DRAWS + """\
        from the current model and fits the next generation. ``n_real``,
        ``n_generations``, ``real_sampling`` and
""" + _PARTIAL_FIT_NOTES,
    "references": """\
    He, Xu & Cheng, "Recursive learning without collapse: a weighting-based
    stabilization framework", JRSSB 2026, doi:10.1093/jrsssb/qkag099.
""",
}


def _fill(doc, indent, owner):
    for name, text in _FRAGMENTS.items():
        doc = doc.replace(f"{indent}[{name}]\n", text)
    left = re.search(rf"^{indent}\[([a-z_]+)\]$", doc, flags=re.MULTILINE)
    if left:
        raise ValueError(f"unknown docstring fragment [{left.group(1)}] in {owner}")
    return doc


def fill_doc(cls):
    """Class decorator: replace ``[name]`` lines of the docstrings by fragments.

    The class docstring's placeholders are indented by 4 spaces, those of
    the docstrings of the methods the class defines by 8.
    """
    cls.__doc__ = _fill(cls.__doc__, "    ", cls.__name__)
    for attr, func in vars(cls).items():
        if callable(func) and getattr(func, "__doc__", None):
            func.__doc__ = _fill(func.__doc__, "        ", f"{cls.__name__}.{attr}")
    return cls
