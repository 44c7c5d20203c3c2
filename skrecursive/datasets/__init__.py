"""Data sets bundled with skrecursive.

* :func:`load_adult`: the UCI Adult (Census Income) data, Becker & Kohavi (1996),
  doi:10.24432/C5XW20, CC BY 4.0.
"""

# ChecksumError (load_adult's error when the bundled files do not match their checksums)
# is re-exported for the command, which catches it; not public API, hence not in __all__
from ._adult import ChecksumError as ChecksumError
from ._adult import load_adult

__all__ = ["load_adult"]
