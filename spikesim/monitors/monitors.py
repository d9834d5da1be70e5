"""Monitors: CompNeuroPy's ``CompNeuroMonitors`` over spikesim's recording devices.

A thin face: every recorded population gets a ``multimeter`` (``interval`` = the
monitor's period) and, if ``"spike"`` is asked for, a ``spike_recorder``; ``start`` and
``pause`` move the devices' windows, ``reset`` calls :meth:`Simulator.reset` (a new
recording segment) and starts a new *chunk*.  Nothing is recorded outside the devices.

::

    mon = Monitors(sim, {"pop1;2": ["v", "spike"], "pop2": ["v"]})
    mon.start(); sim.simulate(100.0); mon.pause()
    mon.reset(model=True)          # chunk 0 ends; time goes back to 0
    recordings = mon.get_recordings()          # one dict per chunk
    times = mon.get_recording_times()          # RecordingTimes; times.all()

Keys are population labels (``sim.create(..., label="pop1")``), optionally with the
recording period in ms (``"pop1;2"``; default: the resolution).  Variables use the
model's recordable names; ``"v"``/``"u"`` also name NEST's ``V_m``/``U_m``.

Time semantics (ANNarchy's, which CompNeuroPy reports): a value recorded "at time
``t``" is the state after the update of the step that *starts* at ``t``, which
spikesim's multimeter stamps ``t + dt``; likewise a spike "at step ``t``" (in
``"pop;spike"``, steps since the last reset, as ANNarchy gives them) carries the stamp
``(t + 1) dt``.  Samples lie on a grid of multiples of the period, counted from the
last reset to 0; a period started at ``t_on`` and paused at ``t_off`` holds the grid
times in ``[t_on, t_off)``.

Reset through :meth:`Monitors.reset` (not ``sim.reset`` directly) so that chunks and
their times stay in step with the simulator's segments.

Per chunk, ``get_recordings()[chunk]`` holds ``"pop;v"`` (array samples x neurons),
``"pop;spike"`` (dict neuron rank -> list of spike steps), ``"pop;period"`` (ms),
``"pop;parameter_dict"``, ``"dt"`` (ms) and ``"units"`` (``"pop;v"`` -> unit).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.data.events import default_unit
from spikesim.errors import bad_property
from spikesim.monitors.times import RecordingTimes, decimals

if TYPE_CHECKING:
    from spikesim.core.simulator import Simulator
    from spikesim.network.nodes import NodeCollection

__all__ = ["Monitors"]

#: CompNeuroPy/ANNarchy names -> NEST names, used when a model lacks the former
_ALIASES = {"v": "V_m", "u": "U_m"}


@dataclass
class _Compartment:
    """One recorded population: its devices and its start/stop bookkeeping (steps)."""

    name: str
    nodes: NodeCollection
    period: int                                   # steps
    variables: list[str]                          # as the user wrote them
    sources: dict[str, str]                       # variable -> model recordable
    units: dict[str, str]
    params: list[str]
    multimeter: NodeCollection | None = None
    spike_recorder: NodeCollection | None = None
    running: bool = False
    periods: list[list[int | None]] = field(default_factory=list)

    @property
    def devices(self) -> list[NodeCollection]:
        return [d for d in (self.multimeter, self.spike_recorder) if d is not None]



class Monitors:
    """Record populations in chunks, with CompNeuroPy's ``CompNeuroMonitors`` semantics.

    Monitors start paused, as CompNeuroPy's do.

    Parameters
    ----------
    sim : Simulator
        The simulator whose populations are recorded.
    mon_dict : dict
        ``"label"`` or ``"label;period_ms"`` -> list of variables (recordables and/or
        ``"spike"``).  The period must be a positive multiple of the resolution.

    Raises
    ------
    BadProperty
        If ``mon_dict`` is empty or malformed, names a population twice, names no neuron
        population, gives a bad period, or asks for a variable the model cannot record.
    """

    def __init__(self, sim: Simulator, mon_dict: Mapping[str, Sequence[str]]) -> None:
        if not isinstance(mon_dict, Mapping) or not mon_dict:
            raise bad_property("Monitors", "mon_dict", mon_dict,
                               'give a dict like {"pop;2": ["v", "spike"], "pop2": ["v"]}')
        self.sim = sim
        comps = [self._parse(key, val) for key, val in mon_dict.items()]  # all checks first
        names = [c.name for c in comps]
        if len(set(names)) != len(names):
            raise bad_property("Monitors", "mon_dict", list(mon_dict), "each population may appear once")
        self._comps: dict[str, _Compartment] = {c.name: c for c in comps}
        for c in comps:
            self._add_devices(c)
        self._init_internals()

    # -- construction ------------------------------------------------------------------
    def _parse(self, key: str, variables: Sequence[str]) -> _Compartment:
        sim = self.sim
        if not isinstance(key, str) or not key or key.count(";") > 1:
            raise bad_property("Monitors", "mon_dict key", key, 'use "label" or "label;period_ms"')
        name, _, period_s = key.partition(";")
        nodes = sim.nodes(name)  # raises with the known labels
        pop = sim.node_table.population_of(int(nodes.ids[0]))
        if pop.model.kind != "neuron":
            raise bad_property("Monitors", "mon_dict key", key, "monitors record neuron populations")
        h = sim.resolution
        period = 1
        if period_s:
            try:
                p_ms = float(period_s)
            except ValueError:
                raise bad_property("Monitors", "period", period_s, f"give it in ms, e.g. '{name};2'") from None
            period = round(p_ms / h)
            if not math.isfinite(p_ms) or period < 1 or abs(p_ms / h - period) > 1e-9 * max(1, period):
                raise bad_property("Monitors", "period", p_ms,
                                   f"it must be a positive multiple of the resolution ({h} ms)")
        if isinstance(variables, str) or not isinstance(variables, Iterable):
            raise bad_property("Monitors", f"mon_dict[{key!r}]", variables, 'give a list such as ["v", "spike"]')
        variables = list(variables)
        recordables = tuple(pop.model.recordables)
        sources: dict[str, str] = {}
        model_units = getattr(pop.model, "units", {})
        units: dict[str, str] = {}
        for v in variables:
            if v == "spike":
                continue
            src = v if v in recordables else _ALIASES.get(v)
            if src not in recordables:
                raise bad_property("Monitors", f"mon_dict[{key!r}]", v,
                                   f"{pop.model_name} records {list(recordables)} and 'spike'")
            sources[v] = src
            units[v] = model_units.get(src, default_unit(src))
        if len(set(variables)) != len(variables):
            raise bad_property("Monitors", f"mon_dict[{key!r}]", variables, "each variable may appear once")
        return _Compartment(name, nodes, period, variables, sources, units, list(pop.model.params))

    def _add_devices(self, c: _Compartment) -> None:
        sim = self.sim
        h = sim.resolution
        # the window (0, 0] records nothing: monitors start paused
        closed = {"start": 0.0, "stop": 0.0}
        if c.sources:
            # stamp k is labelled (k - 1) dt, so the grid of labels 0, p, 2p ... is offset by dt
            c.multimeter = sim.create("multimeter", params={
                "record_from": list(dict.fromkeys(c.sources.values())), "interval": c.period * h,
                "offset": h, **closed})
            sim.connect(c.multimeter, c.nodes)
        if "spike" in c.variables:
            c.spike_recorder = sim.create("spike_recorder", params=closed)
            sim.connect(c.nodes, c.spike_recorder)

    def _init_internals(self) -> None:
        """No recordings, no chunks, every monitor paused and emptied."""
        self._pause_all_devices()
        for c in self._comps.values():
            c.running = False
            c.periods = []
            self._clear(c)
        self._recordings: list[dict[str, Any]] = []
        self._times: list[dict[str, Any]] = []
        #: per chunk, per compartment, its recording periods (a, b] in steps
        self._spans: list[dict[str, list[tuple[int, int]]]] = []
        self._chunk_done = False

    @property
    def devices(self) -> dict[str, dict[str, NodeCollection]]:
        """``population -> {"multimeter": ..., "spike_recorder": ...}``: the devices used."""
        out = {}
        for name, c in self._comps.items():
            d = {}
            if c.multimeter is not None:
                d["multimeter"] = c.multimeter
            if c.spike_recorder is not None:
                d["spike_recorder"] = c.spike_recorder
            out[name] = d
        return out

    # -- start / pause -------------------------------------------------------------------
    def _selected(self, compartment_list: Sequence[str] | None, owner: str) -> list[_Compartment]:
        if compartment_list is None:
            return list(self._comps.values())
        if isinstance(compartment_list, str) or not isinstance(compartment_list, Iterable):
            raise bad_property(owner, "compartment_list", compartment_list, "give a list of population labels")
        out = []
        for name in compartment_list:
            if name not in self._comps:
                raise bad_property(owner, "compartment_list", name, f"the monitored populations are "
                                   f"{list(self._comps)}")
            out.append(self._comps[name])
        return out

    def _window(self, c: _Compartment, start: float, stop: float) -> None:
        for d in c.devices:
            d.set({"start": start, "stop": stop})

    def start(self, compartment_list: Sequence[str] | None = None) -> None:
        """Start or resume recording all (or the listed) populations at the present time (ms).

        Parameters
        ----------
        compartment_list : list of str, optional
            Population labels; default: every monitored population.

        Raises
        ------
        BadProperty
            If ``compartment_list`` is not a list of monitored population labels.
        """
        now = self.sim.step
        for c in self._selected(compartment_list, "Monitors.start"):
            if c.running:
                continue
            c.running = True
            c.periods.append([now, None])
            self._window(c, self.sim.time, math.inf)

    def pause(self, compartment_list: Sequence[str] | None = None) -> None:
        """Pause recording all (or the listed) populations at the present time (ms).

        Parameters
        ----------
        compartment_list : list of str, optional
            Population labels; default: every monitored population.

        Raises
        ------
        BadProperty
            If ``compartment_list`` is not a list of monitored population labels.
        """
        now = self.sim.step
        for c in self._selected(compartment_list, "Monitors.pause"):
            if not c.running:
                continue
            c.running = False
            c.periods[-1][1] = now
            if c.periods[-1][0] == now:  # started and paused at once: no period
                c.periods.pop()
            self._window(c, self.sim.time, self.sim.time)

    def _pause_all_devices(self) -> None:
        t = self.sim.time
        for c in self._comps.values():
            self._window(c, t, t)

    # -- chunks ----------------------------------------------------------------------------
    def reset(self, model: bool = True) -> None:
        """End the current chunk and start a new one; with ``model=True`` go back to t = 0.

        Calls ``sim.reset(model=model)``: ``True`` sets time and neuron states to their
        initial values (parameters and weights are kept), ``False`` keeps both.  Monitors
        that are running keep running in the new chunk.

        Parameters
        ----------
        model : bool, default True
            Reset time (to 0 ms) and neuron states too.

        Raises
        ------
        BadProperty
            If ``model`` is not a bool.
        """
        if not isinstance(model, (bool, np.bool_)):
            raise bad_property("Monitors.reset", "model", model, "it must be True or False")
        self._finish_chunk()
        self.sim.reset(model=bool(model))
        now = self.sim.step
        for c in self._comps.values():
            self._clear(c)
            c.periods = [[now, None]] if c.running else []
            if c.running and model:
                self._window(c, self.sim.time, math.inf)
        self._chunk_done = False

    def current_chunk(self) -> int | None:
        """Index of the chunk running monitors record into, or None when all are paused."""
        if any(c.running for c in self._comps.values()):
            return len(self._recordings)
        return None

    def get_recordings(self) -> list[dict[str, Any]]:
        """The recordings of all chunks (the current one included, once)."""
        self._finish_chunk()
        if not self._recordings:
            warnings.warn("Monitors.get_recordings: no recordings available, empty list returned; "
                          "did you forget start()?", stacklevel=2)
        return self._recordings

    def get_recording_times(self) -> RecordingTimes:
        """Start and stop of every period of every chunk (see :class:`RecordingTimes`)."""
        self._finish_chunk()
        if not self._times:
            warnings.warn("Monitors.get_recording_times: no recordings available; did you forget start()?",
                          stacklevel=2)
        return RecordingTimes(self._times)

    def to_neo(self) -> Any:
        """The recordings of all chunks as a ``neo.Block``, one Segment per chunk.

        Each Segment is annotated with its recording periods (ms) and ``t_start_ms`` /
        ``t_stop_ms``; every neuron of a compartment gets a SpikeTrain over the chunk's
        periods (silent ones too); sampled variables become one AnalogSignal per period
        with the compartment's period as sampling period.  See :mod:`spikesim.monitors.neo`.

        Raises
        ------
        ImportError
            If Neo is not installed.
        """
        from spikesim.monitors.neo import chunks_block
        recordings = self.get_recordings()
        comps = {name: (c.nodes.ids, str(c.nodes.get("model")[0]), c.period) for name, c in self._comps.items()}
        return chunks_block(recordings, self._spans, comps, self.sim.resolution,
                            {"seed": self.sim.seed, "resolution": self.sim.resolution})

    def get_recordings_and_clear(self) -> tuple[list[dict[str, Any]], RecordingTimes]:
        """Recordings and times so far; then back to the initial state (paused, no chunks)."""
        rec = self.get_recordings()
        times = self.get_recording_times()
        self._init_internals()
        return rec, times

    # -- reading the devices -----------------------------------------------------------------
    def _finish_chunk(self) -> None:
        """Append the current chunk (if it recorded anything) once, and empty the devices."""
        if self._chunk_done:
            return
        self._chunk_done = True
        times = {name: self._period_table(c) for name, c in self._comps.items()}
        if any(t["start"]["idx"] for t in times.values()):
            self._recordings.append(self._read(times))
            self._times.append(times)
            self._spans.append({name: [(int(a), int(self.sim.step if b is None else b))
                                       for a, b in c.periods if a is not None]
                                for name, c in self._comps.items()})
        for c in self._comps.values():
            self._clear(c)

    def _periods(self, c: _Compartment) -> list[tuple[int, int]]:
        """(first, last) sample label in steps of each period with samples."""
        p = c.period
        out = []
        for a, b in c.periods:
            b = self.sim.step if b is None else b
            assert a is not None  # every period has a start
            first = -(-a // p) * p
            last = (-(-b // p) - 1) * p
            if last >= first:
                out.append((first, last))
        return out

    def _period_table(self, c: _Compartment) -> dict[str, Any]:
        dec = decimals(self.sim.resolution)
        table: dict[str, Any] = {"start": {"ms": [], "idx": []}, "stop": {"ms": [], "idx": []}}
        n = 0
        for first, last in self._periods(c):
            k = (last - first) // c.period + 1
            table["start"]["ms"].append(round(float(self.sim.grid.steps_to_ms(np.array([first]))[0]), dec))
            table["stop"]["ms"].append(round(float(self.sim.grid.steps_to_ms(np.array([last]))[0]), dec))
            table["start"]["idx"].append(n)
            table["stop"]["idx"].append(n + k - 1)
            n += k
        return table

    def _read(self, times: dict[str, Any]) -> dict[str, Any]:
        rec: dict[str, Any] = {}
        units: dict[str, str] = {}
        h = self.sim.resolution
        for name, c in self._comps.items():
            n = len(c.nodes)
            rec[f"{name};period"] = round(c.period * h, decimals(h))
            rec[f"{name};parameter_dict"] = {k: c.nodes.get(k) for k in c.params}
            if c.multimeter is not None:
                ev = c.multimeter.get("events")[0]
                for v, src in c.sources.items():
                    rec[f"{name};{v}"] = np.asarray(ev[src], dtype=float).reshape(-1, n)
                    units[f"{name};{v}"] = c.units[v]
            if c.spike_recorder is not None:
                ev = c.spike_recorder.get("events")[0]
                steps = np.rint(np.asarray(ev["times"]) / h).astype(np.int64) - 1
                ranks = np.searchsorted(c.nodes.ids, ev["senders"])
                rec[f"{name};spike"] = {r: steps[ranks == r].tolist() for r in range(n)}
        rec["dt"] = h
        rec["units"] = units
        return rec

    @staticmethod
    def _clear(c: _Compartment) -> None:
        for d in c.devices:
            d.set({"n_events": 0})

