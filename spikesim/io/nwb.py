"""Recordings to NWB (Neurodata Without Borders) files, with pynwb (``spikesim[nwb]``).

* Spikes: one row per observed neuron and spike recorder in the ``units`` table
  (silent neurons included when the recorder's neurons are known), ``spike_times``
  in s, ``obs_intervals`` = the recorder's window(s) in s, columns ``node_id``,
  ``device``, ``device_label``, ``population``, ``model``.
* Sampled variables (multimeter, voltmeter): one ``TimeSeries`` per device and
  variable in ``acquisition`` (``multimeter105_V_m``), data time x neuron as
  recorded (mV, pA, nS) with ``unit``/``conversion`` naming the SI unit (volts,
  1e-3), ``rate`` = 1 / interval when the samples are regular, else ``timestamps``
  (s); ``comments`` holds JSON with the device and the node ids of the columns
  (a neuron not sampled at some time has NaN there).
* Weights (weight_recorder): a ``DynamicTable`` in ``acquisition``
  (``weight_recorder1``) with columns time (s), senders, targets, weights,
  receptors, ports.
* Session: start time (the recording file's creation, or now), a uuid identifier,
  the spikesim version, seed and resolution in ``notes`` (JSON) and
  ``experiment_description``.

Simulation time 0 is the session start.  Files are written to a temporary file
beside the target and renamed, so no half-written file is left behind.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.io.hdf5 import Recording
from spikesim.io.nwb_records import (
    SAMPLING_MODELS,
    SPIKE_MODELS,
    WEIGHT_MODELS,
    DeviceRecord,
    Population,
    SessionInfo,
    records_from_recording,
    si_unit,
)

#: pynwb objects are untyped
NWBFile = Any

#: the NCBI taxon "synthetic construct": the species of a simulated network
SYNTHETIC_SPECIES = "http://purl.obolibrary.org/obo/NCBITaxon_32630"
_DEFAULT_DESCRIPTION = "A network of spiking point neurons simulated with spikesim"
_WEIGHT_COLUMNS = {"senders": "presynaptic node ids", "targets": "postsynaptic node ids",
                   "weights": "synaptic weights after the spike (pA or nS, as the synapse)",
                   "receptors": "receptor ports of the targets", "ports": "connection ids within the sender"}


def _pynwb() -> Any:
    """The pynwb module, or an ImportError that names the extra to install."""
    try:
        import pynwb
    except ImportError as exc:
        raise ImportError("writing NWB files needs pynwb: pip install 'spikesim[nwb]'") from exc
    return pynwb


def _gzip(data: np.ndarray) -> Any:
    """``data`` wrapped for gzip-compressed, chunked storage."""
    from hdmf.backends.hdf5.h5_utils import H5DataIO
    return H5DataIO(data, compression="gzip") if data.size else data


def _ms_to_s(t: np.ndarray) -> np.ndarray:
    return np.asarray(t, dtype=np.float64) / 1000.0


def build_nwbfile(devices: Sequence[DeviceRecord], session: SessionInfo, *,
                  session_description: str = _DEFAULT_DESCRIPTION, identifier: str | None = None,
                  session_start_time: datetime | None = None, populations: Sequence[Population] = (),
                  nwbfile_kwargs: Mapping[str, Any] | None = None) -> NWBFile:
    """An in-memory ``pynwb.NWBFile`` holding the devices' events (not yet written).

    Parameters
    ----------
    devices : sequence of DeviceRecord
        The recorders' events (times in ms); devices of other models are skipped.
    session : SessionInfo
        Resolution (ms), seed, version and start time of the simulation.
    session_description : str
        What the simulation is.
    identifier : str, optional
        A unique id of the file; a new uuid4 by default.
    session_start_time : datetime, optional
        Overrides ``session.start_time``; must be timezone-aware.
    populations : sequence of Population
        Labels and models of the neurons, for the units table.
    nwbfile_kwargs : Mapping[str, Any], optional
        Further ``NWBFile`` arguments (experimenter, lab, institution, keywords ...).

    Returns
    -------
    pynwb.NWBFile

    Raises
    ------
    ImportError
        If pynwb is not installed.
    ValueError
        If ``session_start_time`` has no timezone.
    """
    pynwb = _pynwb()
    start = session_start_time or session.start_time
    if start.tzinfo is None:
        raise ValueError(f"session_start_time {start} has no timezone; pass an aware datetime, "
                         "e.g. datetime.now(timezone.utc)")
    provenance = {"generator": "spikesim", "spikesim_version": session.spikesim_version, "seed": session.seed,
                  "resolution_ms": session.resolution, **session.extra}
    nwb = pynwb.NWBFile(
        session_description=session_description, identifier=identifier or str(uuid.uuid4()),
        session_start_time=start, data_collection="simulated; times relative to the simulation start (t = 0 ms)",
        experiment_description=(f"Simulated with spikesim {session.spikesim_version}: resolution "
                                f"{session.resolution} ms, seed {session.seed}"),
        notes=json.dumps(provenance, default=str, sort_keys=True),
        **{"keywords": ["simulation", "spiking neural network", "spikesim"], **dict(nwbfile_kwargs or {})})
    if nwb.subject is None:
        nwb.subject = _simulated_subject(pynwb, start)
    _add_devices(pynwb, nwb, devices, session, populations)
    return nwb


def _add_devices(pynwb: Any, nwb: NWBFile, devices: Sequence[DeviceRecord], session: SessionInfo,
                 populations: Sequence[Population]) -> None:
    """The spike recorders into the units table, the other recorders into acquisition."""
    spikes = [d for d in devices if d.model in SPIKE_MODELS]
    if spikes:
        _add_units(nwb, spikes, session, populations)
    for d in devices:
        if d.model in SAMPLING_MODELS:
            for var in d.variables():
                series = _sampled_series(pynwb, d, var)
                if series is not None:
                    nwb.add_acquisition(series)
        elif d.model in WEIGHT_MODELS:
            nwb.add_acquisition(_weight_table(d))


def _simulated_subject(pynwb: Any, born: datetime) -> Any:
    """The NWB subject of a simulation: NCBI's taxon 'synthetic construct', born at the start."""
    return pynwb.file.Subject(subject_id="spikesim-network", species=SYNTHETIC_SPECIES, sex="U",
                              date_of_birth=born, description="a simulated network of model neurons, no animal")


def _add_units(nwb: NWBFile, devices: Sequence[DeviceRecord], session: SessionInfo,
               populations: Sequence[Population]) -> None:
    """One units-table row per (spike recorder, observed neuron)."""
    from pynwb.misc import Units
    nwb.units = Units(name="units", resolution=session.resolution / 1000.0,
                      description="neurons observed by spikesim's spike recorders; spike times in s")
    for name, desc in (("node_id", "the neuron's node id (1-based, NEST's)"),
                       ("device", "node id of the spike recorder"), ("device_label", "label of the spike recorder"),
                       ("population", "label of the neuron's population ('' if unknown)"),
                       ("model", "the neuron's model ('' if unknown)")):
        nwb.add_unit_column(name=name, description=desc)
    info = {int(i): (p.label, p.model) for p in populations for i in np.asarray(p.node_ids).tolist()}
    for d in devices:
        senders = np.asarray(d.events["senders"], dtype=np.int64)
        times = np.asarray(d.events["times"], dtype=np.float64)
        order = np.argsort(senders, kind="stable")
        s_sorted, t_sorted = senders[order], times[order]
        intervals = [[a / 1000.0, b / 1000.0] for a, b in d.windows] or None
        for nid in d.observed_ids().tolist():
            lo, hi = np.searchsorted(s_sorted, [nid, nid + 1])
            label, model = info.get(nid, ("", ""))
            nwb.add_unit(spike_times=_ms_to_s(np.sort(t_sorted[lo:hi])), obs_intervals=intervals, node_id=nid,
                         device=d.node_id, device_label=d.label, population=label, model=model)


def sample_grid(device: DeviceRecord, variable: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sampling device's rows of one variable as a time x neuron grid.

    Parameters
    ----------
    device : DeviceRecord
        A multimeter's or voltmeter's events (times in ms).
    variable : str
        A recorded variable.

    Returns
    -------
    tuple of np.ndarray
        The sampling times (ms, ascending), the node ids (columns, ascending) and the
        grid; NaN where a neuron was not sampled at a time.
    """
    times = np.asarray(device.events["times"], dtype=np.float64)
    senders = np.asarray(device.events["senders"], dtype=np.int64)
    ids = np.union1d(device.observed_ids(), senders)
    t, row = np.unique(times, return_inverse=True)
    grid = np.full((t.size, ids.size), np.nan)
    grid[row, np.searchsorted(ids, senders)] = np.asarray(device.events[variable], dtype=np.float64)
    return t, ids, grid


def _sampled_series(pynwb: Any, d: DeviceRecord, var: str) -> Any:
    """One TimeSeries of a sampling device's variable; None when nothing was sampled."""
    t, ids, grid = sample_grid(d, var)
    if not t.size:
        return None
    recorded_unit = d.units.get(var, "") or "dimensionless"
    unit, conversion = si_unit(recorded_unit)
    meta = {"device": d.node_id, "label": d.label, "model": d.model, "variable": var,
            "recorded_unit": recorded_unit, "node_ids": ids.tolist(), "interval_ms": d.interval}
    timing: dict[str, Any]
    steps = np.diff(t)
    if d.interval is not None and np.allclose(steps, d.interval, rtol=0.0, atol=1e-9):
        timing = {"starting_time": t[0] / 1000.0, "rate": 1000.0 / d.interval}
    else:
        timing = {"timestamps": _gzip(_ms_to_s(t))}
    return pynwb.TimeSeries(
        name=f"{d.name}_{var}", data=_gzip(grid), unit=unit, conversion=conversion, **timing,
        description=(f"{var} ({recorded_unit}) of nodes {ids.tolist()} (columns, in this order) sampled by "
                     f"{d.model} {d.node_id} '{d.label}'"), comments=json.dumps(meta))


def _weight_table(d: DeviceRecord) -> Any:
    """A weight recorder's events as a DynamicTable (time in s)."""
    from hdmf.common import DynamicTable, VectorData
    n = np.asarray(d.events["times"]).size
    cols = [VectorData(name="time", description="time of the presynaptic spike, s",
                       data=_gzip(_ms_to_s(d.events["times"])))]
    for c, desc in _WEIGHT_COLUMNS.items():
        if c in d.events:
            unit = d.units.get(c, "")
            text = f"{desc} ({unit})" if unit and unit != "dimensionless" else desc
            cols.append(VectorData(name=c, description=text, data=_gzip(np.asarray(d.events[c]))))
    return DynamicTable(name=d.name, description=(f"weights recorded by weight_recorder {d.node_id} "
                                                  f"'{d.label}': one row per transmitted spike"),
                        id=np.arange(n), columns=cols)


def write_nwbfile(path: str | Path, nwbfile: NWBFile, *, overwrite: bool = False) -> Path:
    """Write an ``NWBFile`` atomically: to a temporary file beside ``path``, then renamed.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.
    FileNotFoundError
        If the directory of ``path`` does not exist.
    """
    pynwb = _pynwb()
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"'{path}' exists; pass overwrite=True (spikesim convert: --overwrite) "
                              "to replace it")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"directory '{path.parent}' does not exist")
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.nwb")
    try:
        with pynwb.NWBHDF5IO(str(tmp), "w") as io:
            io.write(nwbfile)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_nwb_events(path: str | Path, devices: Sequence[DeviceRecord], session: SessionInfo, *,
                     overwrite: bool = False, **kwargs: Any) -> Path:
    """Write devices' in-memory events (e.g. the memory backend's) to an NWB file.

    Parameters
    ----------
    path : str or Path
        The .nwb file to write.
    devices : sequence of DeviceRecord
        The recorders' events, times in ms.
    session : SessionInfo
        The simulation's resolution (ms), seed, version and start time.
    overwrite : bool
        Replace an existing file.
    **kwargs
        As :func:`build_nwbfile` (session_description, identifier,
        session_start_time, populations, nwbfile_kwargs).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ImportError
        If pynwb is not installed.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    return write_nwbfile(path, build_nwbfile(devices, session, **kwargs), overwrite=overwrite)


def write_nwb(path: str | Path, recording: Recording, *, session_description: str = _DEFAULT_DESCRIPTION,
              identifier: str | None = None, session_start_time: datetime | None = None,
              overwrite: bool = False, recorded_ids: Mapping[int, Sequence[int] | np.ndarray] | None = None,
              t_end: float | None = None, populations: Sequence[Population] = (),
              nwbfile_kwargs: Mapping[str, Any] | None = None) -> Path:
    """Write a recording (``spikesim.io.read`` of an hdf5 backend file) as an NWB file.

    Parameters
    ----------
    path : str or Path
        The .nwb file to write.
    recording : Recording
        The recording file's devices and attributes.
    session_description, identifier, session_start_time, populations, nwbfile_kwargs
        As :func:`build_nwbfile`; the start time defaults to the file's creation.
    overwrite : bool
        Replace an existing file.
    recorded_ids : Mapping[int, sequence of int], optional
        Per spike recorder node id, the neurons it observes (silent ones get a row).
    t_end : float, optional
        The end of the simulated time, ms (ends windows without ``stop``); by
        default the latest time in the recording.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ImportError
        If pynwb is not installed.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    devices, session = records_from_recording(recording, recording.attrs, recording.devices,
                                              recorded_ids=recorded_ids, t_end=t_end)
    nwb = build_nwbfile(devices, session, session_description=session_description, identifier=identifier,
                        session_start_time=session_start_time, populations=populations,
                        nwbfile_kwargs=nwbfile_kwargs)
    return write_nwbfile(path, nwb, overwrite=overwrite)


def convert(src: str | Path, dst: str | Path | None = None, *, overwrite: bool = False, **kwargs: Any) -> Path:
    """Convert a recording file of the hdf5 backend into an NWB file.

    Parameters
    ----------
    src : str or Path
        The recording file (``recording.h5``).
    dst : str or Path, optional
        The NWB file; by default ``src`` with the suffix ``.nwb``.
    overwrite : bool
        Replace an existing ``dst``.
    **kwargs
        As :func:`write_nwb`.

    Returns
    -------
    Path
        ``dst``.

    Raises
    ------
    FileNotFoundError
        If ``src`` does not exist.
    RecordingFileError
        If ``src`` is not a recording spikesim can read.
    FileExistsError
        If ``dst`` exists and ``overwrite`` is false.
    """
    from spikesim.io import read
    src = Path(src)
    dst = Path(dst) if dst is not None else src.with_suffix(".nwb")
    _pynwb()
    return write_nwb(dst, read(src), overwrite=overwrite, **kwargs)
