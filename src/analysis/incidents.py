"""Monthly incident logs -> one validated table of incidents."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from . import taxonomy
from .config import EARLIEST_YEAR, INCIDENT_FILE_PATTERN, MAX_AMOUNT_KZT
from .parsing import parse_amount, parse_date, parse_enumeration, parse_fields, parse_unique
from .reading import LINE, InputError, RawTable
from .regions import match_region, region_names
from .verdicts import REJECTED_COLUMNS, Verdicts, column, stripped

TEXT_COLUMNS = ["case_id", "category_as_written", "legal_code", "legal_article",
                "place_as_written", "victim", "outlet", "outcome", "source_url", "summary",
                "source_lang", "synthetic"]

INCIDENT_COLUMNS = [
    "incident_id", "case_id", "report_month", "event_date", "date_precision", "group", "category",
    "category_as_written", "legal_code", "legal_article", "region", "region_iso",
    "place_as_written", "victim", "victim_type", "outlet", "perpetrator_type", "amount_kzt",
    "outcome", "source_url", "summary", "source_lang", "counted", "source_file", "source_line",
]


def file_month(path: Path) -> str:
    """The month a log covers, from its name YYYY-MM.csv."""
    match = re.match(INCIDENT_FILE_PATTERN, path.name)
    if not match or not 1 <= int(match[2]) <= 12:
        raise InputError(path, "the file name must be the month it covers, YYYY-MM.csv "
                               f"(for example 2024-11.csv); found '{path.name}'")
    if int(match[1]) < EARLIEST_YEAR:
        raise InputError(path, f"the file name names the year {match[1]}; expected the month the log "
                               f"covers, from {EARLIEST_YEAR} on, as YYYY-MM.csv (for example 2024-11.csv)")
    return f"{match[1]}-{match[2]}"


def _row_months(table: RawTable) -> pd.Series:
    """The month each row is about: its report_month where given, else the month of its event_date."""
    raw = stripped(table.frame)
    given = column(raw, "report_month").where(column(raw, "report_month").ne(""), column(raw, "event_date"))
    return parse_unique(given, lambda text: f"{d.year:04d}-{d.month:02d}" if (d := parse_date(text).value)
                        else None).dropna()


def check_file_month(table: RawTable, path: Path, today: date) -> None:
    """Refuse a log saved under the wrong month: one whose dated rows all fall outside it.

    A log may report an incident of the month before (reported late), never one of a later month;
    a log named after a month that has not begun is refused too.
    """
    month = file_month(path)
    if month > today.strftime("%Y-%m"):
        raise InputError(path, f"the file name names {month}, a month that has not begun (today is "
                               f"{today.isoformat()}); expected the month the log covers")
    months = _row_months(table)
    if months.empty:
        return
    previous = str(pd.Period(month, freq="M") - 1)
    if months.isin([month, previous]).any():
        return
    likely = months.value_counts().index[0]
    raise InputError(path, f"none of its {len(months)} dated rows is in {month}, the month in the file "
                           f"name; most are in {likely}: if this is the log of {likely}, save it as "
                           f"{likely}{path.suffix}")


def _month_end(month: str) -> date:
    return (pd.Period(month, freq="M").end_time).date()


def clean_incident_log(table: RawTable, today: date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(incidents, rejected, warnings) for one raw monthly log; the raw table is not changed."""
    month = file_month(table.path)
    file = str(table.path)
    raw = stripped(table.frame)
    verdicts = Verdicts(raw, file)
    reject, warn = verdicts.reject, verdicts.warn

    incident_id = column(raw, "incident_id")
    reject(incident_id.eq(""), "incident_id", "empty; expected an identifier unique to the incident")

    report_month = column(raw, "report_month")
    month_text = parse_unique(report_month, lambda m: d.strftime("%Y-%m") if (d := parse_date(m).value) else "")
    reject(report_month.ne("") & month_text.ne(month), "report_month",
           f"expected {month}, the month in the file name")

    dates = parse_fields(column(raw, "event_date"), parse_date)
    reject(dates["error"].notna(), "event_date", dates["error"])
    event_date = dates["value"].where(dates["value"].notna(), date.fromisoformat(f"{month}-01"))
    precision = dates["extra"].fillna("month")
    reject(event_date.map(lambda d: d > today), "event_date",
           f"a date in the future (after {today.isoformat()})")
    month_end = _month_end(month)
    reject(event_date.map(lambda d: d > month_end), "event_date",
           f"after the end of the file's month {month}: an incident is logged in the month it is "
           "reported, which cannot come before it happened")

    group_given = column(raw, "group")
    group = parse_unique(group_given, lambda g: taxonomy.match_group(g) if g else None)
    label = column(raw, "category").where(column(raw, "category").ne(""), column(raw, "category_as_written"))
    coded = pd.Series([taxonomy.classify(lab, grp) if lab else None
                       for lab, grp in zip(label, group)], index=raw.index, dtype=object)
    category = coded.map(lambda c: None if c is None else c.category)
    reject(label.eq(""), "category", "empty; expected a category code or the label as written")
    reject(category.isna(), "category", coded.map(lambda c: None if c is None else c.reason))
    cat_group = category.map(taxonomy._category_groups())
    warn(group.notna() & cat_group.notna() & group.ne(cat_group), "group",
         "the group given differs from the category's group; the category's group was used")

    amounts = parse_fields(column(raw, "amount_kzt"), parse_amount)
    reject(amounts["error"].notna(), "amount_kzt", amounts["error"])
    absurd = amounts["value"].map(lambda a: a is not None and a > MAX_AMOUNT_KZT)
    reject(absurd, "amount_kzt", f"an absurd amount (more than {MAX_AMOUNT_KZT:,} tenge)")
    amount = amounts["value"].where(~absurd, None)  # a rejected row's amount may not even fit 64 bits

    enums = {}
    for name in ("victim_type", "perpetrator_type"):
        parsed = parse_fields(column(raw, name), parse_enumeration(name))
        warn(parsed["error"].notna(), name, parsed["error"] + "; left empty")
        enums[name] = parsed["value"]

    place = column(raw, "region").where(column(raw, "region").ne(""), column(raw, "place_as_written"))
    located = [match_region(p, d) for p, d in zip(place, event_date)]
    region_iso = pd.Series([iso for iso, _ in located], index=raw.index, dtype=object)
    problem = pd.Series([why for _, why in located], index=raw.index, dtype=object)
    warn(problem.notna(), "region" if "region" in raw else "place_as_written",
         problem.map(lambda why: f"{why}; region left empty"))

    cleaned = pd.DataFrame({
        "incident_id": incident_id,
        "case_id": column(raw, "case_id").where(column(raw, "case_id").ne(""), incident_id),
        "report_month": month,
        "event_date": pd.to_datetime(event_date),
        "date_precision": precision,
        "group": cat_group,
        "category": category,
        "category_as_written": column(raw, "category_as_written").where(
            column(raw, "category_as_written").ne(""), label),
        "region": region_iso.map(region_names("en")),
        "region_iso": region_iso,
        "place_as_written": column(raw, "place_as_written").where(
            column(raw, "place_as_written").ne(""), column(raw, "region")),
        "victim_type": enums["victim_type"],
        "perpetrator_type": enums["perpetrator_type"],
        "amount_kzt": pd.array(amount, dtype="Int64"),
        "source_file": table.path.name,
        "source_line": raw[LINE],
    })
    for name in ("legal_code", "legal_article", "victim", "outlet", "outcome", "source_url",
                 "summary", "source_lang"):
        cleaned[name] = column(raw, name)
    kept = cleaned[verdicts.ok].reset_index(drop=True)
    text = [c for c in kept.columns if kept[c].dtype == object and c != "event_date"]
    kept = kept.astype({c: "string[pyarrow]" for c in text})  # compact: a million rows stay small
    return kept, verdicts.rejected, verdicts.warnings


def drop_duplicates(incidents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kept, exact duplicates, rejected conflicts) across all logs, first occurrence kept.

    A row equal to an earlier one in everything but its file and line is a duplicate. A row that
    reuses an earlier incident_id with different content is rejected: an identifier names one
    incident.
    """
    content = [c for c in incidents.columns if c not in ("source_file", "source_line")]
    duplicated = incidents.duplicated(subset=content, keep="first")
    unique = incidents[~duplicated]
    conflict = unique.duplicated(subset=["incident_id"], keep="first")
    first = unique[~conflict].set_index("incident_id")
    clashes = unique[conflict]
    reasons = [f"incident_id already used with different content at {first.loc[i, 'source_file']} "
               f"line {first.loc[i, 'source_line']}" for i in clashes["incident_id"]]
    rejected = pd.DataFrame({"file": clashes["source_file"], "line": clashes["source_line"],
                             "column": "incident_id", "value": clashes["incident_id"],
                             "reason": reasons}, columns=REJECTED_COLUMNS)
    return unique[~conflict].reset_index(drop=True), incidents[duplicated], rejected


def mark_counted(incidents: pd.DataFrame) -> pd.DataFrame:
    """Flag the first mention of each case: later months' mentions of an ongoing case are not counted."""
    order = incidents.sort_values(["report_month", "event_date", "source_file", "source_line"])
    first = ~order.duplicated(subset=["case_id"], keep="first")
    return incidents.assign(counted=first.reindex(incidents.index))


def finalise(incidents: pd.DataFrame) -> pd.DataFrame:
    """Column order, types and row order of the published incidents table."""
    out = incidents.reindex(columns=INCIDENT_COLUMNS)
    out = out.assign(category=taxonomy.categorical(out["category"]),
                     group=taxonomy.categorical(out["group"], kind="group"),
                     source_line=out["source_line"].astype("int64"),
                     counted=out["counted"].astype(bool))
    return out.sort_values(["report_month", "event_date", "incident_id"], kind="stable").reset_index(drop=True)
