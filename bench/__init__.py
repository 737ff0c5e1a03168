"""Measurements that are run by hand (and, on small subsets, guarded by tests)."""
