"""Run NEST 3.10's own pytests against spikesim.nest (aliased as ``nest``) and against NEST.

Usage::

    python tools/nest_testsuite.py PATH_TO_NEST [--nest-python PY] [--timeout S]
                                   [--nest-results FILE] [--files PATTERN ...] [--json OUT]

``PATH_TO_NEST`` is a NEST 3.10 checkout (its ``testsuite/pytests`` is used; nothing is
fetched).  Each selected file runs in its own pytest subprocess with a timeout: once with
this Python and the plugin ``spikesim.nest.pytest_plugin`` (``import nest`` gives
spikesim's face), once with NEST's Python (``--nest-python``, default
``~/.venvs/nest/bin/python``; it needs pytest and pandas).  A file that fails to import or
times out under spikesim counts as all of NEST's tests of that file failed.  The script
prints, per file and per group, the tests passed with spikesim / passed with NEST.

``--nest-results FILE`` caches NEST's own counts (NEST's run is the same every time).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the files run, by group: they use only models and features spikesim has
SELECTION: dict[str, list[str]] = {
    "connect": [
        "connect/test_connect_all_to_all.py", "connect/test_connect_one_to_one.py",
        "connect/test_connect_fixed_indegree.py", "connect/test_connect_array_fixed_indegree.py",
        "connect/test_connect_array_fixed_outdegree.py",
        "connect/test_connect_node_collection.py", "connect/test_connect_after_simulate.py",
        "connect/test_count_connections.py", "connect/test_default_delays_weights.py",
        "connect/test_delay_after_res_change.py", "connect/test_delay_check.py",
        "connect/test_get_connections.py", "connect/test_getconnections.py",
        "connect/test_getconnections_multiple_syn_models.py", "connect/test_onetooneconnect.py",
    ],
    "nodes_status": [
        "other/test_copy_model.py", "other/test_create.py", "other/test_errors.py", "other/test_events.py",
        "other/test_getnodes.py", "other/test_getstatus_39_compatibility.py", "other/test_helper_functions.py",
        "other/test_json.py", "other/test_min_max_delay.py", "other/test_multiplicity.py",
        "other/test_nest_set_get.py", "other/test_node_collection_get.py",
        "other/test_node_collection_indexing_slicing.py", "other/test_node_collection_operations.py",
        "other/test_node_collection_set.py", "other/test_node_collection_to_from_object.py",
        "other/test_node_parametrization.py", "other/test_parameter_operators.py",
        "other/test_random_parameter.py", "other/test_set_defaults.py", "other/test_status.py",
        "other/test_spike_transmission.py", "other/test_voltmeter_reset.py", "other/test_weights_as_lists.py",
        "other/test_visualization.py", "other/test_flush_event_filtering.py", "other/test_long_overflow.py",
    ],
    "recording": [
        "recording/test_multimeter.py", "recording/test_multimeter_offset.py",
        "recording/test_recording_backend_ascii.py", "recording/test_recording_backend_memory.py",
        "recording/test_recording_backends.py", "recording/test_set_start_stop_origin.py",
        "recording/test_spike_recorder.py", "recording/test_spike_recorder_reset.py",
        "recording/test_threaded_multimeter.py", "recording/test_threaded_spike_recorder.py",
    ],
    "stimulating": [
        "stimulating/test_spike_generator.py", "stimulating/test_split_simulation.py",
        "stimulating/test_step_current_generator.py", "stimulating/test_poisson_generator_campbell_alpha.py",
    ],
    "neurons": [
        "neurons/test_iaf_psc_alpha.py", "neurons/test_iaf_psc_alpha_1to2.py", "neurons/test_iaf_psc_alpha_fudge.py",
        "neurons/test_iaf_psc_alpha_mindelay.py", "neurons/test_iaf_psc_exp.py", "neurons/test_iaf_psp.py",
        "neurons/test_iaf_psp_normalized.py", "neurons/test_iaf_psp_peak.py", "neurons/test_iaf_singularity.py",
        "neurons/test_parrot_neuron.py",
    ],
    "synapses": [
        "synapses/test_stdp_synapse.py", "synapses/test_stdp_synapse_basic.py", "synapses/test_set_delay_extrema.py",
    ],
    "regressions": [
        "regressions/test_issue_105.py", "regressions/test_issue_1100.py", "regressions/test_issue_1305.py",
        "regressions/test_issue_1366.py", "regressions/test_issue_1610.py", "regressions/test_issue_1974.py",
        "regressions/test_issue_2636_2795.py", "regressions/test_issue_2637.py", "regressions/test_issue_3442.py",
        "regressions/test_issue_659.py", "regressions/test_issue_740.py", "regressions/test_issue_888.py",
        "regressions/test_regression_issue-2069.py", "regressions/test_regression_issue-2480.py",
        "regressions/test_regression_issue-3156.py", "regressions/test_ticket_349.py",
        "regressions/test_ticket_382.py", "regressions/test_ticket_386.py", "regressions/test_ticket_414.py",
        "regressions/test_ticket_451.py", "regressions/test_ticket_507.py", "regressions/test_ticket_573.py",
        "regressions/test_ticket_619.py", "regressions/test_ticket_692_getconnections_args.py",
        "regressions/test_ticket_772.py", "regressions/test_ticket_80_175_179.py", "regressions/test_ticket_903.py",
        "regressions/test_ticket_949.py",
    ],
}

#: statistical connection-rule tests: several minutes each, in NEST too; run with ``--slow``
SLOW: dict[str, list[str]] = {
    "connect_statistics": [
        "connect/test_connect_fixed_outdegree.py", "connect/test_connect_fixed_total_number.py",
        "connect/test_connect_pairwise_bernoulli.py",
    ],
}

#: groups and files left out, and why
EXCLUDED: dict[str, str] = {
    "spatial/*, other/test_*spatial*, regressions using positions (2629, 3106, 3108, 665, ticket 800, 881)":
        "spatial networks (positions, masks, layers) are not supported",
    "mpi_direct/*, mpi_indirect/*": "spikesim runs in one process (no MPI)",
    "structural_plasticity/*, Disconnect tests (other/test_spike_transmission_after_disconnect, "
    "regressions 3532, 2125)": "no structural plasticity and no Disconnect",
    "connect/test_connect_pairwise_poisson, test_connect_symmetric_pairwise_bernoulli, test_connect_conngen, "
    "test_sonata, test_tripartite_connect, test_gap_junction, test_rate_connections":
        "connection rules, formats and gap/rate connections spikesim lacks",
    "neurons/* other than iaf_psc_* and parrot_neuron; test_multisynapse_models, test_set_vm, "
    "test_model_node_init": "models spikesim lacks, or loops over every NEST model",
    "synapses/* other than stdp_synapse": "synapse models spikesim lacks (tsodyks, quantal_stp, clopath ...)",
    "stimulating/* generators spikesim lacks (ac, noise, gamma_sup, ppd_sup, sinusoidal, pulsepacket, "
    "inhomogeneous_poisson, poisson_generator_ps, step_rate, spike_train_injector)": "generator models missing",
    "recording/ correlation, spin and weight-recorder-dropped-spikes detectors, multimeter freeze/thaw and "
    "stepping, test_compare_delta": "devices or model features missing",
    "other/test_multithreading, test_threads, test_neuron_vp, test_thread_local_ids, test_set_tics, "
    "test_changing_tic_base, test_random123, test_memsize, test_wfr_settings, test_rate_*, test_refractory, "
    "test_ongrid_offgrid, test_stepped_simulation, test_multiple_random_source_stepping, other/test_ticket_*":
        "NEST kernel internals (vps, tics, rng types, waveform relaxation) or missing models",
}


def selected(patterns: list[str] | None, slow: bool = False) -> list[tuple[str, str]]:
    """``(group, file)`` pairs of the selection, narrowed by fnmatch patterns on the file name."""
    groups = {**SELECTION, **SLOW} if slow else SELECTION
    out = [(g, f) for g, files in groups.items() for f in files]
    if patterns:
        out = [(g, f) for g, f in out if any(fnmatch.fnmatch(f, p) or p in f for p in patterns)]
    return out


def count_junit(path: Path) -> dict[str, int]:
    """Passed, failed (failures and errors) and skipped test cases in a JUnit XML report."""
    res = {"passed": 0, "failed": 0, "skipped": 0}
    if not path.exists() or path.stat().st_size == 0:
        return res
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            res["failed"] += 1
        elif "skipped" in tags:
            res["skipped"] += 1
        else:
            res["passed"] += 1
    return res


def run_file(python: str, tests: Path, rel: str, timeout: float, spikesim: bool) -> dict[str, int]:
    """Counts of one test file run in a pytest subprocess (``timeout`` -> ``timed_out`` = 1)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "report.xml"
        cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={tests}",
               f"--junitxml={xml}", "-o", "junit_family=xunit2", rel]
        env = dict(os.environ, MPLBACKEND="Agg")
        if spikesim:
            cmd[3:3] = ["-p", "spikesim.nest.pytest_plugin"]
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        try:
            subprocess.run(cmd, cwd=tests, env=env, timeout=timeout, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            return {"passed": 0, "failed": 0, "skipped": 0, "timed_out": 1}
        return {**count_junit(xml), "timed_out": 0}


def run_batch(python: str, tests: Path, files: list[str], spikesim: bool = False) -> dict[str, dict[str, int]]:
    """Counts per file of ``files`` run in one pytest process (NEST's, or spikesim's with the plugin)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "report.xml"
        cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={tests}",
               f"--junitxml={xml}", "-o", "junit_family=xunit2", "--continue-on-collection-errors", *files]
        env = dict(os.environ, MPLBACKEND="Agg")
        if spikesim:
            cmd[3:3] = ["-p", "spikesim.nest.pytest_plugin"]
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        subprocess.run(cmd, cwd=tests, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out = {f: {"passed": 0, "failed": 0, "skipped": 0, "timed_out": 0} for f in files}
        by_module = {f.removesuffix(".py").replace("/", "."): f for f in files}
        if not xml.exists():
            return out
        for case in ET.parse(xml).getroot().iter("testcase"):
            name = case.get("classname", "")
            rel = next((f for mod, f in by_module.items() if name == mod or name.startswith(mod + ".")), None)
            if rel is None:
                continue
            tags = {child.tag for child in case}
            kind = "failed" if tags & {"failure", "error"} else "skipped" if "skipped" in tags else "passed"
            out[rel][kind] += 1
        return out


def main(argv: list[str] | None = None) -> int:
    """Run the selection, print per-file, per-group and total counts; return 0."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("nest_path", help="a NEST 3.10 checkout (contains testsuite/pytests)")
    ap.add_argument("--nest-python", default=str(Path.home() / ".venvs/nest/bin/python"),
                    help="NEST's Python (with pytest and pandas); 'none' skips NEST's own run")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per file and run")
    ap.add_argument("--nest-results", help="JSON cache of NEST's own counts (read, completed, written)")
    ap.add_argument("--files", nargs="*", help="only files matching these patterns")
    ap.add_argument("--json", help="write all counts to this JSON file")
    ap.add_argument("--nest-only", action="store_true", help="only fill the cache of NEST's own counts")
    ap.add_argument("--slow", action="store_true", help="add the slow statistical connection-rule files")
    ap.add_argument("--batch", action="store_true",
                    help="run all files in one pytest process per simulator (faster; no per-file timeout)")
    ns = ap.parse_args(argv)
    tests = Path(ns.nest_path) / "testsuite" / "pytests"
    if not tests.is_dir():
        ap.error(f"{tests} does not exist: give the root of a NEST checkout")
    cache: dict[str, dict[str, int]] = {}
    if ns.nest_results and Path(ns.nest_results).exists():
        cache = json.loads(Path(ns.nest_results).read_text())
    rows = []
    todo = [rel for _, rel in selected(ns.files, ns.slow) if rel not in cache or cache[rel].get("timed_out")]
    if ns.batch and todo and ns.nest_python != "none":
        cache.update(run_batch(ns.nest_python, tests, todo))
    batch_ours = run_batch(sys.executable, tests, [f for _, f in selected(ns.files, ns.slow)], spikesim=True) \
        if ns.batch and not ns.nest_only else {}
    for group, rel in selected(ns.files, ns.slow):
        if (rel not in cache or cache[rel].get("timed_out")) and ns.nest_python != "none":
            cache[rel] = run_file(ns.nest_python, tests, rel, ns.timeout, spikesim=False)
            if ns.nest_results:
                Path(ns.nest_results).write_text(json.dumps(cache, indent=1, sort_keys=True))
        ref = cache.get(rel, {"passed": 0, "failed": 0, "skipped": 0})
        if ns.nest_only:
            print(f"{rel:60s} NEST {ref['passed']:4d}", flush=True)
            continue
        ours = batch_ours[rel] if ns.batch else run_file(sys.executable, tests, rel, ns.timeout, spikesim=True)
        n_ref = ref["passed"] + ref["failed"] + ref["skipped"]
        rows.append({"group": group, "file": rel, "spikesim": ours, "nest": ref, "nest_total": n_ref})
        flag = " (timed out)" if ours.get("timed_out") else ""
        print(f"{rel:60s} spikesim {ours['passed']:4d} / NEST {ref['passed']:4d}  (of {n_ref}){flag}", flush=True)
    if ns.nest_results:
        Path(ns.nest_results).write_text(json.dumps(cache, indent=1, sort_keys=True))
    print()
    for group in {**SELECTION, **SLOW}:
        gr = [r for r in rows if r["group"] == group]
        if gr:
            print(f"{group:14s} spikesim {sum(r['spikesim']['passed'] for r in gr):5d} / "
                  f"NEST {sum(r['nest']['passed'] for r in gr):5d}  ({len(gr)} files)")
    ours_t = sum(r["spikesim"]["passed"] for r in rows)
    ref_t = sum(r["nest"]["passed"] for r in rows)
    pct = 100.0 * ours_t / ref_t if ref_t else 0.0
    print(f"{'TOTAL':14s} spikesim {ours_t:5d} / NEST {ref_t:5d}  ({pct:.1f}%, {len(rows)} files)")
    if ns.json:
        Path(ns.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
