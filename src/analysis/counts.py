"""Monthly counts from the incident logs, and their comparison with the published counts."""

from __future__ import annotations

import pandas as pd

from .config import ALL_GROUPS, TOTAL
from .reviews import COUNT_COLUMNS
from .taxonomy import categories


def incident_log_counts(incidents: pd.DataFrame) -> pd.DataFrame:
    """Counts per month, group and category from the logs, each case once (its first mention)."""
    if incidents.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    counted = incidents[incidents["counted"].astype(bool)].assign(
        group=lambda f: f["group"].astype(str), category=lambda f: f["category"].astype(str))
    by_category = counted.groupby(["report_month", "group", "category"]).size().rename("count").reset_index()
    in_total = counted[counted["category"].map(
        categories().set_index("code")["in_group_total"]).astype(bool)]
    by_group = in_total.groupby(["report_month", "group"]).size().rename("count").reset_index().assign(category=TOTAL)
    overall = in_total.groupby("report_month").size().rename("count").reset_index().assign(
        group=ALL_GROUPS, category=TOTAL)
    money = (counted.dropna(subset=["amount_kzt"])
             .groupby(["report_month", "group", "category"])["amount_kzt"].sum()
             .rename("count").reset_index().assign(unit="kzt"))
    frame = pd.concat([by_category, by_group, overall, money], ignore_index=True)
    return frame.rename(columns={"report_month": "month"}).assign(
        unit=lambda f: f["unit"].fillna("count") if "unit" in f else "count",
        source="incident_log", source_url="", parent="", label_as_written="",
        note="named incidents in the log; a log may list only some of a month's incidents",
        count=lambda f: f["count"].astype("int64"))[COUNT_COLUMNS]


def compare_sources(counts: pd.DataFrame) -> pd.DataFrame:
    """For months with both a log and published counts: published, logged and the difference."""
    top = counts[counts["parent"].eq("") & counts["unit"].eq("count")]
    both = set(top.loc[top["source"] == "published", "month"]) & set(
        top.loc[top["source"] == "incident_log", "month"])
    if not both:
        return pd.DataFrame(columns=["month", "group", "category", "published", "incident_log", "difference"])
    sub = top[top["month"].isin(both)]
    table = sub.pivot_table(index=["month", "group", "category"], columns="source",
                            values="count", aggfunc="sum", observed=True)
    table = table.reindex(columns=["published", "incident_log"]).reset_index()
    return table.assign(difference=table["incident_log"] - table["published"]).sort_values(
        ["month", "group", "category"]).reset_index(drop=True)
