"""Driving pip through its command line, and reading what it says."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dephash.errors import InputError, PipError, ResolutionError
from dephash.model import ProjectMetadata
from dephash.resolve.pip import PipRunner, _classify_failure, parse_report
from dephash.resolve.settings import PYPI_SIMPLE, index_settings
from tests.support.builder import make_wheel
from tests.support.jsonindex import JsonIndex
from tests.support.static import always, serving


@pytest.fixture(scope="module")
def old_pip_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real venv whose pip is the one Python bundles, older than dephash needs."""
    venv = tmp_path_factory.mktemp("old-pip") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    version = subprocess.run(
        [python, "-m", "pip", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.startswith("pip 2")
    return python


def test_the_running_pip_is_new_enough() -> None:
    assert str(PipRunner().version()) >= "25.3"


def test_an_old_pip_is_refused_with_the_upgrade_command(old_pip_python: str) -> None:
    with pytest.raises(
        PipError, match=r"too old: dephash needs pip >= 25.3; upgrade it with: .* -m pip install -U"
    ):
        PipRunner(python=old_pip_python).version()


@pytest.mark.parametrize("requirements", ["", "{wheel}\n"], ids=["failing", "resolving"])
def test_resolving_with_an_old_pip_is_refused(
    old_pip_python: str, tmp_path: Path, requirements: str
) -> None:
    """No separate version check runs first: the report (or the failure) tells."""
    wheel = make_wheel(tmp_path, "old-pip-probe", "1.0")
    path = tmp_path / "in.txt"
    path.write_text(requirements.format(wheel=wheel))
    with pytest.raises(PipError, match=r"too old: dephash needs pip >= 25.3"):
        PipRunner(python=old_pip_python).resolve(["--no-index", "-r", str(path)])


def test_a_python_without_pip_is_refused(tmp_path: Path) -> None:
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    with pytest.raises(PipError, match="pip is not available"):
        PipRunner(python=str(venv / "bin" / "python")).version()


def test_a_missing_interpreter_is_an_environment_failure(tmp_path: Path) -> None:
    with pytest.raises(PipError, match="cannot run"):
        PipRunner(python=str(tmp_path / "no-python")).version()


def test_an_unreadable_pip_version_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'pip not.a.version from /x'\n")
    fake.chmod(0o755)
    with pytest.raises(PipError, match="cannot read pip's version"):
        PipRunner(python=str(fake)).version()


def test_config_is_read_from_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "pip.conf"
    config.write_text(
        "[global]\nindex-url = https://mirror.example.org/simple\n"
        "extra-index-url =\n    https://a.example.org/simple\n    https://b.example.org/simple\n"
        "[install]\nfind-links = /srv/wheels\n"
    )
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    monkeypatch.setenv("PIP_NO_INDEX", "yes")
    values = PipRunner().config()
    assert values["global.index-url"] == "https://mirror.example.org/simple"
    assert values["global.extra-index-url"].split() == [
        "https://a.example.org/simple",
        "https://b.example.org/simple",
    ]
    assert values["install.find-links"] == "/srv/wheels"
    settings = index_settings(values)
    assert settings.no_index is True
    assert settings.index_urls == ()
    assert settings.find_links == ("/srv/wheels",)


def test_a_failing_pip_config_is_an_environment_failure(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'ERROR: boom' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(PipError, match="pip config list failed: ERROR: boom"):
        PipRunner(python=str(fake)).config()


def test_config_lines_that_are_not_settings_are_skipped(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'not a setting'\necho \"global.x='unbalanced\"\n")
    fake.chmod(0o755)
    assert PipRunner(python=str(fake)).config() == {"global.x": "unbalanced"}


def test_precedence_environment_then_install_then_global() -> None:
    config = {
        "global.index-url": "https://global/simple",
        "install.index-url": "https://install/simple",
        "global.extra-index-url": "https://g1/simple https://g2/simple",
        ":env:.extra-index-url": "https://env/simple",
        "global.find-links": "/global/links",
    }
    settings = index_settings(config, extra_index_urls=["https://cli/simple"], find_links=["/cli"])
    assert settings.index_url == "https://install/simple"
    assert settings.extra_index_urls == ("https://env/simple", "https://cli/simple")
    assert settings.find_links == ("/global/links", "/cli")
    assert index_settings(config, index_url="https://cli/simple").index_url == "https://cli/simple"
    assert index_settings({}).index_urls == (PYPI_SIMPLE,)


def test_requirements_file_options_apply_in_order_like_pip() -> None:
    settings = index_settings(
        {},
        extra_index_urls=["https://cli-extra/simple"],
        file_options=[
            ("extra_index_url", "https://file-extra/simple"),
            ("index_url", "https://file/simple"),
            ("extra_index_url", "https://after/simple"),
            ("extra_index_url", "https://after/simple"),
            ("find_links", "/links"),
        ],
    )
    assert settings.index_urls == ("https://file/simple", "https://after/simple")
    assert settings.find_links == ("/links",)
    disabled = index_settings(
        {}, file_options=[("no_index", ""), ("index_url", "https://ignored/simple")]
    )
    assert disabled.index_urls == ()
    assert index_settings({}, no_index=True).no_index is True


def report(**overrides: object) -> dict[str, object]:
    entry = {
        "metadata": {"name": "Foo_Bar", "version": "1.0", "requires_dist": ["six"]},
        "download_info": {
            "url": "https://files.example.org/foo_bar-1.0-py3-none-any.whl",
            "archive_info": {"hashes": {"sha256": "AB" * 32}},
        },
        "requested": True,
        "requested_extras": ["x"],
    }
    entry.update(overrides)
    return {"version": "1", "install": [entry], "environment": {"python_version": "3.11"}}


def test_report_is_read_into_frozen_data() -> None:
    resolution = parse_report(report())
    (package,) = resolution.packages
    assert package.name == "foo-bar"
    assert package.version == "1.0"
    assert package.requested is True
    assert package.requested_extras == ("x",)
    assert package.archive_hashes == (("sha256", "ab" * 32),)
    assert resolution.environment.markers == (("python_version", "3.11"),)


def test_digests_in_the_report_that_are_no_digests_are_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hostile = "abcd\n--extra-index-url https://evil.example/simple/"
    info = {
        "url": "https://files.example.org/foo_bar-1.0-py3-none-any.whl",
        "archive_info": {"hashes": {"sha256": "ab" * 32, "sha512": hostile, "md5": "cd" * 16}},
    }
    (package,) = parse_report(report(download_info=info)).packages
    assert package.archive_hashes == (("md5", "cd" * 16), ("sha256", "ab" * 32))
    assert "Foo_Bar: pip's report gives a sha512 digest that is not one; ignored" in caplog.text


@pytest.mark.parametrize("bad", [{"version": "2", "install": []}, ["not", "a", "report"]])
def test_unknown_report_versions_are_refused(bad: object) -> None:
    with pytest.raises(PipError, match="unsupported pip installation report version"):
        parse_report(bad)


@pytest.mark.parametrize("info", [{"vcs_info": {}}, {"dir_info": {}}])
def test_vcs_and_directory_results_are_refused(info: dict[str, object]) -> None:
    download = {"url": "file:///srv/project", **info}
    with pytest.raises(InputError, match="cannot be pinned by hash"):
        parse_report(report(download_info=download))


@pytest.mark.parametrize(
    ("stderr", "kind", "message"),
    [
        (
            "ERROR: Could not find a version that satisfies the requirement nope\n"
            "ERROR: No matching distribution found for nope\n",
            ResolutionError,
            "No matching distribution found for nope",
        ),
        (
            "WARNING: Retrying ... NewConnectionError\nERROR: No matching distribution\n",
            PipError,
            "could not reach an index",
        ),
        ("something odd\nhappened here\n", PipError, "pip failed: something odd happened here"),
        ("", PipError, "pip printed nothing"),
        (
            "ERROR: Could not install https://user:pw@host/x\n",
            PipError,
            "https://\\*\\*\\*\\*@host",
        ),
    ],
)
def test_pip_failures_are_classified(stderr: str, kind: type[Exception], message: str) -> None:
    error = _classify_failure(stderr)
    assert type(error) is kind
    assert re.search(message, str(error))


def test_a_pip_that_writes_no_report_is_an_environment_failure(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    requirements = tmp_path / "in.txt"
    requirements.write_text("six\n")
    with pytest.raises(PipError, match="pip wrote no readable installation report"):
        PipRunner(python=str(fake)).resolve(["-r", str(requirements)])


def fake_pip_writing(tmp_path: Path, report: str) -> str:
    """An interpreter whose ``-m pip install --report PATH`` writes ``report`` there."""
    fake = tmp_path / "python"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--report" ]; do shift; done\n'
        f"cat > \"$2\" <<'EOF'\n{report}\nEOF\n"
    )
    fake.chmod(0o755)
    return str(fake)


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ('{"version": "1", "pip_version": "26.3", "install": []}', "no metadata for the project"),
        ("[]", "cannot read pip's version from 'None'"),
    ],
)
def test_a_report_without_the_projects_metadata_is_an_environment_failure(
    tmp_path: Path, report: str, message: str
) -> None:
    runner = PipRunner(python=fake_pip_writing(tmp_path, report))
    with pytest.raises(PipError, match=message):
        runner.project_metadata("proj")


def test_the_metadata_pip_reports_for_a_project(tmp_path: Path) -> None:
    report = (
        '{"version": "1", "pip_version": "26.3", "install": [{"metadata": {"name": "p", '
        '"requires_dist": ["a"], "provides_extra": ["x"], "requires_python": ">=3.10"}}]}'
    )
    metadata = PipRunner(python=fake_pip_writing(tmp_path, report)).project_metadata("/abs/p")
    assert metadata == ProjectMetadata("p", ("a",), ("x",), ">=3.10")


@pytest.fixture
def crashing_index() -> Iterator[str]:
    """A real server whose pages are PEP 691 JSON with ``files`` a string: pip crashes."""
    page = {"meta": {"api-version": "1.1"}, "name": "x", "files": "no"}
    headers = {"Content-Type": "application/vnd.pypi.simple.v1+json"}
    with serving(always(json.dumps(page).encode(), headers)) as base:
        yield f"{base}simple/"


def test_a_pip_crash_is_quoted_by_its_exception_not_its_first_line(crashing_index: str) -> None:
    with pytest.raises(PipError) as caught:
        PipRunner().resolve(["--index-url", crashing_index, "pip-crash-pkg"])
    message = str(caught.value)
    assert message.startswith("pip failed: pip crashed with AttributeError: ")
    assert "'str' object has no attribute 'get'" in message
    assert "ERROR: Exception" not in message


def test_a_diagnostic_error_is_quoted_without_its_note_and_hint(
    json_index: JsonIndex, tmp_path: Path
) -> None:
    wheel = make_wheel(tmp_path, "pip-truncated", "1.0")
    url = json_index.add_file("pip-truncated", wheel)
    json_index.add_faults(url, *["truncate"] * 10)
    with pytest.raises(PipError) as caught:
        PipRunner().resolve(["--index-url", json_index.url, "--retries", "0", "pip-truncated"])
    message = str(caught.value)
    assert message.startswith("pip failed: Download failed ")
    assert "because not enough bytes were received" in message
    assert f"URL: {url}" in message
    assert "note:" not in message
    assert "network connectivity" not in message


@pytest.mark.parametrize(
    ("stderr", "message"),
    [
        (
            "error: subprocess-exited-with-error\n\n"
            "\u00d7 Building wheel did not run successfully.\n"
            "\u2502 exit code: 1\n"
            "\u2570\u2500> See above for output.\n\n"
            "note: This error originates from a subprocess.\n",
            "pip failed: Building wheel did not run successfully. exit code: 1 See above",
        ),
        ("error: some-error\n\nnote: only a note\n", "pip failed: error: some-error"),
    ],
)
def test_diagnostic_errors_are_quoted(stderr: str, message: str) -> None:
    assert str(_classify_failure(stderr)).startswith(message)


def test_a_diagnostic_error_with_nothing_after_it_is_quoted_whole() -> None:
    stderr = "error: resolution-too-deep\n\n\u00d7 Dependency resolution exceeded maximum depth\n"
    assert str(_classify_failure(stderr)) == (
        "pip failed: Dependency resolution exceeded maximum depth"
    )


@pytest.mark.parametrize(
    ("trap", "longest"),
    [("exit 1", 1.5), ("", 5)],  # pip that stops on Ctrl-C; one that ignores it, then killed
)
def test_an_interrupted_resolution_stops_pip(tmp_path: Path, trap: str, longest: float) -> None:
    fake = tmp_path / "python"
    fake.write_text(
        f"#!/bin/sh\ntrap '{trap}' INT\necho 'Collecting x'\nwhile :; do sleep 0.1; done\n"
    )
    fake.chmod(0o755)

    def interrupt(line: str) -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        PipRunner(python=str(fake), on_output=interrupt).resolve(["-r", "in.txt"])
    assert time.monotonic() - started < longest
