"""Package metadata for dephash."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"',
    (HERE / "dephash" / "__init__.py").read_text(encoding="utf-8"),
    re.MULTILINE,
).group(1)  # type: ignore[union-attr]

setup(
    name="dephash",
    version=VERSION,
    description="Pin Python dependencies by version and hash, for pip --require-hashes",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    packages=find_packages(include=["dephash", "dephash.*"]),
    package_data={"dephash": ["py.typed"]},
    python_requires=">=3.10",
    install_requires=[
        "click>=8.1",
        "requests>=2.31",
        "packaging>=26.1",  # packaging.dependency_groups
        'tomli>=1.1; python_version < "3.11"',
        "tomli-w>=1.1",  # writes pylock.toml
        "platformdirs>=3",
        "pip>=25.3",
    ],
    entry_points={"console_scripts": ["dephash = dephash.cli:run"]},
    classifiers=[
        "Environment :: Console",
        "Programming Language :: Python :: 3",
        "Topic :: Software Development :: Build Tools",
    ],
)
