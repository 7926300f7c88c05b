"""Runs killed at any moment leave the previous or the new outputs, whole; runs never overlap."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, small_project

from analysis import load_incidents, load_monthly_counts
from analysis.clean import run_clean
from analysis.config import Paths

NEW_FILE = ("month,group_as_written,category_as_written,count\n"
            "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,9\n")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _clean_command(paths: Paths, *extra: str) -> list[str]:
    return [sys.executable, "-m", "analysis", "--root", str(paths.root), *extra, "clean"]


# A killed run is a child forked from a process that has already imported the package: each kill
# costs only the work it interrupts, and the kill points fall inside that work, not in start-up.
SERVE = textwrap.dedent("""
    import os
    import sys
    import time

    def serve(work):
        for _ in sys.stdin:
            began = time.monotonic()
            pid = os.fork()
            if pid == 0:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                try:
                    work()
                finally:
                    os._exit(0)
            print(pid, flush=True)
            os.waitpid(pid, 0)
            print(time.monotonic() - began, flush=True)
""")


class Forks:
    """A process that imported the package once and forks a child for each run asked of it."""

    def __init__(self, script: Path, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, str(script), *args], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def run(self, kill_after: float | None = None) -> float:
        """Run the work once in a child, killed with SIGKILL after `kill_after` seconds; the seconds it ran."""
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline())
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had finished
        return float(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


KILLS = 9  # kill points spread evenly over a whole run


CLEAN = SERVE + textwrap.dedent("""
    from analysis.cli import main

    serve(lambda: main(["--root", sys.argv[1], "clean"]))
""")


@pytest.mark.e2e
def test_killed_cleaning_leaves_the_previous_or_the_new_processed_data(tmp_path):
    expected_new = small_project(tmp_path / "expected", notebooks=False)
    (expected_new.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")
    run_clean(expected_new)
    new = digests(expected_new.processed)

    paths = small_project(tmp_path / "project", notebooks=False)
    run_clean(paths)
    old = digests(paths.processed)
    assert old != new
    (paths.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")

    script = tmp_path / "clean.py"
    script.write_text(CLEAN, encoding="utf-8")
    reference = Forks(script, str(expected_new.root))
    duration = reference.run()  # a whole run, started as the killed ones are
    reference.close()
    forks = Forks(script, str(paths.root))
    try:
        for step in range(1, KILLS + 1):
            forks.run(kill_after=duration * step / (KILLS + 1))
            state = digests(paths.processed)
            assert state in (old, new), f"killed after {duration * step / (KILLS + 1):.2f}s: a mix or partial files"
            assert len(load_monthly_counts(paths)) and len(load_incidents(paths))
    finally:
        forks.close()
    done = subprocess.run(_clean_command(paths), capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert digests(paths.processed) == new
    assert not list(paths.data.glob(".*staging*")), "a killed run's staging folder was not cleared"


EXPORT = SERVE + textwrap.dedent("""
    import pandas as pd
    from pathlib import Path
    from analysis import figures
    counts = pd.read_parquet(sys.argv[1])
    specs = (figures.groups_stacked(counts, "2023-01", "2024-12", "2024-12"),
             figures.legal_claims_by_type(counts, "2023-01", "2024-12", "2024-12"))
    serve(lambda: [figures.export(spec, Path(sys.argv[2]), ["en", "kk"], {}) for spec in specs])
""")


def _figure_states(folder: Path) -> dict[str, dict[str, str]]:
    files = digests(folder)
    return {name: {f: h for f, h in files.items() if f.startswith(name + ".")}
            for name in ("groups_stacked", "legal_claims_by_type")}


@pytest.mark.e2e
def test_killed_figure_export_leaves_each_figure_whole(shipped_run, tmp_path):
    old_counts = shipped_run[0] / "data" / "processed" / "monthly_counts.parquet"
    new_copy = copy_project(shipped_run[0], tmp_path / "new")
    (new_copy.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")
    run_clean(new_copy)
    new_counts = new_copy.processed / "monthly_counts.parquet"

    script = tmp_path / "export.py"
    script.write_text(EXPORT, encoding="utf-8")
    expected_new, target = tmp_path / "figures_new", tmp_path / "figures"
    reference = Forks(script, str(new_counts), str(expected_new))
    duration = reference.run()
    reference.close()
    subprocess.run([sys.executable, str(script), str(old_counts), str(target)], input="go\n", text=True,
                   capture_output=True, check=True, cwd=ROOT)
    old, new = _figure_states(target), _figure_states(expected_new)
    assert old != new and all(old.values()) and all(new.values())

    forks = Forks(script, str(new_counts), str(target))
    try:
        for step in range(1, KILLS + 1):
            forks.run(kill_after=duration * step / (KILLS + 1))
            state = _figure_states(target)
            for name in state:
                assert state[name] in (old[name], new[name]), \
                    f"{name}: a mix after {duration * step / (KILLS + 1):.2f}s"
    finally:
        forks.close()


@pytest.mark.e2e
def test_a_second_run_is_refused_or_waits(tmp_path):
    paths = small_project(tmp_path / "project", notebooks=False)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from analysis.config import Paths
        from analysis.lock import project_lock
        with project_lock(Paths({str(paths.root)!r})):
            print("locked", flush=True)
            time.sleep(4)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout.readline().strip() == "locked"
    refused = subprocess.run(_clean_command(paths), capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 3
    assert refused.stderr.startswith("error: another run is in progress (pid ")
    assert "pass --wait SECONDS" in refused.stderr and "Traceback" not in refused.stderr
    waited = subprocess.run(_clean_command(paths, "--wait", "60"), capture_output=True, text=True, cwd=ROOT)
    holder.wait()
    assert waited.returncode == 0, waited.stderr
    assert paths.monthly_counts.exists()
