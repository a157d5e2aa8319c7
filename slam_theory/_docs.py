"""Docstring texts written once: ``%(name)s`` placeholders filled at import.

Where several functions or classes take the same arguments, the description of those arguments
is written once, in a dict next to them, and each docstring names it by a placeholder that
stands alone on its line::

    Parameters
    ----------
    %(wXy)s
    alpha : float
        ...

:func:`fill_docstrings`, called once at the end of the module (``fill_docstrings(globals(),
texts)``), replaces every placeholder of the module's functions, classes and methods by its
text, indented like the placeholder, so ``help()``, the doctests and the Sphinx pages (numpydoc)
all see the full docstring.  The texts are written flush left, in numpydoc form (a
``name : type`` line, then the description indented by four spaces); a text may also be whole
sections, headers included (the Parameters and Returns of methods with one signature).  An
unknown name fails the import.

It is a call and not a decorator on purpose: mutmut (``make mutation``) leaves decorated
functions and classes unmutated, methods included.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

__all__: list[str] = []

#: Texts shared across packages; :func:`fill_docstrings` always knows them.
TEXTS: dict[str, str] = {
    # the arguments of a loss of a linear model (losses, convergence)
    "wXy": """w : array-like of shape (d,)
    Weights.
X : array-like of shape (n, d)
    Features (finite).
y : array-like of shape (n,)
    Labels in ``{-1, +1}`` (the noisy ones, for the losses that correct for noise).""",
    # the RCN rate, where the caller knows it
    "eta": """eta : float
    RCN rate in ``[0, 1/2)``.""",
    # what a loss returns (the whole section)
    "value_grad": """Returns
-------
value : float
    Mean loss over the samples.
grad : ndarray of shape (d,)
    Its exact gradient in ``w``.""",
}
_PLACEHOLDER = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", flags=re.M)


def substitute(doc: str, texts: Mapping[str, str]) -> str:
    """``doc`` with each placeholder line replaced by its text, indented like the placeholder.

    Examples
    --------
    >>> print(substitute("Parameters\\n    ----------\\n    %(x)s\\n", {"x": "x : int\\n    A."}))
    Parameters
        ----------
        x : int
            A.
    <BLANKLINE>
    """

    def one(match: re.Match[str]) -> str:
        indent, name = match.group(1), match.group(2)
        if name not in texts:
            raise KeyError(f"docstring placeholder %({name})s has no text")
        return textwrap.indent(texts[name].strip("\n"), indent)

    return _PLACEHOLDER.sub(one, doc)


def _fill(obj: Any, table: Mapping[str, str]) -> None:
    doc = getattr(obj, "__doc__", None)
    if isinstance(doc, str) and "%(" in doc:
        obj.__doc__ = substitute(doc, table)


def fill_docstrings(namespace: Mapping[str, Any], texts: Mapping[str, str] | None = None) -> None:
    """Fill the placeholders of every function and class a module defines, methods included.

    ``namespace`` is the module's ``globals()``; ``texts`` are its shared texts (besides
    :data:`TEXTS`).  Objects the module imports from elsewhere are left alone.

    Examples
    --------
    >>> def norm(x, y):
    ...     '''Euclidean norm.
    ...
    ...     Parameters
    ...     ----------
    ...     %(xy)s
    ...     '''
    >>> fill_docstrings({"__name__": __name__, "norm": norm},
    ...                 {"xy": "x, y : float\\n    Coordinates."})
    >>> print(norm.__doc__.splitlines()[4:6])
    ['    x, y : float', '        Coordinates.']
    """
    table = {**TEXTS, **(texts or {})}
    module = namespace["__name__"]
    for obj in list(namespace.values()):
        if getattr(obj, "__module__", None) != module or not callable(obj):
            continue
        _fill(obj, table)
        if isinstance(obj, type):
            for member in vars(obj).values():
                _fill(getattr(member, "__func__", member), table)  # classmethod, staticmethod
