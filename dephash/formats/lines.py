"""The one guard between a value and a line of a pinned file: it can never start a new line."""

from __future__ import annotations

import re

# Every character str.splitlines() ends a line at: pip reads requirements files with it.
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(value: str) -> str:
    """``value`` with each character that could end a line written as its escape (``\\n``).

    Whatever an index serves or a user types (a name, a URL, an option value, a
    file name), once it went through here it stays on its line: pip reads the
    escape as two plain characters, never as the start of a new, live line.
    """
    return _LINE_BREAKS.sub(lambda match: match.group().encode("unicode_escape").decode(), value)
