"""`analysis report`: bring every output up to date, in named steps.

1. clean the raw data when it or the code changed (`analysis clean`);
2. release the data when they changed since `releases/latest` (`analysis release`), unless the
   cleaning rejects rows that release did not (held back until they are fixed), and remove the
   outputs of months that no longer have data;
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
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import LANGUAGES, MAX_ROLLING, RESOLUTIONS, Paths
from .errors import DomainError, ParameterError, expect_between, expect_month, expect_one_of
from .execute import check_parameters, execute
from .i18n import plural
from .load import load_cumulative, load_incidents, load_monthly_counts, load_rejected_by_month
from .manifest import (
    DataHashes,
    clean_outputs,
    needed,
    package_hash,
    raw_hashes,
    read_manifest,
    remove_stale,
    run_month,
    run_outputs,
    sha,
    why_needed,
    with_outputs,
    write_manifest,
)
from .runs import Run, choose_months, logged_only_after, parse_categories, parse_languages, plan, run_record
from .site import forget_bundles, publish_step
from .variants import parse_variants

if TYPE_CHECKING:
    import pandas as pd


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
    released: str | None = None  # the version of the data release this run made
    release_error: str | None = None
    release_held: str | None = None  # why no release was made although the data changed
    rejected: pd.DataFrame | None = None  # the rows the cleaning rejected, when it ran in this report
    headings: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> column -> heading as written
    published: dict[str, str] = field(default_factory=dict)  # bundles and site made: step -> why
    logged_only: list[str] = field(default_factory=list)  # newer months known only from a log, not run

    @property
    def ok(self) -> bool:
        return not self.failures and not self.clean_errors and not self.release_error

    @property
    def nothing_to_do(self) -> bool:
        return (not self.cleaned and not self.executed and not self.failures and not self.removed
                and not self.published and not self.released)


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


@dataclass(frozen=True)
class Request:
    """What a person asked `analysis report` for, every parameter checked."""

    month: str | None = None
    every: bool = False
    langs: list[str] = field(default_factory=lambda: list(LANGUAGES))
    categories: str | list[str] = "all"
    rolling: int = 3
    timeout: int = 600
    start: str | None = None
    jobs: int = 1
    force: bool = False
    resolution: str = "auto"
    variants: str | None = None  # comma-separated, checked; None: every variant for the newest month


def check_request(month: str | None = None, every: bool = False, langs: str = "en,ru,kk",
                  categories: str = "all", rolling: int = 3, timeout: int = 600, start: str | None = None,
                  jobs: int | None = None, force: bool = False, resolution: str = "auto",
                  variants: str | None = None) -> Request:
    """The request, or a ParameterError naming the first parameter that cannot be used."""
    return Request(
        month=None if month is None else expect_month(month, "--month"),
        every=every,
        langs=parse_languages(langs),
        categories=parse_categories(categories),
        rolling=expect_between(rolling, 1, MAX_ROLLING, "--rolling", "a number of months"),
        timeout=expect_between(timeout, 1, None, "--timeout", "a number of seconds a cell may take"),
        start=None if start is None else expect_month(start, "--start"),
        jobs=expect_between((os.cpu_count() or 1) if jobs is None else jobs, 1, None, "-j/--jobs",
                            "a number of notebooks to run at once"),
        force=force,
        resolution=expect_one_of(resolution, RESOLUTIONS, "--resolution"),
        variants=None if variants is None else ",".join(parse_variants(variants)),
    )


def run_report(paths: Paths, month: str | None = None, every: bool = False, langs: str = "en,ru,kk",
               categories: str = "all", rolling: int = 3, timeout: int = 600,
               progress: bool = True, start: str | None = None, jobs: int | None = None,
               force: bool = False, resolution: str = "auto", dry_run: bool = False,
               variants: str | None = None) -> ReportResult:
    """Bring every output up to date: clean the raw data if it changed, then run the notebooks
    whose inputs changed, `jobs` at a time. With nothing changed, no kernel starts.

    `dry_run` changes nothing: `planned` then says which steps would run and why. `variants`: the
    figures' variants (`variants.VARIANTS`); by default every variant for the newest month.
    """
    request = check_request(month, every, langs, categories, rolling, timeout, start, jobs, force, resolution,
                            variants)
    logger, log_path = _logger(paths)
    logger.info("analysis %s report%s in %s: %s", __version__, " --dry-run" if dry_run else "", paths.root,
                ", ".join(f"{name}={value}" for name, value in asdict(request).items()))
    try:
        return _report(paths, request, progress, dry_run, logger, log_path)
    except DomainError as exc:  # said on the terminal by the command; the run's log says it too
        logger.error("stopped: %s", exc)
        raise
    finally:
        _close(logger)


def _report(paths: Paths, request: Request, progress: bool, dry_run: bool, logger: logging.Logger,
            log_path: Path) -> ReportResult:
    began = time.monotonic()
    manifest = read_manifest(paths)
    clean = clean_step(paths, manifest.get("clean", {}), request.force, dry_run, logger)
    result = ReportResult([], {}, log=log_path, cleaned=clean.ran, clean_errors=clean.errors, unread=clean.unread,
                          rejected=clean.rejected, headings=clean.headings)
    if clean.entry is not None:
        manifest["clean"] = clean.entry
        write_manifest(paths, manifest)
    if dry_run:
        result.planned = {"clean": clean.why} if clean.why else {}
        if clean.why and not all(p.exists() for p in (paths.incidents, paths.monthly_counts,
                                                       paths.published_cumulative)):
            return result  # the runs can be planned only from cleaned data

    if not dry_run and not clean.errors:
        release = release_step(paths, manifest, logger, clean.headings)
        result.released, result.release_error, result.release_held = release.version, release.error, release.held
    elif clean.ran and clean.errors and release_made(paths):
        result.release_held = (f"{len(clean.errors)} file{'s' * (len(clean.errors) != 1)} could not be read (above); "
                               "the data are released once every file is read")
        logger.info("release: held back: %s", result.release_held)
    counts, incidents, cumulative = load_monthly_counts(paths), load_incidents(paths), load_cumulative(paths)
    # a month has data when a review's counts or an incident log name it (its review is built from the log)
    with_data = set(counts["month"]) | set(incidents["report_month"])
    if not dry_run:
        result.removed = remove_stale(paths, manifest, with_data)
        if result.removed:
            write_manifest(paths, manifest)
            logger.info("removed %d outputs of months without data: %s", len(result.removed),
                        ", ".join(result.removed))

    result.runs, records = plan_runs(paths, request, counts, incidents, cumulative, manifest.get("runs", {}))
    if request.month is None and not request.every:
        newest = max(run.month for run in result.runs)
        result.logged_only = logged_only_after(counts, set(incidents["report_month"]), newest)
        for month in result.logged_only:
            logger.info("%s: known only from its incident log; not run (run it with --month %s)", month, month)
    todo = needed(result.runs, records, manifest, paths, request.force)
    for run in result.runs:
        logger.info("%s: %s", run.id, f"to run: {todo[run]}" if run in todo else "up to date")
    months = sorted({run.month for run in result.runs})
    if dry_run:
        check_parameters(paths, list(todo))  # a run the real report would refuse is refused here too
        result.planned.update({run.id: why for run, why in todo.items()})
        # the embed snippets, bundles and site when they are out of date themselves; the runs planned
        # would bring them up to date after them in any case
        result.planned.update(publish_step(paths, manifest, months, request.force, dry_run=True))
        return result
    if todo:
        result.executed = list(todo)
        result.failures, result.removed = run_notebooks(paths, request, result.executed, records, manifest,
                                                        with_data, progress, logger, log_path,
                                                        result.removed)
        write_manifest(paths, manifest)
    forgot = forget_bundles(manifest, with_data)
    result.published = publish_step(paths, manifest, months, request.force)
    for step, why in result.published.items():
        logger.info("%s: made (%s)", step, why)
    if forgot or result.published:
        write_manifest(paths, manifest)
    logger.info("report: %d runs, %d executed, %d failed, %.2f s in all", len(result.runs), len(todo),
                len(result.failures), time.monotonic() - began)
    return result


@dataclass(frozen=True)
class CleanStep:
    why: str | None  # why the cleaning runs (or would run); None when it is up to date
    ran: bool
    errors: list[dict]  # files that could not be read
    unread: list[dict]  # files under data/raw/ the cleaning does not read
    entry: dict | None  # the manifest's new record of the cleaning, when it ran
    rejected: pd.DataFrame | None = None  # the rows it rejected, when it ran
    headings: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> column -> heading as written


LOGGED_REJECTIONS = 200  # rejected rows written to the run's log; all are in data/processed/rejected.csv


def clean_key(paths: Paths) -> tuple[dict[str, str], str]:
    """(each raw file's sha256, the key of a clean: the raw files and the package together)."""
    raw = raw_hashes(paths)
    return raw, sha(json.dumps(raw, sort_keys=True).encode(), package_hash().encode())


def clean_entry(paths: Paths, raw: dict[str, str], key: str, cleaned) -> dict:
    """The manifest's record of a clean (`CleanResult`) of the raw files `raw` (`clean_key`): a
    report after it cleans again only when the raw files, the package or an output changed."""
    return with_outputs({"key": key, "raw_sha256": raw, "package_version": __version__,
                         "package_sha256": package_hash(), "file_errors": cleaned.file_errors,
                         "unread": cleaned.unread}, clean_outputs(paths), paths)


def clean_step(paths: Paths, recorded: dict, force: bool, dry_run: bool, logger: logging.Logger) -> CleanStep:
    """Step 1: clean the raw data when it or the code changed, or one of its outputs is gone or changed."""
    began = time.monotonic()
    raw, key = clean_key(paths)
    why = why_needed(recorded, key, paths, force, {"raw_sha256": raw, "package_sha256": package_hash()})
    if why is None or dry_run:
        if why is None:
            logger.info("clean: up to date (%.2f s to check)", time.monotonic() - began)
        return CleanStep(why, False, recorded.get("file_errors", []) if why is None else [],
                         recorded.get("unread", []) if why is None else [], None)
    from .clean import run_clean
    from .verdicts import rejection_line

    cleaned = run_clean(paths)
    entry = clean_entry(paths, raw, key, cleaned)
    logger.info("clean (%s): %.2f s, %d files could not be read, %d rows rejected", why, time.monotonic() - began,
                len(cleaned.file_errors), len(cleaned.rejected))
    for row in cleaned.rejected.head(LOGGED_REJECTIONS).itertuples():
        logger.info("rejected: %s", rejection_line(row, cleaned.headings))
    if len(cleaned.rejected) > LOGGED_REJECTIONS:
        logger.info("rejected: ... and %d more rows, all in %s", len(cleaned.rejected) - LOGGED_REJECTIONS,
                    paths.rejected.relative_to(paths.root))
    return CleanStep(why, True, cleaned.file_errors, cleaned.unread, entry, cleaned.rejected, cleaned.headings)


def release_made(paths: Paths) -> bool:
    """Whether the project has a data release (the scheduled run makes the next ones)."""
    from .release import releases

    return bool(releases(paths.releases))


@dataclass(frozen=True)
class ReleaseStep:
    version: str | None = None  # the release made
    error: str | None = None  # why the release could not be made
    held: str | None = None  # why none is made yet: rows newly rejected


def release_step(paths: Paths, manifest: dict, logger: logging.Logger,
                 headings: dict[str, dict[str, str]] | None = None) -> ReleaseStep:
    """Release the data when they changed since `releases/latest`. With no release yet, none is
    made: the first is `analysis release`'s. None is made either while the cleaning rejects rows the
    latest release did not reject (a release is never changed: a mistake in a new month's file would
    stay in it); `analysis release` releases them as they are. The check is skipped when neither the
    cleaning nor the latest release changed since it was last made. `headings`: the columns'
    headings as the files write them, to name the first row held back by (`CleanResult.headings`)."""
    from .datapackage import ReleaseError
    from .release import make_release, new_rejections, releases
    from .verdicts import rejection_line

    versions = releases(paths.releases)
    if not versions:
        return ReleaseStep()
    checked = {"clean": manifest.get("clean", {}).get("key"), "latest": versions[-1]}
    if manifest.get("release") == checked:
        return ReleaseStep()
    rejected = new_rejections(paths)
    if not rejected.empty:
        first = next(rejected.itertuples())
        held = (f"{len(rejected)} {plural('rows', len(rejected), 'en')} rejected that release {versions[-1]} did not "
                f"reject (the first: {rejection_line(first, headings)}); "
                "fix them in the raw files, or release the data as they are with `analysis release`")
        logger.info("release: held back: %s", held)
        return ReleaseStep(held=held)
    try:
        made = make_release(paths)
    except ReleaseError as exc:
        logger.info("release: FAILED: %s", exc)
        return ReleaseStep(error=str(exc))
    manifest["release"] = {**checked, "latest": made.version or versions[-1]}
    write_manifest(paths, manifest)
    logger.info("release: %s", f"made {made.version}" if made.version else f"no change since {versions[-1]}")
    return ReleaseStep(version=made.version)


def plan_runs(paths: Paths, request: Request, counts, incidents, cumulative,
              done: dict | None = None) -> tuple[list[Run], dict[Run, dict]]:
    """Step 2: the notebook runs for the request, each with the record of what it is made from.

    The scheduled run (no month named, not every month) also takes the runs published earlier for
    other months (`done`: the manifest's runs) whose counts, incidents or rejected rows in the
    months they read changed since, with the same parameters: no published figure stays behind a
    log or a review corrected later. A run whose notebook or package changed, or the cumulative
    statements (hashed as a whole: each new review adds some), is left as it was published
    (`--every`, or the month named, makes it again)."""
    months = choose_months(counts, request.month, request.every, logged=set(incidents["report_month"]))
    if request.start is not None and request.start > months[-1]:
        raise ParameterError(f"--start: expected a month no later than {months[-1]}; found {request.start!r}")
    runs = plan(counts, months, request.langs, request.categories, request.rolling, request.start,
                request.resolution, request.variants)
    hashes = DataHashes(counts, incidents, cumulative, load_rejected_by_month(paths))
    records = {run: run_record(run, paths, hashes) for run in runs}
    if request.month is None and not request.every and done:
        with_data = set(counts["month"]) | set(incidents["report_month"])
        published = {run_month(run_id, entry) for run_id, entry in done.items()}
        earlier = sorted(m for m in (published - set(months)) & with_data
                         if request.start is None or m >= request.start)
        earlier_runs = [run for month in earlier  # month by month: each month's own trends and ledgers too
                        for run in plan(counts, [month], request.langs, request.categories, request.rolling,
                                        request.start, request.resolution, request.variants)]
        for run in earlier_runs:
            entry, record = done.get(run.id, {}), run_record(run, paths, hashes)
            before, now = entry.get("data_parts", {}), record["data_parts"]
            if before and entry.get("parameters") == record["parameters"] and any(
                    before.get(part) != now.get(part) for part in ("counts", "incidents", "rejected")):
                runs.append(run)
                records[run] = record
    return runs, records


def run_notebooks(paths: Paths, request: Request, todo: list[Run], records: dict[Run, dict], manifest: dict,
                  months_with_data: set[str], progress: bool, logger: logging.Logger, log_path: Path,
                  removed: list[str]) -> tuple[dict[Run, str], list[str]]:
    """Step 3: run the notebooks that need it; record what each wrote in `manifest`; remove what the
    new runs no longer write. Returns the failures and every output removed so far."""
    check_parameters(paths, todo)
    done = manifest.setdefault("runs", {})
    previous = {run.id: done.get(run.id, {}) for run in todo}
    failures = _execute_all(todo, paths, request.timeout, request.jobs, progress, logger, done, records, log_path)
    for run in failures:  # a failed run keeps what it wrote, its executed notebook first
        previous.pop(run.id, None)
    superseded = remove_stale(paths, manifest, months_with_data, previous)
    if superseded:
        logger.info("removed %d outputs earlier runs made and the new runs did not: %s",
                    len(superseded), ", ".join(superseded))
    return failures, removed + superseded


def _close(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)


_POOL: dict[int, ProcessPoolExecutor] = {}  # its number of workers -> the pool; one at most


def _pool(jobs: int) -> ProcessPoolExecutor:
    """At least `jobs` worker processes, started as runs need them and kept for the next report in
    this process: each imports papermill and nbconvert once. A report asking for more workers than
    the pool has gets a larger pool; one asking for fewer uses as many of its workers as it asked
    for. Every run still gets a kernel of its own."""
    size = max(_POOL, default=0)
    if size < jobs:
        if size:
            _POOL.pop(size).shutdown()
        _POOL[jobs] = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))
        size = jobs
    return _POOL[size]


def _outcome(run: Run, problem: str | None, seconds: float, attempts: int, logger: logging.Logger) -> str | None:
    """Log how one run ended; its problem, or None when it succeeded."""
    retried = f" after {attempts} attempts" if attempts > 1 else ""
    if problem:
        logger.info("%s: FAILED in %.2f s%s: %s", run.id, seconds, retried, problem)
    else:
        logger.info("%s: %.2f s%s", run.id, seconds, retried)
    return problem


def _execute_all(needed: list[Run], paths: Paths, timeout: int, jobs: int, progress: bool,
                 logger: logging.Logger, done: dict, records: dict, log_path: Path | None = None) -> dict[Run, str]:
    """Run the notebooks, `jobs` at a time, in their order; record each success in `done`. Returns
    the failures."""
    from tqdm import tqdm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    succeeded, failures = [], {}
    pool, waiting, running = _pool(jobs), list(reversed(needed)), {}
    bar = tqdm(total=len(needed), desc="notebooks", unit="run", disable=not progress or not sys.stderr.isatty())
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                run = waiting.pop()
                running[pool.submit(execute, run, paths, timeout, log_path)] = run
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                run = running.pop(future)
                problem = _outcome(run, *future.result(), logger)
                if problem:
                    failures[run] = problem
                    done.pop(run.id, None)
                else:
                    succeeded.append(run)
                bar.update()
    except BrokenProcessPool:
        _POOL.clear()  # a worker died (killed, out of memory): the next report starts new ones
        raise
    finally:
        bar.close()
    return {**failures, **record_outputs(succeeded, paths, done, records, logger)}


def record_outputs(succeeded: list[Run], paths: Paths, done: dict, records: dict,
                   logger: logging.Logger) -> dict[Run, str]:
    """Record in `done` what each run that succeeded wrote, hashed once every run has finished:
    runs side by side may write the same shared file (a figure's CSV and JSON serve its three
    languages). A run that wrote a file a run of another notebook writes too is not recorded, and
    the file is removed: neither run can vouch for it, and the site and bundles must not publish
    it. Returns those runs and what to do."""
    for run in succeeded:
        done[run.id] = with_outputs(records[run], run_outputs(run, paths), paths)
    failures = {}
    for run, shared in shared_with_another_notebook(succeeded, done).items():
        others = sorted(set().union(*shared.values()))
        first, more = min(shared), f" (and {len(shared) - 1} more files)" if len(shared) > 1 else ""
        failures[run] = (f"{first}{more} is written by notebooks/{' and notebooks/'.join(others)}.py too, and was "
                         "removed: each figure a notebook publishes needs a name no other notebook's figure of the "
                         "month has (a FigureSpec's name: dataclasses.replace(spec, name=...))")
        logger.info("%s: FAILED: %s", run.id, failures[run])
        done.pop(run.id)
        for name in shared:
            (paths.root / name).unlink(missing_ok=True)
    return failures


def shared_with_another_notebook(runs: list[Run], done: dict[str, dict]) -> dict[Run, dict[str, set[str]]]:
    """For each of `runs` that wrote a file a run of another notebook writes too: those files, each
    with the other notebooks. Two notebooks publishing a figure under one name replace each other's
    file, and what was recorded of each could no longer tell. (The runs of one notebook in three
    languages share a figure's CSV and JSON: that is no conflict.)"""
    writers: dict[str, set[str]] = {}
    for run_id, entry in done.items():
        for name in entry.get("outputs", {}):
            writers.setdefault(name, set()).add(run_id.rsplit("_", 1)[0])
    shared = {run: {name: writers[name] - {run.notebook} for name in done[run.id]["outputs"]
                    if writers[name] - {run.notebook}} for run in runs}
    return {run: files for run, files in shared.items() if files}
