"""The project's named figures: data, words in three languages, and export beside CSV and JSON.

A figure is a `FigureSpec`: the exact table it plots, a function that draws it in one language,
and its title, caption, alt text and long description (written from the same data) in every
language. `export` writes `<folder>/<name>.<lang>.{png,svg,pdf}` for each language and the variants
asked for (`variants`: dark, social, square, newsletter, print), plus `<name>.csv` (the data
plotted) and `<name>.json` (texts, parameters, input hashes, package version, and `files`: every
image written, by language and variant).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import __version__, accessibility, comparisons, describe, events, plots, regions, taxonomy, trends, variants
from .cases import AMOUNT_KINDS, amounts_by_kind
from .config import DATA_LICENCE, DATA_LICENCE_URL, LANGUAGES, MAX_ROLLING, OTHER_UNSPECIFIED, SOURCE_NAME
from .errors import ParameterError, expect_between, expect_month
from .i18n import bound, capitalised, month_label, number, period_label, plural, t
from .quality import month_span
from .storage import scratch_dir, staged_dir, write_atomic, write_csv

SAVE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}
TEXTS = ("title", "caption", "alt_text", "long_description")  # each in every language in the JSON


@dataclass
class FigureSpec:
    """A named figure: `name` names its files; `kind` is the name its figure function gave it, which
    a figure published under a name of its own keeps (`dataclasses.replace(spec, name=...)`): its
    data table's rules (domain/data_tables.csv), what its bundle says it counts and its place among
    the month's figures follow the kind."""

    name: str
    data: pd.DataFrame
    draw: Callable[[str], Figure]
    texts: Callable[[str], dict[str, str]]  # title, caption, alt_text and long_description in one language
    params: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)  # written into the JSON beside the texts (coverage, events, evidence)
    kind: str = ""

    def __post_init__(self) -> None:
        self.kind = self.kind or self.name


def input_hashes(files: list[Path], root: Path) -> dict[str, str]:
    """sha256 of each input file, keyed by its path below the project root."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def export(spec: FigureSpec, folder: Path, langs: list[str], inputs: dict[str, str],
           chosen: list[str] | tuple[str, ...] = ("default",), previews: dict[str, bytes] | None = None) -> list[Path]:
    """Write the figure in each language, in the `chosen` variants (`variants.VARIANTS`), and its
    CSV and JSON; return the paths written. `previews`, when given, receives the default figure of
    each language as a PNG 640 px wide, the newsletter's (what a notebook shows).

    The images are drawn first, into a scratch folder beside the folder (a killed run's is removed
    by the next export there); then all files of the figure land in the folder together: they are
    written into a staged copy of the folder, which then replaces it in one step. Runs of other
    languages export into the same folder: the JSON's `files` keeps their entries whose files are
    there.
    """
    texts = {lang: spec.texts(lang) for lang in LANGUAGES}
    names: list[str] = []
    files: dict[str, dict[str, str]] = {}
    pixels: dict[str, dict[str, list[int]]] = {}
    with scratch_dir(folder) as drawn:
        for lang in langs:
            files[lang], pixels[lang] = _render(spec, lang, texts[lang], variants.plan(list(chosen)), drawn, previews)
        with staged_dir(folder) as staging:
            for lang in langs:
                for name in files[lang].values():
                    os.replace(drawn / name, staging / name)
                    names.append(name)
            write_csv(spec.data, staging / f"{spec.name}.csv")
            earlier = _earlier_files(staging / f"{spec.name}.json", staging)
            meta = {"name": spec.name, "kind": spec.kind,
                    **{key: {lang: texts[lang][key] for lang in LANGUAGES} for key in TEXTS},
                    "parameters": spec.params, **spec.meta, "inputs": inputs, "package_version": __version__,
                    "data": f"{spec.name}.csv",
                    "files": {lang: files.get(lang, earlier[0].get(lang)) for lang in LANGUAGES
                              if lang in files or lang in earlier[0]},
                    "pixels": {lang: pixels.get(lang, earlier[1].get(lang)) for lang in LANGUAGES
                               if lang in pixels or lang in earlier[1]}}
            write_atomic(staging / f"{spec.name}.json", lambda tmp: tmp.write_text(
                json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"))
            names += [f"{spec.name}.csv", f"{spec.name}.json"]
    return [folder / name for name in names]


def _earlier_files(path: Path, folder: Path) -> tuple[dict, dict]:
    """The `files` and `pixels` of each language an earlier export wrote, for the languages whose
    files are all still in `folder`."""
    if not path.exists():
        return {}, {}
    earlier = json.loads(path.read_text(encoding="utf-8"))
    files = {lang: names for lang, names in earlier.get("files", {}).items()
             if all((folder / name).exists() for name in names.values())}
    return files, {lang: v for lang, v in earlier.get("pixels", {}).items() if lang in files}


Shared = list[tuple[variants.Size, bool]]  # the sizes one drawing is saved at, each with whether in dark too


def _render(spec: FigureSpec, lang: str, texts: dict[str, str], sizes: Shared,
            out: Path, previews: dict[str, bytes] | None) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Draw the figure once per layout and save it, light (then dark), in the formats of each size
    laid out so, into `out`. Returns the language's `files` and the PNGs' `pixels` (width, height),
    by key."""
    files: dict[str, str] = {}
    pixels: dict[str, list[int]] = {}
    layouts = _layouts(spec, lang, sizes)
    for fig, shared in layouts:
        try:
            saved = _save_drawing(fig, shared, spec.name, lang, texts, out,
                                  previews if fig is layouts[0][0] else None)
        finally:
            fig.clear()
        files |= saved[0]
        pixels |= saved[1]
    return files, pixels


def _layouts(spec: FigureSpec, lang: str, sizes: Shared) -> list[tuple[Figure, Shared]]:
    """One drawing for each layout, the default figure's first: the sizes at its width (newsletter,
    and print when the print column is that width) share its drawing."""
    layouts: list[tuple[Figure, Shared]] = []
    for size, dark in sorted(sizes, key=lambda s: s[0].name != "default"):
        if layouts and size.shares_layout(tuple(layouts[0][0].get_size_inches())):
            layouts[0][1].append((size, dark))
            continue
        with variants.drawing_at(size):
            layouts.append((spec.draw(lang), [(size, dark)]))
    return layouts


def _save_drawing(fig: Figure, shared: Shared, name: str, lang: str, texts: dict[str, str], out: Path,
                  previews: dict[str, bytes] | None) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Every file of one drawing, light then dark; a file the drawing already gave (the same theme,
    format and dpi) is copied. `previews`: this is the default figure, whose 640-px PNG is the
    notebook's preview. Returns the `files` and `pixels` of these files, by key."""
    files: dict[str, str] = {}
    pixels: dict[str, list[int]] = {}
    done: dict[tuple, str] = {}  # (theme, format, dpi) -> the file this drawing gave
    with plots.style():  # the style's pdf.fonttype, svg.hashsalt and dpi apply when saving
        for theme in ("light", "dark"):
            wanted = [size for size, dark in shared if theme == "light" or dark]
            if not wanted:
                break
            if theme == "dark":
                variants.to_dark(fig)
            for size in wanted:
                for fmt in [f for f in size.formats if theme == "light" or f != "pdf"]:
                    key = variants.file_key(size.name, theme, fmt)
                    file = variants.file_name(name, lang, size.name, theme, fmt)
                    dpi = size.dpi(fig)
                    same = done.get((theme, fmt, dpi))
                    if same is not None and fmt != "svg":  # an SVG's element ids name its file
                        shutil.copyfile(out / same, out / file)
                    elif previews is not None and key == "newsletter.png":
                        (out / file).write_bytes(_preview(fig, lang, previews))
                    else:
                        _save(fig, out / file, fmt, dpi, texts, f"{name}-{lang}-{key}", lang)
                    if not done:  # the layout of the drawing's first file holds for the others
                        _freeze_layout(fig)
                        if previews is not None:
                            _preview(fig, lang, previews)
                    done[(theme, fmt, dpi)] = file
                    files[key] = file
                    if fmt == "png":
                        pixels[key] = _png_size(out / file)
    return files, pixels


def _preview(fig: Figure, lang: str, previews: dict[str, bytes]) -> bytes:
    """The default figure of `lang` as the newsletter's PNG, 640 px wide (what a notebook shows),
    made once."""
    if lang not in previews:
        previews[lang] = _png_bytes(fig, variants.SIZES["newsletter"].dpi(fig))
    return previews[lang]


# Asked for no layout engine, matplotlib makes the one the style names (constrained layout) unless these are off.
NO_STYLE_ENGINE = {"figure.autolayout": False, "figure.constrained_layout.use": False}


def _freeze_layout(fig: Figure) -> None:
    """Keep the positions the layout engine gave the figure's first file: each further file of the
    drawing (another format, resolution or theme) is drawn at them instead of laid out again, so
    all of them share one layout, at a fraction of the cost. The figure is left with no layout
    engine at all, not matplotlib's placeholder for one: with any engine, saving a file draws the
    whole figure once more before drawing it into the file, for nothing once the layout is kept."""
    with matplotlib.rc_context(NO_STYLE_ENGINE):
        fig.set_layout_engine(None)


def _savefig(fig: Figure, target: Path | io.IOBase, **options) -> None:
    """`fig.savefig` under NO_STYLE_ENGINE: saving sets the figure's layout engine again when done,
    which for a figure without one (`_freeze_layout`) would make the style's engine, and lay the
    next file out anew."""
    with matplotlib.rc_context(NO_STYLE_ENGINE):
        fig.savefig(target, **options)


def _save(fig: Figure, path: Path, fmt: str, dpi: float | None, texts: dict[str, str], ident: str,
          lang: str) -> None:
    """One file of a figure: the PDF says its title, description, source and licence in its
    document information; the SVG holds its title and description for screen readers."""
    metadata = dict(SAVE_METADATA[fmt])
    if fmt == "pdf":
        metadata |= {"Title": texts["title"], "Subject": texts["long_description"], "Author": SOURCE_NAME[lang],
                     "Keywords": f"{SOURCE_NAME[lang]}; {DATA_LICENCE}; {DATA_LICENCE_URL}"}
    options = {"format": fmt, "metadata": metadata, "facecolor": fig.get_facecolor(),
               **({"dpi": dpi} if dpi else {})}
    if fmt == "svg":
        buffer = io.StringIO()
        _savefig(fig, buffer, **options)
        svg = accessibility.label_svg(stable_clip_ids(buffer.getvalue()), ident.replace(".", "-"),
                                      texts["title"], texts["long_description"])
        path.write_text(svg, encoding="utf-8")
    elif fmt == "pdf":
        with fonts_without_layout_tables():
            _savefig(fig, path, **options)
    else:
        _savefig(fig, path, **options)


LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")  # OpenType's glyph substitution and positioning rules


@contextmanager
def fonts_without_layout_tables() -> Iterator[None]:
    """While a PDF is written: each font is embedded as matplotlib subsets it, less its OpenType
    layout tables. A PDF places every glyph where the drawing put it and never reads them; keeping
    them made fontTools work out which of their rules the glyphs used reach (and keep the glyphs
    those rules name), a fifth of the time of writing a figure's files. The glyphs drawn, their
    outlines and widths, and the text a reader copies out of the PDF are the same
    (tests/test_plots.py); the file is a little smaller."""
    from fontTools import subset  # matplotlib's PDF backend subsets through this module's Options

    class Options(subset.Options):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.drop_tables = [*self.drop_tables, *LAYOUT_TABLES]

    stock, subset.Options = subset.Options, Options
    try:
        yield
    finally:
        subset.Options = stock


CLIP_PATH = re.compile(r'<clipPath id="(?P<id>[^"]+)">(?P<body>.*?)</clipPath>\s*', re.DOTALL)


def stable_clip_ids(svg: str) -> str:
    """The SVG with each clip path named by a hash of what the file writes of it.

    matplotlib names a clip path by a hash of its rectangle at full float precision, whose last
    bits can differ from one process to the next (the same layout, summed in another order); the
    file written then differs in those names alone. Named by what the file writes of it (six
    decimals) and `svg.hashsalt` (the style's, when saving), the same figure gives the same file,
    and the same clip path the same name in every file of a page. A clip path written twice the
    same is kept once."""
    salt = matplotlib.rcParams["svg.hashsalt"] or ""
    names: dict[str, str] = {}
    kept: set[str] = set()

    def rename(match: re.Match) -> str:
        name = "p" + hashlib.sha256((salt + match["body"]).encode("utf-8")).hexdigest()[:10]
        names[match["id"]] = name
        if name in kept:
            return ""
        kept.add(name)
        return match[0].replace(f'id="{match["id"]}"', f'id="{name}"', 1)

    svg = CLIP_PATH.sub(rename, svg)
    if not names:
        return svg
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{names.get(m[1], m[1])})", svg)


def _png_bytes(fig: Figure, dpi: float) -> bytes:
    buffer = io.BytesIO()
    _savefig(fig, buffer, format="png", dpi=dpi, metadata=SAVE_METADATA["png"], facecolor=fig.get_facecolor())
    return buffer.getvalue()


def _png_size(path: Path) -> list[int]:
    """(width, height) in pixels, from the PNG's header."""
    header = path.read_bytes()[16:24]
    return [int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")]


# --- helpers ----------------------------------------------------------------------------------------

def _group_colours(groups: list[str] | pd.Series, codes: pd.Series) -> list[str]:
    """The colour key of each row (a category, or a group): its group's, as the charts by group
    draw it, so that a colour says which group a row is of; what is not itemised ("other") stays grey."""
    return [code if code == OTHER_UNSPECIFIED else group for group, code in zip(groups, codes)]


def _group_legend(keys: list[str], lang: str) -> list[tuple[str, str]]:
    """(key, the group's short name) for each group with a colour of its own among `keys`, in order."""
    own = [g for g in dict.fromkeys(keys) if g in taxonomy.group_codes()]
    return [(g, capitalised(taxonomy.group_short_label(g, lang))) for g in own]


def _source(as_of: str, lang: str, incidents: bool = False) -> str:
    """The source, the month the data is as of, and the licence: drawn inside every figure."""
    return (t("source_line_incidents" if incidents else "source_line", lang, month=month_label(as_of, lang))
            + " · " + t("figure_licence", lang, licence=DATA_LICENCE))


def _alt_bars(title: str, labels: list[str], values: list[float], lang: str, unit: str = "", key: str = "alt_bars",
              **words) -> str:
    """"Bar chart. <title>. Largest: <label> (<value>)" (`key`, with `words`), the value in `unit`
    (a key of translations.csv with a {value}) when it has one."""
    if not values or max(values) <= 0:
        return title
    high = max(values)
    value = number(high, lang, 0 if float(high).is_integer() else 1)
    top = describe.tied(list(zip(labels, values)), high)
    return t(key, lang, title=title, top=top, value=t(unit, lang, value=value) if unit else value, **words)


def _period(start: str, end: str, lang: str) -> dict[str, str]:
    """The first and last month of a figure, as its title names them."""
    return {"start": month_label(start, lang), "end": month_label(end, lang)}


def _titled(key: str, lang: str, start: str, end: str, **values: object) -> str:
    """The title `key` of a figure of `start`..`end`. A period of one month is named once: "Named
    incidents by region, November 2024", not "November 2024 to November 2024" (the words of a
    span are the translations' `period_span` and `period_range`, each with its one-month form)."""
    title = t(key, lang, **_period(start, end, lang), **values)
    if start != end:
        return title
    one = month_label(start, lang)
    for words in ("period_span", "period_range"):
        joined, once = t(words, lang, start=one, end=one), t(f"{words}_one", lang, month=one)
        title = title.replace(joined, once).replace(capitalised(joined), capitalised(once))  # a title may open with it
    return title


def _long(title: str, body: str, source: str, coverage: str = "") -> str:
    return describe.long_description(title, body, coverage, source)


def _by_key(frame: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Months or years as text keys, as the descriptions name them."""
    return frame.set_axis([str(k) for k in frame.index], axis=0)


def _months_with_data(counts: pd.DataFrame) -> list[str]:
    """The months some review states counts for: a gap elsewhere is missing data, not zero."""
    return sorted(set(trends.published(counts)["month"]))


def _not_all_stated(wide: pd.DataFrame, counts: pd.DataFrame) -> list[str]:
    """The months whose review was read but does not state every column of `wide` (none of them,
    or some): hatched in a figure of stacked bars, never drawn as zero."""
    return list(wide.index[wide.isna().any(axis=1) & wide.index.isin(_months_with_data(counts))])


def _wide_csv(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.reset_index().rename_axis(columns=None)


# --- coverage, events and resolution of the figures over time ---------------------------------------

def _coverage_meta(months: list[str], with_data: pd.Series, derived: pd.Series) -> dict:
    """The months of the range with data, derived from two statements, and missing."""
    return {"months": months, "months_with_data": [m for m in months if with_data.get(m, False)],
            "months_derived": [m for m in months if derived.get(m, False)],
            "months_missing": [m for m in months if not with_data.get(m, False)]}


def _coverage_line(coverage: dict, lang: str, years: tuple[int, int] | None = None) -> str:
    return describe.coverage_text(coverage["months"], coverage["months_with_data"], coverage["months_derived"],
                                  lang, years)


def _coverage_sentence(coverage: dict, lang: str) -> str:
    """The coverage as a sentence of its own: "Months with data: 14 of 30."."""
    return capitalised(_coverage_line(coverage, lang)) + "."


def _with_coverage(source: str, coverage: str) -> str:
    """The source line with the coverage (capitalised, as each part of the line is): on one line
    when it fits the figure's width, else two."""
    coverage = capitalised(coverage)
    return f"{source} · {coverage}" if len(source) + len(coverage) < 120 else f"{coverage}\n{source}"


def _event_marks(codes: list[str], start: str, end: str,
                 resolution: str) -> tuple[pd.DataFrame, list[float], list[bool]]:
    """The events to draw beside `codes`, their x positions on a month or year axis, and which break."""
    table = events.for_series(codes, start, end)
    positions = []
    for date in table["date"]:
        day = int(date[8:10]) if len(date) == 10 else 1
        if resolution == "year":
            positions.append(int(date[:4]) - int(start[:4]) - 0.5 + (int(date[5:7]) - 1 + (day - 1) / 31) / 12)
        else:
            positions.append(len(month_span([start, date[:7]])) - 1 - 0.5 + (day - 1) / 31)
    return table, positions, table["breaks"].tolist()


def _events(marks: tuple[pd.DataFrame, list[float], list[bool]], lang: str,
            resolution: str = "month") -> list[plots.Event]:
    """The events to draw, in the reader's language; events this close on the axis share a line."""
    table, positions, breaks = marks
    merged: list[list] = []
    for x, label, brk in zip(positions, table[f"label_{lang}"], breaks):
        if merged and abs(x - merged[-1][0]) < (0.34 if resolution == "month" else 0.6):
            merged[-1][1] += f"; {label}"
            merged[-1][2] = merged[-1][2] or brk
        else:
            merged.append([x, label, brk])
    band = 0.3 if resolution == "month" else 0.08
    return [plots.Event(x, label, brk, band) for x, label, brk in merged]


def _yearly_wide(counts: pd.DataFrame, cumulative: pd.DataFrame | None, kind: str, codes: list[str],
                 start: str, end: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(values, partial?, stated?, long table) by year: a year with missing months is partial and
    never passes for a whole year; a year the foundation states is taken as stated."""
    table = comparisons.yearly(counts, cumulative, kind, codes, start, end)
    values = table.pivot(index="year", columns="code", values="value").reindex(columns=codes).astype(float)
    partial = table.assign(p=table["evidence"].eq(comparisons.PARTIAL)).pivot(index="year", columns="code", values="p")
    stated = table.assign(p=table["evidence"].eq(comparisons.STATED)).pivot(index="year", columns="code", values="p")
    return values, partial.reindex(columns=codes).fillna(False), stated.reindex(columns=codes).fillna(False), table


def _yearly_figure(yearly: tuple, labels: dict[str, str], title: str, coverage: dict, as_of: str,
                   lang: str, events: list[plots.Event] | None, read: list[str]) -> Figure:
    """`read`: the months whose review was read: a year among theirs without a value is hatched as
    not stated, any other year without one shaded as without data."""
    values, partial, stated, table = yearly
    source = _with_coverage(_source(as_of, lang), _coverage_line(coverage, lang, _full_years(coverage)))
    return plots.yearly_bars(values, partial=partial, months_text=_months_text(table), labels=labels, title=title,
                             ylabel=t("axis_reports", lang), source=source, partial_label=t("year_partial", lang),
                             no_data=t("no_data_year", lang), stated=stated, stated_label=t("year_stated", lang),
                             events=events, with_data=_years_of(read), not_stated=t("not_stated", lang))


def _years_of(months: list[str]) -> list[str]:
    """The years of `months` (YYYY-MM), in order."""
    return sorted({m[:4] for m in months})


def _unstated_years(values: pd.DataFrame, read: list[str]) -> list[str]:
    """The years with a review read (among the months `read`) that state none of `values`: hatched
    in the year's figure, as `plots.yearly_bars` draws them, not shaded as without data."""
    years = set(_years_of(read))
    return [str(y) for y in values.index[values.isna().all(axis=1)] if str(y) in years]


def _partial_years(table: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each year with missing months -> the year named with how many months have data ("2022 (1 of 12
    months)"): its figure sums those months only, and is no whole year."""
    part = table[table["evidence"].eq(comparisons.PARTIAL)].groupby("year").agg(
        n=("months_with_data", "max"), total=("months_in_period", "max"))
    return {str(year): t("long_year_months", lang, year=year, n=number(int(row.n), lang),
                         total=number(int(row.total), lang)) for year, row in part.iterrows()}


def _partial_years_sentence(table: pd.DataFrame, lang: str) -> str:
    named = _partial_years(table, lang)
    return t("long_years_partial", lang, years=", ".join(named.values())) if named else ""


def _months_text(table: pd.DataFrame) -> list[str]:
    """Above each year with missing months: how many months have data (the most of its series)."""
    out = []
    for _, part in table.groupby("year", sort=True):
        n, total = int(part["months_with_data"].max()), int(part["months_in_period"].max())
        out.append(f"{n}/{total}" if 0 < n < total else "")
    return out


def _full_years(coverage: dict) -> tuple[int, int]:
    """(years of the range whose every month has data, years in the range); a year the range cuts
    is not whole."""
    with_data = set(coverage["months_with_data"])
    years = sorted({m[:4] for m in coverage["months"]})
    full = [y for y in years if sum(m[:4] == y and m in with_data for m in coverage["months"]) == 12]
    return len(full), len(years)


# --- figures over months ------------------------------------------------------------------------------

def _checked(rolling: int | None = None, **months: str) -> None:
    """The months and rolling mean of a figure, as a notebook or a researcher's own code passes
    them: each month as YYYY-MM, `start` no later than `end`, the rolling mean from 1 to
    MAX_ROLLING months, as `analysis report` checks them; else one ParameterError naming it.
    (Category codes: `taxonomy.expect_categories`.)"""
    for name, month in months.items():
        expect_month(month, name)
    if "start" in months and "end" in months and months["start"] > months["end"]:
        raise ParameterError(f"start: expected a month no later than the end, {months['end']}; "
                             f"found {months['start']!r}")
    if rolling is not None:
        expect_between(rolling, 1, MAX_ROLLING, "rolling", "a number of months")


def groups_stacked(counts: pd.DataFrame, start: str, end: str, as_of: str, resolution: str = "month",
                   cumulative: pd.DataFrame | None = None) -> FigureSpec:
    _checked(start=start, end=end, as_of=as_of)
    resolution = trends.resolve(resolution, start, end)
    wide = trends.group_totals(counts, start, end, trends.WITH_DERIVED)
    derived = trends.group_totals(counts, start, end, ("derived",)).notna().any(axis=1)
    derived = derived.reindex(wide.index, fill_value=False).astype(bool)
    coverage = _coverage_meta(list(wide.index), wide.notna().any(axis=1), derived)
    codes = list(wide.columns)
    marks = _event_marks(codes, start, end, resolution)
    yearly = _yearly_wide(counts, cumulative, "group", codes, start, end) if resolution == "year" else None
    read = _months_with_data(counts)

    def texts(lang: str) -> dict[str, str]:
        key = "title_groups_stacked_year" if yearly is not None else "title_groups_stacked"
        title = _titled(key, lang, start, end)
        # the total of the months with every group stated: two groups of three are no month's total
        totals = wide.sum(axis=1, min_count=wide.shape[1]).dropna()
        if yearly is None:
            alt = t("alt_stacked", lang, title=title, value=number(totals.max(), lang),
                    top=month_label(totals.idxmax(), lang)) if len(totals) else title
        else:  # the years drawn, the highest named with its months where some are missing
            years = _by_key(yearly[0].sum(axis=1, min_count=1)).dropna()
            alt = t("alt_stacked_year", lang, title=title, value=number(years.max(), lang),
                    top=_partial_years(yearly[3], lang).get(years.idxmax(), years.idxmax())) if len(years) else title
        alt += " " + _coverage_sentence(coverage, lang)
        if yearly is not None:
            body = describe.series_description(_by_key(yearly[0].sum(axis=1, min_count=1)), lang,
                                               partial=_unstated_years(yearly[0], read))
            body = f"{body} {_partial_years_sentence(yearly[3], lang)}".strip()
        else:
            body = describe.series_description(totals.reindex(wide.index), lang, partial=_not_all_stated(wide, counts))
        caption = "caption_groups_stacked_year" if yearly is not None else "caption_groups_stacked"
        return {"title": title, "caption": t(caption, lang), "alt_text": alt,
                "long_description": _long(title, body, _source(as_of, lang), _coverage_line(coverage, lang))}

    def draw(lang: str) -> Figure:
        labels = {g: taxonomy.category_label(g, lang) for g in wide.columns}
        if yearly is not None:
            fig = _yearly_figure(yearly, labels, texts(lang)["title"], coverage, as_of, lang,
                                 _events(marks, lang, resolution), read)
        else:
            fig = plots.stacked_bars_by_month(wide, labels=labels, title=texts(lang)["title"],
                                              ylabel=t("axis_reports", lang),
                                              source=_with_coverage(_source(as_of, lang),
                                                                    _coverage_line(coverage, lang)),
                                              no_data=t("no_data", lang), not_stated=t("partly_stated", lang),
                                              with_data=read, lang=lang,
                                              derived=derived.to_numpy(), derived_label=t("derived_value", lang),
                                              events=_events(marks, lang, resolution))
        return fig

    data = _wide_csv(wide) if yearly is None else yearly[3]
    return FigureSpec("groups_stacked", data, draw, texts, {"start": start, "end": end},
                      {"resolution": resolution, "coverage": coverage, "events": events.as_records(marks[0])})


def _trend_spec(name: str, series: pd.Series, derived: pd.Series, rolling: int, key: str, codes: list[str],
                title_of: Callable[[str], str], as_of: str, params: dict, resolution: str,
                yearly: tuple | None, read: list[str], revised: list[str] | None = None,
                in_part: pd.Series | None = None) -> FigureSpec:
    """`read`: the months whose review was read (`_months_with_data`): a month among them without a
    value is hatched as not stated, any other month without one shaded as without data. `in_part`:
    the months whose value sums some of its parts while another is not stated: drawn, and hatched."""
    start, end = series.index[0], series.index[-1]
    smooth = trends.rolling_mean(series, rolling).where(series.notna())  # drawn only where stated
    coverage = _coverage_meta(list(series.index), series.notna(), derived)
    marks = _event_marks(codes, start, end, resolution)
    data = pd.DataFrame({"month": series.index, "value": series.to_numpy(), "rolling_mean": smooth.to_numpy(),
                         "derived": derived.reindex(series.index, fill_value=False).to_numpy()})
    in_part = (in_part if in_part is not None else pd.Series(False, index=series.index)).reindex(
        series.index, fill_value=False).astype(bool)
    if in_part.any():
        data["stated_in_part"] = in_part.to_numpy()

    def texts(lang: str) -> dict[str, str]:
        title = title_of(lang)
        shown = series if yearly is None else _by_key(yearly[0].iloc[:, 0])
        stated = shown.dropna()
        if yearly is None:
            alt = t("alt_lines", lang, title=title, value=number(stated.max(), lang),
                    top=month_label(stated.idxmax(), lang)) if len(stated) else title
        else:  # the years drawn, the highest named with its months where some are missing
            alt = t("alt_bars_year", lang, title=title, value=number(stated.max(), lang),
                    top=_partial_years(yearly[3], lang).get(stated.idxmax(), stated.idxmax())) if len(stated) else title
        alt += " " + _coverage_sentence(coverage, lang)
        # a month whose review was read but states no figure is hatched, not shaded: named apart
        unstated = (list(series.index[(series.isna() & series.index.isin(read)) | in_part]) if yearly is None
                    else _unstated_years(yearly[0], read))
        caption = "caption_category_trend_year" if yearly is not None else "caption_category_trend"
        body = describe.series_description(shown, lang, partial=unstated)
        if yearly is not None:
            body += " " + _partial_years_sentence(yearly[3], lang)
        return {"title": title, "caption": t(caption, lang), "alt_text": alt,
                "long_description": _long(title, body.strip(), _source(as_of, lang), _coverage_line(coverage, lang))}

    def draw(lang: str) -> Figure:
        if yearly is not None:  # one series, drawn in its category's colour
            one = (*(frame.set_axis([key], axis=1) for frame in yearly[:3]), yearly[3])
            fig = _yearly_figure(one, {key: t("year_value", lang)}, title_of(lang), coverage, as_of, lang,
                                 _events(marks, lang, resolution), read)
        else:
            fig = plots.trend(series, smooth, key=key, title=title_of(lang), ylabel=t("axis_reports", lang),
                              value_label=t("monthly_value", lang), smooth_label=t("rolling_mean", lang, n=rolling),
                              source=_with_coverage(_source(as_of, lang), _coverage_line(coverage, lang)), lang=lang,
                              derived=derived.reindex(series.index, fill_value=False).to_numpy(),
                              derived_label=t("derived_value", lang), events=_events(marks, lang, resolution),
                              revised=series.index.isin(revised or []), revised_label=t("revised_value", lang),
                              no_data=t("no_data", lang), with_data=read, not_stated=t("not_stated", lang),
                              in_part=in_part.to_numpy())
        return fig

    return FigureSpec(name, data if yearly is None else yearly[3], draw, texts, {**params, "rolling": rolling},
                      {"resolution": resolution, "coverage": coverage, "events": events.as_records(marks[0]),
                       **({"revised_months": sorted(revised)} if revised else {})})


def category_trend(counts: pd.DataFrame, code: str, start: str, end: str, rolling: int, as_of: str,
                   resolution: str = "month", cumulative: pd.DataFrame | None = None,
                   revised: list[str] | None = None) -> FigureSpec:
    """`revised`: months whose figure a data release revised, marked (`revisions.revised_months`)."""
    _checked(rolling, start=start, end=end, as_of=as_of)
    taxonomy.expect_categories([code], "code")
    resolution = trends.resolve(resolution, start, end)
    series = trends.category_matrix(counts, [code], start, end, trends.WITH_DERIVED)[code]
    derived = trends.category_matrix(counts, [code], start, end, ("derived",))[code].notna()
    yearly = _yearly_wide(counts, cumulative, "category", [code], start, end) if resolution == "year" else None
    return _trend_spec(f"trend_{code}", series, derived, rolling, code, [code],
                       lambda lang: _titled("title_category_trend" + ("_year" if yearly is not None else ""),
                                            lang, start, end, category=taxonomy.category_label(code, lang)),
                       as_of, {"category": code, "start": start, "end": end}, resolution, yearly,
                       _months_with_data(counts), revised)


def false_information_trend(counts: pd.DataFrame, start: str, end: str, rolling: int, as_of: str,
                            resolution: str = "month", cumulative: pd.DataFrame | None = None,
                            revised: list[str] | None = None) -> FigureSpec:
    _checked(rolling, start=start, end=end, as_of=as_of)
    resolution = trends.resolve(resolution, start, end)
    series = trends.false_information(counts, start, end, trends.WITH_DERIVED)
    derived = trends.false_information(counts, start, end, ("derived",)).notna()
    yearly = (_yearly_wide(counts, cumulative, "category", ["false_information"], start, end)
              if resolution == "year" else None)
    return _trend_spec("false_information_trend", series, derived, rolling, "administrative_false_information",
                       trends.false_information_codes(),
                       lambda lang: _titled("title_false_information_trend", lang, start, end),
                       as_of, {"start": start, "end": end}, resolution, yearly, _months_with_data(counts), revised,
                       in_part=trends.false_information_in_part(counts, start, end, trends.WITH_DERIVED))


def category_heatmap(counts: pd.DataFrame, categories: list[str] | None, start: str, end: str,
                     as_of: str, resolution: str = "month", cumulative: pd.DataFrame | None = None) -> FigureSpec:
    _checked(start=start, end=end, as_of=as_of)
    if categories is not None:
        taxonomy.expect_categories(list(categories), "categories")
    resolution = trends.resolve(resolution, start, end)
    monthly = trends.category_matrix(counts, categories, start, end, trends.WITH_DERIVED)
    monthly = monthly.loc[:, monthly.notna().any()] if categories is None else monthly
    derived_cells = (trends.category_matrix(counts, list(monthly.columns), start, end, ("derived",))
                     .reindex(index=monthly.index, columns=monthly.columns).notna())  # no derived row: none
    coverage = _coverage_meta(list(monthly.index), monthly.notna().any(axis=1), derived_cells.any(axis=1))
    cell_text = None
    if resolution == "year":  # the year's figure; a * where months of the year have no data
        values, partial, _, table = _yearly_wide(counts, cumulative, "category", list(monthly.columns), start, end)
        matrix = values
        cell_text = pd.DataFrame([[("" if pd.isna(v) else f"{v:.0f}" + ("*" if p else "")) for v, p in zip(vr, pr)]
                                  for vr, pr in zip(values.to_numpy(), partial.to_numpy())],
                                 index=values.index, columns=values.columns).T
    else:
        matrix, table = monthly, None
    marked = derived_cells.T if table is None else None  # the derived cells, categories as rows (by month only)
    shown = matrix.T  # categories as rows
    read = _months_with_data(counts)  # a month (or year) among them without a category's figure: not stated
    if table is not None:
        years = set(_years_of(read))
        read = [c for c in shown.columns if str(c)[:4] in years]

    def texts(lang: str) -> dict[str, str]:
        title = _titled("title_category_heatmap_year" if table is not None else "title_category_heatmap", lang,
                        start, end)
        stacked = shown.stack()
        if stacked.empty:
            alt = title
        else:
            (code, when), value = stacked.idxmax(), stacked.max()
            alt = t("alt_heatmap", lang, title=title, n=len(shown), m=len(shown.columns),
                    categories=plural("categories", len(shown), lang),
                    periods=plural("years" if table is not None else "months", len(shown.columns), lang),
                    value=number(value, lang),
                    top=f"{taxonomy.category_label(code, lang)}, "
                        f"{when if table is not None else month_label(when, lang)}")
        labels = {c: taxonomy.category_label(c, lang) for c in shown.index}
        body = describe.cells_description(shown.set_axis([str(c) for c in shown.columns], axis=1), labels, lang)
        missing = coverage["months_missing"]
        if table is None:  # a month whose review was read is hatched (nothing stated), not shaded: named apart
            body += " " + describe.missing_sentence([m for m in missing if m not in read], lang)
            body += " " + describe.partial_sentence([m for m in missing if m in read], lang)
            cells = [f"{labels[code]}: {describe.months_label(list(row.index[row]), lang)}"
                     for code, row in marked.iterrows() if row.any()]  # each category's months, in runs
            body += (" " + t("long_cells_derived", lang, cells="; ".join(cells))) if cells else ""
            body = " ".join(part for part in body.split(" ") if part)  # a sentence left empty leaves no gap
        else:
            body += " " + describe.missing_sentence(missing, lang)
            body = f"{body} {_partial_years_sentence(table, lang)}".strip()
        caption = "caption_category_heatmap_year" if table is not None else "caption_category_heatmap"
        return {"title": title, "caption": t(caption, lang),
                "alt_text": alt + " " + _coverage_sentence(coverage, lang),
                "long_description": _long(title, body, _source(as_of, lang), _coverage_line(coverage, lang))}

    def draw(lang: str) -> Figure:
        years = _full_years(coverage) if table is not None else None
        return plots.heatmap(shown, row_labels=[taxonomy.category_label(c, lang) for c in shown.index],
                             title=texts(lang)["title"],
                             source=_with_coverage(_source(as_of, lang), _coverage_line(coverage, lang, years)),
                             not_stated=t("not_stated", lang),
                             no_data=t("no_data_year" if table is not None else "no_data", lang), lang=lang,
                             empty_text=t("no_counts_in_period", lang),
                             column_labels=list(shown.columns) if table is not None else None,
                             cell_text=cell_text, with_data=read,
                             note="* " + t("year_partial", lang).split(" (")[0] if table is not None else "",
                             derived=marked, derived_label=t("derived_value", lang))

    return FigureSpec("category_heatmap", _wide_csv(matrix) if table is None else table, draw, texts,
                      {"categories": categories or "all", "start": start, "end": end},
                      {"resolution": resolution, "coverage": coverage})


def legal_claims_by_type(counts: pd.DataFrame, start: str, end: str, as_of: str) -> FigureSpec:
    _checked(start=start, end=end, as_of=as_of)
    wide = trends.legal_claims_by_type(counts, start, end)
    coverage = _coverage_meta(list(wide.index), wide.notna().any(axis=1), pd.Series(dtype=bool))

    def texts(lang: str) -> dict[str, str]:
        title = _titled("title_legal_claims_by_type", lang, start, end)
        sums = wide.sum()
        names = [t(f"legal_{k}", lang) for k in sums.index]
        # the reviews' monthly counts: a claim reported in several months is in each of them, so
        # their sums over the months are reports, not cases
        body = (describe.ranking_description(names, sums.tolist(), lang, word="reports") + " "
                + describe.series_description(wide.sum(axis=1, min_count=1), lang, "reports",
                                              partial=_not_all_stated(wide, counts)))
        return {"title": title, "caption": t("caption_legal_claims_by_type", lang),
                "alt_text": _alt_bars(title, names, sums.tolist(), lang) + " " + _coverage_sentence(coverage, lang),
                "long_description": _long(title, body, _source(as_of, lang), _coverage_line(coverage, lang))}

    def draw(lang: str) -> Figure:
        labels = {k: t(f"legal_{k}", lang) for k in wide.columns}
        return plots.stacked_bars_by_month(wide, labels=labels, title=texts(lang)["title"],
                                           ylabel=t("axis_reports", lang),
                                           source=_with_coverage(_source(as_of, lang), _coverage_line(coverage, lang)),
                                           no_data=t("no_data", lang), not_stated=t("partly_stated", lang),
                                           with_data=_months_with_data(counts), lang=lang)

    return FigureSpec("legal_claims_by_type", _wide_csv(wide), draw, texts, {"start": start, "end": end},
                      {"coverage": coverage})


# --- figures of one month -----------------------------------------------------------------------------

def ytd_comparison(counts: pd.DataFrame, month: str, cumulative: pd.DataFrame | None = None,
                   allow_break: bool = False) -> FigureSpec:
    """January..`month` against the same months a year before, each row on its own evidence
    (stated, complete or partial, with the months it covers). Comparisons refused at a series
    break are left out of the bars and listed in the JSON."""
    _checked(month=month)
    full = comparisons.year_to_date(counts, cumulative, month, allow_break)
    table = full[full["refused"] == ""].reset_index(drop=True)  # groups, then categories
    year, previous = int(month[:4]), int(month[:4]) - 1
    period = period_label(f"{year}-01", month, "en")
    whole = bool(len(table)) and table["evidence"].isin([comparisons.STATED, comparisons.COMPLETE]).all()

    def ratio_text(row: pd.Series, lang: str) -> str:
        if row["verdict"] == "too_few":
            return t("change_too_few", lang)
        if np.isnan(row["ratio"]):
            return t("ratio_undefined", lang)
        low, high = bound(row["low"], lang), bound(row["high"], lang)
        if row["previous"] < comparisons.MIN_PERCENT_BASE:  # no relative change from a small base (a rise
            return f"({low}–{high})"                        # from 0 among them): the interval only
        return t("ratio_label", lang, ratio=number(row["ratio"], lang, 1), low=low, high=high)

    def labels(lang: str) -> list[str]:
        return [f"{taxonomy.category_label(r['code'], lang)} ({describe.evidence_label(r, lang)})"
                for r in table.to_dict(orient="records")]

    def texts(lang: str) -> dict[str, str]:
        if whole or table.empty:  # every row covers the whole period: it may be named
            title = t("title_ytd_comparison", lang, period=period_label(f"{year}-01", month, lang),
                      year=year, previous=previous)
        else:  # some rows cover fewer months: the title names no period they do not cover
            title = t("title_ytd_rows", lang, month=month_label(month, lang), year=year, previous=previous)
        notes = sorted({d for b in table["breaks"] if b for d in b.split("; ")})
        caption = t("caption_ytd_evidence", lang) + (
            " " + t("ytd_break_footnote", lang, events=events.labelled("; ".join(notes), lang)) if notes else "")
        names = {code: taxonomy.category_label(code, lang) for code in table["code"]}
        if table.empty:  # the notice the chart shows, in its texts too
            return {"title": title, "caption": caption, "alt_text": f"{title}. {none_text(lang)}",
                    "long_description": _long(title, none_text(lang), _source(month, lang))}
        return {"title": title, "caption": caption,
                "alt_text": _alt_bars(title, list(names.values()), table["current"].tolist(), lang, key="alt_paired",
                                      year=year),
                "long_description": _long(title, describe.ytd_description(table, names, month, lang),
                                          _source(month, lang))}

    categories = set(taxonomy.category_codes())
    keys = _group_colours([taxonomy.category_group(c) if c in categories else c for c in table["code"]],
                          table["code"])

    def draw(lang: str) -> Figure:
        return plots.paired_bars(table, labels=labels(lang), keys=keys, title=texts(lang)["title"],
                                 previous_label=str(previous), current_label=str(year),
                                 ratio_labels=[ratio_text(r, lang) for _, r in table.iterrows()],
                                 ratio_header=t("ytd_ratio_header", lang, year=year, previous=previous),
                                 source=_source(month, lang), lang=lang, empty_text=none_text(lang))

    def none_text(lang: str) -> str:  # why nothing is compared: the series changed, or no month in both years
        changed = "; ".join(sorted({d for r in full["refused"] if r for d in r.split("; ")}))
        if changed:
            return t("ytd_none_refused", lang, prev_year=previous, events=events.labelled(changed, lang))
        return t("summary_ytd_none", lang, period=period_label(f"{year}-01", month, lang), year=year,
                 prev_year=previous)

    evidence = [{"code": r["code"], "evidence": r["evidence"], "months": r["months_list"].split(","),
                 "previous_months": r["previous_months_list"].split(","), "derived_months":
                 [m for m in r["derived_months"].split(",") if m], "source": r["source"], "breaks": r["breaks"]}
                for r in table.to_dict(orient="records")]
    refused = [{"code": r["code"], "refused": r["refused"]}
               for r in full[full["refused"] != ""].to_dict(orient="records")]
    return FigureSpec("ytd_comparison", table, draw, texts, {"month": month, "allow_break": allow_break},
                      {"evidence": evidence, "refused": refused, "period_named": period if whole else None})


def month_categories(counts: pd.DataFrame, month: str) -> FigureSpec:
    _checked(month=month)
    table = trends.month_breakdown(counts, month)

    def labels(lang: str) -> list[str]:
        return [f"{taxonomy.category_label(c, lang)}: {taxonomy.group_short_label(g, lang)}"
                if c == "other_unspecified" else taxonomy.category_label(c, lang)
                for g, c in zip(table["group"], table["category"])]

    def texts(lang: str) -> dict[str, str]:
        title = t("title_month_categories", lang, month=month_label(month, lang))
        body = describe.ranking_description(labels(lang), table["count"].tolist(), lang, word="reports")
        return {"title": title, "caption": t("caption_month_categories", lang),
                "alt_text": _alt_bars(title, labels(lang), table["count"].tolist(), lang),
                "long_description": _long(title, body, _source(month, lang))}

    keys = _group_colours(table["group"], table["category"])

    def draw(lang: str) -> Figure:
        return plots.horizontal_bars(table["count"], labels=labels(lang), keys=keys,
                                     title=texts(lang)["title"], xlabel=t("axis_reports", lang),
                                     source=_source(month, lang), lang=lang,
                                     empty_text=t("summary_no_data", lang, month=month_label(month, lang)),
                                     legend=_group_legend(keys, lang))

    return FigureSpec("month_categories", table, draw, texts, {"month": month})


# --- named incidents ------------------------------------------------------------------------------------

def incidents_by_region(incidents: pd.DataFrame, start: str, end: str) -> FigureSpec:
    _checked(start=start, end=end)
    table = trends.incidents_by_region(incidents, start, end)
    unplaced = trends.incidents_without_region(incidents, start, end)

    def texts(lang: str) -> dict[str, str]:
        title = _titled("title_incidents_by_region", lang, start, end)
        names, values = table[f"name_{lang}"].tolist(), table["incidents"].tolist()
        caption = t("caption_incidents_by_region", lang)
        if unplaced:  # not in the bars: the reader must not take their sum for every incident
            caption += " " + t("caption_incidents_without_region", lang, n=number(unplaced, lang))
        return {"title": title, "caption": caption,
                "alt_text": _alt_bars(title, names, values, lang),
                "long_description": _long(title, describe.ranking_description(names, values, lang),
                                          _source(end, lang, incidents=True))}

    def draw(lang: str) -> Figure:
        shown = regions.reading_order(table, lang)
        kinds = [k for k in ("city", "region") if k in set(shown["kind"])]
        return plots.horizontal_bars(shown["incidents"], labels=shown[f"name_{lang}"].tolist(),
                                     keys=shown["kind"].tolist(), title=texts(lang)["title"],
                                     xlabel=t("axis_incidents", lang), source=_source(end, lang, incidents=True),
                                     lang=lang, legend=[(k, t(f"legend_kind_{k}", lang)) for k in kinds])

    return FigureSpec("incidents_by_region", table, draw, texts, {"start": start, "end": end})


def amounts_by_category(incidents: pd.DataFrame, start: str, end: str) -> FigureSpec:
    """The amounts in tenge named in the period by category and kind (claimed, awarded, fines,
    other amounts), each case once for each kind (`cases.amounts_by_kind`)."""
    _checked(start=start, end=end)
    table = amounts_by_kind(incidents, start, end)
    wide = table.pivot(index="category", columns="kind", values="amount_kzt") / 1e6 if len(table) else \
        pd.DataFrame(columns=list(AMOUNT_KINDS), dtype=float)
    wide = wide.reindex(index=list(dict.fromkeys(table["category"])), columns=list(AMOUNT_KINDS))

    def texts(lang: str) -> dict[str, str]:
        title = _titled("title_amounts_by_category", lang, start, end)
        names = [f"{taxonomy.category_label(c, lang)}: {t(f'table_kind_{k}', lang).lower()}"
                 for c, k in zip(table["category"], table["kind"])]
        millions = (table["amount_kzt"] / 1e6).tolist()
        body = t("axis_amount", lang) + ". " + describe.ranking_description(names, millions, lang, digits=1,
                                                                          total=False)
        return {"title": title, "caption": t("caption_amounts_by_category", lang),
                "alt_text": _alt_bars(title, names, millions, lang, unit="value_million_tenge"),
                "long_description": _long(title, body, _source(end, lang, incidents=True))}

    def draw(lang: str) -> Figure:
        return plots.grouped_bars(wide, labels=[taxonomy.category_label(c, lang) for c in wide.index],
                                  keys=[f"amount_{k}" for k in wide.columns],
                                  key_labels=[t(f"table_kind_{k}", lang) for k in wide.columns],
                                  title=texts(lang)["title"], xlabel=t("axis_amount", lang),
                                  source=_source(end, lang, incidents=True), lang=lang, digits=1,
                                  empty_text=t("not_stated", lang))

    return FigureSpec("amounts_by_category", table, draw, texts, {"start": start, "end": end})
