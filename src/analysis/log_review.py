"""The opening of a review for a month whose review was not read: what the incident log shows.

Everything here is a lower bound: a log names the incidents a monitor recorded, which may be
only some of the month's. The text says so before it gives any number.
"""

from __future__ import annotations

import pandas as pd

from . import taxonomy
from .config import ALL_GROUPS, TOTAL
from .i18n import month_label, plural, t


def log_review(counts: pd.DataFrame, incidents: pd.DataFrame, month: str, lang: str) -> str:
    """Markdown: the month's incidents from the log, by group and category, labelled a lower bound."""
    named = incidents[incidents["report_month"] == month]
    new = int(named["counted"].sum())
    lines = [t("summary_heading", lang, month=month_label(month, lang)), "",
             _sentence(t("log_summary_intro", lang, month=month_label(month, lang))), "",
             t("log_summary_named", lang, n=len(named), new=new, followups=len(named) - new,
               incidents=plural("incidents", len(named), lang),
               followup_words=plural("followups", len(named) - new, lang)), ""]
    logged = counts[(counts["month"] == month) & (counts["source"] == "incident_log")
                    & (counts["unit"] == "count") & (counts["group"] != ALL_GROUPS)]
    if logged.empty:
        lines.append(t("log_summary_none", lang))
    for group in taxonomy.group_codes():
        part = logged[logged["group"] == group]
        if part.empty:
            continue
        total = int(part.loc[part["category"] == TOTAL, "count"].sum())
        lines.append(f"- **{taxonomy.category_label(group, lang)}**: "
                     + t("log_summary_item", lang, n=total))
        for row in part[part["category"] != TOTAL].sort_values("category").itertuples():
            lines.append(f"  - {taxonomy.category_label(str(row.category), lang)}: "
                         + t("log_summary_item", lang, n=int(row.count)))
    return "\n".join(lines) + "\n"


def _sentence(text: str) -> str:
    """"қараша 2024 шолуы ..." opens a sentence with a capital."""
    return text[:1].upper() + text[1:]
