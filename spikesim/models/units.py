"""Units of recorded columns: the one table every writer and converter uses.

Recordables take their unit from the model that records them (each model's
``units``); the columns every record has (senders, times ...) are listed here.
Units are NEST's: ms, mV, pA, nS; ``""`` marks a column of ids or counts and
``"dimensionless"`` a quantity without a unit.
"""

from __future__ import annotations

from collections.abc import Iterable

from spikesim.models.base import Model

#: units of the columns that are not recordables ("times" depends on time_in_steps)
INDEX_UNITS = {"senders": "", "targets": "", "receptors": "", "ports": "", "segment": "", "offsets": "ms",
               "weights": "dimensionless"}


def unit_of(column: str, models: Iterable[type[Model]] = (), time_in_steps: bool = False) -> str:
    """The unit of a recorded column.

    Parameters
    ----------
    column : str
        A column name: an index column (``senders``, ``times`` ...) or a recordable.
    models : iterable of model classes
        The models that record it (the first that declares a unit for it wins).
    time_in_steps : bool
        Whether ``times`` are steps rather than ms.

    Returns
    -------
    str
        The unit; ``"dimensionless"`` for a recordable no model gives a unit.

    Examples
    --------
    >>> from spikesim.models.iaf_psc_exp import IafPscExp
    >>> unit_of("V_m", [IafPscExp]), unit_of("times", time_in_steps=True), unit_of("senders")
    ('mV', 'steps', '')
    """
    if column == "times":
        return "steps" if time_in_steps else "ms"
    if column in INDEX_UNITS:
        return INDEX_UNITS[column]
    for model in models:
        if column in model.units:
            return model.units[column]
    return "dimensionless"
