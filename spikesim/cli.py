"""The ``spikesim`` command (also ``python -m spikesim``): file tools.

``spikesim convert FILE --to nwb`` turns a recording file of the hdf5 backend into an
NWB file (needs ``pip install 'spikesim[nwb]'``).  Errors are one line on stderr with
exit status 1 (2 for bad arguments).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="spikesim", description="spikesim's file tools")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert", help="convert a recording file of the hdf5 backend")
    c.add_argument("file", help="the recording file (e.g. recording.h5)")
    c.add_argument("--to", choices=["nwb"], required=True, help="the target format")
    c.add_argument("-o", "--output", default=None, help="the output file (default: FILE with suffix .nwb)")
    c.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    c.add_argument("--t-end", type=float, default=None,
                   help="end of the simulated time, ms (default: the latest time in the file)")
    c.add_argument("--description", default=None, help="the session description")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``spikesim convert FILE --to nwb [-o OUT] [--overwrite] [--t-end MS]``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 when the conversion failed (the reason is
        printed to stderr), 2 for bad arguments (argparse).
    """
    args = _parser().parse_args(argv)
    from spikesim.io import nwb
    kwargs = {"session_description": args.description} if args.description else {}
    try:
        out = nwb.convert(args.file, args.output, overwrite=args.overwrite, t_end=args.t_end, **kwargs)
    except (ImportError, OSError, ValueError) as err:
        print(f"spikesim convert: {err}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
