"""The ``spikesim`` command (also ``python -m spikesim``).

``spikesim info FILE [--json]``, ``spikesim plot FILE [--device NAME] [--out fig.png]``,
``spikesim convert FILE --to nwb|csv|parquet [--out PATH]``, ``spikesim repair FILE.h5`` (clear the
write flags a killed writer left in an hdf5 recording, as ``h5clear -s`` does) and ``spikesim demo``;
``spikesim COMMAND --help`` tells more.  FILE is a recording of the hdf5 backend, one
device's file of the ascii backend (``label-7-0.dat``) or a checkpoint
(``sim.checkpoint``; the events of its memory-backend recorders are in it).  An error
(missing or damaged file, bad option) is one line on stderr and exit status 2; ``-v``
shows spikesim's log messages (INFO).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from spikesim.cli.summary import CliError

__all__ = ["main", "CliError"]

#: exit status of every error the command reports
EXIT_ERROR = 2

_INFO = "what a recording or checkpoint holds: devices, variables, counts, time window, units, provenance, size"
_PLOT = "raster and population rate of spike recorders, traces of multimeters, histograms of weight recorders"
_CONVERT = "convert a recording (or a checkpoint's recorded events) to NWB, CSV or Parquet"
_REPAIR = ("clear the write flags that a killed writer left in an hdf5 recording, so that h5py, h5dump and "
           "MATLAB open it again (as h5clear -s does; every flushed row is kept)")
_DEMO = "simulate a small Brunel network (1250 neurons by default) and print its rates"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2) instead of usage + message."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message`` on one line and exit with status 2."""
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_file(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="a recording of the hdf5 backend (.h5), a device's file of the ascii "
                   "backend (.dat), or a checkpoint file")
    p.add_argument("--resolution", type=float, default=None, metavar="MS",
                   help="ascii files recorded with time_in_steps: the simulation step, ms")


def _parser() -> _Parser:
    p = _Parser(prog="spikesim", description="spikesim's command line: look at, plot and convert recordings "
                "and checkpoints; run a demo network.",
                epilog="FILE: a recording of the hdf5 backend (recording.h5), a device's file of the ascii backend "
                "(spikes-3-0.dat) or a checkpoint (sim.checkpoint).")
    p.add_argument("-v", "--verbose", action="store_true", help="print spikesim's log messages (INFO) on stderr")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    i = sub.add_parser("info", help=_INFO, description=f"Show {_INFO}.")
    _add_file(i)
    i.add_argument("--json", action="store_true", help="print JSON (times in ms, size in bytes) instead of text")
    pl = sub.add_parser("plot", help=_PLOT, description=f"Plot a file's devices: {_PLOT}.")
    _add_file(pl)
    pl.add_argument("--device", default=None, metavar="NAME",
                    help="a device's label or node id (default: every device whose events the file holds)")
    pl.add_argument("--out", "-o", type=Path, default=None, metavar="FIG",
                    help="the image file (.png, .pdf, .svg; default: FILE.png next to FILE)")
    c = sub.add_parser("convert", help=_CONVERT, description=f"{_CONVERT[0].upper()}{_CONVERT[1:]}. CSV and "
                       "Parquet: one row per event with the device's node id, model and label (times in ms).")
    _add_file(c)
    c.add_argument("--to", choices=["nwb", "csv", "parquet"], required=True, help="the target format")
    c.add_argument("--out", "-o", "--output", dest="out", type=Path, default=None, metavar="PATH",
                   help="the output file (default: FILE with the suffix .nwb, .csv or .parquet)")
    c.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    c.add_argument("--t-end", type=float, default=None,
                   help="NWB: end of the simulated time, ms (default: the latest time in the file)")
    c.add_argument("--description", default=None, help="NWB: the session description")
    r = sub.add_parser("repair", help=_REPAIR, description=f"{_REPAIR[0].upper()}{_REPAIR[1:]}. Only for a "
                       "file that no process writes any more.")
    r.add_argument("file", type=Path, help="an hdf5 recording (.h5)")
    d = sub.add_parser("demo", help=_DEMO, description=f"{_DEMO[0].upper()}{_DEMO[1:]} (examples/brunel.py's "
                       "network; `make demo` runs the full-size one).")
    d.add_argument("--order", type=int, default=250, help="network size: 5 * ORDER neurons (default 250)")
    d.add_argument("--simtime", type=float, default=300.0, help="simulated time, ms (default 300)")
    d.add_argument("--seed", type=int, default=1, help="the simulator's seed (default 1)")
    d.add_argument("--out", "-o", type=Path, default=None, metavar="DIR", help="write brunel_raster.png there")
    d.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show the progress bar (default: on a terminal, for runs over 2 s)")
    lv = sub.add_parser("live", help="run a Brunel network with the live view (raster and rates in the browser)",
                        description="Run a Brunel network and serve its raster and population rates on "
                        "http://127.0.0.1:PORT/ as it runs (spikesim.live).")
    lv.add_argument("--order", type=int, default=500, help="network size: 5 * ORDER neurons (default 500)")
    lv.add_argument("--simtime", type=float, default=10000.0, help="simulated time, ms (default 10000)")
    lv.add_argument("--seed", type=int, default=1, help="the simulator's seed (default 1)")
    lv.add_argument("--port", type=int, default=0, help="port of the page (default: any free port)")
    lv.add_argument("--open", action="store_true", help="open the page in the default browser")
    return p


def _run(args: argparse.Namespace) -> None:
    """Carry out the parsed command (output on stdout)."""
    from spikesim.cli import convert, demo, files, info, live, plot, repair
    if args.command == "live":
        if args.order < 1 or not args.simtime > 0:
            raise CliError(f"--order must be >= 1 and --simtime > 0 ms (got {args.order}, {args.simtime})")
        live.run_live(args.order, args.simtime, args.seed, args.port, args.open)
        return
    if args.command == "demo":
        if args.order < 1 or not args.simtime > 0:
            raise CliError(f"--order must be >= 1 and --simtime > 0 ms (got {args.order}, {args.simtime})")
        demo.run_demo(args.order, args.simtime, args.seed, args.out, args.progress)
        return
    if args.command == "repair":
        print(repair.repair_file(args.file))
        return
    summary = files.load(args.file, resolution=args.resolution)
    if args.command == "info":
        print(info.as_json(summary) if args.json else info.as_text(summary))
    elif args.command == "plot":
        print(plot.plot_file(summary, args.device, args.out))
    else:
        options = {k: v for k, v in (("t_end", args.t_end), ("session_description", args.description)) if v is not None}
        print(convert.convert_file(summary, args.to, args.out, args.overwrite, options))


def _message(err: BaseException) -> str:
    """The error as one line."""
    text = " ".join(str(err).split())
    if isinstance(err, (CliError, OSError, ValueError, ImportError, LookupError)) and text:
        return text
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``spikesim`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 2 for any error (a missing or damaged file, a
        bad option, a failed conversion), reported as one line on stderr; 130 after Ctrl-C.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help (0) or a bad option (2, already reported)
        return done.code if isinstance(done.code, int) else EXIT_ERROR
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
        logging.getLogger("spikesim").setLevel(logging.INFO)
    try:
        _run(args)
    except BrokenPipeError:  # the reader (e.g. `| head`) left: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 -- replaces stdout for the interpreter's exit
        return 0
    except KeyboardInterrupt:
        print(f"spikesim {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 -- the command reports every failure as one line, never a traceback
        print(f"spikesim {args.command}: error: {_message(err)}", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
