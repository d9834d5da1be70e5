"""Take the docs' screenshot of the live view: a Brunel network running, Chromium headless.

    python tools/live_screenshot.py [--out docs/images/live.png] [--order 500]

Needs Chromium (``apt-get install chromium``); the network runs in a thread while the
browser loads and polls the page for ``--budget`` ms of its virtual time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

import brunel  # noqa: E402 - the example defines the network once

import spikesim.live  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the network, serve the view, save the screenshot; 0 on success."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "images" / "live.png"))
    ap.add_argument("--order", type=int, default=500)
    ap.add_argument("--budget", type=int, default=3000, help="ms of the browser's virtual time")
    args = ap.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print("no Chromium found: apt-get install chromium", file=sys.stderr)
        return 2
    sim, _ = brunel.build(args.order, 1, 1)
    stop = threading.Event()
    with spikesim.live.serve(sim, window=500.0, bin=2.0) as view:
        def run() -> None:
            while not stop.is_set():
                sim.simulate(10.0)

        runner = threading.Thread(target=run)
        runner.start()
        try:
            deadline = time.monotonic() + 600.0
            while view.feed.time < 600.0 and time.monotonic() < deadline:  # a full window first
                time.sleep(0.1)
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--virtual-time-budget={args.budget}", "--window-size=940,600",
                            f"--screenshot={out}", view.url], check=True, capture_output=True, timeout=600)
        finally:
            stop.set()
            runner.join()
    print(f"{out}: the page at t = {sim.time:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
