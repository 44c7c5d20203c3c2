"""Render ``:math:`` and ``.. math::`` as MathML at build time: no JavaScript, no network.

Sphinx's default renderer, MathJax, loads its script from a remote site, so
offline the equations show as raw LaTeX. docutils (which Sphinx already
requires) converts LaTeX to MathML itself, and every current browser displays
MathML natively, so the built pages need nothing from outside. LaTeX that
docutils cannot convert is reported as a warning (an error with ``-W``), never
silently shown raw.
"""

from docutils import nodes
from docutils.utils.math import latex2mathml
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)


def _mathml(translator, node, latex, block):
    try:
        return latex2mathml.tex2mathml(latex, as_block=block)
    except Exception as exc:  # docutils raises several types for unsupported LaTeX
        logger.warning("cannot convert math to MathML (%s): %s", exc, latex, location=node)
        return translator.encode(latex)


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_mathml(self, node, node.astext(), block=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(_mathml(self, node, part, block=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
