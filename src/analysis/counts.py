"""Monthly counts from the incident logs, and their comparison with the published counts."""

from __future__ import annotations

import pandas as pd

from .config import ALL_GROUPS, TOTAL
from .reviews import COUNT_COLUMNS
from .taxonomy import in_group_total_codes


def _sized(frame: pd.DataFrame, keys: list[str], values: str | None = None) -> pd.DataFrame:
    """Rows (or the sum of `values`) per combination of `keys` that occurs, as a frame of strings
    in the order of the keys: grouped on the category codes, only the small result is text."""
    grouped = frame.groupby(keys, observed=True, sort=False)
    sized = (grouped.size() if values is None else grouped[values].sum()).rename("count").reset_index()
    sized = sized.astype({k: str for k in keys if isinstance(sized[k].dtype, pd.CategoricalDtype)})
    return sized.sort_values(keys, kind="stable").reset_index(drop=True)


def incident_log_counts(incidents: pd.DataFrame) -> pd.DataFrame:
    """Counts per month, group and category from the logs, each case once (its first mention)."""
    if incidents.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    counted = incidents.loc[incidents["counted"].astype(bool), ["report_month", "group", "category", "amount_kzt"]]
    counted = counted.assign(**{c: counted[c].astype(str).astype("category") for c in ("group", "category")
                                if not isinstance(counted[c].dtype, pd.CategoricalDtype)})
    codes = counted["category"].cat.categories.isin(in_group_total_codes())
    in_total = counted[codes[counted["category"].cat.codes.to_numpy()]]
    by_category = _sized(counted, ["report_month", "group", "category"])
    by_group = _sized(in_total, ["report_month", "group"]).assign(category=TOTAL)
    overall = _sized(in_total, ["report_month"]).assign(group=ALL_GROUPS, category=TOTAL)
    money = _sized(counted.dropna(subset=["amount_kzt"]), ["report_month", "group", "category"],
                   "amount_kzt").assign(unit="kzt")
    frame = pd.concat([by_category, by_group, overall, money], ignore_index=True)
    columns = {"month": frame["report_month"], "group": frame["group"], "category": frame["category"],
               "unit": frame["unit"].fillna("count") if "unit" in frame else "count",
               "count": frame["count"].astype("int64"), "source": "incident_log", "source_url": "", "parent": "",
               "label_as_written": "",
               "note": "named incidents in the log; a log may list only some of a month's incidents"}
    return pd.DataFrame({c: columns[c] for c in COUNT_COLUMNS}, index=frame.index)  # in one step


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
