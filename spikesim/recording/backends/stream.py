"""The stream backend: batches to another process over a loopback TCP socket.

The backend listens on ``127.0.0.1:port`` (setting ``port``; 0, the default, takes
any free port, and the setting then shows the one bound).  It binds as soon as the
first device enrolls, so the port is known before ``simulate``:
``sim.get_defaults("stream")["port"]``.  Only the loopback address is ever bound.

``prepare`` (start of every ``simulate``) waits up to ``connect_timeout`` seconds
for one :class:`~spikesim.io.subscriber.Subscriber` to connect if none is, then
announces every device; ``write`` sends each batch as one frame; ``flush`` sends a
``flush`` frame with the simulated time; ``close`` sends ``end``.  The wire format
(length-prefixed frames: JSON header + raw little-endian numpy buffers, no Arrow
dependency) is documented in :mod:`spikesim.io.subscriber`.

Back-pressure: frames go straight to the socket; when the subscriber reads slower
than the simulator writes, the kernel's socket buffers fill and ``write`` blocks.
It blocks at most ``send_timeout`` seconds per frame, then raises
:class:`~spikesim.io.subscriber.StreamError` naming that setting, as it does at
once when the subscriber disconnected: the simulation stops, it never hangs.  The
batches of that run not yet sent are dropped at once (the error raised is the
first failure; no new subscriber is awaited before the run ends), and the next
``simulate`` waits for a new subscriber.
"""

from __future__ import annotations

import math
import socket
import weakref
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, RecordsLost, bad_property
from spikesim.io.subscriber import (
    FORMAT,
    LOOPBACK,
    VERSION,
    StreamError,
    check_port,
    encode,
    encode_batch,
)
from spikesim.recording.backends.base import (
    BackendContext,
    Batch,
    RecordedDevice,
    RecordingBackend,
)

OWNER = "recording backend 'stream'"


class SubscriberLost(StreamError, RecordsLost):
    """The subscriber stalled or disconnected: the batch is lost with it."""


def _close_quietly(*socks: socket.socket | None) -> None:
    """Close the sockets given (None: nothing to close); also run at garbage collection."""
    for s in socks:
        if s is not None:
            s.close()


def _check_timeout(key: str, v: object) -> None:
    """Raise BadProperty unless ``v`` is a positive, finite number of seconds."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not 0 < v < math.inf:
        raise bad_property(OWNER, key, v, "it must be a positive, finite number of seconds")


class StreamBackend(RecordingBackend):
    """Sends every batch to one subscriber over 127.0.0.1, in the order written.

    Settings: ``port`` (0: any free port; shows the bound one), ``connect_timeout``
    and ``send_timeout`` (s).

    Parameters
    ----------
    context : BackendContext, optional
        The clock, resolution and seed announced to the subscriber.
    """

    name = "stream"
    defaults = {"port": 0, "connect_timeout": 30.0, "send_timeout": 10.0}

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        self._devices: dict[int, RecordedDevice] = {}
        self._listener: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._seq = 0
        #: why the subscriber was lost in the current run (None: it was not)
        self._lost: StreamError | None = None
        self._finalizer: weakref.finalize[..., StreamBackend] | None = None

    # -- settings ----------------------------------------------------------------------------
    def set_settings(self, params: dict[str, Any]) -> None:
        """Change settings; a new ``port`` is bound at once if the backend listens.

        Raises
        ------
        BadProperty
            If a value is invalid, a key is unknown, the port cannot be bound (the old
            one is kept then) or a subscriber is connected while the port changes.
        """
        for k, v in params.items():
            if k == "port":
                check_port(OWNER, v, allow_zero=True)
            elif k in ("connect_timeout", "send_timeout"):
                _check_timeout(k, v)
        new_port = "port" in params and params["port"] != self.settings["port"]
        if new_port and self._conn is not None:
            raise BadProperty(f"{OWNER}: parameter 'port' cannot change while a subscriber is connected "
                              f"to port {self.settings['port']}; change it after a reset")
        fresh = self._bind(int(params["port"])) if new_port and self._listener is not None else None
        try:
            super().set_settings(params)
        except BadProperty:
            _close_quietly(fresh)
            raise
        if fresh is not None:  # bound before committing: a busy port leaves everything as it was
            assert self._listener is not None
            self._listener.close()
            self._use_listener(fresh)

    def _bind(self, port: int) -> socket.socket:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
            s.listen(1)
        except OSError as err:
            s.close()
            raise bad_property(OWNER, "port", port, f"cannot listen on {LOOPBACK}:{port} ({err}); choose "
                               "another port, or 0 for any free port") from err
        return s

    def _listen(self) -> None:
        if self._listener is None:
            self._use_listener(self._bind(int(self.settings["port"])))

    def _use_listener(self, s: socket.socket) -> None:
        self._listener = s
        self.settings["port"] = s.getsockname()[1]
        self._track_sockets()

    def _track_sockets(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _close_quietly, self._conn, self._listener)

    # -- devices -----------------------------------------------------------------------------
    def enroll(self, device: RecordedDevice) -> None:
        """Note the device and start listening, so the port is known before ``simulate``."""
        self._devices[device.node_id] = device
        self._listen()

    def disenroll(self, device: RecordedDevice) -> None:
        """Stop announcing the device."""
        self._devices.pop(device.node_id, None)

    def device_status(self, device: RecordedDevice) -> dict[str, Any]:
        """``host`` and ``port`` a subscriber connects to."""
        return {"host": LOOPBACK, "port": self.settings["port"]}

    # -- life cycle --------------------------------------------------------------------------
    def prepare(self) -> None:
        """Wait for a subscriber if none is connected, then announce every device.

        Raises
        ------
        StreamError
            If no subscriber connects within ``connect_timeout`` s, or sending fails.
        """
        self._lost = None
        if not self._devices:
            return
        self._listen()
        if self._conn is None:
            self._accept()
        assert self._conn is not None
        self._conn.settimeout(float(self.settings["send_timeout"]))  # may have changed since
        for dev in self._devices.values():
            self._send(encode(self._device_header(dev)))

    def _accept(self) -> None:
        assert self._listener is not None
        wait = float(self.settings["connect_timeout"])
        self._listener.settimeout(wait)
        port = self.settings["port"]
        try:
            conn, _ = self._listener.accept()
        except TimeoutError as err:
            raise StreamError(
                f"stream backend: no subscriber connected to {LOOPBACK}:{port} within "
                f"connect_timeout={wait} s; start spikesim.io.subscriber.Subscriber('{LOOPBACK}', {port}) "
                "in the consuming process first, or raise connect_timeout with "
                "sim.set_defaults('stream', {'connect_timeout': ...})") from err
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(float(self.settings["send_timeout"]))
        self._conn, self._seq = conn, 0
        self._track_sockets()
        from spikesim._version import __version__
        sim = self.context
        self._send(encode({"kind": "hello", "seq": 0, "format": FORMAT, "version": VERSION,
                           "spikesim_version": __version__, "resolution": sim.resolution,
                           "seed": sim.seed}))

    def _device_header(self, dev: RecordedDevice) -> dict[str, Any]:
        cols = dev.columns()
        units = {c: dev.unit(c) for c in cols}
        params = {k: v for k, v in dev.p.items() if k not in ("n_events", "record_to")}
        return {"kind": "device", "seq": self._seq, "device": dev.node_id, "model": dev.model.name,
                "label": dev.p["label"], "columns": list(cols), "units": units, "params": params}

    def _send(self, frame: bytes) -> None:
        """Send one frame within send_timeout or raise; a failed connection is dropped."""
        conn = self._conn
        assert conn is not None
        port = self.settings["port"]
        try:
            conn.sendall(frame)
        except TimeoutError as err:
            self._drop()
            t = self.context.time
            raise self._lose(SubscriberLost(
                f"stream backend: the subscriber on {LOOPBACK}:{port} took no data for "
                f"send_timeout={self.settings['send_timeout']} s (too slow, stalled or dead); the "
                f"simulation stopped at t = {t} ms. Raise send_timeout with "
                "sim.set_defaults('stream', {'send_timeout': ...}) if the consumer is just slow")) from err
        except OSError as err:
            self._drop()
            raise self._lose(SubscriberLost(f"stream backend: the subscriber on {LOOPBACK}:{port} disconnected "
                                            f"({err}); the next simulate waits for a new one")) from err
        self._seq += 1

    def _lose(self, err: StreamError) -> StreamError:
        self._lost = err
        return err

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._track_sockets()

    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Send the batch as one frame (waiting for a subscriber first if there is none).

        Raises
        ------
        StreamError
            If the subscriber takes nothing for ``send_timeout`` s or disconnected,
            now or earlier in this run (then at once: waiting for a new subscriber
            would hide the cause behind a connect timeout).
        """
        if self._conn is None and self._lost is not None:
            raise SubscriberLost(f"stream backend: batch of device {device.node_id} not sent; the subscriber "
                                 f"was lost earlier in this run: {str(self._lost).split(';')[0]}") from self._lost
        if self._conn is None:  # enrolled since prepare
            self.prepare()
        self._send(encode_batch(self._seq, device.node_id, batch))

    def flush(self) -> None:
        """Send a ``flush`` frame with the simulated time (ms).

        Raises
        ------
        StreamError
            As :meth:`write`.
        """
        if self._conn is not None:
            self._send(encode({"kind": "flush", "seq": self._seq,
                               "time": self.context.time}))

    def close(self) -> None:
        """Send ``end`` (best effort) and close the connection and the listening socket."""
        if self._conn is not None:
            try:
                self._conn.settimeout(1.0)
                self._conn.sendall(encode({"kind": "end", "seq": self._seq}))
            except OSError:
                pass  # the subscriber is gone already; nothing to tell it
            self._drop()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
