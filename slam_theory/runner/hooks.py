"""The trial modules' hooks on a config's parameter points: ``check_params`` when a config loads,
``check_data`` just before a run.

A trial module may define ``check_params(trial_name, params)``: it is called on every parameter
point of a preset when the config is loaded (before any file is written) and raises
``ValueError`` or ``TypeError`` in one line for a value the trial would refuse.  A trial of this
package whose module defines none gets :data:`DEFAULT_CHECK`, the checks of the parameter names
the configs share.  It may also define ``check_data(trial_name, params)``, which
:func:`check_data_points` calls just before a run: it raises
:class:`~slam_theory.errors.DataUnavailableError` when data the trial reads from this machine
are missing, so that ``reproduce`` can skip that experiment in one line.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from slam_theory.errors import ConfigError
from slam_theory.runner.plan import grid_points
from slam_theory.runner.references import find_module, resolve_reference

__all__ = ["DEFAULT_CHECK", "check_data_points", "check_points"]

#: The parameter checks of a package trial whose module defines no ``check_params``.
DEFAULT_CHECK = "experiments.params:check_params"


def _grid_points(config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every parameter point of a resolved config (fixed values and one grid combination)."""
    for point in grid_points(config["grid"], config.get("exclude")):
        params = {**config["fixed"], **point}
        yield {k: params[k] for k in sorted(params)}


def _param_checker(trial: Any, allow_external: bool,
                   hook_name: str = "check_params") -> tuple[Any, str] | None:
    if callable(trial):
        module = inspect.getmodule(trial)
        name = getattr(trial, "__name__", "")
    else:
        try:
            module, name = find_module(trial, allow_external=allow_external)
        except ValueError:  # the reference was checked (and reported) by the validation
            return None
    hook = getattr(module, hook_name, None)
    if (hook_name == "check_params" and not inspect.isfunction(hook) and module is not None
            and module.__name__.startswith("slam_theory.experiments.")):
        # a trial of this package without its own check: the checks of the shared names
        hook = resolve_reference(DEFAULT_CHECK)
    return (hook, name) if inspect.isfunction(hook) else None


def check_points(config: dict[str, Any], source: str, allow_external: bool = False) -> None:
    """Call the trial module's ``check_params(trial_name, params)`` on every grid point.

    Raises
    ------
    ConfigError
        ``<source>: presets.<preset>: <the check's one line>`` for the first point refused.

    Examples
    --------
    >>> from slam_theory.runner import config_from_dict, example_config
    >>> raw = example_config()
    >>> check_points(config_from_dict(raw), "<demo>") is None   # every grid point accepted
    True
    """
    found = _param_checker(config["trial"], allow_external)
    if found is None:
        return
    hook, name = found
    for params in _grid_points(config):
        try:
            hook(name, params)
        except (ValueError, TypeError) as exc:
            msg = " ".join(str(exc).split())
            raise ConfigError(f"{source}: presets.{config['preset']}: {msg} (in [grid] or "
                              "[fixed], or the preset's)") from None


def check_data_points(config: dict[str, Any], allow_external: bool = False) -> None:
    """Call the trial module's ``check_data(trial_name, params)`` on every grid point.

    Raises
    ------
    DataUnavailableError
        As raised by the hook (the message names what is missing); nothing is wrapped.

    Examples
    --------
    >>> from slam_theory.runner import config_from_dict, example_config
    >>> config = config_from_dict(example_config())
    >>> check_data_points(config) is None        # that trial module has no check_data hook
    True
    """
    found = _param_checker(config["trial"], allow_external, "check_data")
    if found is None:
        return
    hook, name = found
    for params in _grid_points(config):
        hook(name, params)
