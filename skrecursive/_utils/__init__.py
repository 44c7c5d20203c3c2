"""Private helpers that more than one layer uses: parameter checking, the joblib runner
and the Cramer-von Mises kernel.

Nothing here imports any other part of skrecursive. A helper only one layer uses
lives in that layer.
"""
