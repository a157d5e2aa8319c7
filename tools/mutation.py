"""Mutation testing of slam_theory, one module group at a time, and its score per module.

Usage (from the repository root; ``make mutation`` runs the first form)::

    python tools/mutation.py                       # every module group below, then the kernels
    python tools/mutation.py stats noise           # only these groups
    python tools/mutation.py --kernels-only        # only the curated numba-kernel mutants
    python tools/mutation.py --report-only stats   # re-read a finished run, print the score

Each group is run by mutmut (3.x, configured by ``[tool.mutmut]`` in pyproject.toml) in its own
copy of the tree under ``--workdir``, with ``only_mutate`` set to the group's files and only the
group's own test files selected, so a run takes minutes.  mutmut cannot mutate Numba ``@njit``
functions (its trampolines are plain Python), so ``slam_theory/_kernels/`` is excluded from it and
handled by :data:`KERNEL_MUTANTS` (listed in ``tools/kernel_mutants.py``) instead: each is a
small text edit applied to a copy of the kernel file, one at a time, with only the relevant tests
run (a kill is a failing run).  The unmutated copy must pass those tests first; each mutant then
runs on a copy of that baseline's Numba cache minus the mutated module and the kernel modules
that call into it (Numba caches a caller keyed by its own file only).  ``--kernel-mutant NAME``
reruns chosen kernel mutants and keeps the others' recorded results.

Survivors that are equivalent mutants (no input can tell them apart from the original) are listed,
each with its reason, in ``tools/mutation_equivalent.toml`` (kernel mutants under ``[kernels]``);
the score of a group is ``killed / (total - equivalent)``, and a run stopped before its end also
reports the score over the mutants it checked.  mutmut names mutants by function and index, so
after a function changes, its entries must be checked again: an entry whose mutant was killed or
no longer exists is reported as stale.  The per-group result is printed and written to
``--out`` (JSON).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import kernel_mutants as _kernel_mutants

ROOT = Path(__file__).resolve().parents[1]

#: group -> (files mutmut mutates, test files it runs).  The trial store is ``results``.
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "stats": (["slam_theory/stats/*"],
              ["tests/test_stats.py", "tests/test_stats_calibration.py",
               "tests/test_stats_mutants.py"]),
    "noise": (["slam_theory/noise/*"], ["tests/test_noise.py"]),
    "losses": (["slam_theory/losses.py"], ["tests/test_losses.py"]),
    "bounds": (["slam_theory/bounds/*"], ["tests/test_bounds.py"]),
    "validation": (["slam_theory/_validation.py"], ["tests/test_validation.py"]),
    # instances.py and real.py have their own test files, the halfspace samplers' kernels
    # theirs (test_data.py alone left a third of the mutants without a covering test); without
    # the rate_gamma control experiment (time)
    "data": (["slam_theory/data/*"],
             ["tests/test_data.py", "tests/test_instances.py", "tests/test_data_real.py",
              "tests/test_kernels_sampling.py", "tests/test_data_mutants.py",
              "-k", "not defeats_all_three_controls"]),
    # without scikit-learn's check_estimator suite, as for distill (time); the other test files
    # that import halfspaces (experiments, fuzz, plotting, docs) are slow or test something else
    "halfspaces": (["slam_theory/halfspaces/*"],
                   ["tests/test_halfspaces.py", "tests/test_halfspaces_alg1.py",
                    "tests/test_halfspaces_registry.py", "tests/test_halfspaces_mutants.py",
                    "-k", "not sklearn_compatible"]),
    # without scikit-learn's check_estimator suites: a survivor ran all of them (~100 tests),
    # which put the group's run past two hours on a shared 2-core machine
    "distill": (["slam_theory/distill/*"],
                ["tests/test_distill.py", "tests/test_distill_classifier.py",
                 "tests/test_distill_mixing.py", "tests/test_distill_student.py",
                 "tests/test_distill_mutants.py", "tests/test_distill_classifier_mutants.py",
                 "-k", "not check_estimator"]),
    "results": (["slam_theory/results/*"],
                ["tests/test_store.py", "tests/test_results_mutants.py"]),
}

#: Curated mutants of the Numba kernels: (name, file, original text, mutated text, tests), in
#: tools/kernel_mutants.py.  Each original text must occur exactly once in its file (else the
#: mutant is reported stale); tests are paths or pytest node ids.
KERNEL_MUTANTS: list[tuple[str, str, str, str, list[str]]] = _kernel_mutants.KERNEL_MUTANTS

KILLED = {"killed", "timeout", "segfault", "caught by type check"}

#: Environment of a mutmut run.  mutmut forks every mutant from the process that collected the
#: stats, where the Numba kernels already ran; GNU OpenMP (Numba's default threading layer here)
#: SIGTERMs a forked child that runs a ``prange`` kernel ("fork() called from a process already
#: using GNU OpenMP"), which mutmut reports as "suspicious" without running the mutant's tests.
#: The workqueue layer is fork-safe, and the kernels give the same output on it.
MUTMUT_ENV = {"PYTHONHASHSEED": "0", "NUMBA_THREADING_LAYER": "workqueue"}


def _copy_tree(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "mutants")
    for name in ("slam_theory", "tests"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)


def _write_group_config(dest: Path, only: list[str], tests: list[str]) -> None:
    """pyproject.toml of the copy: the repository's ``[tool.mutmut]``, narrowed to the group."""
    text = (dest / "pyproject.toml").read_text()
    base = tomllib.loads(text).get("tool", {}).get("mutmut", {})
    cfg = dict(base)
    cfg["only_mutate"] = only
    # paths that exist in the copy, and pytest options as they are (e.g. "-k", "not slow")
    cfg["pytest_add_cli_args_test_selection"] = [
        t for t in tests if not t.startswith("tests/") or (dest / t.split("::")[0]).exists()]
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    lines = ["[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in cfg.items()]
    (dest / "pyproject.toml").write_text(text.rstrip() + "\n\n" + "\n".join(lines) + "\n")


def _statuses(dest: Path) -> dict[str, str]:
    from mutmut.stats import status_by_exit_code

    out: dict[str, str] = {}
    for meta in (dest / "mutants").rglob("*.meta"):
        codes = json.loads(meta.read_text()).get("exit_code_by_key", {})
        out.update({k: status_by_exit_code[v] for k, v in codes.items()})
    return out


def _functions(dest: Path) -> dict[str, str]:
    """``{function name: source}`` of every function in mutmut's ``mutants/`` copy.

    mutmut keeps each mutant as a function ``<name>__mutmut_<i>`` beside the original
    ``<name>__mutmut_orig``, so a mutant's diff is read from the source instead of one
    ``mutmut show`` process per survivor.
    """
    out: dict[str, str] = {}
    for py in (dest / "mutants" / "slam_theory").rglob("*.py"):
        text = py.read_text()
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out[node.name] = "\n".join(lines[node.lineno: node.end_lineno])
    return out


def _diff(functions: dict[str, str], name: str) -> str:
    fn = name.split(".")[-1]
    orig = functions.get(fn.rsplit("__mutmut_", 1)[0] + "__mutmut_orig")
    mut = functions.get(fn)
    if orig is None or mut is None:
        return "?"
    keep = [ln for ln in difflib.unified_diff(orig.splitlines(), mut.splitlines(), lineterm="",
                                              n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    return " | ".join(ln.strip() for ln in keep)[:300]


def _equivalents() -> dict[str, dict[str, str]]:
    path = ROOT / "tools" / "mutation_equivalent.toml"
    return tomllib.loads(path.read_text()) if path.exists() else {}


def score_group(group: str, dest: Path, seconds: float | None) -> dict[str, Any]:
    st = _statuses(dest)
    equiv = _equivalents().get(group, {})
    counts: dict[str, int] = {}
    for s in st.values():
        counts[s] = counts.get(s, 0) + 1
    killed = sum(v for k, v in counts.items() if k in KILLED)
    survivors = sorted(k for k, s in st.items() if s not in KILLED and s != "not checked")
    eq = [k for k in survivors if k in equiv]
    stale = sorted(k for k in equiv if st.get(k) not in ("survived", "no tests", "suspicious"))
    live = [k for k in survivors if k not in equiv]
    functions = _functions(dest) if live else {}
    total = len(st)
    denom = total - len(eq)
    return {
        "group": group,
        "total": total,
        "killed": killed,
        "equivalent": len(eq),
        "survived": len(live),
        "not_checked": counts.get("not checked", 0),
        "score": killed / denom if denom else None,
        # a run stopped before the end: the score over the mutants it checked
        "score_of_checked": (killed / (denom - counts.get("not checked", 0))
                             if denom - counts.get("not checked", 0) else None),
        "by_status": counts,
        "survivors": {k: _diff(functions, k) for k in live},
        "stale_equivalent_entries": stale,
        "seconds": seconds,
    }


def run_group(group: str, workdir: Path, max_children: int, report_only: bool) -> dict[str, Any]:
    only, tests = GROUPS[group]
    dest = workdir / group
    seconds = None
    if not report_only:
        _copy_tree(dest)
        _write_group_config(dest, only, tests)
        t0 = time.perf_counter()
        with open(dest / "mutmut.log", "w") as log:
            subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children",
                            str(max_children)], cwd=dest, stdout=log, stderr=subprocess.STDOUT,
                           check=False, env={**os.environ, **MUTMUT_ENV})
        seconds = round(time.perf_counter() - t0, 1)
    return score_group(group, dest, seconds)


def _kernel_dependents(kernels: Path) -> dict[str, set[str]]:
    """``{module: modules whose compiled code includes it}`` among the kernel files.

    Numba links a called kernel's code into its caller and caches the caller keyed by the
    caller's own file only, so after editing ``rng.py`` the cached ``sampling`` kernels would
    still run the old code: a mutant's cache must drop the mutated module and all of these.
    """
    imports: dict[str, set[str]] = {}
    for f in kernels.glob("*.py"):
        found = re.findall(r"^from (?:slam_theory\._kernels|)\.?(\w+) import", f.read_text(), re.M)
        imports[f.stem] = {m for m in found if (kernels / f"{m}.py").exists()}
    out: dict[str, set[str]] = {}
    for mod in imports:
        closure, todo = {mod}, [mod]
        while todo:
            cur = todo.pop()
            for user, deps in imports.items():
                if cur in deps and user not in closure:
                    closure.add(user)
                    todo.append(user)
        out[mod] = closure
    return out


def _pytest(dest: Path, tests: list[str], cache: Path) -> int:
    keep = [t for t in tests if (dest / t.split("::")[0]).exists()]
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *keep],
        cwd=dest, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(dest), "NUMBA_CACHE_DIR": str(cache)},
    )
    return res.returncode


def run_kernels(workdir: Path, names: list[str] | None = None,
                previous: dict[str, str] | None = None) -> dict[str, Any]:
    """Apply each curated kernel mutant to a copy, run its tests; killed = the run fails.

    The unmutated copy must pass every selected test first (a baseline, which also fills a
    Numba cache); each mutant then runs on a copy of that cache without the entries of the
    mutated module and of the kernel modules that call into it, and the original file is put
    back with its original timestamps (so the baseline cache stays valid for it).  With
    ``names``, only those mutants run; the others keep their ``previous`` result.
    """
    dest = workdir / "kernels"
    _copy_tree(dest)
    base_cache = dest / ".nc-base"
    chosen = [m for m in KERNEL_MUTANTS if names is None or m[0] in names]
    all_tests = sorted({t for *_, tests in chosen for t in tests})
    t0 = time.perf_counter()
    if _pytest(dest, all_tests, base_cache) != 0:
        raise SystemExit("kernel mutants: the unmutated tree fails its tests; fix that first")
    deps = _kernel_dependents(dest / "slam_theory" / "_kernels")
    known = {m[0] for m in KERNEL_MUTANTS}
    results = {k: v for k, v in (previous or {}).items() if k in known}
    for name, rel, old, new, tests in chosen:
        path = dest / rel
        src = path.read_text()
        if src.count(old) != 1:
            results[name] = "stale"
            continue
        cache = dest / ".nc-mutant"
        if cache.exists():
            shutil.rmtree(cache)
        shutil.copytree(base_cache, cache)
        drop = deps.get(path.stem, {path.stem})
        for f in cache.rglob("*"):
            if f.is_file() and f.name.split(".")[0] in drop:
                f.unlink()
        st = path.stat()
        path.write_text(src.replace(old, new))
        try:
            code = _pytest(dest, tests, cache)
            results[name] = "killed" if code == 1 else (
                "survived" if code == 0 else f"error (exit {code})")
        finally:
            path.write_text(src)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        print(f"  kernel mutant {name}: {results[name]}", flush=True)
    equiv = _equivalents().get("kernels", {})
    checked = [k for k, v in results.items() if v in ("killed", "survived")]
    killed = sum(results[k] == "killed" for k in checked)
    n_eq = sum(results[k] == "survived" and k in equiv for k in checked)
    denom = len(checked) - n_eq
    return {"group": "kernels", "total": len(checked), "killed": killed, "equivalent": n_eq,
            "survived": len(checked) - killed - n_eq, "score": killed / denom if denom else None,
            "mutants": results, "seconds": round(time.perf_counter() - t0, 1),
            "stale_equivalent_entries": sorted(k for k in equiv if results.get(k) != "survived")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("groups", nargs="*", help=f"groups to run (default: all of {list(GROUPS)})")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/slam-mutation"))
    ap.add_argument("--max-children", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "mutation.json")
    ap.add_argument("--report-only", action="store_true", help="score a finished run only")
    ap.add_argument("--kernels-only", action="store_true")
    ap.add_argument("--no-kernels", action="store_true")
    ap.add_argument("--kernel-mutant", action="append", default=None, metavar="NAME",
                    help="with --kernels-only: rerun only this curated kernel mutant "
                         "(repeatable; the others keep their recorded result)")
    args = ap.parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        ap.error(f"unknown group(s) {unknown}; choose from {list(GROUPS)}")
    groups = [] if args.kernels_only else (args.groups or list(GROUPS))
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    record = dict(previous.get("groups", {}))
    for g in groups:
        r = run_group(g, args.workdir, args.max_children, args.report_only)
        record[g] = r
        pct = "n/a" if r["score"] is None else f"{100 * r['score']:.1f}%"
        print(f"{g:12s} killed {r['killed']:4d} / {r['total'] - r['equivalent']:4d} non-equivalent"
              f" ({r['equivalent']} equivalent, {r['survived']} survived, "
              f"{r['not_checked']} not checked): {pct}  [{r['seconds']} s]", flush=True)
        if r["not_checked"] and r["score_of_checked"] is not None:
            print(f"  of the {r['total'] - r['not_checked']} checked: "
                  f"{100 * r['score_of_checked']:.1f}%")
        if r["stale_equivalent_entries"]:
            print(f"  stale equivalent entries: {r['stale_equivalent_entries']}")
    if (args.kernels_only or not args.groups) and not args.no_kernels:
        r = run_kernels(args.workdir, args.kernel_mutant,
                        record.get("kernels", {}).get("mutants") if args.kernel_mutant else None)
        record["kernels"] = r
        print(f"{'kernels':12s} killed {r['killed']:4d} / {r['total'] - r['equivalent']:4d} "
              f"non-equivalent ({r['equivalent']} equivalent): {r['mutants']}")
    import mutmut

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"tool": f"mutmut {mutmut.__version__}", "groups": record},
                                   indent=1, sort_keys=True) + "\n")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
