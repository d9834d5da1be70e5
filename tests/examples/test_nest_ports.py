"""Every script under examples/nest/ runs with ``python -m spikesim.nest`` and prints what NEST prints.

The ports of NEST's examples (``examples/nest/*.py``, PyNEST scripts written for
spikesim) print result lines; NEST 3.10's lines for the same scripts are in
``nest_ports_nest310.json`` (made with ``tools/make_nest_port_reference.py`` in NEST's
environment).  The numbers of each line must agree to the printed precision (1e-6:
voltages printed to 6 or 9 decimals, spike counts and rates exactly).
``brunel_small.py`` draws random numbers, which differ from NEST's: it must print a
positive spike count.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORTS = sorted(p.stem for p in (ROOT / "examples" / "nest").glob("*.py"))
REFERENCE = json.loads((Path(__file__).with_name("nest_ports_nest310.json")).read_text())
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "spikesim.nest", str(ROOT / "examples" / "nest" / f"{name}.py"),
                           *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900, check=False)


def _same_line(got: str, want: str) -> bool:
    """Same text around the numbers, numbers within 1e-6."""
    if NUMBER.sub("#", got) != NUMBER.sub("#", want):
        return False
    return all(abs(float(a) - float(b)) <= 1e-6 for a, b in zip(NUMBER.findall(got), NUMBER.findall(want),
                                                                   strict=True))


def test_every_port_is_checked() -> None:
    assert set(PORTS) == set(REFERENCE) - {"_about"} | {"brunel_small"}


@pytest.mark.parametrize("name", [p for p in PORTS if p != "brunel_small"])
def test_port_prints_what_nest_prints(name: str, tmp_path: Path) -> None:
    png = tmp_path / f"{name}.png"
    res = _run(name, str(png))
    assert res.returncode == 0, res.stderr[-3000:]
    got = [line for line in res.stdout.splitlines() if line.strip()]
    want = REFERENCE[name]
    assert len(got) == len(want), f"{name} printed {got}, NEST 3.10 printed {want}"
    for g, w in zip(got, want, strict=True):
        assert _same_line(g, w), f"{name}: {g!r}, NEST 3.10: {w!r}"
    assert png.stat().st_size > 10_000  # the figure was drawn


def test_brunel_small_port_spikes() -> None:
    res = _run("brunel_small", "50")
    assert res.returncode == 0, res.stderr[-3000:]
    n = int(re.fullmatch(r"spikes: (\d+)", res.stdout.strip().splitlines()[-1]).group(1))
    assert n > 0
