"""The data-quality report of a cleaning run, as JSON and as Markdown."""

from __future__ import annotations

import html
import re
from functools import cache

import pandas as pd

from . import taxonomy
from .config import TOTAL
from .domain_data import read_domain

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def month_span(months: list[str]) -> list[str]:
    """Every month from the first to the last of `months`, inclusive."""
    if not months:
        return []
    first, last = min(months), max(months)
    if not (isinstance(first, str) and isinstance(last, str) and MONTH.fullmatch(first) and MONTH.fullmatch(last)):
        return [str(p) for p in pd.period_range(first, last, freq="M")]  # any other form pandas reads
    start = int(first[:4]) * 12 + int(first[5:]) - 1
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in range(start, int(last[:4]) * 12 + int(last[5:]))]


def coverage(counts: pd.DataFrame, source: str | None = None) -> dict:
    months = sorted(set((counts if source is None else counts[counts["source"] == source])["month"]))
    span = month_span(months)
    return {"first": months[0] if months else None, "last": months[-1] if months else None,
            "months_covered": months, "months_missing": [m for m in span if m not in set(months)]}


def series_apart(counts: pd.DataFrame) -> dict:
    """The published figures kept apart from the three groups' totals, and why.

    `legacy_groups`: the older monitoring's headings (2009-2010), kept as their own groups because
    they counted something else. `separate_series`: court figures, sums of money and legislation,
    each its own series with its own code and unit, never part of a group total.
    """
    pub = counts[counts["source"] == "published"]
    by_group: dict[str, list[str]] = {}  # group -> the month of each of its figures
    by_category: dict[str, list[str]] = {}
    for group, category, month in zip(pub["group"].astype(str), pub["category"].astype(str), pub["month"]):
        by_group.setdefault(group, []).append(month)
        by_category.setdefault(category, []).append(month)
    legacy = [{"group": row.code, "heading": row.label_ru, "label_en": row.label_en,
               "months": sorted(set(by_group.get(row.code, []))), "figures": len(by_group.get(row.code, [])),
               "why": _group_notes().get(row.code, "")}
              for row in taxonomy.legacy_groups().itertuples(index=False)]
    cats = taxonomy.categories()
    separate = [{"category": row.code, "unit": row.unit, "label_en": row.label_en,
                 "months": sorted(set(by_category[row.code])), "figures": len(by_category[row.code])}
                for row in cats[~cats["in_group_total"]].itertuples(index=False) if row.code in by_category]
    return {"legacy_groups": legacy, "separate_series": separate}


@cache
def _group_notes() -> pd.Series:
    """Why each group is kept as it is (group_rules.csv, by group), read once; never changed."""
    return read_domain("group_rules.csv").set_index("group")["note"]


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in frame.astype(object).to_dict(orient="records")]


def build_report(*, version: str, files: dict, file_errors: list[dict], rejected: pd.DataFrame,
                 warnings: pd.DataFrame, counts: pd.DataFrame, inconsistencies: list[dict],
                 comparison: pd.DataFrame) -> dict:
    """Everything a reader of the run needs to trust or question its outputs."""
    unmapped = rejected[rejected["reason"].str.startswith("no category rule")]
    every = coverage(counts)
    return {
        "package_version": version,
        "files": files,
        "totals": {k: sum(f[k] for f in files.values())
                   for k in ("rows_read", "rows_kept", "rows_rejected", "rows_duplicate")},
        "file_errors": file_errors,
        "unmapped_labels": [{"label": r["value"], "file": r["file"], "row": int(r["line"])}
                            for _, r in unmapped.iterrows()],
        "months_covered": every["months_covered"],
        "months_missing": every["months_missing"],
        "coverage_by_source": {s: coverage(counts, s) for s in ("published", "incident_log")},
        "inconsistencies": inconsistencies,
        **series_apart(counts),
        "warnings": _records(warnings),
        "rejected_by_reason": rejected["reason"].str.split(";").str[0].value_counts().to_dict(),
        "log_vs_published": _records(comparison),
        "published_group_totals": int(((counts["source"] == "published")
                                        & (counts["category"] == TOTAL)).sum()),
    }


def logs_of_later_mentions(incidents: pd.DataFrame) -> list[str]:
    """The incident logs whose every kept row is a later mention of a case counted in an earlier
    month: such a log adds no count, so its month is not among the months the logs cover."""
    if incidents.empty:
        return []
    counted = incidents.groupby(incidents["source_file"].astype(str))["counted"].any()
    return sorted(counted.index[~counted.to_numpy(dtype=bool)])


# a month at the start of a file's name ("2024-12.csv", "2024-12.xlsx:2024-12", "2024-12_review.csv")
MONTH_OF_FILE = re.compile(r"(?:^|/)(\d{4}-(?:0[1-9]|1[0-2]))(?=[._\-:][^/]*$|$)")


def rejected_by_month(rejected: pd.DataFrame, published: pd.DataFrame) -> dict[str, int]:
    """How many rows were rejected from each month's files: the month an incident log or a file
    of published counts is named after, or else the one month every kept row of the file names.
    A row of a file that holds several months is of none of them (it is in rejected.csv)."""
    if rejected.empty:
        return {}
    files = rejected["file"].astype(str)
    named = files.str.extract(MONTH_OF_FILE, expand=False)
    months = published.groupby("source_file")["month"].agg(lambda m: m.iloc[0] if m.nunique() == 1 else None)
    # a rejection names its file by its path, a kept row by the file's name (`RawTable.label`, `.name`)
    by_rows = files.str.rsplit("/", n=1).str[-1].map(months).astype(object)
    month = named.astype(object).where(named.notna(), by_rows)
    return {str(m): int(n) for m, n in month.dropna().value_counts().sort_index().items()}


def _cell(value: object) -> str:
    """A value as a reader writes it: a whole number without its ".0"."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _once(rows: list[dict], columns: list[str]) -> list[dict]:
    """The rows that differ in `columns`, each once, in their order (a figure restated in several
    reviews is one line)."""
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault(tuple(str(row.get(c)) for c in columns), row)
    return list(seen.values())


def _table(rows: list[dict], columns: list[str]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = ("" if row.get(c) is None else html.escape(_cell(row.get(c)), quote=False) for c in columns)
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return out + [""]


def render_markdown(report: dict) -> str:
    """The report for people: files, what was refused and why, gaps and inconsistencies."""
    files = [{"file": name, **stats} for name, stats in report["files"].items()]
    lines = ["# Data quality", "", f"Package version {report['package_version']}.", "",
             "## Files", ""]
    lines += _table(files, ["file", "kind", "encoding", "rows_read", "rows_kept",
                            "rows_rejected", "rows_duplicate"])
    notes = [{"file": f["file"], "note": n} for f in files for n in f["notes"]]
    if notes:
        lines += ["### Notes on files", ""] + _table(notes, ["file", "note"])
    lines += ["## Files that could not be read", ""] + _table(report["file_errors"], ["file", "message"])
    lines += ["## Files not read", ""] + _table(report.get("unread_files", []), ["file", "message"])
    lines += ["## Unmapped labels", ""] + _table(report["unmapped_labels"], ["label", "file", "row"])
    lines += ["## Rejected rows by reason", "",
              "Every rejected row is in `data/processed/rejected.csv` with its file, line and column.", ""]
    lines += _table([{"reason": k, "rows": v} for k, v in report["rejected_by_reason"].items()],
                    ["reason", "rows"])
    lines += ["### Rejected rows by month", "",
              "The month of the file a row was read from (its name, or the one month all its kept rows "
              "name); the month's summary says how many of its rows are not counted.", ""]
    lines += _table([{"month": k, "rows": v} for k, v in report.get("rejected_by_month", {}).items()],
                    ["month", "rows"])
    lines += ["## Months", "",
              f"Covered: {len(report['months_covered'])} months from "
              f"{report['months_covered'][0] if report['months_covered'] else '-'} to "
              f"{report['months_covered'][-1] if report['months_covered'] else '-'}. "
              f"A missing month is a month whose review was not read, not a month without incidents.", ""]
    for source, cov in report["coverage_by_source"].items():
        lines.append(f"- {source}: {len(cov['months_covered'])} months covered, "
                     f"{len(cov['months_missing'])} missing between {cov['first']} and {cov['last']}")
    later = report.get("logs_of_later_mentions", [])
    if later:
        lines += ["", f"An incident log covers the months of the incidents it counts. {len(later)} "
                  f"{'log holds' if len(later) == 1 else 'logs hold'} only later mentions of cases counted "
                  f"in an earlier month, so no month is covered by {'it' if len(later) == 1 else 'them'}: "
                  f"{', '.join(later)}."]
    lines += ["", "## Inconsistencies in the sources", ""]
    lines += _table(report["inconsistencies"], ["month", "kind", "message"])
    lines += ["## Older headings kept as their own groups", "",
              "The 2009-2010 monitoring counted reports under other headings. Their figures keep "
              "their own group and never enter a trend of the three present groups. The 2014-2016 "
              "digests' headings (suits filed against media outlets and citizens, judicial acts on "
              "honour and dignity, charges brought against media outlets and citizens) mean what "
              "the claims-and-lawsuits group means and are read as it.", ""]
    lines += _table([{**g, "months": ", ".join(g["months"])} for g in report["legacy_groups"]],
                    ["group", "heading", "months", "figures", "why"])
    lines += ["## Series never part of a group total", "",
              "Court figures, sums of money and legislation: each is its own series with its own "
              "code and unit.", ""]
    lines += _table([{**s, "months": f"{len(s['months'])} ({s['months'][0]} to {s['months'][-1]})"}
                     for s in report["separate_series"]],
                    ["category", "unit", "label_en", "months", "figures"])
    if "stated_vs_computed" in report:
        lines += ["## Stated figures against the sums of the monthly counts", "",
                  "A figure a review states for a period, where the monthly counts read here add up to "
                  "another number. A shortfall with months missing is explained by them. A figure restated "
                  "in several reviews is listed once (data_quality.json has each statement with its page).", ""]
        columns = ["period", "metric_as_written", "target", "stated", "computed", "months_with_data",
                   "months_in_period", "explained_by_missing_months"]
        lines += _table(_once(report["stated_vs_computed"], columns), columns)
    lines += ["## Cases by article and stage reached", ""] + _table(
        report.get("cases_by_article_and_stage", []), ["article", "complaint", "pre_trial", "trial", "verdict",
                                                       "appeal", "closed", "unknown"])
    lines += ["## Warnings (rows kept)", ""] + _table(report["warnings"], ["file", "line", "column", "value", "reason"])
    lines += ["## Incident logs against published counts", "",
              "Logs that name only some incidents fall short of the published figures.", ""]
    lines += _table(report["log_vs_published"], ["month", "group", "category", "published",
                                                 "incident_log", "difference"])
    return "\n".join(lines) + "\n"
