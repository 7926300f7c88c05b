"""Runs killed at any moment leave the previous or the new outputs, whole; runs never overlap."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, small_project

from analysis import load_incidents, load_monthly_counts
from analysis.clean import run_clean
from analysis.config import Paths

NEW_FILE = ("month,group_as_written,category_as_written,count\n"
            "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,9\n")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _clean_command(paths: Paths, *extra: str) -> list[str]:
    return [sys.executable, "-m", "analysis", "--root", str(paths.root), *extra, "clean"]


# A killed run is a child forked from one process that has already imported the package and what the
# work imports (the cleaning's modules; the PDF and SVG writers and the font subsetter): each kill
# costs only the work it interrupts. The kill points are where the risk is: just before each rename
# that changes what a reader of the watched folder sees and just after the last (found by watching
# the renames of a whole run), and a few moments spread over the run, while files are being written.
SERVE = textwrap.dedent("""
    import json
    import os
    import signal
    import sys
    import time
    from pathlib import Path

    from analysis import storage

    def watch(folder, trace, kill_point):
        # Renames into `folder`, or of it, are what a reader sees change: each is numbered; the
        # child kills itself just before (odd kill point) or just after (even) the one chosen.
        seen = [0]

        def wrap(name, rename):
            def renamed(*args, **kwargs):
                shown = any(Path(p) == folder or Path(p).parent == folder for p in args[:2])
                if shown:
                    seen[0] += 1
                    if trace:
                        with open(trace, "a", encoding="utf-8") as out:
                            out.write(f"{name} {args[1]}\\n")
                    if kill_point == 2 * seen[0] - 1:
                        os.kill(os.getpid(), signal.SIGKILL)
                result = rename(*args, **kwargs)
                if shown and kill_point == 2 * seen[0]:
                    os.kill(os.getpid(), signal.SIGKILL)
                return result
            return renamed

        os.replace, os.rename = wrap("replace", os.replace), wrap("rename", os.rename)
        storage._exchange = wrap("exchange", storage._exchange)

    def serve(work):
        for line in sys.stdin:
            request = json.loads(line)
            began = time.monotonic()
            pid = os.fork()
            if pid == 0:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                status = 1
                try:
                    watch(Path(request["watch"]), request["trace"], request["kill_point"])
                    work(*request["args"])
                    status = 0
                finally:
                    os._exit(status)
            print(pid, flush=True)
            _, status = os.waitpid(pid, 0)
            print(time.monotonic() - began, status, flush=True)
""")


class Forks:
    """A process that imported the package once and forks a child for each run asked of it."""

    def __init__(self, script: Path) -> None:
        self.process = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def run(self, *args: str, watch: Path, kill_point: int | None = None, kill_after: float | None = None,
            trace: Path | None = None) -> tuple[float, int]:
        """Run the work once in a child: (the seconds it ran, its wait status). The child is killed
        with SIGKILL at rename `kill_point` in `watch` (see SERVE), or after `kill_after` seconds."""
        request = {"args": list(args), "watch": str(watch), "kill_point": kill_point,
                   "trace": str(trace) if trace else None}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline())
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had finished
        seconds, status = self.process.stdout.readline().split()
        return float(seconds), int(status)

    def whole(self, *args: str, watch: Path, trace: Path | None = None) -> float:
        """Run the work once to its end, as the killed runs start; the seconds it took."""
        seconds, status = self.run(*args, watch=watch, trace=trace)
        assert status == 0, f"the run failed (wait status {status})"
        return seconds

    def kill_points(self, *args: str, watch: Path, duration: float, renames: int) -> Iterator[str]:
        """Run the work killed at each point where the risk is, one run per point; after each,
        the caller checks the state (each yield names the point).

        The points are just before each rename and just after the last: a reader of the watched
        folder sees it change only at a rename, so the state just after rename k is the state just
        before rename k + 1 but for what was written into the folder in between, which the kill
        before rename k + 1 finds too."""
        for point in [*range(1, 2 * renames, 2), 2 * renames]:
            _, status = self.run(*args, watch=watch, kill_point=point)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"kill point {point} not reached"
            yield f"killed {'before' if point % 2 else 'after'} rename {(point + 1) // 2} of {renames}"
        for step in range(1, TIMED_KILLS + 1):
            seconds = duration * step / (TIMED_KILLS + 1)
            self.run(*args, watch=watch, kill_after=seconds)
            yield f"killed after {seconds:.2f}s"

    def close(self) -> None:
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


TIMED_KILLS = 2  # kill points spread evenly over a whole run, besides those at the renames


def renames(trace: Path) -> int:
    """How many renames a whole run made that a reader of the watched folder sees."""
    return len(trace.read_text(encoding="utf-8").splitlines())


CLEAN = SERVE + textwrap.dedent("""
    import price_parser  # noqa: F401 (what `analysis clean` imports, imported once, not by every child)
    from analysis import clean, lock, report  # noqa: F401
    from analysis.cli import main

    serve(lambda root: main(["--root", root, "clean"]))
""")


@pytest.mark.e2e
def test_killed_cleaning_leaves_the_previous_or_the_new_processed_data(tmp_path):
    expected_new = small_project(tmp_path / "expected", notebooks=False)
    (expected_new.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")

    paths = small_project(tmp_path / "project", notebooks=False)
    run_clean(paths)
    old = digests(paths.processed)
    (paths.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")

    script = tmp_path / "clean.py"
    script.write_text(CLEAN, encoding="utf-8")
    forks = Forks(script)
    try:
        trace = tmp_path / "renames"
        # a whole run, started as the killed ones are
        duration = forks.whole(str(expected_new.root), watch=expected_new.processed, trace=trace)
        new = digests(expected_new.processed)
        assert old != new and renames(trace) >= 1
        for point in forks.kill_points(str(paths.root), watch=paths.processed, duration=duration,
                                       renames=renames(trace)):
            state = digests(paths.processed)
            assert state in (old, new), f"{point}: a mix or partial files"
            assert len(load_monthly_counts(paths)) and len(load_incidents(paths))
        forks.whole(str(paths.root), watch=paths.processed)  # the next run, after the last kill
    finally:
        forks.close()
    assert digests(paths.processed) == new
    assert not list(paths.data.glob(".*staging*")), "a killed run's staging folder was not cleared"


EXPORT = SERVE + textwrap.dedent("""
    import fontTools.subset  # noqa: F401 (what an export imports, imported once, not by every child)
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401
    import pandas as pd
    from analysis import figures

    def export(counts, folder):
        counts = pd.read_parquet(counts)
        for spec in (figures.groups_stacked(counts, "2024-07", "2024-12", "2024-12"),  # half a year: what is
                     figures.legal_claims_by_type(counts, "2024-07", "2024-12", "2024-12")):  # killed is the writing
            figures.export(spec, Path(folder), ["kk"], {})  # as a notebook run exports: one language

    serve(export)
""")


def _figure_states(folder: Path) -> dict[str, dict[str, str]]:
    files = digests(folder)
    return {name: {f: h for f, h in files.items() if f.startswith(name + ".")}
            for name in ("groups_stacked", "legal_claims_by_type")}


@pytest.mark.e2e
def test_killed_figure_export_leaves_each_figure_whole(shipped_run, tmp_path):
    old_counts = shipped_run[0] / "data" / "processed" / "monthly_counts.parquet"
    counts = pd.read_parquet(old_counts)  # new data: November's counts doubled (what is killed is the export)
    counts.loc[counts["month"] == "2024-11", "count"] *= 2
    new_counts = str(tmp_path / "monthly_counts.parquet")
    counts.to_parquet(new_counts)

    script = tmp_path / "export.py"
    script.write_text(EXPORT, encoding="utf-8")
    expected_new, target, trace = tmp_path / "figures_new", tmp_path / "figures", tmp_path / "renames"
    forks = Forks(script)
    try:
        duration = forks.whole(new_counts, str(expected_new), watch=expected_new, trace=trace)
        forks.whole(str(old_counts), str(target), watch=target)
        old, new = _figure_states(target), _figure_states(expected_new)
        assert all(old.values()) and all(new.values()) and all(old[name] != new[name] for name in old)
        assert renames(trace) >= 2  # at least one per figure
        left: set[str] = set()
        for point in forks.kill_points(new_counts, str(target), watch=target, duration=duration,
                                       renames=renames(trace)):
            state = _figure_states(target)
            for name in state:
                assert state[name] in (old[name], new[name]), f"{name}: a mix, {point}"
            left |= {p.name.split("-")[-2] for p in tmp_path.glob(".figures.staging-*")}
        # The images are drawn beside the folder, not in the system's temporary folder: what a killed
        # export leaves there, the next export removes.
        assert "scratch" in left
        forks.whole(new_counts, str(target), watch=target)
        assert list(tmp_path.glob(".figures.staging-*")) == [] and _figure_states(target) == new
    finally:
        forks.close()


def _holds_open(pid: int, path: Path) -> bool:
    """Whether process `pid` has `path` open (it has reached the lock and waits for it)."""
    try:
        return any(os.path.realpath(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # it ended, or a descriptor closed while listed
        return False


@pytest.mark.e2e
def test_a_second_run_is_refused_or_waits(tmp_path):
    paths = small_project(tmp_path / "project", notebooks=False)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from analysis.config import Paths
        from analysis.lock import project_lock
        with project_lock(Paths({str(paths.root)!r})):
            print("locked", flush=True)
            sys.stdin.readline()  # held until the test says
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout.readline().strip() == "locked"
    refused = subprocess.run(_clean_command(paths), capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 3
    assert refused.stderr.startswith("error: another run is in progress (pid ")
    assert "pass --wait SECONDS" in refused.stderr and "Traceback" not in refused.stderr
    waiting = subprocess.Popen(_clean_command(paths, "--wait", "60"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    lock = (paths.root / ".analysis.lock").resolve()
    deadline = time.monotonic() + 60
    while not _holds_open(waiting.pid, lock) and waiting.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting.poll() is None and not paths.monthly_counts.exists()  # it waits while the lock is held
    holder.communicate("\n")  # the holder lets go
    _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert paths.monthly_counts.exists()
