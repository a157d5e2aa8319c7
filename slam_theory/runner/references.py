"""Trial, analysis and figure references: ``"<module>:<function>"`` resolved to a function.

A reference resolves only to a function *defined in* a module a configuration may name:
``experiments.<module>``, looked up as ``slam_theory.experiments.<module>``. Anything else
(``__main__:main``, ``cli:main``, ``os:system``, a top-level ``slam_theory`` module such as
``runner``, a class, an imported name, a private name) is refused in one line *before* any
module outside the allowlist is imported.

Examples
--------
>>> try:
...     resolve_reference("os:system")
... except ValueError as exc:
...     print(str(exc).split(" (")[0])
'os:system': module 'os' is not one a config may name
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["find_module", "resolve_reference"]


def _allowed(mod_name: str) -> bool:
    parts = mod_name.split(".")
    return len(parts) == 2 and parts[0] == "experiments"


def _split(ref: Any) -> tuple[str, str]:
    if not isinstance(ref, str) or ref.count(":") != 1:
        raise ValueError(f"expected '<module>:<function>', got {ref!r}")
    mod_name, func_name = ref.split(":")
    parts = mod_name.split(".")
    if not all(p.isidentifier() for p in parts) or not func_name.isidentifier():
        raise ValueError(f"expected '<module>:<function>' made of identifiers, got {ref!r}")
    if any(p.startswith("_") for p in parts) or func_name.startswith("_"):
        raise ValueError(f"{ref!r}: private names cannot be referenced")
    return mod_name, func_name


def _import(full: str) -> ModuleType | None:
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        # only "this module does not exist" is a config mistake; a missing dependency
        # inside an existing module is a bug and propagates
        if exc.name is None or not (full == exc.name or full.startswith(exc.name + ".")):
            raise
        return None


def find_module(ref: str, *, allow_external: bool = False) -> tuple[ModuleType, str]:
    """Import the module a reference names (after the allowlist check); return it and the
    function name.

    Raises
    ------
    ValueError
        Malformed reference, a module outside the allowlist, or no such module.
    """
    mod_name, func_name = _split(ref)
    if _allowed(mod_name):
        module = _import(f"slam_theory.{mod_name}")
        if module is None:
            raise ValueError(f"no module slam_theory.{mod_name} (in {ref!r})")
        return module, func_name
    top = mod_name.split(".")[0]
    if allow_external and top not in ("slam_theory", "__main__", "builtins"):
        module = _import(mod_name)
        if module is not None and not getattr(module, "__name__", "").startswith("slam_theory"):
            return module, func_name
    raise ValueError(
        f"{ref!r}: module {mod_name!r} is not one a config may name (experiments.<module>)")


def resolve_reference(ref: str, *, allow_external: bool = False) -> Callable[..., Any]:
    """Resolve ``"<module>:<function>"`` to a function defined in that module.

    Parameters
    ----------
    ref : str
        ``"experiments.<module>:<function>"`` (looked up as
        ``slam_theory.experiments.<module>``).
    allow_external : bool, default=False
        Also accept a module outside ``slam_theory`` (imported by its absolute name; used by
        tests for trial functions of their own).

    Returns
    -------
    function

    Raises
    ------
    ValueError
        One line: a malformed reference, a module outside the allowlist, a missing module or
        function, or an attribute that is not a function defined in that module. Import
        errors *inside* an existing module propagate.

    Examples
    --------
    >>> resolve_reference("experiments.halfspace_trial:halfspace_error").__module__
    'slam_theory.experiments.halfspace_trial'
    >>> try:
    ...     resolve_reference("trials:halfspace_error")
    ... except ValueError as exc:
    ...     print(str(exc).split(" (")[0])
    'trials:halfspace_error': module 'trials' is not one a config may name
    >>> try:
    ...     resolve_reference("cli:main")
    ... except ValueError as exc:
    ...     print(str(exc).split(" (")[0])
    'cli:main': module 'cli' is not one a config may name
    """
    module, func_name = find_module(ref, allow_external=allow_external)
    func = getattr(module, func_name, None)
    if func is None:
        raise ValueError(f"module {module.__name__} has no function {func_name!r}")
    if not inspect.isfunction(func) or func.__module__ != module.__name__:
        raise ValueError(f"{module.__name__}.{func_name} is not a function defined in "
                         f"{module.__name__}")
    return func


@functools.lru_cache(maxsize=64)
def resolve_cached(ref: str, allow_external: bool) -> Callable[..., Any]:
    """:func:`resolve_reference` with a cache (workers resolve each reference once)."""
    return resolve_reference(ref, allow_external=allow_external)
