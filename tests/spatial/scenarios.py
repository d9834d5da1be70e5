"""Spatial scenarios run alike by NEST 3.10 (tools/make_reference_spatial.py writes their
results to tests/spatial/data/reference_spatial.json) and by spikesim.nest (the tests).

Every scenario is deterministic: connection probabilities are 1 (masks decide), so the
connections and their weights and delays are exactly NEST's.  Each takes the ``nest``
module it runs under.
"""

from __future__ import annotations

from typing import Any

#: free positions of the free-layer scenarios (fixed numbers, no random draws)
FREE_POS = [[-0.41, 0.37], [-0.12, -0.44], [0.05, 0.02], [0.33, 0.29], [0.47, -0.31], [-0.28, -0.05],
            [0.18, -0.12], [0.4, 0.45], [-0.47, -0.48], [0.0, 0.3]]


def param(nest: Any, key: Any) -> Any:
    """A weight, delay or probability by name (numbers as they are)."""
    if not isinstance(key, str):
        return key
    sp, sd = nest.spatial, nest.spatial_distributions
    return {
        "distance": sp.distance,
        "one_plus_dx": 1.0 + sp.distance.x,
        "one_plus_dy": 1.0 + 2.0 * sp.distance.y,
        "pos_sum": sp.source_pos.x + 2.0 * sp.target_pos.y,
        "exp": sd.exponential(sp.distance, beta=0.3),
        "gauss": sd.gaussian(sp.distance, mean=0.1, std=0.2),
        "gauss2d": sd.gaussian2D(sp.distance.x, sp.distance.y, mean_x=0.05, mean_y=-0.02, std_x=0.3, std_y=0.2,
                                 rho=0.3),
        "gamma": 1.0 + sd.gamma(sp.distance, kappa=2.0, theta=0.3),
        "cond": nest.logic.conditional(sp.distance < 0.2, 1.0, 2.0),
        "mathexp": 1.0 + nest.math.exp(-sp.distance * 2.0),
        "dz": 1.0 + sp.distance.z,
    }[key]


def _layer(nest: Any, spec: dict[str, Any]) -> Any:
    if spec["kind"] == "grid":
        pos = nest.spatial.grid(shape=spec["shape"], extent=spec.get("extent"), center=spec.get("center"),
                                edge_wrap=spec.get("edge_wrap", False))
    else:
        pos = nest.spatial.free(spec["pos"], extent=spec.get("extent"), edge_wrap=spec.get("edge_wrap", False))
    return nest.Create("iaf_psc_alpha", positions=pos)


G55 = {"kind": "grid", "shape": [5, 5], "extent": [1.0, 1.0]}
G55W = {**G55, "edge_wrap": True}
G333 = {"kind": "grid", "shape": [3, 3, 3], "extent": [1.0, 1.0, 1.0]}
CIRC = {"circular": {"radius": 0.25}}
RECT = {"rectangular": {"lower_left": [-0.2, -0.1], "upper_right": [0.3, 0.25]}}

#: name -> (source layer, target layer or None for the same, conn_spec, syn_spec)
SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any], dict[str, Any]]] = {
    "circular": (G55, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": CIRC},
                 {"weight": "distance", "delay": "one_plus_dx"}),
    "circular_wrap": (G55W, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": CIRC},
                      {"weight": "distance", "delay": "one_plus_dy"}),
    "rect_wrap": (G55W, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": RECT},
                  {"weight": "pos_sum", "delay": "one_plus_dx"}),
    "rect_wrap_on_source": (G55W, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": RECT,
                                         "use_on_source": True}, {"weight": "pos_sum", "delay": "one_plus_dy"}),
    "rect_rotated": (G55, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"rectangular": {
        "lower_left": [-0.3, -0.1], "upper_right": [0.3, 0.1], "azimuth_angle": 30.0}}}, {"weight": "exp"}),
    "elliptical": (G55, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"elliptical": {
        "major_axis": 0.6, "minor_axis": 0.3, "azimuth_angle": 45.0, "anchor": [0.1, 0.0]}}}, {"weight": "gauss"}),
    "doughnut": (G55W, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"doughnut": {
        "inner_radius": 0.1, "outer_radius": 0.3}}}, {"weight": "gauss2d"}),
    "grid_mask": (G55, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"grid": {"shape": [2, 3]}}},
                  {"weight": "gamma"}),
    "grid_mask_anchor": (G55W, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {
        "grid": {"shape": [3, 2]}, "anchor": [1, 1]}}, {"weight": "cond"}),
    "anchored_rect": (G55, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {**RECT, "anchor": [0.2, -0.1]}},
                      {"weight": "mathexp"}),
    "box_3d": (G333, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"box": {
        "lower_left": [-0.4, -0.4, -0.2], "upper_right": [0.4, 0.4, 0.2], "azimuth_angle": 20.0,
        "polar_angle": 30.0}}}, {"weight": "distance", "delay": "dz"}),
    "spherical_3d_wrap": ({**G333, "edge_wrap": True}, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {
        "spherical": {"radius": 0.4}}}, {"weight": "distance", "delay": "dz"}),
    "ellipsoidal_3d": (G333, None, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"ellipsoidal": {
        "major_axis": 0.8, "minor_axis": 0.4, "polar_axis": 0.3, "azimuth_angle": 30.0, "polar_angle": 45.0}}},
        {"weight": "distance"}),
    "free_no_autapses": ({"kind": "free", "pos": FREE_POS, "extent": [1.0, 1.0], "edge_wrap": True}, None,
                         {"rule": "pairwise_bernoulli", "p": 1.0, "allow_autapses": False,
                          "mask": {"circular": {"radius": 0.35}}}, {"weight": "distance", "delay": "one_plus_dx"}),
    "two_layers": ({"kind": "grid", "shape": [4, 4], "extent": [1.0, 1.0]},
                   {"kind": "grid", "shape": [3, 3], "extent": [1.5, 1.5], "center": [0.1, 0.0]},
                   {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"rectangular": {
                       "lower_left": [-0.3, -0.3], "upper_right": [0.3, 0.3]}}},
                   {"weight": "pos_sum", "delay": "one_plus_dx"}),
    # more than 100 nodes: NEST's position tree splits, and its box tests decide edge cases
    "rect_big": ({"kind": "grid", "shape": [30, 30], "extent": [3.0, 3.0]}, None,
                 {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"rectangular": {
                     "lower_left": [-0.2, -0.5], "upper_right": [0.2, 0.5]}}}, {"weight": "distance"}),
    "circ_big_wrap_source": ({"kind": "grid", "shape": [20, 20], "extent": [2.0, 2.0], "edge_wrap": True}, None,
                             {"rule": "pairwise_bernoulli", "p": 1.0, "use_on_source": True,
                              "mask": {"circular": {"radius": 0.3}}}, {"weight": "distance"}),
    "no_mask_spatial_weight": ({"kind": "grid", "shape": [3, 3], "extent": [1.0, 1.0], "edge_wrap": True}, None,
                               {"rule": "pairwise_bernoulli", "p": 1.0}, {"weight": "distance"}),
}


def summary(rows: list[list[float]]) -> dict[str, Any]:
    """A large scenario's connections in short: their number, an md5 of the sorted (source,
    target) pairs, and the sum of the weights."""
    import hashlib  # noqa: PLC0415

    pairs = str([[int(r[0]), int(r[1])] for r in rows]).encode()
    return {"n": len(rows), "md5": hashlib.md5(pairs).hexdigest(), "wsum": float(sum(r[2] for r in rows))}


def run(nest: Any, name: str) -> list[list[float]]:
    """Build scenario ``name`` in a fresh kernel; its connections as sorted rows of (source
    index, target index, weight, delay), indices within the source and target layer."""
    src_spec, tgt_spec, conn, syn = SCENARIOS[name]
    nest.ResetKernel()
    src = _layer(nest, src_spec)
    tgt = src if tgt_spec is None else _layer(nest, tgt_spec)
    syn = {k: param(nest, v) for k, v in syn.items()}
    nest.Connect(src, tgt, conn, syn)
    c = nest.GetConnections(src, tgt)
    s0, t0 = src[0].get("global_id"), tgt[0].get("global_id")
    rows = zip(c.get("source"), c.get("target"), c.get("weight"), c.get("delay"), strict=True)
    return sorted([int(s) - s0, int(t) - t0, float(w), float(d)] for s, t, w, d in rows)


#: layers whose positions and spatial dicts are compared
LAYERS: dict[str, dict[str, Any]] = {
    "grid_43": {"kind": "grid", "shape": [4, 3], "extent": [2.0, 1.5], "center": [0.5, -0.2]},
    "grid_234": {"kind": "grid", "shape": [2, 3, 4], "extent": [1.0, 2.0, 3.0], "center": [0.0, 1.0, -1.0],
                 "edge_wrap": True},
    "grid_default": {"kind": "grid", "shape": [3, 5]},
    "free_ceil": {"kind": "free", "pos": FREE_POS},
    "free_extent": {"kind": "free", "pos": [[0.1, 0.2, 0.3], [0.7, -0.35, 1.2], [1.2, 0.3, -0.4]],
                    "extent": [2.0, 1.0, 2.5]},
}


def layer_facts(nest: Any, name: str) -> dict[str, Any]:
    """Positions and the spatial dict of layer ``name`` (arrays as lists)."""
    nest.ResetKernel()
    nodes = _layer(nest, LAYERS[name])
    sp = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in nodes.spatial.items()}
    return {"positions": [list(p) for p in nest.GetPosition(nodes)], "spatial": sp}


def queries(nest: Any) -> dict[str, Any]:
    """Outputs of the spatial query functions on two small layers (ids relative to the first)."""
    nest.ResetKernel()
    a = _layer(nest, {"kind": "grid", "shape": [3, 2]})
    w = _layer(nest, {"kind": "grid", "shape": [4, 4], "edge_wrap": True})
    f = _layer(nest, {"kind": "free", "pos": FREE_POS, "extent": [1.0, 1.0], "edge_wrap": True})
    first = a[0].get("global_id")

    def ids(nc: Any) -> list[int]:
        return [int(i) - first for i in nc.tolist()]

    m = nest.CreateMask("circular", {"radius": 0.3})
    v = nest.Create("iaf_psc_alpha", params={"V_m": -70.0}, positions=nest.spatial.grid(shape=[2, 2]))
    v2 = nest.Create("iaf_psc_alpha", params={"V_m": -70.0 + 10.0 * nest.spatial.pos.x + nest.spatial.pos.y,
                                               "C_m": 250.0 + 100.0 * nest.spatial.pos.y},
                     positions=nest.spatial.free(FREE_POS[:4], extent=[1.0, 1.0]))
    return {
        "disp_1_many": nest.Displacement(a[0], a[1:4]), "disp_many_1": nest.Displacement(a[1:3], a[0]),
        "disp_pairs": nest.Displacement(a[0:2], a[2:4]), "disp_points": nest.Displacement([[0.1, 0.2]], a),
        "disp_wrap": nest.Displacement(w[0], w), "disp_mixed": nest.Displacement(w[15], a[0]),
        "disp_free_wrap": nest.Displacement(f[0], f),
        "dist_wrap": nest.Distance(w[3], w), "dist_points": nest.Distance([[0.3, -0.4]], f),
        "center": ids(nest.FindCenterElement(a)), "center_w": ids(nest.FindCenterElement(w)),
        "nearest": ids(nest.FindNearestElement(f, [0.1, 0.1])),
        "nearest_all": [ids(x) for x in nest.FindNearestElement(a, [0.0, 0.0], find_all=True)],
        "select": ids(nest.SelectNodesByMask(f, [0.45, 0.45], m)),
        "select_grid": ids(nest.SelectNodesByMask(w, [0.0, 0.0], m)),
        "vm": [float(x) for x in v.get("V_m")],
        "vm_pos": [float(x) for x in v2.get("V_m")], "cm_pos": [float(x) for x in v2.get("C_m")],
        "select_minus": ids(nest.SelectNodesByMask(f, [0.0, 0.0], nest.CreateMask("circular", {"radius": 0.45})
                                                   - nest.CreateMask("rectangular", {"lower_left": [-0.1, -0.5],
                                                                                     "upper_right": [0.1, 0.5]}))),
        "select_or": ids(nest.SelectNodesByMask(w, [0.3, 0.1], nest.CreateMask("circular", {"radius": 0.15})
                                                | nest.CreateMask("rectangular", {"lower_left": [0.0, -0.05],
                                                                                  "upper_right": [0.45, 0.05]}))),
        "select_and": ids(nest.SelectNodesByMask(f, [0.1, 0.0], nest.CreateMask("circular", {"radius": 0.35})
                                                 & nest.CreateMask("rectangular", {"lower_left": [-0.5, 0.0],
                                                                                   "upper_right": [0.5, 0.5]}))),
        "mask_inside": [nest.CreateMask("elliptical", {"major_axis": 0.6, "minor_axis": 0.2, "azimuth_angle": 30.0})
                        .Inside(p) for p in FREE_POS],
    }
