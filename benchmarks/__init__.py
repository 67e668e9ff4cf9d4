"""Benchmarks of the instructor pages and exports at scale: `python -m benchmarks.run`."""
