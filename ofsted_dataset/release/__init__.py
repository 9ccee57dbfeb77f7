"""Releases: write, verify, compare, publish, rebuild and query them."""
