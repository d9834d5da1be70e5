"""The live view (issue 12, item 7): the feed, the server, and the page in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import spikesim
import spikesim.live
from spikesim.errors import BadProperty


def _brunel(order: int = 100, seed: int = 2) -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
    """A small Brunel delta network (NEST's brunel_delta parameters) and a memory spike recorder."""
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    neuron = {"C_m": 1.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 20.0}
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    ex = sim.create("iaf_psc_delta", NE, neuron, label="ex")
    inh = sim.create("iaf_psc_delta", NI, neuron, label="in")
    noise = sim.create("poisson_generator", params={"rate": 1000.0 * 2.0 * 20.0 / (0.1 * CE * 20.0) * CE})
    sr = sim.create("spike_recorder")
    sim.connect(noise, ex + inh, syn_spec={"weight": 0.1, "delay": 1.5})
    sim.connect(ex + inh, sr)
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, {"weight": 0.1, "delay": 1.5})
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, {"weight": -0.5, "delay": 1.5})
    return sim, sr


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _wait_for(view: spikesim.live.LiveView, total: int) -> None:
    deadline = time.monotonic() + 10.0
    while view.feed.total < total and time.monotonic() < deadline:
        time.sleep(0.02)


def test_feed_holds_every_spike_the_recorders_got() -> None:
    sim, sr = _brunel()
    with spikesim.live.serve(sim, window=200.0, bin=2.0) as view:
        sim.simulate(150.0)
        sim.simulate(100.0)
        n = int(sr.get("n_events")[0])
        _wait_for(view, n)
        meta = _get(view.url + "meta")
        first = _get(view.url + "data?cursor=0")
        later = _get(view.url + f"data?cursor={n - 10}")
        page = urllib.request.urlopen(view.url, timeout=10).read().decode()
    ev = sr.get("events")[0]
    assert n > 1000 and first["total"] == n and first["time"] == pytest.approx(250.0)
    # the feed sends the same spikes, in the order the recorder got them
    np.testing.assert_array_equal(first["senders"], ev["senders"])
    np.testing.assert_allclose(first["times"], ev["times"], atol=1e-9)
    assert later["senders"] == ev["senders"][-10:].tolist() and later["cursor"] == n
    assert [p["label"] for p in meta["populations"]] == ["ex", "in"] and meta["bin"] == 2.0
    assert "<canvas" in page and "http" not in page.replace("http://", "")  # no external resource
    assert not re.search(r"src=\"https?://", page)


def test_bad_arguments_leave_the_simulator_as_it_was() -> None:
    sim, _ = _brunel(order=20)
    before = sim.num_nodes
    for kw, name in [({"port": -1}, "port"), ({"port": 70000}, "port"), ({"window": 0.0}, "window"),
                     ({"bin": -1.0}, "bin"), ({"window": 10.0, "bin": 20.0}, "bin")]:
        with pytest.raises(BadProperty, match=name):
            spikesim.live.serve(sim, **kw)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        with pytest.raises(BadProperty, match="port"):
            spikesim.live.serve(sim, port=busy.getsockname()[1])
    assert sim.num_nodes == before
    with pytest.raises(BadProperty, match="neurons"):
        spikesim.live.serve(spikesim.Simulator())


def test_unknown_path_and_bad_cursor_are_http_errors() -> None:
    sim, _ = _brunel(order=20)
    with spikesim.live.serve(sim) as view:
        for path, code in (("nothing", 404), ("data?cursor=x", 400)):
            with pytest.raises(urllib.request.HTTPError) as err:
                urllib.request.urlopen(view.url + path, timeout=10)
            assert err.value.code == code


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_page_shows_spikes_of_a_running_network_in_headless_chromium(tmp_path: Path) -> None:
    sim, sr = _brunel()
    stop = threading.Event()
    with spikesim.live.serve(sim) as view:
        def run() -> None:
            while not stop.is_set() and sim.time < 20_000.0:
                sim.simulate(20.0)
                time.sleep(0.01)

        runner = threading.Thread(target=run)
        runner.start()
        try:
            _wait_for(view, 1)
            cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=4000",
                   "--dump-dom", view.url]
            dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
        finally:
            stop.set()
            runner.join()
    shown = re.search(r'id="n-spikes">(\d+)<', dom)
    t_sim = re.search(r'id="t-sim">([\d.]+)<', dom)
    assert shown is not None and t_sim is not None, dom[:500]
    assert int(shown.group(1)) > 0 and float(t_sim.group(1)) > 0.0
    assert int(shown.group(1)) <= int(sr.get("n_events")[0])


def test_the_live_command_runs_a_network_and_serves_it() -> None:
    out = subprocess.run([sys.executable, "-m", "spikesim", "live", "--order", "20", "--simtime", "300"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert re.search(r"serving http://127\.0\.0\.1:\d+/ while the network runs 300 ms", out.stdout)
    shown = int(re.search(r"done at t = 300 ms, (\d+) spikes shown", out.stdout).group(1))
    assert shown > 0
    bad = subprocess.run([sys.executable, "-m", "spikesim", "live", "--order", "0"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
