"""Benchmark tools: a synthetic corpus generator, the pyarrow floor and the `make bench` harness."""
