"""`analysis clean`: every raw file -> data/processed/ and reports/data_quality.{json,md}."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import __version__, comparisons, incidents as inc, published as pub, quality, schemas
from .cleaning import REJECTED_COLUMNS, concat
from .config import CUMULATIVE_PREFIX, Paths
from .counts import compare_sources, incident_log_counts
from .taxonomy import categorical
from .tables import (InputError, RawTable, read_table, staged_dir, write_atomic, write_csv,
                     write_parquet)

INPUT_SUFFIXES = {".csv", ".tsv", ".txt"}


@dataclass
class CleanResult:
    incidents: pd.DataFrame
    counts: pd.DataFrame
    cumulative: pd.DataFrame
    rejected: pd.DataFrame
    report: dict
    file_errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors


def _inputs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INPUT_SUFFIXES)


def _stats(table: RawTable, kept: int, rejected: int, duplicate: int, kind: str) -> dict:
    return {"kind": kind, "encoding": table.encoding, "delimiter": table.delimiter,
            "sha256": table.sha256, "rows_read": table.rows_read, "rows_kept": kept,
            "rows_rejected": rejected, "rows_duplicate": duplicate, "notes": table.notes}


def _twin_stats(table: RawTable, kind: str, twin: str) -> dict:
    """A file identical to an earlier one: every record it holds is a duplicate."""
    stats = _stats(table, 0, len(table.bad_records), len(table.frame), kind)
    stats["notes"].append(f"identical to {twin}: every row counted as a duplicate")
    return stats


class _Reader:
    """Reads each input once, remembers file-level errors and files seen twice."""

    def __init__(self, root: Path) -> None:
        self.root = root
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
    reader = _Reader(paths.root)
    files: dict[str, dict] = {}
    rejected: list[pd.DataFrame] = []
    warnings: list[pd.DataFrame] = []

    # Load inputs.
    incident_parts, incident_tables = [], []
    for path in _inputs(paths.raw_incidents):
        table, twin = reader.read(path, "incidents")
        if table is None:
            continue
        rejected.append(table.bad_records)
        if twin:
            files[str(table.path)] = _twin_stats(table, "incidents", twin)
            continue
        rows, bad, warn = inc.clean_incident_log(table, today)
        table.frame = pd.DataFrame(columns=table.frame.columns)  # free the raw strings (a slice would keep them)
        incident_parts.append(rows)
        incident_tables.append(table)
        rejected.append(bad)
        warnings.append(warn)

    published_parts, published_tables, cumulative_parts = [], [], []
    for path in _inputs(paths.raw_published):
        kind = "cumulative" if path.name.startswith(CUMULATIVE_PREFIX) else "published"
        table, twin = reader.read(path, kind)
        if table is None:
            continue
        rejected.append(table.bad_records)
        if twin:
            files[str(table.path)] = _twin_stats(table, kind, twin)
            continue
        if kind == "cumulative":
            cumulative_parts.append(pub.clean_cumulative(table))
            files[str(table.path)] = _stats(table, len(table.frame), len(table.bad_records), 0, kind)
            continue
        rows, bad, warn = pub.clean_published(table)
        published_parts.append(rows)
        published_tables.append(table)
        rejected.append(bad)
        warnings.append(warn)

    # Process data.
    all_incidents = concat(incident_parts, inc.INCIDENT_COLUMNS)
    kept_incidents, dup_incidents, clash_incidents = inc.drop_duplicates(all_incidents)
    kept_incidents = inc.finalise(inc.mark_counted(kept_incidents)) if len(kept_incidents) else \
        pd.DataFrame(columns=inc.INCIDENT_COLUMNS)
    rejected.append(_with_folder(clash_incidents, paths.raw_incidents, reader))

    all_published = concat(published_parts, pub.COUNT_COLUMNS + ["source_file", "source_line"])
    kept_published, dup_published, clash_published = pub.drop_duplicates(all_published)
    rejected.append(_with_folder(clash_published, paths.raw_published, reader))

    for tables, kept, dups, kind in ((incident_tables, kept_incidents, dup_incidents, "incidents"),
                                     (published_tables, kept_published, dup_published, "published")):
        for table in tables:
            name = table.path.name
            n_kept = int((kept["source_file"] == name).sum()) if len(kept) else 0
            n_dup = int((dups["source_file"] == name).sum()) if len(dups) else 0
            files[str(table.path)] = _stats(table, n_kept, table.rows_read - n_kept - n_dup, n_dup, kind)

    counts = pd.concat([kept_published[pub.COUNT_COLUMNS], incident_log_counts(kept_incidents)],
                       ignore_index=True)
    counts, inconsistencies = pub.add_other_unspecified(counts)
    cumulative = concat(cumulative_parts, pub.CUMULATIVE_COLUMNS)
    inconsistencies += pub.check_overall_totals(counts) + pub.check_repeated_categories(counts)
    inconsistencies += pub.check_nested_items(counts) + pub.check_against_cumulative(counts, cumulative)
    derived, derived_problems = comparisons.derive_months(counts, cumulative)
    inconsistencies += derived_problems
    counts = _finalise_counts(pd.concat([counts.assign(derived_from=""), derived], ignore_index=True))
    all_rejected = concat(rejected, REJECTED_COLUMNS).sort_values(["file", "line"], kind="stable")
    all_warnings = concat(warnings, REJECTED_COLUMNS)

    report = quality.build_report(
        version=__version__, files=dict(sorted(files.items())), file_errors=reader.errors,
        rejected=all_rejected, warnings=all_warnings, counts=counts,
        inconsistencies=inconsistencies, comparison=compare_sources(counts))
    report["stated_vs_computed"] = comparisons.disagreements(counts, cumulative)

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
    return CleanResult(kept_incidents, counts, cumulative, all_rejected, report, reader.errors)


def _with_folder(frame: pd.DataFrame, folder: Path, reader: _Reader) -> pd.DataFrame:
    """Rejections made across files name a file by its name only: give it its folder back."""
    return frame.assign(file=[str(reader.display(folder / name)) for name in frame["file"]])


def _finalise_counts(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts.assign(count=counts["count"].astype("int64"),
                        group=categorical(counts["group"].astype(str), kind="group"),
                        category=categorical(counts["category"].astype(str)))
    return out.sort_values(["source", "month", "group", "parent", "category", "unit", "label_as_written"],
                           kind="stable").reset_index(drop=True)[out.columns]


