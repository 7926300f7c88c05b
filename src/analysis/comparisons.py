"""Comparisons that say what they rest on.

A figure for a group or category over a period rests on one of three kinds of evidence, chosen in
this order by `period_figure`:

- `stated`: the foundation's own cumulative statement in a review, for exactly that period and
  measure ("87 legal cases in January-July 2024");
- `complete`: the sum of monthly counts (published, or derived from two statements) over every
  month of the period;
- `partial`: a sum over only the months that have data. A comparison of two periods then sums
  only the months with data on both sides, and names them.

The words a change may be given (`judge`) live here too: "more" and "fewer" only when the exact
Poisson (conditional binomial) interval of the ratio excludes no change at 95%; below 5 on both
sides the counts are too few to compare; no percentage from a base under 20.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import events, taxonomy, trends
from .config import TOTAL
from .quality import month_span

STATED, COMPLETE, PARTIAL, NONE = "stated", "complete", "partial", "none"
STRENGTH = {STATED: 0, COMPLETE: 1, PARTIAL: 2}

# --- the guardrails: the one place the rules for wording a change are written down ---------------
LEVEL = 0.95  # the Poisson interval of the ratio
MIN_COUNT = 5  # below this in both periods: "too few to compare"
MIN_PERCENT_BASE = 20  # no percentage change from a smaller base

FOUNDATION_SITE = "adilsoz.kz"  # statements the foundation makes in its own reviews


@dataclass(frozen=True)
class Change:
    """Two counts and what may be said about them."""

    current: int
    previous: int
    verdict: str  # more | fewer | same | too_few
    ratio: float = np.nan
    low: float = np.nan
    high: float = np.nan
    percent: float | None = None  # only from a base of MIN_PERCENT_BASE or more


def judge(current: int, previous: int) -> Change:
    """The verdict on `current` against `previous` (counts over periods of equal length)."""
    current, previous = int(current), int(previous)
    if current < MIN_COUNT and previous < MIN_COUNT:
        return Change(current, previous, "too_few")
    rr = trends.rate_ratio(current, previous, LEVEL)
    percent = 100.0 * (current - previous) / previous if previous >= MIN_PERCENT_BASE else None
    return Change(current, previous, rr.verdict, rr.ratio, rr.low, rr.high, percent)


# --- the foundation's own statements ------------------------------------------------------------------

STATEMENT_COLUMNS = ["kind", "code", "start", "end", "value", "metric_as_written", "source_url", "where"]


def statements(cumulative: pd.DataFrame) -> pd.DataFrame:
    """Every count the foundation's reviews state for a period, one row per period and measure.

    A review's comparison ("87 ... against 55 in January-July 2023") gives two rows. Shares,
    subsets ("of these ...", "in the digital environment"; `trends.cumulative_target`) and figures
    from other publishers are left out: they do not measure a group or category as the monthly
    counts do.
    """
    rows = []
    for fig in cumulative.itertuples():
        if fig.unit != "count" or FOUNDATION_SITE not in str(fig.source_url):
            continue
        target = trends.cumulative_target(fig.metric_as_written)  # None for a part of another figure
        if target is None:
            continue
        where = f"{fig.source_file} line {fig.source_line}"
        for start, end, value in ((fig.start_month, fig.end_month, fig.value),
                                  (fig.comparison_start, fig.comparison_end, fig.comparison_value)):
            if isinstance(start, str) and isinstance(end, str) and pd.notna(value) and float(value).is_integer():
                rows.append({"kind": target[0], "code": target[1], "start": start, "end": end,
                             "value": int(value), "metric_as_written": fig.metric_as_written,
                             "source_url": fig.source_url, "where": where})
    frame = pd.DataFrame(rows, columns=STATEMENT_COLUMNS)
    return frame.drop_duplicates(subset=["kind", "code", "start", "end", "value"]).reset_index(drop=True)


def stated_value(table: pd.DataFrame, kind: str, code: str, start: str, end: str) -> pd.Series | None:
    """The statement for exactly this measure and period; None when there is none, or when the
    reviews state two different figures for it (that disagreement is reported, not resolved)."""
    if table.empty:
        return None
    rows = table[(table["kind"] == kind) & (table["code"] == code) & (table["start"] == start)
                 & (table["end"] == end)]
    return rows.iloc[0] if rows["value"].nunique() == 1 else None


def monthly(counts: pd.DataFrame, kind: str, code: str) -> tuple[pd.Series, pd.Series]:
    """(month -> count, month -> derived?) for a group total or a category, published or derived."""
    return monthly_all(counts, [(kind, code)])[kind, code]


Measure = tuple[str, str]  # (kind, code): ("group", "legal_claims"), ("category", "threat")


def monthly_all(counts: pd.DataFrame, measures: list[Measure]) -> dict[Measure, tuple[pd.Series, pd.Series]]:
    """`monthly` of each measure, from one wide table of the groups and one of the categories."""
    # Only these measures' rows: the wide tables below are then their columns, not every category.
    groups = list(dict.fromkeys(code for kind, code in measures if kind == "group"))
    categories = list(dict.fromkeys(code for kind, code in measures if kind != "group"))
    tables = {}
    if groups:
        rows = counts[counts["group"].isin(groups) & (counts["category"] == TOTAL)]
        tables["group"] = (trends.group_totals(rows, sources=trends.WITH_DERIVED),
                           trends.group_totals(rows, sources=("derived",)))
    if categories:
        rows = counts[counts["category"].isin(categories)]
        tables["category"] = (trends.category_matrix(rows, categories, sources=trends.WITH_DERIVED),
                              trends.category_matrix(rows, categories, sources=("derived",)))
    found = {}
    for kind, code in dict.fromkeys(measures):
        values, derived = tables["group" if kind == "group" else "category"]
        series = values[code].dropna() if code in values.columns else pd.Series(dtype=float)
        flags = derived[code].notna() if code in derived.columns else pd.Series(False, index=series.index)
        found[kind, code] = (series, flags.reindex(series.index, fill_value=False))
    return found


# --- the evidence for one period -----------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodFigure:
    kind: str
    code: str
    start: str
    end: str
    evidence: str  # stated | complete | partial | none
    value: int | None  # the stated figure, or the sum over the months with data
    months: tuple[str, ...]  # months of the period with a monthly count
    derived: tuple[str, ...] = ()  # of which derived from two statements
    computed: int | None = None  # the sum of the monthly counts, when any month has one
    source: str = ""  # the statement's URL and place, for a stated figure

    @property
    def period(self) -> list[str]:
        return month_span([self.start, self.end])

    @property
    def whole(self) -> bool:
        return self.evidence in (STATED, COMPLETE)


def period_figure(counts: pd.DataFrame, stated: pd.DataFrame, kind: str, code: str, start: str,
                  end: str, measured: tuple[pd.Series, pd.Series] | None = None) -> PeriodFigure:
    """The one decision on evidence: stated, else complete, else partial (else none).

    `measured` is `monthly(counts, kind, code)` when the caller already has it.
    """
    series, flags = measured if measured is not None else monthly(counts, kind, code)
    period = month_span([start, end])
    present = [m for m in period if m in series.index]
    derived = tuple(m for m in present if flags.get(m, False))
    computed = int(series.reindex(present).sum()) if present else None
    statement = stated_value(stated, kind, code, start, end)
    if statement is not None:
        return PeriodFigure(kind, code, start, end, STATED, int(statement["value"]), tuple(present),
                            derived, computed, f"{statement['source_url']} ({statement['where']})")
    evidence = COMPLETE if len(present) == len(period) else PARTIAL if present else NONE
    return PeriodFigure(kind, code, start, end, evidence, computed, tuple(present), derived, computed)


# --- comparisons of two periods ------------------------------------------------------------------------

class SeriesBreak(ValueError):
    """A comparison crosses a break in the series; pass allow_break=True to make it anyway."""

    def __init__(self, breaks: pd.DataFrame) -> None:
        self.breaks = breaks
        named = "; ".join(f"{r.date}: {r.label_en} ({r.source_url})" for r in breaks.itertuples())
        super().__init__(f"the comparison crosses a break in the series: {named}; pass "
                         "allow_break=True to compare anyway, with a footnote")


@dataclass(frozen=True)
class Comparison:
    kind: str
    code: str
    evidence: str  # stated | complete | partial (the weaker of the two sides)
    current: PeriodFigure
    previous: PeriodFigure
    months: tuple[str, ...]  # the current period's months summed (all of them unless partial)
    previous_months: tuple[str, ...]
    change: Change
    breaks: list[dict] = field(default_factory=list)  # crossed with allow_break=True: the footnote


def _shift(month: str, by: int) -> str:
    return str(pd.Period(month, freq="M") + by)


def compare(counts: pd.DataFrame, stated: pd.DataFrame, kind: str, code: str, current: tuple[str, str],
            previous: tuple[str, str], allow_break: bool = False,
            measured: tuple[pd.Series, pd.Series] | None = None) -> Comparison | None:
    """`current` (first, last month) against `previous`, a period of the same length.

    Whole figures (stated or complete) on both sides are compared as they are. Otherwise only the
    months with a monthly count on both sides are summed, and the comparison is partial. None
    when no month has data on both sides. A comparison whose months cross a break of comparability
    (a break after the first month compared and no later than the last) raises SeriesBreak unless
    `allow_break`; then it carries the break for a footnote.
    `measured` is `monthly(counts, kind, code)` when the caller already has it.
    """
    measured = measured if measured is not None else monthly(counts, kind, code)
    now = period_figure(counts, stated, kind, code, *current, measured)
    then = period_figure(counts, stated, kind, code, *previous, measured)
    offset = (pd.Period(current[0], freq="M") - pd.Period(previous[0], freq="M")).n
    if now.whole and then.whole:
        evidence = max(now.evidence, then.evidence, key=STRENGTH.get)
        months, before = tuple(now.period), tuple(then.period)
        change = judge(now.value, then.value)
    else:
        series, _ = measured
        months = tuple(m for m in now.months if _shift(m, -offset) in then.months)
        if not months:
            return None
        before = tuple(_shift(m, -offset) for m in months)
        evidence = PARTIAL
        change = judge(int(series.reindex(list(months)).sum()), int(series.reindex(list(before)).sum()))
    codes = trends.false_information_codes() if code == "false_information" else [code]
    crossed = events.breaks_between(codes, min(before), max(months))  # the months compared, not the period named
    if len(crossed) and not allow_break:
        raise SeriesBreak(crossed)
    return Comparison(kind, code, evidence, now, then, months, before, change, events.as_records(crossed))


def _derived_used(comp: Comparison) -> list[str]:
    """The derived months a comparison's figures rest on: the derived months it sums, on a side
    whose figure is the sum of its months (a stated figure rests on its statement alone)."""
    used = set(comp.months) | set(comp.previous_months)
    sides = [side for side in (comp.current, comp.previous) if comp.evidence == PARTIAL or side.evidence != STATED]
    return sorted({m for side in sides for m in side.derived if m in used})


YTD_COLUMNS = ["kind", "code", "group", "evidence", "current", "previous", "months", "months_list",
               "previous_months_list", "evidence_current", "evidence_previous", "stated_current",
               "stated_previous", "computed_current", "computed_previous", "months_with_data_current",
               "months_in_period", "derived_months", "verdict", "ratio", "low", "high", "percent",
               "source", "breaks", "refused"]


def _row(kind: str, code: str) -> dict:
    return {"kind": kind, "code": code, "group": code if kind == "group" else taxonomy.category_group(code)}


def year_to_date(counts: pd.DataFrame, cumulative: pd.DataFrame | None, month: str,
                 allow_break: bool = False) -> pd.DataFrame:
    """Each group and category: January..`month` against the same months a year before.

    One row per comparison, saying its evidence and the months it covers. A comparison that would
    cross a break of the series is kept as a row with `refused` giving the dates of the breaks (its
    counts empty), unless `allow_break`; then `breaks` gives them, for a footnote.
    """
    year = int(month[:4])
    current, previous = (f"{year}-01", month), (f"{year - 1}-01", f"{year - 1}{month[4:]}")
    stated = statements(cumulative) if cumulative is not None else statements(pd.DataFrame(
        columns=["unit", "source_url", "metric_as_written"]))
    groups = trends.group_totals(counts, previous[0], month, trends.WITH_DERIVED)
    cats = trends.category_matrix(counts, None, previous[0], month, trends.WITH_DERIVED)
    wanted = [("group", c) for c in groups.columns if groups[c].notna().any()]
    wanted += [("category", c) for c in cats.columns if cats[c].notna().any()]
    wanted += [(k, c) for k, c in stated[(stated["start"] == current[0]) & (stated["end"] == month)]
               [["kind", "code"]].itertuples(index=False) if (k, c) not in wanted]
    measured = monthly_all(counts, wanted)
    # Each measure looks only at its own statements of the two periods, picked once for all.
    periods = stated["start"].isin([current[0], previous[0]]) & stated["end"].isin([current[1], previous[1]])
    own = dict(list(stated[periods].groupby(["kind", "code"])))
    none = stated.iloc[:0]
    rows = []
    for kind, code in wanted:
        try:
            comp = compare(counts, own.get((kind, code), none), kind, code, current, previous, allow_break,
                           measured[kind, code])
        except SeriesBreak as exc:
            rows.append({**_row(kind, code), "refused": "; ".join(exc.breaks["date"])})
            continue
        if comp is None:
            continue
        ch = comp.change
        rows.append({**_row(kind, code), "evidence": comp.evidence, "current": ch.current,
                     "previous": ch.previous, "months": len(comp.months),
                     "months_list": ",".join(comp.months), "previous_months_list": ",".join(comp.previous_months),
                     "evidence_current": comp.current.evidence, "evidence_previous": comp.previous.evidence,
                     "stated_current": comp.current.value if comp.current.evidence == STATED else None,
                     "stated_previous": comp.previous.value if comp.previous.evidence == STATED else None,
                     "computed_current": comp.current.computed, "computed_previous": comp.previous.computed,
                     "months_with_data_current": len(comp.current.months),
                     "months_in_period": len(comp.current.period),
                     "derived_months": ",".join(_derived_used(comp)),
                     "verdict": ch.verdict, "ratio": ch.ratio, "low": ch.low, "high": ch.high,
                     "percent": ch.percent, "source": comp.current.source,
                     "breaks": "; ".join(b["date"] for b in comp.breaks), "refused": ""})
    table = pd.DataFrame(rows, columns=YTD_COLUMNS)
    order = {("group", c): i for i, c in enumerate(taxonomy.group_codes())}
    order.update({("category", c): 10 + i for i, c in enumerate(taxonomy.category_codes())})
    keys = [order.get((k, c), 999) for k, c in zip(table["kind"], table["code"])]
    return table.assign(_o=keys).sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


# --- yearly figures ---------------------------------------------------------------------------------------

YEARLY_COLUMNS = ["year", "code", "value", "evidence", "months_with_data", "months_in_period",
                  "derived_months", "start", "end"]


def yearly(counts: pd.DataFrame, cumulative: pd.DataFrame | None, kind: str, codes: list[str],
           start: str, end: str) -> pd.DataFrame:
    """Each calendar year from `start` to `end` (clipped to them) and each code: its figure and the
    evidence it rests on. A year with missing months is `partial` and says how many of its 12 it
    has; so is a year the range cuts (June to December of the first year, January to July of the
    last), even where every month of the cut has data or a statement covers it."""
    stated = statements(cumulative) if cumulative is not None else pd.DataFrame(columns=STATEMENT_COLUMNS)
    # Each code's series is picked once, and the statements once for all (a heat map of 40
    # categories over 16 years asks for 640 figures): a year's figure looks only at the statements
    # of its code and period.
    measured = monthly_all(counts, [(kind, code) for code in codes if code != "false_information"])
    own = dict(list(stated[stated["kind"] == kind].groupby(["code", "start", "end"])))
    none = stated.iloc[:0]
    summed = (trends.false_information(counts, start, end, trends.WITH_DERIVED).dropna(),
              trends.false_information(counts, start, end, ("derived",)).notna())
    rows = []
    for year in range(int(start[:4]), int(end[:4]) + 1):
        first, last = max(start, f"{year}-01"), min(end, f"{year}-12")
        for code in codes:
            if code == "false_information":
                fig = _sum_of(summed, first, last)
            else:
                fig = period_figure(counts, own.get((code, first, last), none), kind, code, first, last,
                                    measured[kind, code])
            evidence, covered = fig.evidence, len(fig.period) if fig.evidence == STATED else len(fig.months)
            if len(fig.period) < 12 and evidence in (COMPLETE, STATED):  # a year the range cuts: no whole year
                evidence = PARTIAL
            rows.append({"year": str(year), "code": code, "value": fig.value, "evidence": evidence,
                         "months_with_data": covered, "months_in_period": 12,
                         "derived_months": ",".join(fig.derived), "start": first, "end": last})
    return pd.DataFrame(rows, columns=YEARLY_COLUMNS)


def _sum_of(summed: tuple[pd.Series, pd.Series], first: str, last: str) -> PeriodFigure:
    """The figure for `first`..`last` of the series that adds categories (false information), from
    `summed` (month -> the sum where a month has one, month -> derived?): complete only where every
    month has a figure for at least one of them, as the monthly series does."""
    series, flags = summed
    period = month_span([first, last])
    present = [m for m in period if m in series.index]
    evidence = COMPLETE if len(present) == len(period) else PARTIAL if present else NONE
    value = int(series.reindex(present).sum()) if present else None
    return PeriodFigure("category", "false_information", first, last, evidence, value, tuple(present),
                        tuple(m for m in present if flags.get(m, False)), value)


# --- months derived from two cumulative statements ----------------------------------------------------

def derive_months(counts: pd.DataFrame, cumulative: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Months given by two statements of the same measure for consecutive periods with the same
    start (January-June and January-July give July), where no monthly count exists.

    Returns (rows for monthly_counts with `source = derived` and `derived_from` naming the two
    statements, inconsistencies). A negative difference, one that contradicts a published monthly
    count, one below a figure the month's review states inside it, or one of two statements of a
    category that name different measures of it
    (`taxonomy.measure_words`: January's "pre-trial complaints" are not January's share of
    "pre-trial claims and suits") is an inconsistency and is not used.
    """
    stated = statements(cumulative)
    rows, problems = [], []
    measured = monthly_all(counts, list(stated[["kind", "code"]].itertuples(index=False, name=None)))
    periods: dict[tuple[str, str, str], dict[str, list[dict]]] = {}  # (kind, code, start) -> end -> statements
    for statement in stated.to_dict("records"):
        key = (statement["kind"], statement["code"], statement["start"])
        periods.setdefault(key, {}).setdefault(statement["end"], []).append(statement)
    for (kind, code, start), by_end in sorted(periods.items()):
        published_only, _ = measured[kind, code]  # derived rows are not in `counts` yet
        for end in sorted(by_end):
            earlier = _shift(end, -1)
            if earlier < start or earlier not in by_end:
                continue
            if len({s["value"] for s in by_end[end]}) != 1 or len({s["value"] for s in by_end[earlier]}) != 1:
                continue  # the reviews disagree on a total: nothing sound to subtract
            later, before = by_end[end][0], by_end[earlier][0]
            value = int(later["value"]) - int(before["value"])
            origin = (f"{start}/{end}: {int(later['value'])} ({later['where']}) minus {start}/{earlier}: "
                      f"{int(before['value'])} ({before['where']})")
            group = code if kind == "group" else taxonomy.category_group(code)
            if taxonomy.measure_words(later["metric_as_written"]) != taxonomy.measure_words(
                    before["metric_as_written"]):
                problems.append({"kind": "derived month of two measures", "month": end, "group": group,
                                 "total": None, "listed_sum": None,
                                 "message": f"{end} {code}: {origin}: '{later['metric_as_written']}' and "
                                            f"'{before['metric_as_written']}' count different things; not used"})
                continue
            if value < 0:
                problems.append({"kind": "derived month is negative", "month": end, "group": group,
                                 "total": None, "listed_sum": None,
                                 "message": f"{end} {code}: {origin} gives {value}; not used"})
                continue
            if end in published_only.index:
                if int(published_only[end]) != value:
                    problems.append({"kind": "derived month contradicts the monthly count", "month": end,
                                     "group": group, "total": int(published_only[end]), "listed_sum": value,
                                     "message": f"{end} {code}: {origin} gives {value}, the review of the "
                                                f"month states {int(published_only[end])}; not used"})
                continue
            inside = _largest_inside(counts, kind, code, end)
            if inside is not None and value < inside[1]:
                problems.append({"kind": "derived month below a figure inside it", "month": end, "group": group,
                                 "total": value, "listed_sum": inside[1],
                                 "message": f"{end} {code}: {origin} gives {value}, less than the {inside[1]} "
                                            f"{inside[0]} the review of the month states inside it; not used"})
                continue
            rows.append({"month": end, "group": group, "category": TOTAL if kind == "group" else code,
                         "unit": "count", "count": value, "source": "derived",
                         "source_url": later["source_url"], "parent": "",
                         "label_as_written": later["metric_as_written"],
                         "note": "difference of two cumulative statements", "derived_from": origin})
    columns = list(counts.columns) + ([] if "derived_from" in counts.columns else ["derived_from"])
    return pd.DataFrame(rows, columns=columns), problems


def _largest_inside(counts: pd.DataFrame, kind: str, code: str, month: str) -> tuple[str, int] | None:
    """(category, count) of the largest published figure of `month` that lies inside `code` (a
    category of a group's total, or a category within a category), or None: a figure of the whole
    is never below one of its parts."""
    rows = counts[(counts["month"] == month) & (counts["source"] == "published") & (counts["unit"] == "count")]
    category = rows["category"].astype(str)
    if kind == "group":
        chosen = rows[rows["group"].eq(code) & category.isin(taxonomy.in_group_total_codes())]
    else:
        chosen = rows[category.map(lambda c: c != code and taxonomy.within(c, code))]
    if chosen.empty:
        return None
    largest = chosen.loc[chosen["count"].astype(int).idxmax()]
    return str(largest["category"]), int(largest["count"])


def disagreements(counts: pd.DataFrame, cumulative: pd.DataFrame) -> list[dict]:
    """Every stated figure that differs from the sum of the monthly counts over its period, with
    whether the months without data can explain it."""
    check = trends.check_cumulative(counts, cumulative)
    odd = check[~check["agrees"]]
    return [{**{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()},
             "difference": float(row["stated"] - row["computed"])}
            for row in odd.to_dict(orient="records")]
