"""Tests of dephash.resolve."""
