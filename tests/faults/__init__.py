"""Faults in the middle of a run: interrupts, failing backends, signals, threads."""
