"""The package's own surface: what ``import spikesim`` offers."""

import importlib

import spikesim


def test_models_is_the_package_and_lists_the_models():
    """``spikesim.models`` was a function hiding the package (issue 11, item 7)."""
    module = importlib.import_module("spikesim.models.iaf_psc_alpha")
    assert spikesim.models.iaf_psc_alpha is module
    assert module.IafPscAlpha.name == "iaf_psc_alpha"
    names = spikesim.models()
    assert "iaf_psc_alpha" in names and "stdp_synapse" in names
    assert names == spikesim.models.models()


def test_one_version_string():
    from importlib.metadata import version

    assert spikesim.__version__ == version("spikesim")


def test_get_returns_one_entry_per_node_and_never_an_object_array_of_dicts():
    """The object API's ``get("events")`` on one device gave an object ndarray holding a
    dict (issue 11, item 7); now one documented shape: a list with one dict per node."""
    import numpy as np

    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_delta", 2, {"I_e": 400.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(50.0)
    events = sr.get("events")
    assert isinstance(events, list) and len(events) == 1 and isinstance(events[0], dict)
    assert sorted(events[0]) == ["senders", "times"]
    both = sim.create("spike_recorder", 2).get("events")
    assert isinstance(both, list) and len(both) == 2
    assert isinstance(n.get("I_e"), np.ndarray) and n.get("I_e").dtype == np.float64
    assert isinstance(n.get("model"), np.ndarray) and n.get("model").tolist() == ["iaf_psc_delta"] * 2
    mm = sim.create("multimeter", params={"record_from": ["V_m"]})
    assert mm.get("record_from") == [("V_m",)]
