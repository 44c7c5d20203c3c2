"""Private helpers that every layer uses: parameter checking, docstring fragments,
the joblib runner and the Cramer-von Mises kernel.

Nothing here imports any other part of skrecursive.
"""
