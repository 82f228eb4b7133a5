"""Benchmarks, run by ``python -m benchmarks`` (``make bench``); not part of the test suite."""
