"""The release cooldown: only files uploaded before a cutoff (``--uploaded-prior-to``).

The cutoff is one absolute UTC time. ``P<n>D`` counts whole days back from the start of
today (UTC), so that every run on one day makes the same file and a file is at least
``n`` days old; a date or time without an offset is UTC (pip would take the local zone:
dephash hands pip the UTC time it recorded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from dephash.errors import InputError
from dephash.model import DistFile

_DAYS = re.compile(r"P(\d{1,5})D", re.ASCII)


def parse_cutoff(value: str, now: datetime) -> datetime:
    """``value`` (an ISO 8601 date or time, or ``P<n>D``) as an absolute UTC time, to the
    second; ``now`` is the current time, for ``P<n>D``."""
    days = _DAYS.fullmatch(value.strip())
    if days:
        today = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        return today - timedelta(days=int(days.group(1)))
    parsed = parse_time(value)
    if parsed is None:
        raise InputError(
            f"expected an ISO 8601 date or time (2024-01-01, 2024-01-01T00:00:00Z) "
            f"or P<n>D (P30D: 30 days ago), got {value!r}"
        )
    return parsed.replace(microsecond=0)


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 date or time (a PEP 700 ``upload-time``) in UTC; ``None`` if it is none."""
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not a time; or one past year 1 or 9999 in UTC
        return None


def cutoff_text(cutoff: datetime) -> str:
    """The cutoff as the lock records it and pip takes it: ``2024-01-01T00:00:00Z``."""
    utc = cutoff.astimezone(timezone.utc).replace(tzinfo=None)
    return f"{utc.isoformat(timespec='seconds')}Z"


def is_local(item: DistFile) -> bool:
    """A file on this machine (a find-links folder): no index, no upload time, and pip's
    ``--uploaded-prior-to`` lets it through."""
    return item.url.startswith("file:")


def uploaded_before(item: DistFile, cutoff: datetime) -> bool | None:
    """Whether ``item`` was uploaded before ``cutoff``; ``None`` when its index does not say."""
    uploaded = parse_time(item.upload_time) if item.upload_time else None
    return None if uploaded is None else uploaded < cutoff


def before_cutoff(files: Iterable[DistFile], cutoff: datetime | None) -> list[DistFile]:
    """The files pip's ``--uploaded-prior-to`` accepts: local ones, and those an index says
    were uploaded before ``cutoff`` (all of them when there is no cutoff)."""
    return [
        item for item in files if cutoff is None or is_local(item) or uploaded_before(item, cutoff)
    ]
