"""Removing credentials from URLs before they reach a message or a file."""

from __future__ import annotations

import re

# user:password@ or token@ in the authority part of any URL in a text.
_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<auth>[^/@\s]+)@")


def redact(text: str) -> str:
    """Replace credentials in every URL of ``text`` with ``****``."""
    return _CREDENTIALS.sub(r"\g<scheme>****@", text)
