"""Work started from pip's output while it resolves: pages, and digests hashed ahead."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dephash.errors import PipError
from dephash.hashing.collect import ReleaseFiles
from dephash.hashing.early import EarlyWork
from dephash.hashing.hasher import Hasher
from dephash.hashing.progress import NoProgress
from dephash.http import NetworkSettings, make_session
from dephash.index.client import IndexClient
from dephash.model import DistFile, IndexSettings
from dephash.wheeltags import FileFilter
from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.jsonindex import JsonIndex

FAST = NetworkSettings(connect_timeout=2, read_timeout=5, retries=0)


def wait_until(condition: Callable[[], bool]) -> None:
    """Wait for work on other threads (synchronisation, not a timing assertion)."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, "the background work never happened"
        time.sleep(0.01)


def published(json_index: JsonIndex, project: str, *paths: Path) -> list[DistFile]:
    return [
        DistFile(path.name, json_index.add_file(project, path), (("sha256", sha(path)),))
        for path in paths
    ]


class Recorded(NoProgress):
    """Progress that remembers what pip's resolution reported."""

    def __init__(self) -> None:
        self.projects: list[int] = []

    def resolving(self, projects: int) -> None:
        self.projects.append(projects)


class Early:
    """An EarlyWork on the test index, and the settings it was asked for."""

    def __init__(self, json_index: JsonIndex, jobs: int = 4) -> None:
        self.asked = 0
        self.progress = Recorded()
        self.failure: Exception | None = None
        session = self.session = make_session(FAST)
        self.index = json_index
        self.work = EarlyWork(
            lambda: (IndexClient(session, FAST), Hasher("sha512", session, FAST)),
            FileFilter().select,
            jobs,
            settings=self.settings,
            progress=self.progress,
        )

    def settings(self) -> IndexSettings:
        self.asked += 1
        if self.failure is not None:
            raise self.failure
        return IndexSettings(index_url=self.index.url)

    def fetched(self, item: DistFile) -> int:
        return self.index.count(item.url)


@pytest.fixture
def early(json_index: JsonIndex) -> Iterator[Early]:
    made = Early(json_index)
    yield made
    made.work.close()


def test_a_candidate_pip_fetches_is_hashed_ahead_and_not_twice(
    early: Early, json_index: JsonIndex, tmp_path: Path
) -> None:
    files = published(
        json_index,
        "ahead",
        make_wheel(tmp_path, "ahead", "1.0"),
        make_sdist(tmp_path, "ahead", "1.0"),
    )
    early.work.want_page("ahead")  # waits for the settings
    assert early.asked == 0
    early.work.start()  # what gen does once pip's configuration is read
    assert early.asked == 1
    wait_until(lambda: json_index.count("/simple/ahead/") == 1)
    early.work.on_pip_output("Collecting Ahead (from -r in.txt (line 1))\n")
    early.work.on_pip_output("Collecting other (from ahead)\n")
    assert early.progress.projects == [1, 2]  # projects pip has named, counted once
    early.work.on_pip_output("  Downloading ahead-1.0-py3-none-any.whl.metadata (1 kB)\n")
    early.work.on_pip_output("  Downloading ahead-1.0-py3-none-any.whl (1 kB)\n")
    wait_until(lambda: all(early.fetched(item) == 1 for item in files))
    digests = [early.work.digest(item).result() for item in files]
    assert [digest.source for digest in digests] == ["download", "download"]
    assert [early.fetched(item) for item in files] == [1, 1]
    assert json_index.count("/simple/ahead/") == 1


def test_pip_backtracking_stops_hashing_ahead_for_that_project(
    early: Early, json_index: JsonIndex, tmp_path: Path
) -> None:
    newer = published(json_index, "backtracked", make_wheel(tmp_path, "backtracked", "2.0"))
    older = published(json_index, "backtracked", make_wheel(tmp_path, "backtracked", "1.0"))
    early.work.on_pip_output("  Downloading backtracked-2.0-py3-none-any.whl.metadata (1 kB)\n")
    wait_until(lambda: early.fetched(newer[0]) == 1)
    early.work.on_pip_output("  Using cached backtracked-1.0-py3-none-any.whl (1 kB)\n")
    early.work.on_pip_output("  Downloading backtracked-2.0-py3-none-any.whl.metadata (1 kB)\n")
    early.work.pages("backtracked").result()
    assert early.fetched(older[0]) == 0  # left for the end of the run
    assert early.work.digest(older[0]).result().source == "download"


def test_a_project_abandoned_while_its_page_loads_is_not_hashed(
    early: Early, json_index: JsonIndex, tmp_path: Path
) -> None:
    files = published(json_index, "slow-page", make_wheel(tmp_path, "slow-page", "2.0"))
    json_index.add_faults("/simple/slow-page/", "stall:0.5")
    early.work.on_pip_output("  Downloading slow_page-2.0-py3-none-any.whl.metadata (1 kB)\n")
    early.work.on_pip_output("  Downloading slow_page-1.0-py3-none-any.whl.metadata (1 kB)\n")
    early.work.pages("slow-page").result()
    early.work.close()  # waits for the page's callback, too
    assert early.fetched(files[0]) == 0


def test_queued_work_of_an_abandoned_version_is_cancelled_then_redone_on_demand(
    json_index: JsonIndex, tmp_path: Path
) -> None:
    early = Early(json_index, jobs=1)
    try:
        first, second = published(
            json_index,
            "queued",
            make_wheel(tmp_path, "queued", "2.0"),
            make_sdist(tmp_path, "queued", "2.0"),
        )
        # One worker, stalled on the first file: the second waits in the queue.
        json_index.add_faults(first.url, "stall:1")
        early.work.on_pip_output("  Downloading queued-2.0-py3-none-any.whl.metadata (1 kB)\n")
        wait_until(lambda: early.fetched(first) == 1)
        early.work.on_pip_output("  Downloading queued-1.0-py3-none-any.whl.metadata (1 kB)\n")
        assert early.work.digest(first).result().source == "download"
        assert early.fetched(second) == 0
        assert early.work.digest(second).result().source == "download"
        assert early.fetched(second) == 1
    finally:
        early.work.close()


@pytest.mark.parametrize("fault", ["500", "corrupt"])
def test_a_page_that_fails_early_is_left_for_the_end_of_the_run(
    early: Early, json_index: JsonIndex, tmp_path: Path, fault: str
) -> None:
    files = published(json_index, "bad-page", make_wheel(tmp_path, "bad-page", "1.0"))
    json_index.add_faults("/simple/bad-page/", fault)
    early.session.headers["Accept-Encoding"] = "identity"  # corrupt: invalid JSON
    early.work.on_pip_output("  Downloading bad_page-1.0-py3-none-any.whl.metadata (1 kB)\n")
    pages = early.work.pages("bad-page")
    wait_until(pages.done)
    early.work.close()
    assert early.fetched(files[0]) == 0


def test_lines_that_name_no_work_are_ignored(early: Early, json_index: JsonIndex) -> None:
    for line in (
        "Requirement already satisfied: x\n",
        "  Downloading not-a-distribution.txt (1 kB)\n",
        "     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 4.7/4.7 MB 206.3 MB/s  0:00:00\n",
    ):
        early.work.on_pip_output(line)
    early.work.close()
    assert json_index.requests == []


def test_settings_that_fail_stop_early_work_but_fail_when_asked(early: Early) -> None:
    early.failure = PipError("pip config list failed: broken")
    early.work.start()
    early.work.on_pip_output("Collecting anything\n")
    early.work.on_pip_output("  Downloading anything-1.0-py3-none-any.whl.metadata (1 kB)\n")
    with pytest.raises(PipError, match="broken"):
        early.work.settings()


def test_a_failure_to_connect_is_raised_where_the_client_is_needed() -> None:
    def connect() -> tuple[IndexClient, Hasher]:
        raise OSError("no network stack")

    work = EarlyWork(connect, FileFilter().select, 2, settings=IndexSettings)
    work.close()
    with pytest.raises(OSError, match="no network stack"):
        assert work.client


def test_release_files_lists_every_newer_release_of_a_project(
    json_index: JsonIndex, tmp_path: Path
) -> None:
    published(json_index, "later", make_wheel(tmp_path, "later", "1.0"))
    (two,) = published(json_index, "later", make_wheel(tmp_path, "later", "2.0"))
    (ten,) = published(json_index, "later", make_sdist(tmp_path, "later", "10.0"))
    session = make_session(FAST)
    # A second index, which does not list the project at all.
    settings = IndexSettings(json_index.url, extra_index_urls=(json_index.url + "nowhere/",))
    work = EarlyWork(
        lambda: (IndexClient(session, FAST), Hasher("sha512", session, FAST)),
        FileFilter().select,
        2,
        settings=lambda: settings,
    )
    work.start()
    try:
        files = ReleaseFiles(work, IndexSettings(), 1)
        found = files.newer("later", "1.0")
        assert sorted(item.filename for item in found) == sorted([two.filename, ten.filename])
        assert files.newer("later", "not-a-version") == []
    finally:
        work.close()
