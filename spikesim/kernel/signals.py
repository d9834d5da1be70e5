"""SIGINT (Ctrl-C) and SIGTERM held back while a run changes state.

Python raises ``KeyboardInterrupt`` between two bytecodes, e.g. right after a
compiled neuron update returned and before the clock moved: neurons would stand a
slice ahead of the clock, Poisson input could be added twice, and a continued run
would differ from an uninterrupted one.  Making every slice restartable would need
a copy of the state and the ring per slice; holding the signal is free.  So while
:meth:`~spikesim.kernel.engine.Engine.run` advances, the handlers of SIGINT and
SIGTERM only note the signal, and the engine acts on it at the next slice
boundary, where the clock, the state and every recorder agree; the end-of-run
hand-over and flush then run as usual, so files are complete.

* SIGINT: the previous handler runs at the boundary (Python's default raises
  ``KeyboardInterrupt``).  A second Ctrl-C before the boundary runs it at once:
  the way out of a backend blocked in a write (the state may then be a slice
  ahead of the clock, as before).
* SIGTERM: with the default action (terminate, no clean-up) the run stops at the
  boundary with ``SystemExit(143)`` (128 + 15, the status a shell reports for a
  process ended by SIGTERM), after the recorded data is flushed; a handler the
  program installed runs at the boundary instead.

Handlers can only be set in the main thread; elsewhere, and for signals that are
ignored, nothing changes.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

#: exit status of a run stopped by SIGTERM (the shell's 128 + signal number)
SIGTERM_STATUS = 128 + signal.SIGTERM


class DeferredSignals:
    """A context in which SIGINT and SIGTERM are noted, and acted on at :meth:`check`.

    Leaving the context restores the previous handlers and acts on a signal that
    arrived after the last check (unless an exception is already propagating).
    """

    def __init__(self) -> None:
        #: signals noted and not yet acted on, in arrival order
        self.pending: list[int] = []
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> DeferredSignals:
        if threading.current_thread() is not threading.main_thread():
            return self
        for sig in (signal.SIGINT, signal.SIGTERM):
            prev = signal.getsignal(sig)
            if prev is None or prev is signal.SIG_IGN or (sig == signal.SIGINT and prev is signal.SIG_DFL):
                continue  # ignored, or not installed from Python: leave it as it is
            self._previous[sig] = prev
            signal.signal(sig, self._note)
        return self

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT and signum in self.pending:
            self.pending.remove(signum)  # pressed again: the user will not wait for the boundary
            self._act(signum)
            return
        if signum not in self.pending:
            self.pending.append(signum)

    def _act(self, signum: int) -> None:
        prev = self._previous.get(signum)
        if prev is signal.SIG_DFL:  # SIGTERM's default: end the process, but cleanly
            raise SystemExit(SIGTERM_STATUS)
        if callable(prev):
            prev(signum, None)

    def check(self) -> None:
        """Act on the signals noted so far (called at a slice boundary).

        Raises
        ------
        KeyboardInterrupt
            For a SIGINT under Python's default handler.
        SystemExit
            With status 143 for a SIGTERM under the default action.
        """
        while self.pending:
            self._act(self.pending.pop(0))

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for sig, prev in self._previous.items():
            signal.signal(sig, prev)
        if exc is None:
            self.check()
        self.pending.clear()
