"""The demo experiment of the docstring Examples: a raw config dict, or a TOML file of one.

Every Example of the runner that needs an experiment builds this one, so each still runs on
its own page and the config is spelled out once.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["example_config", "example_config_file"]


def example_config(**over: Any) -> dict[str, Any]:
    """The demo experiment: a raw config (with ``presets``), ``over`` replacing top-level keys.

    The trial measures the ``mean`` learner's disagreement with ``w*`` on margin data
    (``d = 5``, ``gamma = 0.1``, RCN ``eta = 0.1``) at ``n = 100`` and ``1000``; the quick preset
    runs two seeds, the full one ten.  Each call returns a new dict.

    Parameters
    ----------
    **over
        Top-level keys to replace or add (``grid``, ``figures``, ``presets``, ...).

    Returns
    -------
    dict
        Keys ``name`` (``"demo"``), ``description``, ``trial``, ``root_seed``, ``fixed``,
        ``grid``, ``presets`` and those of ``over``.

    Examples
    --------
    >>> from slam_theory.runner import config_from_dict
    >>> config = config_from_dict(example_config())
    >>> config["fixed"], config["grid"], config["seeds"]
    ({'d': 5, 'gamma': 0.1, 'eta': 0.1, 'learner': 'mean'}, {'n': [100, 1000]}, 2)
    >>> example_config(grid={"n": [100]})["grid"]
    {'n': [100]}
    """
    return {
        "name": "demo",
        "description": "the mean of y x on the sphere",
        "trial": "experiments.halfspace_trial:halfspace_error",
        "root_seed": 0,
        "fixed": {"d": 5, "gamma": 0.1, "eta": 0.1, "learner": "mean"},
        "grid": {"n": [100, 1000]},
        "presets": {"quick": {"seeds": 2}, "full": {"seeds": 10}},
        **over,
    }


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml(value: Any) -> str:
    """``value`` (a scalar, an array or a table of them) as a TOML inline value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"a config holds scalars, arrays and tables, not {type(value).__name__}")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


@contextlib.contextmanager
def example_config_file(**over: Any) -> Iterator[Path]:
    """:func:`example_config` (with ``over``) as a TOML file in a new temporary directory.

    The directory (the file's ``parent``, free for results and figures too) is removed when
    the ``with`` block ends.

    Parameters
    ----------
    **over
        As for :func:`example_config`.

    Yields
    ------
    Path
        ``<temporary directory>/<name>.toml``: the stem is the config's ``name``, as
        :func:`load_config` requires.

    Raises
    ------
    ValueError
        A value TOML cannot hold as given (the file would not read back as the config).

    Examples
    --------
    >>> from slam_theory.runner import load_config
    >>> with example_config_file(figures=["experiments.rates_figures:fig_rate_claims"]) as path:
    ...     config = load_config(path, "full")
    >>> path.name, config["seeds"], config["figures"], path.exists()
    ('demo.toml', 10, ['experiments.rates_figures:fig_rate_claims'], False)
    """
    config = example_config(**over)
    text = "".join(f"{_key(k)} = {_toml(v)}\n" for k, v in config.items())
    if tomllib.loads(text) != config:
        raise ValueError("the config does not survive as TOML (tuples, or strings TOML "
                         "cannot hold)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{config['name']}.toml"
        path.write_text(text, encoding="utf-8")
        yield path
