"""A wheel's METADATA read by HTTP range requests: the end of the zip, then that member.

Where an index serves no PEP 658 file, the metadata is inside the wheel, and a zip's
central directory sits at its end: a range or two of a few KiB read it, not the whole
archive. No digest covers one member of a wheel: what is read is trusted as an
unadvertised metadata file is, and checked against the pin's name and version after.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import TYPE_CHECKING

from dephash.errors import IndexUnreachable
from dephash.http import NetworkSettings, describe_failure, read_chunks
from dephash.redact import redact

if TYPE_CHECKING:
    import requests

# Each range asked for is at least this large: a wheel's last 64 KiB mostly hold its
# central directory and its dist-info files.
SPAN = 64 << 10
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
_METADATA = re.compile(r"[^/]+\.dist-info/METADATA")


class _NoRanges(Exception):
    """The server answers no range request (it would send the whole file)."""


class _Remote(io.RawIOBase):
    """A read-only, seekable view of a file served over HTTP, fetched range by range."""

    def __init__(self, session: requests.Session, url: str, network: NetworkSettings) -> None:
        self.session, self.url, self.network = session, url, network
        start, data, self.size = self._get(f"-{SPAN}")
        self.chunks = [(start, data)]
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int | None = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        if end <= self.position:
            return b""
        data = self._bytes(self.position, end)
        self.position = end
        return data

    def _bytes(self, start: int, end: int) -> bytes:
        for begin, data in self.chunks:
            if begin <= start and end <= begin + len(data):
                return data[start - begin : end - begin]
        stop = min(self.size, max(end, start + SPAN))
        begin, data, _ = self._get(f"{start}-{stop - 1}")
        if begin != start:
            raise IndexUnreachable(f"cannot read {redact(self.url)}: not the range asked for")
        self.chunks.append((begin, data))
        return data[: end - start]

    def _get(self, span: str) -> tuple[int, bytes, int]:
        """The first byte's offset, the bytes and the file's size of one range."""
        import requests

        headers = {"Range": f"bytes={span}", "Accept-Encoding": "identity"}
        try:
            with self.session.get(
                self.url, headers=headers, timeout=self.network.timeout, stream=True
            ) as response:
                found = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
                if response.status_code != 206 or found is None:
                    raise _NoRanges
                start, last, size = (int(part) for part in found.groups())
                body = b"".join(read_chunks(response, self.network))
        except requests.RequestException as exc:
            raise IndexUnreachable(
                f"cannot fetch {redact(self.url)}: {describe_failure(exc)}"
            ) from None
        if len(body) != last - start + 1 or last >= size:
            raise IndexUnreachable(f"cannot read {redact(self.url)}: not the range it says")
        return start, body, size


def wheel_metadata(
    session: requests.Session, url: str, network: NetworkSettings, limit: int
) -> bytes | None:
    """The one ``*.dist-info/METADATA`` of the wheel at ``url``, read by range requests;
    ``None`` where the server answers none, or the archive is no wheel with one such file
    of at most ``limit`` bytes. A failing request raises :class:`IndexUnreachable`."""
    try:
        with zipfile.ZipFile(_Remote(session, url, network)) as archive:
            found = [info for info in archive.infolist() if _METADATA.fullmatch(info.filename)]
            if len(found) != 1 or found[0].file_size > limit:
                return None
            with archive.open(found[0]) as member:
                return member.read()
    except (_NoRanges, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error):
        return None
