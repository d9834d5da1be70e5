"""Architecture checks for a Python package, read with ``ast`` and never imported.

Four checks, each a function that takes the package directory (and optionally the
package's dotted name, by default the directory's name) and returns violations as
one-line strings:

* :func:`check_cycles` -- import cycles (strongly connected components of the import graph);
* :func:`check_layers` -- imports that go against the layer table :data:`LAYERS`;
* :func:`check_shape` -- functions longer than 60 lines, files longer than 500 lines;
* :func:`check_docs` -- docstring and type-hint coverage of the public API
  (returns a :class:`DocReport` whose ``violations`` is the list).

Command line (exit status 1 on any violation, one line per violation)::

    python tools/archcheck.py [--root spikesim] [--checks cycles,layers,shape,docs]
                              [--min-doc 0.95] [--min-hints 0.95] [--list-undocumented]
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------
# The layer table.  Lowest layer first.  Each layer names
#   * ``prefixes``: a module belongs to the layer if its dotted name equals a prefix or
#     starts with a prefix followed by ".", the longest matching prefix over all layers wins;
#   * ``exact``: names that belong to the layer themselves, without their submodules
#     (used for the top package ``spikesim``, whose prefix would otherwise swallow every module);
#   * ``may_import``: the layers its modules may import besides their own layer.
# Anything else is a violation, which is how "sibling" layers such as io and analysis are
# kept apart: they share a rank but neither lists the other.  Every name in ``may_import``
# must be a layer listed earlier (lower) in the table; :func:`validate_layers` checks that.
# A module that matches no layer is itself a violation.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One row of the layer table: a name, the modules in it, and the layers it may import."""

    name: str
    prefixes: tuple[str, ...]
    may_import: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()


_BASE = Layer("base", ("spikesim.errors", "spikesim.timegrid", "spikesim.rng", "spikesim._version",
                       "spikesim.parallel", "spikesim._optional"))
_BELOW_CORE = ("kernel", "recording", "network", "io", "data", "models", "base")

LAYERS: tuple[Layer, ...] = (
    _BASE,
    Layer("models", ("spikesim.models",), ("base",)),
    Layer("data", ("spikesim.data",), ("models", "base")),
    Layer("io", ("spikesim.io",), ("data", "models", "base")),
    Layer("analysis", ("spikesim.analysis",), ("data", "models", "base")),
    Layer("plotting", ("spikesim.plotting",), ("analysis", "data", "models", "base")),
    Layer("network", ("spikesim.network",), ("models", "data", "base")),
    Layer("recording", ("spikesim.recording",), ("models", "data", "io", "base")),
    Layer("kernel", ("spikesim.kernel",), ("recording", "network", "models", "data", "io", "base")),
    Layer("core", ("spikesim.core",), _BELOW_CORE),
    Layer(
        "faces",
        ("spikesim.nest", "spikesim.monitors", "spikesim.observer", "spikesim.live", "spikesim.cli",
         "spikesim.__main__"),
        ("core", *_BELOW_CORE, "plotting", "analysis"),
        exact=("spikesim",),
    ),
)

MAX_FUNCTION_LINES = 60
MAX_FILE_LINES = 500
MIN_COVERAGE = 0.95


# --- Reading the package ---


@dataclass(frozen=True)
class Module:
    """A parsed source file: dotted name, path for messages, and its syntax tree."""

    name: str
    display: str
    is_package: bool
    lines: int
    tree: ast.Module


@dataclass(frozen=True)
class Edge:
    """One import statement inside the package, from module ``source`` to module ``target``."""

    source: str
    target: str
    display: str
    lineno: int

    @property
    def where(self) -> str:
        """``path:line`` of the import statement."""
        return f"{self.display}:{self.lineno}"


def load_package(root: Path, package: str | None = None) -> dict[str, Module]:
    """Parse every ``*.py`` file under ``root`` (the package directory) into a :class:`Module`.

    ``package`` is the dotted name of ``root`` (default: the directory's name).  Paths in
    messages are relative to the directory that holds ``root``.  A file that does not parse
    raises :class:`SyntaxError`.
    """
    root = Path(root).resolve()
    package = package or root.name
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        is_package = rel.name == "__init__.py"
        name = ".".join([package, *rel.parts[:-1]] + ([] if is_package else [rel.stem]))
        source = path.read_text(encoding="utf-8")
        display = path.relative_to(root.parent).as_posix()
        tree = ast.parse(source, filename=display)
        modules[name] = Module(name, display, is_package, len(source.splitlines()), tree)
    return modules


def _in_package(name: str, package: str) -> bool:
    """Whether dotted ``name`` is ``package`` or one of its submodules."""
    return name == package or name.startswith(package + ".")


def _nearest_module(name: str, modules: Mapping[str, Module]) -> str:
    """``name`` if it is a module of the tree, else its longest prefix that is (else ``name``)."""
    probe = name
    while probe:
        if probe in modules:
            return probe
        probe = probe.rpartition(".")[0]
    return name


def _from_base(node: ast.ImportFrom, module: Module) -> str:
    """The absolute module named by ``from X import ...``, resolving dots against ``module``."""
    if node.level == 0:
        return node.module or ""
    parts = module.name.split(".")[: None if module.is_package else -1]
    parts = parts[: len(parts) - node.level + 1]
    return ".".join([*parts, node.module] if node.module else parts)


def _import_targets(node: ast.stmt, module: Module, modules: Mapping[str, Module]) -> Iterator[str]:
    """The modules an ``import`` or ``from ... import`` statement refers to (before filtering)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield _nearest_module(alias.name, modules)
    elif isinstance(node, ast.ImportFrom):
        base = _from_base(node, module)
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            yield candidate if alias.name != "*" and candidate in modules else _nearest_module(base, modules)


def import_edges(modules: Mapping[str, Module], package: str) -> list[Edge]:
    """Every import inside ``package``, wherever it stands (functions, ``if TYPE_CHECKING``, try).

    ``from X import y`` goes to ``X.y`` when that is a module of the tree, else to ``X``;
    ``import X.Y`` goes to ``X.Y``.  No implicit edge from a submodule to its parent
    packages is added, and imports of a module by itself are dropped.  Several names
    imported from one module in one statement give one edge.
    """
    edges: set[Edge] = set()
    for module in modules.values():
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _import_targets(node, module, modules):
                if _in_package(target, package) and target != module.name:
                    edges.add(Edge(module.name, target, module.display, node.lineno))
    return sorted(edges, key=lambda e: (e.source, e.lineno, e.target))


# --- a. Cycles ---


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of ``graph``, each sorted by name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            cut = stack.index(node)
            components.append(sorted(stack[cut:]))
            del stack[cut:]

    for start in sorted(graph):
        if start not in index:
            visit(start)
    return components


def _cycle_path(component: Sequence[str], first_edge: Mapping[tuple[str, str], Edge]) -> list[Edge]:
    """A shortest cycle through the component's first module, as the list of its import edges."""
    members = set(component)
    start = component[0]
    came_by: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for (source, target), edge in first_edge.items():
            if source != node or target not in members:
                continue
            if target == start:
                path = [edge]
                while path[0].source != start:
                    path.insert(0, came_by[path[0].source])
                return path
            if target not in came_by:
                came_by[target] = edge
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # cannot happen for a component of size > 1


def check_cycles(root: Path, package: str | None = None) -> list[str]:
    """One violation per import cycle (strongly connected component of more than one module).

    The message names the modules and one concrete cycle, each step with the ``file:line``
    of its import.  Self-imports are ignored.
    """
    package = package or Path(root).resolve().name
    edges = import_edges(load_package(root, package), package)
    first_edge: dict[tuple[str, str], Edge] = {}
    for edge in edges:  # sorted by line: the search below follows the first import of each pair
        first_edge.setdefault((edge.source, edge.target), edge)
    graph: dict[str, set[str]] = {}
    for source, target in first_edge:
        graph.setdefault(source, set()).add(target)
    violations = []
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        path = _cycle_path(component, first_edge)
        steps = " -> ".join(f"{e.target} [{e.where}]" for e in path)
        violations.append(f"import cycle among {len(component)} modules ({', '.join(component)}): "
                          f"{path[0].source} -> {steps}")
    return violations


# --- b. Layers ---


def validate_layers(layers: Sequence[Layer]) -> None:
    """Raise :class:`ValueError` unless every layer imports only layers listed before it."""
    seen: set[str] = set()
    for layer in layers:
        unknown = [name for name in layer.may_import if name not in seen]
        if unknown:
            raise ValueError(f"layer {layer.name!r} may import {unknown}, which are not lower layers")
        seen.add(layer.name)


def layer_of(module: str, layers: Sequence[Layer]) -> Layer | None:
    """The layer of dotted ``module``: an exact name, else the longest matching prefix, else None."""
    best: tuple[int, Layer] | None = None
    for layer in layers:
        if module in layer.exact:
            return layer
        for prefix in layer.prefixes:
            if _in_package(module, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), layer)
    return best[1] if best else None


def check_layers(root: Path, package: str | None = None, layers: Sequence[Layer] = LAYERS) -> list[str]:
    """Violations of the layer table: modules in no layer, and imports of a layer not allowed.

    An import is allowed when the target is in the importer's own layer or in a layer the
    importer's layer lists in ``may_import``.  Imports of modules in no layer are reported
    only once, as that module's own violation.
    """
    validate_layers(layers)
    package = package or Path(root).resolve().name
    modules = load_package(root, package)
    violations = []
    for module in modules.values():
        if layer_of(module.name, layers) is None:
            violations.append(f"{module.display}:1: module {module.name} belongs to no layer")
    for edge in import_edges(modules, package):
        source, target = layer_of(edge.source, layers), layer_of(edge.target, layers)
        if source is None or target is None or target is source or target.name in source.may_import:
            continue
        allowed = ", ".join(source.may_import) or "nothing below it"
        violations.append(f"{edge.where}: {edge.source} ({source.name}) imports {edge.target} "
                          f"({target.name}); {source.name} may import only {allowed}")
    return violations


# --- c. Shape ---

_FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function and method below ``node`` with its qualified name (nested ones too)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _FUNCTION):
            yield f"{prefix}{child.name}", child
            yield from _functions(child, f"{prefix}{child.name}.<locals>.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def check_shape(root: Path, package: str | None = None, max_function_lines: int = MAX_FUNCTION_LINES,
                max_file_lines: int = MAX_FILE_LINES) -> list[str]:
    """Functions longer than ``max_function_lines`` and files longer than ``max_file_lines``.

    A function's length runs from its ``def`` line to the last line of its body
    (``end_lineno - lineno + 1``): decorators are not counted, its docstring, comments and
    blank lines inside are.  A nested function counts on its own and also as part of its
    parent.  A file's length is its number of lines.
    """
    violations = []
    for module in load_package(root, package).values():
        if module.lines > max_file_lines:
            violations.append(f"{module.display}:1: file has {module.lines} lines (max {max_file_lines})")
        for name, node in _functions(module.tree):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > max_function_lines:
                violations.append(f"{module.display}:{node.lineno}: function {name} has {length} lines "
                                  f"(max {max_function_lines})")
    return violations


# --- d. Docstrings and type hints of the public API ---


@dataclass
class DocReport:
    """Docstring and type-hint coverage of the public API, with the offenders as ``path:line name``."""

    documented: int = 0
    public: int = 0
    hinted: int = 0
    callables: int = 0
    undocumented: list[str] = field(default_factory=list)
    unhinted: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @property
    def doc_fraction(self) -> float:
        """Share of public functions, methods and classes that have a docstring (1.0 if none)."""
        return self.documented / self.public if self.public else 1.0

    @property
    def hint_fraction(self) -> float:
        """Share of public functions and methods that are fully annotated (1.0 if none)."""
        return self.hinted / self.callables if self.callables else 1.0


def _is_public_module(name: str) -> bool:
    """A module is private if any part of its dotted name starts with ``_`` (``__init__`` aside)."""
    return not any(part.startswith("_") for part in name.split("."))


def _fully_hinted(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> bool:
    """Every parameter (but ``self``/``cls`` of methods) annotated, and a return annotation
    unless the function is ``__init__``."""
    args = node.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    for param in params:
        if param is None or (in_class and param.arg in ("self", "cls")):
            continue
        if param.annotation is None:
            return False
    return node.returns is not None or node.name == "__init__"


def _public_items(body: Iterable[ast.stmt], prefix: str = "", class_doc: bool = False,
                  ) -> Iterator[tuple[str, ast.stmt, bool]]:
    """Public classes and functions of a module body: (qualified name, node, documented).

    Methods of public classes are included (nested public classes too); dunder methods
    are left out except ``__init__``, which is documented if it or its class has a docstring;
    property setters and deleters are left out (the getter carries the docstring).
    """
    in_class = bool(prefix)
    for node in body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            has_doc = ast.get_docstring(node) is not None
            yield f"{prefix}{node.name}", node, has_doc
            yield from _public_items(node.body, f"{prefix}{node.name}.", has_doc)
        elif isinstance(node, _FUNCTION):
            if node.name.startswith("_") and not (in_class and node.name == "__init__"):
                continue
            if _is_accessor(node):
                continue  # a property's setter/deleter: documented by its getter
            has_doc = ast.get_docstring(node) is not None or (node.name == "__init__" and class_doc)
            yield f"{prefix}{node.name}", node, has_doc


def _is_accessor(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``node`` is decorated ``@<name>.setter`` or ``@<name>.deleter``."""
    return any(isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter") for d in node.decorator_list)


def check_docs(root: Path, package: str | None = None, min_doc: float = MIN_COVERAGE,
               min_hints: float = MIN_COVERAGE) -> DocReport:
    """Docstring and type-hint coverage of the public API; a violation per fraction below its minimum.

    Public: classes and functions whose names do not start with ``_`` in public modules
    (see :func:`_is_public_module`), and methods of public classes (``__init__`` included,
    other dunders and ``_private`` ones not).  Classes count for docstrings only; functions
    and methods for both docstrings and hints.
    """
    report = DocReport()
    for module in load_package(root, package).values():
        if not _is_public_module(module.name):
            continue
        for name, node, has_doc in _public_items(module.tree.body):
            report.public += 1
            report.documented += has_doc
            if not has_doc:
                report.undocumented.append(f"{module.display}:{node.lineno} {name}")
            if isinstance(node, _FUNCTION):
                report.callables += 1
                if _fully_hinted(node, "." in name):
                    report.hinted += 1
                else:
                    report.unhinted.append(f"{module.display}:{node.lineno} {name}")
    if report.doc_fraction < min_doc:
        report.violations.append(f"docstring coverage {report.doc_fraction:.1%} "
                                 f"({report.documented}/{report.public}) below {min_doc:.0%}")
    if report.hint_fraction < min_hints:
        report.violations.append(f"type-hint coverage {report.hint_fraction:.1%} "
                                 f"({report.hinted}/{report.callables}) below {min_hints:.0%}")
    return report


# --- Command line ---

CHECKS = ("cycles", "layers", "shape", "docs")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("spikesim"), help="package directory")
    parser.add_argument("--package", help="dotted name of the package (default: the directory's name)")
    parser.add_argument("--checks", default=",".join(CHECKS), help=f"comma-separated subset of {CHECKS}")
    parser.add_argument("--min-doc", type=float, default=MIN_COVERAGE)
    parser.add_argument("--min-hints", type=float, default=MIN_COVERAGE)
    parser.add_argument("--list-undocumented", action="store_true", help="print public items without docstring")
    parser.add_argument("--list-unhinted", action="store_true", help="print public functions not fully hinted")
    args = parser.parse_args(argv)
    unknown = set(args.checks.split(",")) - set(CHECKS)
    if unknown:
        parser.error(f"unknown checks {sorted(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen checks, print one line per violation and a summary; 1 if any violation."""
    args = _parse_args(argv)
    chosen = args.checks.split(",")
    report = check_docs(args.root, args.package, args.min_doc, args.min_hints) if "docs" in chosen else None
    found = {name: check(args.root, args.package) for name, check in
             (("cycles", check_cycles), ("layers", check_layers), ("shape", check_shape)) if name in chosen}
    if report is not None:
        found["docs"] = report.violations
    lines = [line for violations in found.values() for line in violations]
    if report is not None:
        lines += report.undocumented if args.list_undocumented else []
        lines += report.unhinted if args.list_unhinted else []
    if lines:
        print(*lines, sep="\n")
    summary = ", ".join(f"{name} {len(v)}" for name, v in found.items())
    print(f"archcheck {args.root}: violations: {summary}", file=sys.stderr)
    if report is not None:
        print(f"archcheck: docstrings {report.doc_fraction:.1%} ({report.documented}/{report.public}), "
              f"hints {report.hint_fraction:.1%} ({report.hinted}/{report.callables})", file=sys.stderr)
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
