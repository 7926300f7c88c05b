"""The counts the monthly reviews publish -> canonical monthly counts, with their inconsistencies."""

from __future__ import annotations

import re

import pandas as pd

from . import taxonomy
from .config import ALL_GROUPS, MAX_AMOUNT_KZT, MAX_MONTHLY_COUNT, OTHER_UNSPECIFIED, TOTAL
from .parsing import parse_amount, parse_count, parse_date, parse_fields, parse_unique
from .reading import LINE, RawTable
from .text import normalise_text
from .verdicts import REJECTED_COLUMNS, Verdicts, column, stripped

COUNT_COLUMNS = ["month", "group", "category", "unit", "count", "source", "source_url",
                 "parent", "label_as_written", "note"]
UNITS = ("count", "kzt")


def _month(value: str) -> str | None:
    parsed = parse_date(value)
    return f"{parsed.value.year:04d}-{parsed.value.month:02d}" if parsed.value else None


def clean_published(table: RawTable) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(rows, rejected, warnings) for one published-counts file; labels mapped to categories."""
    file = table.label
    raw = stripped(table.frame)
    verdicts = Verdicts(raw, file)
    reject, warn = verdicts.reject, verdicts.warn

    month = parse_unique(column(raw, "month"), _month)
    reject(month.isna(), "month", "expected the month covered as YYYY-MM")

    unit = column(raw, "unit").str.lower().replace("", "count")
    reject(~unit.isin(UNITS), "unit", f"expected one of {', '.join(UNITS)}")

    written, kzt = column(raw, "count"), unit.eq("kzt")  # the column holds tenge where the unit is kzt
    counts = parse_fields(written.where(~kzt, ""), parse_count).where(
        ~kzt, parse_fields(written.where(kzt, ""), parse_amount), axis=0)  # each cell read by its unit's parser
    error = counts["error"].where(counts["value"].notna() | counts["error"].notna(), "empty; expected a whole number")
    reject(error.notna(), "count", error)
    bound = unit.map({"kzt": MAX_AMOUNT_KZT}).fillna(MAX_MONTHLY_COUNT)
    absurd = pd.Series([v is not None and v > b for v, b in zip(counts["value"], bound)], index=raw.index)
    reject(absurd, "count", bound.map(lambda b: f"an absurd figure (more than {int(b):,} in a month)"))

    heading = column(raw, "group_as_written")
    group = parse_unique(heading, taxonomy.match_group)
    label = column(raw, "category_as_written")
    is_total = taxonomy.is_total_label(label)
    reject(is_total & group.isna(), "group_as_written",
           "a TOTAL needs a group heading this project knows (see domain/group_rules.csv)")
    reject(label.eq(""), "category_as_written", "empty; expected the label as written or TOTAL")

    scope = group.where(group.ne(ALL_GROUPS))
    coded = [None if total else taxonomy.classify(lab, grp)
             for lab, grp, total in zip(label, scope, is_total)]
    category = pd.Series([TOTAL if c is None else c.category for c in coded], index=raw.index,
                         dtype=object)
    reject(category.isna() & label.ne(""), "category_as_written",
           pd.Series([c.reason if c is not None else None for c in coded], index=raw.index))
    nested = label.str.contains(taxonomy.NEST_SEPARATOR, regex=False)
    parent = pd.Series([taxonomy.match_category(lab.rsplit(taxonomy.NEST_SEPARATOR, 1)[0], grp)
                        if nest else "" for lab, grp, nest in zip(label, scope, nested)],
                       index=raw.index, dtype=object)
    reject(parent.isna(), "category_as_written",
           "no category rule matches the parent part (before ' > ') of this nested label")
    category, parent = _part_of(label, category, parent, unit)

    legacy = group.isin(taxonomy.legacy_group_codes())
    row_group = pd.Series([grp if cat == TOTAL or old else taxonomy.category_group(cat) if cat else None
                           for cat, grp, old in zip(category, group, legacy)], index=raw.index, dtype=object)
    warn(category.ne(TOTAL) & group.notna() & group.ne(ALL_GROUPS) & group.ne(row_group),
         "group_as_written", "the heading names another group than the category's; the "
                             "category's group was used")
    units = taxonomy.categories().set_index("code")["unit"]
    expected_unit = category.map(lambda c: None if c in (TOTAL, None) else units[c])
    reject(expected_unit.notna() & expected_unit.ne(unit), "unit",
           expected_unit.map(lambda u: f"this category is counted in {u}"))

    rows = pd.DataFrame({
        "month": month, "group": row_group, "category": category, "unit": unit,
        "count": counts["value"], "source": "published",
        "source_url": column(raw, "source_url"), "parent": parent.fillna(""),
        "label_as_written": label, "note": column(raw, "note"),
        "source_file": table.name, "source_line": raw[LINE],
    })[verdicts.ok]
    return rows.reset_index(drop=True), verdicts.rejected, verdicts.warnings


def _part_of(label: pd.Series, category: pd.Series, parent: pd.Series,
             unit: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(category, parent) with the figures that count part of another placed inside it.

    - A nested count (`parent > item`) whose category does not lie inside its parent's (in
      categories.csv) is a detail of the parent's figure, not a figure of another category: it is
      coded as the parent ("discrediting > impersonated via fake accounts" is part of discrediting).
    - A count opening with "including", "из них" (statement_words.csv, `subset`) is inside its
      category's parent in categories.csv, or a detail of its own category when it has none.
    - A count of part of a category ("on referendum day", "in the digital environment";
      `part`) is a detail of its category, not the category's figure for the month.
    A detail (`parent` equal to `category`) enters no sum and no series; it stays in the data.
    """
    text = label.map(normalise_text)
    counted = unit.eq("count") & category.notna() & category.ne(TOTAL)
    nested = counted & parent.notna() & parent.ne("")
    outside = nested & pd.Series([not taxonomy.within(c, p) if n else False
                                  for c, p, n in zip(category, parent, nested)], index=label.index)
    category = category.where(~outside, parent)
    subset = counted & parent.eq("") & text.str.contains(taxonomy.subset_words())
    parent = parent.where(~subset, category.map(lambda c: taxonomy.parent_of(c) or c))
    part = counted & parent.eq("") & text.str.contains(taxonomy.part_words())
    return category, parent.where(~part, category)


def drop_duplicates(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kept, duplicates, rejected conflicts): the same figure stated twice is one figure."""
    key = rows.assign(_label=rows["label_as_written"].map(normalise_text))
    subset = ["month", "group", "category", "parent", "unit", "_label"]
    duplicate = key.duplicated(subset=subset + ["count"], keep="first")
    unique = key[~duplicate]
    conflict = unique.duplicated(subset=subset, keep="first")
    first = unique[~conflict][subset + ["count", "source_file", "source_line"]]
    clashes = unique[conflict].merge(first, on=subset, how="left", suffixes=("", "_first"))
    reasons = [f"the same figure is stated as {n} at {f} line {line}" for n, f, line in
               zip(clashes["count_first"], clashes["source_file_first"], clashes["source_line_first"])]
    rejected = pd.DataFrame({"file": clashes["source_file"], "line": clashes["source_line"],
                             "column": "count", "value": clashes["count"].astype(str),
                             "reason": reasons}, columns=REJECTED_COLUMNS)
    return (unique[~conflict].drop(columns="_label").reset_index(drop=True),
            rows[duplicate.to_numpy()], rejected)


def add_other_unspecified(counts: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Add `other_unspecified` = a group's total minus its listed items; report listed > total.

    Nested items (`parent` set) are inside their parent's figure and never added to the group sum;
    court rulings and sums of money (in_group_total false) never enter it either.
    """
    published = counts[counts["source"] == "published"]
    totals = published[(published["category"] == TOTAL) & published["group"].ne(ALL_GROUPS)]
    items = published[published["category"].ne(TOTAL) & published["parent"].eq("")
                      & published["category"].isin(taxonomy.in_group_total_codes()) & published["unit"].eq("count")]
    listed = items.groupby(["month", "group"])["count"].sum()
    other_rows, inconsistencies = [], []
    for row in totals.itertuples(index=False):
        items_sum = int(listed.get((row.month, row.group), 0))
        remainder = int(row.count) - items_sum
        if remainder > 0:
            other_rows.append({**row._asdict(), "category": OTHER_UNSPECIFIED, "count": remainder,
                               "label_as_written": "", "note": "group total minus the items listed"})
        elif remainder < 0:
            inconsistencies.append({
                "kind": "listed items exceed total", "month": row.month, "group": row.group,
                "total": int(row.count), "listed_sum": items_sum,
                "message": f"{row.month} {row.group}: the items listed add up to {items_sum}, more "
                           f"than the stated total {int(row.count)}; both figures are kept"})
    return pd.concat([counts, pd.DataFrame(other_rows, columns=counts.columns)],
                     ignore_index=True), inconsistencies


def check_overall_totals(counts: pd.DataFrame) -> list[dict]:
    """Months whose overall total differs from the sum of their three group totals."""
    totals = counts[(counts["category"] == TOTAL) & (counts["source"] == "published")]
    overall = totals[totals["group"] == ALL_GROUPS].set_index("month")["count"]
    groups = totals[totals["group"] != ALL_GROUPS].groupby("month")
    found = []
    for month, value in overall.items():
        if month not in groups.groups:
            continue
        part = groups.get_group(month)
        if len(part) == 3 and int(part["count"].sum()) != int(value):
            found.append({"kind": "group totals differ from overall total", "month": month,
                          "group": ALL_GROUPS, "total": int(value), "listed_sum": int(part["count"].sum()),
                          "message": f"{month}: the three group totals add up to "
                                     f"{int(part['count'].sum())}, the overall total is {int(value)}"})
    return found


def check_repeated_categories(counts: pd.DataFrame) -> list[dict]:
    """Months where two top-level items of one source map to the same category."""
    top = counts[counts["parent"].eq("") & ~counts["category"].isin([TOTAL, OTHER_UNSPECIFIED])]
    repeated = top[top.duplicated(subset=["month", "group", "category", "unit", "source"], keep=False)]
    return [{"kind": "two items map to one category", "month": month, "group": grp,
             "total": None, "listed_sum": int(part["count"].sum()),
             "message": f"{month}: {len(part)} items map to {cat}: "
                        + "; ".join(f"'{lab}' ({cnt})" for lab, cnt in
                                    zip(part["label_as_written"], part["count"]))}
            for (month, grp, cat), part in repeated.groupby(["month", "group", "category"], observed=True)]


def check_nested_items(counts: pd.DataFrame) -> list[dict]:
    """Nested items (`parent > item`) stated as more than the figure of the parent they are in."""
    pub = counts[(counts["source"] == "published") & counts["unit"].eq("count")]
    nested = pub[pub["parent"].ne("")]
    parents = pub[pub["parent"].eq("")].set_index(["month", "label_as_written"])["count"]
    found = []
    for row in nested.itertuples(index=False):
        head = row.label_as_written.rsplit(taxonomy.NEST_SEPARATOR, 1)[0]
        total = parents.get((row.month, head))
        if total is not None and not isinstance(total, pd.Series) and int(row.count) > int(total):
            found.append({"kind": "nested item exceeds its parent", "month": row.month,
                          "group": row.group, "total": int(total), "listed_sum": int(row.count),
                          "message": f"{row.month}: '{row.label_as_written}' is {int(row.count)}, "
                                     f"more than the {int(total)} of '{head}' it is part of; "
                                     "both figures are kept"})
    return found


def check_against_cumulative(counts: pd.DataFrame, cumulative: pd.DataFrame) -> list[dict]:
    """A month's amount of tenge larger than a year-to-date amount stated on the same page.

    The year-to-date figure includes the month, so it can never be smaller.
    """
    pub = counts[(counts["source"] == "published") & counts["unit"].eq("kzt")]
    spans = cumulative[cumulative["unit"].eq("kzt") & cumulative["value"].notna()
                       & cumulative["start_month"].ne(cumulative["end_month"])]
    found = []
    for row in pub.itertuples(index=False):
        same_page = spans[(spans["source_url"] == row.source_url) & (spans["start_month"] <= row.month)
                          & (spans["end_month"] >= row.month) & (spans["value"] < row.count)]
        for span in same_page.itertuples(index=False):
            found.append({"kind": "month exceeds its year to date", "month": row.month,
                          "group": row.group, "total": int(span.value), "listed_sum": int(row.count),
                          "message": f"{row.month}: '{row.label_as_written}' is {int(row.count):,} "
                                     f"tenge, more than the {int(span.value):,} tenge stated for "
                                     f"{span.period} on the same page ('{span.metric_as_written}', "
                                     f"{span.source_file} line {span.source_line}); both figures "
                                     "are kept"})
    return found


# --- year-to-date and yearly figures -----------------------------------------------------------

CUMULATIVE_COLUMNS = ["period", "start_month", "end_month", "metric_as_written", "value_as_written",
                      "value", "unit", "comparison_start", "comparison_end", "comparison_value",
                      "source_url", "note", "source_file", "source_line"]
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:\s*(?:/|to|-|–)\s*(\d{4})(?:-(\d{2}))?)?$")


def parse_period(text: str) -> tuple[str | None, str | None]:
    """'2024-01 to 2024-07', '2024-01/2024-07', '2023', '2022/2023' -> (first month, last month)."""
    m = _PERIOD.match(text.strip())
    if not m:
        return None, None
    y1, m1, y2, m2 = m.groups()
    start = f"{y1}-{m1 or '01'}"
    end = f"{y2 or y1}-{m2 or (m1 if not y2 else '12') or '12'}"
    return start, end


def clean_cumulative(table: RawTable) -> pd.DataFrame:
    """Year-to-date and yearly figures with their periods as months and numeric values."""
    raw = stripped(table.frame)
    periods = parse_unique(column(raw, "period"), parse_period)
    comparison = parse_unique(column(raw, "comparison_period"), parse_period)
    value = pd.to_numeric(column(raw, "value"), errors="coerce")
    return pd.DataFrame({
        "period": column(raw, "period"),
        "start_month": periods.map(lambda p: p[0]), "end_month": periods.map(lambda p: p[1]),
        "metric_as_written": column(raw, "metric_as_written"),
        "value_as_written": column(raw, "value"), "value": value,
        "unit": column(raw, "unit").replace("", "count"),
        "comparison_start": comparison.map(lambda p: p[0]),
        "comparison_end": comparison.map(lambda p: p[1]),
        "comparison_value": pd.to_numeric(column(raw, "comparison_value"), errors="coerce"),
        "source_url": column(raw, "source_url"), "note": column(raw, "note"),
        "source_file": table.name, "source_line": raw[LINE],
    }, columns=CUMULATIVE_COLUMNS)
