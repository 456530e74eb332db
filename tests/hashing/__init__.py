"""Tests of dephash.hashing."""
