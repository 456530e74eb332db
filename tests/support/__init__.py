"""Test-support code: package builders and local package-index servers."""
