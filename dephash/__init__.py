"""dephash: pin Python dependencies by version and hash.

The public Python API mirrors the command line: :func:`dephash.gen.generate`
resolves a requirements file and returns the rendered, hashed pins.
"""

__version__ = "0.1.0"
