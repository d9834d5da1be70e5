"""The Observer: rectipy's per-step recordings of a step loop.

:class:`Observer` collects, per recorded step, the network output, a loss and state
variables (per neuron or averaged over the population).  Custom loops call
:meth:`Observer.record` themselves; :func:`spikesim.observer.runner.run` fills one from
spikesim's multimeters (see there for the time semantics).  Sample ``n`` lies at
``n * dt`` ms from the start of the run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.errors import bad_property

__all__ = ["Key", "Observer", "as_array"]

Key = str | tuple[str, str]


def as_array(value: Any) -> np.ndarray:
    """A float64 array from numpy data, numbers or tensors (``detach().cpu().numpy()``).

    Parameters
    ----------
    value : array_like or tensor
        Data in any unit; the values are kept as they are.

    Returns
    -------
    numpy.ndarray
        The values as float64.
    """
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def _name(key: Key) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


class Observer:
    """Recordings of a step loop: output, loss and state variables per recorded step.

    Parameters
    ----------
    dt : float
        Step size (ms); sample ``n`` is at ``n * dt``.
    record_output : bool, default True
        Record the network output under the key ``"out"``.
    record_loss : bool, default True
        Record the loss under the key ``"loss"``.
    record_vars : list of tuples, optional
        ``(population, variable, mean)``: ``mean=True`` records the population average,
        ``False`` every neuron.  Recordings are keyed ``(population, variable)``.

    Raises
    ------
    BadProperty
        If ``dt`` is not a positive finite number, or ``record_vars`` holds a malformed
        or repeated entry.

    Examples
    --------
    >>> obs = Observer(0.1, record_output=False, record_loss=False, record_vars=[("pop", "v", True)])
    >>> for step in range(3):
    ...     obs.record(step, output=None, loss=0.0, record_vars=[np.array([1.0, 2.0 + step])])
    >>> obs.to_numpy(("pop", "v"))
    array([1.5, 2. , 2.5])
    >>> obs.to_dataframe(("pop", "v")).index.tolist()
    [0.0, 0.1, 0.2]
    """

    def __init__(self, dt: float, record_output: bool = True, record_loss: bool = True,
                 record_vars: Sequence[tuple[Any, ...]] | None = None) -> None:
        if isinstance(dt, bool) or not isinstance(dt, (int, float, np.number)) or not dt > 0 or math.isinf(dt):
            raise bad_property("Observer", "dt", dt, "it must be a positive step size in ms")
        self._dt = float(dt)
        vars_, reduce = [], []
        for v in record_vars or []:
            if not isinstance(v, (tuple, list)) or len(v) not in (2, 3) or not all(isinstance(x, str) for x in v[:2]):
                raise bad_property("Observer", "record_vars", v, "give tuples (population, variable, mean)")
            vars_.append((v[0], v[1]))
            reduce.append(bool(v[2]) if len(v) == 3 else False)
        if len(set(vars_)) != len(vars_):
            raise bad_property("Observer", "record_vars", list(record_vars or []), "each variable may appear once")
        self._state_vars: list[tuple[str, str]] = vars_
        self._reduce: list[bool] = reduce
        self._record_out = bool(record_output)
        self._record_loss = bool(record_loss)
        self._data: dict[Key, list[np.ndarray]] = {v: [] for v in vars_}
        if self._record_loss:
            self._data["loss"] = []
        if self._record_out:
            self._data["out"] = []
        self._steps: list[np.ndarray] = []
        #: the simulator's step at the start of the first run recorded (step loops)
        self._origin: int | None = None
        self._extra: dict[Any, Any] = {}

    # -- what is recorded -------------------------------------------------------------
    @property
    def dt(self) -> float:
        """Step size (ms) between consecutive step indices."""
        return self._dt

    @property
    def records_output(self) -> bool:
        """Whether the output is recorded (under ``"out"``)."""
        return self._record_out

    @property
    def records_loss(self) -> bool:
        """Whether the loss is recorded (under ``"loss"``)."""
        return self._record_loss

    @property
    def recorded_state_variables(self) -> list[tuple[str, str]]:
        """The state variables recorded, as ``(population, variable)``."""
        return list(self._state_vars)

    recorded_rnn_variables = recorded_state_variables

    @property
    def recorded_variables(self) -> list[Key]:
        """Every key with recordings: the state variables, ``"loss"``, ``"out"``."""
        return list(self._data)

    def reduced(self, key: tuple[str, str]) -> bool:
        """Whether ``key`` is recorded as the population mean.

        Raises
        ------
        ValueError
            If ``key`` is not a recorded state variable.
        """
        return self._reduce[self._state_vars.index(key)]

    @property
    def steps(self) -> np.ndarray:
        """Step index of every sample."""
        return np.concatenate(self._steps) if self._steps else np.zeros(0, dtype=np.int64)

    @property
    def times(self) -> np.ndarray:
        """Time of every sample (ms): ``steps * dt``."""
        return self.steps * self._dt

    # -- recording ---------------------------------------------------------------------
    def record(self, step: int, output: Any, loss: Any, record_vars: Iterable[Any]) -> None:
        """Record one step: the output, the loss and the values of the state variables.

        Parameters
        ----------
        step : int
            Step index of the sample; its time is ``step * dt`` ms.
        output : array_like or tensor
            The network output (ignored unless the output is recorded).
        loss : float or tensor
            The loss (ignored unless the loss is recorded).
        record_vars : iterable of array_like
            One array (one value per neuron, in the model's unit) per declared state
            variable, in the order given at construction.

        Raises
        ------
        BadProperty
            If ``record_vars`` does not hold one array per declared variable.
        """
        values = list(record_vars)
        if len(values) != len(self._state_vars):
            raise bad_property("Observer.record", "record_vars", f"{len(values)} values",
                               f"give one array per declared variable {self._state_vars}")
        self._steps.append(np.array([int(step)], dtype=np.int64))
        for key, val, red in zip(self._state_vars, values, self._reduce, strict=True):
            arr = as_array(val)
            self._data[key].append((arr.mean() if red else arr)[None])
        if self._record_out:
            self._data["out"].append(as_array(output)[None])
        if self._record_loss:
            self._data["loss"].append(as_array(loss)[None])

    def extend(self, steps: np.ndarray, blocks: dict[Key, np.ndarray], first_step: int | None = None) -> None:
        """Append many samples at once, as a step-loop runner gathers them.

        Parameters
        ----------
        steps : numpy.ndarray of int
            Step index of every sample within its run (time ``steps * dt`` ms).
        blocks : dict
            For every recorded key, an array with one row per entry of ``steps``.
        first_step : int, optional
            The simulator's step at which the run started.  An observer that records
            several runs keeps one time axis: the samples of a later run lie at their
            distance from the start of the observer's first run, as simulation time
            went on (not at 0 again).
        """
        steps = np.asarray(steps, dtype=np.int64)
        if first_step is not None:
            if self._origin is None:
                self._origin = int(first_step)
            steps = steps + (int(first_step) - self._origin)
        self._steps.append(steps)
        for key in self._data:
            self._data[key].append(blocks[key])

    def save(self, key: Any, val: Any) -> None:
        """Keep any object on the observer, retrievable as ``obs[key]``."""
        self._extra[key] = val

    # -- reading -----------------------------------------------------------------------------
    def _missing(self, item: Any) -> KeyError:
        return KeyError(f"Observer: nothing recorded under {item!r}; the keys are "
                        f"{self.recorded_variables + list(self._extra)}")

    def __getitem__(self, item: Any) -> Any:
        """The samples of ``item`` as a list (one array or number per sample), or a saved object."""
        if item in self._data:
            return list(self.to_numpy(item))
        if item in self._extra:
            return self._extra[item]
        raise self._missing(item)

    def to_numpy(self, item: Key) -> np.ndarray:
        """The samples of ``item`` stacked: shape (samples,) or (samples, neurons).

        Raises
        ------
        KeyError
            If nothing is recorded or saved under ``item``.
        """
        if item not in self._data:
            if item in self._extra:
                return np.asarray(self._extra[item])
            raise self._missing(item)
        parts = self._data[item]
        return np.concatenate(parts) if parts else np.zeros(0)

    def to_dataframe(self, item: Key) -> Any:
        """A ``pandas.DataFrame`` of ``item`` indexed by time (ms), a column per neuron.

        Raises
        ------
        KeyError
            If nothing is recorded under ``item``.
        """
        require("pandas", feature="a pandas DataFrame")
        import pandas as pd
        data = self.to_numpy(item)
        df = pd.DataFrame(index=pd.Index(self.times, name="time"), data=data)
        df.attrs["key"] = item
        return df

    @property
    def recordings(self) -> Any:
        """Every recorded key in one ``DataFrame``; columns ``(key, neuron)``."""
        require("pandas", feature="a pandas DataFrame")
        import pandas as pd
        return pd.concat({_name(k): self.to_dataframe(k) for k in self._data}, axis=1)

    # -- plots ---------------------------------------------------------------------------------
    def plot(self, y: Key, x: Key | None = None, ax: Any = None, **kwargs: Any) -> Any:
        """Line plot of ``y`` against time, or against the recorded ``x``; returns the axes."""
        require("matplotlib", feature="plotting")
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots(figsize=kwargs.pop("figsize", None))
        yv = self.to_numpy(y)
        if x is None:
            ax.plot(self.times, yv, **kwargs)
        else:
            ax.plot(self.to_numpy(x), yv, **kwargs)
        ax.set_xlabel("time (ms)" if x is None else _label(x))
        ax.set_ylabel(_label(y))
        return ax

    def matshow(self, v: Key, ax: Any = None, **kwargs: Any) -> Any:
        """Colour plot of ``v`` (neurons x samples); returns the axes."""
        require("matplotlib", feature="plotting")
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots(figsize=kwargs.pop("figsize", None))
        shrink = kwargs.pop("shrink", 0.6)
        im = ax.imshow(np.atleast_2d(self.to_numpy(v).T), aspect="auto", **kwargs)
        plt.colorbar(im, ax=ax, shrink=shrink)
        ax.set_xlabel("sample")
        ax.set_ylabel(_label(v))
        return ax

    def __repr__(self) -> str:
        return f"Observer(dt={self._dt}, {self.steps.size} samples of {self.recorded_variables})"


def _label(key: Key) -> str:
    return f"Node: {key[0]}, variable: {key[1]}" if isinstance(key, tuple) else str(key)
