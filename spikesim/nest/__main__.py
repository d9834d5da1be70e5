"""``python -m spikesim.nest script.py [args]``: run a PyNEST script unmodified.

``import nest`` and its submodules resolve to :mod:`spikesim.nest`; the script runs
as ``__main__`` with ``sys.argv`` set to ``[script, *args]`` and its directory first
on ``sys.path``, as ``python script.py`` would.
"""

from __future__ import annotations

import os
import runpy
import sys

from spikesim.nest.aliases import install

__all__ = ["main"]

_USAGE = "usage: spikesim-nest SCRIPT.py [ARGS...]  (or: python -m spikesim.nest SCRIPT.py [ARGS...])"


def main(argv: list[str] | None = None) -> int:
    """Run the PyNEST script named by ``argv[0]`` with the rest as its arguments.

    Parameters
    ----------
    argv : list of str, optional
        Script path and its arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on a usage error (no script, or a script that does not exist).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stderr if not args else sys.stdout)
        return 2 if not args else 0
    script = args[0]
    if not os.path.isfile(script):
        print(f"spikesim-nest: no such script: {script!r}\n{_USAGE}", file=sys.stderr)
        return 2
    install()
    sys.argv = [script, *args[1:]]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
