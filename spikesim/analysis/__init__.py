"""Analysis of recorded spikes as pure functions on columnar events.

Every function takes ``senders`` (node ids) and ``times`` (ms) as a spike recorder
stores them (``ev = sim.nodes("sr").get("events")[0]``; ``ev["senders"], ev["times"]``)
or as :class:`spikesim.data.events.SpikeEvents` holds them. Windows are
``(t_start, t_stop]`` (ms), bins are labelled by their left edge, rates are in
spikes/s. Times within 1e-6 ms of a bound count as on it. ``ids`` (the neurons to
report on, in that order; silent ones included) may be node ids or a NodeCollection.

====================  ==========================================================
``spike_trains``      ``id -> sorted spike times`` (stable, as Brian2)
``spike_counts``      spikes per neuron in a window
``rates``             spikes/s per neuron
``population_rate``   spikes/s per neuron, averaged over a population
``spike_matrix``      per-step spike matrix, steps x neurons
``isi``               inter-spike intervals of one train
``isis_per_neuron``   ``id -> ISIs``
``cv``                ``std / mean`` (ddof 0), as Elephant
``cv_isi``            ISI CV per neuron, ``nan`` below ``min_spikes``
``fano_factor``       ``var / mean`` of counts (ddof 1, as NEST's reference)
``time_histogram``    PSTH: counts and rate per bin
====================  ==========================================================
"""

from spikesim.analysis.histograms import TimeHistogram, time_histogram
from spikesim.analysis.spikes import (
           population_rate,
           rates,
           spike_counts,
           spike_matrix,
           spike_trains,
)
from spikesim.analysis.variability import cv, cv_isi, fano_factor, isi, isis_per_neuron
from spikesim.data.checks import TIME_TOL

__all__ = ["TIME_TOL", "spike_trains", "spike_counts", "rates", "population_rate", "spike_matrix",
           "isi", "isis_per_neuron", "cv", "cv_isi", "fano_factor", "time_histogram", "TimeHistogram"]
