"""Benchmarks: scale data, a timing harness over the real app and a naive baseline app, a results table."""
