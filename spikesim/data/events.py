"""Spike events: ``senders``, ``times`` (ms) and a ``segment`` index per spike.

Columnar arrays are canonical (NEST's ``events`` dict, Brian2's ``i``/``t``): a
:class:`SpikeEvents` holds one row per spike; per-neuron views, pandas frames and Neo
blocks are derived from the columns on request and never stored. A *segment*
(Neo's name; CompNeuroPy calls it a chunk) is one stretch of recording between
resets; times of different segments may restart at 0. :meth:`SpikeEvents.to_neo`
makes one ``neo.Segment`` per segment index. Events are kept in the order given;
recording devices give them chronologically, ties ordered by sender. Time windows
``(t_start, t_stop]`` (ms) exclude their start and include their stop.

Sampled traces live in :mod:`spikesim.data.traces`, the shared columnar base in
:mod:`spikesim.data.columnar`, the Neo helpers in :mod:`spikesim.data.neo`;
``Traces``, ``Trace`` and ``default_unit`` are importable from here too.

Build them from a recorder's events::

    ev = sim.nodes("sr").get("events")[0]
    spikes = SpikeEvents.from_events(ev)
    vm = Traces.from_events(sim.nodes("mm").get("events")[0])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from spikesim.data.checks import as_ids, bad_parameter
from spikesim.data.columnar import INDEX_COLUMNS, ColumnarEvents, default_unit, times_ms
from spikesim.data.neo import annotations_from_neo, require_neo, spike_columns, spike_train_list
from spikesim.data.traces import Trace, Traces
from spikesim.data.trains import spike_trains

__all__ = ["SpikeEvents", "Traces", "Trace", "default_unit"]


class SpikeEvents(ColumnarEvents):
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

        Parameters
        ----------
        events : dict
            ``senders`` (node ids) and ``times`` (ms; steps if recorded with
            ``time_in_steps``, then with ``offsets`` in ms); a ``segment`` column
            overrides ``segment``.
        segment : int, default 0
            Segment index of all events.
        resolution : float, optional
            Simulation resolution (ms), needed to convert times in steps.
        annotations : dict, optional
            Provenance (recorder label, ...).

        Raises
        ------
        BadParameter
            ``events`` has other columns (a multimeter's or weight recorder's), times
            are in steps without ``resolution``, or the columns are malformed.
        """
        extra = sorted(set(events) - set(INDEX_COLUMNS))
        if extra:
            raise bad_parameter("SpikeEvents.from_events", "events", f"dict with columns {sorted(events)}",
                                f"a spike recorder's events have only senders and times; the columns "
                                f"{extra} are not spike events: use Traces.from_events for a "
                                f"multimeter's samples, plotting.weight_histogram(events['weights']) "
                                f"for a weight_recorder's")
        times = times_ms("SpikeEvents.from_events", events, resolution)
        return cls(events["senders"], times, events.get("segment", segment), annotations)

    @classmethod
    def from_segments(cls, parts: Sequence[Mapping[str, Any]], resolution: float | None = None,
                      annotations: Mapping[str, Any] | None = None) -> SpikeEvents:
        """From one events dict per segment: ``parts[k]`` becomes segment ``k``.

        ``resolution`` (ms) and ``annotations`` as for :meth:`from_events`.

        Raises
        ------
        BadParameter
            ``parts`` is empty, or as :meth:`from_events`.
        """
        return cls.concat([cls.from_events(p, k, resolution) for k, p in enumerate(parts)], annotations)

    @classmethod
    def concat(cls, parts: Sequence[SpikeEvents], annotations: Mapping[str, Any] | None = None
               ) -> SpikeEvents:
        """Join events that keep their own segment indices.

        Parameters
        ----------
        parts : sequence of SpikeEvents
            The parts, in order; the result holds every segment of every part.
        annotations : dict, optional
            Default: the first part's annotations.

        Raises
        ------
        BadParameter
            ``parts`` is empty.
        """
        parts = list(parts)
        if not parts:
            raise bad_parameter("SpikeEvents.concat", "parts", parts, "give at least one SpikeEvents")
        out = cls(np.concatenate([p.senders for p in parts]), np.concatenate([p.times for p in parts]),
                  np.concatenate([p.segment for p in parts]),
                  annotations if annotations is not None else parts[0].annotations)
        return out._declare({s for p in parts for s in p.segments})

    @classmethod
    def from_neo(cls, block: Any) -> SpikeEvents:
        """Back from a ``neo.Block`` made by :meth:`to_neo` (or any block of SpikeTrains).

        Senders come from each train's ``source_id`` annotation (else ``channel_id``,
        else its position); events are ordered by segment, time, then sender.
        """
        s, t, g, declared = spike_columns(block)
        return cls(s, t, g, annotations_from_neo(block))._declare(declared or {0})

    # -- views -------------------------------------------------------------------------
    def select(self, ids: ArrayLike | None = None, t_start: float | None = None,
               t_stop: float | None = None, segment: int | None = None) -> SpikeEvents:
        """The events of ``ids`` in the window ``(t_start, t_stop]`` of ``segment``.

        Parameters
        ----------
        ids : array of int or NodeCollection, optional
            The senders to keep. Default: all.
        t_start, t_stop : float, optional
            Window (ms), start excluded, stop included; ``None`` leaves a side open.
        segment : int, optional
            The segment to keep. Default: all.

        Raises
        ------
        BadParameter
            ``ids`` are not unique integers, the window is malformed, or the object
            holds no segment ``segment``.
        """
        keep = self._mask("SpikeEvents.select", ids, t_start, t_stop, segment)
        out = SpikeEvents(self.senders[keep], self.times[keep], self.segment[keep], self.annotations)
        return out._declare([segment] if segment is not None else self.segments)

    def per_neuron(self, ids: ArrayLike | None = None, segment: int | None = None,
                   t_start: float | None = None, t_stop: float | None = None) -> dict[int, np.ndarray]:
        """``id -> sorted spike times`` (ms) of one segment (see ``analysis.spike_trains``).

        Parameters
        ----------
        ids : array of int or NodeCollection, optional
            The neurons, in this order (silent ones get an empty array). Default:
            every sender, ascending.
        segment : int, optional
            The segment; may be left out when the object holds only one.
        t_start, t_stop : float, optional
            Only spikes in ``(t_start, t_stop]`` (ms).

        Raises
        ------
        BadParameter
            ``segment`` is missing though there are several, or not held; ``ids`` or
            the window are malformed.
        """
        keep = self._one_segment("SpikeEvents.per_neuron", segment)
        return spike_trains(self.senders[keep], self.times[keep], ids, t_start, t_stop)

    # -- Neo -----------------------------------------------------------------------------
    def to_neo(self, ids: ArrayLike | None = None, t_start: float | Mapping[int, float] = 0.0,
               t_stop: float | Mapping[int, float] | None = None) -> Any:
        """A ``neo.Block`` with one ``Segment`` per segment index, one SpikeTrain per id.

        These events know nothing of the time they were recorded over: give
        ``t_start``/``t_stop``, or use a device's or run result's ``to_neo``, which
        take them from the recording window (rates from the default ``t_stop``, the
        last spike, are too high).

        Parameters
        ----------
        ids : array of int, optional
            One SpikeTrain per id, in this order, in every segment (silent ones empty).
            Default: every sender, ascending.
        t_start : float or dict of int to float, default 0.0
            ``t_start`` (ms), for all segments or per segment index.
        t_stop : float or dict of int to float, optional
            ``t_stop`` (ms), for all segments or per segment index. Default: the last
            spike time of the segment. Events outside ``(t_start, t_stop]`` are left out.

        Returns
        -------
        neo.Block
            Trains in ms, linked to their segment, annotated with ``source_id`` (the
            node id), with ``sampling_rate`` 1 / the ``resolution`` annotation (ms)
            when there is one; segments annotated with their ``segment`` index; the
            block with ``simulator``, ``spikesim_version`` and this object's annotations.

        Raises
        ------
        ImportError
            Neo is not installed.
        BadParameter
            ``ids`` are not unique integers.
        """
        neo = require_neo("SpikeEvents.to_neo")
        ids_ = as_ids("SpikeEvents.to_neo", ids, self.senders)
        block = self._neo_block(neo)
        res = self.annotations.get("resolution")
        for nseg in block.segments:
            s = nseg.index
            start = float(t_start.get(s, 0.0) if isinstance(t_start, Mapping) else t_start)
            stop = t_stop.get(s) if isinstance(t_stop, Mapping) else t_stop
            in_seg = self.segment == s
            if stop is None:
                stop = max(float(self.times[in_seg].max()) if in_seg.any() else start, start)
            nseg.spiketrains.extend(spike_train_list(neo, self.senders[in_seg], self.times[in_seg], ids_,
                                                     start, stop, res if isinstance(res, float) else None))
        return block
