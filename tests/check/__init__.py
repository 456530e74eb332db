"""Tests of dephash.check."""
