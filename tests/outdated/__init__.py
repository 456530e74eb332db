"""Tests of dephash.outdated."""
