"""Tests of ``tools/archcheck.py`` on small synthetic packages written to ``tmp_path``.

Each test asserts the exact violation found in a bad tree and that the clean variant gives none.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ._tool import archcheck

Layer = archcheck.Layer
Edge = archcheck.Edge


def write_tree(base: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path relative to ``base`` -> source) and return ``base / "pkg"``."""
    for rel, source in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return base / "pkg"


# --- import graph and cycles ---


def test_cycle_through_function_level_import(tmp_path: Path) -> None:
    """a imports b at module level, b imports a inside a function: a cycle all the same."""
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "import pkg.b\n",
        "pkg/b.py": "def f() -> None:\n    from . import a\n",
    }
    root = write_tree(tmp_path, files)
    assert archcheck.check_cycles(root) == [
        "import cycle among 2 modules (pkg.a, pkg.b): pkg.a -> pkg.b [pkg/a.py:1] -> pkg.a [pkg/b.py:2]"
    ]
    (root / "b.py").write_text("def f() -> None:\n    pass\n")
    assert archcheck.check_cycles(root) == []


def test_cycle_through_type_checking_import(tmp_path: Path) -> None:
    """An import under ``if TYPE_CHECKING:`` counts, as one inside try/except does."""
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg.b import B
            A = 1
            """,
        "pkg/b.py": "try:\n    from .a import A\nexcept ImportError:\n    pass\nB = 2\n",
    }
    root = write_tree(tmp_path, files)
    assert archcheck.check_cycles(root) == [
        "import cycle among 2 modules (pkg.a, pkg.b): pkg.a -> pkg.b [pkg/a.py:3] -> pkg.a [pkg/b.py:2]"
    ]
    (root / "a.py").write_text("A = 1\n")
    assert archcheck.check_cycles(root) == []


def test_three_module_cycle_names_every_step(tmp_path: Path) -> None:
    """A longer cycle is reported once, with every import of one cycle path."""
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\n",
        "pkg/b.py": "\nfrom pkg import c\n",
        "pkg/c.py": "\n\nfrom .a import x\n",
    }
    assert archcheck.check_cycles(write_tree(tmp_path, files)) == [
        "import cycle among 3 modules (pkg.a, pkg.b, pkg.c): pkg.a -> pkg.b [pkg/a.py:1] "
        "-> pkg.c [pkg/b.py:2] -> pkg.a [pkg/c.py:3]"
    ]


def test_reexporting_init_is_no_cycle(tmp_path: Path) -> None:
    """No implicit edge from a submodule to its parent, and self-imports are ignored."""
    files = {
        "pkg/__init__.py": "from .a import f\nfrom . import VERSION\nVERSION = 1\n",
        "pkg/a.py": "def f() -> None:\n    pass\n",
        "pkg/sub/__init__.py": "from .m import g\n",
        "pkg/sub/m.py": "from pkg.a import f\ng = f\n",
    }
    root = write_tree(tmp_path, files)
    assert archcheck.check_cycles(root) == []
    edges = archcheck.import_edges(archcheck.load_package(root), "pkg")
    assert [(e.source, e.target) for e in edges] == [
        ("pkg", "pkg.a"), ("pkg.sub", "pkg.sub.m"), ("pkg.sub.m", "pkg.a")]


def test_relative_import_of_sibling_module(tmp_path: Path) -> None:
    """``from . import sibling`` goes to the sibling module; ``from . import name`` to the package."""
    files = {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "NAME = 1\n",
        "pkg/sub/x.py": "from . import y\nfrom . import NAME\n",
        "pkg/sub/y.py": "",
    }
    edges = archcheck.import_edges(archcheck.load_package(write_tree(tmp_path, files)), "pkg")
    assert edges == [Edge("pkg.sub.x", "pkg.sub.y", "pkg/sub/x.py", 1),
                     Edge("pkg.sub.x", "pkg.sub", "pkg/sub/x.py", 2)]


def test_parent_relative_import_resolves_to_package_init(tmp_path: Path) -> None:
    """``from ..inner import name`` (a name of ``inner/__init__.py``) goes to ``pkg.inner``."""
    files = {
        "pkg/__init__.py": "",
        "pkg/inner/__init__.py": "thing = 1\n",
        "pkg/inner/deep.py": "",
        "pkg/outer/__init__.py": "",
        "pkg/outer/m.py": "from ..inner import thing\nfrom ..inner import deep\nimport os, pkg.inner.deep\n",
    }
    edges = archcheck.import_edges(archcheck.load_package(write_tree(tmp_path, files)), "pkg")
    assert [(e.target, e.lineno) for e in edges] == [
        ("pkg.inner", 1), ("pkg.inner.deep", 2), ("pkg.inner.deep", 3)]


# --- layers ---

TEST_LAYERS = (
    Layer("low", ("pkg.low",)),
    Layer("left", ("pkg.left",), ("low",)),
    Layer("right", ("pkg.right",), ("low",)),
    Layer("top", ("pkg.top",), ("left", "right", "low"), exact=("pkg",)),
)
LAYER_FILES = {
    "pkg/__init__.py": "from . import top\n",
    "pkg/top.py": "from pkg import left, right\n",
    "pkg/left.py": "from .low import x\n",
    "pkg/right.py": "from . import low\n",
    "pkg/low/__init__.py": "x = 1\n",
    "pkg/low/deeper.py": "from . import x\n",
}


def test_clean_layers(tmp_path: Path) -> None:
    """Downward imports and imports within a layer are fine."""
    assert archcheck.check_layers(write_tree(tmp_path, LAYER_FILES), layers=TEST_LAYERS) == []


def test_upward_import_is_a_violation(tmp_path: Path) -> None:
    """A lower layer importing a higher one is reported at the import's line."""
    root = write_tree(tmp_path, {**LAYER_FILES, "pkg/low/deeper.py": "x = 1\nfrom pkg.top import y\n"})
    assert archcheck.check_layers(root, layers=TEST_LAYERS) == [
        "pkg/low/deeper.py:2: pkg.low.deeper (low) imports pkg.top (top); low may import only nothing below it"
    ]


def test_sibling_layers_may_not_import_each_other(tmp_path: Path) -> None:
    """left and right share a rank; neither lists the other, so the import is reported."""
    root = write_tree(tmp_path, {**LAYER_FILES, "pkg/left.py": "def f() -> None:\n    import pkg.right\n"})
    assert archcheck.check_layers(root, layers=TEST_LAYERS) == [
        "pkg/left.py:2: pkg.left (left) imports pkg.right (right); left may import only low"
    ]


def test_module_in_no_layer(tmp_path: Path) -> None:
    """A module that no prefix matches is itself a violation."""
    root = write_tree(tmp_path, {**LAYER_FILES, "pkg/stray.py": "", "pkg/topping.py": ""})
    assert archcheck.check_layers(root, layers=TEST_LAYERS) == [
        "pkg/stray.py:1: module pkg.stray belongs to no layer",
        "pkg/topping.py:1: module pkg.topping belongs to no layer",
    ]


def test_layer_table_may_only_look_down() -> None:
    """A layer that may import a layer listed after it is a mistake in the table."""
    with pytest.raises(ValueError, match="'low' may import \\['top'\\]"):
        archcheck.validate_layers((Layer("low", ("pkg.low",), ("top",)), Layer("top", ("pkg.top",))))
    archcheck.validate_layers(archcheck.LAYERS)


@pytest.mark.parametrize(("module", "layer"), [
    ("spikesim", "faces"), ("spikesim.nest.raster_plot", "faces"), ("spikesim.__main__", "faces"),
    ("spikesim.errors", "base"), ("spikesim.kernel.engine", "kernel"), ("spikesim.io", "io"),
    ("spikesim.errorsx", None), ("spikesim.utils", None),
])
def test_layer_of_real_table(module: str, layer: str | None) -> None:
    """Prefixes match whole dotted parts; the top package matches only itself."""
    found = archcheck.layer_of(module, archcheck.LAYERS)
    assert (found.name if found else None) == layer


# --- shape ---


def _function(name: str, lines: int, decorated: bool = False) -> str:
    """Source of a function ``lines`` long from ``def`` to its last line."""
    body = "".join(f"    x{i} = {i}\n" for i in range(lines - 2))
    return ("@staticmethod\n" if decorated else "") + f"def {name}() -> int:\n{body}    return 0\n"


def test_function_of_61_lines(tmp_path: Path) -> None:
    """61 lines is one too many; 60, and 60 plus a decorator, are fine; methods are named by class."""
    method = textwrap.indent(_function("m", 61), "    ")
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": _function("long", 61) + _function("ok", 60) + _function("deco", 60, decorated=True),
        "pkg/b.py": "class C:\n" + method,
    }
    assert archcheck.check_shape(write_tree(tmp_path, files)) == [
        "pkg/a.py:1: function long has 61 lines (max 60)",
        "pkg/b.py:2: function C.m has 61 lines (max 60)",
    ]


def test_nested_function_counts_alone_and_in_parent(tmp_path: Path) -> None:
    """A long nested function is reported under its qualified name, and so is its parent."""
    inner = textwrap.indent(_function("inner", 61), "    ")
    files = {"pkg/__init__.py": "", "pkg/a.py": "def outer() -> None:\n" + inner}
    assert archcheck.check_shape(write_tree(tmp_path, files)) == [
        "pkg/a.py:1: function outer has 62 lines (max 60)",
        "pkg/a.py:2: function outer.<locals>.inner has 61 lines (max 60)",
    ]


def test_file_of_501_lines(tmp_path: Path) -> None:
    """501 lines is one too many, 500 are fine."""
    files = {"pkg/__init__.py": "", "pkg/big.py": "x = 1\n" * 501, "pkg/ok.py": "x = 1\n" * 500}
    assert archcheck.check_shape(write_tree(tmp_path, files)) == ["pkg/big.py:1: file has 501 lines (max 500)"]


# --- docstrings and hints ---

DOCUMENTED = '''\
"""Module."""


def f(a: int, *args: int, b: str = "", **kw: float) -> int:
    """Documented and hinted."""
    return a


class C:
    """A class documents its __init__."""

    def __init__(self, a: int) -> None:
        self.a = a

    def __repr__(self):
        return "dunders other than __init__ are not counted"

    def _private(self, x):
        pass

    @classmethod
    def make(cls, a: int) -> C:
        """Hinted without annotating cls."""
        return cls(a)


def _helper(x):
    pass
'''


def test_documented_tree_passes(tmp_path: Path) -> None:
    """f, C, C.__init__, C.make: all documented; f, __init__ and make fully hinted."""
    report = archcheck.check_docs(write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": DOCUMENTED}))
    assert (report.documented, report.public, report.hinted, report.callables) == (4, 4, 3, 3)
    assert report.violations == []


def test_undocumented_public_function(tmp_path: Path) -> None:
    """One undocumented, unhinted function out of five public items."""
    source = DOCUMENTED + "\n\ndef g(x):\n    return x\n"
    report = archcheck.check_docs(write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": source}))
    assert report.undocumented == ["pkg/a.py:31 g"]
    assert report.unhinted == ["pkg/a.py:31 g"]
    assert report.violations == [
        "docstring coverage 80.0% (4/5) below 95%",
        "type-hint coverage 75.0% (3/4) below 95%",
    ]
    report = archcheck.check_docs(tmp_path / "pkg", min_doc=0.8, min_hints=0.75)
    assert report.violations == []


def test_missing_return_hint(tmp_path: Path) -> None:
    """A documented function without return annotation is not fully hinted."""
    source = 'def g(x: int):\n    """Doc."""\n    return x\n'
    report = archcheck.check_docs(write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": source}))
    assert report.unhinted == ["pkg/a.py:1 g"]
    assert report.undocumented == []


def test_private_modules_are_not_counted(tmp_path: Path) -> None:
    """Functions of ``_priv.py`` and of modules in ``_inner/`` are not public."""
    bare = "def g(x):\n    return x\n\n\nclass K:\n    def m(self, y):\n        pass\n"
    files = {"pkg/__init__.py": "", "pkg/a.py": DOCUMENTED, "pkg/_priv.py": bare, "pkg/_inner/__init__.py": "",
             "pkg/_inner/m.py": bare}
    report = archcheck.check_docs(write_tree(tmp_path, files))
    assert (report.documented, report.public, report.hinted, report.callables) == (4, 4, 3, 3)
    (tmp_path / "pkg" / "pub.py").write_text(bare)
    assert archcheck.check_docs(tmp_path / "pkg").public == 7


# --- command line ---


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit status 1 and one line per violation; 0 and no output for a clean tree."""
    files = {"pkg/__init__.py": "", "pkg/a.py": "from . import b\n", "pkg/b.py": "def f(x):\n    from . import a\n"}
    root = write_tree(tmp_path, files)
    assert archcheck.main(["--root", str(root), "--checks", "cycles,docs", "--list-undocumented"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "import cycle among 2 modules (pkg.a, pkg.b): pkg.a -> pkg.b [pkg/a.py:1] -> pkg.a [pkg/b.py:2]",
        "docstring coverage 0.0% (0/1) below 95%",
        "type-hint coverage 0.0% (0/1) below 95%",
        "pkg/b.py:1 f",
    ]
    (root / "b.py").write_text('def f(x: int) -> None:\n    """Doc."""\n')
    assert archcheck.main(["--root", str(root), "--checks", "cycles,shape,docs"]) == 0
    assert capsys.readouterr().out == ""


def test_property_setter_is_documented_by_its_getter(tmp_path: Path) -> None:
    """A ``@x.setter`` method is not a public item of its own; an undocumented getter is."""
    source = ('class K:\n    """Doc."""\n\n    @property\n    def x(self) -> int:\n        """Doc."""\n'
              '        return 1\n\n    @x.setter\n    def x(self, v: int) -> None:\n        pass\n\n'
              '    @property\n    def y(self) -> int:\n        return 2\n')
    report = archcheck.check_docs(write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": source}))
    assert report.public == 3
    assert report.undocumented == ["pkg/a.py:14 K.y"]
