"""`analysis report`: bring every output up to date, in named steps.

1. clean the raw data when it or the code changed (`analysis clean`);
2. remove the outputs of months that no longer have data;
3. run the notebooks (listed in `runs.NOTEBOOKS`) whose inputs changed or whose outputs are gone
   or changed, with papermill, a few at a time.

Parameters are checked before any kernel starts. Each run writes its executed notebook to
reports/notebooks/<notebook>_<month>.<lang>.ipynb, also when it fails, and an HTML copy without
code to reports/<month>/<notebook>.<lang>.html. A failed run does not stop the others.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from . import __version__
from .config import MONTH, RESOLUTIONS, Paths
from .errors import ParameterError
from .execute import KERNEL_LOG, check_parameters, execute
from .load import load_cumulative, load_incidents, load_monthly_counts
from .manifest import (
    DataHashes,
    clean_outputs,
    needed,
    package_hash,
    raw_hashes,
    read_manifest,
    remove_stale,
    run_outputs,
    sha,
    why_needed,
    with_outputs,
    write_manifest,
)
from .runs import Run, choose_months, parse_categories, parse_languages, plan, run_record


@dataclass
class ReportResult:
    runs: list[Run]
    failures: dict[Run, str]
    executed: list[Run] = field(default_factory=list)
    cleaned: bool = False
    clean_errors: list[dict] = field(default_factory=list)
    log: Path | None = None
    unread: list[dict] = field(default_factory=list)  # files under data/raw/ the cleaning does not read
    removed: list[str] = field(default_factory=list)  # stale outputs removed
    planned: dict[str, str] = field(default_factory=dict)  # dry run: step ("clean" or a run) -> why

    @property
    def ok(self) -> bool:
        return not self.failures and not self.clean_errors

    @property
    def nothing_to_do(self) -> bool:
        return not self.cleaned and not self.executed and not self.failures and not self.removed


def _logger(paths: Paths) -> tuple[logging.Logger, Path]:
    folder = paths.reports / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
    path = folder / f"{stamp}-{os.getpid()}.log"
    logger = logging.getLogger(f"analysis.report.{os.getpid()}.{stamp}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    return logger, path


def run_report(paths: Paths, month: str | None = None, every: bool = False, langs: str = "en,ru,kk",
               categories: str = "all", rolling: int = 3, timeout: int = 600,
               progress: bool = True, start: str | None = None, jobs: int | None = None,
               force: bool = False, resolution: str = "auto", dry_run: bool = False) -> ReportResult:
    """Bring every output up to date: clean the raw data if it changed, then run the notebooks
    whose inputs changed, `jobs` at a time. With nothing changed, no kernel starts.

    `dry_run` changes nothing: `planned` then says which steps would run and why.
    """
    languages = parse_languages(langs)
    chosen_categories = parse_categories(categories)
    if rolling < 1 or rolling > 24:
        raise ParameterError(f"--rolling: expected a number of months from 1 to 24; found {rolling}")
    if month is not None and not MONTH.match(month):
        raise ParameterError(f"--month: expected a month as YYYY-MM (for example 2024-11); found {month!r}")
    if start is not None and not MONTH.match(start):
        raise ParameterError(f"--start: expected a month as YYYY-MM; found {start!r}")
    if resolution not in RESOLUTIONS:
        raise ParameterError(f"--resolution: expected one of {', '.join(RESOLUTIONS)}; found {resolution!r}")
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ParameterError(f"-j: expected a number of notebooks to run at once, 1 or more; found {jobs}")
    if timeout < 1:
        raise ParameterError(f"--timeout: expected a number of seconds a cell may take, 1 or more; "
                             f"found {timeout}")
    logger, log_path = _logger(paths)
    manifest = read_manifest(paths)
    result = ReportResult([], {}, log=log_path)

    # 1. The cleaning, when the raw data or the code changed, or one of its outputs is gone or changed.
    began = time.monotonic()
    raw = raw_hashes(paths)
    clean_key = sha(json.dumps(raw, sort_keys=True).encode(), package_hash().encode())
    why = why_needed(manifest.get("clean", {}), clean_key, paths, force)
    if dry_run:
        result.planned = {"clean": why} if why else {}
        if why and not all(p.exists() for p in (paths.incidents, paths.monthly_counts,
                                                 paths.published_cumulative)):
            return _close(logger, result)  # the runs can be planned only from cleaned data
    elif why:
        from .clean import run_clean

        cleaned = run_clean(paths)
        result.cleaned, result.clean_errors, result.unread = True, cleaned.file_errors, cleaned.unread
        manifest["clean"] = with_outputs({"key": clean_key, "raw_sha256": raw, "package_version": __version__,
                                           "package_sha256": package_hash(), "file_errors": cleaned.file_errors,
                                           "unread": cleaned.unread}, clean_outputs(paths), paths)
        write_manifest(paths, manifest)
        logger.info("clean (%s): %.2f s, %d files could not be read", why, time.monotonic() - began,
                    len(cleaned.file_errors))
    else:
        result.clean_errors = manifest["clean"].get("file_errors", [])
        result.unread = manifest["clean"].get("unread", [])
        logger.info("clean: up to date (%.2f s to check)", time.monotonic() - began)

    # 2. Outputs of months without data any more.
    counts = load_monthly_counts(paths)
    result.removed = [] if dry_run else remove_stale(paths, manifest, set(counts["month"]))
    if result.removed:
        write_manifest(paths, manifest)
        logger.info("removed %d outputs of months without data: %s", len(result.removed),
                    ", ".join(result.removed))

    # 3. The notebook runs whose inputs changed or whose outputs are gone or changed.
    incidents, cumulative = load_incidents(paths), load_cumulative(paths)
    months = choose_months(counts, month, every, logged=set(incidents["report_month"]))
    if start is not None and start > months[-1]:
        raise ParameterError(f"--start: expected a month no later than {months[-1]}; found {start!r}")
    runs = plan(counts, months, languages, chosen_categories, rolling, start, resolution)
    result.runs = runs
    hashes = DataHashes(counts, incidents, cumulative)
    records = {run: run_record(run, paths, hashes) for run in runs}
    done = manifest.setdefault("runs", {})
    todo = needed(runs, {run: record["key"] for run, record in records.items()}, manifest, paths, force)
    for run in runs:
        logger.info("%s: %s", run.id, f"to run: {todo[run]}" if run in todo else "up to date")
    if dry_run:
        result.planned.update({run.id: why for run, why in todo.items()})
        return _close(logger, result)
    if todo:
        check_parameters(paths, list(todo))
        result.executed = list(todo)
        previous = {run.id: done.get(run.id, {}) for run in todo}
        _execute_all(result.executed, paths, timeout, jobs, progress, logger, done, records, result, log_path)
        for run in result.failures:  # a failed run keeps what it wrote, its executed notebook first
            previous.pop(run.id, None)
        superseded = remove_stale(paths, manifest, set(counts["month"]), previous)
        if superseded:
            logger.info("removed %d outputs earlier runs made and the new runs did not: %s",
                        len(superseded), ", ".join(superseded))
        result.removed += superseded
        write_manifest(paths, manifest)
    logger.info("report: %d runs, %d executed, %d failed, %.2f s in all", len(runs), len(todo),
                len(result.failures), time.monotonic() - began)
    return _close(logger, result)


def _close(logger: logging.Logger, result: ReportResult) -> ReportResult:
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)
    return result


def _execute_all(needed: list[Run], paths: Paths, timeout: int, jobs: int, progress: bool,
                 logger: logging.Logger, done: dict, records: dict, result: ReportResult,
                 log_path: Path | None = None) -> None:
    from tqdm import tqdm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    # The workers and kernels inherit these: the project they read, and the log their output goes to.
    settings = {"ANALYSIS_ROOT": str(paths.root), KERNEL_LOG: str(log_path) if log_path else None}
    before = {name: os.environ.get(name) for name in settings}
    for name, value in settings.items():
        if value is not None:
            os.environ[name] = value
    succeeded = []
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(needed)), mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(execute, run, paths, timeout): run for run in needed}
            for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", unit="run",
                               disable=not progress or not sys.stderr.isatty()):
                run = futures[future]
                problem, seconds, attempts = future.result()
                retried = f" after {attempts} attempts" if attempts > 1 else ""
                if problem:
                    result.failures[run] = problem
                    done.pop(run.id, None)
                    logger.info("%s: FAILED in %.2f s%s: %s", run.id, seconds, retried, problem)
                else:
                    succeeded.append(run)
                    logger.info("%s: %.2f s%s", run.id, seconds, retried)
        # Hash the outputs once every run has finished: runs side by side may write the same shared
        # file (a figure's CSV and JSON serve its three languages).
        for run in succeeded:
            done[run.id] = with_outputs(records[run], run_outputs(run, paths), paths)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
