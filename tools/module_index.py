"""Print the module index of docs/architecture.md: every module of the package with the
first sentence of its docstring.

    python tools/module_index.py [--root spikesim]

``tests/architecture/test_architecture.py`` checks that the index in the document names
exactly the modules in the tree, so the document stays true as files move.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path


def modules(root: Path) -> list[Path]:
    """The package's module files, relative to the root's parent, in path order."""
    return sorted(p.relative_to(root.parent) for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line ("" without docstring)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def index_lines(root: Path) -> list[str]:
    """One markdown list item per module: ``- `path`: summary``."""
    return [f"- `{rel.as_posix()}`: {summary(root.parent / rel)}" for rel in modules(root)]


def documented_modules(doc: str) -> list[str]:
    """The module paths the index section of a document lists (lines ``- `path.py`: ...``)."""
    out = []
    for line in doc.splitlines():
        if line.startswith("- `") and ".py`" in line:
            out.append(line[3:line.index("`", 3)])
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the index."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("spikesim"), help="package directory")
    args = parser.parse_args(argv)
    print("\n".join(index_lines(args.root.resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
