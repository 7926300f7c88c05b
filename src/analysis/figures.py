"""The project's named figures: data, words in three languages, and export beside CSV and JSON.

A figure is a `FigureSpec`: the exact table it plots, a function that draws it in one language,
and its title, caption and alt text in every language. `export` writes
`<folder>/<name>.<lang>.{png,svg,pdf}` for each language, plus `<name>.csv` (the data plotted)
and `<name>.json` (texts, parameters, input hashes, package version).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import __version__, plots, taxonomy, trends
from .config import LANGUAGES
from .i18n import collation_key, month_label, number, period_label, t
from .tables import staged_dir, write_atomic, write_csv

SAVE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}
FORMATS = ("png", "svg", "pdf")


@dataclass
class FigureSpec:
    name: str
    data: pd.DataFrame
    draw: Callable[[str], Figure]
    texts: Callable[[str], dict[str, str]]
    params: dict = field(default_factory=dict)


def input_hashes(files: list[Path], root: Path) -> dict[str, str]:
    """sha256 of each input file, keyed by its path below the project root."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def export(spec: FigureSpec, folder: Path, langs: list[str], inputs: dict[str, str]) -> list[Path]:
    """Write the figure in each language and its CSV and JSON; return the paths written.

    All files of the figure land in the folder together: they are written into a staged copy
    of the folder, which then replaces it in one step.
    """
    names = []
    with staged_dir(folder) as staging:
        for lang in langs:
            fig = spec.draw(lang)
            try:
                with plots.style():  # the style's pdf.fonttype, svg.hashsalt and dpi apply when saving
                    for fmt in FORMATS:
                        name = f"{spec.name}.{lang}.{fmt}"
                        write_atomic(staging / name, lambda tmp, fmt=fmt: fig.savefig(
                            tmp, format=fmt, metadata=SAVE_METADATA[fmt]))
                        names.append(name)
            finally:
                fig.clear()
        write_csv(spec.data, staging / f"{spec.name}.csv")
        texts = {lang: spec.texts(lang) for lang in LANGUAGES}
        meta = {"name": spec.name,
                **{key: {lang: texts[lang][key] for lang in LANGUAGES} for key in ("title", "caption", "alt_text")},
                "parameters": spec.params, "inputs": inputs, "package_version": __version__,
                "data": f"{spec.name}.csv"}
        write_atomic(staging / f"{spec.name}.json", lambda tmp: tmp.write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"))
        names += [f"{spec.name}.csv", f"{spec.name}.json"]
    return [folder / name for name in names]


# --- helpers ----------------------------------------------------------------------------------------

def _source(as_of: str, lang: str, incidents: bool = False) -> str:
    return t("source_line_incidents" if incidents else "source_line", lang, month=month_label(as_of, lang))


def _alt_bars(title: str, labels: list[str], values: list[float], lang: str) -> str:
    if not values or max(values) <= 0:
        return title
    i = int(np.argmax(values))
    return t("alt_bars", lang, title=title, top=labels[i], value=number(values[i], lang))


def _months_with_data(counts: pd.DataFrame) -> list[str]:
    """The months some review states counts for: a gap elsewhere is missing data, not zero."""
    return sorted(set(trends.published(counts)["month"]))


def _wide_csv(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.reset_index().rename_axis(columns=None)


# --- figures over months ------------------------------------------------------------------------------

def groups_stacked(counts: pd.DataFrame, start: str, end: str, as_of: str) -> FigureSpec:
    wide = trends.group_totals(counts, start, end)

    def texts(lang: str) -> dict[str, str]:
        title = t("title_groups_stacked", lang, start=month_label(start, lang), end=month_label(end, lang))
        totals = wide.sum(axis=1, min_count=1).dropna()
        alt = t("alt_lines", lang, title=title, n=len(totals), value=number(totals.max(), lang),
                top=month_label(totals.idxmax(), lang)) if len(totals) else title
        return {"title": title, "caption": t("caption_groups_stacked", lang), "alt_text": alt}

    def draw(lang: str) -> Figure:
        labels = {g: taxonomy.category_label(g, lang) for g in wide.columns}
        return plots.stacked_bars_by_month(wide, labels=labels, title=texts(lang)["title"],
                                           ylabel=t("axis_reports", lang), source=_source(as_of, lang),
                                           no_data=t("no_data", lang), not_stated=t("partly_stated", lang),
                                           with_data=_months_with_data(counts), lang=lang)

    return FigureSpec("groups_stacked", _wide_csv(wide), draw, texts, {"start": start, "end": end})


def _trend_spec(name: str, series: pd.Series, rolling: int, key: str, title_of: Callable[[str], str],
                as_of: str, params: dict) -> FigureSpec:
    smooth = trends.rolling_mean(series, rolling).where(series.notna())  # drawn only where stated
    data = pd.DataFrame({"month": series.index, "value": series.to_numpy(), "rolling_mean": smooth.to_numpy()})

    def texts(lang: str) -> dict[str, str]:
        title = title_of(lang)
        stated = series.dropna()
        alt = t("alt_lines", lang, title=title, n=len(stated), value=number(stated.max(), lang),
                top=month_label(stated.idxmax(), lang)) if len(stated) else title
        return {"title": title, "caption": t("caption_category_trend", lang), "alt_text": alt}

    def draw(lang: str) -> Figure:
        return plots.trend(series, smooth, key=key, title=title_of(lang), ylabel=t("axis_reports", lang),
                           value_label=t("monthly_value", lang), smooth_label=t("rolling_mean", lang, n=rolling),
                           source=_source(as_of, lang), lang=lang)

    return FigureSpec(name, data, draw, texts, {**params, "rolling": rolling})


def category_trend(counts: pd.DataFrame, code: str, start: str, end: str, rolling: int, as_of: str) -> FigureSpec:
    series = trends.category_matrix(counts, [code], start, end)[code]
    return _trend_spec(f"trend_{code}", series, rolling, code,
                       lambda lang: t("title_category_trend", lang, category=taxonomy.category_label(code, lang)),
                       as_of, {"category": code, "start": start, "end": end})


def false_information_trend(counts: pd.DataFrame, start: str, end: str, rolling: int, as_of: str) -> FigureSpec:
    series = trends.false_information(counts, start, end)
    return _trend_spec("false_information_trend", series, rolling, "administrative_false_information",
                       lambda lang: t("title_false_information_trend", lang), as_of,
                       {"start": start, "end": end})


def category_heatmap(counts: pd.DataFrame, categories: list[str] | None, start: str, end: str,
                     as_of: str) -> FigureSpec:
    matrix = trends.category_matrix(counts, categories, start, end)
    matrix = matrix.loc[:, matrix.notna().any()] if categories is None else matrix
    shown = matrix.T  # categories as rows

    def texts(lang: str) -> dict[str, str]:
        title = t("title_category_heatmap", lang)
        stacked = shown.stack()
        if stacked.empty:
            alt = title
        else:
            (code, month), value = stacked.idxmax(), stacked.max()
            alt = t("alt_heatmap", lang, title=title, n=len(shown), m=len(shown.columns),
                    value=number(value, lang),
                    top=f"{taxonomy.category_label(code, lang)}, {month_label(month, lang)}")
        return {"title": title, "caption": t("caption_category_heatmap", lang), "alt_text": alt}

    def draw(lang: str) -> Figure:
        return plots.heatmap(shown, row_labels=[taxonomy.category_label(c, lang) for c in shown.index],
                             title=texts(lang)["title"], source=_source(as_of, lang),
                             not_stated=t("not_stated", lang), lang=lang,
                             empty_text=t("no_counts_in_period", lang))

    return FigureSpec("category_heatmap", _wide_csv(matrix), draw, texts,
                      {"categories": categories or "all", "start": start, "end": end})


def legal_claims_by_type(counts: pd.DataFrame, start: str, end: str, as_of: str) -> FigureSpec:
    wide = trends.legal_claims_by_type(counts, start, end)

    def texts(lang: str) -> dict[str, str]:
        title = t("title_legal_claims_by_type", lang)
        sums = wide.sum()
        return {"title": title, "caption": t("caption_legal_claims_by_type", lang),
                "alt_text": _alt_bars(title, [t(f"legal_{k}", lang) for k in sums.index], sums.tolist(), lang)}

    def draw(lang: str) -> Figure:
        labels = {k: t(f"legal_{k}", lang) for k in wide.columns}
        return plots.stacked_bars_by_month(wide, labels=labels, title=texts(lang)["title"],
                                           ylabel=t("axis_cases", lang), source=_source(as_of, lang),
                                           no_data=t("no_data", lang), not_stated=t("partly_stated", lang),
                                           with_data=_months_with_data(counts), lang=lang)

    return FigureSpec("legal_claims_by_type", _wide_csv(wide), draw, texts, {"start": start, "end": end})


# --- figures of one month -----------------------------------------------------------------------------

def ytd_comparison(counts: pd.DataFrame, month: str) -> FigureSpec:
    table = trends.year_to_date(counts, month).reset_index(drop=True)  # groups, then categories
    year, previous = int(month[:4]), int(month[:4]) - 1

    def ratio_text(row: pd.Series, lang: str) -> str:
        if not np.isfinite(row["ratio"]):
            return t("ratio_undefined", lang)
        return t("ratio_label", lang, ratio=number(row["ratio"], lang, 1), low=number(row["low"], lang, 1),
                 high=number(row["high"], lang, 1))

    def texts(lang: str) -> dict[str, str]:
        title = t("title_ytd_comparison", lang, period=period_label(f"{year}-01", month, lang),
                  year=year, previous=previous)
        labels = [taxonomy.category_label(c, lang) for c in table["code"]]
        return {"title": title, "caption": t("caption_ytd_comparison", lang),
                "alt_text": _alt_bars(title, labels, table["current"].tolist(), lang)}

    def draw(lang: str) -> Figure:
        return plots.paired_bars(table, labels=[taxonomy.category_label(c, lang) for c in table["code"]],
                                 keys=table["code"].tolist(), title=texts(lang)["title"],
                                 previous_label=str(previous), current_label=str(year),
                                 ratio_labels=[ratio_text(r, lang) for _, r in table.iterrows()],
                                 source=_source(month, lang), lang=lang,
                                 empty_text=t("summary_ytd_none", lang, period=period_label(f"{year}-01", month, lang),
                                              year=year, prev_year=previous))

    return FigureSpec("ytd_comparison", table, draw, texts, {"month": month})


def month_categories(counts: pd.DataFrame, month: str) -> FigureSpec:
    table = trends.month_breakdown(counts, month)

    def labels(lang: str) -> list[str]:
        return [f"{taxonomy.category_label(c, lang)}: {taxonomy.group_short_label(g, lang)}"
                if c == "other_unspecified" else taxonomy.category_label(c, lang)
                for g, c in zip(table["group"], table["category"])]

    def texts(lang: str) -> dict[str, str]:
        title = t("title_month_categories", lang, month=month_label(month, lang))
        return {"title": title, "caption": t("caption_month_categories", lang),
                "alt_text": _alt_bars(title, labels(lang), table["count"].tolist(), lang)}

    def draw(lang: str) -> Figure:
        return plots.horizontal_bars(table["count"], labels=labels(lang), keys=table["category"].tolist(),
                                     title=texts(lang)["title"], xlabel=t("axis_reports", lang),
                                     source=_source(month, lang), lang=lang,
                                     empty_text=t("summary_no_data", lang, month=month_label(month, lang)))

    return FigureSpec("month_categories", table, draw, texts, {"month": month})


# --- named incidents ------------------------------------------------------------------------------------

def _reading_order(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The 3 cities first in their usual order, then the regions in the language's alphabetical order."""
    names = table[f"name_{lang}"].map(collation_key(lang))
    cities = table[table["kind"] == "city"]
    return pd.concat([cities, table.loc[names.drop(cities.index).sort_values().index]])


def incidents_by_region(incidents: pd.DataFrame, start: str, end: str) -> FigureSpec:
    table = trends.incidents_by_region(incidents, start, end)

    def texts(lang: str) -> dict[str, str]:
        title = t("title_incidents_by_region", lang, start=month_label(start, lang), end=month_label(end, lang))
        return {"title": title, "caption": t("caption_incidents_by_region", lang),
                "alt_text": _alt_bars(title, table[f"name_{lang}"].tolist(), table["incidents"].tolist(), lang)}

    def draw(lang: str) -> Figure:
        shown = _reading_order(table, lang)
        keys = ["rights_of_journalists" if k == "city" else "access_to_information" for k in shown["kind"]]
        return plots.horizontal_bars(shown["incidents"], labels=shown[f"name_{lang}"].tolist(), keys=keys,
                                     title=texts(lang)["title"], xlabel=t("axis_incidents", lang),
                                     source=_source(end, lang, incidents=True), lang=lang)

    return FigureSpec("incidents_by_region", table, draw, texts, {"start": start, "end": end})


def amounts_by_category(incidents: pd.DataFrame, start: str, end: str) -> FigureSpec:
    table = trends.amounts_by_category(incidents, start, end)
    millions = table["amount_kzt"] / 1e6

    def texts(lang: str) -> dict[str, str]:
        title = t("title_amounts_by_category", lang, start=month_label(start, lang), end=month_label(end, lang))
        return {"title": title, "caption": t("caption_amounts_by_category", lang),
                "alt_text": _alt_bars(title, [taxonomy.category_label(c, lang) for c in table["category"]],
                                      millions.tolist(), lang)}

    def draw(lang: str) -> Figure:
        return plots.horizontal_bars(millions, labels=[taxonomy.category_label(c, lang) for c in table["category"]],
                                     keys=table["category"].tolist(), title=texts(lang)["title"],
                                     xlabel=t("axis_amount", lang), source=_source(end, lang, incidents=True),
                                     lang=lang, digits=1, empty_text=t("not_stated", lang))

    return FigureSpec("amounts_by_category", table, draw, texts, {"start": start, "end": end})
