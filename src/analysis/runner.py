"""`analysis report`: run the notebooks with papermill for chosen months and languages.

Parameters are checked before any kernel starts. Each run writes its executed notebook to
reports/notebooks/<notebook>_<month>.<lang>.ipynb, also when it fails, and an HTML copy without
code to reports/<month>/<notebook>.<lang>.html. A failed run does not stop the others.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import pandas as pd
from tqdm import tqdm

from .config import LANGUAGES, MONTH, Paths
from .load import load_monthly_counts
from .tables import write_atomic
from .taxonomy import category_codes

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


def choose_months(counts: pd.DataFrame, month: str | None, every: bool) -> list[str]:
    """The months to report on: one named month, every month with data, or the newest."""
    available = sorted(set(counts["month"]))
    if not available:
        raise ParameterError("there is no month with data: add files to data/raw/ and run `analysis clean`")
    if every:
        return available
    if month is None:
        return [available[-1]]
    if not MONTH.match(month):
        raise ParameterError(f"--month: expected a month as YYYY-MM (for example 2024-11); found {month!r}")
    if month not in available:
        near = ", ".join(available[-3:])
        raise ParameterError(f"--month {month}: no data for this month; months with data run from "
                             f"{available[0]} to {available[-1]} (the newest: {near})")
    return [month]


def default_trend_start(counts: pd.DataFrame) -> str:
    """The first month with a published group total: the reviews' three-group counts start there."""
    totals = counts[(counts["source"] == "published") & (counts["category"] == "total")]
    return min(totals["month"]) if len(totals) else min(counts["month"])


def plan(counts: pd.DataFrame, months: list[str], langs: list[str], categories: str | list[str],
         rolling: int, start: str | None = None) -> list[Run]:
    """The notebook runs for the chosen months and languages."""
    first, newest = min(counts["month"]), months[-1]
    trend_start = start or default_trend_start(counts)
    runs = [Run("monthly_review", m, lang, {"month": m, "lang": lang}) for m in months for lang in langs]
    runs += [Run("trends", newest, lang, {"start": trend_start, "end": newest, "categories": categories,
                                          "rolling": rolling, "lang": lang}) for lang in langs]
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


def write_html(executed: Path, target: Path) -> None:
    """An HTML copy of an executed notebook without its code, for readers without Jupyter."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, lambda tmp: tmp.write_text(body, encoding="utf-8"))


def execute(run: Run, paths: Paths, timeout: int) -> str | None:
    """Run one notebook; None when it succeeded, else one line saying what failed and where."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = run.executed(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(_notebook(paths, run.notebook), str(out), parameters=run.parameters,
                            kernel_name=KERNEL, cwd=str(paths.root), execution_timeout=timeout,
                            start_timeout=120, progress_bar=False, log_output=False,
                            kernel_manager_class=_kernel_manager())
    except PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count}); see {out.relative_to(paths.root)}"
    except Exception as exc:  # a kernel that died or timed out: the run failed, the others go on
        return f"{type(exc).__name__}: {exc}; see {out.relative_to(paths.root)}"
    write_html(out, run.html(paths))
    return None


@dataclass
class ReportResult:
    runs: list[Run]
    failures: dict[Run, str]

    @property
    def ok(self) -> bool:
        return not self.failures


def run_report(paths: Paths, month: str | None = None, every: bool = False, langs: str = "en,ru,kk",
               categories: str = "all", rolling: int = 3, timeout: int = 600,
               progress: bool = True, start: str | None = None) -> ReportResult:
    """Validate the parameters, then execute every planned notebook run."""
    languages = parse_languages(langs)
    chosen_categories = parse_categories(categories)
    if rolling < 1 or rolling > 24:
        raise ParameterError(f"--rolling: expected a number of months from 1 to 24; found {rolling}")
    counts = load_monthly_counts(paths)
    months = choose_months(counts, month, every)
    if start is not None and (not MONTH.match(start) or start > months[-1]):
        raise ParameterError(f"--start: expected a month as YYYY-MM no later than {months[-1]}; found {start!r}")
    runs = plan(counts, months, languages, chosen_categories, rolling, start)
    check_parameters(paths, runs)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    failures = {}
    before = os.environ.get("ANALYSIS_ROOT")
    os.environ["ANALYSIS_ROOT"] = str(paths.root)  # the kernels inherit it: they read this project
    try:
        for run in tqdm(runs, desc="notebooks", unit="run", disable=not progress):
            problem = execute(run, paths, timeout)
            if problem:
                failures[run] = problem
    finally:
        if before is None:
            os.environ.pop("ANALYSIS_ROOT", None)
        else:
            os.environ["ANALYSIS_ROOT"] = before
    return ReportResult(runs, failures)
