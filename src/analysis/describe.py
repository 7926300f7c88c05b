"""Comparisons in words, in English, Russian and Kazakh: months named, evidence said, changes worded
by the guardrails in `comparisons`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .comparisons import MIN_PERCENT_BASE, PARTIAL, STATED
from .i18n import bound, month_label, month_name, number, period_label, plural, t


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
    "November–December 2023, January 2024" (in Kazakh the year first: "2024 ж. сәуір–мамыр")."""
    parts = []
    for year in sorted({m[:4] for m in months}):
        runs = _runs([m for m in months if m[:4] == year])
        names = [month_name(r[0], lang) if len(r) == 1 else f"{month_name(r[0], lang)}–{month_name(r[-1], lang)}"
                 for r in runs]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + t("list_and", lang) + names[-1]
        parts.append(t("month_year", lang, month=joined, year=year))
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
        return t("verdict_same", lang, low=bound(low, lang), high=bound(high, lang))
    fewer = kind == "fewer"
    show_low, show_high = (1 / high, 1 / low if low > 0 else np.inf) if fewer else (low, high)
    bounds = {"low": bound(show_low, lang), "high": bound(show_high, lang)}
    percent = row["percent"]
    if percent is None or (isinstance(percent, float) and np.isnan(percent)):
        return t("change_fewer" if fewer else "change_more", lang, base=MIN_PERCENT_BASE,
                 low=bound(low, lang), high=bound(high, lang))
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
    periods = {"period": period_label(f"{year}-01", month, lang),
               "prev_period": period_label(f"{previous}-01", f"{previous}{month[4:]}", lang)}
    mixed = _mixed(row, year)
    if mixed:  # one year the foundation's figure, the other the months summed
        return t("ytd_line_mixed", lang, **mixed, **periods, **values)
    key = "ytd_line_stated" if row["evidence"] == STATED else "ytd_line_complete"
    return t(key, lang, **periods, **values)


def _mixed(row: pd.Series | dict, year: int) -> dict[str, int]:
    """{stated_year, counted_year} of a comparison whose one side the foundation states and whose
    other is the sum of every month; {} for any other."""
    sides = (row.get("evidence_current"), row.get("evidence_previous"))
    if STATED not in sides or sides[0] == sides[1] or PARTIAL in sides:
        return {}
    return ({"stated_year": year, "counted_year": year - 1} if sides[0] == STATED
            else {"stated_year": year - 1, "counted_year": year})


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
    mixed = _mixed(row, int(months[-1][:4]))
    words = t("evidence_mixed", lang, **mixed) if mixed else t(f"evidence_{row['evidence']}", lang)
    return f"{period_label(months[0], months[-1], lang)}; {words}"


def coverage_text(months: list[str], with_data: list[str], derived: list[str], lang: str,
                  years: tuple[int, int] | None = None) -> str:
    """"months with data: 13 of 30" (and how many derived, and full years at yearly resolution)."""
    text = t("coverage_note", lang, n=len(with_data), total=len(months))
    if derived:
        text += t("coverage_derived", lang, n=len(derived))
    if years is not None:
        text += t("coverage_years", lang, n=years[0], total=years[1])
    return text


# --- long descriptions: what a figure shows, in sentences, from the data that drew it ---------------

LISTED_MONTHS = 24  # months without data are named up to this many; beyond, the coverage gives their number


def _when(key: str, lang: str) -> str:
    """A month (YYYY-MM) named in words; a year, or any other label, as it is."""
    return month_label(key, lang) if len(str(key)) == 7 and str(key)[4] == "-" else str(key)


def _amount(value: float, word: str | None, lang: str, digits: int = 0) -> str:
    text = number(value, lang, digits)
    return f"{text} {plural(word, int(value), lang)}" if word and float(value).is_integer() else text


def series_description(series: pd.Series, lang: str, word: str | None = "reports",
                       partial: list[str] | None = None) -> str:
    """A series over months (or years), NaN where nothing is stated: the latest value, the highest
    and the lowest, the months without data and those whose review does not state every part
    (`partial`, named apart from the months without data)."""
    stated = series.dropna()
    if stated.empty:
        return t("long_nothing_stated", lang)
    latest = stated.index[-1]
    parts = [t("long_latest", lang, when=_when(latest, lang), value=_amount(stated.iloc[-1], word, lang))]
    if len(stated) > 1:
        high, low = stated.idxmax(), stated.idxmin()
        parts.append(t("long_high_low", lang, high=_amount(stated[high], word, lang), high_when=_when(high, lang),
                       low=_amount(stated[low], word, lang), low_when=_when(low, lang)))
    apart = {str(m) for m in partial or []}
    years = _years([str(k) for k in series.index])
    parts.append(missing_sentence([str(m) for m in series.index[series.isna()] if str(m) not in apart], lang,
                                  years))
    parts.append(partial_sentence(partial or [], lang, years))
    return " ".join(p for p in parts if p)


def tied(pairs: list[tuple[str, float]], value: float) -> str:
    """Every label whose value is `value`, in order ("; " between them): a tie is named whole."""
    return "; ".join(label for label, v in pairs if v == value)


def _years(keys: list[str]) -> bool:
    """Whether the keys of a series are years ("2014"), not months ("2014-06")."""
    return bool(keys) and all(len(k) == 4 and k.isdigit() for k in keys)


def partial_sentence(months: list[str], lang: str, years: bool = False) -> str:
    """"Not all stated in the review (hatched): ..." for months whose review was read but does not
    state every part drawn (or none of it); for `years`, the years whose reviews read state no
    figure; "" for none."""
    key = "long_partial_years" if years else "long_partial"
    return t(key, lang, months=_named([str(m) for m in months], lang)) if months else ""


def _named(keys: list[str], lang: str) -> str:
    if all(len(k) == 7 and k[4] == "-" for k in keys):
        return months_label(keys, lang)
    return ", ".join(keys)


def missing_sentence(missing: list[str], lang: str, years: bool = False) -> str:
    """"Months without data: ..." (named up to LISTED_MONTHS), or that every month has data; of
    years, for `years`."""
    suffix = "_years" if years else ""
    if not missing:
        return t(f"long_no_missing{suffix}", lang)
    if len(missing) > LISTED_MONTHS:
        return t(f"long_missing_count{suffix}", lang, n=len(missing),
                 months_word=plural("years" if years else "months", len(missing), lang))
    return t(f"long_missing{suffix}", lang, months=_named(missing, lang))


def ranking_description(labels: list[str], values: list[float], lang: str, digits: int = 0,
                        word: str | None = None, total: bool = True) -> str:
    """Bars: the largest and the smallest stated value, and the total (`total`: when the values
    add up to something; claims and awards do not)."""
    pairs = [(label, float(v)) for label, v in zip(labels, values) if not pd.isna(v)]
    if not pairs:
        return t("long_nothing_stated", lang)
    high = max(v for _, v in pairs)
    low = min(v for _, v in pairs)
    text = t("long_largest", lang, label=tied(pairs, high), value=_amount(high, word, lang, digits))
    if len(pairs) > 1:
        text += " " + t("long_smallest", lang, label=tied(pairs, low), value=_amount(low, word, lang, digits))
    if not total:
        return text
    return text + " " + t("long_total", lang, value=_amount(sum(v for _, v in pairs), word, lang, digits))


def cells_description(matrix: pd.DataFrame, row_labels: dict[str, str], lang: str) -> str:
    """A heat map (rows by months or years): the largest and the smallest stated cell."""
    stacked = matrix.stack().dropna()
    if stacked.empty:
        return t("long_nothing_stated", lang)
    (top_row, top_col), (low_row, low_col) = stacked.idxmax(), stacked.idxmin()
    return t("long_high_low", lang, high=number(stacked.max(), lang), low=number(stacked.min(), lang),
             high_when=f"{row_labels[top_row]}, {_when(top_col, lang)}",
             low_when=f"{row_labels[low_row]}, {_when(low_col, lang)}")


def ytd_description(table: pd.DataFrame, labels: dict[str, str], month: str, lang: str) -> str:
    """A year-to-date comparison: each row's change, with the months and the evidence it rests on."""
    if table.empty:
        return t("long_nothing_stated", lang)
    return " ".join(f"{labels[row['code']]}: {ytd_sentence(row, month, lang).rstrip('.')}."
                    for row in table.to_dict(orient="records"))


def long_description(title: str, body: str, coverage: str, source: str) -> str:
    """The figure's long description: its title, what the data says, its coverage and its source."""
    parts = [title.rstrip(".") + ".", body, (coverage[:1].upper() + coverage[1:] + ".") if coverage else "",
             source.replace("\n", " ").rstrip(".") + "."]
    return " ".join(p for p in parts if p)
