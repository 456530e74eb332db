"""Tests of dephash.formats."""
