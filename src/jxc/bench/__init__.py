"""Benchmarks: workloads run through the real services, figures printed as JSON."""
