"""dephash: pin Python dependencies by version and hash.

The public Python API mirrors the command line, one use case per module, each
returning frozen data and never printing:

- :func:`dephash.gen.generate` resolves a requirements file and returns the
  hashed pins and the rendered file;
- :func:`dephash.outdated.check_outdated` reports pins or installed packages
  that are behind their index;
- :func:`dephash.check.check` audits a pinned file.
"""

__version__ = "0.1.0"
