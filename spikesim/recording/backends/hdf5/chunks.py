"""HDF5 chunks filtered by spikesim itself, for writes that do not hold the GIL.

h5py holds the GIL while HDF5 runs a dataset's filters, so a writer thread that lets
HDF5 compress stalls the simulating thread each time that one needs the GIL between
two kernels.  For the datasets the backend creates (columns of rows and the grids of
multimeters) the writer thread instead builds each chunk exactly as HDF5's filter pipeline would (byte
shuffle, then LZF or deflate, then Fletcher-32), in compiled code that releases the
GIL (and ``zlib``, which releases it too), and hands HDF5 the finished chunk with
``write_direct_chunk``.  Any HDF5 reader decodes these chunks with the dataset's
filters: the layout on disk is the one h5py would have written.

The encodings follow the formats' definitions: HDF5's shuffle filter stores byte
``b`` of every element together, ``b = 0, 1, ...``; an LZF stream is a sequence of
literal runs (control byte ``len - 1 < 32`` and the bytes) and back references
(control byte ``(len - 2) << 5 | offset >> 8``, an extra length byte when
``len - 2 >= 7``, then ``offset & 255``, for a copy of ``len`` bytes from
``offset + 1`` bytes back); HDF5's Fletcher-32 sums big-endian 16-bit words in
blocks of 360 and is stored after the data, least significant byte first.
"""

from __future__ import annotations

import zlib

import numpy as np
from numba import njit

#: hash table size (log2) of the LZF encoder
HLOG = 14
#: the LZF encoder widens its stride by one every 2**SKIP lookups without a match
SKIP = 4


@njit(cache=True, nogil=True)
def shuffle(src: np.ndarray, itemsize: int, dst: np.ndarray) -> None:
    """HDF5's shuffle filter: byte ``b`` of element ``i`` goes to ``b * n + i``.

    Parameters
    ----------
    src, dst : np.ndarray
        uint8 arrays of equal size: the chunk's bytes and where the shuffled ones go.
    itemsize : int
        Bytes per element (8 for float64 and int64).
    """
    n = src.size // itemsize
    for b in range(itemsize):
        for i in range(n):
            dst[b * n + i] = src[i * itemsize + b]
    for i in range(n * itemsize, src.size):  # a trailing partial element stays as it is
        dst[i] = src[i]


# The LZF encoder is split into small kernels that numba inlines into lzf_compress
# (inline="always"), so the split costs no call: timed side by side with the single
# kernel it replaced, on 100 chunks of 512 KB, both take the same time.

@njit(cache=True, nogil=True, inline="always")
def _lzf_hash(inp: np.ndarray, ip: int) -> np.int64:
    """The hash table slot of the three bytes at ``ip``."""
    h = (np.int64(inp[ip]) << 16) | (np.int64(inp[ip + 1]) << 8) | np.int64(inp[ip + 2])
    return ((h * 2654435761) & 0xFFFFFFFF) >> (32 - HLOG)


@njit(cache=True, nogil=True, inline="always")
def _lzf_match_length(inp: np.ndarray, ref: int, ip: int) -> int:
    """How many bytes (3 to 264) at ``ip`` repeat those at ``ref`` (the first 3 do)."""
    maxm = min(264, inp.size - ip)
    mlen = 3
    while mlen < maxm and inp[ref + mlen] == inp[ip + mlen]:
        mlen += 1
    return mlen


@njit(cache=True, nogil=True, inline="always")
def _lzf_put_reference(out: np.ndarray, op: int, mlen: int, off: int) -> int:
    """Write a back reference (copy ``mlen`` bytes from ``off + 1`` back) at ``op``;
    returns the position after it."""
    ln = mlen - 2
    if ln < 7:
        out[op] = (ln << 5) | (off >> 8)
        op += 1
    else:
        out[op] = (7 << 5) | (off >> 8)
        out[op + 1] = ln - 7
        op += 2
    out[op] = off & 0xFF
    return op + 1


@njit(cache=True, nogil=True, inline="always")
def _lzf_put_literals(inp: np.ndarray, ip: int, end: int, out: np.ndarray, op: int, lit: int,
                      lit_start: int) -> tuple[int, int, int, int]:
    """Copy bytes ``ip:end`` as literals, opening a new run every 32 bytes; returns
    the new ``(ip, op, lit, lit_start)``."""
    while ip < end:
        out[op] = inp[ip]
        op += 1
        ip += 1
        lit += 1
        if lit == 32:
            out[lit_start] = 31
            lit_start = op
            op += 1
            lit = 0
    return ip, op, lit, lit_start


@njit(cache=True, nogil=True)
def lzf_compress(inp: np.ndarray, out: np.ndarray, htab: np.ndarray) -> int:
    """Compress ``inp`` (uint8) into ``out`` as an LZF stream; returns its length, or 0
    when it would not be shorter than ``out`` (HDF5 then stores the chunk raw).

    After ``2**SKIP`` positions in a row without a match the encoder looks up only
    every second position, then every third, ... (the skipped bytes go out as
    literals; a match resets the stride): the low mantissa bytes of sampled
    voltages are nearly random, and hashing each of them cost 6x the time for 1%
    of the size.  The stream is plain LZF either way.

    Parameters
    ----------
    inp, out : np.ndarray
        uint8 arrays: the bytes to compress and room for the stream.
    htab : np.ndarray
        int64 work array of ``2**HLOG`` entries (overwritten).
    """
    n = inp.size
    cap = out.size
    htab[:] = 0
    op = 1          # out[0] is the control byte of the first literal run
    lit_start = 0
    lit = 0
    ip = 0
    miss = 0        # lookups since the last match
    while ip < n:
        if ip + 2 < n:
            h = _lzf_hash(inp, ip)
            ref = htab[h] - 1
            htab[h] = ip + 1
            if (ref >= 0 and ip - ref - 1 < 8192 and inp[ref] == inp[ip] and inp[ref + 1] == inp[ip + 1]
                    and inp[ref + 2] == inp[ip + 2]):
                if lit:
                    out[lit_start] = lit - 1
                else:
                    op -= 1  # no literal before this reference: drop the unused control byte
                mlen = _lzf_match_length(inp, ref, ip)
                if op + 4 >= cap:
                    return 0
                op = _lzf_put_reference(out, op, mlen, ip - ref - 1)
                ip += mlen
                lit_start = op
                op += 1
                lit = 0
                miss = 0
                continue
        end = min(n, ip + 1 + (miss >> SKIP))
        miss += 1
        if op + (end - ip) + (end - ip) // 32 + 2 >= cap:
            return 0
        ip, op, lit, lit_start = _lzf_put_literals(inp, ip, end, out, op, lit, lit_start)
    if lit:
        out[lit_start] = lit - 1
    else:
        op -= 1
    return op


@njit(cache=True, nogil=True)
def fletcher32(data: np.ndarray) -> np.uint32:
    """HDF5's Fletcher-32 checksum of ``data`` (uint8), as a uint32."""
    n = data.size // 2
    s1 = np.uint32(0)
    s2 = np.uint32(0)
    i = 0
    while n:
        t = 360 if n > 360 else n
        n -= t
        for _ in range(t):
            s1 += (np.uint32(data[i]) << np.uint32(8)) | np.uint32(data[i + 1])
            i += 2
            s2 += s1
        s1 = (s1 & np.uint32(0xFFFF)) + (s1 >> np.uint32(16))
        s2 = (s2 & np.uint32(0xFFFF)) + (s2 >> np.uint32(16))
    if data.size % 2:
        s1 += np.uint32(data[i]) << np.uint32(8)
        s2 += s1
        s1 = (s1 & np.uint32(0xFFFF)) + (s1 >> np.uint32(16))
        s2 = (s2 & np.uint32(0xFFFF)) + (s2 >> np.uint32(16))
    s1 = (s1 & np.uint32(0xFFFF)) + (s1 >> np.uint32(16))
    s2 = (s2 & np.uint32(0xFFFF)) + (s2 >> np.uint32(16))
    return (s2 << np.uint32(16)) | s1


# HDF5 filter ids
SHUFFLE, DEFLATE, FLETCHER32, LZF = 2, 1, 3, 32000


def pipeline(compression: str) -> list[int]:
    """The filters (in order) of a dataset the backend creates with ``compression``."""
    if compression == "none":
        return [FLETCHER32]
    return [SHUFFLE, DEFLATE if compression == "gzip" else LZF, FLETCHER32]


class Scratch:
    """Work buffers of the encoders, grown to the largest chunk seen; one per writing
    thread, shared by all the datasets it writes (chunks are encoded one at a time)."""

    def __init__(self) -> None:
        self.shuffled = np.empty(0, dtype=np.uint8)
        self.out = np.empty(0, dtype=np.uint8)
        self.htab = np.zeros(1 << HLOG, dtype=np.int64)
        self.pad: np.ndarray | None = None

    def padded(self, part: np.ndarray, rows: int) -> np.ndarray:
        """``part`` followed by zero rows up to ``rows`` rows (a chunk's worth), in a
        work buffer of its own (valid until the next call)."""
        shape = (rows, *part.shape[1:])
        nbytes = int(np.prod(shape)) * part.itemsize
        if self.pad is None or self.pad.size < nbytes:
            self.pad = np.empty(nbytes, dtype=np.uint8)
        out = self.pad[:nbytes].view(part.dtype).reshape(shape)
        out[:part.shape[0]] = part
        out[part.shape[0]:] = 0
        return out

    def get(self, nbytes: int) -> tuple[np.ndarray, np.ndarray]:
        """Two buffers of ``nbytes`` + 4 bytes (room for the checksum after the data)."""
        if self.shuffled.size < nbytes + 4:
            self.shuffled = np.empty(nbytes + 4, dtype=np.uint8)
            self.out = np.empty(nbytes + 4, dtype=np.uint8)
        return self.shuffled[:nbytes + 4], self.out[:nbytes + 4]


class ChunkEncoder:
    """Builds finished chunks for one dataset layout.

    With LZF, a dataset whose chunks hardly shrink (sampled voltages: the low bytes of
    float64 values are close to random, LZF saves 7%) is stored raw for the next
    ``RETRY - 1`` chunks after a chunk that saved less than ``1 - POOR``, shuffle and
    LZF marked skipped in each chunk's filter mask (HDF5 readers then apply only
    Fletcher-32); every ``RETRY``-th chunk is compressed again to notice a change."""

    POOR = 0.85
    RETRY = 16

    def __init__(self, compression: str, level: int, itemsize: int, scratch: Scratch | None = None) -> None:
        self.compression = compression
        self.level = level
        self.itemsize = itemsize
        self.scratch = scratch if scratch is not None else Scratch()
        self.raw_left = 0   # chunks still to store raw before trying LZF again

    def encode(self, chunk: np.ndarray) -> tuple[np.ndarray, int]:
        """The stored bytes of a C-contiguous chunk (a view of a work buffer, valid
        until the next call) and HDF5's filter mask (a set bit marks a filter skipped:
        LZF when it would not shrink the chunk).

        Parameters
        ----------
        chunk : np.ndarray
            A whole chunk of the dataset (rows beyond the data zero-filled).
        """
        raw = chunk.reshape(-1).view(np.uint8)
        nb = raw.size
        shuffled, out = self.scratch.get(nb)
        mask = 0
        if self.compression == "none" or self.raw_left:
            out[:nb] = raw
            data, n = out, nb
            if self.compression != "none":
                self.raw_left -= 1
                mask = 0b11  # shuffle and LZF skipped
        elif self.compression == "gzip":
            shuffle(raw, self.itemsize, shuffled[:nb])
            z = zlib.compress(shuffled[:nb].data, self.level)
            data = np.empty(len(z) + 4, dtype=np.uint8)
            data[:len(z)] = np.frombuffer(z, dtype=np.uint8)
            n = len(z)
        else:
            shuffle(raw, self.itemsize, shuffled[:nb])
            n = lzf_compress(shuffled[:nb], out[:nb], self.scratch.htab)
            data = out if n else shuffled
            mask = 0 if n else 1 << 1
            if not n or n > self.POOR * nb:
                self.raw_left = self.RETRY - 1
            n = n if n else nb
        _put_checksum(data, n)
        return data[:n + 4], mask


@njit(cache=True, nogil=True)
def _put_checksum(data: np.ndarray, n: int) -> None:
    """HDF5's Fletcher-32 of ``data[:n]`` stored after it, least significant byte first."""
    c = fletcher32(data[:n])
    for k in range(4):
        data[n + k] = (c >> np.uint32(8 * k)) & np.uint32(0xFF)
