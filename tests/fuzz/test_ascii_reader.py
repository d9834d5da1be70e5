"""The ascii reader (``spikesim info/plot/convert`` on a ``.dat`` file) fuzzed:
truncated, bit-flipped and altered files give one clear error naming the file, or a
table whose columns all have one length; never a traceback, a hang or a wrong shape."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spikesim
from spikesim.cli.asciifile import load_ascii
from spikesim.cli.summary import CliError

EXAMPLES = int(os.environ.get("SPIKESIM_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 25,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
BOUND = 5.0


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The bytes of a spike recorder's and a multimeter's ascii files (a short run)."""
    tmp = tmp_path_factory.mktemp("ascii")
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    sim.data_path = str(tmp)
    n = sim.create("iaf_psc_alpha", 5, {"I_e": 400.0})
    sr = sim.create("spike_recorder", params={"record_to": "ascii", "label": "spikes"})
    mm = sim.create("multimeter", params={"record_to": "ascii", "label": "vm", "record_from": ["V_m", "I_syn_ex"],
                                         "interval": 1.0})
    sim.connect(n, sr)
    sim.connect(mm, n)
    sim.simulate(100.0)
    sim.close()
    return {p.name.split("-")[0]: p.read_bytes() for p in tmp.glob("*.dat")}


def _check(path: Path) -> None:
    t0 = time.monotonic()
    try:
        s = load_ascii(path)
    except CliError as err:
        assert str(path) in str(err), f"the error does not name the file: {err}"
    else:
        for d in s.devices:
            assert d.events is not None
            assert len({np.asarray(a).shape[0] for a in d.events.values()}) == 1
            assert d.n_events == len(d.events["senders"])
    assert time.monotonic() - t0 < BOUND


def test_the_files_read_back(files: dict[str, bytes], tmp_path: Path) -> None:
    assert set(files) == {"spikes", "vm"}
    for name, data in files.items():
        path = tmp_path / f"{name}-1-0.dat"
        path.write_bytes(data)
        (d,) = load_ascii(path).devices
        assert d.n_events > 10


@FUZZ
@given(which=st.sampled_from(["spikes", "vm"]), cut=st.floats(0, 1), flips=st.lists(st.integers(0, 1 << 30),
       max_size=6), junk=st.binary(max_size=40), junk_at=st.floats(0, 1))
def test_damaged_ascii_file_is_refused_or_read_whole(files: dict[str, bytes], tmp_path: Path, which: str,
                                                     cut: float, flips: list[int], junk: bytes,
                                                     junk_at: float) -> None:
    data = bytearray(files[which][:max(1, int(cut * len(files[which])))] if cut < 0.98 else files[which])
    for bit in flips:
        data[(bit // 8) % len(data)] ^= 1 << (bit % 8)
    at = int(junk_at * len(data))
    data[at:at] = junk
    path = tmp_path / f"{which}-1-0.dat"
    path.write_bytes(bytes(data))
    _check(path)


@pytest.mark.parametrize("text", [
    "", "\n\n\n", "# RecordingBackendASCII version: 2\n",
    "# spikesim\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n1\t2.0\t3\n",
    "# spikesim\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n1\tnan\n1e400\t2\n",
    "# spikesim\n# RecordingBackendASCII version: 2\nsender\ttime_ms\nx\ty\n",
    "# spikesim\n# RecordingBackendASCII version: 2\n\n1\t2.0\n",
    "# spikesim\n# RecordingBackendASCII version: 2\nsender\ttime_step\ttime_offset\n1\t20\t0.0\n",
])
def test_altered_ascii_file_is_a_clear_error_or_read_whole(tmp_path: Path, text: str) -> None:
    path = tmp_path / "spikes-1-0.dat"
    path.write_text(text)
    _check(path)
