"""The kernel: the update loop (Engine), spike and input delivery, plasticity and its spike history."""
