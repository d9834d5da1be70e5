"""Recording: devices decide what and when, backends decide where."""

from spikesim.recording.backends import recording_backends  # noqa: F401
