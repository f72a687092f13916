"""Benchmarks (not timed tests); each writes its figures to bench/results/."""
