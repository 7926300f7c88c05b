"""A pytest plugin for `bench_suite.py --timeline`: each process appends when each test starts and
ends to $SUITE_TIMELINE/<worker>.tsv (`start|end`, wall-clock seconds, test id); under xdist the
main process writes main.tsv too, from the workers' reports."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _write(kind: str, nodeid: str) -> None:
    folder = os.environ.get("SUITE_TIMELINE")
    if folder:
        name = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(Path(folder) / f"{name}.tsv", "a", encoding="utf-8") as out:
            out.write(f"{kind}\t{time.time():.3f}\t{nodeid}\n")


def pytest_runtest_logstart(nodeid, location):
    _write("start", nodeid)


def pytest_runtest_logfinish(nodeid, location):
    _write("end", nodeid)
