"""Sphinx configuration of the slam-theory documentation.

Build with ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``): every
warning is an error. Nothing here reaches the network at build time: no intersphinx inventories,
no remote images, and the gallery's scripts make their own data.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document the checkout being built, not an installed copy


import slam_theory  # noqa: E402

os.environ.setdefault("MPLBACKEND", "Agg")

project = "slam-theory"
author = "slam-theory developers"
copyright = "slam-theory developers"
release = slam_theory.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "**/*.ipynb", "**/*.py", "**/*.md5", "**/*.zip"]

# -- cross references ---------------------------------------------------------------------------
# Not nitpicky: types in signatures and numpydoc fields name numpy, scipy and scikit-learn
# objects that this site does not document, and intersphinx would need the network. Every
# reference written with a role inside the project must still resolve (a broken one warns).
nitpicky = False
default_role = "literal"  # `x` in a docstring is code, never a guess at a cross reference

# -- autodoc / autosummary / numpydoc -------------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # each package's __all__ is its public API
autosummary_imported_members = True
autodoc_typehints = "none"  # types live in the numpydoc Parameters sections
autodoc_member_order = "groupwise"
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- MyST ---------------------------------------------------------------------------------------
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath"]

# -- sphinx-gallery -----------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "sphinx_gallery.sorting.FileNameSortKey",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("slam_theory",),
    "reference_url": {"slam_theory": None},
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
}

# -- HTML ---------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"slam-theory {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_static_path: list[str] = []
html_show_sourcelink = True


# -- hooks --------------------------------------------------------------------------------------
def _skip_member(app: object, what: str, name: str, obj: object, skip: bool, options: object):
    """Leave out scikit-learn's generated metadata-routing setters (``set_fit_request`` ...)."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def _constant_comment(fullname: str) -> list[str] | None:
    """The ``#:`` comment of a constant re-exported by a package, read where it is defined."""
    from sphinx.pycode import ModuleAnalyzer

    package, _, attr = fullname.rpartition(".")
    for modname in sorted(sys.modules):
        if modname != package and not modname.startswith(package + "."):
            continue
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except Exception:
            continue
        if ("", attr) in docs:
            return list(docs[("", attr)])
    return None


def _constant_docstring(app: object, what: str, name: str, obj: object, options: object,
                        lines: list[str]) -> None:
    """A public constant's docstring is its ``#:`` comment, never its type's docstring."""
    if what not in ("data", "attribute") or not name.startswith("slam_theory."):
        return
    comment = _constant_comment(name)
    if comment is not None:
        lines[:] = comment
        value = repr(obj)
        if len(value) <= 90 and "`" not in value:  # a short value is shown, a long one is not
            lines.extend(["", f"Value: ``{value}``", ""])
    else:
        type_doc = type(obj).__doc__
        if isinstance(type_doc, str) and "\n".join(lines).strip() == type_doc.strip():
            lines[:] = []


def setup(app: object) -> None:
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-docstring", _constant_docstring)
