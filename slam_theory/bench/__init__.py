"""Benchmarks against peer libraries, one topic module per area.

Each topic ``slam_theory.bench.<topic>`` exposes ``run(quick: bool = False) -> list[dict]``
whose dicts have the keys of :data:`FIELDS`.  ``slam-theory bench`` and
``python benchmarks/run.py`` collect them through :func:`run_all`.
"""

from __future__ import annotations

import importlib
import math
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["FIELDS", "TOPICS", "format_table", "run_all"]

#: Topic modules, in the order they run.
TOPICS: tuple[str, ...] = ("sampling", "halfspaces", "controls", "students", "streaming")

#: Keys of one benchmark result.
FIELDS: tuple[str, ...] = (
    "name", "ours_s", "peer", "peer_s", "ratio", "target", "met", "notes",
)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


def run_all(
    quick: bool = False,
    topics: Sequence[str] | None = None,
    *,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the benchmark topics and collect their results.

    Parameters
    ----------
    quick : bool, default=False
        Passed to each topic's ``run`` (small sizes, few repeats).
    topics : sequence of str, optional
        Topic names from :data:`TOPICS` (default: all).
    log : callable, optional
        Receives notes (a topic module that does not exist yet is skipped with a note);
        default prints to stderr.

    Returns
    -------
    list of dict
        Every topic's results, each with a ``"topic"`` key added.

    Raises
    ------
    ValueError
        If a topic name is not in :data:`TOPICS`.
    """
    say = log or _stderr
    chosen = list(TOPICS) if topics is None else list(topics)
    for t in chosen:
        if t not in TOPICS:
            raise ValueError(f"unknown bench topic {t!r} (choose from {', '.join(TOPICS)})")
    results: list[dict[str, Any]] = []
    for topic in chosen:
        full = f"{__name__}.{topic}"
        try:
            module = importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name == full:
                say(f"bench: topic {topic!r} not available yet, skipped")
                continue
            raise
        for item in module.run(quick=quick):
            results.append({"topic": topic, **item})
    return results


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value:.3g}" if abs(value) < 1e4 else f"{value:.2e}"
    return str(value)


def format_table(results: Sequence[dict[str, Any]], width: int = 100) -> str:
    """Format results as a plain-text table no wider than ``width`` columns.

    Parameters
    ----------
    results : sequence of dict
        Output of :func:`run_all`.
    width : int, default=100
        Longest line. Peers too long for the table are numbered (``[1]``) and spelled out
        under it; names are cut with ``~``; notes are wrapped.

    Returns
    -------
    str
        Columns name, ours_s, peer, peer_s, ratio, target, met (ratio = peer_s / ours_s,
        above 1 means we are faster).

    Examples
    --------
    >>> r = {"name": "x", "ours_s": 1.0, "peer": "p" * 200, "peer_s": 2.0, "ratio": 2.0,
    ...      "target": 1.5, "met": True}
    >>> max(len(line) for line in format_table([r]).splitlines()) <= 100
    True
    """
    cols = ("name", "ours_s", "peer", "peer_s", "ratio", "target", "met")
    if not results:
        return "no benchmark results"
    rows = [[_fmt(r.get(c)) for c in cols] for r in results]

    def widths() -> list[int]:
        return [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]

    legend: list[str] = []
    if sum(widths()) + 2 * (len(cols) - 1) > width:  # peers by number, spelled out below
        peers = list(dict.fromkeys(row[2] for row in rows))
        for row in rows:
            row[2] = f"[{peers.index(row[2]) + 1}]"
        legend = ["", "peers:"] + [
            line for i, p in enumerate(peers, 1)
            for line in textwrap.wrap(f"[{i}] {p}", width, initial_indent="  ",
                                      subsequent_indent="      ")]
    spare = width - (sum(widths()) + 2 * (len(cols) - 1))
    if spare < 0:  # still too wide: cut the names
        keep = max(8, widths()[0] + spare)
        for row in rows:
            if len(row[0]) > keep:
                row[0] = row[0][: keep - 1] + "~"
    w = widths()
    lines = ["  ".join(c.ljust(x) for c, x in zip(cols, w)).rstrip()]
    lines.append("  ".join("-" * x for x in w))
    lines += ["  ".join(v.ljust(x) for v, x in zip(row, w)).rstrip() for row in rows]
    n_met = sum(bool(r.get("met")) for r in results)
    lines.append(f"{n_met}/{len(results)} targets met")
    lines += legend
    notes = [(r.get("name"), r.get("notes")) for r in results if r.get("notes")]
    if notes:
        lines += ["", "notes:"] + [
            line for name, note in notes
            for line in textwrap.wrap(f"{name}: {note}", width, initial_indent="  ",
                                      subsequent_indent="      ")]
    return "\n".join(lines)
