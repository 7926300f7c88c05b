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
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from functools import cache
from multiprocessing import get_context
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .config import LANGUAGES, MONTH, PACKAGE_DIR, Paths
from .load import load_cumulative, load_incidents, load_monthly_counts
from .tables import write_atomic
from .taxonomy import category_codes, group_codes

KERNEL = "python3"
RESOLUTIONS = ("auto", "month", "year")  # as analysis.figures.RESOLUTIONS, without importing matplotlib


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


def _kernel_manager():
    """Kernels talk over local sockets in a private folder, not TCP ports: no port races, no warning."""
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(Path(tempfile.mkdtemp(prefix="adilsoz-kernel-")) / "kernel"))
            super().__init__(**kwargs)

        async def cleanup_resources(self, restart: bool = False) -> None:
            await super().cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(Path(self.ip).parent, ignore_errors=True)

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


def run_record(run: Run, paths: Paths, counts: pd.DataFrame, incidents: pd.DataFrame,
               cumulative: pd.DataFrame) -> dict:
    """Everything a run's outputs are made from: notebook, package, parameters, the data it reads."""
    if run.notebook == "monthly_review":
        first = f"{int(run.month[:4]) - 1}-01"  # the month, its year to date and the year before
        data = _frame_hash(counts[(counts["month"] >= first) & (counts["month"] <= run.month)])
        data += _frame_hash(cumulative)
    elif run.notebook == "trends":
        start, end = run.parameters["start"], run.parameters["end"]
        data = _frame_hash(counts[(counts["month"] >= start) & (counts["month"] <= end)]) + _frame_hash(cumulative)
    else:
        start, end = run.parameters["start"], run.parameters["end"]
        data = _frame_hash(incidents[(incidents["report_month"] >= start) & (incidents["report_month"] <= end)])
    return run_inputs(run, paths, data)


def run_inputs(run: Run, paths: Paths, data: str) -> dict:
    """What a run is made from, each part hashed, and the key that sums them up."""
    notebook = hashlib.sha256((paths.notebooks / f"{run.notebook}.py").read_bytes()).hexdigest()
    parts = {"notebook": f"notebooks/{run.notebook}.py", "notebook_sha256": notebook,
             "package_version": __version__, "package_sha256": package_hash(),
             "parameters": run.parameters, "data_sha256": _sha(data.encode())}
    return {**parts, "key": _sha(json.dumps(parts, sort_keys=True).encode())}


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

    @property
    def ok(self) -> bool:
        return not self.failures and not self.clean_errors

    @property
    def nothing_to_do(self) -> bool:
        return not self.cleaned and not self.executed and not self.failures


def _logger(paths: Paths) -> tuple[logging.Logger, Path]:
    folder = paths.reports / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
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
               force: bool = False, resolution: str = "auto") -> ReportResult:
    """Bring every output up to date: clean the raw data if it changed, then run the notebooks
    whose inputs changed, `jobs` at a time. With nothing changed, no kernel starts."""
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
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1:
        raise ParameterError(f"-j: expected a number of notebooks to run at once, 1 or more; found {jobs}")
    logger, log_path = _logger(paths)
    manifest = read_manifest(paths)
    result = ReportResult([], {}, log=log_path)

    # 1. The cleaning, when the raw data or the code changed.
    began = time.monotonic()
    raw = raw_hashes(paths)
    clean_key = _sha(json.dumps(raw, sort_keys=True).encode(), package_hash().encode())
    outputs = [paths.incidents, paths.monthly_counts, paths.published_cumulative]
    if force or manifest.get("clean", {}).get("key") != clean_key or not all(p.exists() for p in outputs):
        from .pipeline import run_clean

        cleaned = run_clean(paths)
        result.cleaned, result.clean_errors = True, cleaned.file_errors
        manifest["clean"] = {"key": clean_key, "raw_sha256": raw, "package_version": __version__,
                             "package_sha256": package_hash(), "file_errors": cleaned.file_errors}
        write_manifest(paths, manifest)
        logger.info("clean: %.2f s, %d files could not be read", time.monotonic() - began, len(cleaned.file_errors))
    else:
        result.clean_errors = manifest["clean"].get("file_errors", [])
        logger.info("clean: up to date (%.2f s to check)", time.monotonic() - began)

    # 2. The notebook runs whose inputs changed.
    counts = load_monthly_counts(paths)
    months = choose_months(counts, month, every, logged=set(load_incidents(paths)["report_month"]))
    if start is not None and start > months[-1]:
        raise ParameterError(f"--start: expected a month no later than {months[-1]}; found {start!r}")
    runs = plan(counts, months, languages, chosen_categories, rolling, start, resolution)
    result.runs = runs
    incidents, cumulative = load_incidents(paths), load_cumulative(paths)
    records = {run: run_record(run, paths, counts, incidents, cumulative) for run in runs}
    keys = {run: record["key"] for run, record in records.items()}
    done = manifest.setdefault("runs", {})
    needed = [run for run in runs if force or done.get(_run_id(run), {}).get("key") != keys[run]
              or not run.executed(paths).exists() or not run.html(paths).exists()]
    for run in runs:
        if run not in needed:
            logger.info("%s: up to date", _run_id(run))
    if needed:
        check_parameters(paths, needed)
        result.executed = needed
        _execute_all(needed, paths, timeout, jobs, progress, logger, done, records, result)
        write_manifest(paths, manifest)
    logger.info("report: %d runs, %d executed, %d failed, %.2f s in all", len(runs), len(needed),
                len(result.failures), time.monotonic() - began)
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)
    return result


def _execute_all(needed: list[Run], paths: Paths, timeout: int, jobs: int, progress: bool,
                 logger: logging.Logger, done: dict, records: dict, result: ReportResult) -> None:
    from tqdm import tqdm

    logging.getLogger("papermill").setLevel(logging.WARNING)
    before = os.environ.get("ANALYSIS_ROOT")
    os.environ["ANALYSIS_ROOT"] = str(paths.root)  # the kernels inherit it: they read this project
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(needed)), mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(execute, run, paths, timeout): run for run in needed}
            for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", unit="run",
                               disable=not progress):
                run = futures[future]
                problem, seconds, attempts = future.result()
                retried = f" after {attempts} attempts" if attempts > 1 else ""
                if problem:
                    result.failures[run] = problem
                    done.pop(_run_id(run), None)
                    logger.info("%s: FAILED in %.2f s%s: %s", _run_id(run), seconds, retried, problem)
                else:
                    done[_run_id(run)] = records[run]
                    logger.info("%s: %.2f s%s", _run_id(run), seconds, retried)
    finally:
        if before is None:
            os.environ.pop("ANALYSIS_ROOT", None)
        else:
            os.environ["ANALYSIS_ROOT"] = before
