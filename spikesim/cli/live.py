"""``spikesim live``: a Brunel network running with the live view (:mod:`spikesim.live`)."""

from __future__ import annotations

from spikesim.cli.demo import build_brunel


def run_live(order: int, simtime: float, seed: int, port: int, open_browser: bool) -> None:
    """Serve the live view of the Brunel network while it runs for ``simtime`` ms.

    Parameters
    ----------
    order : int
        Network size parameter (neurons: 5 * order).
    simtime : float
        Simulated time (ms), run in calls of 100 ms so the page follows.
    seed : int
        The simulator's seed.
    port : int
        Port of the page on 127.0.0.1 (0: any free port).
    open_browser : bool
        Open the page in the default browser.

    Raises
    ------
    BadProperty
        If the port cannot be served.
    """
    from spikesim.live import serve

    sim, _ = build_brunel(order, seed)
    with serve(sim, port=port, open_browser=open_browser) as view:
        print(f"serving {view.url} while the network runs {simtime:g} ms (Ctrl-C stops)", flush=True)
        while sim.time < simtime:
            sim.simulate(min(100.0, round(simtime - sim.time, 6)))
        print(f"done at t = {sim.time:g} ms, {view.feed.total} spikes shown", flush=True)
