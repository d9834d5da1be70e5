"""How idle worker threads wait: sleeping, unless the user says otherwise.

numba runs spikesim's parallel loops on OpenMP threads (GNU libgomp here).  Between
two parallel regions libgomp lets its idle threads spin for a while (300,000 rounds)
before they sleep.  On a machine whose cores are all busy with other work, a spinning
thread takes the core the thread it waits for needs, and every region of a slice then
waits for the scheduler: a 2-thread Brunel run took 3.3 times as long as the same run
on one thread with the machine's load at 6 on 2 cores, and 0.8 times with
``OMP_WAIT_POLICY=passive`` (seconds measured with ``benchmarks/cores.py``'s runs; the
quiet-machine cost of sleeping is in that benchmark's output).  So, unless
``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` is already set, spikesim sets
``OMP_WAIT_POLICY=PASSIVE`` when it is imported.  It acts only if numba has not yet
started its threads in this process (they read it once).
"""

from __future__ import annotations

import os

#: variables through which the user chooses the wait policy (spikesim leaves them alone)
USER_CHOICE = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def sleep_when_idle(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Set ``OMP_WAIT_POLICY=PASSIVE`` in ``environ`` unless the user chose a policy;
    returns whether it was set."""
    if any(v in environ for v in USER_CHOICE):
        return False
    environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True
