"""What lets every reader read a figure: its title and long description inside the SVG, its data
as a table beside the image, and the alt text on every image of the notebooks' HTML copies.

The data table is the figure's CSV as a reader of the page's language reads it: headings and codes
in words, months named, numbers written the language's way, the columns that only draw the figure
left out. How each column is shown is data: domain/data_tables.csv (the figure and column, which
may be patterns, how its values are shown, and the key of its heading in translations.csv).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from html import escape

import pandas as pd

from . import cases, describe, events, regions, taxonomy
from .domain_data import read_domain
from .i18n import bound, dated, day_label, month_label, number, t
from .parsing import vocabulary_label
from .text import markdown_literal

SVG_ROOT = re.compile(r"<svg\b[^>]*>")


def label_svg(svg: str, ident: str, title: str, description: str) -> str:
    """The SVG with `<title>` and `<desc>` first inside its root, which says `role="img"` and
    `aria-labelledby` them: what screen readers announce for an image."""
    match = SVG_ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG document: no <svg> element")
    root = match.group(0)
    opened = root[:-1].rstrip("/").rstrip()
    labelled = (f'{opened} role="img" aria-labelledby="{ident}-title {ident}-desc">'
                f'\n <title id="{ident}-title">{escape(title, quote=False)}</title>'
                f'\n <desc id="{ident}-desc">{escape(description, quote=False)}</desc>')
    return svg[:match.start()] + labelled + svg[match.end():]


MONTH = re.compile(r"\d{4}-\d{2}")


@cache
def _column_rules() -> tuple[tuple[str, str, str, str], ...]:
    """(figure, column, values, heading) in the order they apply: an exact column before a pattern,
    and within each, a rule for the figure before a rule for every figure."""
    rules = read_domain("data_tables.csv")
    rows = list(rules[["figure", "column", "values", "heading"]].itertuples(index=False, name=None))
    return tuple(sorted(rows, key=lambda r: ("*" in r[1], r[0] == "*")))


def column_rule(figure: str, column: str) -> tuple[str, str]:
    """(how the values are shown, the heading's key) for `column` of `figure`; a column no rule
    names is shown as it is, under its own name."""
    for fig, col, values, heading in _column_rules():
        if fnmatchcase(figure, fig) and fnmatchcase(column, col):
            return values, heading
    return "text", ""


def _missing(value: object) -> bool:
    """None, "", NaN, or pandas' NA (a count not known, in a column of whole numbers)."""
    return value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value))


def _looked_up(find: Callable[[str], str]) -> Callable[[object, str], str]:
    """A code in words; a code the tables do not know (an older figure's) is shown as written."""
    def show(value: object, lang: str) -> str:
        try:
            return find(str(value), lang)
        except KeyError:
            return str(value)
    return show


def _decimal(x: float, lang: str, digits: int) -> str:
    """A number written the language's way, a negative one with a minus sign (−41,4)."""
    return ("−" if x < 0 else "") + number(abs(x), lang, digits)


def _count(value: object, lang: str) -> str:
    x = float(value)
    return _decimal(x, lang, 0 if x.is_integer() else 1)


def _verdict(value: object, lang: str) -> str:
    return t("change_too_few", lang) if value == "too_few" else t(f"table_verdict_{value}", lang)


def _evidence(value: object, lang: str) -> str:
    return t("table_evidence_partial", lang) if value == "partial" else t(f"evidence_{value}", lang)


SHOW: dict[str, Callable[[object, str], str]] = {
    "text": lambda v, lang: str(v),
    "count": _count,
    "month": lambda v, lang: month_label(str(v), lang) if MONTH.fullmatch(str(v)) else str(v),
    "months": lambda v, lang: describe.months_label(str(v).split(","), lang),
    "label": _looked_up(taxonomy.category_label),
    "yesno": lambda v, lang: t("table_yes" if str(v).lower() == "true" else "table_no", lang),
    "outcome": _looked_up(cases.outcome_label),
    "date": lambda v, lang: day_label(pd.Timestamp(str(v)).date(), lang),
    "bound": lambda v, lang: bound(float(v), lang, 2),
    "kind": _looked_up(lambda v, lang: t(f"table_kind_{v}", lang)),
    "evidence": _looked_up(_evidence),
    "year_evidence": _looked_up(lambda v, lang: t(f"table_year_evidence_{v}", lang)),  # a year of a yearly chart
    "verdict": _looked_up(_verdict),
    "events": lambda v, lang: events.labelled(str(v), lang),
}


def _shown(values: str, column: str, lang: str) -> Callable[[object, str], str] | None:
    """How a column's values are shown in `lang`, or None when the column is left out."""
    if values == "hide" or (values == "name" and column != f"name_{lang}"):
        return None
    if values == "name":
        return SHOW["text"]
    if values.startswith("vocabulary:"):  # a code of an enumerated field (domain/vocabularies.csv): its label
        field = values.split(":")[1]
        return _looked_up(lambda v, lang: vocabulary_label(field, v, lang))
    if values.startswith("number:"):
        digits = int(values.split(":")[1])
        return lambda v, lang: _decimal(float(v), lang, digits)
    return SHOW[values]


def reader_table(frame: pd.DataFrame, figure: str, lang: str) -> pd.DataFrame:
    """The data of `figure` as its reader in `lang` reads them: every cell text, a missing value an
    empty cell, the headings in `lang` (domain/data_tables.csv); the frame as written or as read
    back from its CSV. A column of notes (text, series changes) left empty in every row is left out."""
    shown, numeric = {}, []
    if {"kind", f"name_{lang}"} <= set(frame.columns):  # regions and cities: in the order the figure shows them
        frame = regions.reading_order(frame, lang)
    for column in frame.columns:
        values, heading = column_rule(figure, str(column))
        show = _shown(values, str(column), lang)
        if show is None:
            continue
        title = (SHOW["label"](column, lang) if heading == "@label"
                 else t(heading, lang) if heading else str(column))
        if values == "date" and f"{column}_precision" in frame.columns:  # a day, or only its month
            cells = [("" if _missing(v) else dated(v, precision, lang))
                     for v, precision in zip(frame[column].tolist(), frame[f"{column}_precision"].tolist())]
        else:
            cells = [("" if _missing(v) else show(v, lang)) for v in frame[column].tolist()]
        if values in ("text", "events", "months") and len(cells) and not any(cells):
            continue
        shown[title] = cells
        if values in ("count", "bound") or values.startswith("number:"):
            numeric.append(title)
    table = pd.DataFrame(shown, index=frame.index, columns=list(shown)).reset_index(drop=True)
    table.attrs["numeric"] = numeric  # the columns of numbers: set right-aligned
    return table


def data_table_html(frame: pd.DataFrame, figure: str, lang: str) -> str:
    """The figure's data as its reader reads them (`reader_table`), as an HTML table in a
    `<details>` element (closed until opened), every value escaped; numbers set right, words left,
    whatever the page's style sets for tables."""
    table = reader_table(frame, figure, lang)
    numeric = set(table.attrs["numeric"])

    def cell(tag: str, value: object, column: str, scope: str = "") -> str:
        align = "right" if column in numeric else "left"
        weight = ";font-weight:normal" if scope == "row" else ""  # a row's heading (its month): announced, not bold
        attributes = (f' scope="{scope}"' if scope else "") + f' style="text-align:{align}{weight}"'
        return f"<{tag}{attributes}>{escape(str(value))}</{tag}>"

    head = "".join(cell("th", column, column, "col") for column in table.columns)
    rows = "\n".join("<tr>" + "".join(cell("th", value, column, "row") if i == 0 else cell("td", value, column)
                                     for i, (column, value) in enumerate(zip(table.columns, row))) + "</tr>"
                     for row in table.itertuples(index=False))
    html = f'<table class="figure-data">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>'
    # a box of its own that scrolls sideways, whatever the page lays the output out as (a narrow window)
    box = '<div class="figure-data-scroll" style="overflow-x:auto;max-width:100%">'
    return f"<details><summary>{escape(t('figure_data_table', lang))}</summary>\n{box}{html}</div>\n</details>"


@dataclass(frozen=True)
class FigureView:
    """A figure as a notebook shows it: the PNG, with its alt text in the output's metadata; then its
    caption, which says how to read it (what an empty month or a grey cell means, what the chart
    leaves out), as the site and the review draft show it. The data table rides in the metadata of
    the last of them: the HTML copy for readers writes it there, under the caption."""

    png: bytes
    alt: str
    table: str
    caption: str = ""

    def bundles(self) -> list[tuple[dict, dict]]:
        """The outputs shown, in order, as (data, metadata)."""
        image = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        if not self.caption:
            return [(image, {"image/png": {"alt": self.alt, "data_table": self.table}})]
        caption = {"text/markdown": f"_{markdown_literal(self.caption)}_", "text/plain": self.caption}
        return [(image, {"image/png": {"alt": self.alt}}), (caption, {"text/markdown": {"data_table": self.table}})]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for data, metadata in self.bundles():
            display(data, metadata=metadata, raw=True)
