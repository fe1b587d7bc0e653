"""Sphinx configuration of the sklearn_rnn documentation.

Build (offline, warnings are errors; the gallery runs every example)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

``SKLEARN_RNN_FAST=1`` in the environment runs the examples in fast mode (fewer
epochs, folds and grid points, the same code path), as CI does. Nothing is fetched
from the network: no intersphinx, no remote images, no analytics.
"""

import os
import re
import sys
import warnings

# One torch/OpenMP thread for the examples the gallery runs (in this process, or in
# its worker processes, which inherit the environment). Must precede importing torch.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

import torch

import sklearn_rnn

# The project's own Sphinx extensions (docs/_ext).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ext"))

torch.set_num_threads(1)

# -- Project -------------------------------------------------------------------------

project = "sklearn_rnn"
author = "The sklearn_rnn developers"
copyright = "The sklearn_rnn developers"
release = sklearn_rnn.__version__
version = release

# -- General -------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    # A gallery page whose example printed warning text fails the build.
    "gallery_warnings",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
    # sphinx-gallery's own copies of the example sources and downloads
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
]
default_role = "literal"
add_function_parentheses = False

# -- autodoc / autosummary / numpydoc ------------------------------------------------

autosummary_generate = True
autodoc_typehints = "none"
# The class template lists the methods; numpydoc must not add a second table.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# The docstrings' structure is checked at every build (a failed check is a warning,
# so it fails the build): parameters documented, in the signature's order, with
# types and descriptions; summaries and returns well formed. Not required: an
# extended summary, See Also, Examples on every method, the summary starting on the
# docstring's first line, named returns.
numpydoc_validation_checks = {"all", "GL01", "SA01", "EX01", "ES01", "SS05", "RT02"}
# Methods inherited from scikit-learn: their docstrings are scikit-learn's.
numpydoc_validation_exclude = {
    r"\.(get_params|set_params|score|get_metadata_routing|set_output)$",
    r"\.set_\w+_request$",
    r"^sklearn_rnn\.SequenceScaler\.(fit_transform|get_feature_names_out)$",
}

# -- MyST (the user guide is markdown) -----------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
# `[text](page.md#a-section)` links resolve to headings up to this depth.
myst_heading_anchors = 3

# -- sphinx-gallery ------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every example (all of them are plot_*.py), once.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    # A failing example fails the build.
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "capture_repr": ("_repr_html_", "__repr__"),
    "remove_config_comments": True,
    "download_all_examples": True,
    # "Examples using this object" blocks on the API pages (local links only).
    "doc_module": ("sklearn_rnn",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "show_memory": False,
    # The times are printed in the build log; the page that would list them loads
    # scripts from CDNs.
    "write_computation_times": False,
    "min_reported_time": 0,
}

# sphinx-gallery's matplotlib scraper selects Agg; no GUI backend may be tried.
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg, which is a non-GUI backend",
)

# -- HTML ----------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_rnn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # Every user-guide page is a top-level entry of the root toctree: the header
    # would list a dozen of them. The site's navigation, with the captions (User
    # guide, Examples, API reference), is in the primary sidebar of every page.
    "navbar_center": [],
    # No external services, nothing fetched at build or view time by the theme.
    "analytics": {},
    "icon_links": [],
}
html_sidebars = {"**": ["sidebar-nav-all"]}
html_show_sourcelink = False
html_last_updated_fmt = None


# -- Docstrings inherited from scikit-learn ------------------------------------------

# Methods inherited from scikit-learn (score, set_params, set_output, the metadata
# routing setters, ...) keep their docstrings, whose :ref: and :term: roles point into
# scikit-learn's own documentation. That is not linked here (no intersphinx: the build
# is offline), so those roles become plain text instead of unresolved references.
_SKLEARN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _defined_in_sklearn(obj):
    obj = getattr(obj, "fget", obj)  # properties
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "sklearn"


def _unlink_sklearn_roles(app, what, name, obj, options, lines):
    if _defined_in_sklearn(obj):
        lines[:] = [_SKLEARN_ROLE.sub(r"\1", line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_roles)
