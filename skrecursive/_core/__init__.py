"""The library core: the generation loop and its strategies, weights, synthetic sources,
the three meta-estimators and the density models.

The public core modules :mod:`skrecursive.theory`, :mod:`skrecursive.metrics`,
:mod:`skrecursive.plotting` and :mod:`skrecursive.datasets` sit beside this package.
The core imports only :mod:`skrecursive._utils` and itself.
"""
