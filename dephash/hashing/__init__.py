"""Digests: from the index, the cache or a verified download; early work while pip resolves."""
