"""Tests of dephash.index."""
