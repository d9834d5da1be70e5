"""A live view of a running simulation in the browser: raster and population rates.

``view = spikesim.live.serve(sim)`` adds a spike recorder of its own (``record_to
="stream"``) connected to every neuron population, reads its stream in a background
thread (:mod:`spikesim.live.feed`) and serves a self-contained page on
``http://127.0.0.1:PORT/`` (:mod:`spikesim.live.page`; no CDN, works offline).  Then
run the simulation as usual; the page shows the last ``window`` ms as the run goes::

    view = spikesim.live.serve(sim, port=8050)
    print(view.url)
    sim.simulate(10_000.0)
    view.close()

The user's own recorders are untouched (they keep their backends).  The view's recorder
is an ordinary node: it takes the next node id and is stored in checkpoints like any
other.  Only the loopback address is served.  ``spikesim live`` on the command line
runs a Brunel network with the view.
"""

from __future__ import annotations

import json
import threading
import webbrowser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from spikesim.core import Simulator
from spikesim.errors import bad_property
from spikesim.io.subscriber import LOOPBACK, check_port
from spikesim.live.feed import SpikeFeed
from spikesim.live.page import PAGE
from spikesim.network.nodes import NodeCollection
from spikesim.network.populations import NeuronPopulation

__all__ = ["LiveView", "serve"]


class LiveView:
    """A page showing a simulator's spikes as it runs; see :func:`serve`.

    Attributes
    ----------
    url : str
        Where the page is served (``http://127.0.0.1:PORT/``).
    recorder : NodeCollection
        The view's spike recorder (``record_to="stream"``).
    feed : SpikeFeed
        The spikes received so far.
    """

    def __init__(self, sim: Simulator, port: int, window: float, bin_ms: float) -> None:
        neurons = [p for p in sim.populations if isinstance(p, NeuronPopulation)]
        if not neurons:
            raise bad_property("live view", "sim", "a simulator without neurons",
                               "create the neuron populations before serving the view")
        # bind first: a busy port leaves the simulator as it was
        self._server = ThreadingHTTPServer((LOOPBACK, port), _handler(self))
        self.recorder = sim.create("spike_recorder", params={"record_to": "stream"})
        for p in neurons:
            sim.connect(NodeCollection(sim.node_table, p.ids), self.recorder)
        self.meta = {"window": window, "bin": bin_ms,
                     "populations": [{"label": p.label or f"{p.model_name} {p.first}-{p.first + p.n - 1}",
                                      "first": p.first, "n": p.n} for p in neurons]}
        self.feed = SpikeFeed(int(sim.get_defaults("stream")["port"]))
        self._server.daemon_threads = True
        self.url = f"http://{LOOPBACK}:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, name="spikesim-live-http",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and stop reading the stream."""
        self._server.shutdown()
        self._server.server_close()
        self.feed.close()

    def __enter__(self) -> LiveView:
        """The view; leaving the block closes it."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler(view: LiveView) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``view``: ``/``, ``/meta`` and ``/data?cursor=N``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            url = urlparse(self.path)
            if url.path in ("/", "/index.html"):
                self._send(PAGE.encode(), "text/html; charset=utf-8")
            elif url.path == "/meta":
                self._send(json.dumps(view.meta).encode(), "application/json")
            elif url.path == "/data":
                try:
                    cursor = max(0, int(parse_qs(url.query).get("cursor", ["0"])[0]))
                except ValueError:
                    self.send_error(400, "cursor must be an integer")
                    return
                self._send(json.dumps(view.feed.since(cursor)).encode(), "application/json")
            else:
                self.send_error(404)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return  # requests are not worth a line on stderr

    return Handler


def serve(sim: Simulator, port: int = 0, window: float = 1000.0, bin: float = 5.0,  # noqa: A002
          open_browser: bool = False) -> LiveView:
    """Serve a live raster and population rates of ``sim`` on 127.0.0.1.

    Parameters
    ----------
    sim : Simulator
        The simulator, with its neurons created (populations created later are not shown).
    port : int
        Port of the page (0: any free port; see ``LiveView.url``).
    window : float
        Time shown (ms): the most recent ``window`` ms of simulated time.
    bin : float
        Bin of the population rates (ms).
    open_browser : bool
        Open the page in the default browser.

    Returns
    -------
    LiveView
        Close it (or use it in a ``with`` block) when done.

    Raises
    ------
    BadProperty
        If ``port`` is not in [0, 65535] or cannot be bound, ``window``/``bin`` are not
        positive with ``bin <= window``, or the simulator has no neurons.
    """
    port = check_port("live view", port, allow_zero=True)
    for name, value in (("window", window), ("bin", bin)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
            raise bad_property("live view", name, value, "it must be a finite number of ms > 0")
    if bin > window:
        raise bad_property("live view", "bin", bin, f"it must not exceed window ({window} ms)")
    try:
        view = LiveView(sim, port, float(window), float(bin))
    except OSError as err:
        raise bad_property("live view", "port", port, f"cannot serve on {LOOPBACK}:{port} ({err}); choose "
                           "another port, or 0 for any free port") from err
    if open_browser:
        webbrowser.open(view.url)
    return view
