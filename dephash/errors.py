"""One error tree: every failure dephash reports knows its exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``dephash`` command (documented in the README)."""

    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2
    ENVIRONMENT = 3


class DephashError(Exception):
    """Base of every error dephash reports; ``str()`` is the message for the user."""

    exit_code = ExitCode.ENVIRONMENT


class InputError(DephashError):
    """The input is unusable: unreadable, malformed, unhashable or unresolvable."""

    exit_code = ExitCode.BAD_INPUT


class ResolutionError(InputError):
    """pip could not resolve the requirements (no such package, conflicts).

    ``pip_output`` is everything pip printed (credentials removed): its
    explanation of a conflict names the requirements and constraints involved.
    """

    def __init__(self, message: str, pip_output: str = "") -> None:
        super().__init__(message)
        self.pip_output = pip_output


class EnvironmentFailure(DephashError):
    """Something outside the input failed: pip, the network, an index, the disk."""

    exit_code = ExitCode.ENVIRONMENT


class PipError(EnvironmentFailure):
    """pip is missing, too old, or failed for a reason that is not the input's."""


class IndexUnreachable(EnvironmentFailure):
    """An index or file URL could not be fetched, after retries."""


class IntegrityError(EnvironmentFailure):
    """A downloaded file does not match the digest its index published."""
