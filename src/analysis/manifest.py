"""What each step was made from and what it wrote: the record that makes `analysis report`
incremental (a step runs again only when its inputs changed or its outputs are gone or changed)."""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__
from .config import MONTH, PACKAGE_DIR, Paths
from .storage import write_atomic

if TYPE_CHECKING:
    from .runs import Run


def sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def package_hash() -> str:
    """The package's version and every file of its code and domain tables."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".csv", ".mplstyle", ".j2"))
    return sha(__version__.encode(), *(p.relative_to(PACKAGE_DIR).as_posix().encode() + p.read_bytes()
                                        for p in files))


def raw_hashes(paths: Paths) -> dict[str, str]:
    return {str(p.relative_to(paths.root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.raw_files()}


def _frame_hash(frame: pd.DataFrame) -> str:
    if frame.empty:
        return sha(b"empty", ",".join(map(str, frame.columns)).encode())
    values = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return sha(values.tobytes(), ",".join(map(str, frame.columns)).encode())


class DataHashes:
    """Hashes of the cleaned data, month by month, made once per `analysis report`: each run then
    sums the months it reads, so checking a hundred runs costs no more than checking one."""

    def __init__(self, counts: pd.DataFrame, incidents: pd.DataFrame, cumulative: pd.DataFrame,
                 rejected: dict[str, int] | None = None) -> None:
        self.counts = self._by_month(counts, "month")
        self.incidents = self._by_month(incidents, "report_month")
        self.cumulative = _frame_hash(cumulative)
        self.rejected = {month: str(n) for month, n in (rejected or {}).items()}  # rows rejected a month

    @staticmethod
    def _by_month(frame: pd.DataFrame, column: str) -> dict[str, str]:
        """Row hashes made in one pass over the frame, summed up month by month."""
        if frame.empty:
            return {}
        rows = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        names = ",".join(map(str, frame.columns)).encode()
        positions = frame.groupby(frame[column].astype(str)).indices
        return {str(month): sha(rows[where].tobytes(), names) for month, where in positions.items()}

    @staticmethod
    def between(hashes: dict[str, str], start: str, end: str) -> str:
        return "".join(f"{month}:{digest};" for month, digest in sorted(hashes.items()) if start <= month <= end)


def run_inputs(run: Run, paths: Paths, data: dict[str, str]) -> dict:
    """What a run is made from, each part hashed, and the key that sums them up. `data`: what the
    run reads of each table; `data_parts` keeps each table's hash apart (the key sums them up as
    `data_sha256`), so that a later report can tell the data's changes from the code's."""
    notebook = hashlib.sha256((paths.notebooks / f"{run.notebook}.py").read_bytes()).hexdigest()
    parts = {"notebook": f"notebooks/{run.notebook}.py", "notebook_sha256": notebook,
             "package_version": __version__, "package_sha256": package_hash(),
             "parameters": run.parameters, "data_sha256": sha("".join(data.values()).encode())}
    return {**parts, "data_parts": {name: sha(text.encode()) for name, text in data.items()},
            "key": sha(json.dumps(parts, sort_keys=True).encode())}


# --- outputs: what each step wrote, checked on every run -------------------------------------------


OUTPUTS_RECORD = "ANALYSIS_OUTPUTS_RECORD"  # the file a notebook run's Publication lists its outputs in


def outputs_record(run: Run, paths: Paths) -> Path:
    return paths.reports / ".runs" / f"{run.id}.outputs"


def _file_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def file_hashes(paths: Paths, files: list[Path]) -> dict[str, str]:
    """sha256 of each file that exists, keyed by its path below the project root."""
    found = {}
    for path in sorted(set(files)):
        try:
            name = str(path.resolve().relative_to(paths.root))
        except ValueError:
            continue  # never record, nor later remove, anything outside the project
        if (sha := _file_sha(path)) is not None:
            found[name] = sha
    return found


def clean_outputs(paths: Paths) -> dict[str, str]:
    """The cleaning's outputs: every table in data/processed/ and the data-quality report."""
    tables = [p for p in paths.processed.iterdir() if p.is_file() and not p.name.startswith(".")] \
        if paths.processed.is_dir() else []
    return file_hashes(paths, tables + [paths.quality_json, paths.quality_md])


def run_outputs(run: Run, paths: Paths) -> dict[str, str]:
    """A notebook run's outputs: its executed notebook, its HTML copy, and the figures and summary
    its Publication listed as written."""
    record = outputs_record(run, paths)
    listed = [Path(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()] \
        if record.exists() else []
    return file_hashes(paths, [run.executed(paths), run.html(paths), *listed])


def file_stats(paths: Paths, names: dict[str, str]) -> dict[str, list[int]]:
    """Size and modification time of each output, recorded beside its hash."""
    found = {}
    for name in names:
        try:
            info = (paths.root / name).stat()
        except OSError:
            continue
        found[name] = [info.st_size, info.st_mtime_ns]
    return found


def changed_outputs(paths: Paths, recorded: dict[str, str], stats: dict | None = None) -> list[str]:
    """The recorded outputs that are missing or no longer hold what was written.

    A file whose size and modification time are those recorded is taken as unchanged; any other
    is hashed again and compared (this keeps a check of hundreds of figures well under a second).
    """
    stats = stats or {}
    changed = []
    for name, sha in sorted(recorded.items()):
        try:
            info = (paths.root / name).stat()
        except OSError:
            changed.append(name)
            continue
        if stats.get(name) == [info.st_size, info.st_mtime_ns]:
            continue
        if _file_sha(paths.root / name) != sha:
            changed.append(name)
    return changed


def with_outputs(record: dict, outputs: dict[str, str], paths: Paths) -> dict:
    return {**record, "outputs": outputs, "output_stats": file_stats(paths, outputs)}


def what_changed(before: dict, now: dict) -> str:
    """Which of a step's inputs differ between its record `before` and its inputs `now`, in words
    for the log: the raw files added, removed or changed (a clean's `raw_sha256`), the tables of
    data a run reads (`data_parts`), its notebook, the package, its parameters."""
    changes = []
    raw_before, raw_now = before.get("raw_sha256"), now.get("raw_sha256")
    if isinstance(raw_before, dict) and isinstance(raw_now, dict):
        files = [f"{name} {'added' if name not in raw_before else 'removed' if name not in raw_now else 'changed'}"
                 for name in sorted(set(raw_before) | set(raw_now)) if raw_before.get(name) != raw_now.get(name)]
        if files:
            changes.append(files[0] + (f" and {len(files) - 1} more raw files" if len(files) > 1 else ""))
    parts_before, parts_now = before.get("data_parts"), now.get("data_parts")
    if isinstance(parts_before, dict) and isinstance(parts_now, dict):
        tables = [name for name in sorted(set(parts_before) | set(parts_now))
                  if parts_before.get(name) != parts_now.get(name)]
        if tables:
            changes.append(f"its data changed ({', '.join(tables)})")
    for name, words in (("notebook_sha256", "the notebook changed"), ("package_sha256", "the package changed"),
                        ("parameters", "its parameters changed")):
        if name in before and name in now and before[name] != now[name]:
            changes.append(words)
    return "; ".join(changes) or "its inputs changed"


def why_needed(entry: dict, key: str, paths: Paths, force: bool, inputs: dict | None = None) -> str | None:
    """Why a step must run (None when it is up to date): forced, new inputs (which, when `inputs`
    gives what the step would now be made from), or outputs gone or changed."""
    if force:
        return "forced"
    if entry.get("key") != key:
        return "never run" if not entry else what_changed(entry, inputs) if inputs else "its inputs changed"
    if not entry.get("outputs"):
        return "its outputs were not recorded"
    changed = changed_outputs(paths, entry["outputs"], entry.get("output_stats"))
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"{changed[0]}{more} missing or changed"
    return None


def needed(runs: list[Run], records: dict[Run, dict], manifest: dict, paths: Paths,
           force: bool = False) -> dict[Run, str]:
    """The notebook runs to redo, each with the reason; the others are up to date. `records`: what
    each run would now be made from (`run_inputs`)."""
    done = manifest.get("runs", {})
    reasons = {run: why_needed(done.get(run.id, {}), records[run]["key"], paths, force, records[run])
               for run in runs}
    return {run: why for run, why in reasons.items() if why}


def _remove(paths: Paths, names: set[str]) -> list[str]:
    removed = []
    for name in sorted(names):
        target = paths.root / name
        if target.is_file():
            target.unlink()
            removed.append(name)
    return removed


def run_month(run_id: str, entry: dict) -> str | None:
    """The month a recorded run was for."""
    month = entry.get("parameters", {}).get("month") or entry.get("parameters", {}).get("end")
    if month is None and "_" in run_id:
        month = run_id.rsplit("_", 1)[1].split(".", 1)[0]
    return month


def remove_stale(paths: Paths, manifest: dict, months_with_data: set[str],
                 previous: dict[str, dict] | None = None) -> list[str]:
    """Remove outputs nothing stands behind any more; return their paths.

    - Every output of a run for a month that no longer has data (its raw file was deleted), with
      the month's folders in reports/ and reports/figures/ and its executed notebooks.
    - Outputs a run wrote before (`previous`, by run) that its new run did not write again, such
      as a trend figure a one-off `--categories` run made, unless another run still claims them.
    """
    runs = manifest.setdefault("runs", {})
    gone_months = set()
    for run_id in [r for r, entry in runs.items() if run_month(r, entry) not in months_with_data]:
        gone_months.add(run_month(run_id, runs[run_id]))
        del runs[run_id]
        (paths.reports / ".runs" / f"{run_id}.outputs").unlink(missing_ok=True)
    claimed = {name for entry in runs.values() for name in entry.get("outputs", {})}
    old = {name for entry in (previous or {}).values() for name in entry.get("outputs", {})}
    removed = _remove(paths, old - claimed)
    for month in sorted(m for m in gone_months if m and MONTH.match(m)):
        for folder in (paths.reports / month, paths.reports / "figures" / month):
            if folder.is_dir():
                removed += [str(p.relative_to(paths.root)) for p in sorted(folder.rglob("*")) if p.is_file()]
                shutil.rmtree(folder)
        notebooks = paths.reports / "notebooks"
        for executed in sorted(notebooks.glob(f"*_{month}.*.ipynb")) if notebooks.is_dir() else []:
            executed.unlink()
            removed.append(str(executed.relative_to(paths.root)))
    return removed


def manifest_path(paths: Paths) -> Path:
    return paths.reports / "manifest.json"


def read_manifest(paths: Paths) -> dict:
    try:
        return json.loads(manifest_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"clean": {}, "runs": {}}


def write_manifest(paths: Paths, manifest: dict) -> None:
    path = manifest_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                                  encoding="utf-8"))
