"""Tests of dephash.cli."""
