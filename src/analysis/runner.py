"""`analysis report`: run the notebooks with papermill for chosen months and languages.

Parameters are checked before any kernel starts. Each run writes its executed notebook to
reports/notebooks/<notebook>_<month>.<lang>.ipynb, also when it fails, and an HTML copy without
code to reports/<month>/<notebook>.<lang>.html. A failed run does not stop the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from . import __version__
from .config import LANGUAGES, MONTH, PACKAGE_DIR, RESOLUTIONS, Paths
from .load import load_cumulative, load_incidents, load_monthly_counts
from .tables import write_atomic
from .taxonomy import category_codes, group_codes

KERNEL = "python3"


class ParameterError(ValueError):
    """A parameter a person typed is not usable; the message says what was expected."""


@dataclass(frozen=True)
class Run:
    notebook: str
    month: str
    lang: str
    parameters: dict = field(hash=False)

    def executed(self, paths: Paths) -> Path:
        return paths.reports / "notebooks" / f"{self.notebook}_{self.month}.{self.lang}.ipynb"

    def html(self, paths: Paths) -> Path:
        return paths.reports / self.month / f"{self.notebook}.{self.lang}.html"


def parse_languages(text: str) -> list[str]:
    langs = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if not langs or unknown:
        raise ParameterError(f"--lang: expected a comma-separated list of {', '.join(LANGUAGES)}; "
                             f"found {text!r}")
    return list(dict.fromkeys(langs))


def parse_categories(text: str) -> str | list[str]:
    if text == "all":
        return "all"
    codes = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in codes if c not in category_codes()]
    if not codes or unknown:
        named = ", ".join(unknown) or repr(text)
        raise ParameterError(f"--categories: unknown category code(s) {named}; "
                             f"expected 'all' or codes from src/analysis/domain/categories.csv "
                             f"such as refusal_of_information, threat")
    return codes


def choose_months(counts: pd.DataFrame, month: str | None, every: bool, logged: set[str] = frozenset()) -> list[str]:
    """The months to report on: one named month, every month with data, or the newest.

    The newest is the newest month with published counts: a month known only from an incident
    log is reported on when asked for by name (or with every month), its review built from the log.
    """
    stated = sorted(set(counts.loc[counts["source"] == "published", "month"]))
    available = sorted(set(counts["month"]) | set(logged))
    if not available:
        raise ParameterError("there is no month with data: add files to data/raw/ and run `analysis clean`")
    if every:
        return available
    if month is None:
        return [(stated or available)[-1]]
    if not MONTH.match(month):
        raise ParameterError(f"--month: expected a month as YYYY-MM (for example 2024-11); found {month!r}")
    if month not in available:
        near = ", ".join(available[-3:])
        raise ParameterError(f"--month {month}: no data for this month; months with data run from "
                             f"{available[0]} to {available[-1]} (the newest: {near})")
    return [month]


def default_trend_start(counts: pd.DataFrame) -> str:
    """The first month with a published group total: the reviews' three-group counts start there.

    Older headings (2009-2010) and overall totals alone do not start it: they are not the three groups.
    """
    totals = counts[(counts["source"] == "published") & (counts["category"] == "total")
                    & counts["group"].isin(group_codes())]
    return min(totals["month"]) if len(totals) else min(counts["month"])


def plan(counts: pd.DataFrame, months: list[str], langs: list[str], categories: str | list[str],
         rolling: int, start: str | None = None, resolution: str = "auto") -> list[Run]:
    """The notebook runs for the chosen months and languages."""
    first, newest = min(counts["month"]), months[-1]
    trend_start = min(start or default_trend_start(counts), newest)
    runs = [Run("monthly_review", m, lang, {"month": m, "lang": lang}) for m in months for lang in langs]
    runs += [Run("trends", newest, lang, {"start": trend_start, "end": newest, "categories": categories,
                                          "rolling": rolling, "resolution": resolution, "lang": lang})
             for lang in langs]
    runs += [Run("named_incidents", newest, lang, {"start": first, "end": newest, "lang": lang})
             for lang in langs]
    return runs


KERNEL_LOG = "ANALYSIS_KERNEL_LOG"  # the run's log: what kernels print goes there, not to the terminal


def _kernel_manager():
    """Kernels talk over local sockets in a private folder, not TCP ports: no port races, no warning.

    What a kernel prints itself (its shutdown notice "KeyboardInterrupt caught in kernel", warnings)
    is appended to the run's log, not to the terminal.
    """
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(Path(tempfile.mkdtemp(prefix="adilsoz-kernel-")) / "kernel"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            log = os.environ.get(KERNEL_LOG)
            if log:
                if getattr(self, "_kernel_log", None):  # a restarted kernel: the old one is gone
                    self._kernel_log.close()
                self._kernel_log = open(log, "a", encoding="utf-8")  # noqa: SIM115 (closed with the kernel)
                kw["stdout"] = kw["stderr"] = self._kernel_log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        async def cleanup_resources(self, restart: bool = False) -> None:
            await super().cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(Path(self.ip).parent, ignore_errors=True)
                if getattr(self, "_kernel_log", None):
                    self._kernel_log.close()

    return IPCKernelManager


def _notebook(paths: Paths, name: str):
    import jupytext  # slow to import: only when a notebook actually runs

    return jupytext.read(paths.notebooks / f"{name}.py")


def check_parameters(paths: Paths, runs: list[Run]) -> None:
    """Every parameter passed must be one the notebook declares in its parameters cell."""
    import papermill as pm

    for name in sorted({r.notebook for r in runs}):
        declared = set(pm.inspect_notebook(_notebook(paths, name)))
        for run in (r for r in runs if r.notebook == name):
            extra = set(run.parameters) - declared
            if extra:
                raise ParameterError(f"notebooks/{name}.py does not declare {', '.join(sorted(extra))} "
                                     "in its parameters cell")


READER_TEMPLATE = PACKAGE_DIR / "templates" / "reader.html.j2"
RESEARCHER_TAG = "researcher"  # cells for researchers only (tables with code names): not in the HTML


def write_html(executed: Path, target: Path, lang: str, title: str) -> None:
    """An HTML copy of an executed notebook for readers without Jupyter, in one language.

    Without code, without the researchers' markdown notes and cells tagged `researcher`: what
    remains is the narration, summary and figures the notebook showed in `lang`. The page is
    self-contained (images inline, no script fetched) and says its language and title.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(READER_TEMPLATE.parent)],
                            template_file=READER_TEMPLATE.name, language_code=lang,
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_markdown=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={RESEARCHER_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, lambda tmp: tmp.write_text(body, encoding="utf-8"))


def html_title(run: Run) -> str:
    from .i18n import month_label, t

    return t(f"html_title_{run.notebook}", run.lang, month=month_label(run.month, run.lang))


def _attempt(run: Run, paths: Paths, timeout: int) -> str | None:
    """Run one notebook once; None when it succeeded, else one line saying what failed and where."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = run.executed(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = outputs_record(run, paths)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.unlink(missing_ok=True)
    os.environ[OUTPUTS_RECORD] = str(record)  # the kernel inherits it: Publication lists what it writes there
    try:
        pm.execute_notebook(_notebook(paths, run.notebook), str(out), parameters={**run.parameters, "publish": True},
                            kernel_name=KERNEL, cwd=str(paths.root), execution_timeout=timeout,
                            start_timeout=120, progress_bar=False, log_output=False,
                            kernel_manager_class=_kernel_manager())
    except PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count}); see {out.relative_to(paths.root)}"
    write_html(out, run.html(paths), run.lang, html_title(run))
    return None


def execute(run: Run, paths: Paths, timeout: int, attempts: int = 3) -> tuple[str | None, float, int]:
    """(problem or None, seconds, attempts used). A kernel that fails to start or dies is retried;
    an error inside a cell is not (it would fail again)."""
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        try:
            return _attempt(run, paths, timeout), time.monotonic() - started, attempt
        except Exception as exc:  # kernel start races, dead kernels, timeouts
            problem = f"{type(exc).__name__}: {exc}; see {run.executed(paths).relative_to(paths.root)}"
    return problem, time.monotonic() - started, attempts


# --- what needs doing -------------------------------------------------------------------------------

def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def package_hash() -> str:
    """The package's version and every file of its code and domain tables."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".csv", ".mplstyle", ".j2"))
    return _sha(__version__.encode(), *(p.relative_to(PACKAGE_DIR).as_posix().encode() + p.read_bytes()
                                        for p in files))


def raw_hashes(paths: Paths) -> dict[str, str]:
    files = sorted(p for p in paths.raw.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {str(p.relative_to(paths.root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _frame_hash(frame: pd.DataFrame) -> str:
    if frame.empty:
        return _sha(b"empty", ",".join(map(str, frame.columns)).encode())
    values = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return _sha(values.tobytes(), ",".join(map(str, frame.columns)).encode())


class DataHashes:
    """Hashes of the cleaned data, month by month, made once per `analysis report`: each run then
    sums the months it reads, so checking a hundred runs costs no more than checking one."""

    def __init__(self, counts: pd.DataFrame, incidents: pd.DataFrame, cumulative: pd.DataFrame) -> None:
        self.counts = self._by_month(counts, "month")
        self.incidents = self._by_month(incidents, "report_month")
        self.cumulative = _frame_hash(cumulative)

    @staticmethod
    def _by_month(frame: pd.DataFrame, column: str) -> dict[str, str]:
        """Row hashes made in one pass over the frame, summed up month by month."""
        if frame.empty:
            return {}
        rows = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        names = ",".join(map(str, frame.columns)).encode()
        positions = frame.groupby(frame[column].astype(str)).indices
        return {str(month): _sha(rows[where].tobytes(), names) for month, where in positions.items()}

    @staticmethod
    def between(hashes: dict[str, str], start: str, end: str) -> str:
        return "".join(f"{month}:{digest};" for month, digest in sorted(hashes.items()) if start <= month <= end)


def run_record(run: Run, paths: Paths, data: DataHashes) -> dict:
    """Everything a run's outputs are made from: notebook, package, parameters, the data it reads."""
    if run.notebook == "monthly_review":
        first = f"{int(run.month[:4]) - 1}-01"  # the month, its year to date and the year before
        read = data.between(data.counts, first, run.month) + data.cumulative
    elif run.notebook == "trends":
        start, end = run.parameters["start"], run.parameters["end"]
        read = data.between(data.counts, start, end) + data.cumulative
    else:
        start, end = run.parameters["start"], run.parameters["end"]
        read = data.between(data.incidents, start, end)
    return run_inputs(run, paths, read)


def run_inputs(run: Run, paths: Paths, data: str) -> dict:
    """What a run is made from, each part hashed, and the key that sums them up."""
    notebook = hashlib.sha256((paths.notebooks / f"{run.notebook}.py").read_bytes()).hexdigest()
    parts = {"notebook": f"notebooks/{run.notebook}.py", "notebook_sha256": notebook,
             "package_version": __version__, "package_sha256": package_hash(),
             "parameters": run.parameters, "data_sha256": _sha(data.encode())}
    return {**parts, "key": _sha(json.dumps(parts, sort_keys=True).encode())}


# --- outputs: what each step wrote, checked on every run -------------------------------------------

OUTPUTS_RECORD = "ANALYSIS_OUTPUTS_RECORD"  # the file a notebook run's Publication lists its outputs in


def outputs_record(run: Run, paths: Paths) -> Path:
    return paths.reports / ".runs" / f"{_run_id(run)}.outputs"


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


def _with_outputs(record: dict, outputs: dict[str, str], paths: Paths) -> dict:
    return {**record, "outputs": outputs, "output_stats": file_stats(paths, outputs)}


def why_needed(entry: dict, key: str, paths: Paths, force: bool) -> str | None:
    """Why a step must run (None when it is up to date): forced, new inputs, or outputs gone or changed."""
    if force:
        return "forced"
    if entry.get("key") != key:
        return "its inputs changed" if entry else "never run"
    if not entry.get("outputs"):
        return "its outputs were not recorded"
    changed = changed_outputs(paths, entry["outputs"], entry.get("output_stats"))
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"{changed[0]}{more} missing or changed"
    return None


def needed(runs: list[Run], keys: dict[Run, str], manifest: dict, paths: Paths,
           force: bool = False) -> dict[Run, str]:
    """The notebook runs to redo, each with the reason; the others are up to date."""
    done = manifest.get("runs", {})
    reasons = {run: why_needed(done.get(_run_id(run), {}), keys[run], paths, force) for run in runs}
    return {run: why for run, why in reasons.items() if why}


def _remove(paths: Paths, names: set[str]) -> list[str]:
    removed = []
    for name in sorted(names):
        target = paths.root / name
        if target.is_file():
            target.unlink()
            removed.append(name)
    return removed


def _run_month(run_id: str, entry: dict) -> str | None:
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
    for run_id in [r for r, entry in runs.items() if _run_month(r, entry) not in months_with_data]:
        gone_months.add(_run_month(run_id, runs[run_id]))
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


def _run_id(run: Run) -> str:
    return f"{run.notebook}_{run.month}.{run.lang}"


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
    clean_key = _sha(json.dumps(raw, sort_keys=True).encode(), package_hash().encode())
    why = why_needed(manifest.get("clean", {}), clean_key, paths, force)
    if dry_run:
        result.planned = {"clean": why} if why else {}
        if why and not all(p.exists() for p in (paths.incidents, paths.monthly_counts,
                                                 paths.published_cumulative)):
            return _close(logger, result)  # the runs can be planned only from cleaned data
    elif why:
        from .pipeline import run_clean

        cleaned = run_clean(paths)
        result.cleaned, result.clean_errors, result.unread = True, cleaned.file_errors, cleaned.unread
        manifest["clean"] = _with_outputs({"key": clean_key, "raw_sha256": raw, "package_version": __version__,
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
        logger.info("%s: %s", _run_id(run), f"to run: {todo[run]}" if run in todo else "up to date")
    if dry_run:
        result.planned.update({_run_id(run): why for run, why in todo.items()})
        return _close(logger, result)
    if todo:
        check_parameters(paths, list(todo))
        result.executed = list(todo)
        previous = {_run_id(run): done.get(_run_id(run), {}) for run in todo}
        _execute_all(result.executed, paths, timeout, jobs, progress, logger, done, records, result, log_path)
        for run in result.failures:  # a failed run keeps what it wrote, its executed notebook first
            previous.pop(_run_id(run), None)
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
                    done.pop(_run_id(run), None)
                    logger.info("%s: FAILED in %.2f s%s: %s", _run_id(run), seconds, retried, problem)
                else:
                    succeeded.append(run)
                    logger.info("%s: %.2f s%s", _run_id(run), seconds, retried)
        # Hash the outputs once every run has finished: runs side by side may write the same shared
        # file (a figure's CSV and JSON serve its three languages).
        for run in succeeded:
            done[_run_id(run)] = _with_outputs(records[run], run_outputs(run, paths), paths)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
