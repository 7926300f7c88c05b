"""The count summary that opens a monthly review, written from the data in three languages."""

from __future__ import annotations

import html

import pandas as pd

from . import cases, comparisons, describe, events, taxonomy, trends
from .config import ALL_GROUPS, OTHER_UNSPECIFIED, TOTAL
from .i18n import capitalised, month_label, month_name, period_label, plural, t


def running(label: str) -> str:
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
                 label=running(taxonomy.category_label(row.category, lang)))
        # the items inside it; a detail of its own figure (parent the category itself: one day, one
        # medium) has no words of its own in the three languages, only the review's: left out
        inner = nested[(nested["parent"] == row.category) & (nested["category"] != row.category)]
        if len(inner):
            text += " (" + "; ".join(
                t("summary_nested", lang, n=int(r.count), label=running(taxonomy.category_label(r.category, lang)))
                for r in inner.itertuples()) + ")"
        parts.append(text)
    return parts


def _ytd_lines(counts: pd.DataFrame, cumulative: pd.DataFrame | None, month: str, lang: str) -> list[str]:
    """A line that says what is compared, then one line per group: the comparison of the year to
    date, with the months and evidence it rests on (or why it is not compared), then the standing
    caveat once. Where no group can be compared, the categories are, as the reviews of 2014-2016
    compare them: those whose whole period can be (the foundation's own year-to-date figures, or a
    monthly count for every month), or else those with some months of data in both years, each
    naming its months. Only where no row has a month of data in both years does the line say so."""
    year, previous = int(month[:4]), int(month[:4]) - 1
    full = comparisons.year_to_date(counts, cumulative, month)
    table = full[full["kind"] == "group"]
    if not table["refused"].eq("").any():
        categories = full[full["kind"] == "category"]
        compared = categories[categories["refused"].eq("")]
        whole = compared[compared["evidence"].isin([comparisons.STATED, comparisons.COMPLETE])]
        table = pd.concat([table, whole if len(whole) else compared if len(compared) else categories])
    if table.empty:
        period = period_label(f"{year}-01", month, lang)
        return [t("summary_ytd_none", lang, period=period, year=year, prev_year=previous)]
    lines = [t("summary_ytd_intro", lang, prev_year=previous), ""]  # a list of its own, not the month's
    for row in table.to_dict(orient="records"):
        label = capitalised(taxonomy.group_short_label(row["code"], lang) if row["kind"] == "group"
                        else taxonomy.category_label(row["code"], lang))
        if row["refused"]:
            refused = t("ytd_refused", lang, label=f"**{label}**", prev_year=previous,
                        events=events.labelled(row["refused"], lang))
            lines.append(f"- {refused}")
            continue
        text = f"- **{label}**, " + describe.ytd_sentence(row, month, lang)
        note = describe.computed_note(row, lang)
        if row["breaks"]:
            note += " " + t("ytd_break_footnote", lang, events=events.labelled(row["breaks"], lang))
        lines.append(text + (f" {note.strip()}" if note.strip() else ""))
    return lines + ["", f"_{t('caveat_documented', lang)}_"]


def review_summary(counts: pd.DataFrame, month: str, lang: str, cumulative: pd.DataFrame | None = None,
                   incidents: pd.DataFrame | None = None) -> str:
    """Markdown: the month's counts by group, their items, and the year-to-date comparison.

    With `cumulative` (the reviews' own year-to-date figures), a comparison uses them where they
    state exactly the period.
    """
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
        # figures the reviews state beside the group's total (court rulings, laws), not inside it
        beside = top["category"].isin(taxonomy.in_group_total_codes(inside=False)) & (len(total) > 0)
        inside = top[~beside]
        items = _items(inside, nested, lang) if set(inside["category"]) - {OTHER_UNSPECIFIED} else []
        including = f", {t('summary_including', lang)}: " + "; ".join(items) if items else ""
        apart = _items(top[beside], nested, lang)
        besides = f"; {t('summary_beside_total', lang)}: " + "; ".join(apart) if apart else ""
        lines.append(f"- {capitalised(sentence)}{including}{besides}.")
    overall = rows[(rows["group"] == ALL_GROUPS) & (rows["category"] == TOTAL)]
    if len(overall):
        n = int(overall["count"].iloc[0])
        lines.append(f"- {capitalised(t('summary_total', lang, n=n, reports=plural('reports', n, lang)))}.")
    lines += [""] + _ytd_lines(counts, cumulative, month, lang)
    if incidents is not None:  # the false-information cases of the incident log: open, new, ended
        lines += ["", t("summary_cases_intro", lang), *cases.false_information_lines(incidents, month, lang),
                  cases.logs_read_line(incidents, month, lang)]
    urls = sorted({html.escape(u) for u in rows["source_url"] if u})  # data, never markup
    lines += ["", t("summary_source", lang, url=", ".join(urls)) if urls else t("summary_source_unknown", lang)]
    return "\n".join(lines) + "\n"
