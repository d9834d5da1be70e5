"""Data objects for recorded data: spike events and sampled traces.

Columnar arrays are canonical (NEST's ``events`` dict, Brian2's ``i``/``t``): a
:class:`SpikeEvents` holds ``senders``, ``times`` (ms) and a ``segment`` index per
event; a :class:`Traces` holds ``times``, ``senders``, ``segment`` and one column per
recorded variable. Per-neuron views, pandas frames and Neo blocks are derived from
the columns on request and never stored.

A *segment* (Neo's name; CompNeuroPy calls it a chunk) is one stretch of recording
between resets; times of different segments may restart at 0. :meth:`to_neo` makes
one ``neo.Segment`` per segment index. Events are kept in the order given; recording
devices give them chronologically, ties ordered by sender.

Build them from a recorder's events::

    ev = sim.nodes("sr").get("events")[0]
    spikes = SpikeEvents.from_events(ev)
    vm = Traces.from_events(sim.nodes("mm").get("events")[0])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from spikesim.data.checks import (
    TIME_TOL,
    as_ids,
    bad_parameter,
    check_window,
    window_mask,
)
from spikesim.data.trains import spike_trains
from spikesim.errors import BadParameter

__all__ = ["SpikeEvents", "Traces", "Trace", "default_unit"]

#: columns of an events dict that are not recorded variables
_INDEX_COLUMNS = ("senders", "times", "offsets", "segment")

#: units of the recordables of spikesim's models (NEST's units)
_UNITS = {"V_m": "mV", "U_m": "mV", "g_ex": "nS", "g_in": "nS", "dg_ex": "nS/ms", "dg_in": "nS/ms",
          "I_syn_ex": "pA", "I_syn_in": "pA", "I": "pA", "I_e": "pA", "t_ref_remaining": "ms"}

def default_unit(variable: str) -> str:
    """The unit of a model recordable (``"V_m"`` -> ``"mV"``); ``"dimensionless"`` if unknown."""
    return _UNITS.get(variable, "dimensionless")


def _require_neo(owner: str) -> Any:
    try:
        import neo
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(f"{owner} needs the 'neo' package; install it with `pip install neo`") from err
    return neo


def _times_ms(owner: str, events: Mapping[str, Any], resolution: float | None) -> np.ndarray:
    """``times`` in ms; events recorded with ``time_in_steps`` carry steps and ``offsets``."""
    times = np.asarray(events["times"])
    if "offsets" not in events:
        return times.astype(np.float64, copy=False)
    if resolution is None:
        raise bad_parameter(owner, "resolution", None, "the events were recorded with time_in_steps "
                            "(they have 'offsets'); pass the simulation resolution in ms, "
                            "e.g. resolution=sim.resolution")
    return times * float(resolution) - np.asarray(events["offsets"], dtype=np.float64)


def _segment_column(owner: str, segment: int | ArrayLike, n: int) -> tuple[np.ndarray, set[int]]:
    """The segment index of every event and the set of segments declared."""
    seg = np.asarray(segment)
    if seg.ndim == 0:
        if not np.issubdtype(seg.dtype, np.integer) or int(seg) < 0:
            raise bad_parameter(owner, "segment", segment, "it must be an integer >= 0")
        return np.full(n, int(seg), dtype=np.int64), {int(seg)}
    if seg.shape != (n,) or (n and (not np.issubdtype(seg.dtype, np.integer) or seg.min() < 0)):
        raise bad_parameter(owner, "segment", f"array of shape {seg.shape}",
                            f"give one integer >= 0, or one per event ({n})")
    seg = seg.astype(np.int64, copy=False)
    return seg, {int(s) for s in np.unique(seg)}


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


class _Events:
    """Columns shared by spike events and traces: senders, times (ms), segment."""

    def __init__(self, senders: ArrayLike, times: ArrayLike, segment: int | ArrayLike,
                 annotations: Mapping[str, Any] | None) -> None:
        owner = type(self).__name__
        s = np.asarray(senders)
        t = np.asarray(times, dtype=np.float64)
        if s.ndim != 1 or t.shape != s.shape:
            raise BadParameter(f"{owner}: 'senders' and 'times' must be 1-D arrays of equal length; "
                               f"got shapes {s.shape} and {t.shape}")
        if s.size and not np.issubdtype(s.dtype, np.integer):
            raise bad_parameter(owner, "senders", s[:5], "senders must be integer node ids")
        seg, declared = _segment_column(owner, segment, s.size)
        self.senders = _frozen(s.astype(np.int64))
        self.times = _frozen(t)
        self.segment = _frozen(seg)
        self._declared = declared
        self.annotations: dict[str, Any] = dict(annotations or {})

    def __len__(self) -> int:
        return int(self.senders.size)

    @property
    def ids(self) -> np.ndarray:
        """The node ids that occur as senders, ascending."""
        return np.unique(self.senders)

    @property
    def segments(self) -> list[int]:
        """The segment indices this object holds (including segments without events)."""
        return sorted(self._declared)

    def _one_segment(self, owner: str, segment: int | None) -> np.ndarray:
        """Mask of the events of ``segment``; ``None`` is allowed when there is only one."""
        if segment is None:
            if len(self._declared) > 1:
                raise bad_parameter(owner, "segment", None, f"this object holds segments {self.segments} "
                                    "whose times may restart; pass one, e.g. segment=0")
            return np.ones(len(self), dtype=bool)
        if segment not in self._declared:
            raise bad_parameter(owner, "segment", segment, f"this object holds segments {self.segments}")
        return self.segment == segment

    def _mask(self, owner: str, ids: ArrayLike | None, t_start: float | None, t_stop: float | None,
              segment: int | None) -> np.ndarray:
        check_window(owner, t_start, t_stop)
        keep = window_mask(self.times, t_start, t_stop)
        if ids is not None:
            keep &= np.isin(self.senders, as_ids(owner, ids, self.senders))
        if segment is not None:
            keep &= self._one_segment(owner, segment)
        return keep

    def _columns(self) -> dict[str, np.ndarray]:
        return {"segment": self.segment, "senders": self.senders, "times": self.times}

    def to_dict(self) -> dict[str, np.ndarray]:
        """Copies of the columns, an events dict with a ``segment`` column."""
        return {k: np.array(v) for k, v in self._columns().items()}

    def to_numpy(self) -> np.ndarray:
        """The events as one structured array with a field per column."""
        cols = self._columns()
        out = np.empty(len(self), dtype=[(k, v.dtype) for k, v in cols.items()])
        for k, v in cols.items():
            out[k] = v
        return out

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with a column per column; units in ``df.attrs["units"]``."""
        import pandas as pd
        df = pd.DataFrame(self.to_dict())
        df.attrs["units"] = self.units_of_columns()
        df.attrs["annotations"] = dict(self.annotations)
        return df

    def units_of_columns(self) -> dict[str, str]:
        """Unit of every column (``times`` in ms)."""
        return {"segment": "dimensionless", "senders": "dimensionless", "times": "ms"}

    def _neo_block(self, neo: Any) -> Any:
        block = neo.Block(name=str(self.annotations.get("label", "")) or None,
                          simulator="spikesim", **self._neo_annotations())
        for s in self.segments:
            block.segments.append(neo.Segment(name=f"segment {s}", index=s, segment=s))
        return block

    def _neo_annotations(self) -> dict[str, Any]:
        from spikesim._version import __version__
        ann = {k: v for k, v in self.annotations.items() if k not in ("name", "label", "simulator")}
        ann["spikesim_version"] = __version__
        return ann

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({len(self)} events, {self.ids.size} senders, "
                f"segments {self.segments})")


class SpikeEvents(_Events):
    """Spike events: ``senders`` (node ids), ``times`` (ms) and a ``segment`` index each.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    segment : int or array of int, default 0
        Segment index of all events, or of each event.
    annotations : dict, optional
        Provenance (recorder label, resolution, ...), copied into ``to_neo`` and
        ``to_pandas`` (``df.attrs``).

    Examples
    --------
    >>> ev = SpikeEvents.from_events({"senders": np.array([2, 1, 2]), "times": np.array([0.5, 1.0, 1.5])})
    >>> ev
    SpikeEvents(3 events, 2 senders, segments [0])
    >>> ev.per_neuron()[2]
    array([0.5, 1.5])
    >>> ev.to_pandas()
       segment  senders  times
    0        0        2    0.5
    1        0        1    1.0
    2        0        2    1.5
    """

    def __init__(self, senders: ArrayLike, times: ArrayLike, segment: int | ArrayLike = 0,
                 annotations: Mapping[str, Any] | None = None) -> None:
        super().__init__(senders, times, segment, annotations)

    # -- constructors ------------------------------------------------------------------
    @classmethod
    def from_events(cls, events: Mapping[str, Any], segment: int = 0, resolution: float | None = None,
                    annotations: Mapping[str, Any] | None = None) -> SpikeEvents:
        """From a spike recorder's ``events`` dict ``{"senders", "times"}``.

        ``times`` recorded in steps (with ``offsets``) are converted to ms with
        ``resolution``. A ``segment`` column in ``events`` overrides ``segment``.
        """
        extra = sorted(set(events) - set(_INDEX_COLUMNS))
        if extra:
            raise bad_parameter("SpikeEvents.from_events", "events", f"dict with columns {sorted(events)}",
                                f"a spike recorder's events have only senders and times; the columns "
                                f"{extra} are not spike events: use Traces.from_events for a "
                                f"multimeter's samples, plotting.weight_histogram(events['weights']) "
                                f"for a weight_recorder's")
        times = _times_ms("SpikeEvents.from_events", events, resolution)
        return cls(events["senders"], times, events.get("segment", segment), annotations)

    @classmethod
    def from_segments(cls, parts: Sequence[Mapping[str, Any]], resolution: float | None = None,
                      annotations: Mapping[str, Any] | None = None) -> SpikeEvents:
        """From one events dict per segment: ``parts[k]`` becomes segment ``k``."""
        return cls.concat([cls.from_events(p, k, resolution) for k, p in enumerate(parts)], annotations)

    @classmethod
    def concat(cls, parts: Sequence[SpikeEvents], annotations: Mapping[str, Any] | None = None
               ) -> SpikeEvents:
        """Join events that keep their own segment indices (the first part's annotations)."""
        parts = list(parts)
        if not parts:
            raise bad_parameter("SpikeEvents.concat", "parts", parts, "give at least one SpikeEvents")
        out = cls(np.concatenate([p.senders for p in parts]), np.concatenate([p.times for p in parts]),
                  np.concatenate([p.segment for p in parts]),
                  annotations if annotations is not None else parts[0].annotations)
        out._declared = set().union(*(p._declared for p in parts))
        return out

    @classmethod
    def from_neo(cls, block: Any) -> SpikeEvents:
        """Back from a ``neo.Block`` made by :meth:`to_neo` (or any block of SpikeTrains).

        Senders come from each train's ``source_id`` annotation (else ``channel_id``,
        else its position); events are ordered by segment, time, then sender.
        """
        senders, times, segs, declared = [], [], [], set()
        for k, seg in enumerate(block.segments):
            s_idx = int(seg.index) if seg.index is not None else k
            declared.add(s_idx)
            for j, st in enumerate(seg.spiketrains):
                sid = st.annotations.get("source_id", st.annotations.get("channel_id", j))
                t = np.asarray(st.times.rescale("ms").magnitude, dtype=np.float64)
                senders.append(np.full(t.size, int(sid), dtype=np.int64))
                times.append(t)
                segs.append(np.full(t.size, s_idx, dtype=np.int64))
        s = np.concatenate(senders) if senders else np.zeros(0, dtype=np.int64)
        t = np.concatenate(times) if times else np.zeros(0)
        g = np.concatenate(segs) if segs else np.zeros(0, dtype=np.int64)
        order = np.lexsort((s, t, g))
        out = cls(s[order], t[order], g[order], _annotations_from_neo(block))
        out._declared = declared or {0}
        return out

    # -- views -------------------------------------------------------------------------
    def select(self, ids: ArrayLike | None = None, t_start: float | None = None,
               t_stop: float | None = None, segment: int | None = None) -> SpikeEvents:
        """The events of ``ids`` in ``(t_start, t_stop]`` (ms) of ``segment`` (``None``: all)."""
        keep = self._mask("SpikeEvents.select", ids, t_start, t_stop, segment)
        out = SpikeEvents(self.senders[keep], self.times[keep], self.segment[keep], self.annotations)
        out._declared = {segment} if segment is not None else set(self._declared)
        return out

    def per_neuron(self, ids: ArrayLike | None = None, segment: int | None = None,
                   t_start: float | None = None, t_stop: float | None = None) -> dict[int, np.ndarray]:
        """``id -> sorted spike times`` (ms) of one segment (see ``analysis.spike_trains``)."""
        keep = self._one_segment("SpikeEvents.per_neuron", segment)
        return spike_trains(self.senders[keep], self.times[keep], ids, t_start, t_stop)

    # -- Neo -----------------------------------------------------------------------------
    def to_neo(self, ids: ArrayLike | None = None, t_start: float = 0.0,
               t_stop: float | Mapping[int, float] | None = None) -> Any:
        """A ``neo.Block`` with one ``Segment`` per segment index, one SpikeTrain per id.

        Parameters
        ----------
        ids : array of int, optional
            One SpikeTrain per id, in this order, in every segment (silent ones empty).
            Default: every sender, ascending.
        t_start : float, default 0.0
            ``t_start`` of every SpikeTrain (ms).
        t_stop : float or dict of int to float, optional
            ``t_stop`` (ms), for all segments or per segment index. Default: the last
            spike time of the segment. Events outside ``(t_start, t_stop]`` are left out.

        Returns
        -------
        neo.Block
            Trains in ms, annotated with ``source_id`` (the node id; Neo also sets
            ``channel_id``); segments annotated with their ``segment`` index; the block
            with ``simulator``, ``spikesim_version`` and this object's annotations.
        """
        neo = _require_neo("SpikeEvents.to_neo")
        ids_ = as_ids("SpikeEvents.to_neo", ids, self.senders)
        block = self._neo_block(neo)
        for nseg in block.segments:
            s = nseg.index
            stop = t_stop.get(s) if isinstance(t_stop, Mapping) else t_stop
            in_seg = self.segment == s
            if stop is None:
                stop = max(float(self.times[in_seg].max()) if in_seg.any() else t_start, t_start)
            keep = in_seg & window_mask(self.times, t_start, stop) & np.isin(self.senders, ids_)
            nseg.spiketrains = _spike_train_list(neo, self.senders[keep], self.times[keep], ids_,
                                                 t_start, stop)
        return block


def _annotations_from_neo(block: Any) -> dict[str, Any]:
    """The annotations ``_Events._neo_block`` stored, without the ones it adds itself."""
    ann = {k: v for k, v in block.annotations.items() if k not in ("simulator", "spikesim_version")}
    if block.name:
        ann["label"] = block.name
    return ann


def _spike_train_list(neo: Any, senders: np.ndarray, times: np.ndarray, ids: np.ndarray,
                      t_start: float, t_stop: float) -> Any:
    """SpikeTrains of ``ids`` from columnar events, cheaply where Neo allows."""
    import quantities as pq
    stl = getattr(neo.core.spiketrainlist, "SpikeTrainList", None)
    if stl is not None and hasattr(stl, "from_spike_time_array"):
        return stl.from_spike_time_array(times, senders, ids, t_stop * pq.ms, units="ms",
                                         t_start=t_start * pq.ms, source_id=ids)
    out = []  # pragma: no cover - Neo < 0.10
    for i, t in spike_trains(senders, times, ids).items():  # pragma: no cover
        out.append(neo.SpikeTrain(t, units="ms", t_start=t_start, t_stop=t_stop, source_id=i))
    return out  # pragma: no cover


class Trace(NamedTuple):
    """One neuron's samples of one variable."""

    times: np.ndarray  #: ms
    values: np.ndarray  #: in the variable's unit


class Traces(_Events):
    """Sampled state variables: ``times`` (ms), ``senders``, ``segment``, one column per variable.

    Parameters
    ----------
    times : array of float
        Sample times (ms).
    senders : array of int
        Node id sampled by every row.
    values : dict of str to array
        One column per recorded variable, as long as ``times``.
    units : dict of str to str, optional
        Unit per variable; missing ones come from :func:`default_unit`.
    segment : int or array of int, default 0
        Segment index of all rows, or of each row.
    annotations : dict, optional
        Provenance, copied into ``to_neo`` and ``to_pandas``.

    Examples
    --------
    >>> tr = Traces.from_events({"senders": np.array([1, 2, 1, 2]), "times": np.array([0.1, 0.1, 0.2, 0.2]),
    ...                          "V_m": np.array([-70.0, -65.0, -69.0, -64.0])})
    >>> tr.variables, tr.units
    (['V_m'], {'V_m': 'mV'})
    >>> tr.per_neuron("V_m")[2].values
    array([-65., -64.])
    """

    def __init__(self, times: ArrayLike, senders: ArrayLike, values: Mapping[str, ArrayLike],
                 units: Mapping[str, str] | None = None, segment: int | ArrayLike = 0,
                 annotations: Mapping[str, Any] | None = None) -> None:
        super().__init__(senders, times, segment, annotations)
        self.values: dict[str, np.ndarray] = {}
        for name, v in values.items():
            if name in _INDEX_COLUMNS:
                raise bad_parameter("Traces", "values", sorted(values),
                                    f"a variable may not be called {_INDEX_COLUMNS}")
            arr = np.asarray(v, dtype=np.float64)
            if arr.shape != self.times.shape:
                raise bad_parameter("Traces", "values", f"{name!r} of shape {arr.shape}",
                                    f"every variable needs one value per sample ({self.times.shape})")
            self.values[name] = _frozen(arr)
        unknown = sorted(set(units or {}) - set(self.values))
        if unknown:
            raise bad_parameter("Traces", "units", dict(units or {}),
                                f"units may be given for the variables {self.variables} only")
        self.units = {k: (units or {}).get(k, default_unit(k)) for k in self.values}

    @property
    def variables(self) -> list[str]:
        """Names of the recorded variables, in recording order."""
        return list(self.values)

    # -- constructors ------------------------------------------------------------------
    @classmethod
    def from_events(cls, events: Mapping[str, Any], segment: int = 0, resolution: float | None = None,
                    units: Mapping[str, str] | None = None,
                    annotations: Mapping[str, Any] | None = None) -> Traces:
        """From a multimeter's ``events`` dict ``{"senders", "times", <variable>...}``."""
        times = _times_ms("Traces.from_events", events, resolution)
        values = {k: v for k, v in events.items() if k not in _INDEX_COLUMNS}
        return cls(times, events["senders"], values, units, events.get("segment", segment), annotations)

    @classmethod
    def from_segments(cls, parts: Sequence[Mapping[str, Any]], resolution: float | None = None,
                      units: Mapping[str, str] | None = None,
                      annotations: Mapping[str, Any] | None = None) -> Traces:
        """From one events dict per segment: ``parts[k]`` becomes segment ``k``."""
        return cls.concat([cls.from_events(p, k, resolution, units) for k, p in enumerate(parts)],
                          annotations)

    @classmethod
    def concat(cls, parts: Sequence[Traces], annotations: Mapping[str, Any] | None = None) -> Traces:
        """Join traces of the same variables that keep their own segment indices."""
        parts = list(parts)
        if not parts:
            raise bad_parameter("Traces.concat", "parts", parts, "give at least one Traces")
        names = parts[0].variables
        for p in parts[1:]:
            if p.variables != names:
                raise bad_parameter("Traces.concat", "parts", f"variables {p.variables}",
                                    f"every part must record the same variables {names}")
        out = cls(np.concatenate([p.times for p in parts]), np.concatenate([p.senders for p in parts]),
                  {k: np.concatenate([p.values[k] for p in parts]) for k in names}, parts[0].units,
                  np.concatenate([p.segment for p in parts]),
                  annotations if annotations is not None else parts[0].annotations)
        out._declared = set().union(*(p._declared for p in parts))
        return out

    @classmethod
    def from_neo(cls, block: Any) -> Traces:
        """Back from a ``neo.Block`` made by :meth:`to_neo`.

        Channels are identified by the ``source_id`` array annotation; times come back
        from Neo's sample grid, so they may differ from the recorded ones by rounding.
        """
        rows: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {}
        units: dict[str, str] = {}
        declared = set()
        for k, seg in enumerate(block.segments):
            s_idx = int(seg.index) if seg.index is not None else k
            declared.add(s_idx)
            for sig in list(seg.analogsignals) + list(seg.irregularlysampledsignals):
                t = np.asarray(sig.times.rescale("ms").magnitude, dtype=np.float64)
                ids = np.asarray(sig.array_annotations.get("source_id", np.arange(sig.shape[1])))
                v = np.asarray(sig.magnitude, dtype=np.float64)
                units[sig.name] = sig.units.dimensionality.string
                rows.setdefault(sig.name, []).append((
                    np.full(v.size, s_idx, dtype=np.int64), np.repeat(t, ids.size),
                    np.tile(ids.astype(np.int64), t.size), v.reshape(-1)))
        return cls._from_rows(rows, units, declared, _annotations_from_neo(block))

    @classmethod
    def _from_rows(cls, rows: Mapping[str, list[tuple[np.ndarray, ...]]], units: dict[str, str],
                   declared: set[int], annotations: Mapping[str, Any]) -> Traces:
        keys: tuple[np.ndarray, ...] | None = None
        values: dict[str, np.ndarray] = {}
        for name, parts in rows.items():
            g, t, s, v = (np.concatenate(c) for c in zip(*parts))
            order = np.lexsort((s, t, g))
            g, t, s = g[order], t[order], s[order]
            if keys is None:
                keys = (g, t, s)
            elif not (np.array_equal(keys[0], g) and np.array_equal(keys[2], s)
                      and np.allclose(keys[1], t, rtol=0, atol=TIME_TOL)):
                raise bad_parameter("Traces.from_neo", "block", f"signal {name!r}",
                                    "every variable must be sampled at the same times and senders")
            values[name] = v[order]
        g, t, s = keys if keys is not None else (np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
        out = cls(t, s, values, units, g, annotations)
        out._declared = declared or {0}
        return out

    # -- views -------------------------------------------------------------------------
    def _columns(self) -> dict[str, np.ndarray]:
        return {**super()._columns(), **self.values}

    def units_of_columns(self) -> dict[str, str]:
        return {**super().units_of_columns(), **self.units}

    def select(self, ids: ArrayLike | None = None, t_start: float | None = None,
               t_stop: float | None = None, segment: int | None = None,
               variables: Iterable[str] | None = None) -> Traces:
        """The samples of ``ids`` in ``(t_start, t_stop]`` (ms) of ``segment``, of ``variables``."""
        keep = self._mask("Traces.select", ids, t_start, t_stop, segment)
        names = self.variables if variables is None else [self._check_variable("Traces.select", v)
                                                           for v in variables]
        out = Traces(self.times[keep], self.senders[keep], {k: self.values[k][keep] for k in names},
                     {k: self.units[k] for k in names}, self.segment[keep], self.annotations)
        out._declared = {segment} if segment is not None else set(self._declared)
        return out

    def _check_variable(self, owner: str, variable: str) -> str:
        if variable not in self.values:
            raise bad_parameter(owner, "variable", variable, f"the recorded variables are {self.variables}")
        return variable

    def per_neuron(self, variable: str, ids: ArrayLike | None = None,
                   segment: int | None = None) -> dict[int, Trace]:
        """``id -> Trace(times, values)`` of ``variable`` in one segment, times ascending."""
        self._check_variable("Traces.per_neuron", variable)
        keep = self._one_segment("Traces.per_neuron", segment)
        s, t, v = self.senders[keep], self.times[keep], self.values[variable][keep]
        ids_ = as_ids("Traces.per_neuron", ids, s)
        order = np.lexsort((t, s))  # stable: samples of one sender keep their order
        s, t, v = s[order], t[order], v[order]
        lo, hi = np.searchsorted(s, ids_), np.searchsorted(s, ids_, side="right")
        return {int(i): Trace(t[a:b], v[a:b]) for i, a, b in zip(ids_, lo, hi)}

    # -- Neo -----------------------------------------------------------------------------
    def to_neo(self, ids: ArrayLike | None = None) -> Any:
        """A ``neo.Block`` with one ``Segment`` per segment index and one signal per variable.

        When every sender of a segment is sampled at the same, evenly spaced times (a
        multimeter's grid) a variable becomes one ``AnalogSignal`` of shape
        ``(samples, senders)``; at shared but uneven times one
        ``IrregularlySampledSignal``; otherwise one ``IrregularlySampledSignal`` per
        sender. Signals are named by the variable, carry its unit (``V_m`` in mV), have
        times in ms and the array annotation ``source_id`` (node id per channel).

        Parameters
        ----------
        ids : array of int, optional
            The senders to include, in this channel order. Default: all, ascending.
        """
        neo = _require_neo("Traces.to_neo")
        ids_ = as_ids("Traces.to_neo", ids, self.senders)
        block = self._neo_block(neo)
        for nseg in block.segments:
            for name in self.variables:
                per = self.per_neuron(name, ids_, segment=nseg.index)
                per = {i: tr for i, tr in per.items() if tr.times.size}
                for sig in _signals(neo, name, self.units[name], per):
                    if isinstance(sig, neo.AnalogSignal):
                        nseg.analogsignals.append(sig)
                    else:
                        nseg.irregularlysampledsignals.append(sig)
        return block


def _signals(neo: Any, name: str, unit: str, per: Mapping[int, Trace]) -> list[Any]:
    """Neo signals of one variable in one segment (see ``Traces.to_neo``)."""
    import quantities as pq
    if not per:
        return []
    ids = np.fromiter(per, dtype=np.int64)
    first = next(iter(per.values())).times
    if all(tr.times.shape == first.shape and np.array_equal(tr.times, first) for tr in per.values()):
        matrix = np.column_stack([tr.values for tr in per.values()])
        ann = {"source_id": ids}
        step = (first[-1] - first[0]) / (first.size - 1) if first.size > 1 else 0.0
        if step > 0 and np.allclose(np.diff(first), step, rtol=0, atol=TIME_TOL):
            return [neo.AnalogSignal(matrix, units=unit, t_start=first[0] * pq.ms,
                                     sampling_period=step * pq.ms, name=name, array_annotations=ann)]
        return [neo.IrregularlySampledSignal(first * pq.ms, matrix, units=unit, name=name,
                                             array_annotations=ann)]
    return [neo.IrregularlySampledSignal(tr.times * pq.ms, tr.values[:, None], units=unit, name=name,
                                         array_annotations={"source_id": np.array([i])})
            for i, tr in per.items()]
