"""dephash: pin Python dependencies by version and hash.

The public Python API mirrors the command line, one use case per module, each
returning frozen data and never printing:

- :func:`dephash.gen.generate` resolves an input and returns the hashed
  :class:`~dephash.model.Lock` (a format in :mod:`dephash.formats` renders it);
- :func:`dephash.outdated.check_outdated` reports pins or installed packages
  that are behind their index;
- :func:`dephash.check.check` audits a pinned file.

docs/ARCHITECTURE.md draws the pipeline and names the module that owns each step.
"""

__version__ = "0.1.0"
