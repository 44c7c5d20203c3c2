"""``python -m skrecursive.cli``: the ``skrecursive`` command."""

import sys

from . import main

sys.exit(main())
