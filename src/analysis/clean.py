"""`analysis clean`: every raw file -> data/processed/ and reports/data_quality.{json,md}."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import __version__, comparisons, quality, reviews, schemas
from . import incidents as inc
from .config import CUMULATIVE_PREFIX, Paths
from .counts import compare_sources, incident_log_counts
from .reading import LINE, InputError, RawTable, read_table
from .storage import staged_dir, write_atomic, write_csv, write_parquet
from .taxonomy import categorical
from .verdicts import REJECTED_COLUMNS, RowsLost, concat

INPUT_SUFFIXES = {".csv", ".tsv", ".txt"}


@dataclass
class CleanResult:
    incidents: pd.DataFrame
    counts: pd.DataFrame
    cumulative: pd.DataFrame
    rejected: pd.DataFrame
    report: dict
    file_errors: list[dict] = field(default_factory=list)
    unread: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors


def _inputs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INPUT_SUFFIXES)


def unread_files(paths: Paths) -> list[dict]:
    """Every file under data/raw/ that the cleaning does not read, with what to do about it."""
    read = set(_inputs(paths.raw_incidents)) | set(_inputs(paths.raw_published))
    found = []
    for path in sorted(p for p in paths.raw.rglob("*") if p.is_file()):
        relative = path.relative_to(paths.raw)
        if path in read or any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in (".xls", ".xlsx", ".ods"):
            message = ("a spreadsheet is not read; save it as CSV (UTF-8) into data/raw/incidents/ as "
                       "YYYY-MM.csv, or into data/raw/published/")
        elif path.parent in (paths.raw_incidents, paths.raw_published):
            message = (f"only {', '.join(sorted(INPUT_SUFFIXES))} files are read; save it as CSV, "
                       "or move it out of data/raw/")
        elif path.parent == paths.raw:
            message = ("files directly in data/raw/ are not read; move an incident log into "
                       "data/raw/incidents/ (as YYYY-MM.csv) or published counts into data/raw/published/")
        else:
            message = ("files in sub-folders are not read; move it into data/raw/incidents/ or "
                       "data/raw/published/")
        found.append({"file": str(path.relative_to(paths.root)), "message": message})
    return found


@dataclass
class _Read:
    """One file read: its table, kind, the lines of its records, and an identical earlier file."""

    table: RawTable
    kind: str
    lines: set[int]
    twin: str | None = None


def _account(read: _Read, kept: set[int], rejected: set[int], duplicate: set[int]) -> dict:
    """A file's statistics, each outcome counted from the rows themselves.

    Every record read must end up kept, rejected or a duplicate, exactly once: a record in none
    of them, or in two, stops the run before anything is written.
    """
    table = read.table
    outcomes = [kept, rejected, duplicate]
    lost = read.lines - kept - rejected - duplicate
    twice = (kept & rejected) | (kept & duplicate) | (rejected & duplicate)
    if lost or twice or sum(map(len, outcomes)) != table.rows_read:
        shown = ", ".join(map(str, sorted(lost or twice)[:10])) or "none named"
        raise RowsLost(f"{table.path}: {table.rows_read} records read, {len(kept)} kept, "
                       f"{len(rejected)} rejected and {len(duplicate)} duplicates; records at lines "
                       f"{shown} are {'lost' if lost else 'counted twice'}. Nothing was written: this "
                       "is a fault in the program, not in the file; please report it with the file")
    return {"kind": read.kind, "encoding": table.encoding, "delimiter": table.delimiter,
            "sha256": table.sha256, "rows_read": table.rows_read, "rows_kept": len(kept),
            "rows_rejected": len(rejected), "rows_duplicate": len(duplicate),
            "notes": table.notes + ([f"identical to {read.twin}: every row counted as a duplicate"]
                                    if read.twin else [])}


def _lines(frame: pd.DataFrame, file_column: str, line_column: str) -> dict[str, set[int]]:
    """The lines of each file in `frame`, all files at once."""
    if frame.empty:
        return {}
    return {str(file): set(lines.astype(int))
            for file, lines in frame.groupby(frame[file_column].astype(str), sort=False)[line_column]}


class _Reader:
    """Reads each input once, remembers file-level errors and files seen twice."""

    def __init__(self, root: Path, today: date) -> None:
        self.root = root
        self.today = today
        self.errors: list[dict] = []
        self.seen: dict[str, str] = {}

    def display(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(self.root)
        except ValueError:
            return path

    def read(self, path: Path, kind: str) -> tuple[RawTable | None, str | None]:
        """(table, name of an identical earlier file) or (None, None) after a file-level error."""
        shown = self.display(path)
        try:
            if kind == "incidents":
                inc.file_month(shown)
            table = read_table(path, kind)
            if kind == "incidents":
                inc.check_file_month(table, shown, self.today)
        except InputError as exc:
            self.errors.append({"file": str(shown), "message": exc.message})
            return None, None
        except OSError as exc:
            self.errors.append({"file": str(shown), "message": f"cannot be read ({exc.strerror})"})
            return None, None
        table.path = shown
        table.bad_records = table.bad_records.assign(file=str(shown))
        twin = self.seen.get(table.sha256)
        self.seen.setdefault(table.sha256, str(shown))
        return table, twin


def run_clean(paths: Paths | None = None, today: date | None = None) -> CleanResult:
    """Clean every raw file, write data/processed/ and the data-quality report, return both."""
    paths = paths or Paths()
    today = today or date.today()
    reader = _Reader(paths.root, today)
    reads: list[_Read] = []
    rejected: list[pd.DataFrame] = []
    warnings: list[pd.DataFrame] = []

    def take(path: Path, kind: str) -> _Read | None:
        table, twin = reader.read(path, kind)
        if table is None:
            return None
        lines = set(table.table.column(LINE).to_pylist()) | set(table.bad_records["line"].astype(int))
        reads.append(_Read(table, kind, lines, twin))
        rejected.append(table.bad_records)
        return reads[-1]

    # Load inputs.
    incident_parts = []
    for path in _inputs(paths.raw_incidents):
        read = take(path, "incidents")
        if read is None or read.twin:
            continue
        rows, bad, warn = inc.clean_incident_log(read.table, today)
        read.table.table = read.table.table.slice(0, 0)  # free the raw strings
        incident_parts.append(rows)
        rejected.append(bad)
        warnings.append(warn)

    published_parts, cumulative_parts = [], []
    for path in _inputs(paths.raw_published):
        kind = "cumulative" if path.name.startswith(CUMULATIVE_PREFIX) else "published"
        read = take(path, kind)
        if read is None or read.twin:
            continue
        if kind == "cumulative":
            cumulative_parts.append(reviews.clean_cumulative(read.table))
            continue
        rows, bad, warn = reviews.clean_published(read.table)
        published_parts.append(rows)
        rejected.append(bad)
        warnings.append(warn)

    # Process data.
    all_incidents = inc.combine(incident_parts)
    kept_incidents, dup_incidents, clash_incidents = inc.drop_duplicates(all_incidents)
    kept_incidents = inc.finalise(inc.mark_counted(kept_incidents)) if len(kept_incidents) else \
        pd.DataFrame(columns=inc.INCIDENT_COLUMNS)
    rejected.append(_with_folder(clash_incidents, paths.raw_incidents, reader))

    all_published = concat(published_parts, reviews.COUNT_COLUMNS + ["source_file", "source_line"])
    kept_published, dup_published, clash_published = reviews.drop_duplicates(all_published)
    rejected.append(_with_folder(clash_published, paths.raw_published, reader))

    counts = pd.concat([kept_published[reviews.COUNT_COLUMNS], incident_log_counts(kept_incidents)],
                       ignore_index=True)
    counts, inconsistencies = reviews.add_other_unspecified(counts)
    cumulative = concat(cumulative_parts, reviews.CUMULATIVE_COLUMNS)
    inconsistencies += reviews.check_overall_totals(counts) + reviews.check_repeated_categories(counts)
    inconsistencies += reviews.check_nested_items(counts) + reviews.check_against_cumulative(counts, cumulative)
    derived, derived_problems = comparisons.derive_months(counts, cumulative)
    inconsistencies += derived_problems
    counts = _finalise_counts(pd.concat([counts.assign(derived_from=""), derived], ignore_index=True))
    all_rejected = concat(rejected, REJECTED_COLUMNS).sort_values(["file", "line"], kind="stable")
    all_warnings = concat(warnings, REJECTED_COLUMNS)

    # Account for every record read, counting each outcome from the rows themselves.
    outputs = {"incidents": (kept_incidents, dup_incidents), "published": (kept_published, dup_published),
               "cumulative": (cumulative, pd.DataFrame(columns=["source_file", "source_line"]))}
    files: dict[str, dict] = {}
    rejected_by_file = _lines(all_rejected, "file", "line")
    by_kind = {kind: (_lines(kept, "source_file", "source_line"), _lines(dups, "source_file", "source_line"))
               for kind, (kept, dups) in outputs.items()}
    for read in reads:
        name, shown = read.table.path.name, str(read.table.path)
        kept, dups = by_kind[read.kind]
        rejected_lines = rejected_by_file.get(shown, set())
        if read.twin:
            kept_lines, dup_lines = set(), read.lines - rejected_lines
        else:
            kept_lines, dup_lines = kept.get(name, set()), dups.get(name, set())
        files[shown] = _account(read, kept_lines, rejected_lines, dup_lines)

    unread = unread_files(paths)
    report = quality.build_report(
        version=__version__, files=dict(sorted(files.items())), file_errors=reader.errors,
        rejected=all_rejected, warnings=all_warnings, counts=counts,
        inconsistencies=inconsistencies, comparison=compare_sources(counts))
    report["stated_vs_computed"] = comparisons.disagreements(counts, cumulative)
    report["unread_files"] = unread

    if len(kept_incidents):
        schemas.incidents.validate(kept_incidents, lazy=True)
    schemas.monthly_counts.validate(counts, lazy=True)

    # Save outputs: the processed tables as one set, exchanged with the previous set in one step.
    with staged_dir(paths.processed) as folder:
        for frame, stem in ((kept_incidents, "incidents"), (counts, "monthly_counts"),
                            (cumulative, "published_cumulative")):
            write_parquet(frame, folder / f"{stem}.parquet")
            write_csv(frame, folder / f"{stem}.csv")
        write_csv(all_rejected.reset_index(drop=True), folder / paths.rejected.name)
    write_atomic(paths.quality_json, lambda tmp: tmp.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"))
    write_atomic(paths.quality_md, lambda tmp: tmp.write_text(quality.render_markdown(report),
                                                               encoding="utf-8"))
    return CleanResult(kept_incidents, counts, cumulative, all_rejected, report, reader.errors, unread)


def _with_folder(frame: pd.DataFrame, folder: Path, reader: _Reader) -> pd.DataFrame:
    """Rejections made across files name a file by its name only: give it its folder back."""
    return frame.assign(file=[str(reader.display(folder / name)) for name in frame["file"]])


def _finalise_counts(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts.assign(count=counts["count"].astype("int64"),
                        group=categorical(counts["group"].astype(str), kind="group"),
                        category=categorical(counts["category"].astype(str)))
    return out.sort_values(["source", "month", "group", "parent", "category", "unit", "label_as_written"],
                           kind="stable").reset_index(drop=True)[out.columns]


