"""PyNEST's ``message``: a script's own message through the face's log.

NEST prints a message whose severity reaches the kernel's verbosity; spikesim sends it
to ``logging.getLogger("spikesim")``, whose level follows ``nest.verbosity``
(:func:`spikesim.nest.simulation.logging_level`): configure logging
(``logging.basicConfig(level="INFO")``) to see it.
"""

from __future__ import annotations

import logging

from spikesim.errors import bad_property
from spikesim.nest.simulation import VerbosityLevel, logging_level

__all__ = ["message"]


def message(message: str, severity: int = VerbosityLevel.INFO, *, function: str | None = None,
            filename: str | None = None, lineno: int | None = None) -> None:
    """Issue ``message`` with ``severity`` (a :class:`VerbosityLevel` or a number), as PyNEST's ``message``.

    The calling function, file and line go with the record (or ``function``,
    ``filename`` and ``lineno`` where given), as NEST adds them.

    Raises
    ------
    BadProperty
        If ``severity`` is not a number.
    """
    if isinstance(severity, bool) or not isinstance(severity, int):
        raise bad_property("message", "severity", severity, "give a VerbosityLevel or an int")
    where = {k: v for k, v in (("function", function), ("filename", filename), ("lineno", lineno)) if v is not None}
    text = f"{message} ({', '.join(f'{k}={v}' for k, v in where.items())})" if where else str(message)
    logging.getLogger("spikesim").log(logging_level(int(severity)), text, stacklevel=2)
