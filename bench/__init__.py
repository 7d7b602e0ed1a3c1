"""Benchmarks: each reports a ratio against a naive baseline measured in the same run."""
