"""Tidy, typed frames of the processed data, for notebooks and researchers."""

from __future__ import annotations

import pandas as pd

from .config import Paths
from .taxonomy import categorical


def _read(path, what: str) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist yet: run `make report` (or `analysis clean`) "
                                f"to build the {what} from data/raw/")
    return pd.read_parquet(path)


def load_incidents(paths: Paths | None = None) -> pd.DataFrame:
    """Every kept incident, categories and groups as ordered categoricals in taxonomy order."""
    frame = _read((paths or Paths()).incidents, "incidents table")
    return frame.assign(category=categorical(frame["category"].astype(str)),
                        group=categorical(frame["group"].astype(str), kind="group"))


def load_monthly_counts(paths: Paths | None = None, source: str | None = None,
                        unit_of_count: str | None = "reports") -> pd.DataFrame:
    """Monthly counts (long format); `source` = "published" or "incident_log" to keep one.

    `unit_of_count`: what is counted, `reports` (the published figures, and the logs' incidents
    each case once) by default; `new_cases`, `active_cases` or `persons` for the incident logs'
    counts by case and by person; None for every unit.
    """
    frame = _read((paths or Paths()).monthly_counts, "monthly counts")
    if unit_of_count is not None and "unit_of_count" in frame:
        frame = frame[frame["unit_of_count"] == unit_of_count].reset_index(drop=True)
    frame = frame.assign(category=categorical(frame["category"].astype(str)),
                         group=categorical(frame["group"].astype(str), kind="group"))
    return frame if source is None else frame[frame["source"] == source].reset_index(drop=True)


def load_cumulative(paths: Paths | None = None) -> pd.DataFrame:
    """Year-to-date and yearly figures the reviews and annual studies state."""
    return _read((paths or Paths()).published_cumulative, "cumulative figures")


def load_cases(paths: Paths | None = None) -> pd.DataFrame:
    """The case ledger: one row per prosecution or lawsuit, its stage reached, outcome and sources.

    See `analysis.cases.ledger` for the columns; `load_case_events` has each mention.
    """
    return _read((paths or Paths()).cases, "case ledger")


def load_case_events(paths: Paths | None = None) -> pd.DataFrame:
    """Every mention of a case in the ledger: month, date, stage, what happened, amount, source line."""
    return _read((paths or Paths()).case_events, "case ledger")


def load_revisions(paths: Paths | None = None, release: str = "latest") -> pd.DataFrame:
    """Every change between releases, as `releases/<release>/revisions.csv` lists it: figures revised
    (old and new value, and the reason the data give), rows added and removed, labels read as another
    category, category codes added, removed or renamed; one row each, with the release that made it."""
    path = (paths or Paths()).releases / release / "revisions.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `analysis release` to make a release")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_rejected_by_month(paths: Paths | None = None) -> dict[str, int]:
    """How many rows the cleaning rejected from each month's files (`reports/data_quality.json`):
    the rows a month's counts and summary leave out. Empty when nothing was rejected or the data
    have not been cleaned yet."""
    import json

    path = (paths or Paths()).quality_json
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("rejected_by_month", {})
