"""Runs killed at any moment leave the previous or the new outputs, whole; runs never overlap."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import ROOT

from analysis import load_incidents, load_monthly_counts
from analysis.config import Paths
from analysis.pipeline import run_clean

NEW_FILE = ("month,group_as_written,category_as_written,count\n"
            "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,9\n")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _project(root: Path) -> Paths:
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    return Paths(root)


def _clean_command(paths: Paths, *extra: str) -> list[str]:
    return [sys.executable, "-m", "analysis", "--root", str(paths.root), *extra, "clean"]


def _kill_after(command: list[str], delay: float) -> None:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_killed_cleaning_leaves_the_previous_or_the_new_processed_data(tmp_path):
    expected_new = _project(tmp_path / "expected")
    (expected_new.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")
    run_clean(expected_new)
    new = digests(expected_new.processed)

    paths = _project(tmp_path / "project")
    run_clean(paths)
    old = digests(paths.processed)
    assert old != new
    (paths.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")

    started = time.monotonic()
    subprocess.run(_clean_command(Paths(tmp_path / "expected")), capture_output=True, cwd=ROOT)
    duration = time.monotonic() - started
    for step in range(1, 10):
        _kill_after(_clean_command(paths), duration * step / 10)
        state = digests(paths.processed)
        assert state in (old, new), f"killed after {duration * step / 10:.2f}s: a mix or partial files"
        assert len(load_monthly_counts(paths)) and len(load_incidents(paths))
    done = subprocess.run(_clean_command(paths), capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert digests(paths.processed) == new
    assert not list(paths.data.glob(".*staging*")), "a killed run's staging folder was not cleared"


EXPORT = textwrap.dedent("""
    import sys
    import pandas as pd
    from pathlib import Path
    from analysis import figures
    counts = pd.read_parquet(sys.argv[1])
    for spec in (figures.groups_stacked(counts, "2023-01", "2024-12", "2024-12"),
                 figures.legal_claims_by_type(counts, "2023-01", "2024-12", "2024-12")):
        figures.export(spec, Path(sys.argv[2]), ["en", "ru", "kk"], {})
""")


def _figure_states(folder: Path) -> dict[str, dict[str, str]]:
    files = digests(folder)
    return {name: {f: h for f, h in files.items() if f.startswith(name + ".")}
            for name in ("groups_stacked", "legal_claims_by_type")}


def test_killed_figure_export_leaves_each_figure_whole(tmp_path):
    paths = _project(tmp_path / "project")
    run_clean(paths)
    old_counts = paths.processed / "monthly_counts.parquet"
    (paths.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")
    new_copy = _project(tmp_path / "new")
    (new_copy.raw_published / "extra.csv").write_text(NEW_FILE, encoding="utf-8")
    run_clean(new_copy)
    new_counts = new_copy.processed / "monthly_counts.parquet"

    script = tmp_path / "export.py"
    script.write_text(EXPORT, encoding="utf-8")
    expected_new = tmp_path / "figures_new"
    started = time.monotonic()
    subprocess.run([sys.executable, str(script), str(new_counts), str(expected_new)], check=True, cwd=ROOT)
    duration = time.monotonic() - started
    target = tmp_path / "figures"
    subprocess.run([sys.executable, str(script), str(old_counts), str(target)], check=True, cwd=ROOT)
    old, new = _figure_states(target), _figure_states(expected_new)
    assert old != new

    for step in range(1, 10):
        process = subprocess.Popen([sys.executable, str(script), str(new_counts), str(target)], cwd=ROOT)
        time.sleep(duration * step / 10)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _figure_states(target)
        for name in state:
            assert state[name] in (old[name], new[name]), f"{name}: a mix after {duration * step / 10:.2f}s"


def test_a_second_run_is_refused_or_waits(tmp_path):
    paths = _project(tmp_path / "project")
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
