"""Benchmarks: reportgen against the bare site engine and the closest peer."""
