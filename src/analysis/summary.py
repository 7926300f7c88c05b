"""The count summary that opens a monthly review, written from the data in three languages."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from . import taxonomy, trends
from .config import ALL_GROUPS, OTHER_UNSPECIFIED, TOTAL
from .i18n import month_label, month_name, number, period_label, plural, t


def _running(label: str) -> str:
    """A label inside a sentence: lower-case first letter unless it starts an acronym (DDoS, СМИ)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _items(rows: pd.DataFrame, nested: pd.DataFrame, lang: str) -> list[str]:
    parts = []
    order = {c: i for i, c in enumerate(taxonomy.category_codes() + [OTHER_UNSPECIFIED])}
    for row in rows.sort_values("category", key=lambda s: s.map(order)).itertuples():
        n = int(row.count)
        if row.category == OTHER_UNSPECIFIED:
            parts.append(t("summary_other", lang, n=n))
            continue
        text = t("summary_item", lang, n=n, cases=plural("cases", n, lang),
                 label=_running(taxonomy.category_label(row.category, lang)))
        inner = nested[nested["parent"] == row.category]
        if len(inner):
            text += " (" + "; ".join(
                t("summary_nested", lang, n=int(r.count), label=_running(taxonomy.category_label(r.category, lang)))
                for r in inner.itertuples()) + ")"
        parts.append(text)
    return parts


def _ytd_lines(counts: pd.DataFrame, month: str, lang: str) -> list[str]:
    year, previous = int(month[:4]), int(month[:4]) - 1
    period = period_label(f"{year}-01", month, lang)
    table = trends.year_to_date(counts, month)
    table = table[table["kind"] == "group"]
    if table.empty:
        return [t("summary_ytd_none", lang, period=period, year=year, prev_year=previous)]
    lines = []
    for row in table.itertuples():
        if not np.isfinite(row.ratio) or row.verdict == "":
            verdict = t("ratio_undefined", lang)
        else:
            shown = row.ratio if row.verdict != "fewer" else 1 / row.ratio
            low, high = (row.low, row.high) if row.verdict != "fewer" else (1 / row.high, 1 / row.low)
            key = {"more": "verdict_more", "fewer": "verdict_fewer", "same": "verdict_same"}[row.verdict]
            verdict = t(key, lang, ratio=number(shown, lang, 1), low=number(row.low if key == "verdict_same" else low, lang, 1),
                        high=number(row.high if key == "verdict_same" else high, lang, 1))
        lines.append(f"- **{taxonomy.group_short_label(row.code, lang).capitalize()}**, " + t(
            "summary_ytd", lang, period=period, current=row.current, previous=row.previous, year=year,
            prev_year=previous, months=row.months, verdict=verdict))
    return lines


def review_summary(counts: pd.DataFrame, month: str, lang: str) -> str:
    """Markdown: the month's counts by group, their items, and the year-to-date comparison."""
    heading = t("summary_heading", lang, month=month_label(month, lang))
    pub = trends.published(counts)
    rows = pub[pub["month"] == month]
    if rows.empty:
        return f"{heading}\n\n{t('summary_no_data', lang, month=month_label(month, lang))}\n"
    lines = [heading, "", t("summary_intro", lang, month_name=month_name(month, lang), year=month[:4]), ""]
    for group in taxonomy.group_codes():
        part = rows[rows["group"] == group]
        if part.empty:
            continue
        total = part[part["category"] == TOTAL]
        top = part[(part["category"] != TOTAL) & (part["parent"] == "")]
        nested = part[part["parent"] != ""]
        if len(total):
            n = int(total["count"].iloc[0])
            sentence = t(f"summary_group_{group}", lang, n=n, reports=plural("reports", n, lang),
                         claims=plural("claims", n, lang))
        else:
            sentence = t("summary_group_untotalled", lang, label=taxonomy.category_label(group, lang))
        items = _items(top, nested, lang) if set(top["category"]) - {OTHER_UNSPECIFIED} else []
        lines.append(f"- {sentence}" + (f", {t('summary_including', lang)}: " + "; ".join(items) if items else "") + ".")
    overall = rows[(rows["group"] == ALL_GROUPS) & (rows["category"] == TOTAL)]
    if len(overall):
        n = int(overall["count"].iloc[0])
        lines.append(f"- {t('summary_total', lang, n=n, reports=plural('reports', n, lang))}.")
    lines += [""] + _ytd_lines(counts, month, lang)
    urls = sorted({html.escape(u) for u in rows["source_url"] if u})  # data, never markup
    lines += ["", t("summary_source", lang, url=", ".join(urls) or "-")]
    return "\n".join(lines) + "\n"
