"""The library core: the generation loop and its strategies, the weight rule and row
weights, synthetic sources, the three meta-estimators, the density models and
synthesizers (the copula, the tree synthesizer, the adapter), the measured weight curve,
the metrics (distribution distances, tabular fidelity, memorisation; public through
:mod:`skrecursive.metrics`), and the core's own helpers (rows and dataframes, docstring
fragments).

The public core modules :mod:`skrecursive.theory`, :mod:`skrecursive.metrics`,
:mod:`skrecursive.plotting` and :mod:`skrecursive.datasets` sit beside this package and
import from it; the core imports only :mod:`skrecursive._utils` and itself (``theory``
re-exports the weight rule from :mod:`skrecursive._core.weight_rule`, never the reverse).
"""
