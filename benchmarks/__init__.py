"""Load benchmarks run by `make bench` (scripts/bench); not part of the application or the test suite."""
