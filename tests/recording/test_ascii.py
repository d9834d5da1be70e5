"""The ascii backend's files, column for column as NEST 3.10 writes them."""

import numpy as np

import spikesim


def test_weight_recorder_file_has_nests_six_columns(tmp_path):
    """NEST's weight_recorder writes ``sender time_ms weights targets receptors ports``
    (floating-point values, then integer ones); the header named four columns for six."""
    sim = spikesim.Simulator(seed=3)
    sim.data_path = str(tmp_path)
    pre = sim.create("parrot_neuron", 2)
    post = sim.create("iaf_psc_delta", 2, {"I_e": 300.0})
    drive = sim.create("poisson_generator", params={"rate": 500.0})
    wr = sim.create("weight_recorder", params={"record_to": "ascii"})
    sim.copy_model("stdp_synapse", "stdp_rec", {"weight_recorder": wr})
    sim.connect(drive, pre)
    sim.connect(pre, post, syn_spec={"synapse_model": "stdp_rec", "weight": 5.0})
    sim.simulate(60.0)
    wr.set(record_to="memory")  # closes the file; what follows goes to memory
    lines = (tmp_path / f"weight_recorder-{wr.ids[0]}-0.dat").read_text().splitlines()
    assert lines[2].split("\t") == ["sender", "time_ms", "weights", "targets", "receptors", "ports"]
    table = np.loadtxt(lines[3:], ndmin=2)
    assert table.shape[1] == 6 and table.shape[0] > 10
    conns = sim.get_connections(pre, post)
    pairs = set(zip(conns.get("source").tolist(), conns.get("target").tolist(), strict=True))
    assert {(int(s), int(t)) for s, t in table[:, [0, 3]]} <= pairs
    assert set(table[:, 5].astype(int)) <= set(conns.get("port").tolist())
    assert np.all(table[:, 4] == 0)
    assert np.all(np.diff(table[:, 1]) >= 0)  # in time order
