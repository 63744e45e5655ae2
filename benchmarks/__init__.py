"""Benchmarks: a seeded service-desk event-log generator and a benchmark runner."""
