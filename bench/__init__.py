"""Benchmarks for Gradient Explorer (``python -m bench``). Ratios, never wall-clock assertions."""
