"""The kernel: time grid, random streams, update loop and spike delivery."""
