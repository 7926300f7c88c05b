"""Comparisons in words, in English, Russian and Kazakh: months named, evidence said, changes worded
by the guardrails in `comparisons`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .comparisons import MIN_PERCENT_BASE, PARTIAL, STATED
from .i18n import month_name, number, period_label, plural, t


def _runs(months: list[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    for month in sorted(months):
        if runs and pd.Period(month, freq="M") - pd.Period(runs[-1][-1], freq="M") == pd.offsets.MonthEnd(1):
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def months_label(months: list[str], lang: str) -> str:
    """The months named as ranges: "April–May 2024", "February, April–May and July 2024",
    "November–December 2023, January 2024"."""
    parts = []
    for year in sorted({m[:4] for m in months}):
        runs = _runs([m for m in months if m[:4] == year])
        names = [month_name(r[0], lang) if len(r) == 1 else f"{month_name(r[0], lang)}–{month_name(r[-1], lang)}"
                 for r in runs]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + t("list_and", lang) + names[-1]
        parts.append(f"{joined} {year}")
    return ", ".join(parts)


def _signed_percent(value: float, lang: str) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{number(abs(value), lang)}%"


def verdict(row: pd.Series | dict, lang: str) -> str:
    """What may be said of a change: too few, no clear change, or more/fewer (with a percentage
    and the ratio only from a base of MIN_PERCENT_BASE or more)."""
    kind = row["verdict"]
    if kind == "too_few":
        return t("change_too_few", lang)
    low, high = row["low"], row["high"]
    if kind == "same":
        return t("verdict_same", lang, low=number(low, lang, 1),
                 high=number(high, lang, 1) if np.isfinite(high) else "∞")
    fewer = kind == "fewer"
    show_low, show_high = (1 / high, 1 / low if low > 0 else np.inf) if fewer else (low, high)
    bounds = {"low": number(show_low, lang, 1),
              "high": number(show_high, lang, 1) if np.isfinite(show_high) else "∞"}
    percent = row["percent"]
    if percent is None or (isinstance(percent, float) and np.isnan(percent)):
        return t("change_fewer" if fewer else "change_more", lang, base=MIN_PERCENT_BASE,
                 low=number(low, lang, 1), high=number(high, lang, 1) if np.isfinite(high) else "∞")
    ratio = row["previous"] / row["current"] if fewer and row["current"] else np.inf if fewer else row["ratio"]
    return t("change_fewer_pct" if fewer else "change_more_pct", lang,
             ratio=number(ratio, lang, 1) if np.isfinite(ratio) else "∞",
             percent=_signed_percent(percent, lang), **bounds)


def ytd_sentence(row: pd.Series | dict, month: str, lang: str) -> str:
    """One comparison of the year to date, saying which months and which evidence it rests on."""
    year, previous = int(month[:4]), int(month[:4]) - 1
    values = {"current": number(row["current"], lang), "previous": number(row["previous"], lang),
              "verdict": verdict(row, lang)}
    if row["evidence"] == PARTIAL:
        months = row["months_list"].split(",")
        before = row["previous_months_list"].split(",")
        n = len(months)
        return t("ytd_line_partial", lang, months=months_label(months, lang),
                 prev_months=months_label(before, lang), n=n, months_word=plural("months", n, lang), **values)
    key = "ytd_line_stated" if row["evidence"] == STATED else "ytd_line_complete"
    return t(key, lang, period=period_label(f"{year}-01", month, lang),
             prev_period=period_label(f"{previous}-01", f"{previous}{month[4:]}", lang), **values)


def computed_note(row: pd.Series | dict, lang: str) -> str:
    """For a stated figure: the sum of the monthly counts over the same period, and the difference."""
    computed = row["computed_current"]
    if row["evidence_current"] != STATED or computed is None or pd.isna(computed):
        return ""
    difference = int(row["stated_current"]) - int(computed)
    return t("ytd_computed", lang, computed=number(computed, lang), n=int(row["months_with_data_current"]),
             total=int(row["months_in_period"]), difference=_signed_percent(difference, lang).rstrip("%"))


def evidence_label(row: pd.Series | dict, lang: str) -> str:
    """Short words for a figure's row: the months it covers and its evidence."""
    months = row["months_list"].split(",")
    if row["evidence"] == PARTIAL:
        n = int(row["months"])
        return f"{months_label(months, lang)}; " + t("evidence_partial", lang, n=n,
                                                      months_word=plural("months", n, lang))
    return f"{period_label(months[0], months[-1], lang)}; " + t(f"evidence_{row['evidence']}", lang)


def coverage_text(months: list[str], with_data: list[str], derived: list[str], lang: str,
                  years: tuple[int, int] | None = None) -> str:
    """"months with data: 13 of 30" (and how many derived, and full years at yearly resolution)."""
    text = t("coverage_note", lang, n=len(with_data), total=len(months))
    if derived:
        text += t("coverage_derived", lang, n=len(derived))
    if years is not None:
        text += t("coverage_years", lang, n=years[0], total=years[1])
    return text
