"""Dated events beside the series: laws, changes of what is counted, coverage, and public events.

`domain/events.csv` holds one row per event: its date (YYYY-MM-DD, or YYYY-MM when only the month
is known), its kind, whether it breaks the comparability of some series (`breaks`), the group or
category codes it breaks (`affects`, space-separated; `regions` for the region map), a short
label in English, Russian and Kazakh, and the URL of the source that states the fact. A
researcher adds an event by adding a row.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from . import taxonomy
from .config import DOMAIN_DIR, LANGUAGES
from .domain_data import DomainError, read_domain

KINDS = ("law", "taxonomy", "coverage", "event")
COLUMNS = ["date", "kind", "breaks", "affects"] + [f"label_{lang}" for lang in LANGUAGES] + ["source_url"]
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_URL = re.compile(r"^https?://\S+$")


def read_events(path: Path) -> pd.DataFrame:
    """The events table, checked: every problem names the file, line, column, expected and found."""
    frame = read_domain(path)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DomainError(f"{path}: line 1: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    for i, row in frame.iterrows():
        line = int(i) + 2
        checks = [("date", bool(_DATE.match(row["date"])), "a date as YYYY-MM-DD or YYYY-MM"),
                  ("kind", row["kind"] in KINDS, f"one of {', '.join(KINDS)}"),
                  ("breaks", row["breaks"] in ("true", "false"), "true or false"),
                  ("source_url", bool(_URL.match(row["source_url"])), "the URL of the source")]
        checks += [(f"label_{lang}", bool(row[f"label_{lang}"].strip()), "a short label")
                   for lang in LANGUAGES]
        known = set(taxonomy.group_codes()) | set(taxonomy.category_codes()) | {"regions"}
        unknown = [c for c in row["affects"].split() if c not in known]
        checks.append(("affects", not unknown, "group or category codes, or 'regions'"))
        for column, ok, expected in checks:
            if not ok:
                raise DomainError(f"{path}: line {line}: column {column}: expected {expected}; "
                                 f"found {row[column]!r}")
        if row["breaks"] == "true" and not row["affects"].split():
            raise DomainError(f"{path}: line {line}: column affects: a break must name the series it "
                             "breaks; found ''")
    return frame.assign(month=frame["date"].str[:7], breaks=frame["breaks"].eq("true"),
                        affects=frame["affects"].str.split())


@cache
def events() -> pd.DataFrame:
    """Every event in date order."""
    return read_events(DOMAIN_DIR / "events.csv").sort_values("date", kind="stable").reset_index(drop=True)


def _concerns(affects: list[str], codes: list[str]) -> bool:
    """An event concerns a series when it names one of its codes: a change to the groups concerns
    the group totals, a change to a category that category."""
    return bool(set(codes) & set(affects))


def for_series(codes: list[str], start: str, end: str) -> pd.DataFrame:
    """Events from `start` to `end` (months) to draw beside the series `codes`: context events
    (laws and public events that name no series) and the events that name one of the codes."""
    table = events()
    keep = [(start <= m <= end) and (not affects or _concerns(affects, codes))
            for m, affects in zip(table["month"], table["affects"])]
    return table[keep].reset_index(drop=True)


def breaks_between(codes: list[str], first: str, last: str) -> pd.DataFrame:
    """Breaks of comparability of the series `codes` after month `first` and up to month `last`:
    a comparison of a period starting at `first` with one ending at `last` crosses them."""
    table = events()
    keep = [b and first < m <= last and _concerns(affects, codes)
            for m, b, affects in zip(table["month"], table["breaks"], table["affects"])]
    return table[keep].reset_index(drop=True)


def as_records(table: pd.DataFrame) -> list[dict]:
    """Events as plain dicts for a figure's JSON."""
    return [{"date": r.date, "kind": r.kind, "breaks": bool(r.breaks), "affects": list(r.affects),
             **{f"label_{lang}": getattr(r, f"label_{lang}") for lang in LANGUAGES},
             "source_url": r.source_url} for r in table.itertuples()]


def labelled(dates: str, lang: str) -> str:
    """"2023-07-10; 2024-06-19" -> each event's date and label in `lang`, for a footnote."""
    table = events().set_index("date")
    return "; ".join(f"{d}: {table.loc[d, f'label_{lang}']}" for d in dates.split("; ") if d in table.index)
