"""Optional dependencies: import one, or raise an ImportError naming the extra to install.

The core (building and simulating networks, the memory, ascii and hdf5 backends,
checkpoints) needs numpy, numba, h5py and tqdm only.  Plotting, pandas tables, Neo
and NWB export, Parquet and MPI need packages installed with an extra,
``pip install 'spikesim[plot]'`` and so on (:data:`EXTRAS`); the modules that use
them import them inside the functions that need them, after :func:`require`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EXTRAS", "MissingOptionalDependency", "require"]

#: top-level package -> the extra of spikesim that installs it
EXTRAS: dict[str, str] = {
    "matplotlib": "plot", "pandas": "pandas", "neo": "neo", "quantities": "neo", "pynwb": "nwb",
    "hdmf": "nwb", "nwbinspector": "nwb", "pyarrow": "parquet", "mpi4py": "mpi",
}


class MissingOptionalDependency(ImportError):
    """An optional package a feature needs is not installed; the message names the extra."""


def require(module: str, extra: str | None = None, feature: str | None = None) -> ModuleType:
    """Import ``module``, or raise an ImportError telling which extra installs it.

    Parameters
    ----------
    module : str
        The module to import, e.g. ``"matplotlib.pyplot"``.
    extra : str, optional
        The spikesim extra that installs it (default: looked up in :data:`EXTRAS`
        by the top-level package, else the package's own name).
    feature : str, optional
        What needs it, for the message (default: ``"this feature"``).

    Returns
    -------
    ModuleType
        The imported module.

    Raises
    ------
    MissingOptionalDependency
        (an ImportError) if the module cannot be imported; the message reads e.g.
        ``plotting needs matplotlib, which is not installed: pip install 'spikesim[plot]'``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        name = extra or EXTRAS.get(package, package)
        raise MissingOptionalDependency(
            f"{feature or 'this feature'} needs {package}, which is not installed: "
            f"pip install 'spikesim[{name}]'") from exc
