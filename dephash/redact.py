"""Removing credentials from URLs before they reach a message, a report or a file."""

from __future__ import annotations

import re

# The authority part of any URL in a text, up to its last "@": pip and urllib.parse split
# it there ("user:p@ss@host" is the user "user" with the password "p@ss").
_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s'\"<>]*@")


def redact(text: str) -> str:
    """Replace the credentials in every URL of ``text`` with ``****``."""
    return _CREDENTIALS.sub(r"\g<scheme>****@", text)


def without_credentials(url: str) -> str:
    """``url`` with no credentials at all: for a file others read, where ``****`` would only
    break the URL."""
    return _CREDENTIALS.sub(r"\g<scheme>", url)
