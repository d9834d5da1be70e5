"""stdp_dopamine_synapse: dopamine-modulated STDP (Izhikevich 2007; Potjans et al. 2010), as NEST 3.10.

Each connection keeps an eligibility trace ``c`` and a dopamine trace ``n`` besides its
weight and presynaptic trace ``Kplus`` (``tau_plus``, ms).  Pre-post pairings move ``c``
(``+A_plus Kplus`` at each postsynaptic spike, ``-A_minus K-`` at each presynaptic one;
``K-`` is the target's trace, ``tau_minus``), ``c`` decays with ``tau_c`` (ms), ``n``
decays with ``tau_n`` (ms) and grows by ``multiplicity / tau_n`` at each dopamine spike,
and between updates the weight follows ``dw/dt = c (n - b)``, integrated exactly and
kept in ``[Wmin, Wmax]``.  Dopamine spikes are the spikes of the neurons connected to
the model's ``volume_transmitter`` node (:mod:`spikesim.models.volume_transmitter`),
at their arrival time (spike time plus that connection's delay).  The weight is
brought up to date when a presynaptic spike is transmitted and when the volume
transmitter hands over its dopamine spikes (every ``deliver_interval`` min_delay
slices).  The update equations are in :mod:`spikesim.kernel.dopamine`.  All plasticity
parameters are common to the model (set with ``set_defaults`` or ``copy_model``);
``Kplus``, ``c`` and ``n`` are per connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spikesim.errors import BadProperty
from spikesim.models.synapses import SynapseModel

#: order of the plasticity parameters in the compiled kernel's table
DOPA_PARAMS = ("A_plus", "A_minus", "tau_plus", "tau_c", "tau_n", "b", "Wmin", "Wmax")
#: NEST 3.10's defaults (time constants in ms)
_DOPA = {"A_plus": 1.0, "A_minus": 1.5, "tau_plus": 20.0, "tau_c": 1000.0, "tau_n": 200.0, "b": 0.0,
         "Wmin": 0.0, "Wmax": 200.0}


class StdpDopamineSynapse(SynapseModel):
    """NEST's ``stdp_dopamine_synapse``: STDP gated by dopamine (eligibility trace ``c``,
    dopamine trace ``n``; ``tau_plus``, ``tau_c``, ``tau_n`` in ms; ``b`` the dopamine
    baseline; weights kept in ``[Wmin, Wmax]``).  ``volume_transmitter`` (one
    volume_transmitter node) must be set before connections are made."""

    name = "stdp_dopamine_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, **_DOPA, "Kplus": 0.0, "c": 0.0, "n": 0.0,
              "volume_transmitter": None, "weight_recorder": None}
    plastic = True
    per_connection = ("Kplus", "c", "n")
    common = (*DOPA_PARAMS, "volume_transmitter", "weight_recorder")
    kind = "stdp_dopamine"
    #: t_last_update: the time (ms) weight, c, Kplus are brought up to; t_lastspike: the last presynaptic spike
    state = {"t_lastspike": 0.0, "t_last_update": 0.0}
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0")}

    @classmethod
    def check_connect(cls, owner: str, spec: Mapping[str, Any]) -> None:
        """A connect call needs the model's ``volume_transmitter`` set (NEST's check).

        Parameters
        ----------
        owner : str
            The synapse model's name.
        spec : mapping
            The model's defaults merged with the call's synapse specification.

        Raises
        ------
        BadProperty
            If no volume transmitter is set.
        """
        if spec.get("volume_transmitter") is None:
            raise BadProperty(f"{owner}: No volume transmitter has been assigned to the dopamine synapse: "
                              "parameter 'volume_transmitter' = None is not allowed; set one volume_transmitter "
                              "node with set_defaults or copy_model before connecting")
