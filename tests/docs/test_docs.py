"""The documentation site: it builds in strict mode, every example has its page, and the
spikesim snippets of the guides run as written.

Code blocks fenced as ```python are spikesim code and run here (the blocks of one page
in order, in one namespace, in a temporary folder); other simulators' code on the
"coming from" pages is fenced as ```py and only shown.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "tools"))
import docs_figures  # noqa: E402

RUNNABLE = sorted([DOCS / "getting-started.md", *(DOCS / "guides").glob("*.md"), *(DOCS / "coming-from").glob("*.md")])


def _blocks(page: Path) -> list[str]:
    """The page's ```python blocks, also those indented inside tabs, dedented."""
    found = re.findall(r"^( *)```python\n(.*?)^\1```", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return [textwrap.dedent(body) for _indent, body in found]


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("mkdocstrings") is None,
                    reason="mkdocs or mkdocstrings is not installed: pip install -e '.[docs]' to build the site")
def test_site_builds_strict_without_warnings(tmp_path):
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    took = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    assert "WARNING" not in log, log[-5000:]
    assert (tmp_path / "site" / "index.html").exists()
    assert took < 120, f"the strict build took {took:.0f} s"


def test_every_example_has_a_page_with_its_figures_and_source():
    examples = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))
    assert sorted(docs_figures.RUNS) == examples, "tools/docs_figures.py RUNS must list every example"
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in examples:
        page = DOCS / "examples" / f"{name}.md"
        assert page.exists(), f"no docs page for examples/{name}.py"
        text = page.read_text(encoding="utf-8")
        assert f'--8<-- "examples/{name}.py"' in text, f"{page.name} does not include the example's source"
        assert f'--8<-- "docs/examples/output/{name}.txt"' in text, f"{page.name} does not show the printout"
        assert (DOCS / "examples" / "output" / f"{name}.txt").exists()
        assert f"examples/{name}.md" in nav, f"examples/{name}.md is not in the nav of mkdocs.yml"
        for made, kept in docs_figures.RUNS[name][1].items():
            figs = [kept] if kept != "*" else [p.name for p in (DOCS / "examples" / "figures").glob(made)]
            assert figs, f"no figure of examples/{name}.py in docs/examples/figures (run tools/docs_figures.py)"
            for fig in figs:
                assert (DOCS / "examples" / "figures" / fig).exists(), fig
                assert f"figures/{fig}" in text, f"{page.name} does not show {fig}"


@pytest.mark.parametrize("page", RUNNABLE, ids=[p.stem for p in RUNNABLE])
def test_page_snippets_run(page, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__docs__"}
    for i, block in enumerate(_blocks(page)):
        exec(compile(block, f"{page.relative_to(ROOT)} block {i}", "exec"), namespace)
    import matplotlib.pyplot as plt
    plt.close("all")
