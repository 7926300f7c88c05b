"""A pytest plugin for `bench_suite.py --timeline`: each process appends when each test starts and
ends to $SUITE_TIMELINE/<worker>.tsv (`start|end`, wall-clock seconds, test id); under xdist the
main process writes main.tsv too, from the workers' reports. Each call of `analysis.clean.run_clean`
made in a pytest process adds a line `clean`, its seconds, the test id (calls made in subprocesses
and notebook kernels are not counted)."""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path


def _write(kind: str, value: float, nodeid: str) -> None:
    folder = os.environ.get("SUITE_TIMELINE")
    if folder:
        name = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(Path(folder) / f"{name}.tsv", "a", encoding="utf-8") as out:
            out.write(f"{kind}\t{value:.3f}\t{nodeid}\n")


def pytest_runtest_logstart(nodeid, location):
    _write("start", time.time(), nodeid)


def pytest_runtest_logfinish(nodeid, location):
    _write("end", time.time(), nodeid)


def _timed_cleaning() -> None:
    """`run_clean` replaced, before any test module imports it, by itself timed."""
    import analysis.execute  # noqa: F401 (first, as tests/conftest.py imports it: see its rfc3987_syntax)
    from analysis import clean

    inner = clean.run_clean

    @functools.wraps(inner)
    def run_clean(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
            _write("clean", time.perf_counter() - start, test)

    clean.run_clean = run_clean


if os.environ.get("SUITE_TIMELINE"):
    _timed_cleaning()
