"""The simple-API client (PEP 691 JSON, PEP 503 HTML, file://, find-links) and page parsing."""
