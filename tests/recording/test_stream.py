"""The stream backend and Subscriber: delivery across processes, back-pressure, errors."""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from spikesim.io.subscriber import (
    StreamError,
    Subscriber,
    decode_batch,
    encode,
    encode_batch,
)

from .test_conformance import brunel, drive

H = 0.1

CONSUMER = r"""
import sys
import numpy as np
from spikesim.io.subscriber import Subscriber
port, out = int(sys.argv[1]), sys.argv[2]
with Subscriber("127.0.0.1", port, timeout=30.0) as sub:
    parts = list(sub)
    assert sub.ended, "stream ended without an end frame"
senders = np.concatenate([b["senders"] for _, b in parts])
times = np.concatenate([b["times"] for _, b in parts])
np.savez(out, senders=senders, times=times, devices=np.array([d for d, _ in parts]),
         flush_time=sub.time, resolution=sub.info["resolution"])
print("received", senders.size, flush=True)
"""


def _brunel_run(record_to: str) -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
    sim = spikesim.Simulator(resolution=H, seed=42)
    nodes = brunel(sim, order=100)  # 500 neurons
    sr = sim.create("spike_recorder", params={"record_to": record_to})
    sim.connect(nodes, sr)
    return sim, sr


@pytest.mark.timeout(60)
def test_brunel_spikes_reach_a_subscriber_process_in_order(tmp_path):
    sim, sr = _brunel_run("stream")
    port = sim.get_defaults("stream")["port"]
    assert sr.get("port")[0] == port and sr.get("host")[0] == "127.0.0.1"
    out = tmp_path / "received.npz"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", CONSUMER, str(port), str(out)], cwd=root,
                             stdout=subprocess.PIPE, text=True)
    try:
        sim.simulate(120.0)
        sim.simulate(80.0)
        sim.recording.backend("stream").close()
        stdout, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, stdout
    got = np.load(out)
    ref_sim, ref_sr = _brunel_run("memory")
    ref_sim.simulate(200.0)
    ref = ref_sr.get("events")[0]
    assert ref["senders"].size > 1000
    assert stdout.split() == ["received", str(ref["senders"].size)]
    np.testing.assert_array_equal(got["senders"], ref["senders"])
    np.testing.assert_array_equal(got["times"], ref["times"])
    assert set(got["devices"].tolist()) == {sr.tolist()[0]}
    assert float(got["flush_time"]) == 200.0 and float(got["resolution"]) == H
    assert sr.get("n_events")[0] == ref["senders"].size


def _sampler_net(send_timeout: float = 0.3) -> spikesim.Simulator:
    """About 24 kB per step: fills any socket buffer within a few hundred steps."""
    sim = spikesim.Simulator(resolution=H, seed=1)
    sim.set_defaults("stream", {"send_timeout": send_timeout, "connect_timeout": 5.0})
    nrn = sim.create("iaf_psc_delta", 1000, {"I_e": 300.0})
    mm = sim.create("multimeter", params={"record_to": "stream", "record_from": ["V_m"], "interval": H})
    sim.connect(mm, nrn)
    return sim


@pytest.mark.timeout(30)
def test_a_stalled_subscriber_stops_the_run_after_send_timeout():
    sim = _sampler_net()
    port = sim.get_defaults("stream")["port"]
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", port))  # connects, never reads
    try:
        with pytest.raises(StreamError, match=r"took no data for send_timeout=0\.3 s .* stopped at t = "):
            sim.simulate(1000.0)
        assert sim.time < 1000.0
    finally:
        stalled.close()
    # the next simulate waits for a new subscriber, and the stream goes on
    got: dict[str, object] = {}

    def consume() -> None:
        with Subscriber("127.0.0.1", port, timeout=10.0) as sub:
            got["n"] = sum(b["senders"].size for _, b in sub)

    th = threading.Thread(target=consume)
    th.start()
    sim.simulate(5.0)
    sim.recording.backend("stream").close()
    th.join(10.0)
    assert got["n"] == 1000 * 50


@pytest.mark.timeout(30)
def test_a_dead_subscriber_is_reported():
    sim = _sampler_net()
    sub = Subscriber("127.0.0.1", sim.get_defaults("stream")["port"])
    sub.close()
    with pytest.raises(StreamError, match="disconnected .* the next simulate waits for a new one"):
        sim.simulate(1000.0)


@pytest.mark.timeout(30)
def test_no_subscriber_within_connect_timeout():
    sim = spikesim.Simulator()
    sim.set_defaults("stream", {"connect_timeout": 0.2})
    sr = sim.create("spike_recorder", params={"record_to": "stream"})
    sim.connect(drive(sim, 2), sr)
    port = sim.get_defaults("stream")["port"]
    with pytest.raises(StreamError, match=rf"no subscriber connected to 127\.0\.0\.1:{port} within "
                                          r"connect_timeout=0\.2 s"):
        sim.simulate(10.0)
    assert sim.time == 0.0


@pytest.mark.timeout(30)
def test_fixed_port_and_port_changes():
    sim = spikesim.Simulator()
    sr = sim.create("spike_recorder", params={"record_to": "stream"})
    first = sim.get_defaults("stream")["port"]
    sim.set_defaults("stream", {"port": 0})  # rebinds to another free port
    second = sim.get_defaults("stream")["port"]
    assert second not in (0, first) and sr.get("port")[0] == second
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    busy = blocker.getsockname()[1]
    try:
        with pytest.raises(BadProperty, match=rf"'port' = {busy} .* cannot listen on 127\.0\.0\.1:{busy}"):
            sim.set_defaults("stream", {"port": busy})
        assert sim.get_defaults("stream")["port"] == second  # unchanged
    finally:
        blocker.close()
    sim.set_defaults("stream", {"connect_timeout": 5.0})
    sim.connect(drive(sim, 2), sr)
    th = threading.Thread(target=lambda: Subscriber("127.0.0.1", second, timeout=5.0).collect())
    th.start()
    sim.simulate(5.0)
    with pytest.raises(BadProperty, match="'port' cannot change while a subscriber is connected"):
        sim.set_defaults("stream", {"port": 0})
    sim.recording.backend("stream").close()
    th.join(5.0)


@pytest.mark.parametrize("key, value, msg", [
    ("port", 70000, r"integer in \[0, 65535\] \(0: any free port\)"),
    ("port", "80", r"integer in \[0, 65535\]"),
    ("send_timeout", 0, "positive, finite number of seconds"),
    ("connect_timeout", float("inf"), "positive, finite number of seconds"),
    ("queue", 3, "its settings are"),
])
def test_bad_settings_are_refused(key, value, msg):
    sim = spikesim.Simulator()
    with pytest.raises(BadProperty, match=msg):
        sim.set_defaults("stream", {key: value})


# -- the Subscriber against hand-made peers --------------------------------------------------
class FakePeer:
    """A listening socket that sends prepared bytes to the first client."""

    def __init__(self, payload: bytes, close: bool = True) -> None:
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.port = self.srv.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, args=(payload, close), daemon=True)
        self.thread.start()

    def _serve(self, payload: bytes, close: bool) -> None:
        conn, _ = self.srv.accept()
        conn.sendall(payload)
        if close:
            conn.close()
        else:
            self.conn = conn

    def stop(self) -> None:
        self.srv.close()


HELLO = encode({"kind": "hello", "seq": 0, "format": "spikesim-stream", "version": 1})


def test_subscriber_reports_a_cut_frame():
    frame = encode_batch(1, 5, {"senders": np.arange(4), "times": np.ones(4)})
    peer = FakePeer(HELLO + frame[:-3])
    with pytest.raises(StreamError, match="closed in the middle of a frame"):
        Subscriber("127.0.0.1", peer.port, timeout=5.0).collect()
    peer.stop()


def test_subscriber_detects_a_missing_frame():
    frame = encode_batch(2, 5, {"senders": np.arange(4), "times": np.ones(4)})
    peer = FakePeer(HELLO + frame)
    with pytest.raises(StreamError, match="frame 2 arrived where frame 1 was expected"):
        Subscriber("127.0.0.1", peer.port, timeout=5.0).collect()
    peer.stop()


def test_subscriber_refuses_another_protocol():
    peer = FakePeer(encode({"kind": "hello", "seq": 0, "format": "spikesim-stream", "version": 9}))
    with pytest.raises(StreamError, match="speaks spikesim-stream version 9; this spikesim reads"):
        Subscriber("127.0.0.1", peer.port, timeout=5.0).collect()
    peer.stop()


def test_subscriber_times_out_and_sees_a_drop_without_end():
    peer = FakePeer(HELLO, close=False)
    sub = Subscriber("127.0.0.1", peer.port, timeout=0.2)
    with pytest.raises(StreamError, match=r"no data from 127\.0\.0\.1:\d+ for timeout=0\.2 s"):
        list(sub)
    sub.close()
    peer.stop()
    peer2 = FakePeer(HELLO)
    sub2 = Subscriber("127.0.0.1", peer2.port, timeout=5.0)
    assert sub2.collect() == {} and not sub2.ended and sub2.info["version"] == 1
    peer2.stop()


def test_subscriber_argument_errors():
    with pytest.raises(BadProperty, match="'host' = '10.0.0.1' .* only the loopback address"):
        Subscriber("10.0.0.1", 5000)
    with pytest.raises(BadProperty, match=r"'port' = 0 .* integer in \[1, 65535\]"):
        Subscriber("127.0.0.1", 0)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    free = s.getsockname()[1]
    s.close()
    with pytest.raises(StreamError, match=rf"nothing accepts connections on 127\.0\.0\.1:{free} within "
                                          r"connect_timeout=0\.1 s"):
        Subscriber("127.0.0.1", free, connect_timeout=0.1)


def test_frames_round_trip_and_body_check():
    batch = {"senders": np.array([3, 4], dtype=np.int64), "times": np.array([0.5, 0.7]),
             "V_m": np.array([-70.0, -65.5])}
    frame = encode_batch(7, 12, batch)
    (n,) = struct.unpack_from("<Q", frame)
    assert n == len(frame) - 8
    (h,) = struct.unpack_from("<I", frame, 8)
    header = json.loads(frame[12:12 + h])
    assert header == {"kind": "batch", "seq": 7, "device": 12, "rows": 2,
                      "columns": [["senders", "<i8"], ["times", "<f8"], ["V_m", "<f8"]]}
    body = bytearray(frame[12 + h:])
    got = decode_batch(header, body)
    for k, v in batch.items():
        np.testing.assert_array_equal(got[k], v)
    with pytest.raises(StreamError, match="has 41 body bytes, its header describes 48"):
        decode_batch(header, body[:-7])
    assert json.loads(encode({"kind": "x", "seq": 0, "stop": float("inf")})[12:])["stop"] == "inf"
