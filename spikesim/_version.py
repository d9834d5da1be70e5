"""The one version string of spikesim (read by the package, its files and pyproject)."""

__version__ = "0.1.0"
