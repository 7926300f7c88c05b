"""The notebooks `analysis report` runs, listed in one table, and the runs planned from it.

A new notebook is one row in `NOTEBOOKS` and a file in notebooks/: its name, the months it runs
for, what data a run reads and the window of months it reads them in (which decide when the run
is out of date), and its parameters; and the title of its HTML copy, `html_title_<name>` in
domain/translations.csv unless its row chooses the key from the parameters (notebooks/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .cases import false_information_articles
from .config import LANGUAGES, Paths
from .errors import NO_MONTH_WITH_DATA, ParameterError, expect_month, expect_month_with_data
from .manifest import DataHashes, run_inputs
from .taxonomy import expect_categories, group_codes
from .trends import resolve
from .variants import VARIANTS


@dataclass(frozen=True)
class Choices:
    """What a person chose for this report (checked already), and what follows from the data."""

    first: str  # the first month with data
    trend_start: str  # where trend charts start
    categories: str | list[str]
    rolling: int
    resolution: str
    variants: str | None = None  # the figures' variants asked for (`--variants`); None: every variant for
    #                              the newest month, the default figure for earlier months

    def variants_for(self, month: str, newest: str) -> str:
        if self.variants is not None:
            return self.variants
        return ",".join(VARIANTS) if month == newest else "default"


@dataclass(frozen=True)
class Notebook:
    name: str
    months: str  # "each": one run per chosen month; "newest": one run, for the newest chosen month
    # "counts" (monthly counts and the cumulative figures), "incidents" (the incident log), "rejected"
    # (how many rows of each month's files the cleaning rejected)
    reads: tuple[str, ...]
    parameters: Callable[[str, Choices], dict]  # (month, choices) -> its parameters besides `lang`
    window: Callable[[dict], tuple[str, str]]  # parameters -> the first and last month the run reads
    # parameters -> the key of its HTML copy's title in domain/translations.csv; None: html_title_<name>
    title: Callable[[dict], str] | None = None


def _year_before(month: str) -> str:
    return f"{int(month[:4]) - 1}-01"


NOTEBOOKS = [
    # the month, its year to date and the year before
    Notebook("monthly_review", "each", ("counts", "incidents", "rejected"), lambda month, c: {"month": month},
             lambda p: (_year_before(p["month"]), p["month"])),
    Notebook("trends", "newest", ("counts",),
             lambda month, c: {"start": c.trend_start, "end": month, "categories": c.categories,
                               "rolling": c.rolling, "resolution": c.resolution},
             lambda p: (p["start"], p["end"]),
             lambda p: "html_title_trends_year" if resolve(p["resolution"], p["start"], p["end"]) == "year"
             else "html_title_trends"),
    Notebook("named_incidents", "newest", ("incidents",), lambda month, c: {"start": c.first, "end": month},
             lambda p: (p["start"], p["end"])),
    Notebook("cases", "newest", ("incidents",),
             lambda month, c: {"start": c.first, "end": month, "articles": false_information_articles()},
             lambda p: (p["start"], p["end"])),
]
BY_NAME = {notebook.name: notebook for notebook in NOTEBOOKS}


def title_key(notebook: str, parameters: dict) -> str:
    """The key of a run's HTML title in domain/translations.csv."""
    row = BY_NAME.get(notebook)
    return row.title(parameters) if row is not None and row.title is not None else f"html_title_{notebook}"


@dataclass(frozen=True)
class Run:
    notebook: str
    month: str
    lang: str
    parameters: dict = field(hash=False)
    # Parameters that do not decide whether the run is out of date: the variants the default chose.
    # A month made with every variant while it was the newest keeps them when a newer month comes.
    unkeyed: frozenset[str] = field(default=frozenset(), hash=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.notebook}_{self.month}.{self.lang}"

    def executed(self, paths: Paths) -> Path:
        return paths.reports / "notebooks" / f"{self.id}.ipynb"

    def html(self, paths: Paths) -> Path:
        return paths.reports / self.month / f"{self.notebook}.{self.lang}.html"


def parse_languages(text: str) -> list[str]:
    langs = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if not langs or unknown:
        raise ParameterError(f"--lang: expected a comma-separated list of {', '.join(LANGUAGES)}; "
                             f"found {text!r}")
    return list(dict.fromkeys(langs))


def parse_categories(text: str, name: str = "--categories") -> str | list[str]:
    if text == "all":
        return "all"
    codes = [part.strip() for part in text.split(",") if part.strip()]
    if not codes:
        raise ParameterError(f"{name}: unknown category code(s) {text!r}; expected 'all' or codes from "
                             "src/analysis/domain/categories.csv such as refusal_of_information, threat")
    return expect_categories(codes, name, also="'all' or ")


def chosen_categories(categories: str | list[str]) -> list[str] | None:
    """The trends notebook's `categories`: "all" (None), or codes as a list or separated by commas;
    an unknown code is a ParameterError naming it."""
    text = categories if isinstance(categories, str) else ",".join(map(str, categories))
    parsed = parse_categories(text, "categories")
    return None if parsed == "all" else parsed


def choose_months(counts: pd.DataFrame, month: str | None, every: bool, logged: set[str] = frozenset()) -> list[str]:
    """The months to report on: one named month, every month with data, or the newest.

    The newest is the newest month with published counts: a month known only from an incident
    log is reported on when asked for by name (or with every month), its review built from the log.
    """
    stated = sorted(set(counts.loc[counts["source"] == "published", "month"]))
    available = sorted(set(counts["month"]) | set(logged))
    if every or month is None:
        if not available:
            raise ParameterError(NO_MONTH_WITH_DATA)
        return available if every else [(stated or available)[-1]]
    return [expect_month_with_data(expect_month(month, "--month"), available, "--month")]


def logged_only_after(counts: pd.DataFrame, logged: set[str], month: str) -> list[str]:
    """The months after `month` known only from an incident log (no published counts yet): the
    newest month with counts is the default, so these run only when named."""
    stated = set(counts.loc[counts["source"] == "published", "month"])
    return sorted(m for m in logged if m > month and m not in stated)


def default_trend_start(counts: pd.DataFrame) -> str:
    """The first month with a published group total: the reviews' three-group counts start there.

    Older headings (2009-2010) and overall totals alone do not start it: they are not the three groups.
    """
    totals = counts[(counts["source"] == "published") & (counts["category"] == "total")
                    & counts["group"].isin(group_codes())]
    return min(totals["month"]) if len(totals) else min(counts["month"])


def plan(counts: pd.DataFrame, months: list[str], langs: list[str], categories: str | list[str],
         rolling: int, start: str | None = None, resolution: str = "auto", variants: str | None = None) -> list[Run]:
    """The notebook runs for the chosen months and languages, in the order of `NOTEBOOKS`."""
    newest = months[-1]
    choices = Choices(first=min(counts["month"]), trend_start=min(start or default_trend_start(counts), newest),
                      categories=categories, rolling=rolling, resolution=resolution, variants=variants)
    return [Run(notebook.name, month, lang, {**notebook.parameters(month, choices), "lang": lang,
                                             "variants": choices.variants_for(month, newest)},
                frozenset() if variants is not None else frozenset({"variants"}))
            for notebook in NOTEBOOKS
            for month in (months if notebook.months == "each" else [newest])
            for lang in langs]


def run_record(run: Run, paths: Paths, data: DataHashes) -> dict:
    """Everything a run's outputs are made from: notebook, package, parameters, the data it reads."""
    notebook = BY_NAME[run.notebook]
    start, end = notebook.window(run.parameters)
    parts = {}  # what the run reads of each table, in the months it reads
    if "counts" in notebook.reads:
        parts["counts"] = data.between(data.counts, start, end)
        parts["cumulative"] = data.cumulative  # the statements as a whole
    if "incidents" in notebook.reads:
        parts["incidents"] = "incidents:" + data.between(data.incidents, start, end)
    if "rejected" in notebook.reads:  # the month's summary says how many rows of that month were rejected
        parts["rejected"] = "rejected:" + data.between(data.rejected, end, end)
    keyed = {name: value for name, value in run.parameters.items() if name not in run.unkeyed}
    return run_inputs(replace(run, parameters=keyed), paths, parts)
