"""Recording: devices decide what and when, backends decide where."""

from .backends import recording_backends  # noqa: F401
