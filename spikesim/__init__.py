"""spikesim: a simulator of spiking point-neuron networks whose strength is recording.

The object API is the core::

    import spikesim
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create("iaf_psc_delta", 100, {"I_e": 400.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(100.0)
    sr.get("events")

``spikesim.nest`` offers the same simulator with PyNEST's names.
"""

from __future__ import annotations

from pathlib import Path

from spikesim._version import __version__


def _numba_cache_dir() -> None:
    """Keep compiled kernels in a cache keyed by the source of the whole package.

    numba checks only the file of a cached function, not the helpers it inlines from
    other files, so after an upgrade or an edit a kernel could run stale code.  A
    cache directory per source hash rules that out.  ``NUMBA_CACHE_DIR`` overrides it.
    """
    import hashlib
    import os

    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    digest = hashlib.sha1()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spikesim"
    target = base / f"numba-{digest.hexdigest()[:16]}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        os.utime(target)  # marks it used: caches unused for CACHE_DAYS are dropped
        _drop_stale_caches(base, target)
    except OSError:  # no writable home: numba's default (__pycache__) it is
        return
    import numba
    numba.config.CACHE_DIR = str(target)  # type: ignore[attr-defined]  # numba.config sets it at run time


def _drop_stale_caches(base: Path, keep: Path) -> None:
    """Remove the caches of sources not imported for ``CACHE_DAYS`` days.

    By age, not by count: several checkouts or environments used by turns (or edited
    at once) must not delete each other's kernels, which costs a recompilation of
    every kernel (tens of seconds) at the next import of each.
    """
    import shutil
    import time

    cutoff = time.time() - CACHE_DAYS * 86400.0
    for stale in base.glob("numba-*"):
        if stale != keep and stale.stat().st_mtime < cutoff:
            shutil.rmtree(stale, ignore_errors=True)


#: a compiled-kernel cache not used for this many days is removed at import
CACHE_DAYS = 14

_numba_cache_dir()

from spikesim import analysis, errors, io, models  # noqa: E402 - after the cache is set up
from spikesim.core import Simulator
from spikesim.monitors import Monitors
from spikesim.network.nodes import NodeCollection
from spikesim.network.parameters import exponential, lognormal, normal, uniform
from spikesim.observer import Observer
from spikesim.recording.backends import recording_backends as _recording_backends

recording_backends = _recording_backends()

__all__ = ["Simulator", "NodeCollection", "Monitors", "Observer", "models", "errors", "analysis", "io",
           "recording_backends",
           "normal", "uniform", "lognormal", "exponential", "__version__"]
