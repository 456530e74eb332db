"""Tests for dephash (a package, so ``tests.support`` imports from anywhere)."""
