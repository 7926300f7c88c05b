"""The notes of a release, NOTES.<lang>.md, written from its changes in English, Russian and Kazakh."""

from __future__ import annotations

import pandas as pd

from .config import ALL_GROUPS, TOTAL
from .datapackage import codes
from .i18n import month_label, number, plural, t
from .revisions import COLUMNS, VALUE_FIELDS, Changes
from .taxonomy import category_label, group_short_label

SHOWN = 40  # revised figures listed one by one; the rest are counted and are in revisions.csv


def _label(code: str, lang: str) -> str:
    if code == ALL_GROUPS:
        return t("release_group_all", lang)
    try:
        return category_label(code, lang)
    except KeyError:  # a code the taxonomy no longer knows
        return code


def _headline(month: str, counts: pd.DataFrame, lang: str) -> str:
    totals = counts[(counts["month"] == month) & (counts["source"] == "published") & (counts["category"] == TOTAL)
                    & (counts["unit"] == "count") & (counts["unit_of_count"] == "reports")]
    overall = totals[totals["group"] == ALL_GROUPS]
    order = {code: i for i, code in enumerate(codes("group"))}
    groups = totals[totals["group"] != ALL_GROUPS].sort_values("group", key=lambda s: s.map(order))
    parts = "; ".join(f"{group_short_label(row.group, lang)} {number(int(row.count), lang)}"
                      for row in groups.itertuples())
    if len(overall):
        n = int(overall["count"].iloc[0])
        return t("notes_new_month", lang, month=month_label(month, lang), n=number(n, lang),
                 reports=plural("reports", n, lang)) + (f" ({parts})" if parts else "")
    if parts:
        return t("notes_new_month_groups", lang, month=month_label(month, lang), groups=parts)
    n = int(((counts["month"] == month) & (counts["source"] == "published")).sum())
    return t("notes_new_month_no_total", lang, month=month_label(month, lang), n=number(n, lang),
             figures=plural("figures", n, lang))


def _revised_figure(row: pd.Series, lang: str) -> str:
    if row["table"] == "monthly_counts":
        what = f"{_label(row['group'], lang)}: {_label(row['category'], lang)}"
        month = month_label(row["month"], lang)
    else:  # a cumulative figure: its period and its wording
        period, metric = row["key"].split("|", 1)
        what, month = metric, period
    unit = " KZT" if row["unit"] == "kzt" else ""
    line = t("notes_revised", lang, month=month, what=what, old=row["old_value"] or "-",
             new=row["new_value"] or "-", unit=unit)
    return line + (t("notes_reason", lang, reason=row["reason"]) if row["reason"] else "")


def _figure_rows(rows: pd.DataFrame, changes: Changes | None, lang: str) -> list[str]:
    """The published and derived figures added to or removed from months released before (not a new
    or removed month's, not a count from the incident logs), one line each: the revisions a row
    count would hide, such as a derived month no longer made."""
    if changes is None:
        return []
    key = rows["key"].str.split("|", n=7)  # month|group|category|unit|source|unit_of_count|parent|label as written
    chosen = rows[rows["table"].eq("monthly_counts") & rows["change"].isin(["added", "removed"])
                  & ~rows["month"].isin([*changes.new_months, *changes.removed_months])
                  & key.str[4].isin(["published", "derived"])]
    lines = [t(f"notes_figure_{row.change}", lang, month=month_label(row.month, lang),
               what=f"{_label(row.group, lang)}: {_label(row.category, lang)}",
               source=t("derived_value", lang) if key[i][4] == "derived" else key[i][7])
             for i, row in chosen.head(SHOWN).iterrows()]
    if len(chosen) > SHOWN:
        lines.append(t("notes_more", lang, n=number(len(chosen) - SHOWN, lang),
                       figures=plural("figures", len(chosen) - SHOWN, lang)))
    return lines


def _rows(table: str, rows: pd.DataFrame, lang: str) -> str | None:
    added = int(((rows["table"] == table) & (rows["change"] == "added")).sum())
    removed = int(((rows["table"] == table) & (rows["change"] == "removed")).sum())
    if not added and not removed:
        return None
    return t("notes_rows", lang, table=table, added=number(added, lang), rows_added=plural("rows", added, lang),
             removed=number(removed, lang), rows_removed=plural("rows", removed, lang))


def notes(lang: str, version: str, previous: str | None, day: str, coverage: tuple[str, str],
          changes: Changes | None, counts: pd.DataFrame, rejected: tuple[int, int | None], code_version: str,
          tables: list[str]) -> str:
    """NOTES.<lang>.md: what the release adds and changes, and why it has the version it has.

    `counts` is the new monthly counts (as text); `rejected` the rows the cleaning rejected now and in
    the previous release (None for a first release).
    """
    span = {"start": month_label(coverage[0], lang), "end": month_label(coverage[1], lang)}
    lines = [t("notes_title", lang, title=t("release_title", lang), version=version), ""]
    if previous is None or changes is None:
        lines += [t("notes_intro_first", lang, date=day, **span), ""]
    else:
        lines += [t("notes_intro", lang, date=day, previous=previous, **span), "",
                  t(f"notes_level_{changes.level()}", lang),
                  *(f"- {_schema_line(change, lang)}" for change in changes.schema), ""]
    rows = changes.rows if changes is not None else pd.DataFrame(columns=COLUMNS)

    lines += [t("notes_new_months_heading", lang), ""]
    if changes is None:
        months = sorted(set(counts["month"]))
        lines.append(t("notes_months_first", lang, n=number(len(months), lang),
                       months=plural("months", len(months), lang), first=months[0], last=months[-1]))
        months = []
    else:
        months = changes.new_months
    lines += [_headline(m, counts, lang) for m in months if m in set(counts.loc[counts["source"] == "published",
                                                                                  "month"])]
    logged = [m for m in months if m not in set(counts.loc[counts["source"] == "published", "month"])]
    if logged:
        lines.append(t("notes_months_logged", lang, n=number(len(logged), lang),
                       months=plural("months", len(logged), lang), first=logged[0], last=logged[-1]))
    if not months and changes is not None:
        lines.append(t("notes_none", lang))
    if changes is not None and changes.removed_months:
        lines += ["", t("notes_removed_months", lang, months=", ".join(month_label(m, lang) for m in
                                                                         changes.removed_months))]

    figures = rows[rows["change"].eq("revised") & rows["table"].map(VALUE_FIELDS).eq(rows["field"])]
    stated = figures[~figures["table"].eq("monthly_counts") | ~figures["key"].str.contains("|incident_log|",
                                                                                          regex=False)]
    logs = len(figures) - len(stated)
    lines += ["", t("notes_revised_heading", lang), ""]
    lines += [_revised_figure(row, lang) for _, row in stated.head(SHOWN).iterrows()]
    if len(stated) > SHOWN:
        lines.append(t("notes_more", lang, n=number(len(stated) - SHOWN, lang),
                       figures=plural("figures", len(stated) - SHOWN, lang)))
    if logs:
        lines.append(t("notes_revised_logs", lang, n=number(logs, lang), figures=plural("figures", logs, lang)))
    values = rows[rows["change"].eq("revised") & ~rows.index.isin(figures.index)]
    for table, changed in values.groupby("table", sort=False):
        fields = ", ".join(f"`{name}` {number(n, lang)}" for name, n in changed["field"].value_counts().items())
        lines.append(t("notes_values_revised", lang, table=table, n=number(len(changed), lang),
                       values=plural("values", len(changed), lang), fields=fields))
    if figures.empty and values.empty:
        lines.append(t("notes_none", lang))

    lines += ["", t("notes_rows_heading", lang), ""]
    lines += [each for table in tables if (line := _rows(table, rows, lang))
              for each in [line, *(_figure_rows(rows, changes, lang) if table == "monthly_counts" else [])]] or \
        ([t("notes_none", lang)] if changes is not None else [])
    now, before = rejected
    lines.append(t("notes_rejected", lang, n=number(now, lang), rows=plural("rows", now, lang))
                 + (t("notes_rejected_before", lang, n=number(before, lang)) if before is not None else ""))

    taxonomy = rows[rows["change"].isin(["code_added", "code_removed", "code_renamed", "label_remapped"])]
    lines += ["", t("notes_taxonomy_heading", lang), ""]
    for _, row in taxonomy.iterrows():
        lines.append(t(f"notes_{row['change']}", lang, code=row["key"], old=row["old_value"], new=row["new_value"],
                       label=_label(row["key"], lang) if row["change"] != "label_remapped" else row["key"]))
    if taxonomy.empty:
        lines.append(t("notes_none", lang))
    lines += ["", t("notes_code_heading", lang), "", t("notes_code", lang, code=code_version), ""]
    return "\n".join(lines)


def _schema_line(change: tuple[str, str, str], lang: str) -> str:
    """One change of a table's schema (`revisions.schema_changes`) in words."""
    what, table, columns = change
    named = ", ".join(f"`{column}`" for column in columns.split(", ") if column)
    return t(f"notes_schema_{what}", lang, table=f"`{table}`", columns=named)
