"""One run at a time: `analysis clean` and `analysis report` hold a lock on the project."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from .config import Paths


class Busy(RuntimeError):
    """Another run holds the lock; the message says which and what to do."""


@contextmanager
def project_lock(paths: Paths, wait: float = 0.0) -> Iterator[None]:
    """Hold the project's lock, waiting up to `wait` seconds for another run to finish.

    The lock is an flock on `.analysis.lock` in the project root: the system releases it when
    the holder ends, even when killed, so a crashed run never leaves a stale lock behind.
    """
    path = paths.root / ".analysis.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    if wait > 0:
                        raise Busy(f"another run is still in progress after {wait:g} s of waiting ({holder}); "
                                   "wait for it to finish, or pass a longer --wait") from None
                    raise Busy(f"another run is in progress ({holder}); wait for it to finish, or "
                               f"pass --wait SECONDS to wait for it") from None
                time.sleep(0.2)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock
