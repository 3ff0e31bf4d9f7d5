"""Benchmarks of the case engine: intake.py, lifecycle.py, hotspots.py (see docs/PERFORMANCE.md)."""
