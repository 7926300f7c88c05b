"""`analysis clean`: every raw file -> data/processed/ and reports/data_quality.{json,md}."""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import __version__, cases, comparisons, quality, reviews, schemas
from . import incidents as inc
from .config import CUMULATIVE_PREFIX, THREADED_FILE_BYTES, THREADS, Paths, temporary_file
from .counts import compare_sources, incident_log_counts
from .reading import LINE, InputError, RawTable, read_table
from .storage import staged_dir, write_atomic, write_csv, write_parquet_and_csv
from .taxonomy import categorical
from .verdicts import REJECTED_COLUMNS, RowsLost, concat
from .workbooks import WORKBOOK_SUFFIXES

INPUT_SUFFIXES = {".csv", ".tsv", ".txt", *WORKBOOK_SUFFIXES}


@dataclass
class CleanResult:
    incidents: pd.DataFrame
    counts: pd.DataFrame
    cumulative: pd.DataFrame
    rejected: pd.DataFrame
    report: dict
    file_errors: list[dict] = field(default_factory=list)
    unread: list[dict] = field(default_factory=list)
    headings: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> column -> heading as written

    @property
    def ok(self) -> bool:
        return not self.file_errors


def _inputs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not temporary_file(p.name) and p.suffix.lower() in INPUT_SUFFIXES)


def unread_files(paths: Paths) -> list[dict]:
    """Every file under data/raw/ that the cleaning does not read, with what to do about it."""
    folders = (paths.raw_incidents, paths.raw_published, paths.raw_case_stages)
    read = {path for folder in folders for path in _inputs(folder)}
    found = []
    for path in paths.raw_files():
        if path in read or any(temporary_file(part) for part in path.relative_to(paths.raw).parts):
            continue
        if path.parent in folders:
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
    lines: np.ndarray  # the distinct lines where its records start, in order
    twin: str | None = None


def _account(read: _Read, kept: np.ndarray, rejected: np.ndarray, duplicate: np.ndarray) -> dict:
    """A file's statistics, each outcome counted from the rows themselves (distinct sorted lines).

    Every record read must end up kept, rejected or a duplicate, exactly once: a record in none
    of them, or in two, stops the run before anything is written.
    """
    table = read.table
    outcomes = [kept, rejected, duplicate]
    lost = np.setdiff1d(read.lines, np.concatenate(outcomes))
    twice = np.union1d(np.union1d(np.intersect1d(kept, rejected, assume_unique=True),  # each of them distinct
                                  np.intersect1d(kept, duplicate, assume_unique=True)),
                       np.intersect1d(rejected, duplicate, assume_unique=True))
    if len(lost) or len(twice) or sum(map(len, outcomes)) != table.rows_read:
        shown = ", ".join(map(str, (lost if len(lost) else twice)[:10].tolist())) or "none named"
        raise RowsLost(f"{table.label}: {table.rows_read} records read, {len(kept)} kept, "
                       f"{len(rejected)} rejected and {len(duplicate)} duplicates; records at lines "
                       f"{shown} are {'lost' if len(lost) else 'counted twice'}. Nothing was written: this "
                       "is a fault in the program, not in the file; please report it with the file")
    return {"kind": read.kind, "encoding": table.encoding, "delimiter": table.delimiter,
            "sha256": table.sha256, "rows_read": table.rows_read, "rows_kept": len(kept),
            "rows_rejected": len(rejected), "rows_duplicate": len(duplicate),
            "notes": table.notes + ([f"identical to {read.twin}: every row counted as a duplicate"]
                                    if read.twin else [])}


NO_LINES = np.zeros(0, dtype=np.int64)


def _lines(frame: pd.DataFrame, file_column: str, line_column: str) -> dict[str, np.ndarray]:
    """The distinct lines of each file in `frame`, sorted, all files at once."""
    if frame.empty:
        return {}
    files = pa.array(frame[file_column].astype(str).array)
    encoded = pc.dictionary_encode(files.combine_chunks() if isinstance(files, pa.ChunkedArray) else files)
    files = encoded.indices.to_numpy(zero_copy_only=False)
    lines = frame[line_column].to_numpy().astype(np.int64)
    order = np.argsort(files.astype(np.int64) << 32 | lines, kind="stable")  # by file, then line
    files, lines = files[order], lines[order]
    first = np.ones(len(files), dtype=bool)
    first[1:] = (files[1:] != files[:-1]) | (lines[1:] != lines[:-1])  # a line once per file
    files, lines = files[first], lines[first]
    bounds = np.searchsorted(files, np.arange(len(encoded.dictionary) + 1))
    return {str(name): lines[bounds[i]:bounds[i + 1]] for i, name in enumerate(encoded.dictionary.to_pylist())}


class _Reader:
    """Reads each input once, remembers file-level errors and files seen twice."""

    def __init__(self, root: Path, today: date) -> None:
        self.root = root
        self.today = today
        self.errors: list[dict] = []
        self.seen: dict[str, str] = {}
        self.headings: dict[str, dict[str, str]] = {}  # as rejections name a file -> column -> its heading

    def display(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(self.root)
        except ValueError:
            return path

    def read(self, path: Path, kind: str) -> RawTable | dict:
        """The file's table, or its error (file, message). Touches nothing the reader remembers, so
        that two files can be read at once."""
        shown = self.display(path)
        try:
            if kind == "incidents":
                inc.file_month(shown)
            table = read_table(path, kind)
            if kind == "incidents":
                inc.check_file_month(table, shown, self.today)
        except InputError as exc:
            return {"file": str(shown), "message": exc.message}
        except OSError as exc:
            return {"file": str(shown), "message": f"cannot be read ({exc.strerror})"}
        table.path = shown
        if len(table.bad_records):
            table.bad_records = table.bad_records.assign(file=table.label)
        return table

    def remember(self, table: RawTable) -> str | None:
        """Note a file read, in the order of the files: its headings, and the name of an identical
        earlier file (None if it is the first of its content)."""
        self.headings[table.label] = table.headings
        twin = self.seen.get(table.sha256)
        self.seen.setdefault(table.sha256, str(table.path))
        return twin


@dataclass
class _Loaded:
    """Every input read and cleaned file by file, before anything is compared across files."""

    reads: list[_Read]
    incidents: pd.DataFrame  # every log's rows, one table
    published: list[pd.DataFrame]
    cumulative: list[pd.DataFrame]
    stage_coding: pd.DataFrame  # data/raw/case_stages/: the stage of the case each incident reports
    rejected: list[pd.DataFrame]
    warnings: list[pd.DataFrame]


@dataclass
class _Tables:
    """What the run publishes: the three processed tables and every rejected row."""

    incidents: pd.DataFrame
    duplicates: pd.DataFrame
    published: pd.DataFrame
    published_duplicates: pd.DataFrame
    counts: pd.DataFrame
    cumulative: pd.DataFrame
    rejected: pd.DataFrame
    warnings: pd.DataFrame
    inconsistencies: list[dict]
    cases: pd.DataFrame  # the case ledger: one row per prosecution or lawsuit
    case_events: pd.DataFrame  # each mention of a case


def _clean_file(reader: _Reader, path: Path, kind: str) -> tuple[RawTable | dict, np.ndarray, tuple]:
    """One file read and cleaned: (its table or its error, the lines of its records, (rows,
    rejected, warnings)). Whether an identical file came before it is decided afterwards, in the
    order of the files (`_clean_files`)."""
    table = reader.read(path, kind)
    if isinstance(table, dict):
        return table, NO_LINES, (None, None, None)
    lines = np.union1d(table.table.column(LINE).to_numpy(), table.bad_records["line"].to_numpy().astype(np.int64))
    if kind == "incidents":
        cleaned = inc.clean_incident_log(table, reader.today)
        table.table = table.table.schema.empty_table()  # free the raw strings
        return table, lines, cleaned
    if kind == "cumulative":
        return table, lines, (reviews.clean_cumulative(table), None, None)
    if kind == "case_stages":
        return table, lines, (inc.stage_coding(table), None, None)
    return table, lines, reviews.clean_published(table)


class _InLine(Executor):
    """Runs each task as it is submitted, in the caller's thread."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _threads(paths: Paths) -> int:
    """THREADS when the incident logs are large enough for threads to pay, else 1 (config)."""
    sizes = [path.stat().st_size for path in _inputs(paths.raw_incidents)]
    return THREADS if sizes and sum(sizes) / len(sizes) >= THREADED_FILE_BYTES else 1


def _executor(threads: int) -> Executor:
    return ThreadPoolExecutor(threads) if threads > 1 else _InLine()


def _clean_files(reader: _Reader, jobs: list[tuple[Path, str]], threads: int) -> list[tuple[_Read, tuple]]:
    """Every file read and cleaned, `threads` at a time, then taken in the order of the files: a
    file identical to an earlier one (its twin) keeps no rows (it is cleaned all the same, which
    costs only where a month is delivered twice), and a file that could not be read is an error."""
    with _executor(threads) as pool:
        futures = [pool.submit(_clean_file, reader, path, kind) for path, kind in jobs]
        try:
            results = [future.result() for future in futures]
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    done = []
    for (_, kind), (table, lines, cleaned) in zip(jobs, results):
        if isinstance(table, dict):
            reader.errors.append(table)
            continue
        twin = reader.remember(table)
        done.append((_Read(table, kind, lines, twin), (None, None, None) if twin else cleaned))
    return done


def _one_file_a_month(logs: list[Path], reader: _Reader) -> list[Path]:
    """The incident logs to read: a month delivered in two files (a .csv and an .xlsx) is an error
    naming both, and neither is read rather than counted twice."""
    by_month: dict[str, list[Path]] = {}
    for path in logs:
        by_month.setdefault(path.stem, []).append(path)
    for month, files in by_month.items():
        if len(files) > 1:
            named = " and ".join(str(reader.display(p)) for p in files)
            for path in files:
                reader.errors.append({"file": str(reader.display(path)), "message": (
                    f"the month {month} is delivered twice, as {named}; expected one file a month: "
                    "remove the other one (neither was read)")})
    return [path for path in logs if len(by_month[path.stem]) == 1]


def _load(paths: Paths, reader: _Reader, threads: int) -> _Loaded:
    """Read and clean every input file, incident logs first, then the published counts."""
    jobs = [(path, "incidents") for path in _one_file_a_month(_inputs(paths.raw_incidents), reader)]
    jobs += [(path, "cumulative" if path.name.startswith(CUMULATIVE_PREFIX) else "published")
             for path in _inputs(paths.raw_published)]
    jobs += [(path, "case_stages") for path in _inputs(paths.raw_case_stages)]
    done = _clean_files(reader, jobs, threads)
    reads = [read for read, _ in done]

    def rows(kind: str) -> list[pd.DataFrame]:
        return [cleaned[0] for read, cleaned in done if read.kind == kind and cleaned[0] is not None]

    # a file identical to an earlier one is all duplicates: its malformed records were rejected there
    rejected = [frame for read, (_, bad, _) in done
                for frame in (None if read.twin else read.table.bad_records, bad) if frame is not None]
    return _Loaded(reads, inc.combine(rows("incidents")), rows("published"), rows("cumulative"),
                   concat(rows("case_stages"), inc.STAGE_CODING_COLUMNS), rejected,
                   [warn for _, (_, _, warn) in done if warn is not None])


def _process(loaded: _Loaded, paths: Paths, reader: _Reader) -> tuple[_Tables, dict[str, dict]]:
    """Across files: duplicates, the counts from the logs, the checks between sources, and each
    file's statistics. What was loaded is freed when this returns: only the tables remain."""
    _release_unused()
    incidents, loaded.incidents = loaded.incidents, None  # the logs' rows live on in the published table only
    kept_incidents, dup_incidents, clash_incidents = inc.drop_duplicates(incidents)
    del incidents
    kept_incidents = inc.finalise(inc.mark_counted(kept_incidents)) if len(kept_incidents) else \
        pd.DataFrame(columns=inc.INCIDENT_COLUMNS)
    _release_unused()
    kept_incidents, stages_kept, stages_rejected = inc.apply_stage_coding(kept_incidents, loaded.stage_coding)
    all_published = concat(loaded.published, reviews.COUNT_COLUMNS + ["source_file", "source_line"])
    kept_published, dup_published, clash_published = reviews.drop_duplicates(all_published)
    rejected = loaded.rejected + [_with_folder(stages_rejected, paths.raw_case_stages, reader),
                                  _with_folder(clash_incidents, paths.raw_incidents, reader),
                                  _with_folder(clash_published, paths.raw_published, reader)]

    counts = pd.concat([kept_published[reviews.COUNT_COLUMNS], incident_log_counts(kept_incidents)],
                       ignore_index=True)
    counts, inconsistencies = reviews.add_other_unspecified(counts)
    cumulative = concat(loaded.cumulative, reviews.CUMULATIVE_COLUMNS)
    inconsistencies += reviews.check_overall_totals(counts) + reviews.check_repeated_categories(counts)
    inconsistencies += reviews.check_nested_items(counts) + reviews.check_against_cumulative(counts, cumulative)
    derived, derived_problems = comparisons.derive_months(counts, cumulative)
    case_events = cases.case_events(kept_incidents)
    ledger = cases.ledger(kept_incidents, case_events)
    derived_problems += cases.consistency(ledger, case_events)
    counts = _finalise_counts(pd.concat([counts.assign(derived_from=""), derived], ignore_index=True))
    tables = _Tables(kept_incidents, dup_incidents, kept_published, dup_published, counts, cumulative,
                     concat(rejected, REJECTED_COLUMNS).sort_values(["file", "line"], kind="stable"),
                     concat(loaded.warnings, REJECTED_COLUMNS), inconsistencies + derived_problems, ledger,
                     case_events)
    return tables, _files(loaded.reads, tables, stages_kept)


def _files(reads: list[_Read], tables: _Tables, stages_kept: pd.DataFrame) -> dict[str, dict]:
    """Each file's statistics, every record read accounted for as kept, rejected or duplicate."""
    outputs = {"incidents": (tables.incidents, tables.duplicates),
               "case_stages": (stages_kept, pd.DataFrame(columns=["source_file", "source_line"])),
               "published": (tables.published, tables.published_duplicates),
               "cumulative": (tables.cumulative, pd.DataFrame(columns=["source_file", "source_line"]))}
    rejected_by_file = _lines(tables.rejected, "file", "line")
    by_kind = {kind: (_lines(kept, "source_file", "source_line"), _lines(dups, "source_file", "source_line"))
               for kind, (kept, dups) in outputs.items()}
    files = {}
    for read in reads:
        name, shown = read.table.name, read.table.label
        kept, dups = by_kind[read.kind]
        rejected_lines = rejected_by_file.get(shown, NO_LINES)
        if read.twin:
            kept_lines, dup_lines = NO_LINES, np.setdiff1d(read.lines, rejected_lines)
        else:
            kept_lines, dup_lines = kept.get(name, NO_LINES), dups.get(name, NO_LINES)
        files[shown] = _account(read, kept_lines, rejected_lines, dup_lines)
    return dict(sorted(files.items()))


def _quality_report(files: dict[str, dict], tables: _Tables, file_errors: list[dict], unread: list[dict]) -> dict:
    report = quality.build_report(
        version=__version__, files=files, file_errors=file_errors, rejected=tables.rejected,
        warnings=tables.warnings, counts=tables.counts, inconsistencies=tables.inconsistencies,
        comparison=compare_sources(tables.counts))
    report["stated_vs_computed"] = comparisons.disagreements(tables.counts, tables.cumulative)
    report["rejected_by_month"] = quality.rejected_by_month(tables.rejected, tables.published)
    report["unread_files"] = unread
    report["logs_of_later_mentions"] = quality.logs_of_later_mentions(tables.incidents)
    report["cases_by_article_and_stage"] = cases.by_article_and_stage(tables.cases).reset_index().to_dict("records")
    return report


def _save(paths: Paths, tables: _Tables, report: dict, threads: int) -> None:
    """The processed tables as one set, exchanged with the previous set in one step; then the report."""
    if len(tables.incidents):
        schemas.incidents.validate(tables.incidents, lazy=True)
    schemas.monthly_counts.validate(tables.counts, lazy=True)
    with staged_dir(paths.processed) as folder, _executor(threads) as pool:
        def save(frame: pd.DataFrame, stem: str) -> Future:
            return pool.submit(write_parquet_and_csv, frame, folder / f"{stem}.parquet", folder / f"{stem}.csv")

        # on threads, the tables are written (Arrow's writers let go of the interpreter) while the
        # counts by unit are made, and the counts after them
        written = [save(tables.incidents, "incidents"), save(tables.cumulative, "published_cumulative"),
                   save(tables.cases, "cases"), save(tables.case_events, "case_events"),
                   pool.submit(write_csv, tables.rejected.reset_index(drop=True), folder / paths.rejected.name)]
        written.append(save(cases.counts_by_unit(tables.incidents, tables.counts, events=tables.case_events),
                            "monthly_counts"))
        for future in written:
            future.result()
    write_atomic(paths.quality_json, lambda tmp: tmp.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"))
    write_atomic(paths.quality_md, lambda tmp: tmp.write_text(quality.render_markdown(report),
                                                               encoding="utf-8"))


def _release_unused() -> None:
    """Give back to the system what Arrow's allocator kept of the arrays freed so far: the next
    step allocates a copy of the whole incidents table, and the peak memory is what counts."""
    pa.default_memory_pool().release_unused()


def run_clean(paths: Paths | None = None, today: date | None = None) -> CleanResult:
    """Clean every raw file, write data/processed/ and the data-quality report, return both."""
    paths = paths or Paths()
    reader = _Reader(paths.root, today or date.today())
    threads = _threads(paths)
    tables, files = _process(_load(paths, reader, threads), paths, reader)
    _release_unused()
    unread = unread_files(paths)
    report = _quality_report(files, tables, reader.errors, unread)
    _save(paths, tables, report, threads)
    return CleanResult(tables.incidents, tables.counts, tables.cumulative, tables.rejected, report,
                       reader.errors, unread, reader.headings)


def _with_folder(frame: pd.DataFrame, folder: Path, reader: _Reader) -> pd.DataFrame:
    """Rejections made across files name a file by its name only: give it its folder back."""
    return frame.assign(file=[str(reader.display(folder / name)) for name in frame["file"]])


def _finalise_counts(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts.assign(count=counts["count"].astype("int64"),
                        group=categorical(counts["group"].astype(str), kind="group"),
                        category=categorical(counts["category"].astype(str)))
    return out.sort_values(["source", "month", "group", "parent", "category", "unit", "label_as_written"],
                           kind="stable").reset_index(drop=True)[out.columns]


