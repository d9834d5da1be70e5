"""Exceptions raised by spikesim.

The class names follow PyNEST's error names (``nest.NESTErrors``) so that scripts
catching them keep working in :mod:`spikesim.nest`.  Every message names the
parameter, the offending value and what is allowed.
"""

from __future__ import annotations


class SpikesimError(Exception):
    """Base class of all spikesim errors (PyNEST: ``NESTError``)."""


class KernelException(SpikesimError):
    """An operation the kernel cannot perform in its present state."""


class RecordingError(KernelException, OSError):
    """A recording file or stream that cannot be written (disk full, file too large,
    permission denied, a file deleted during the run); the message names the file
    and what to do, ``errno`` is the operating system's code where there is one."""


class RecordsLost(KernelException):
    """A recording backend lost a batch for good (a stream whose subscriber is gone).

    Other errors of a backend's ``write`` leave the batch with the device, which
    offers it again at the next hand-over; this one tells the device to drop it
    (it is not counted in ``n_events``).
    """


class UnknownModelName(SpikesimError, KeyError):
    """A model name that is not registered."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""


class BadProperty(SpikesimError, ValueError):
    """A parameter value that is not allowed, or an unknown parameter."""


class BadParameter(BadProperty):
    """A parameter of a function call that is not allowed."""


class BadDelay(BadProperty):
    """A delay below the resolution or not representable on the grid."""


class IllegalConnection(SpikesimError, ValueError):
    """A connection the models involved cannot make."""


class UnknownNode(SpikesimError, KeyError):
    """A node id that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownReceptorType(IllegalConnection):
    """A receptor type the target model does not have."""


class NewModelNameExists(BadProperty):
    """A model name given to ``copy_model`` that is taken already."""


class UnaccessedDictionaryEntry(BadProperty):
    """A parameter name that no model or function uses (NEST: a dictionary entry left unread)."""


class BadParameterValue(BadProperty):
    """A parameter value out of its allowed range."""


class StepMultipleRequired(BadProperty):
    """A time (ms) that must be a multiple of the resolution and is not."""


class UnknownSynapseType(UnknownModelName):
    """A synapse model name that is not registered."""


class NumericalInstability(KernelException):
    """A model's numerical integration left the range where it is valid (NEST's
    ``NumericalInstability``, e.g. an AdEx neuron's ``V_m`` below -1000 mV)."""


class NotImplementedFeature(KernelException):
    """A NEST feature spikesim does not have (the message names it)."""


NESTError = SpikesimError


class InexistentConnection(SpikesimError, LookupError):
    """A connection to remove does not exist (PyNEST's ``InexistentConnection``)."""


class DimensionMismatch(BadProperty):
    """Two node lists must have the same length (PyNEST's ``DimensionMismatch``)."""


class SpikesimWarning(UserWarning):
    """Base class of spikesim's warnings: ``warnings.filterwarnings("ignore", category=SpikesimWarning)``
    silences them all, a subclass only its kind."""


class SimulationWarning(SpikesimWarning, RuntimeWarning):
    """Something in a run that works but may not be what was meant (e.g. generators
    changed in the middle of a ``min_delay`` slice)."""


class RecordingWarning(SpikesimWarning):
    """Something about recorded data: none recorded, a file or backend fallback, data
    that will not fit the memory."""


def bad_property(owner: str, key: str, value: object, allowed: str) -> BadProperty:
    """The standard message: who, which parameter, which value, what is allowed."""
    return BadProperty(f"{owner}: parameter '{key}' = {value!r} is not allowed; {allowed}")

__all__ = [
    "SpikesimError", "NESTError", "SpikesimWarning", "SimulationWarning", "RecordingWarning",
    "KernelException", "RecordingError", "RecordsLost", "UnknownModelName",
    "BadProperty",
    "BadParameter", "BadDelay", "IllegalConnection", "UnknownNode", "UnknownReceptorType", "bad_property",
    "NewModelNameExists", "UnaccessedDictionaryEntry", "BadParameterValue", "StepMultipleRequired",
    "UnknownSynapseType", "NotImplementedFeature", "NumericalInstability", "InexistentConnection",
    "DimensionMismatch",
]
