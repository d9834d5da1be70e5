"""SIGTERM ends a run cleanly (flushed files, status 143); a dead or stalled stream
subscriber is reported promptly with its real cause, other recorders keep everything."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from spikesim.io.subscriber import StreamError, Subscriber

from ._net import brunel, events

CHILD = r"""
import os, signal, sys, threading
sys.path.insert(0, sys.argv[2])
from tests.faults._net import brunel
sim, sr, mm = brunel("ascii", label="term")
sim.data_path = sys.argv[1]
sim.simulate(3.0)
threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
sim.simulate(1e6)
print("not stopped")
"""


@pytest.mark.timeout(60)
def test_sigterm_stops_at_a_slice_boundary_flushes_and_exits_143(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(root)], cwd=root,
                          capture_output=True, text=True, timeout=50)
    assert proc.returncode == 143, proc.stderr
    assert "not stopped" not in proc.stdout
    (path,) = tmp_path.glob("term*")
    lines = path.read_text().splitlines()
    rows = [ln.split() for ln in lines if ln and ln[0].isdigit()]
    assert len(rows) > 100 and all(len(r) == 2 for r in rows)  # no row cut in the middle


@pytest.mark.timeout(30)
@pytest.mark.parametrize("fault", ["dead", "stalled"])
def test_a_lost_subscriber_is_reported_at_once_with_its_cause(fault: str) -> None:
    sim, mem, _ = brunel()
    live = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.1, "record_to": "stream"})
    neurons = sim.populations[0].ids.tolist() + sim.populations[1].ids.tolist()
    sim.connect(live, neurons)
    sim.connect(neurons, sim.create("spike_recorder", params={"record_to": "stream"}))  # a second device
    sim.set_defaults("stream", {"send_timeout": 0.3, "connect_timeout": 20.0})
    port = sim.get_defaults("stream")["port"]
    if fault == "dead":
        peer: Subscriber | socket.socket = Subscriber("127.0.0.1", port)
        sim.simulate(1.5)  # accepted
        peer.close()
        cause = "disconnected"
    else:
        peer = socket.socket()
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        peer.connect(("127.0.0.1", port))  # connects, never reads
        cause = "took no data for send_timeout=0.3 s"
    t0 = time.monotonic()
    try:
        with pytest.raises(StreamError, match=cause):
            sim.simulate(2000.0)
    finally:
        peer.close()
    assert time.monotonic() - t0 < 10.0  # not the 20 s connect_timeout
    ev = events(mem)
    assert mem.get("n_events")[0] == ev["times"].size
    assert (ev["times"] <= sim.time).all()
    ref_sim, ref, _ = brunel()
    ref_sim.simulate(sim.time)
    np.testing.assert_array_equal(ev["times"], events(ref)["times"])
