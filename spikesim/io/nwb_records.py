"""What an NWB export is made of, before pynwb sees it: devices' columnar events and
the session's provenance.

Both ways into NWB feed this one representation: :func:`records_from_recording`
turns a file of the hdf5 backend (a :class:`~spikesim.io.hdf5.Recording`) into it,
and a simulator's memory backend can build :class:`DeviceRecord` objects directly.
:mod:`spikesim.io.nwb` writes them.  Times here are ms, as everywhere in spikesim;
only the NWB writer converts to s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

#: device models whose events are spikes, sampled state variables and weights
SPIKE_MODELS = frozenset({"spike_recorder"})
SAMPLING_MODELS = frozenset({"multimeter", "voltmeter"})
WEIGHT_MODELS = frozenset({"weight_recorder"})

#: the index columns of sampled events (everything else is a recorded variable)
_SAMPLE_INDEX = ("senders", "times", "offsets")


@dataclass(frozen=True)
class DeviceRecord:
    """One recording device's events, as columns, with what is needed to describe them.

    Attributes
    ----------
    node_id : int
        The device's node id.
    model : str
        ``spike_recorder``, ``multimeter``, ``voltmeter`` or ``weight_recorder``
        (other models are skipped by the writer).
    events : Mapping[str, np.ndarray]
        Equally long columns: ``senders``, ``times`` (ms) and the device's value
        columns (recorded variables; ``targets``, ``weights``, ``receptors``,
        ``ports`` of a weight recorder).  Times must be ms: convert events recorded
        with ``time_in_steps`` first (:func:`spikesim.data.columnar.times_ms`).
    units : Mapping[str, str]
        Column -> unit as spikesim records it (``mV``, ``pA``, ``nS``, ``ms`` ...).
    label : str
        The device's label (``""`` for none).
    windows : tuple of (float, float)
        The intervals during which the device recorded, ms, as ``(from, to]``.
    recorded_ids : np.ndarray or None
        The node ids the device observes (connected neurons), silent ones included;
        ``None`` when unknown (then the senders found in ``events`` are used).
    interval : float or None
        The sampling interval (ms) of a multimeter; ``None`` for event devices.
    """

    node_id: int
    model: str
    events: Mapping[str, np.ndarray]
    units: Mapping[str, str]
    label: str = ""
    windows: tuple[tuple[float, float], ...] = ()
    recorded_ids: np.ndarray | None = None
    interval: float | None = None

    @property
    def name(self) -> str:
        """The device's name in the NWB file: its model and node id (``multimeter105``)."""
        return f"{self.model}{self.node_id}"

    def observed_ids(self) -> np.ndarray:
        """The node ids this device observes: ``recorded_ids`` or else the senders found."""
        if self.recorded_ids is not None:
            return np.unique(np.asarray(self.recorded_ids, dtype=np.int64))
        return np.unique(np.asarray(self.events["senders"], dtype=np.int64))

    def variables(self) -> list[str]:
        """The recorded variables of a sampling device (its columns but the index ones)."""
        return [c for c in self.events if c not in _SAMPLE_INDEX]


@dataclass(frozen=True)
class Population:
    """A labelled group of neurons, to name each unit's population and model.

    Attributes
    ----------
    label : str
        The population's label.
    model : str
        Its neuron model (``iaf_psc_delta`` ...).
    node_ids : np.ndarray
        Its node ids.
    """

    label: str
    model: str
    node_ids: np.ndarray


@dataclass(frozen=True)
class SessionInfo:
    """Provenance of a simulation, written as the NWB file's session metadata.

    Attributes
    ----------
    resolution : float
        The simulation step, ms (becomes the Units table's resolution in s).
    seed : int or None
        The simulator's seed.
    spikesim_version : str
        The spikesim version that simulated.
    start_time : datetime
        When the simulation started (timezone-aware); simulation time 0 is this instant.
    extra : dict[str, Any]
        Further provenance (file format, tics_per_ms, source file ...), stored as notes.
    """

    resolution: float
    seed: int | None
    spikesim_version: str
    start_time: datetime = field(default_factory=lambda: datetime.now(UTC))
    extra: dict[str, Any] = field(default_factory=dict)


def recording_window(start: float, stop: float, origin: float, t_end: float) -> tuple[float, float]:
    """A device's recording window ``(origin + start, origin + stop]`` clipped to the run.

    Parameters
    ----------
    start, stop, origin : float
        The device's parameters, ms (``stop`` may be ``inf``).
    t_end : float
        The end of the simulated time, ms.

    Returns
    -------
    tuple of float
        ``(from, to)`` in ms, ``to >= from``.
    """
    lo = max(0.0, origin + start)
    hi = min(t_end, origin + stop) if math.isfinite(origin + stop) else t_end
    return lo, max(lo, hi)


def _start_time(created: Any) -> datetime:
    """The file's ``created`` attribute (ISO 8601) as an aware datetime, else now (UTC)."""
    if isinstance(created, str):
        try:
            t = datetime.fromisoformat(created)
            return t if t.tzinfo is not None else t.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


def _events_ms(events: Mapping[str, np.ndarray], resolution: float) -> dict[str, np.ndarray]:
    """The events with ``times`` in ms (steps and ``offsets`` converted) and no ``offsets``."""
    out = {k: np.asarray(v) for k, v in events.items() if k != "offsets"}
    if "offsets" in events:
        out["times"] = np.asarray(events["times"]) * resolution - np.asarray(events["offsets"], dtype=np.float64)
    return out


def records_from_recording(recording: Mapping[int, Mapping[str, np.ndarray]], attrs: Mapping[str, Any],
                           devices: Mapping[int, Mapping[str, Any]], *,
                           recorded_ids: Mapping[int, Sequence[int] | np.ndarray] | None = None,
                           t_end: float | None = None) -> tuple[list[DeviceRecord], SessionInfo]:
    """The devices and session of a recording file (``spikesim.io.read``), as records.

    Parameters
    ----------
    recording : Mapping[int, Mapping[str, np.ndarray]]
        Node id -> events, as a :class:`~spikesim.io.hdf5.Recording`.
    attrs : Mapping[str, Any]
        The file's attributes (``recording.attrs``): resolution (ms), seed,
        spikesim_version, created ...
    devices : Mapping[int, Mapping[str, Any]]
        The devices' attributes (``recording.devices``): model, label, start, stop,
        origin (ms), interval (ms), units ...
    recorded_ids : Mapping[int, sequence of int], optional
        Per device node id, the neurons it observes, so silent ones get a unit; the
        file does not store them.
    t_end : float, optional
        The end of the simulated time, ms; by default the latest event or sample
        time in the file (the file does not store it), which ends the recording
        windows of devices without a ``stop``.

    Returns
    -------
    tuple
        The :class:`DeviceRecord` list (in node id order) and the :class:`SessionInfo`.

    Raises
    ------
    ValueError
        If the file's attributes lack the resolution.
    """
    if "resolution" not in attrs:
        raise ValueError("the recording has no 'resolution' attribute; it is not a file of the hdf5 backend")
    resolution = float(attrs["resolution"])
    events = {i: _events_ms(recording[i], resolution) for i in sorted(recording)}
    if t_end is None:
        t_end = max((float(ev["times"].max()) for ev in events.values() if ev["times"].size), default=0.0)
    ids = dict(recorded_ids or {})
    records = []
    for i, ev in events.items():
        meta = devices[i]
        win = recording_window(float(meta.get("start", 0.0)), float(meta.get("stop", math.inf)),
                               float(meta.get("origin", 0.0)), t_end)
        interval = meta.get("interval")
        records.append(DeviceRecord(
            node_id=i, model=str(meta["model"]), events=ev, units=dict(meta.get("units", {})),
            label=str(meta.get("label", "")), windows=(win,),
            recorded_ids=np.asarray(ids[i], dtype=np.int64) if i in ids else None,
            interval=float(interval) if interval is not None else None))
    extra = {k: v for k, v in attrs.items() if k not in ("resolution", "seed", "spikesim_version")}
    extra["t_end_ms"] = t_end
    seed = attrs.get("seed")
    session = SessionInfo(resolution=resolution, seed=int(seed) if seed is not None else None,
                          spikesim_version=str(attrs.get("spikesim_version", "unknown")),
                          start_time=_start_time(attrs.get("created")), extra=extra)
    return records, session


#: spikesim's units -> (the SI unit NWB names, the factor that converts to it)
SI_UNITS: dict[str, tuple[str, float]] = {
    "mV": ("volts", 1e-3), "V": ("volts", 1.0), "uV": ("volts", 1e-6),
    "pA": ("amperes", 1e-12), "nA": ("amperes", 1e-9), "uA": ("amperes", 1e-6),
    "nS": ("siemens", 1e-9), "uS": ("siemens", 1e-6), "pF": ("farads", 1e-12),
    "ms": ("seconds", 1e-3), "s": ("seconds", 1.0), "spikes/s": ("hertz", 1.0), "Hz": ("hertz", 1.0),
}


def si_unit(unit: str) -> tuple[str, float]:
    """NWB's ``unit`` and ``conversion`` for data recorded in ``unit``.

    The data stay as recorded (mV, pA, nS ...); NWB readers multiply by
    ``conversion`` to get the SI unit.  A unit without an SI counterpart here is
    kept as given (``""`` becomes ``"dimensionless"``), with conversion 1.

    Parameters
    ----------
    unit : str
        A unit as spikesim records it.

    Returns
    -------
    tuple of (str, float)
        The unit NWB names and the conversion factor.

    Examples
    --------
    >>> si_unit("mV"), si_unit("dimensionless")
    (('volts', 0.001), ('dimensionless', 1.0))
    """
    return SI_UNITS.get(unit, (unit or "dimensionless", 1.0))
