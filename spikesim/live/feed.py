"""The live view's data: spikes read from the stream backend, kept for a bounded window.

A :class:`SpikeFeed` runs a :class:`~spikesim.io.subscriber.Subscriber` in a daemon
thread, so the simulator's stream never waits on the page: every batch is read at once,
counted, and its spikes appended to a buffer that keeps the last ``keep`` spikes (the
page shows a window of recent time; older spikes are dropped from the buffer, never
from the counts).  Readers ask for what came after a cursor (:meth:`SpikeFeed.since`).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from spikesim.io.subscriber import LOOPBACK, StreamError, Subscriber


class SpikeFeed:
    """Spikes of the stream backend's spike recorders, read in a background thread.

    Parameters
    ----------
    port : int
        The stream backend's port on 127.0.0.1.
    keep : int
        Spikes kept for readers (the most recent ones); counts cover all of them.
    connect_timeout : float
        Seconds to wait for the backend to accept the connection.

    Attributes
    ----------
    total : int
        Spikes received so far (all of them).
    time : float
        Simulated time (ms) at the end of the last completed ``simulate`` call, or of
        the latest spike received, whichever is later.
    error : str or None
        Why the feed stopped, if the stream broke.
    """

    def __init__(self, port: int, keep: int = 200_000, connect_timeout: float = 30.0) -> None:
        self.port, self.keep = port, keep
        self.total = 0
        self.time = 0.0
        self.error: str | None = None
        self.ended = False
        self._closing = False
        self._t = np.zeros(0)
        self._s = np.zeros(0, dtype=np.int64)
        self._dropped = 0  # spikes before the first one still held
        self._lock = threading.Lock()
        self._sub = Subscriber(LOOPBACK, port, timeout=None, connect_timeout=connect_timeout)
        self._thread = threading.Thread(target=self._read, name="spikesim-live-feed", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        """Read batches until the stream ends; spike recorders' batches are kept, others skipped."""
        try:
            for node, batch in self._sub:
                if self._sub.devices.get(node, {}).get("model") == "spike_recorder" and "times" in batch:
                    self._append(np.asarray(batch["times"], float), np.asarray(batch["senders"], np.int64))
                with self._lock:
                    self.time = max(self.time, self._sub.time)
        except StreamError as err:
            if not self._closing:
                self.error = str(err)
        finally:
            self.ended = True

    def _append(self, t: np.ndarray, s: np.ndarray) -> None:
        """Add one batch; keep the last ``keep`` spikes."""
        with self._lock:
            self.total += t.size
            if t.size:
                self.time = max(self.time, float(t.max()))
            t_all, s_all = np.concatenate([self._t, t]), np.concatenate([self._s, s])
            extra = max(0, t_all.size - self.keep)
            self._t, self._s = t_all[extra:], s_all[extra:]
            self._dropped += extra

    def since(self, cursor: int, limit: int = 50_000) -> dict[str, Any]:
        """Spikes after the first ``cursor`` received (at most ``limit``, the latest).

        Parameters
        ----------
        cursor : int
            How many spikes the reader has seen (0 at first).
        limit : int
            Most spikes returned; when more are new, the older ones are skipped.

        Returns
        -------
        dict
            ``times`` (ms) and ``senders`` lists, ``cursor`` (pass it next time),
            ``total`` spikes received, ``time`` (ms), ``ended`` and ``error``.
        """
        with self._lock:
            start = max(cursor, self._dropped, self.total - limit)
            a = start - self._dropped
            times, senders = self._t[a:], self._s[a:]
            return {"times": np.round(times, 4).tolist(), "senders": senders.tolist(), "cursor": self.total,
                    "total": self.total, "time": self.time, "ended": self.ended, "error": self.error}

    def close(self) -> None:
        """Stop reading (the simulator's next send to this feed fails, as with any lost subscriber)."""
        self._closing = True
        self._sub.close()
        self._thread.join(timeout=5.0)
