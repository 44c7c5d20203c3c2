"""The documentation's equations render offline: MathML made at build time, no remote script."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

pytestmark = pytest.mark.skipif(
    not (DOCS / "conf.py").is_file(), reason="the docs/ folder is not part of this copy"
)

_INLINE = re.compile(r":math:`([^`]+)`")
_BLOCK = re.compile(r"\.\. math::\n\n((?:[ \t]+\S.*\n|[ \t]*\n)+)")


def _equations():
    """Every :math: role and math directive of the docs, docstrings and examples."""
    found = []
    files = [*DOCS.rglob("*.rst"), *(ROOT / "skrecursive").rglob("*.py"),
             *(ROOT / "examples").glob("*.py")]
    for path in files:
        if "_build" in path.parts or "generated" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            text = text.replace("\\\\", "\\")  # docstrings escape their backslashes
        found += [(path.name, m) for m in _INLINE.findall(text)]
        for block in _BLOCK.findall(text):
            found += [(path.name, part.strip()) for part in block.split("\n\n") if part.strip()]
    return found


def test_conf_uses_the_offline_mathml_renderer():
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    assert '"sphinx.ext.mathjax"' not in conf and 'html_math_renderer = "mathml"' in conf
    assert '"write_computation_times": False' in conf


def test_every_equation_converts_to_mathml():
    from docutils.utils.math import latex2mathml

    equations = _equations()
    assert len(equations) > 20  # the recursion page alone has about 40
    for name, latex in equations:
        mathml = latex2mathml.tex2mathml(latex)
        assert mathml.startswith("<math") and "\\" not in mathml, (name, latex)
