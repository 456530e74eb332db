"""Build small, valid, deterministic wheels and sdists for tests.

Nothing here runs a build backend: the archives are written directly with
:mod:`zipfile` and :mod:`tarfile`.  Building the same distribution twice with
the same arguments gives byte-identical files (fixed timestamps, fixed
permissions, sorted entries, gzip header without a timestamp or file name).
To get two *different* files of the same name, pass a different ``payload``.

Naming:

* the file-name component is the PEP 503 normalized name with ``_`` as the
  separator (``My.Pkg`` -> ``my_pkg``), as in PEP 427 / PEP 625;
* the import package inside the archive has that same name;
* ``Name:`` in the metadata is the name exactly as given.

Versions are used as given; pass normalized versions (``1.0``, not ``1.00``)
if you want the file name to match what pip will report.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import itertools
import re
import tarfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["dist_name", "make_sdist", "make_wheel", "sha"]

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_GENERATOR = "dephash-tests (tests/support/builder.py)"


def dist_name(name: str) -> str:
    """Return ``name`` normalized for use in file names (``My.Pkg`` -> ``my_pkg``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def sha(path: Path, algorithm: str = "sha256") -> str:
    """Return the hex digest of the file at ``path``."""
    digest = hashlib.new(algorithm)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _record_hash(data: bytes) -> str:
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _module_source(version: str, payload: str) -> str:
    text = f'__version__ = "{version}"\n'
    if payload:
        text += payload if payload.endswith("\n") else payload + "\n"
    return text


def _with_extra(requirement: str, extra: str) -> str:
    """Attach ``extra == "<extra>"`` to a requirement, keeping any marker it has."""
    spec, sep, marker = requirement.partition(";")
    spec = spec.strip()
    if sep and marker.strip():
        return f'{spec}; ({marker.strip()}) and extra == "{extra}"'
    return f'{spec}; extra == "{extra}"'


def _metadata(
    name: str,
    version: str,
    requires: Sequence[str],
    requires_python: str | None,
    extras: Mapping[str, Sequence[str]] | None,
) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines.append(f"Summary: Test distribution {name} {version}")
    if requires_python is not None:
        lines.append(f"Requires-Python: {requires_python}")
    lines.extend(f"Requires-Dist: {req}" for req in requires)
    for extra in sorted(extras or {}):
        lines.append(f"Provides-Extra: {extra}")
    for extra in sorted(extras or {}):
        lines.extend(f"Requires-Dist: {_with_extra(req, extra)}" for req in (extras or {})[extra])
    return "\n".join(lines) + "\n\n"


def _expand_tag(tag: str) -> list[str]:
    """Expand a compressed tag set (``py2.py3-none-any``) into single tags."""
    parts = tag.split("-")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"not a wheel tag (python-abi-platform): {tag!r}")
    pythons, abis, platforms = (part.split(".") for part in parts)
    return ["-".join(combo) for combo in itertools.product(pythons, abis, platforms)]


def _zip_info(arcname: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100644 & 0xFFFF) << 16
    info.create_system = 3  # Unix, so external_attr is read as a mode
    return info


def make_wheel(
    dest: Path,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    requires_python: str | None = None,
    tag: str = "py3-none-any",
    extras: Mapping[str, Sequence[str]] | None = None,
    payload: str = "",
) -> Path:
    """Write an installable pure-Python wheel into ``dest`` and return its path.

    The wheel holds ``<dist>/__init__.py`` (``__version__`` plus ``payload``)
    and ``<dist>-<version>.dist-info/{METADATA,WHEEL,RECORD}``; the RECORD
    lists sha256 (urlsafe base64, no padding) and sizes.  ``requires`` become
    ``Requires-Dist`` lines; ``extras`` maps an extra name to its
    requirements (``Provides-Extra`` plus ``Requires-Dist: x; extra == "e"``).
    ``tag`` may be a compressed tag set; the WHEEL file lists every tag.
    """
    dist = dist_name(name)
    tags = _expand_tag(tag)
    dist_info = f"{dist}-{version}.dist-info"
    files: dict[str, bytes] = {
        f"{dist}/__init__.py": _module_source(version, payload).encode(),
    }
    metadata = {
        f"{dist_info}/METADATA": _metadata(
            name, version, requires, requires_python, extras
        ).encode(),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\n"
            f"Generator: {_GENERATOR}\n"
            "Root-Is-Purelib: true\n" + "".join(f"Tag: {t}\n" for t in tags)
        ).encode(),
    }
    record_name = f"{dist_info}/RECORD"
    # Package files sorted, then the dist-info files with RECORD last.
    entries = sorted(files.items()) + sorted(metadata.items())
    record = "".join(f"{arcname},{_record_hash(data)},{len(data)}\n" for arcname, data in entries)
    record += f"{record_name},,\n"
    entries.append((record_name, record.encode()))

    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{dist}-{version}-{tag}.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for arcname, data in entries:
            archive.writestr(_zip_info(arcname), data)
    path.write_bytes(buffer.getvalue())
    return path


def _pyproject(name: str, version: str, dist: str, requires: Sequence[str]) -> str:
    deps = "".join(f"    {_toml_string(req)},\n" for req in requires)
    return (
        "[build-system]\n"
        'requires = ["setuptools>=61"]\n'
        'build-backend = "setuptools.build_meta"\n'
        "\n"
        "[project]\n"
        f"name = {_toml_string(name)}\n"
        f"version = {_toml_string(version)}\n"
        f"dependencies = [\n{deps}]\n"
        "\n"
        "[tool.setuptools]\n"
        f"packages = [{_toml_string(dist)}]\n"
    )


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def make_sdist(
    dest: Path,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    payload: str = "",
) -> Path:
    """Write ``<dist>-<version>.tar.gz`` into ``dest`` and return its path.

    Top folder ``<dist>-<version>/`` with ``PKG-INFO`` (Metadata-Version 2.1),
    a ``pyproject.toml`` using ``setuptools.build_meta``, and
    ``<dist>/__init__.py``.  Note that building it needs setuptools from the
    index pip is pointed at (or ``--no-build-isolation``); pip only builds it
    when no wheel fits.
    """
    dist = dist_name(name)
    top = f"{dist}-{version}"
    files: dict[str, bytes] = {
        f"{top}/PKG-INFO": _metadata(name, version, requires, None, None).encode(),
        f"{top}/pyproject.toml": _pyproject(name, version, dist, requires).encode(),
        f"{top}/{dist}/__init__.py": _module_source(version, payload).encode(),
    }
    directories = {top, f"{top}/{dist}"}

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for member in sorted(directories | set(files)):
            info = tarfile.TarInfo(member)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if member in directories:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                archive.addfile(info)
            else:
                data = files[member]
                info.mode = 0o644
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))

    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{top}.tar.gz"
    path.write_bytes(gzip.compress(raw.getvalue(), compresslevel=9, mtime=0))
    return path


def wheel_metadata(wheel: Path) -> bytes:
    """The METADATA file a wheel holds: what an index serves as its PEP 658 metadata file."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return archive.read(name)
