"""Side-by-side benchmark: dephash gen against pip, pip-compile, uv and a plain download.

All tools run from the benchmark's own venv (``bench/.venv``: this checkout installed
editable, the pip that dephash's CI pins, pip-tools, uv), with the same Python, against
the public index only, isolated from this machine's pip and uv configuration, each with
cache folders of its own. Results: medians, min/max, the ratios issue 3 states its
targets in (PASS/MISS), how time grows with the number of pins, and a check of
dephash's pins and hashes against uv's and pip-compile's for the same input.

Run ``python3 bench/run.py --help``; the README's "Benchmark" section says what is fair.
Standard library and requests only: the script re-runs itself inside the bench venv.
"""
