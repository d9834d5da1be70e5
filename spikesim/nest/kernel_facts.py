"""The NEST kernel's fixed facts and accepted flags as the NEST face reports them.

Flags NEST uses to tune its MPI buffers, connection storage and waveform relaxation are
accepted and reported but change nothing in spikesim; the read-only facts hold for
spikesim (one process; times in ms); ``build_info`` says what the face offers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BUILD_INFO", "FIXED_FACTS", "KERNEL_FLAGS", "NEST_DEFAULT_SEED", "RNG_TYPES"]

#: NEST kernel flags spikesim accepts and reports but that change nothing in it: they tune
#: NEST's MPI buffers, its connection storage and waveform relaxation, which spikesim lacks
KERNEL_FLAGS: dict[str, Any] = {
    "use_compressed_spikes": True, "keep_source_table": True, "adaptive_target_buffers": True,
    "dict_miss_is_error": True, "use_wfr": True, "wfr_comm_interval": 1.0, "wfr_tol": 1e-4,
    "wfr_max_iterations": 15, "wfr_interpolation_order": 3, "buffer_size_spike_data": 2,
    "buffer_size_target_data": 2, "growth_factor_buffer_spike_data": 1.5,
    "growth_factor_buffer_target_data": 1.5, "max_buffer_size_target_data": 16777216,
    "spike_buffer_grow_extra": 0.5, "spike_buffer_shrink_limit": 0.2, "spike_buffer_shrink_spare": 0.1,
    "update_time_limit": float("inf"), "off_grid_spiking": False,
}

#: the seed a fresh kernel has, as in NEST 3.10 (``nest.rng_seed`` after ResetKernel)
NEST_DEFAULT_SEED = 143202461

#: the names NEST 3.10 accepts for ``rng_type``.  The face accepts and reports them so that
#: scripts setting one run, but spikesim's random streams come from its own counter-based
#: generator whatever the name: the same seed gives the same numbers under every name, and
#: none of them is NEST's sequence.
RNG_TYPES = ("Philox_32", "Philox_64", "Threefry_32", "Threefry_64", "mt19937", "mt19937_64")

#: NEST's read-only kernel facts, as they hold in spikesim (one process, times in ms)
FIXED_FACTS: dict[str, Any] = {
    "T_max": 1152921504606846.8, "T_min": -1152921504606846.8, "mpi_rank": 0, "modules": [],
    "rng_types": list(RNG_TYPES), "stimulation_backends": [],
    "connection_rules": ["all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree",
                         "fixed_total_number", "pairwise_bernoulli", "pairwise_poisson"],
    "max_num_syn_models": 511, "to_do": 0,
    "spike_buffer_resize_log": {"global_max_spikes_sent": [], "new_buffer_size": [], "times": []},
}

#: ``nest.build_info``: what this face offers, by NEST's keys.  ``have_gsl`` is True because
#: the models NEST builds only with GSL (iaf_cond_*) exist here; there is no MPI and no MUSIC.
BUILD_INFO: dict[str, Any] = {
    "version": "3.10.0", "have_threads": True, "have_mpi": False, "have_gsl": True, "have_hdf5": False,
    "have_boost": True, "have_music": False, "have_libneurosim": False, "have_sionlib": False,
    "threads_model": "numba", "ndebug": True, "exitcode": 0, "host": "spikesim", "built": "",
}
