"""Receive a simulator's recordings over a loopback socket: the stream protocol and Subscriber.

The ``stream`` recording backend (:mod:`spikesim.recording.backends.stream`) listens on
``127.0.0.1:port``; a :class:`Subscriber` in another process (or thread) connects and
iterates over the batches in the order the devices wrote them::

    with Subscriber("127.0.0.1", port, timeout=60.0) as sub:
        for node_id, batch in sub:          # batch: dict of numpy arrays
            ...

Protocol (version 1)
--------------------
A TCP byte stream of frames::

    frame  = length (uint64, little-endian: bytes that follow)
             | header length h (uint32, little-endian) | header (h bytes of UTF-8 JSON) | body

Every header has ``kind`` and ``seq`` (0, 1, 2 ... over the connection, so a reader
can check that nothing is missing).  Kinds:

* ``hello``: ``format`` ("spikesim-stream"), ``version``, ``spikesim_version``,
  ``resolution`` (ms), ``seed``; first frame of a connection;
* ``device``: ``device`` (node id), ``model``, ``label``, ``columns``, ``units``,
  ``params``; sent at the start of every ``simulate`` call for every device, before
  its batches (non-finite floats are the strings "inf", "-inf", "nan");
* ``batch``: ``device``, ``rows`` and ``columns`` (``[name, numpy dtype string]``);
  the body holds the columns' little-endian values one after the other, ``rows``
  values each: ``numpy.frombuffer`` reads them without parsing;
* ``flush``: ``time`` (ms): a ``simulate`` call ended there;
* ``end``: the simulator closed the stream (reset or dropped).

Plain numpy framing rather than Arrow IPC keeps the dependencies at numpy and costs
one copy per batch on each side; an Arrow consumer can wrap the arrays zero-copy.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import struct
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from spikesim.errors import KernelException, bad_property

Batch = dict[str, np.ndarray]

FORMAT = "spikesim-stream"
VERSION = 1
LOOPBACK = "127.0.0.1"
_LEN = struct.Struct("<Q")
_HLEN = struct.Struct("<I")
#: the largest frame a subscriber accepts (bytes): a bound on what a damaged length
#: prefix can make it allocate; a writer's batches are far smaller
MAX_FRAME = 1 << 32


class StreamError(KernelException):
    """The stream between a simulator and its subscriber failed (timeout, disconnect, bad frame)."""


def _jsonable(v: object) -> object:
    """``v`` with numpy scalars as Python ones, tuples as lists and non-finite floats
    as the strings "inf", "-inf", "nan" (JSON has no such numbers)."""
    if isinstance(v, (float, np.floating)) and not math.isfinite(v):
        return str(float(v))
    if isinstance(v, (tuple, list)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        return v.item()
    return v


def encode(header: dict[str, Any], arrays: Sequence[np.ndarray] = ()) -> bytes:
    """One frame: ``header`` as JSON, then the raw bytes of ``arrays`` (little-endian)."""
    head = json.dumps(_jsonable(header), allow_nan=False).encode()
    bufs = [np.ascontiguousarray(a) for a in arrays]
    size = _HLEN.size + len(head) + sum(a.nbytes for a in bufs)
    # contiguous arrays are buffers: join copies their bytes once, without tobytes()
    return b"".join([_LEN.pack(size), _HLEN.pack(len(head)), head, *bufs])  # type: ignore[list-item]


def encode_batch(seq: int, node_id: int, batch: Batch) -> bytes:
    """One ``batch`` frame of device ``node_id``.

    Parameters
    ----------
    seq : int
        The frame's number on its connection.
    node_id : int
        The recording device.
    batch : Batch
        Equally long columns (``senders`` among them), written little-endian in order.

    Returns
    -------
    bytes
        The whole frame, length prefix included.
    """
    arrays = [np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")) for a in batch.values()]
    header = {"kind": "batch", "seq": seq, "device": int(node_id), "rows": int(batch["senders"].size),
              "columns": [[c, a.dtype.str] for c, a in zip(batch, arrays, strict=True)]}
    return encode(header, arrays)


def decode_batch(header: dict[str, Any], body: bytearray | bytes) -> Batch:
    """The columns of a ``batch`` frame, as read-only views of ``body`` (no copy).

    Raises
    ------
    StreamError
        If the header's ``rows`` or ``columns`` are malformed (a negative count, an
        unknown or non-numeric dtype) or ``body`` is not as long as they say.
    """
    try:
        rows = header["rows"]
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
            raise ValueError(f"rows {rows!r} is not a count")
        dtypes = [(str(name), np.dtype(dt)) for name, dt in header["columns"]]
        if any(dt.kind not in "biuf" or dt.itemsize == 0 for _, dt in dtypes):
            raise ValueError(f"columns {header['columns']!r} are not all numeric")
    except (KeyError, ValueError, TypeError) as err:
        raise StreamError(f"Subscriber: batch frame {header.get('seq')} has a malformed header: {err}") from None
    size = sum(rows * dt.itemsize for _, dt in dtypes)
    if size != len(body):
        raise StreamError(f"Subscriber: batch frame {header.get('seq')} has {len(body)} body bytes, "
                          f"its header describes {size}")
    out: Batch = {}
    off = 0
    for name, dtype in dtypes:
        out[name] = np.frombuffer(body, dtype=dtype, count=rows, offset=off)
        off += rows * dtype.itemsize
    return out


def frame_size(prefix: bytes | bytearray) -> int:
    """The byte count a frame's 8-byte length prefix announces.

    Raises
    ------
    StreamError
        If it is shorter than a header length or over :data:`MAX_FRAME`.
    """
    (size,) = _LEN.unpack(prefix)
    if not _HLEN.size <= size <= MAX_FRAME:
        raise StreamError(f"Subscriber: a frame announces {size} bytes (allowed {_HLEN.size} to {MAX_FRAME}); "
                          "the stream is damaged")
    return int(size)


def decode_frame(buf: bytes | bytearray) -> tuple[dict[str, Any], bytes | bytearray]:
    """The header (a JSON object with ``kind`` and ``seq``) and body of a frame
    without its length prefix.

    Raises
    ------
    StreamError
        If the header length, the JSON or its ``kind``/``seq`` are malformed.
    """
    if len(buf) < _HLEN.size:
        raise StreamError(f"Subscriber: a frame of {len(buf)} bytes has no header length")
    (h,) = _HLEN.unpack_from(buf)
    if h > len(buf) - _HLEN.size:
        raise StreamError(f"Subscriber: a frame's header length {h} exceeds its {len(buf)} bytes")
    try:
        header = json.loads(bytes(buf[_HLEN.size:_HLEN.size + h]))
    except (ValueError, RecursionError) as err:
        raise StreamError(f"Subscriber: a frame's header is not JSON: {err}") from None
    if not isinstance(header, dict) or not isinstance(header.get("kind"), str) \
            or isinstance(header.get("seq"), bool) or not isinstance(header.get("seq"), int):
        raise StreamError(f"Subscriber: a frame's header lacks kind or seq: {str(header)[:200]}")
    return header, buf[_HLEN.size + h:]


def check_loopback(owner: str, host: object) -> str:
    """The loopback address, if ``host`` names it.

    Raises
    ------
    BadProperty
        If ``host`` is neither "127.0.0.1" nor "localhost" (``owner`` names the asker).
    """
    if host not in (LOOPBACK, "localhost"):
        raise bad_property(owner, "host", host, f"only the loopback address '{LOOPBACK}' is allowed")
    return LOOPBACK


def check_port(owner: str, port: object, allow_zero: bool) -> int:
    """``port`` as an int.

    Raises
    ------
    BadProperty
        If ``port`` is not an integer in [1, 65535] ([0, 65535] with ``allow_zero``:
        0 asks for any free port).
    """
    lo = 0 if allow_zero else 1
    if isinstance(port, bool) or not isinstance(port, (int, np.integer)) or not lo <= port <= 65535:
        raise bad_property(owner, "port", port, f"it must be an integer in [{lo}, 65535]"
                           + (" (0: any free port)" if allow_zero else ""))
    return int(port)


class Subscriber:
    """Connects to a simulator's stream backend and yields its batches in order.

    Parameters
    ----------
    host : str
        ``"127.0.0.1"`` (or ``"localhost"``): the stream is loopback only.
    port : int
        The backend's port: ``sim.get_defaults("stream")["port"]`` in the simulator's
        process once a device records to ``stream``.
    timeout : float or None
        Seconds to wait for the next frame before raising :class:`StreamError`;
        None waits as long as the simulator keeps the connection open.
    connect_timeout : float
        Seconds to keep retrying while nothing listens on ``port`` yet.

    Attributes
    ----------
    info : dict
        The ``hello`` header (format, version, spikesim_version, resolution, seed).
    devices : dict
        Node id -> the latest ``device`` header (model, label, columns, units, params).
    time : float
        Simulated time (ms) at the end of the last completed ``simulate`` call.
    ended : bool
        True once the simulator closed the stream; iteration that stops with
        ``ended`` False means the connection dropped without an ``end`` frame.

    Raises
    ------
    BadProperty
        If ``host`` is not the loopback address or ``port`` not in [1, 65535].
    StreamError
        If nothing accepts the connection within ``connect_timeout`` s.
    """

    def __init__(self, host: str = LOOPBACK, port: int = 0, timeout: float | None = None,
                 connect_timeout: float = 10.0) -> None:
        host = check_loopback("Subscriber", host)
        self.port = check_port("Subscriber", port, allow_zero=False)
        self.timeout = timeout
        self.info: dict[str, Any] = {}
        self.devices: dict[int, dict[str, Any]] = {}
        self.time = 0.0
        self.ended = False
        self._seq = 0
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self._sock = socket.create_connection((host, self.port), timeout=connect_timeout)
                break
            except OSError as err:
                if time.monotonic() >= deadline:
                    raise StreamError(f"Subscriber: nothing accepts connections on {host}:{self.port} "
                                      f"within connect_timeout={connect_timeout} s ({err}); create a "
                                      "device with record_to='stream' first and use the backend's port "
                                      "(sim.get_defaults('stream')['port'])") from err
                time.sleep(0.02)
        self._sock.settimeout(timeout)

    # -- frames ------------------------------------------------------------------------------
    def _recv_into(self, view: memoryview, at_boundary: bool) -> bool:
        got = 0
        while got < len(view):
            try:
                n = self._sock.recv_into(view[got:])
            except TimeoutError as err:
                raise StreamError(f"Subscriber: no data from 127.0.0.1:{self.port} for timeout={self.timeout} s; "
                                  "the simulator is stalled or slower than that; raise timeout") from err
            except OSError as err:  # reset by a killed simulator, or closed by this side
                raise StreamError(f"Subscriber: the connection to 127.0.0.1:{self.port} failed ({err}); "
                                  "the simulator died, or this subscriber was closed") from err
            if n == 0:
                if at_boundary and got == 0:
                    return False
                raise StreamError(f"Subscriber: the connection to 127.0.0.1:{self.port} closed in the "
                                  "middle of a frame; the simulator died or was killed")
            got += n
        return True

    def _frame(self) -> tuple[dict[str, Any], bytearray] | None:
        head = bytearray(_LEN.size)
        if not self._recv_into(memoryview(head), at_boundary=True):
            return None
        buf = bytearray(frame_size(head))
        self._recv_into(memoryview(buf), at_boundary=False)
        header, body = decode_frame(buf)
        if header.get("seq") != self._seq:
            raise StreamError(f"Subscriber: frame {header.get('seq')} arrived where frame {self._seq} "
                              "was expected; the stream is out of order")
        self._seq += 1
        return header, body if isinstance(body, bytearray) else bytearray(body)

    def __iter__(self) -> Iterator[tuple[int, Batch]]:
        """Yield ``(node_id, batch)`` in the order the simulator wrote them.

        Raises
        ------
        StreamError
            If no frame arrives within ``timeout`` s, the connection drops inside a
            frame, frames arrive out of order, or the peer speaks a newer version.
        """
        while not self.ended:
            got = self._frame()
            if got is None:
                return
            header, body = got
            kind = header["kind"]
            if kind == "batch":
                yield int(header["device"]), decode_batch(header, body)
            elif kind == "device":
                self.devices[int(header["device"])] = header
            elif kind == "flush":
                self.time = float(header["time"])
            elif kind == "hello":
                if header.get("format") != FORMAT or int(header.get("version", 0)) > VERSION:
                    raise StreamError(f"Subscriber: the peer speaks {header.get('format')} version "
                                      f"{header.get('version')}; this spikesim reads {FORMAT} up to "
                                      f"version {VERSION}")
                self.info = header
            elif kind == "end":
                self.ended = True

    def collect(self) -> dict[int, Batch]:
        """Read to the end of the stream; return node id -> all its batches concatenated."""
        parts: dict[int, list[Batch]] = {}
        for node_id, batch in self:
            parts.setdefault(node_id, []).append(batch)
        return {i: {k: np.concatenate([b[k] for b in bs]) for k in bs[0]} for i, bs in parts.items()}

    def close(self) -> None:
        """Close the connection (the simulator's next write raises StreamError); a thread
        blocked reading this subscriber returns."""
        with contextlib.suppress(OSError):  # not connected any more
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes a reader blocked in recv
        self._sock.close()

    def __enter__(self) -> Subscriber:
        """The subscriber itself; leaving the block closes it."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the connection."""
        self.close()


__all__ = ["Subscriber", "StreamError", "encode", "encode_batch", "decode_batch", "decode_frame", "frame_size"]
