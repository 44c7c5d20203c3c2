"""Data sets bundled with skrecursive.

* :func:`load_adult`: the UCI Adult (Census Income) data, Becker & Kohavi (1996),
  doi:10.24432/C5XW20, CC BY 4.0.
"""

from ._adult import load_adult

__all__ = ["load_adult"]
