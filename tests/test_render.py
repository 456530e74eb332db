"""Rendering pins, and reading the rendered text back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dephash.models import Pin
from dephash.redact import redact
from dephash.render import render, render_pin
from dephash.reqfile import logical_lines


def test_a_pin_block_has_sorted_hashes_and_four_space_continuations() -> None:
    pin = Pin("requests", "2.32.3", ("sha512:bb", "sha512:aa"), via=("-r requirements-dev.txt",))
    assert render_pin(pin) == (
        "requests==2.32.3 \\\n"
        "    --hash=sha512:aa \\\n"
        "    --hash=sha512:bb\n"
        "    # via -r requirements-dev.txt\n"
    )


def test_several_sources_are_listed_one_per_line() -> None:
    pin = Pin("idna", "3.7", ("sha256:aa",), via=("-r in.txt", "requests"))
    assert render_pin(pin).endswith("    # via\n    #   -r in.txt\n    #   requests\n")


def test_annotations_can_be_dropped() -> None:
    pin = Pin("idna", "3.7", ("sha256:aa",), via=("requests",))
    assert render_pin(pin, annotate=False) == "idna==3.7 \\\n    --hash=sha256:aa\n"


def test_direct_url_pins_name_their_url() -> None:
    pin = Pin("pkg", "1.0", ("sha256:aa",), url="https://example.org/pkg-1.0.tar.gz")
    assert render_pin(pin).startswith("pkg @ https://example.org/pkg-1.0.tar.gz \\\n")


def test_file_is_header_then_pins_sorted_by_name() -> None:
    pins = [Pin("zope", "1", ("sha256:01",)), Pin("attrs", "2", ("sha256:02",))]
    text = render(pins, ["", "made by a test", ""])
    assert text.splitlines()[:4] == ["#", "# made by a test", "#", "attrs==2 \\"]


names = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True)
versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}", fullmatch=True)
digests = st.from_regex(r"sha(256|384|512):[0-9a-f]{8,16}", fullmatch=True)
pins_strategy = st.dictionaries(
    names,
    st.tuples(versions, st.lists(digests, min_size=1, max_size=4, unique=True), st.booleans()),
    max_size=8,
)


@given(pins_strategy)
def test_rendered_pins_read_back_as_the_same_pins(
    table: dict[str, tuple[str, list[str], bool]],
) -> None:
    pins = [
        Pin(name, version, tuple(hashes), via=("-r in.txt",) if via else ())
        for name, (version, hashes, via) in table.items()
    ]
    text = render(pins, ["header"])
    read_back = {}
    for _, line in logical_lines(text):
        requirement, *options = line.split()
        name, version = requirement.split("==")
        read_back[name] = (version, sorted(option.removeprefix("--hash=") for option in options))
    assert read_back == {name: (v, sorted(h)) for name, (v, h, _) in table.items()}


def test_redact_removes_credentials_from_every_url() -> None:
    text = "see https://user:secret@host/simple and http://token@other/x, not a@b"
    assert redact(text) == "see https://****@host/simple and http://****@other/x, not a@b"
