"""Architecture rules of the real ``spikesim`` package, checked by ``tools/archcheck.py``,
and ``docs/architecture.md`` held to the tree (one line per violation when they fail)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._tool import archcheck, module_index

PACKAGE = Path(__file__).resolve().parents[2] / "spikesim"
IMPORT_TIMEOUT = 120.0  # seconds for one fresh interpreter to import one module


def _fail_on(violations: list[str]) -> None:
    """Assert there are no violations, listing all of them otherwise."""
    assert not violations, f"{len(violations)} violation(s):\n" + "\n".join(violations)


def test_no_import_cycles() -> None:
    """No module imports, directly or not, a module that imports it."""
    _fail_on(archcheck.check_cycles(PACKAGE))


def test_layers() -> None:
    """Every module belongs to a layer and imports only the layers its layer may import."""
    _fail_on(archcheck.check_layers(PACKAGE))


def test_shape() -> None:
    """No function over 60 lines, no file over 500."""
    _fail_on(archcheck.check_shape(PACKAGE))


def test_doc_and_hint_coverage() -> None:
    """At least 95% of the public API documented and fully type-hinted."""
    report = archcheck.check_docs(PACKAGE)
    _fail_on(report.violations + [f"undocumented: {item}" for item in report.undocumented]
             + [f"not fully hinted: {item}" for item in report.unhinted] if report.violations else [])


def _import_alone(name: str) -> tuple[str, str | None, set[str]]:
    """Import ``name`` in a fresh interpreter: the module's name, the error if any, and the
    spikesim modules that interpreter then holds."""
    code = (f"import importlib, sys; importlib.import_module({name!r}); "
            "print(' '.join(m for m in sys.modules if m == 'spikesim' or m.startswith('spikesim.')))")
    try:
        # cwd: ``-c`` puts the working directory first on sys.path, so this tree's package is
        # imported even where another checkout is installed in editable mode.
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=IMPORT_TIMEOUT, check=False, cwd=PACKAGE.parent)
    except subprocess.TimeoutExpired:
        return name, f"timed out after {IMPORT_TIMEOUT:.0f} s", set()
    if done.returncode:
        lines = done.stderr.strip().splitlines()
        return name, lines[-1] if lines else f"exit status {done.returncode}", set()
    return name, None, set(done.stdout.split())


def _is_package(name: str) -> bool:
    return (PACKAGE.parent.joinpath(*name.split(".")) / "__init__.py").exists()


def test_every_module_imports_alone() -> None:
    """Each module imports first in a fresh interpreter (no hidden reliance on import order).

    A fresh ``import a.b.m`` imports ``a``, then ``a.b``, then ``m``: when the fresh import
    of the package ``a.b`` has already imported ``m``, importing ``m`` first does exactly
    the same, so only packages and the modules their package's import leaves out get a
    fresh interpreter of their own (a sixth of the modules when written: the check is the same).
    ``__main__`` modules are left out: importing one runs the program.
    """
    names = [name for name in archcheck.load_package(PACKAGE) if name.rpartition(".")[2] != "__main__"]
    packages = [name for name in names if _is_package(name)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_import_alone, packages))
        loaded_by = {name: mods for name, _, mods in results}
        rest = [name for name in names if name not in packages
                and name not in loaded_by.get(name.rpartition(".")[0], set())]
        results += list(pool.map(_import_alone, rest))
    assert len(packages) > 5 and len(results) < len(names)  # the shortcut took effect, and not on nothing
    _fail_on([f"{name}: {error}" for name, error, _ in results if error])


def test_architecture_document_indexes_every_module() -> None:
    """docs/architecture.md lists exactly the modules in the tree (regenerate its index with
    ``python tools/module_index.py`` when modules move)."""
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = module_index.documented_modules(doc)
    actual = [p.as_posix() for p in module_index.modules(PACKAGE)]
    assert sorted(listed) == actual, (f"missing: {sorted(set(actual) - set(listed))}, "
                                      f"gone: {sorted(set(listed) - set(actual))}")
