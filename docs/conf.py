"""Sphinx configuration of the skrecursive documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The build and the built pages need no network: no intersphinx, every figure
is made by the library (gallery examples and ``plot`` directives) at build
time, and equations are converted to MathML at build time by docutils
(``docs/_ext/mathml.py``) instead of loading MathJax from a remote site.
"""

import os
import re
import sys

import matplotlib

matplotlib.use("Agg")

import skrecursive  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_ext"))

project = "skrecursive"
author = "skrecursive developers"
copyright = "2026, skrecursive developers"
version = release = skrecursive.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "mathml",  # docs/_ext/mathml.py: equations as MathML, rendered with no network
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"
default_role = "literal"

# -- autodoc / autosummary / numpydoc ---------------------------------------
autosummary_generate = True
autodoc_typehints = "none"
# numpydoc would add a second members table to every class page; the class
# template already lists the methods through autodoc.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


def _skip_metadata_routing(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated metadata-routing methods.

    scikit-learn adds ``set_*_request`` and ``get_metadata_routing`` to every
    estimator class; their docstrings point into scikit-learn's own user guide.
    (The class template documents a class's own members only, so methods
    inherited from scikit-learn, such as ``get_params``, are left out too.)
    """
    if name == "get_metadata_routing" or (name.startswith("set_") and name.endswith("_request")):
        return True
    return skip


_FIELD = re.compile(r"^(\s*[\w*][\w, *]* : )(.+)$")
_TRAILING_UNDERSCORE = re.compile(r"\b([A-Za-z]\w*)_(?=\W|$)")


def _escape_markup(text):
    """Escape ``*`` and trailing underscores outside ````literals````."""
    parts = text.split("``")
    for j in range(0, len(parts), 2):  # even parts are outside literals
        parts[j] = _TRAILING_UNDERSCORE.sub(r"\1\\_", parts[j].replace("*", r"\*"))
    return "``".join(parts)


def _escape_field_types(app, what, name, obj, options, lines):
    """Escape reST markup in the type of numpydoc ``name : type`` lines.

    Types such as ``ndarray of shape (n_features_in_,)`` or ``(n, *shape)``
    are plain text to numpydoc, so docutils would read ``n_features_in_`` as a
    link target and ``*`` as the start of emphasis. Connected with a lower
    priority number than numpydoc's own handler, so it runs first.
    """
    for i, line in enumerate(lines):
        match = _FIELD.match(line)
        if match is not None:
            lines[i] = match.group(1) + _escape_markup(match.group(2))


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_routing)
    app.connect("autodoc-process-docstring", _escape_field_types, priority=400)


# -- sphinx-gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "ignore_pattern": r"__init__\.py",
    "abort_on_example_error": True,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "doc_module": ("skrecursive",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "reference_url": {"skrecursive": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "min_reported_time": 1,
    # its timing pages load jQuery and DataTables from remote sites
    "write_computation_times": False,
}

# -- matplotlib plot directive (figures in the user guide) --------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (6.0, 3.6), "figure.dpi": 100, "figure.autolayout": True}

# -- HTML ---------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skrecursive {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"install": [], "api": []}
html_static_path = []
html_math_renderer = "mathml"
html_show_sourcelink = False
