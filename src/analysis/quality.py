"""The data-quality report of a cleaning run, as JSON and as Markdown."""

from __future__ import annotations

import html
import re
from functools import cache

import pandas as pd

from . import taxonomy
from .cases import STAGES, UNKNOWN, stage_label
from .config import TOTAL
from .domain_data import read_domain
from .i18n import plural, t

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


STAGE_COLUMNS = (*STAGES, UNKNOWN)  # the columns of the cases by article and stage reached


def _header(column: str, lang: str) -> str:
    """A column's heading: its name in the JSON in English; in Russian and Kazakh its translation,
    or for a stage its label in the stage vocabulary."""
    if lang == "en":
        return column
    if column in STAGE_COLUMNS:
        return stage_label(column, lang)
    return t(f"quality_column_{column}", lang)


def _table(rows: list[dict], columns: list[str], lang: str = "en") -> list[str]:
    if not rows:
        return [t("quality_none", lang), ""]
    out = ["| " + " | ".join(_header(c, lang) for c in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = ("" if row.get(c) is None else html.escape(_cell(row.get(c)), quote=False) for c in columns)
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return out + [""]


def _section(key: str, lang: str, level: int = 2, note: str | None = None) -> list[str]:
    return [f"{'#' * level} {t(key, lang)}", ""] + ([t(note, lang), ""] if note else [])


def render_markdown(report: dict, lang: str = "en") -> str:
    """The report for people: files, what was refused and why, gaps and inconsistencies. In English
    (reports/data_quality.md), or in Russian or Kazakh (the site's quality page): the headings,
    sentences and column headings in that language, the reasons, messages and notes in English, as
    the cleaning writes them."""
    def table(rows: list[dict], columns: list[str]) -> list[str]:
        return _table(rows, columns, lang)

    files = [{"file": name, **stats} for name, stats in report["files"].items()]
    lines = [f"# {t('site_quality', lang)}", "", t("quality_version", lang, version=report["package_version"]), ""]
    if lang != "en":
        lines += [t("quality_in_english", lang), ""]
    lines += _section("quality_files", lang)
    lines += table(files, ["file", "kind", "encoding", "rows_read", "rows_kept", "rows_rejected", "rows_duplicate"])
    notes = [{"file": f["file"], "note": n} for f in files for n in f["notes"]]
    if notes:
        lines += _section("quality_notes", lang, 3) + table(notes, ["file", "note"])
    lines += _section("quality_file_errors", lang) + table(report["file_errors"], ["file", "message"])
    lines += _section("quality_unread", lang) + table(report.get("unread_files", []), ["file", "message"])
    lines += _section("quality_unmapped", lang) + table(report["unmapped_labels"], ["label", "file", "row"])
    lines += _section("quality_rejected", lang, note="quality_rejected_where")
    lines += table([{"reason": k, "rows": v} for k, v in report["rejected_by_reason"].items()], ["reason", "rows"])
    lines += _section("quality_rejected_by_month", lang, 3, "quality_rejected_by_month_note")
    lines += table([{"month": k, "rows": v} for k, v in report.get("rejected_by_month", {}).items()],
                   ["month", "rows"])
    covered = report["months_covered"]
    lines += _section("quality_months", lang)
    lines += [t("quality_covered", lang, n=len(covered), months_word=plural("months", len(covered), lang),
                first=covered[0] if covered else "-", last=covered[-1] if covered else "-"), ""]
    for source, cov in report["coverage_by_source"].items():
        lines.append("- " + t("quality_source_coverage", lang, source=source, n=len(cov["months_covered"]),
                              missing=len(cov["months_missing"]), first=cov["first"], last=cov["last"]))
    later = report.get("logs_of_later_mentions", [])
    if later:
        lines += ["", t("quality_later_one" if len(later) == 1 else "quality_later_many", lang, n=len(later),
                        logs=", ".join(later))]
    lines += [""] + _section("quality_inconsistencies", lang)
    lines += table(report["inconsistencies"], ["month", "kind", "message"])
    lines += _section("quality_legacy", lang, note="quality_legacy_note")
    lines += table([{**g, "months": ", ".join(g["months"])} for g in report["legacy_groups"]],
                   ["group", "heading", "months", "figures", "why"])
    lines += _section("quality_apart", lang, note="quality_apart_note")
    label = "label_en" if lang == "en" else "label"
    lines += table([{**s, "label": taxonomy.category_label(s["category"], lang),
                     "months": t("quality_months_span", lang, n=len(s["months"]), first=s["months"][0],
                                 last=s["months"][-1])} for s in report["separate_series"]],
                   ["category", "unit", label, "months", "figures"])
    if "stated_vs_computed" in report:
        lines += _section("quality_stated", lang, note="quality_stated_note")
        columns = ["period", "metric_as_written", "target", "stated", "computed", "months_with_data",
                   "months_in_period", "explained_by_missing_months"]
        lines += table(_once(report["stated_vs_computed"], columns), columns)
    lines += _section("quality_cases", lang) + table(report.get("cases_by_article_and_stage", []),
                                                     ["article", *STAGE_COLUMNS])
    lines += _section("quality_warnings", lang) + table(report["warnings"],
                                                        ["file", "line", "column", "value", "reason"])
    lines += _section("quality_logs_vs_published", lang, note="quality_logs_vs_published_note")
    lines += table(report["log_vs_published"], ["month", "group", "category", "published", "incident_log",
                                                "difference"])
    return "\n".join(lines) + "\n"
