"""spikesim makes idle OpenMP threads sleep unless the user chose how they wait."""

from __future__ import annotations

import os
import subprocess
import sys

from spikesim._threads import sleep_when_idle


def test_sets_passive_only_without_a_user_choice() -> None:
    env: dict[str, str] = {}
    assert sleep_when_idle(env) and env == {"OMP_WAIT_POLICY": "PASSIVE"}
    for chosen in ({"OMP_WAIT_POLICY": "active"}, {"GOMP_SPINCOUNT": "300000"}):
        env = dict(chosen)
        assert not sleep_when_idle(env) and env == chosen


def test_import_sets_it_before_numba_starts_threads() -> None:
    code = "import os, spikesim; print(os.environ.get('OMP_WAIT_POLICY'))"
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "PASSIVE"
    env["OMP_WAIT_POLICY"] = "ACTIVE"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ACTIVE"
