"""One warning for a run whose base model did not converge, instead of one per generation."""

import warnings

from sklearn.exceptions import ConvergenceWarning

__all__ = ["ConvergenceWarnings"]


class ConvergenceWarnings:
    """Collect a run's ``ConvergenceWarning``s into one warning that says what to do.

    A base model that does not converge (the default ``LogisticRegression`` on
    unscaled features) would otherwise warn once per generation. Other
    warnings pass through unchanged.
    """

    def __init__(self, base, *, default):
        # the base model, and whether it is the meta-estimator's default (estimator=None)
        self.base, self.default = base, default
        self.generations = []
        self.first = None

    def __enter__(self):
        self._context = warnings.catch_warnings(record=True)
        self._caught = self._context.__enter__()
        warnings.simplefilter("always", ConvergenceWarning)
        self._n_seen = 0
        return self

    def seen(self, generation):
        """Attribute the convergence warnings caught since the last call to ``generation``."""
        new = [w for w in self._caught[self._n_seen:]
               if issubclass(w.category, ConvergenceWarning)]
        self._n_seen = len(self._caught)
        if new:
            self.generations.append(generation)
            self.first = self.first or str(new[0].message).strip().splitlines()[0]

    def __exit__(self, *exc_info):
        caught = list(self._caught)
        self._context.__exit__(*exc_info)
        for w in caught:
            if not issubclass(w.category, ConvergenceWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno,
                                       source=w.source)
        if exc_info[0] is None and self.generations:
            warnings.warn(self._message(), ConvergenceWarning, stacklevel=4)
        return False

    def _message(self):
        name = type(self.base).__name__
        if self.default:
            fix = (f"estimator=make_pipeline(StandardScaler(), {name}()) (the default "
                   f"{name}() on unscaled features is the usual cause)")
        else:
            fix = f"estimator=make_pipeline(StandardScaler(), {name}(...))"
        gens = self.generations
        shown = ", ".join(map(str, gens[:5])) + (", ..." if len(gens) > 5 else "")
        return (
            f"The base model {name} did not converge in {len(gens)} generation(s) "
            f"({shown}); the first said: {self.first!r}. To fix it, scale the "
            f"features, e.g. {fix}, or raise its max_iter."
        )
