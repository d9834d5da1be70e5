"""Every settable parameter of every model takes valid values and refuses invalid ones cleanly.

For each neuron, generator and recording-device model in the registry (nodes) and each
synapse model (defaults), every settable parameter is given extreme values (NaN,
+-inf, negative, zero, huge, tiny, wrong types, lists of the wrong length) and, with
hypothesis, random ones.  The property: a value is either taken (``get`` returns it)
or refused with a :class:`~spikesim.errors.SpikesimError` whose message names the
parameter and the value, leaving every parameter as it was; afterwards a short
simulation still runs.  Which values are valid is the model's business (NEST's
``set_status`` checks); this test only asks that the answer is one of the two.

Bounded for ``make test``: the extreme values only, each on a quarter of the
parameters in turn.  ``SPIKESIM_PARAM_EXAMPLES=200`` (say) runs every extreme value on
every parameter plus that many random values (hypothesis) per model.
"""

from __future__ import annotations

import contextlib
import math
import os
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spikesim
from spikesim.errors import NumericalInstability, SpikesimError

N_EXAMPLES = int(os.environ.get("SPIKESIM_PARAM_EXAMPLES", "0"))
SETTINGS = settings(max_examples=max(N_EXAMPLES, 1), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

EXTREMES: list[Any] = [math.nan, math.inf, -math.inf, -1.0, 0.0, -0.0, 1e300, -1e300, 5e-324, 3, True,
                       "abc", None, {"a": 1}, [1.0, 2.0, 3.0], [], [[1.0]]]
#: entries every node reports that are not parameters (NEST's read-only status entries)
READ_ONLY = {"model", "global_id", "element_type", "local", "thread", "vp", "recordables", "receptor_types",
             "events", "n_events", "histogram", "histogram_correction", "count_histogram", "covariance",
             "count_covariance", "filenames"}

_SIM = spikesim.Simulator()
NODE_MODELS = _SIM.models("nodes")
SYNAPSE_MODELS = _SIM.models("synapses")
# extreme values that are valid overflow in derived constants (propagators): numpy warns.
# A taken extreme value must not make a run hang: two did (AdEx with a = -1e300, and
# iaf_cond_exp with g_in = -1e300, whose integrator steps shrank without end); both now end
# with NumericalInstability (tests/models/test_numerical_instability.py, test_parameter_checks_cond.py).
pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning")]
N = 2  # nodes per population, so per-node lists of the wrong length can be tried

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**30, max_value=10**30),
    st.sampled_from(EXTREMES),
    st.text(max_size=3),
    st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6), max_size=4),
)


def _extremes(i: int) -> list[Any]:
    """The extreme values tried on the ``i``-th parameter of a model: all of them in a long
    run; in ``make test`` every fourth, in turn, so each value is tried on a quarter of
    the parameters of every model (a whole pass takes four times as long)."""
    return EXTREMES if N_EXAMPLES else EXTREMES[i % 4::4]


def _same(a: Any, b: Any) -> bool:
    """Equal values: NaN equal to NaN, numbers within rounding (state kept relative to a
    parameter, V_m - E_L, reads back within a few ulps of E_L: NEST keeps it so too);
    dicts and lists compared deeply."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() \
            and all(_same(a[k], b[k]) for k in a)
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        if isinstance(a, (list, tuple, np.ndarray)) and isinstance(b, (list, tuple, np.ndarray)):
            return len(a) == len(b) and all(_same(p, q) for p, q in zip(a, b, strict=True))
        return bool(a == b)
    return x.shape == y.shape and bool(np.all((x == y) | (np.isnan(x) & np.isnan(y))
                                              | (np.abs(x - y) <= 1e-12 * np.maximum(1e3, np.abs(y)))))


def _names_value(msg: str, v: Any) -> bool:
    """Whether an error message shows the value ``v`` in some recognisable form."""
    forms = {repr(v), str(v), f"shape {np.shape(v)}" if not isinstance(v, (str, dict)) else repr(v)}
    if isinstance(v, (list, tuple)):
        forms |= {repr(tuple(v)), repr(list(v)), f"{len(v)} values", f"shape {np.shape(v)}", f"{len(v)} value"}
        for x in v[:8]:  # the element refused (a message names the first bad one)
            forms |= {repr(x), repr(float(x)) if isinstance(x, float) else repr(x)}
    if isinstance(v, (int, float)):  # a bool given for a number is shown as the number
        forms |= {repr(float(v))}
    return any(f in msg for f in forms)


def _settable(obj: Any, keys: list[str], setter: Any) -> list[str]:
    """The keys that accept their own present value (read-only entries refuse it)."""
    out = []
    for k in keys:
        if k in READ_ONLY:
            continue
        try:
            setter(k, obj(k))
        except SpikesimError:
            continue
        out.append(k)
    return out


class NodeProbe:
    """One population of ``N`` nodes of a model in its own simulator."""

    def __init__(self, model: str) -> None:
        self.sim = spikesim.Simulator()
        self.nodes = self.sim.create(model, N)
        status = self.nodes.get()
        self.keys = _settable(self._get, sorted(status), self._set_same)

    def _get(self, k: str) -> Any:
        return self.nodes.get(k)

    def _set_same(self, k: str, v: Any) -> None:
        self.nodes.set([{k: x} for x in v])

    def status(self) -> dict[str, Any]:
        st: dict[str, Any] = self.nodes.get()
        return st

    def attempt(self, k: str, v: Any, run: bool = False) -> bool:
        """Set ``k`` = ``v``: taken (get returns it) or refused cleanly; then restored.
        With ``run``, a taken value is simulated for one step before it is restored.
        Returns whether the value was taken."""
        before = self.status()
        try:
            self.nodes.set({k: v})
        except SpikesimError as e:
            assert k in str(e), f"{k}={v!r}: the message does not name the parameter: {e}"
            assert _names_value(str(e), v), f"{k}={v!r}: the message does not show the value: {e}"
            assert _same(self.status(), before), f"{k}={v!r} was refused but changed the node"
            return False
        got = self.nodes.get(k)
        per_node = isinstance(v, list) and len(v) == N and not isinstance(before[k], list)
        if isinstance(v, str) and isinstance(before[k], list):
            v = [v]  # a single name where a list of names is expected (record_from)
        want = v if per_node else [v] * N
        assert all(_same(_plain(g), _plain(w)) for g, w in zip(got, want, strict=True)), \
            f"{k}={v!r} was taken but get returns {got!r}"
        if run:  # a taken value must not break the next step; the caller starts afresh after it
            with contextlib.suppress(NumericalInstability):  # NEST's answer to an unstable model too
                self.sim.simulate(0.1)
            return True
        old = before[k]
        same = all(_same(_plain(x), _plain(old[0])) for x in old)
        self.nodes.set({k: old[0]} if same else [{k: x} for x in old])  # lists change length on all nodes at once
        return True


def _plain(v: Any) -> Any:
    """Values as ``get`` reports them: numbers as floats (an int given for a float reads back equal)."""
    if isinstance(v, (tuple, list, np.ndarray)):
        return [_plain(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


# compiled code ignores signals: should a run hang again, the thread method ends the
# whole pytest process with a stack dump rather than leave make test waiting
@pytest.mark.timeout(600, method="thread")
@pytest.mark.parametrize("model", NODE_MODELS)
def test_node_parameters_extremes(model: str) -> None:
    probe = NodeProbe(model)
    assert probe.keys, f"{model} has no settable parameter"
    for i, k in enumerate(probe.keys):
        taken = [v for v in _extremes(i) if probe.attempt(k, v)]
        probe.attempt(k, [1.0] * (N + 1))  # one value too many for the nodes
        if taken:  # the most extreme value taken must simulate (one step: a simulate per value is slow)
            probe.attempt(k, taken[-1], run=True)
            with contextlib.suppress(NumericalInstability):
                probe.sim.simulate(1.0)
            probe = NodeProbe(model)  # the run froze some keys and may leave NaN states (as NEST would)


LONG = pytest.mark.skipif(not N_EXAMPLES, reason="random values only in the long run: set SPIKESIM_PARAM_EXAMPLES")


@LONG
@pytest.mark.parametrize("model", NODE_MODELS)
def test_node_parameters_random(model: str) -> None:
    probe = NodeProbe(model)

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        k = data.draw(st.sampled_from(probe.keys), label="parameter")
        probe.attempt(k, data.draw(values, label="value"))

    run()
    probe.sim.simulate(1.0)


class SynapseProbe:
    """A copy of a synapse model whose defaults are set."""

    def __init__(self, model: str) -> None:
        self.sim = spikesim.Simulator()
        self.name = f"{model}_probe"
        self.sim.copy_model(model, self.name)
        self.keys = _settable(self._get, sorted(self.sim.get_defaults(self.name)), self._set)

    def _get(self, k: str) -> Any:
        return self.sim.get_defaults(self.name, k)

    def _set(self, k: str, v: Any) -> None:
        self.sim.set_defaults(self.name, {k: v})

    def attempt(self, k: str, v: Any) -> None:
        """Set the default ``k`` = ``v``: taken or refused cleanly; then restored."""
        before = self.sim.get_defaults(self.name)
        try:
            self._set(k, v)
        except SpikesimError as e:
            assert k in str(e), f"{k}={v!r}: the message does not name the parameter: {e}"
            assert _names_value(str(e), v), f"{k}={v!r}: the message does not show the value: {e}"
            assert _same(self.sim.get_defaults(self.name), before), f"{k}={v!r} was refused but changed the model"
            return
        assert _same(_plain(self._get(k)), _plain(v)), f"{k}={v!r} was taken but get returns {self._get(k)!r}"
        self._set(k, before[k])

    def connect_and_run(self) -> None:
        """Two spiking neurons joined by the model: the defaults left must simulate."""
        n = self.sim.create("iaf_psc_alpha", 2, {"I_e": 500.0})
        if "volume_transmitter" in self.sim.get_defaults(self.name):  # stdp_dopamine_synapse needs one to connect
            self.sim.set_defaults(self.name, {"volume_transmitter": self.sim.create("volume_transmitter")})
        self.sim.connect(n[0], n[1], syn_spec={"synapse_model": self.name})
        self.sim.simulate(5.0)


@pytest.mark.parametrize("model", SYNAPSE_MODELS)
def test_synapse_defaults_extremes(model: str) -> None:
    probe = SynapseProbe(model)
    assert probe.keys, f"{model} has no settable default"
    for i, k in enumerate(probe.keys):
        for v in _extremes(i):
            probe.attempt(k, v)
    probe.connect_and_run()


@LONG
@pytest.mark.parametrize("model", SYNAPSE_MODELS)
def test_synapse_defaults_random(model: str) -> None:
    probe = SynapseProbe(model)

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        k = data.draw(st.sampled_from(probe.keys), label="parameter")
        probe.attempt(k, data.draw(values, label="value"))

    run()
    probe.connect_and_run()
