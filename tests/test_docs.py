"""The documentation's pages and gallery: code on the pages runs, the gallery is complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)


PAGES = sorted(DOCS.glob("*.md"))
BLOCKS = [(p.name, i, b) for p in PAGES for i, b in enumerate(_python_blocks(p))]


def test_the_quickstart_has_code() -> None:
    assert any(name == "quickstart.md" for name, _, _ in BLOCKS)


@pytest.mark.parametrize(("page", "index", "block"), BLOCKS,
                         ids=[f"{p}-{i}" for p, i, _ in BLOCKS])
def test_docs_python_block_runs(page: str, index: int, block: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(block, f"docs/{page}[{index}]", "exec"), {"__name__": "__docs__"})


def test_every_example_is_in_the_gallery_and_has_a_title() -> None:
    scripts = sorted(EXAMPLES.glob("plot_*.py"))
    assert len(scripts) >= 7
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        title = re.match(r'"""\n(.+)\n(=+)\n', text)
        assert title and len(title.group(2)) >= len(title.group(1)), script.name
        assert "plt.show()" in text or "print(" in text, script.name


def test_every_page_reference_in_the_docs_names_an_example() -> None:
    stems = {p.stem for p in EXAMPLES.glob("plot_*.py")}
    for page in PAGES:
        for ref in re.findall(r"sphx_glr_auto_examples_(\w+)\.py", page.read_text("utf-8")):
            assert ref in stems, f"{page.name} links to a missing example {ref}"


def test_the_quickstart_tour_prints_what_the_page_says(capsys: pytest.CaptureFixture) -> None:
    page = (DOCS / "quickstart.md").read_text(encoding="utf-8")
    exec(compile(_python_blocks(DOCS / "quickstart.md")[0], "quickstart", "exec"), {})
    out = dict(re.findall(r"^(\w+)\s+disagreement with w\*: ([0-9.]+)$", capsys.readouterr().out,
                          flags=re.M))
    assert "keep a disagreement of about a third" in page and "reaches about\nzero" in page
    assert 0.25 <= float(out["mean"]) <= 0.4 and 0.25 <= float(out["logreg_exact"]) <= 0.4
    assert float(out["slam"]) <= 0.01


def _api_modules() -> list[str]:
    text = (DOCS / "api" / "index.rst").read_text(encoding="utf-8")
    return re.findall(r"^   (slam_theory\.\w+)$", text, flags=re.M)


def test_every_public_class_and_function_of_the_api_reference_has_an_example() -> None:
    import importlib
    import inspect

    modules = _api_modules()
    assert "slam_theory.halfspaces" in modules and "slam_theory.experiments" in modules
    missing = []
    for name in modules:
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and \
                    "Examples\n--------" not in (inspect.getdoc(obj) or ""):
                missing.append(f"{name}.{attr}")
    assert not missing, f"public names without an Examples section: {missing}"


def test_no_public_docstring_keeps_a_placeholder() -> None:
    """Shared texts (``slam_theory._docs``) are filled in at import, methods' included."""
    import importlib
    import inspect

    left = []
    for name in _api_modules():
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            members = [obj]
            if inspect.isclass(obj):
                members += [m for _, m in inspect.getmembers(obj) if inspect.isfunction(m)]
            left += [f"{name}.{attr}" for m in members if "%(" in (getattr(m, "__doc__", "") or "")]
    assert not left, f"docstrings with an unfilled %(name)s placeholder: {sorted(set(left))}"
