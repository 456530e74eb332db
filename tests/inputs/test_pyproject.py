"""A pyproject.toml as an input: what it gives pip, and what it refuses (no pip runs here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dephash.errors import InputError
from dephash.inputs import open_input
from dephash.inputs.pyproject import PyprojectInput
from dephash.inputs.reqfile import UnhashableRequirement
from dephash.model import ProjectMetadata
from dephash.options import Selection
from tests.support.projects import write_project

APP = """\
[project]
name = "App_Name"
version = "1.0"
requires-python = ">=3.10"
dependencies = [
    "base>=1",
    "winonly; sys_platform == 'win32'",
]

[project.optional-dependencies]
fast = ["speedy"]
Docs = ["sphinx-ish>=2; python_version >= '3.8'"]
all = ["app-name[fast,docs]"]

[dependency-groups]
test = ["pytest-ish"]
dev = ["lint-ish", {include-group = "test"}]
"""


def source(path: Path, selection: Selection | None = None) -> PyprojectInput:
    def no_build(folder: str) -> ProjectMetadata:
        raise AssertionError(f"static metadata needs no build ({folder})")

    opened = open_input(str(path), None, selection, no_build)
    assert isinstance(opened, PyprojectInput)
    return opened


def lines(opened: PyprojectInput) -> list[tuple[str | None, str, int, str | None]]:
    return [
        (line.name, line.specifier, line.lineno, line.via)
        for line in opened.requirements().requirements
    ]


def scratch(opened: PyprojectInput) -> tuple[str, list[str]]:
    """The scratch requirements file pip would read, and the other arguments."""
    with opened.pip_arguments() as arguments:
        if arguments[:1] != ["-r"]:
            return "", arguments
        text = Path(arguments[1]).read_text()
    assert not Path(arguments[1]).exists()
    return text, arguments[2:]


def test_the_project_dependencies_and_nothing_else(workdir: Path) -> None:
    opened = source(write_project(workdir, APP))
    assert lines(opened) == [
        ("base", ">=1", 6, "app-name (pyproject.toml)"),
        ("winonly", "", 7, "app-name (pyproject.toml)"),
    ]
    assert scratch(opened) == ('base>=1\nwinonly; sys_platform == "win32"\n', [])
    assert opened.requirements().requires_python == ">=3.10"
    assert opened.command_arguments() == ["pyproject.toml"]
    assert opened.shown == "pyproject.toml"


def test_extras_are_added_by_name(workdir: Path) -> None:
    opened = source(write_project(workdir / "app", APP), Selection(extras=("docs",)))
    assert [name for name, *_ in lines(opened)] == ["base", "winonly", "sphinx-ish"]
    assert lines(opened)[2] == ("sphinx-ish", ">=2", 12, "app-name (app/pyproject.toml)")
    text, rest = scratch(opened)
    assert text.splitlines()[2] == 'sphinx-ish>=2; python_version >= "3.8"'
    assert rest == []
    assert opened.command_arguments() == ["--extra", "docs", "app/pyproject.toml"]


@pytest.mark.parametrize(
    "selection", [Selection(all_extras=True), Selection(extras=("all",))], ids=["all", "self"]
)
def test_every_extra(workdir: Path, selection: Selection) -> None:
    opened = source(write_project(workdir, APP), selection)
    assert [name for name, *_ in lines(opened)] == ["base", "winonly", "speedy", "sphinx-ish"]
    assert "app-name" not in scratch(opened)[0]


def test_groups_go_to_pip_with_their_includes_followed_here(workdir: Path) -> None:
    path = write_project(workdir / "app", APP)
    opened = source(path, Selection(extras=("fast",), groups=("dev",)))
    assert lines(opened)[2:] == [
        ("speedy", "", 11, "app-name (app/pyproject.toml)"),
        ("lint-ish", "", 17, "app-name (app/pyproject.toml:dev)"),
        ("pytest-ish", "", 16, "app-name (app/pyproject.toml:dev)"),
    ]
    text, rest = scratch(opened)
    assert text.splitlines()[-1] == "speedy"
    assert rest == ["--group", f"{path}:dev"]
    assert opened.command_arguments() == ["--extra", "fast", "--group", "dev", "app/pyproject.toml"]


def test_a_tools_only_lock_from_groups_alone(workdir: Path) -> None:
    path = write_project(workdir, '[dependency-groups]\ntools = ["black-ish"]\n')
    opened = source(path, Selection(groups=("tools",)))
    assert lines(opened) == [("black-ish", "", 2, "pyproject.toml:tools")]
    assert scratch(opened) == ("", ["--group", f"{path}:tools"])
    assert opened.requirements().requires_python is None


def test_dynamic_dependencies_come_from_the_build_backend(workdir: Path) -> None:
    path = write_project(
        workdir / "dyn",
        '[project]\nname = "dyn"\nversion = "1"\n\n'
        'dynamic = ["dependencies", "optional-dependencies"]\n',
    )
    asked: list[str] = []

    def build(folder: str) -> ProjectMetadata:
        asked.append(folder)
        return ProjectMetadata(
            "dyn",
            ("base>=1", 'fancy; extra == "x"', 'dyn[x]; extra == "y"'),
            ("x", "y"),
            ">=3.9",
        )

    opened = open_input(str(path), None, Selection(extras=("y",)), build)
    assert [(line.name, line.lineno) for line in opened.requirements().requirements] == [
        ("base", 5),
        ("fancy", 5),
    ]
    assert opened.requirements().requires_python == ">=3.9"
    with opened.pip_arguments() as arguments:
        assert Path(arguments[1]).read_text() == "base>=1\nfancy\n"
    assert asked == [str(workdir / "dyn")]
    with pytest.raises(InputError, match=r"no extra 'z' \(its extras: x, y\)"):
        open_input(str(path), None, Selection(extras=("z",)), build).requirements()


def test_a_requirements_file_takes_no_selection(workdir: Path) -> None:
    (workdir / "requirements.txt").write_text("base\n")
    with pytest.raises(InputError, match=r"and requirements\.txt is a requirements file"):
        open_input("requirements.txt", None, Selection(groups=("dev",)))
    assert open_input("requirements.txt", None, Selection()).shown == "requirements.txt"


def test_the_default_builder_is_not_needed_for_static_metadata(workdir: Path) -> None:
    write_project(workdir, APP)
    assert len(open_input("pyproject.toml").requirements().requirements) == 2


@pytest.mark.parametrize(
    ("text", "selection", "message"),
    [
        ("[project\n", Selection(), r"^pyproject.toml: not valid TOML: .*\(at line 1, column 9\)$"),
        ("[tool.x]\n", Selection(), "declares no dependencies: no .project. dependencies"),
        ('[project]\nname = "a"\n', Selection(), "declares no dependencies"),
        (
            '[project]\nname = "a"\ndependencies = []\n[dependency-groups]\ndev = ["x"]\n',
            Selection(),
            r"nothing to lock: .* --extra or --group \(it has no extras; its groups: dev\)$",
        ),
        (APP, Selection(extras=("nope",)), r"no extra 'nope' \(its extras: all, docs, fast\)$"),
        (
            '[project]\nname = "a"\ndependencies = ["b"]\n',
            Selection(extras=("x",)),
            r"no extra 'x' \(it has no extras\)$",
        ),
        (
            APP,
            Selection(groups=("nope",)),
            r"no dependency group 'nope' \(its groups: dev, test\)$",
        ),
        (
            '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n',
            Selection(groups=("a",)),
            r"\[dependency-groups\] include cycle: .*a",
        ),
        (
            '[dependency-groups]\na = ["not valid!"]\n',
            Selection(groups=("a",)),
            r"\[dependency-groups\] error: ",
        ),
        ('project = "x"\n', Selection(), r"\[project\] is not a table"),
        ("[project]\ndependencies = 'b'\n", Selection(), r"\[project\] dependencies is not a list"),
        ("[project]\noptional-dependencies = 1\n", Selection(), "optional-dependencies is not a"),
        ('[project]\nname = "a b"\n', Selection(), r"name is not a valid name: 'a b'"),
        ('[project]\nname = "a\\nb"\n', Selection(), r"name is not a valid name: 'a\\nb'"),
        ('[project.optional-dependencies]\n"a\\"" = ["b"]\n', Selection(), "not a valid extra"),
        (
            '[project]\ndependencies = ["b >= "]\n',
            Selection(),
            r"\[project\] dependencies: not a valid requirement: 'b >= '$",
        ),
        (
            '[project]\ndependencies = ["b"]\nrequires-python = "3.10"\n',
            Selection(),
            r"requires-python is not a version specifier: '3.10'$",
        ),
        (
            '[project]\ndependencies = ["b"]\nrequires-python = 3\n',
            Selection(),
            r"requires-python is not a version specifier: 3$",
        ),
    ],
)
def test_a_file_that_cannot_be_locked_is_bad_input(
    workdir: Path, text: str, selection: Selection, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        source(write_project(workdir, text), selection).requirements()


def test_an_unhashable_dependency_is_refused_as_in_a_requirements_file(workdir: Path) -> None:
    path = write_project(workdir, '[project]\ndependencies = ["b @ git+https://example.org/b"]\n')
    with pytest.raises(UnhashableRequirement, match=r"^pyproject.toml:2: VCS requirement"):
        source(path).requirements()


def test_a_missing_file_is_bad_input(workdir: Path) -> None:
    with pytest.raises(InputError, match=r"pyproject\.toml not found: sub/pyproject\.toml"):
        source(workdir / "sub" / "pyproject.toml").requirements()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[tool.x]\n",
            "declares no dependencies: no [project] dependencies, optional-dependencies or "
            "[dependency-groups]",
        ),
        ('[project]\ndynamic = "x"\n', "[project] dynamic is not a list of strings"),
        (
            "[project]\noptional-dependencies = 1\n",
            "[project] optional-dependencies is not a table",
        ),
        ("dependency-groups = 1\n", "[dependency-groups] is not a table"),
        (
            '[project.optional-dependencies]\nx = "b"\n',
            "[project.optional-dependencies] x is not a list of strings",
        ),
        (
            '[project.optional-dependencies]\nx = ["b >= "]\n',
            "[project.optional-dependencies] x: not a valid requirement: 'b >= '",
        ),
        (
            '[project]\ndependencies = ["b"]\nrequires-python = "3.10"\n',
            "requires-python is not a version specifier: '3.10'",
        ),
    ],
)
def test_what_cannot_be_locked_is_said_in_full(workdir: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        source(write_project(workdir, text)).requirements()
    assert str(caught.value) == f"pyproject.toml: {message}"


def test_a_dynamic_requirement_that_is_not_valid_is_named(workdir: Path) -> None:
    path = write_project(workdir, '[project]\nname = "d"\ndynamic = ["dependencies"]\n')
    opened = open_input(str(path), None, None, lambda _: ProjectMetadata("d", ("b >= ",), ()))
    with pytest.raises(InputError) as caught:
        opened.requirements()
    assert str(caught.value) == "pyproject.toml: dynamic: not a valid requirement: 'b >= '"


def test_each_requirement_is_found_on_its_own_line_in_its_own_table(workdir: Path) -> None:
    text = (
        "[tool.notes]\n"
        'text = "base>=1, speedy, pytest-ish"\n'
        "[project]\n"
        'dependencies = ["base>=1"]\n'
        "[project.optional-dependencies]\n"
        'fast = ["speedy"]\n'
        "[dependency-groups]\n"
        'test = ["pytest-ish"]\n'
    )
    opened = source(write_project(workdir, text), Selection(extras=("fast",), groups=("test",)))
    assert lines(opened) == [
        ("base", ">=1", 4, "pyproject.toml"),
        ("speedy", "", 6, "pyproject.toml"),
        ("pytest-ish", "", 8, "pyproject.toml:test"),
    ]
    assert not any(line.constraint for line in opened.requirements().requirements)
