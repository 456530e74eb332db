"""Tests of dephash.inputs."""
