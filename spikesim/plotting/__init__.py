"""Plots of recorded data (matplotlib; headless-safe; every function returns its figure)."""

from .raster import raster
from .traces import traces

__all__ = ["raster", "traces"]
