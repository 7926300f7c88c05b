"""Monthly incident logs -> one validated table of incidents."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import taxonomy
from .config import EARLIEST_YEAR, INCIDENT_FILE_PATTERN, MAX_AMOUNT_KZT
from .parsing import distinct, parse_amount, parse_date, parse_distinct, parse_enumeration
from .reading import LINE, InputError, RawTable
from .regions import locate, region_names
from .verdicts import REJECTED_COLUMNS, PerValue, Verdicts, concat, stripped_table

PASSED_THROUGH = ["legal_code", "legal_article", "victim", "outlet", "outcome", "source_url", "summary",
                  "source_lang"]
# The columns of one cleaned log, in this order (INCIDENT_COLUMNS but `counted`, then PASSED_THROUGH).
CLEANED_COLUMNS = [
    "incident_id", "case_id", "report_month", "event_date", "date_precision", "group", "category",
    "category_as_written", "region", "region_iso", "place_as_written", "victim_type", "perpetrator_type",
    "stage", "amount_kzt", "source_file", "source_line", *PASSED_THROUGH,
]

INCIDENT_COLUMNS = [
    "incident_id", "case_id", "report_month", "event_date", "date_precision", "group", "category",
    "category_as_written", "legal_code", "legal_article", "region", "region_iso",
    "place_as_written", "victim", "victim_type", "outlet", "perpetrator_type", "amount_kzt",
    "stage", "stage_as_written", "outcome", "source_url", "summary", "source_lang", "counted", "source_file",
    "source_line",
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


def _month_of(text: str) -> str | None:
    return f"{d.year:04d}-{d.month:02d}" if (d := parse_date(text).value) else None


def _row_months(raw: Raw) -> tuple[np.ndarray, np.ndarray]:
    """(the month of each distinct value, for each row its value's position): a row's month is
    its report_month where given, else the month of its event_date (None when neither parses)."""
    given = raw["report_month"]
    given = pc.if_else(pc.not_equal(given, ""), given, raw["event_date"])
    return parse_distinct(given, _month_of)


def check_file_month(table: RawTable, path: Path, today: date) -> None:
    """Refuse a log saved under the wrong month: one whose dated rows all fall outside it.

    A log may report incidents of the month before (reported late) beside others, or alone where its
    rows say the month they are reported in (`report_month`); a log whose rows are all dated in the
    month before, and say nothing more, is the log of that month saved under the next month's name.
    A row with no date is of the log's month, and one whose date cannot be read may be: beside
    either, rows of the month before are late reports. A log named after a month that has not begun
    is refused too.
    """
    month = file_month(path)
    if month > today.strftime("%Y-%m"):
        raise InputError(path, f"the file name names {month}, a month that has not begun (today is "
                               f"{today.isoformat()}); expected the month the log covers")
    raw = Raw(stripped_table(table.table.select(
        [c for c in ("report_month", "event_date") if c in table.table.column_names])))
    found, positions = _row_months(raw)
    if all(m is None for m in found):
        return
    previous = str(pd.Period(month, freq="M") - 1)
    every = pd.Series(found[positions], dtype=object)
    months = every.dropna()
    if month in set(months) or (previous in set(months) and (set(months) != {previous} or every.isna().any())):
        return
    likely = months.value_counts().index[0]
    late = (f"; a log of {month} that reports only incidents of {previous} says so in a report_month "
            f"column of {month}") if likely == previous else ""
    rows, where = (("its one dated row is not", "it is") if len(months) == 1
                   else (f"none of its {len(months)} dated rows is", "most are"))
    raise InputError(path, f"{rows} in {month}, the month in the file name; {where} in {likely}: if this is "
                           f"the log of {likely}, save it as {likely}{path.suffix}{late}")


def _month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


class Raw:
    """The stripped columns of one raw table; a column the file does not have reads as empty strings."""

    def __init__(self, table: pa.Table) -> None:
        self.columns = {name: column.combine_chunks() for name, column in zip(table.column_names, table.columns)}
        self.table = table
        self.empty = pc.fill_null(pa.nulls(table.num_rows, pa.large_string()), "")

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> pa.Array:
        return self.columns.get(name, self.empty)


def _given(raw: Raw, name: str, otherwise: pa.Array) -> pa.Array:
    """Column `name` where it is not empty, else `otherwise`."""
    values = raw[name]
    return pc.if_else(pc.not_equal(values, ""), values, otherwise)


def _empty(values: pa.Array) -> np.ndarray:
    return pc.equal(pc.binary_length(values), 0).to_numpy(zero_copy_only=False)


@dataclass
class Text:
    """A text column and the pandas type it gets: "str" (missing is NaN) or "string[pyarrow]"
    (missing is NA). Which of the two follows from how the column is made, as pandas infers it
    from all the file's values; the published files record it."""

    values: pa.Array
    nan_missing: bool
    as_read: bool = False  # the raw file's own array: copied, so that it does not keep the file alive

    def array(self, keep: pa.Array | None) -> pd.arrays.ArrowStringArray:
        if keep is not None:
            values = self.values.filter(keep)
        else:
            values = pa.concat_arrays([self.values]) if self.as_read else self.values
        dtype = pd.StringDtype("pyarrow", na_value=np.nan) if self.nan_missing else pd.StringDtype("pyarrow")
        return pd.arrays.ArrowStringArray(pa.chunked_array([values.cast(pa.large_string())]), dtype=dtype)


class Check(NamedTuple):
    """One verdict on the rows of a file: "reject" or "warn" the rows in `mask`, naming the column
    and why (one reason for all, or per row, or per distinct value)."""

    kind: str
    mask: np.ndarray
    column: str
    reasons: object


def reject(mask: np.ndarray, column: str, reasons: object) -> Check:
    return Check("reject", mask, column, reasons)


def warn(mask: np.ndarray, column: str, reasons: object) -> Check:
    return Check("warn", mask, column, reasons)


def _per_row(values: list, positions: np.ndarray) -> pa.Array:
    """Per-distinct-value texts spread over the rows, in Arrow."""
    return pa.array(values, pa.large_string()).take(pa.array(positions))


def _flags(values: list[bool], positions: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=bool)[positions] if len(values) else np.zeros(len(positions), dtype=bool)


def _identity(raw: Raw, month: str) -> tuple[dict[str, pa.Array], list[Check]]:
    incident_id = raw["incident_id"]
    given, positions = distinct(raw["report_month"])
    wrong = [m != "" and (d.strftime("%Y-%m") if (d := parse_date(m).value) else "") != month for m in given]
    return {"incident_id": incident_id, "case_id": _given(raw, "case_id", incident_id)}, [
        reject(_empty(incident_id), "incident_id", "empty; expected an identifier unique to the incident"),
        reject(_flags(wrong, positions), "report_month", f"expected {month}, the month in the file name")]


def _dates(raw: Raw, month: str, today: date) -> tuple[dict[str, object], list[Check]]:
    """The event date of each row (the first of the file's month where none is given) and its precision."""
    parsed, positions = parse_distinct(raw["event_date"], parse_date)
    first = np.datetime64(f"{month}-01", "D")
    event_date = np.array([first if p.value is None else np.datetime64(p.value, "D") for p in parsed],
                          dtype="datetime64[D]")[positions]
    precision = _per_row([p.extra or "month" for p in parsed], positions)
    # A column of precisions is "str" when some date was read, as pandas infers it from the values.
    return {"event_date": event_date, "date_precision": Text(precision, any(p.extra is not None for p in parsed))}, [
        reject(_flags([p.error is not None for p in parsed], positions), "event_date",
               PerValue([p.error for p in parsed], positions)),
        reject(event_date > np.datetime64(today, "D"), "event_date",
               f"a date in the future (after {today.isoformat()})"),
        reject(event_date > np.datetime64(_month_end(month), "D"), "event_date",
               f"after the end of the file's month {month}: an incident is logged in the month it is "
               "reported, which cannot come before it happened"),
        warn(event_date < np.datetime64(str(pd.Period(month, freq="M") - 11), "D"), "event_date",
             f"a year or more before {month}, the month of the log: kept as reported late; check the year "
             "(a typing error?)")]


def _categories(raw: Raw) -> tuple[dict[str, object], list[Check]]:
    """The category of each row, from its code or label as written, each distinct (label, group) once."""
    groups, group_at = parse_distinct(raw["group"], lambda g: taxonomy.match_group(g) if g else None)
    label = _given(raw, "category", raw["category_as_written"])
    labels, label_at = distinct(label)
    width = len(groups) + 1
    pairs, pair_at = np.unique(label_at.astype(np.int64) * width + group_at, return_inverse=True)
    text = [labels[pair // width] for pair in pairs]
    given = [groups[pair % width] for pair in pairs]
    coded = [taxonomy.classify(t, g) if t else None for t, g in zip(text, given)]
    codes = [None if c is None else c.category for c in coded]
    of_group = taxonomy._category_groups()
    cat_group = [of_group.get(c) for c in codes]
    differs = [g is not None and cg is not None and g != cg for g, cg in zip(given, cat_group)]
    unmatched = _flags([c is None and t != "" for c, t in zip(codes, text)], pair_at)
    written = _empty(raw["category"])  # the label was read from category_as_written: the rejection names it
    reasons = PerValue([None if c is None else c.reason for c in coded], pair_at)
    return {"group": Text(_per_row(cat_group, pair_at), True),
            "category": Text(_per_row(codes, pair_at), any(c is not None for c in codes)),
            "category_as_written": _given(raw, "category_as_written", label)}, [
        reject(_flags([t == "" for t in text], pair_at), "category",
               "empty; expected a category code or the label as written"),
        reject(unmatched & ~written, "category", reasons),
        reject(unmatched & written, "category_as_written", reasons),
        warn(_flags(differs, pair_at), "group",
             "the group given differs from the category's group; the category's group was used")]


def _amounts(raw: Raw) -> tuple[dict[str, object], list[Check]]:
    parsed, positions = parse_distinct(raw["amount_kzt"], parse_amount)
    absurd = [p.value is not None and p.value > MAX_AMOUNT_KZT for p in parsed]
    # a rejected row's amount may not even fit 64 bits
    amounts = pd.array([None if a else p.value for p, a in zip(parsed, absurd)], dtype="Int64")
    return {"amount_kzt": amounts.take(positions)}, [
        reject(_flags([p.error is not None for p in parsed], positions), "amount_kzt",
               PerValue([p.error for p in parsed], positions)),
        reject(_flags(absurd, positions), "amount_kzt", f"an absurd amount (more than {MAX_AMOUNT_KZT:,} tenge)")]


def _enumerations(raw: Raw) -> tuple[dict[str, object], list[Check]]:
    found, checks = {}, []
    for name in ("victim_type", "perpetrator_type", "stage"):  # stage: of a case, where the log says it
        parsed, positions = parse_distinct(raw[name], parse_enumeration(name))
        checks.append(warn(_flags([p.error is not None for p in parsed], positions), name,
                           PerValue([None if p.error is None else p.error + "; left empty" for p in parsed],
                                    positions)))
        found[name] = Text(_per_row([p.value for p in parsed], positions), any(p.value is not None for p in parsed))
    return found, checks


def _regions(raw: Raw, event_date: np.ndarray) -> tuple[dict[str, object], list[Check]]:
    place = _given(raw, "region", raw["place_as_written"])
    located, positions = locate(place, event_date)
    names = region_names("en")
    return {"region": Text(_per_row([names.get(code) for code, _ in located], positions), True),
            "region_iso": Text(_per_row([code for code, _ in located], positions), False),
            "place_as_written": _given(raw, "place_as_written", raw["region"])}, [
        warn(_flags([why is not None for _, why in located], positions),
             "region" if "region" in raw else "place_as_written",
             PerValue([None if why is None else f"{why}; region left empty" for _, why in located], positions))]


def _verdicts(raw: pa.Table, file: str, checks: list[Check]) -> Verdicts:
    """The verdicts given in order: a row is rejected under the first reason found, the mistakes
    found after it in other columns added to its reason; then the warnings, on the rows kept."""
    verdicts = Verdicts(raw, file)
    for check in sorted(checks, key=lambda check: check.kind == "warn"):
        (verdicts.reject if check.kind == "reject" else verdicts.warn)(check.mask, check.column, check.reasons)
    return verdicts


def _kept(raw: Raw, name: str, values: object, keep: np.ndarray | None, kept: pa.Array | None) -> object:
    """One column of the kept rows (`keep` as a mask, `kept` the same in Arrow). A text column read
    from the file is "string[pyarrow]"; one made for a file without it is "str"."""
    if isinstance(values, pa.Array):
        values = Text(values, name not in raw, as_read=any(values is read for read in raw.columns.values()))
    if isinstance(values, Text):
        return values.array(kept)
    if isinstance(values, str) or keep is None:
        return values
    return values[keep]


def clean_incident_log(table: RawTable, today: date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(incidents, rejected, warnings) for one raw monthly log; the raw table is not changed."""
    month = file_month(table.path)
    raw = Raw(stripped_table(table.table))
    identity, identity_checks = _identity(raw, month)
    dates, date_checks = _dates(raw, month, today)
    steps = [_categories(raw), _amounts(raw), _enumerations(raw), _regions(raw, dates["event_date"])]
    columns = {**identity, **dates, "event_date": dates["event_date"].astype("datetime64[s]"), "report_month": month,
               **{name: values for found, _ in steps for name, values in found.items()},
               "source_file": table.name, "source_line": raw[LINE].to_numpy(),
               **{name: raw[name] for name in PASSED_THROUGH}}
    checks = identity_checks + date_checks + [check for _, found in steps for check in found]
    verdicts = _verdicts(raw.table, table.label, checks)
    keep = None if verdicts.ok.all() else verdicts.ok
    kept = None if keep is None else pa.array(keep)
    frame = pd.DataFrame({name: _kept(raw, name, columns[name], keep, kept) for name in CLEANED_COLUMNS}, copy=False)
    return frame, verdicts.rejected, verdicts.warnings


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The cleaned logs as one table (each text column holds the logs' Arrow arrays, not copied)."""
    return concat(parts, INCIDENT_COLUMNS)


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    array = pa.array(values.array if hasattr(values.array, "__arrow_array__") else values)
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def _repeated(values: pd.Series) -> np.ndarray:
    """Whether each value occurs more than once, by hashing in Arrow."""
    if values.empty:
        return np.zeros(0, dtype=bool)
    codes = pc.dictionary_encode(_arrow(values)).combine_chunks().indices.to_numpy(zero_copy_only=False)
    return np.bincount(codes, minlength=1)[codes] > 1


def drop_duplicates(incidents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kept, exact duplicates, rejected conflicts) across all logs, first occurrence kept.

    A row equal to an earlier kept one in everything but its file and line is a duplicate. A row
    that reuses an earlier incident_id with different content is rejected, and so is every copy of
    it, for the same reason: an identifier names one incident. Only the rows whose incident_id
    comes more than once are compared column by column.
    """
    content = [c for c in incidents.columns if c not in ("source_file", "source_line")]
    repeated = _repeated(incidents["incident_id"])
    candidates = incidents[repeated]
    # rows of the same content share a number (each column factorized: missing values are equal)
    same, _ = pd.factorize(pd.MultiIndex.from_arrays([pd.factorize(candidates[c])[0] for c in content]))
    first_copy = ~pd.Series(same).duplicated(keep="first").to_numpy()
    unique = candidates[first_copy]
    clashing = np.isin(same, same[first_copy][unique.duplicated(subset=["incident_id"], keep="first").to_numpy()])
    duplicated = ~first_copy & ~clashing
    clashes = candidates[clashing]
    first = unique[~clashing[first_copy]].set_index("incident_id")
    reasons = [f"incident_id already used with different content at {first.loc[i, 'source_file']} "
               f"line {first.loc[i, 'source_line']}; expected an incident_id of its own for each row (a later "
               "mention of the same case keeps its case_id and takes a new incident_id)"
               for i in clashes["incident_id"]]
    rejected = pd.DataFrame({"file": clashes["source_file"], "line": clashes["source_line"],
                             "column": "incident_id", "value": clashes["incident_id"],
                             "reason": reasons}, columns=REJECTED_COLUMNS)
    dropped = np.zeros(len(incidents), dtype=bool)
    dropped[np.flatnonzero(repeated)[duplicated | clashing]] = True
    kept = incidents[~dropped].reset_index(drop=True) if dropped.any() else incidents.reset_index(drop=True)
    return kept, candidates[duplicated], rejected


def mark_counted(incidents: pd.DataFrame) -> pd.DataFrame:
    """Flag the first mention of each case: later months' mentions of an ongoing case are not counted.

    Only the mentions of cases named more than once are put in order.
    """
    repeated = _repeated(incidents["case_id"])
    order = incidents[repeated].sort_values(["report_month", "event_date", "source_file", "source_line"])
    counted = pd.Series(~repeated, index=incidents.index)
    counted[order.index] = ~order.duplicated(subset=["case_id"], keep="first")
    return incidents.assign(counted=counted)


def finalise(incidents: pd.DataFrame) -> pd.DataFrame:
    """Column order, types and row order of the published incidents table."""
    out = incidents.reindex(columns=INCIDENT_COLUMNS)
    # stage_as_written: filled where the stage comes from the coding (apply_stage_coding)
    out = out.assign(stage_as_written=pd.Series("", index=out.index, dtype=out["stage"].dtype),
                     category=_categorical(out["category"], "category"), group=_categorical(out["group"], "group"),
                     source_line=out["source_line"].astype("int64"),
                     counted=out["counted"].astype(bool))
    keys = pa.table({"month": _arrow(out["report_month"]), "date": out["event_date"].to_numpy(),
                     "id": _arrow(out["incident_id"])})
    order = pc.sort_indices(keys, sort_keys=[("month", "ascending"), ("date", "ascending"), ("id", "ascending")])
    return pd.DataFrame({name: _taken(out[name], order) for name in out.columns})


def _categorical(values: pd.Series, kind: str) -> pd.Categorical:
    """`taxonomy.categorical(values, kind)`, each distinct value looked up once."""
    dtype = taxonomy.categorical(pd.Series([], dtype=object), kind=kind).dtype
    encoded = pc.dictionary_encode(_arrow(values).combine_chunks())
    where = dtype.categories.get_indexer(encoded.dictionary.to_pylist())
    positions = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    codes = np.where(positions >= 0, where[np.maximum(positions, 0)] if len(where) else -1, -1)
    return pd.Categorical.from_codes(codes, dtype=dtype)


def _taken(values: pd.Series, order: pa.Array) -> object:
    """`values` in the given order. A text column is made one array first: taking from the many
    arrays of the logs is slow, and one column at a time holds little memory."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        taken = _arrow(values).combine_chunks().take(order)
        return pd.arrays.ArrowStringArray(pa.chunked_array([taken]), dtype=values.dtype)
    return values.take(order.to_numpy()).reset_index(drop=True)


# --- the stage of each incident's case, coded in a file of its own --------------------------------

STAGE_CODING_COLUMNS = ["incident_id", "stage", "stage_as_written", "source_file", "source_line"]


def stage_coding(table: RawTable) -> pd.DataFrame:
    """One file of data/raw/case_stages/ as stripped text, each row with its file and line."""
    frame = pd.DataFrame({name: table.table.column(name).to_pylist() for name in table.table.column_names
                          if name != LINE})
    frame = frame.apply(lambda column: column.str.strip())
    return frame.reindex(columns=STAGE_CODING_COLUMNS[:3], fill_value="").assign(
        source_file=table.name, source_line=table.table.column(LINE).to_numpy())


def apply_stage_coding(incidents: pd.DataFrame, coding: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                pd.DataFrame]:
    """(incidents with the coded stage where their log gives none, the coding rows kept, those rejected).

    A log's own `stage` wins over the coding. Where the coded stage is given, the incident's
    `stage_as_written` holds the coding's words that state it (the review's), so that where a stage
    comes from stays known and what those words say of the outcome can be read. A row naming no
    incident, a stage that is not one of the stages, or a second row for the same incident is
    rejected with its reason.
    """
    parse = parse_enumeration("stage")
    parsed = [parse(text) for text in coding["stage"]]
    codes = pd.Series([p.value for p in parsed], index=coding.index, dtype=object)
    ids = _arrow(incidents["incident_id"]).combine_chunks().cast(pa.large_string())
    named = pa.array(coding["incident_id"].astype(str).tolist(), pa.large_string())
    distinct_named = pc.unique(named)  # hashed, and the million identifiers looked up in it (the last slot: none)
    seen = np.zeros(len(distinct_named) + 1, dtype=bool)
    found = pc.index_in(ids, value_set=distinct_named).fill_null(len(distinct_named))
    seen[found.to_numpy(zero_copy_only=False)] = True
    known = seen[pc.index_in(named, value_set=distinct_named).to_numpy(zero_copy_only=False)]
    unknown = ~pd.Series(known, index=coding.index)
    bad_stage = codes.isna()
    valid = ~unknown & ~bad_stage
    again = valid & coding["incident_id"].where(valid).duplicated()  # a second valid row for one incident
    reasons = np.select([unknown, bad_stage, again],
                        ["no incident in the logs has this incident_id",
                         pd.Series([p.error or "empty; expected a stage" for p in parsed], index=coding.index),
                         "this incident's stage is coded at an earlier line already"], default="")
    ok = reasons == ""
    rejected = pd.DataFrame({"file": coding["source_file"], "line": coding["source_line"],
                             "column": np.where(bad_stage & ~unknown, "stage", "incident_id"),
                             "value": np.where(bad_stage & ~unknown, coding["stage"], coding["incident_id"]),
                             "reason": reasons})[~ok]
    rejected = rejected.reindex(columns=REJECTED_COLUMNS)
    if not ok.any():
        return incidents, coding[ok], rejected
    # each incident's coded stage, found by hashing in Arrow (the last slot: none coded)
    coded = pc.index_in(ids, value_set=named.filter(pa.array(ok))).fill_null(int(ok.sum()))
    where = coded.to_numpy(zero_copy_only=False)
    mapped = np.array([*codes[ok], np.nan], dtype=object)[where]
    words = np.array([*coding.loc[ok, "stage_as_written"], ""], dtype=object)[where]
    given = incidents["stage"].fillna("").ne("")
    stage = incidents["stage"].where(given, pd.Series(mapped, index=incidents.index))
    applied = ~given & pd.Series(mapped, index=incidents.index).notna()
    said = pd.Series(words, index=incidents.index).where(applied, "")
    return incidents.assign(stage=stage.astype(incidents["stage"].dtype),
                            stage_as_written=said.astype(incidents["stage"].dtype)), coding[ok], rejected
