"""Fakes at dephash's own seams: a resolver with a prepared answer, an index held in memory."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

from dephash.index.pages import JSON_TYPE, RawPage
from dephash.index.reader import IndexReader
from dephash.model import DistFile, Resolution
from dephash.resolve import ResolveRequest


@dataclass
class FakeResolver:
    """Answers every request with the next of ``answers`` (a Resolution, or an error to raise);
    the last answer repeats. Remembers each request."""

    answers: Sequence[Resolution | Exception]
    requests: list[ResolveRequest] = field(default_factory=list)

    def resolve(self, request: ResolveRequest) -> Resolution:
        answer = self.answers[min(len(self.requests), len(self.answers) - 1)]
        self.requests.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer


class ByPython:
    """pip as a fake that answers by the Python a run is for (``--python-version``; ``None``:
    the host's), each Python's answers in turn (the last repeats): runs go in parallel. A run
    for a Python of ``after`` answers once one for the Python it names has begun (or after
    a few seconds); ``overlapped`` says whether it had."""

    def __init__(
        self,
        answers: Mapping[str | None, Sequence[Resolution | Exception]],
        after: Mapping[str | None, str] | None = None,
    ) -> None:
        self.answers = {python: list(queue) for python, queue in answers.items()}
        self.after = dict(after or {})
        self.begun = {python: threading.Event() for python in answers}
        self.runs: list[tuple[str | None, list[str]]] = []
        self.requests: list[ResolveRequest] = []
        self.overlapped: list[bool] = []
        self.lock = threading.Lock()

    def resolve(self, request: ResolveRequest) -> Resolution:
        arguments, inputs = request.arguments, request.input_arguments
        python = (
            arguments[arguments.index("--python-version") + 1]
            if "--python-version" in arguments
            else None
        )
        read = [Path(inputs[i + 1]).read_text() for i, arg in enumerate(inputs) if arg == "-r"]
        self.begun[python].set()
        if python in self.after:
            self.overlapped.append(self.begun[self.after[python]].wait(5))
        with self.lock:
            self.runs.append((python, read))
            self.requests.append(request)
            queue = self.answers[python]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def pythons(self) -> list[str | None]:
        return sorted((python for python, _ in self.runs), key=str)


class MemoryIndex(IndexReader):
    """Simple-API indexes held in memory: ``{index_url: {project: files}}``, served as
    PEP 691 JSON pages; ``links`` are find-links locations and their files."""

    def __init__(
        self,
        indexes: Mapping[str, Mapping[str, Sequence[DistFile]]],
        links: Mapping[str, Sequence[DistFile]] | None = None,
    ) -> None:
        self.indexes: dict[str, dict[str, list[DistFile]]] = {
            url: {canonicalize_name(name): list(files) for name, files in projects.items()}
            for url, projects in indexes.items()
        }
        self.links = dict(links or {})
        self.asked: list[tuple[str, str]] = []

    def fetch_page(self, index_url: str, project: str) -> RawPage | None:
        self.asked.append((index_url, canonicalize_name(project)))
        files = self.indexes.get(index_url, {}).get(canonicalize_name(project))
        if files is None:
            return None
        document = {"meta": {"api-version": "1.1"}, "files": [_entry(item) for item in files]}
        page_url = f"{index_url.rstrip('/')}/{canonicalize_name(project)}/"
        return RawPage(page_url, JSON_TYPE, json.dumps(document))

    def find_links_files(self, location: str) -> list[DistFile]:
        return list(self.links.get(location, ()))


def _entry(item: DistFile) -> dict[str, object]:
    entry: dict[str, object] = {
        "filename": item.filename,
        "url": item.url,
        "hashes": dict(item.hashes),
    }
    if item.yanked is not None:
        entry["yanked"] = item.yanked or True
    if item.requires_python:
        entry["requires-python"] = item.requires_python
    if item.size is not None:
        entry["size"] = item.size
    if item.upload_time is not None:
        entry["upload-time"] = item.upload_time
    return entry
