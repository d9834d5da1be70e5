"""Sampled state variables: ``times`` (ms), ``senders``, ``segment``, one column per variable.

A :class:`Traces` holds what a multimeter records, one row per sample; a
:class:`Trace` is one neuron's samples of one variable. Units come from the models
(:func:`~spikesim.data.columnar.default_unit`) unless given. Time windows
``(t_start, t_stop]`` (ms) exclude their start and include their stop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from spikesim.data.checks import as_ids, bad_parameter
from spikesim.data.columnar import INDEX_COLUMNS, ColumnarEvents, default_unit, frozen, times_ms
from spikesim.data.neo import annotations_from_neo, merge_rows, require_neo, signals, trace_rows

__all__ = ["Trace", "Traces"]


class Trace(NamedTuple):
    """One neuron's samples of one variable."""

    times: np.ndarray  #: ms
    values: np.ndarray  #: in the variable's unit


class Traces(ColumnarEvents):
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
            if name in INDEX_COLUMNS:
                raise bad_parameter("Traces", "values", sorted(values),
                                    f"a variable may not be called {INDEX_COLUMNS}")
            arr = np.asarray(v, dtype=np.float64)
            if arr.shape != self.times.shape:
                raise bad_parameter("Traces", "values", f"{name!r} of shape {arr.shape}",
                                    f"every variable needs one value per sample ({self.times.shape})")
            self.values[name] = frozen(arr)
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
        """From a multimeter's ``events`` dict ``{"senders", "times", <variable>...}``.

        Parameters
        ----------
        events : dict
            ``senders``, ``times`` (ms; steps with ``offsets`` if recorded with
            ``time_in_steps``) and one column per variable; a ``segment`` column
            overrides ``segment``.
        segment : int, default 0
            Segment index of all samples.
        resolution : float, optional
            Simulation resolution (ms), needed to convert times in steps.
        units : dict of str to str, optional
            Unit per variable; default from the models (:func:`default_unit`).
        annotations : dict, optional
            Provenance (recorder label, ...).

        Raises
        ------
        BadParameter
            Times are in steps without ``resolution``, a column has the wrong
            length, or ``units`` names a variable not recorded.
        """
        times = times_ms("Traces.from_events", events, resolution)
        values = {k: v for k, v in events.items() if k not in INDEX_COLUMNS}
        return cls(times, events["senders"], values, units, events.get("segment", segment), annotations)

    @classmethod
    def from_segments(cls, parts: Sequence[Mapping[str, Any]], resolution: float | None = None,
                      units: Mapping[str, str] | None = None,
                      annotations: Mapping[str, Any] | None = None) -> Traces:
        """From one events dict per segment: ``parts[k]`` becomes segment ``k``.

        ``resolution`` (ms), ``units`` and ``annotations`` as for :meth:`from_events`.

        Raises
        ------
        BadParameter
            ``parts`` is empty or its parts record different variables, or as
            :meth:`from_events`.
        """
        return cls.concat([cls.from_events(p, k, resolution, units) for k, p in enumerate(parts)],
                          annotations)

    @classmethod
    def concat(cls, parts: Sequence[Traces], annotations: Mapping[str, Any] | None = None) -> Traces:
        """Join traces of the same variables that keep their own segment indices.

        Parameters
        ----------
        parts : sequence of Traces
            The parts, in order; units are the first part's.
        annotations : dict, optional
            Default: the first part's annotations.

        Raises
        ------
        BadParameter
            ``parts`` is empty or its parts record different variables.
        """
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
        return out._declare({s for p in parts for s in p.segments})

    @classmethod
    def from_neo(cls, block: Any) -> Traces:
        """Back from a ``neo.Block`` made by :meth:`to_neo`.

        Channels are identified by the ``source_id`` array annotation; times come back
        from Neo's sample grid, so they may differ from the recorded ones by rounding.

        Raises
        ------
        BadParameter
            The block's variables are not sampled at the same times and senders.
        """
        rows, units, declared = trace_rows(block)
        g, t, s, values = merge_rows(rows)
        return cls(t, s, values, units, g, annotations_from_neo(block))._declare(declared or {0})

    # -- views -------------------------------------------------------------------------
    def _columns(self) -> dict[str, np.ndarray]:
        return {**super()._columns(), **self.values}

    def units_of_columns(self) -> dict[str, str]:
        """Unit of every column: ``times`` in ms, each variable in its unit (``V_m`` in mV)."""
        return {**super().units_of_columns(), **self.units}

    def select(self, ids: ArrayLike | None = None, t_start: float | None = None,
               t_stop: float | None = None, segment: int | None = None,
               variables: Iterable[str] | None = None) -> Traces:
        """The samples of ``ids`` in the window ``(t_start, t_stop]`` of ``segment``.

        Parameters
        ----------
        ids : array of int or NodeCollection, optional
            The senders to keep. Default: all.
        t_start, t_stop : float, optional
            Window (ms), start excluded, stop included; ``None`` leaves a side open.
        segment : int, optional
            The segment to keep. Default: all.
        variables : iterable of str, optional
            The variables to keep. Default: all.

        Raises
        ------
        BadParameter
            A variable is not recorded, ``ids`` are not unique integers, the window
            is malformed, or the object holds no segment ``segment``.
        """
        keep = self._mask("Traces.select", ids, t_start, t_stop, segment)
        names = self.variables if variables is None else [self._check_variable("Traces.select", v)
                                                           for v in variables]
        out = Traces(self.times[keep], self.senders[keep], {k: self.values[k][keep] for k in names},
                     {k: self.units[k] for k in names}, self.segment[keep], self.annotations)
        return out._declare([segment] if segment is not None else self.segments)

    def _check_variable(self, owner: str, variable: str) -> str:
        if variable not in self.values:
            raise bad_parameter(owner, "variable", variable, f"the recorded variables are {self.variables}")
        return variable

    def per_neuron(self, variable: str, ids: ArrayLike | None = None,
                   segment: int | None = None) -> dict[int, Trace]:
        """``id -> Trace(times, values)`` of ``variable`` in one segment, times (ms) ascending.

        Parameters
        ----------
        variable : str
            A recorded variable.
        ids : array of int or NodeCollection, optional
            The senders, in this order (unsampled ones get empty traces). Default:
            every sender, ascending.
        segment : int, optional
            The segment; may be left out when the object holds only one.

        Raises
        ------
        BadParameter
            ``variable`` is not recorded, ``segment`` is missing though there are
            several or not held, or ``ids`` are not unique integers.
        """
        self._check_variable("Traces.per_neuron", variable)
        keep = self._one_segment("Traces.per_neuron", segment)
        s, t, v = self.senders[keep], self.times[keep], self.values[variable][keep]
        ids_ = as_ids("Traces.per_neuron", ids, s)
        order = np.lexsort((t, s))  # stable: samples of one sender keep their order
        s, t, v = s[order], t[order], v[order]
        lo, hi = np.searchsorted(s, ids_), np.searchsorted(s, ids_, side="right")
        return {int(i): Trace(t[a:b], v[a:b]) for i, a, b in zip(ids_, lo, hi, strict=True)}

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

        Returns
        -------
        neo.Block
            Annotated with ``simulator``, ``spikesim_version`` and this object's
            annotations.

        Raises
        ------
        ImportError
            Neo is not installed.
        BadParameter
            ``ids`` are not unique integers.
        """
        neo = require_neo("Traces.to_neo")
        ids_ = as_ids("Traces.to_neo", ids, self.senders)
        block = self._neo_block(neo)
        for nseg in block.segments:
            for name in self.variables:
                per = self.per_neuron(name, ids_, segment=nseg.index)
                per = {i: tr for i, tr in per.items() if tr.times.size}
                for sig in signals(neo, name, self.units[name], per):
                    if isinstance(sig, neo.AnalogSignal):
                        nseg.analogsignals.append(sig)
                    else:
                        nseg.irregularlysampledsignals.append(sig)
        return block
