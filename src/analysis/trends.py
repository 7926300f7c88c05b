"""Trend computations on the monthly counts: wide tables by month, year-to-date comparisons, intervals.

Every month between the first and the last with data is a row; a month without a stated figure
is NaN, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from . import taxonomy
from .config import ALL_GROUPS, OTHER_UNSPECIFIED, RESOLUTIONS, TOTAL
from .errors import expect_one_of
from .quality import month_span
from .regions import regions
from .text import normalise_text

LEGAL_TYPES = ["criminal", "civil", "administrative"]


PUBLISHED = ("published",)
WITH_DERIVED = ("published", "derived")  # the reviews' monthly figures and those derived from two statements


AUTO_MONTHS = 36  # "auto": a range longer than this is drawn by year, so that every label stays legible


def resolve(resolution: str, start: str, end: str) -> str:
    """month or year: `auto` draws by month up to AUTO_MONTHS months, by year beyond."""
    expect_one_of(resolution, RESOLUTIONS, "resolution")
    if resolution == "auto":
        return "year" if len(month_span([start, end])) > AUTO_MONTHS else "month"
    return resolution


def published(counts: pd.DataFrame, sources: tuple[str, ...] = PUBLISHED) -> pd.DataFrame:
    """The published figures counted in units (not tenge), with plain-string codes.

    `sources=WITH_DERIVED` adds the months derived from two cumulative statements (`source = derived`).
    """
    frame = counts[counts["source"].isin(sources) & (counts["unit"] == "count")]
    return frame.assign(group=frame["group"].astype(str), category=frame["category"].astype(str))


def _span(frame: pd.DataFrame, start: str | None, end: str | None) -> list[str]:
    months = sorted(set(frame["month"]))
    if not months:
        return []
    return month_span([start or months[0], end or months[-1]])


def group_totals(counts: pd.DataFrame, start: str | None = None, end: str | None = None,
                 sources: tuple[str, ...] = PUBLISHED) -> pd.DataFrame:
    """Month x group: the published group totals, NaN where a month states none."""
    pub = published(counts, sources)
    totals = pub[(pub["category"] == TOTAL) & (pub["group"] != ALL_GROUPS)]
    wide = totals.pivot_table(index="month", columns="group", values="count", aggfunc="sum")
    return wide.reindex(index=_span(pub, start, end), columns=taxonomy.group_codes()).rename_axis(
        index="month", columns="group")


def category_matrix(counts: pd.DataFrame, categories: list[str] | None = None,
                    start: str | None = None, end: str | None = None,
                    sources: tuple[str, ...] = PUBLISHED) -> pd.DataFrame:
    """Month x category: the figure each review states for a category, NaN where it states none.

    A top-level item is taken as it is; a category stated only inside another item (nested,
    e.g. the 456-2 cases inside administrative proceedings) is taken from there.
    """
    pub = published(counts, sources)
    items = pub[~pub["category"].isin([TOTAL, OTHER_UNSPECIFIED])]
    top = items[items["parent"] == ""].groupby(["month", "category"])["count"].sum()
    nested = items[(items["parent"] != "") & (items["parent"] != items["category"])]
    inner = nested.groupby(["month", "category"])["count"].sum()
    values = top.combine_first(inner)
    wide = values.unstack("category") if len(values) else pd.DataFrame()
    codes = categories or [c for c in taxonomy.category_codes() if c in wide.columns]
    return wide.reindex(index=_span(pub, start, end), columns=codes).rename_axis(
        index="month", columns="category")


def family_sums(counts: pd.DataFrame, codes: list[str]) -> dict[str, pd.Series]:
    """Each category -> month -> its published figure plus those of the categories inside it that
    the review lists beside it (NaN where none of them is stated). A category stated inside its
    parent's figure (`parent > item`, "including ...") is already in it and is not added again,
    unless the parent's own figure is not stated."""
    inside: dict[str, list[str]] = {}
    for code, parent in taxonomy.categories()[["code", "parent"]].itertuples(index=False):
        inside.setdefault(parent, []).append(code)
    families = {code: [code] + inside.get(code, []) for code in codes}
    members = list(dict.fromkeys(member for family in families.values() for member in family))
    if not members:
        return {}
    rows = counts[counts["category"].isin(members)]
    matrix = category_matrix(rows, members)
    beside = category_matrix(rows[rows["parent"] == ""], members).reindex(matrix.index)  # top-level items only
    values, listed = matrix.to_numpy(dtype=float), beside.to_numpy(dtype=float)
    sums = {}
    for code, family in families.items():
        own = values[:, matrix.columns.get_loc(code)]
        # where the category's own figure is stated, a category inside it counts only if listed beside it
        part = np.column_stack([own] + [np.where(np.isnan(own), values[:, matrix.columns.get_loc(member)],
                                                 listed[:, matrix.columns.get_loc(member)]) for member in family[1:]])
        stated = ~np.isnan(part).all(axis=1)
        sums[code] = pd.Series(np.where(stated, np.nansum(part, axis=1), np.nan), index=matrix.index)
    return sums


def false_information_codes() -> list[str]:
    cats = taxonomy.categories()
    return cats.loc[cats["false_information"], "code"].tolist()


def false_information(counts: pd.DataFrame, start: str | None = None, end: str | None = None,
                      sources: tuple[str, ...] = PUBLISHED) -> pd.Series:
    """Month -> false-information cases (Administrative Code 456-2 plus Criminal Code 274)."""
    matrix = category_matrix(counts, false_information_codes(), start, end, sources)
    return matrix.sum(axis=1, min_count=1).rename("false_information")


def false_information_in_part(counts: pd.DataFrame, start: str | None = None, end: str | None = None,
                              sources: tuple[str, ...] = PUBLISHED) -> pd.Series:
    """Month -> whether the month's false-information figure (`false_information`) is stated in part:
    one of its categories is stated and another is not, while claims of that other category's legal
    type are not known to be none (April 2024: 456-2 cases stated, and three criminal cases without
    their article, which may be 274 cases). A type the review itemises to zero
    (`legal_claims_by_type`: no criminal claim in November 2024) leaves nothing unstated."""
    matrix = category_matrix(counts, false_information_codes(), start, end, sources)
    types = legal_claims_by_type(counts, start, end, sources).reindex(matrix.index)
    legal_type = taxonomy.categories().set_index("code")["legal_type"]
    unknown = pd.DataFrame({code: matrix[code].isna() & ~types[legal_type[code]].eq(0) for code in matrix.columns})
    return (matrix.notna().any(axis=1) & unknown.any(axis=1)).rename("in_part")


def rolling_mean(series: pd.Series, window: int) -> pd.Series:
    """Mean of the stated values in the last `window` calendar months (NaN when none is stated)."""
    return series.rolling(window, min_periods=1).mean()


def legal_claims_by_type(counts: pd.DataFrame, start: str | None = None, end: str | None = None,
                         sources: tuple[str, ...] = PUBLISHED) -> pd.DataFrame:
    """Month x legal type (criminal, civil, administrative): top-level items of the claims group.

    A type the review does not list is not stated (NaN), unless the types it lists add up to the
    group's total: then every claim of the month is itemised, and the type is 0.
    """
    pub = published(counts, sources)
    cats = taxonomy.categories().set_index("code")
    claims = pub[pub["group"] == "legal_claims"]
    items = claims[(claims["parent"] == "") & claims["category"].isin(cats.index[cats["in_group_total"]])]
    items = items.assign(legal_type=items["category"].map(cats["legal_type"]))
    wide = items.pivot_table(index="month", columns="legal_type", values="count", aggfunc="sum")
    wide = wide.reindex(columns=LEGAL_TYPES)
    total = claims[claims["category"] == TOTAL].groupby("month")["count"].sum().reindex(wide.index)
    itemised = wide.sum(axis=1).eq(total).to_numpy()[:, None]
    wide = wide.where(~(itemised & wide.isna().to_numpy()), 0.0)
    return wide.reindex(index=_span(pub, start, end)).rename_axis(index="month", columns="legal_type")


def month_breakdown(counts: pd.DataFrame, month: str) -> pd.DataFrame:
    """One month's figures: each group's total, its top-level items and what is not itemised."""
    pub = published(counts)
    rows = pub[(pub["month"] == month) & (pub["group"] != ALL_GROUPS) & (pub["parent"] == "")]
    rows = rows[rows["category"] != TOTAL]
    order = {c: i for i, c in enumerate(taxonomy.category_codes() + [OTHER_UNSPECIFIED])}
    groups = {g: i for i, g in enumerate(taxonomy.group_codes() + taxonomy.legacy_group_codes())}
    return (rows.assign(_g=rows["group"].map(groups), _c=rows["category"].map(order))
            .sort_values(["_g", "_c"])[["group", "category", "count"]].reset_index(drop=True))


# --- comparisons with intervals ------------------------------------------------------------------

@dataclass(frozen=True)
class RateRatio:
    ratio: float
    low: float
    high: float

    @property
    def verdict(self) -> str:
        """more / fewer only when the whole interval lies on one side of no change."""
        if self.low > 1:
            return "more"
        if self.high < 1:
            return "fewer"
        return "same"


@lru_cache(maxsize=4096)
def rate_ratio(current: int, previous: int, level: float = 0.95) -> RateRatio | None:
    """Ratio of two Poisson counts over equal periods, with the exact (conditional binomial) interval
    (remembered: each language's text of a month asks for the same ones).

    Given their sum n, `current` is binomial(n, p) with p = ratio / (1 + ratio); the interval of p is
    Clopper-Pearson's, whose limits are quantiles of the beta distribution, and p / (1 - p) carries
    it over to the ratio.
    """
    from scipy.special import betaincinv  # not scipy.stats: importing that costs every kernel half a second

    current, previous = int(current), int(previous)
    total = current + previous
    if total == 0:
        return None
    tail = (1 - level) / 2
    p_low = 0.0 if current == 0 else float(betaincinv(current, total - current + 1, tail))
    p_high = 1.0 if previous == 0 else float(betaincinv(current + 1, total - current, 1 - tail))

    def odds(p: float) -> float:
        return np.inf if p >= 1 else p / (1 - p)

    ratio = np.inf if previous == 0 else current / previous
    return RateRatio(ratio, odds(p_low), odds(p_high))


def changes(counts: pd.DataFrame, month: str, against: str) -> pd.DataFrame:
    """Each group's total in `month` against `against` (the previous month, or a year before).

    `verdict` is more / fewer only where the 95% Poisson interval of the ratio excludes no change;
    a group without a figure in either month is left out.
    """
    totals = group_totals(counts, min(month, against), max(month, against))
    rows = []
    for code in totals.columns:
        now, then = totals.at[month, code], totals.at[against, code]
        if pd.isna(now) or pd.isna(then):
            continue
        rr = rate_ratio(int(now), int(then))
        rows.append({"group": code, "month": month, "against": against, "current": int(now),
                     "previous": int(then), "ratio": rr.ratio if rr else np.nan,
                     "low": rr.low if rr else np.nan, "high": rr.high if rr else np.nan,
                     "verdict": rr.verdict if rr else ""})
    return pd.DataFrame(rows, columns=["group", "month", "against", "current", "previous", "ratio",
                                       "low", "high", "verdict"])


def previous_month(month: str) -> str:
    return str(pd.Period(month, freq="M") - 1)


def same_month_last_year(month: str) -> str:
    return f"{int(month[:4]) - 1}{month[4:]}"


@cache
def cumulative_target(metric: str) -> tuple[str, str] | None:
    """What a cumulative count measures: a group, or a category (a claim type names a category).

    None for a figure of part of another: one opening with "of which" or "including", one of part
    of a category or of an outcome beside it (domain/statement_words.csv), a share, a nested
    `parent > item` that is not a category inside its parent's, and a count that would measure a
    sum of money.
    """
    text = normalise_text(metric)
    if taxonomy.subset_words().search(text) or taxonomy.part_words().search(text) or "%" in text:
        return None
    target = _measure(metric)
    if target is None or (target[0] == "category" and taxonomy.categories().set_index("code").at[
            target[1], "unit"] != "count"):
        return None
    if taxonomy.NEST_SEPARATOR in metric:
        head = _measure(metric.rsplit(taxonomy.NEST_SEPARATOR, 1)[0])
        inside = (head is not None and head[0] == target[0] == "category" and target != head
                  and taxonomy.within(target[1], head[1]))
        return target if inside else None
    return target


def _measure(metric: str) -> tuple[str, str] | None:
    group = taxonomy.match_group(metric)
    if group in taxonomy.group_codes():
        category = taxonomy.match_category(metric, group)
        head = normalise_text(metric).split("(")[0]  # "(2 civil, 1 criminal)" details a group figure
        if category and taxonomy.legal_type_words().search(head):
            return "category", category
        return "group", group
    category = taxonomy.match_category(metric)
    return ("category", category) if category else None


def check_cumulative(counts: pd.DataFrame, cumulative: pd.DataFrame) -> pd.DataFrame:
    """The published year-to-date and monthly figures against the sums of the monthly counts.

    A computed sum that falls short of the stated figure is explained when months of the period
    have no data; a sum above it, or short of it with every month present, is not.
    """
    figures = cumulative[(cumulative["unit"] == "count") & cumulative["start_month"].notna()]
    targets = [cumulative_target(metric) for metric in figures["metric_as_written"]]
    groups = group_totals(counts)
    families = family_sums(counts, sorted({code for kind, code in filter(None, targets) if kind == "category"}))
    stated_months: dict[tuple[str, str], dict[str, float]] = {}  # (kind, code) -> month -> figure
    rows = []
    for fig, target in zip(figures.itertuples(), targets):
        if target is None:
            continue
        kind, code = target
        if target not in stated_months:
            stated_months[target] = (groups[code] if kind == "group" else families[code]).dropna().to_dict()
        by_month = stated_months[target]
        for period_start, period_end, stated, role in (
                (fig.start_month, fig.end_month, fig.value, "stated"),
                (fig.comparison_start, fig.comparison_end, fig.comparison_value, "comparison")):
            if period_start is None or pd.isna(period_start) or pd.isna(stated):
                continue
            months = month_span([period_start, period_end])
            values = [by_month[month] for month in months if month in by_month]
            with_data = len(values)
            if not with_data:
                continue  # nothing to compare with
            computed = float(sum(values))
            agrees = with_data == len(months) and computed == stated
            explained = bool(not agrees and with_data < len(months) and computed <= stated)
            rows.append({"period": f"{period_start}/{period_end}", "metric_as_written": fig.metric_as_written,
                         "role": role, "target": code, "stated": float(stated), "computed": computed,
                         "months_in_period": len(months), "months_with_data": with_data,
                         "agrees": bool(agrees), "explained_by_missing_months": explained,
                         "source_url": fig.source_url})
    return pd.DataFrame(rows, columns=["period", "metric_as_written", "role", "target", "stated",
                                       "computed", "months_in_period", "months_with_data", "agrees",
                                       "explained_by_missing_months", "source_url"])


# --- named incidents ------------------------------------------------------------------------------

def _between(incidents: pd.DataFrame, start: str | None, end: str | None) -> pd.DataFrame:
    month = incidents["report_month"]
    keep = pd.Series(True, index=incidents.index)
    if start:
        keep &= month >= start
    if end:
        keep &= month <= end
    return incidents[keep & incidents["counted"]]


def incidents_by_region(incidents: pd.DataFrame, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Every region and city of the period with the number of named incidents (zeros included):
    the 3 cities and 17 regions, or 14 regions for a period ending before June 2022, when Abai,
    Jetisu and Ulytau Regions were created (`valid_from` in domain/regions.csv)."""
    chosen = _between(incidents, start, end)
    counts = chosen["region_iso"].value_counts()
    table = regions()
    if end is not None:
        table = table[table["valid_from"].eq("") | table["valid_from"].str[:7].le(end)]
    table = table[["iso_code", "kind", "name_en", "name_ru", "name_kk"]]
    return table.assign(incidents=table["iso_code"].map(counts).fillna(0).astype(int)).reset_index(drop=True)


def incidents_without_region(incidents: pd.DataFrame, start: str | None = None, end: str | None = None) -> int:
    """The counted named incidents of the period whose place names no region (`incidents_by_region`
    leaves them out)."""
    return int(_between(incidents, start, end)["region_iso"].isna().sum())


def incidents_by(incidents: pd.DataFrame, column: str, start: str | None = None,
                 end: str | None = None) -> pd.DataFrame:
    """Counted named incidents by one column (victim_type, perpetrator_type, legal_code, ...)."""
    chosen = _between(incidents, start, end)
    values = chosen[column].astype(object).where(chosen[column].notna() & chosen[column].astype(str).ne(""), "unknown")
    return values.value_counts().rename_axis(column).rename("incidents").reset_index()
