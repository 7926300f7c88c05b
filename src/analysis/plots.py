"""Chart primitives: each takes the data to draw and the words already in the reader's language.

All use the package style (`analysis.publication`), fixed colours per category, and a source line
inside the image. A month without data is drawn as an empty, lightly shaded slot, never as zero.

The figures are plain `matplotlib.figure.Figure` objects with their own Agg canvas, made without
pyplot: importing this module chooses no backend, a figure shows inline wherever IPython displays
it (JupyterLab, papermill, nbconvert), and nothing is shown twice. Files are written by the
canvas each format names (Agg for PNG, the PDF and SVG backends), whatever backend is active.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox, blended_transform_factory

from .i18n import capitalised, colour, month_tick, number
from .text import unbreakable
from .variants import current_size, role

STYLE = "analysis.publication"
SCREEN_DPI = 110  # inline display in a notebook; files use the style's savefig.dpi


@contextmanager
def style() -> Iterator[None]:
    with plt.style.context(STYLE):
        yield


class Chart(Figure):
    """A figure that IPython shows as an image when a cell returns it (no pyplot needed)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        with style():
            self.savefig(buffer, format="png", dpi=SCREEN_DPI)
        return buffer.getvalue()


def canvas(size: tuple[float, float] | None = None) -> Chart:
    """A figure `size` inches at the default size (the style's size when None), laid out at the
    size being drawn (`variants.drawing_at`): social, square, newsletter or print."""
    natural = size or tuple(plt.rcParams["figure.figsize"])  # rcParams of the active style apply here
    fig = Chart(figsize=current_size().figsize(natural))
    FigureCanvasAgg(fig)
    return fig


def _figure(size: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    fig = canvas(size)
    return fig, fig.add_subplot()


SOURCE_HEIGHT = 0.22  # inches kept at the bottom for the source line
# Text is measured at the figure's 100 dpi, where hinting rounds small glyphs narrower than they come
# out in a file at 200 or 300 dpi: a line is broken at 95% of the width it may take.
RASTER_SLACK = 0.95
MARGIN = 0.01  # of the figure width, left and right of the title and source line


def _renderer(fig: Figure):
    return fig.canvas.get_renderer()


# The width of a text in pixels depends on the text, its font (the file and the properties), the dpi
# and these settings only: a word is measured once per process, for every figure and file that
# writes it (titles and source lines repeat their words across figures, sizes and languages).
_MEASURED_WITH = ("text.hinting", "text.hinting_factor", "text.kerning_factor", "text.antialiased")
_WIDTHS: dict[tuple, float] = {}


def fit_text(fig: Figure, text: str, fontsize: float, fontweight: str = "normal",
             width: float | None = None) -> str:
    """`text` broken at spaces into as few lines as fit `width` inches (the figure's width less
    its margins by default), measured with the renderer in the figure's font, never cut.

    Each word is measured once per process (`_WIDTHS`); a line whose summed width is within 3% of
    the limit is measured whole, so the breaks are those of measuring every candidate line."""
    width = (width if width is not None else fig.get_figwidth() * (1 - 2 * MARGIN)) * fig.dpi * RASTER_SLACK
    probe = Text(0, 0, "", fontsize=fontsize, fontweight=fontweight, figure=fig)
    renderer = _renderer(fig)
    properties = probe.get_fontproperties().copy()
    font = (findfont(properties), properties, fig.dpi, *(plt.rcParams[key] for key in _MEASURED_WITH))

    def measure(candidate: str) -> float:
        key = (candidate, font)
        if key not in _WIDTHS:
            if len(_WIDTHS) >= 50_000:
                _WIDTHS.clear()
            probe.set_text(candidate)
            _WIDTHS[key] = probe.get_window_extent(renderer).width
        return _WIDTHS[key]

    def fits(words: list[str]) -> bool:
        space = measure("a a") - 2 * measure("a")
        estimate = sum(measure(word) for word in words) + space * (len(words) - 1)
        if abs(estimate - width) > 0.03 * width:
            return estimate <= width
        return measure(" ".join(words)) <= width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for word in unbreakable(paragraph):
            if line and not fits(line + [word]):
                lines.append(" ".join(line))
                line = [word]
            else:
                line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


def _finish(fig: Figure, ax: Axes, title: str, source: str,
            legend: tuple[list, list[str], int] | None = None, events: list[Event] | None = None) -> Figure:
    """Title at the top left, an optional legend and the source line at the bottom.

    The title and source line are wrapped to the canvas width as rendered in the figure's font,
    whatever the language. The legend and the source line sit below the plot in space the layout
    leaves free for them, so they never overlap the axes or each other. `events` are drawn as
    numbered lines, each explained in the legend, so that no label covers the data.
    """
    if events:
        handles, labels, ncols = legend or ([], [], 1)
        marked = _draw_events(ax, events)
        legend = (handles + marked[0], labels + marked[1], ncols)
    title = capitalised(title)
    fig.suptitle(fit_text(fig, title, 9, "bold"), x=MARGIN, ha="left", fontsize=9, fontweight="bold")
    height = fig.get_figheight()
    source_text = fig.text(MARGIN, 0.05 / height, fit_text(fig, source, 6), fontsize=6, color=role("muted"),
                           ha="left", va="bottom")
    reserved = max(SOURCE_HEIGHT, source_text.get_window_extent(_renderer(fig)).height / fig.dpi + 0.1)
    if legend is not None:
        handles, labels, ncols = legend
        column = fig.get_figwidth() * (1 - 2 * MARGIN) / ncols - 0.45  # less the key and padding
        labels = [fit_text(fig, label, plt.rcParams["legend.fontsize"], width=column) for label in labels]
        box = fig.legend(handles, labels, loc="lower left", ncols=ncols,
                         bbox_to_anchor=(MARGIN, reserved / height))
        reserved += box.get_window_extent(_renderer(fig)).height / fig.dpi + 0.05
    fig.get_layout_engine().set(rect=(0, reserved / height, 1, 1 - reserved / height))
    _thin_x_ticks(fig)
    return fig


def _notice(fig: Figure, ax: Axes, text: str, title: str, source: str) -> Figure:
    """A sentence in place of a chart with nothing to draw, wrapped to the figure's width."""
    ax.text(0.5, 0.5, fit_text(fig, text, plt.rcParams["font.size"], width=fig.get_figwidth() * 0.9),
            ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return _finish(fig, ax, title, source)


def _wrap(labels: list[str], width: int = 38) -> list[str]:
    """Each label broken at spaces into lines of at most `width` characters, never inside what
    `unbreakable` keeps together ("июнь 2024;") and never inside a word (a longer one has its line)."""
    wrapped = []
    for label in labels:
        lines: list[str] = []
        for word in unbreakable(label):
            if lines and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
        wrapped.append("\n".join(lines) or label)
    return wrapped


def _texts(fig: Figure) -> list[tuple[str, Text]]:
    """(kind, text) for every visible, non-empty text of the figure."""
    found: list[tuple[str, Text]] = []
    if fig._suptitle is not None:
        found.append(("title", fig._suptitle))
    found += [("text", t) for t in fig.texts if t is not fig._suptitle]
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        found += [("legend", t) for t in legend.get_texts()]
    for ax in fig.axes:
        found += [("axis title", t) for t in (ax.title, ax._left_title, ax._right_title)]
        found += [("label in the plot", t) for t in ax.texts]
        if not ax.axison:  # axes switched off (a notice instead of a chart): no labels, no ticks
            continue
        found += [("axis label", ax.xaxis.label), ("axis label", ax.yaxis.label)]
        for name, axis in (("x tick label", ax.xaxis), ("y tick label", ax.yaxis)):
            drawn = axis._update_ticks()  # the ticks inside the view limits: those drawn
            found += [(name, tick.label1) for tick in drawn if tick.label1.get_visible()]
    return [(kind, t) for kind, t in found if t.get_visible() and t.get_text().strip()]


def _text_size(renderer, text: Text) -> tuple[float, float]:
    """(width, height) of a text as written, before rotation: the widest line, the lines' heights."""
    lines = [renderer.get_text_width_height_descent(line or " ", text.get_fontproperties(), ismath=False)
             for line in text.get_text().split("\n")]
    return max(w for w, _, _ in lines), sum(h for _, h, _ in lines)


def _collide(renderer, first: Text, second: Text, boxes: tuple[Bbox, Bbox] | None = None) -> bool:
    """Whether two rendered texts overlap by more than a pixel.

    Two texts turned by the same angle (month labels at 45 degrees) are compared in their own
    frame, along and across the writing; any other pair by their extents on the canvas (`boxes`,
    when the caller has measured them already).
    """
    if boxes is not None and (min(boxes[0].x1, boxes[1].x1) < max(boxes[0].x0, boxes[1].x0)
                              or min(boxes[0].y1, boxes[1].y1) < max(boxes[0].y0, boxes[1].y0)):
        return False  # apart on the canvas: the texts inside their extents are apart too
    angle = first.get_rotation()
    if angle and angle == second.get_rotation():
        theta = np.deg2rad(angle)
        along, across = np.array([np.cos(theta), np.sin(theta)]), np.array([-np.sin(theta), np.cos(theta)])
        anchors = [t.get_transform().transform(t.get_position()) for t in (first, second)]
        offset = anchors[1] - anchors[0]
        sizes = [_text_size(renderer, t) for t in (first, second)]
        if abs(offset @ across) >= max(size[1] for size in sizes) - 1:
            return False
        t = offset @ along  # both texts end at their anchors (ha="right") and run back along
        return t - sizes[1][0] < -1 and t > 1 - sizes[0][0]
    box, other = boxes or (first.get_window_extent(renderer), second.get_window_extent(renderer))
    width = min(box.x1, other.x1) - max(box.x0, other.x0)
    height = min(box.y1, other.y1) - max(box.y0, other.y0)
    return width > 1 and height > 1


def layout_problems(fig: Figure) -> list[str]:
    """Text the reader cannot read: outside the canvas, or overlapping other text.

    Measured from the rendered extents (after the layout has run), so it holds for every
    language and size. Returns one line per problem; an empty list means the layout is clean.
    """
    renderer = _renderer(fig)
    fig.draw_without_rendering()
    texts = _texts(fig)
    boxes = [text.get_window_extent(renderer) for _, text in texts]  # measured once: the layout is done
    problems = []
    for (kind, text), box in zip(texts, boxes, strict=True):
        if box.x0 < -1 or box.y0 < -1 or box.x1 > fig.bbox.width + 1 or box.y1 > fig.bbox.height + 1:
            problems.append(f"{kind} outside the canvas: {text.get_text()!r}")
    for i, (kind, text) in enumerate(texts):
        for j, (other_kind, other) in enumerate(texts[i + 1:], start=i + 1):
            if _collide(renderer, text, other, (boxes[i], boxes[j])):
                problems.append(f"{kind} {text.get_text()!r} overlaps {other_kind} {other.get_text()!r}")
    return problems


def _thin_x_ticks(fig: Figure) -> None:
    """Drop every other x tick label of each axes whose labels overlap (as rendered, after layout),
    until no two of them do; the figure is laid out once per round for all its axes."""
    renderer = _renderer(fig)
    for _ in range(6):
        fig.get_layout_engine().execute(fig)
        crowded = []
        for ax in fig.axes:
            labels = [tick.label1 for tick in ax.xaxis._update_ticks() if tick.label1.get_text()]
            if len(labels) >= 2 and any(_collide(renderer, a, b) for a, b in zip(labels, labels[1:])):
                crowded.append((ax, labels[0]))
        if not crowded:
            return
        for ax, first in crowded:  # every other label dropped, the last (the newest month) kept
            ticks, names = ax.get_xticks(), [label.get_text() for label in ax.get_xticklabels()]
            ax.set_xticks(ticks[::-1][::2][::-1], names[::-1][::2][::-1], rotation=first.get_rotation(),
                          ha=first.get_ha(), rotation_mode=first.get_rotation_mode())


def _month_axis(ax: Axes, months: list[str], lang: str) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 reports
    _month_ticks(ax, months, lang, 0)
    ax.set_xlim(-0.6, len(months) - 0.4)


def _month_ticks(ax: Axes, months: list[str], lang: str, offset: float) -> None:
    """Month labels at the slots, at most 24 of them, counted back from the newest month, which is
    always labelled; `_finish` thins them further if they collide."""
    step = max(1, int(np.ceil(len(months) / 24)))
    ticks = list(range(len(months) - 1, -1, -step))[::-1]
    ax.set_xticks(np.array(ticks) + offset, [month_tick(months[i], lang) for i in ticks],
                  rotation=45, ha="right", rotation_mode="anchor")


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs of consecutive True in `mask`, as (first, last + 1): months side by side are one
    patch, drawn once and without seams between them."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], np.asarray(mask, dtype=np.int8), [0]))))
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2])]


def _shade_missing(ax: Axes, missing: np.ndarray) -> None:
    for start, stop in runs(missing):
        ax.axvspan(start - 0.5, stop - 0.5, color=colour("no_data"), lw=0, zorder=0)


PART_HATCH = "////"


def _hatch_partial(ax: Axes, partial: np.ndarray) -> Patch:
    for start, stop in runs(partial):
        ax.axvspan(start - 0.5, stop - 0.5, facecolor="none", edgecolor=role("hatch"), hatch=PART_HATCH,
                   lw=0, zorder=0)
    return Patch(facecolor=role("background"), edgecolor=role("hatch"), hatch=PART_HATCH, lw=0)


def stacked_bars_by_month(wide: pd.DataFrame, *, labels: dict[str, str], title: str, ylabel: str,
                          source: str, no_data: str, lang: str, not_stated: str = "",
                          with_data: list[str] | None = None, derived: np.ndarray | None = None,
                          derived_label: str = "", events: list[Event] | None = None) -> Figure:
    """Bars per month stacked by column (groups or legal types).

    A missing value is never drawn as zero: a month without any data (not in `with_data`, or with
    no value at all when `with_data` is not given) is shaded; a month with data where some
    columns are not stated is hatched, its stated parts drawn and labelled `not_stated`. Months
    derived from two cumulative statements (`derived`) have their bars hatched in white.
    """
    with style():
        fig, ax = _figure((6.3, 4.2))
        months = list(wide.index)
        x = np.arange(len(months))
        none = wide.isna().all(axis=1).to_numpy()
        missing = none if with_data is None else ~np.isin(months, list(with_data))
        partial = wide.isna().any(axis=1).to_numpy() & ~missing
        _shade_missing(ax, missing)
        bottom = np.zeros(len(months))
        for column in wide.columns:
            values = wide[column].to_numpy(dtype=float)
            drawn = ~np.isnan(values)
            if drawn.any():
                ax.bar(x[drawn], values[drawn], bottom=bottom[drawn], color=colour(column),
                       label=labels[column], width=0.75)
            if derived is not None:
                over = drawn & derived
                ax.bar(x[over], values[over], bottom=bottom[over], width=0.75, fill=False,
                       hatch=PART_HATCH, edgecolor=role("cut"), lw=0)
            bottom += np.nan_to_num(values)
        _month_axis(ax, months, lang)
        ax.set_ylabel(ylabel)
        handles, names = ax.get_legend_handles_labels()
        if derived is not None and derived.any():
            handles.append(Patch(facecolor=role("neutral"), hatch=PART_HATCH, edgecolor=role("cut")))
            names.append(derived_label)
        if partial.any():
            handles.append(_hatch_partial(ax, partial))
            names.append(not_stated or no_data)
        if missing.any():
            handles.append(Patch(color=colour("no_data")))
            names.append(no_data)
        ax.set_ylim(0, max(bottom.max(), 1) * 1.1)
        ncols = 1 if max(len(n) for n in names) > 40 else 2
        return _finish(fig, ax, title, source, (handles, names, ncols), events)


def _alone(values: np.ndarray) -> np.ndarray:
    """The finite values whose neighbours on both sides are not: a line through them draws nothing."""
    finite = np.isfinite(values)
    before = np.concatenate([[False], finite[:-1]])
    after = np.concatenate([finite[1:], [False]])
    return finite & ~before & ~after


def _has_segment(values: np.ndarray) -> bool:
    """Whether a line through `values` draws anything: two neighbouring finite values."""
    finite = np.isfinite(values)
    return bool((finite[1:] & finite[:-1]).any())


def trend(series: pd.Series, smooth: pd.Series, *, key: str, title: str, ylabel: str,
          value_label: str, smooth_label: str, source: str, lang: str, derived: np.ndarray | None = None,
          derived_label: str = "", events: list[Event] | None = None, revised: np.ndarray | None = None,
          revised_label: str = "", no_data: str = "", with_data: list[str] | None = None,
          not_stated: str = "", in_part: np.ndarray | None = None) -> Figure:
    """Points for the stated monthly values and a line for their rolling mean (gaps stay gaps).

    The rolling mean is a line where neighbouring months have it, and a short dash at a month that
    has it alone; it is named in the legend only when it is drawn. Months derived
    from two cumulative statements (`derived`) are drawn as diamonds; months a data release revised
    (`revised`) get a small mark above their point. A month without a value is shaded and named
    `no_data` in the legend; when `with_data` (the months whose review was read) is given, a month
    among them without a value is hatched instead and named `not_stated`, as the bar charts do; so
    is a month whose value is stated in part (`in_part`: some of the parts it sums not stated), its
    value drawn over the hatching.
    """
    with style():
        fig, ax = _figure()
        months = list(series.index)
        x = np.arange(len(months))
        none = series.isna().to_numpy()
        read = np.isin(months, list(with_data)) if with_data is not None else np.zeros(len(months), dtype=bool)
        unread, unstated = none & ~read, none & read
        if in_part is not None:
            unstated = unstated | (np.asarray(in_part, dtype=bool) & ~none)
        _shade_missing(ax, unread)
        hatch = _hatch_partial(ax, unstated) if unstated.any() else None
        mean = smooth.to_numpy(dtype=float)
        line, alone = _has_segment(mean), _alone(mean)
        if line:
            ax.plot(x, mean, color=colour(key), lw=1.6, label=smooth_label)
        if alone.any():  # a mean with no neighbour to join: a short dash of the line at its month
            ax.plot(x[alone], mean[alone], "_", color=colour(key), ms=9, mew=1.6, label=None if line else smooth_label)
        values = series.to_numpy(dtype=float)
        shown = values if derived is None else np.where(derived, np.nan, values)
        ax.plot(x, shown, "o", color=colour(key), ms=4, mfc=role("background"), mew=1.2, label=value_label)
        if derived is not None and derived.any():
            ax.plot(x, np.where(derived, values, np.nan), "D", color=colour(key), ms=4, label=derived_label)
        _mark_revised(ax, x, values, revised, revised_label)
        _month_axis(ax, months, lang)
        ax.set_ylabel(ylabel)
        top = np.nanmax(series.to_numpy(dtype=float)) if series.notna().any() else 1
        ax.set_ylim(0, max(top, 1) * 1.25)
        handles, names = ax.get_legend_handles_labels()
        if hatch is not None:
            handles.append(hatch)
            names.append(not_stated)
        if no_data and unread.any():
            handles.append(Patch(color=colour("no_data")))
            names.append(no_data)
        return _finish(fig, ax, title, source, (handles, names, 2), events)


def _mark_revised(ax: Axes, x: np.ndarray, values: np.ndarray, revised: np.ndarray | None, label: str) -> None:
    """A small dark triangle just above each revised month's point, named once in the legend."""
    shown = np.isfinite(values) & (revised if revised is not None else False)
    if not shown.any():
        return
    lift = max(np.nanmax(values), 1) * 0.07
    ax.plot(x[shown], values[shown] + lift, "v", color="#333333", ms=3.5, lw=0, label=label)


def heatmap(matrix: pd.DataFrame, *, row_labels: list[str], title: str, source: str,
            not_stated: str, no_data: str, lang: str, empty_text: str = "",
            column_labels: list[str] | None = None, cell_text: pd.DataFrame | None = None,
            note: str = "", with_data: list | None = None, derived: pd.DataFrame | None = None,
            derived_label: str = "") -> Figure:
    """Categories (rows) x months (columns), as the bar charts show them: a column with no data
    at all (a month whose review was not read: not among `with_data`, when given) is shaded and
    labelled `no_data`; a cell not stated in a column whose review was read is hatched and labelled
    `not_stated`. Years as columns give `column_labels`, and `cell_text` marks the cells of years
    with missing months. `derived` (the shape of `matrix`): cells derived from two cumulative
    statements, marked with a small diamond in their corner, as the trend charts draw such months,
    and named `derived_label` in the legend."""
    import seaborn as sns

    with style():
        natural = (6.3, max(2.6, HEATMAP_FRAME + HEATMAP_ROW * len(matrix.index)))
        fig, ax = _figure(natural)
        if matrix.isna().all(axis=None):  # nothing stated in the period: say so instead of empty axes
            return _notice(fig, ax, empty_text, title, source)
        months = list(matrix.columns)
        one_line = _one_line_rows(fig, row_labels, len(months), natural)
        ax.set_facecolor(role("background"))
        missing = matrix.isna().to_numpy()
        none = missing.all(axis=0) & ~np.isin(months, list(with_data or []))
        unstated = missing & ~none
        if unstated.any():  # one hatched patch under the whole grid: a cell not stated shows it
            ax.add_patch(Rectangle((0, 0), len(months), len(matrix.index), facecolor="none",
                                   edgecolor=role("hatch"), hatch=PART_HATCH, lw=0, zorder=0))
        for start, stop in runs(none):  # over the hatching; the cells stated are drawn over both
            ax.axvspan(start, stop, color=colour("no_data"), lw=0, zorder=0.5)
        cell = fig.get_figwidth() * (0.55 if one_line is None else 1 - one_line) / max(len(months), 1)  # inches
        annot = bool(cell >= 0.08) if cell_text is None else cell_text.to_numpy()
        sns.heatmap(matrix.astype(float), ax=ax, cmap="Blues", mask=matrix.isna(), cbar=False,
                    annot=annot, fmt=".0f" if cell_text is None else "",
                    annot_kws={"fontsize": 6 if cell >= 0.2 else 5}, linewidths=0.5, linecolor=role("cut"),
                    xticklabels=False, yticklabels=False)  # set below; with labels of its own, seaborn draws
        # the whole figure to see whether they overlap, half the cost of a heat map, for labels replaced here
        ax.grid(False)
        marked = derived.to_numpy(dtype=bool) & ~missing if derived is not None else np.zeros_like(missing)
        if marked.any():  # a small diamond in the corner of a derived cell, clear of its number
            rows, columns = np.nonzero(marked)
            limits = ax.get_xlim(), ax.get_ylim()
            ax.plot(columns + 0.8, rows + 0.22, "D", color=role("text"), mec=role("background"), ms=2.6, mew=0.4, lw=0)
            ax.set_xlim(*limits[0])
            ax.set_ylim(*limits[1])  # the grid as seaborn laid it out: a line would widen its margins
        ax.set_yticks(np.arange(len(row_labels)) + 0.5, row_labels if one_line else _wrap(row_labels, 45), rotation=0,
                      va="center")
        if column_labels:
            ax.set_xticks(np.arange(len(months)) + 0.5, column_labels, rotation=45, ha="right",
                          rotation_mode="anchor")
        else:
            _month_ticks(ax, months, lang, 0.5)
        ax.set_xlabel("")
        ax.set_ylabel("")
        legend = ([(Patch(facecolor=role("background"), edgecolor=role("hatch"), hatch=PART_HATCH, lw=0), not_stated)]
                  if unstated.any() else [])
        legend += [(Patch(color=colour("no_data")), no_data)] if none.any() else []
        legend += [(Patch(color=role("background")), note)] if note else []
        legend += [(Line2D([], [], marker="D", color=role("text"), ms=3, lw=0), derived_label)] if marked.any() else []
        return _finish(fig, ax, title, source, ([h for h, _ in legend], [n for _, n in legend], 1) if legend else None)


HEATMAP_FRAME = 1.6  # inches of a heat map's height around its rows: title, month labels, legend, source
HEATMAP_ROW = 0.28  # inches a heat map gives each row, its label wrapped to two lines
ONE_LINE_ROW = 0.16  # inches a row takes with its label on one line
MIN_COLUMN = 0.15  # inches a column needs for its number


def _one_line_rows(fig: Figure, labels: list[str], columns: int, natural: tuple[float, float]) -> float | None:
    """In a frame wider than tall (social) that a heat map's rows would overflow, its text would
    shrink with the larger canvas it is laid out on; laid out with each label on one line and rows
    one line high instead, the canvas (of the frame's shape) need only be as large as those rows and
    the longest label beside a readable column of numbers make it. Then `fig` is given that size and
    the share of its width the labels and margins take is returned; else None, `fig` as it was."""
    size = current_size()
    if size.pixels is None or size.pixels[1] is None or size.pixels[1] >= size.pixels[0] \
            or size.figsize(natural)[0] <= size.width:
        return None
    shape = size.pixels[1] / size.pixels[0]
    renderer = _renderer(fig)
    font = Text(text="", fontsize=plt.rcParams["ytick.labelsize"]).get_fontproperties()
    widest = max(renderer.get_text_width_height_descent(label, font, ismath=False)[0] for label in labels) / fig.dpi
    aside = widest + 0.5  # the tick marks and the margins
    width = max(size.width, (HEATMAP_FRAME + ONE_LINE_ROW * len(labels)) / shape, aside + MIN_COLUMN * columns)
    if width >= fig.get_figwidth():  # no smaller than the canvas of wrapped labels: keep that one
        return None
    fig.set_size_inches(width, width * shape)
    return aside / width


def paired_bars(table: pd.DataFrame, *, labels: list[str], keys: list[str], title: str,
                previous_label: str, current_label: str, ratio_labels: list[str], source: str,
                lang: str, empty_text: str = "", ratio_header: str = "") -> Figure:
    """Horizontal pairs: previous period (a tint edged in the colour) and current period (the
    colour), the ratio on the right under `ratio_header` (what the ratio and its brackets are)."""
    with style():
        fig, ax = _figure((6.3, 1.6 + 0.55 * max(len(table), 1)))
        if table.empty:  # nothing comparable: say so instead of drawing empty axes
            return _notice(fig, ax, empty_text, title, source)
        y = np.arange(len(table))[::-1]
        for yi, key, prev, cur in zip(y, keys, table["previous"], table["current"]):
            ax.barh(yi + 0.18, prev, height=0.34, **tint(colour(key)))
            ax.barh(yi - 0.18, cur, height=0.34, color=colour(key))
        top = max(table[["previous", "current"]].to_numpy().max(), 1)
        for yi, prev, cur, text in zip(y, table["previous"], table["current"], ratio_labels):
            ax.text(prev + top * 0.01, yi + 0.18, number(prev, lang), va="center", fontsize=6)
            ax.text(cur + top * 0.01, yi - 0.18, number(cur, lang), va="center", fontsize=6)
            ax.text(top * 1.45, yi, text, va="center", ha="right", fontsize=7)
        if ratio_header:  # over the column of ratios, as a table heads its column
            ax.text(top * 1.45, 1.0, ratio_header, ha="right", va="bottom", fontsize=6, color=role("muted"),
                    transform=blended_transform_factory(ax.transData, ax.transAxes))
        ax.set_yticks(y, _wrap(labels))
        ax.set_xlim(0, top * 1.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        return _finish(fig, ax, title, source, ([Patch(**tint(role("neutral"))), Patch(color=role("neutral"))],
                                                [previous_label, current_label], 2))


def tint(full: str, edged: bool = True) -> dict:
    """A bar of lesser weight (the period compared with, what is carried over): the colour at 40% on
    the background, edged in the full colour so that its end is as clear as a full bar's on either
    background; bars a few pixels wide (one a month over years) go without the edge, which would
    fill them."""
    return {"facecolor": to_rgba(full, 0.4), "edgecolor": full if edged else "none", "linewidth": 0.6 if edged else 0}


def horizontal_bars(values: pd.Series, *, labels: list[str], keys: list[str], title: str,
                    xlabel: str, source: str, lang: str, digits: int = 0, empty_text: str = "",
                    legend: list[tuple[str, str]] | None = None) -> Figure:
    """One bar per row in the given order (all rows shown, zeros included), value at the end;
    `legend`: (key, what its colour stands for) for each colour a reader must tell apart."""
    with style():
        fig, ax = _figure((6.3, 1.3 + 0.24 * max(len(values), 4)))
        if values.empty:  # nothing to draw: say so instead of empty axes
            return _notice(fig, ax, empty_text, title, source)
        y = np.arange(len(values))[::-1]
        data = values.to_numpy(dtype=float)
        stated = ~np.isnan(data)  # a missing value gets no bar and no number, never a zero
        ax.barh(y[stated], data[stated], color=[colour(k) for k, s in zip(keys, stated) if s], height=0.7)
        largest = float(np.nanmax(data)) if stated.any() else 0.0
        top = largest if largest > 0 else 1.0  # all zeros: an axis to show them on
        for yi, v in zip(y[stated], data[stated]):
            ax.text(v + top * 0.01, yi, number(v, lang, digits), va="center", fontsize=6)
        ax.set_yticks(y, _wrap(labels, 45))
        ax.set_xlim(0, top * 1.12)
        if digits == 0:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 incidents
        # 0,5 in ru and kk, as the bars' labels; a whole tick without decimals (100, not 100,0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang, 0 if v == int(v) else digits)))
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        keyed = ([Patch(color=colour(key)) for key, _ in legend], [name for _, name in legend], len(legend)) \
            if legend else None
        return _finish(fig, ax, title, source, keyed)


MIN_BAR = 0.008  # of the largest value: the shortest bar drawn for a value above zero


def grouped_bars(values: pd.DataFrame, *, labels: list[str], keys: list[str], key_labels: list[str], title: str,
                 xlabel: str, source: str, lang: str, digits: int = 0, empty_text: str = "") -> Figure:
    """Horizontal bars in groups, one group per row of `values` (named by `labels`), one bar per
    column where the row has a value (coloured by `keys`, named by `key_labels` in the legend); the
    value at each bar's end. A column no row has is left out of the legend.

    A value above zero too small to see beside the largest is drawn MIN_BAR of the axis long, so
    that its colour (its kind) shows; its label gives the value, below 1 to one more decimal where
    that decimal is not 0 (0.18, not 0.2; 0.4 stays 0.4)."""
    with style():
        data = values.to_numpy(dtype=float)
        stated = ~np.isnan(data)
        fig, ax = _figure((6.3, 1.3 + 0.2 * max(int(stated.sum()), 4) + 0.12 * len(values)))
        if not stated.any():  # nothing to draw: say so instead of empty axes
            return _notice(fig, ax, empty_text, title, source)
        top = max(float(np.nanmax(data)), 0) or 1.0
        y, centres = 0.0, []
        for row, present in zip(data, stated):
            first = y
            for column in np.flatnonzero(present):
                value = row[column]
                length = max(value, top * MIN_BAR) if value > 0 else value
                ax.barh(-y, length, height=0.8, color=colour(keys[column]))
                fine = 0 < abs(value) < 1 and round(value, digits + 1) != round(value, digits)
                ax.text(length + top * 0.01, -y, number(value, lang, digits + 1 if fine else digits),
                        va="center", fontsize=6)
                y += 1
            centres.append(-(first + y - 1) / 2)
            y += 0.6  # between groups
        ax.set_yticks(centres, _wrap(labels, 45))
        ax.set_xlim(0, top * 1.12)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang, 0 if v == int(v) else digits)))
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        shown = [i for i in range(len(keys)) if stated[:, i].any()]
        return _finish(fig, ax, title, source, ([Patch(color=colour(keys[i])) for i in shown],
                                                [key_labels[i] for i in shown], len(shown)))


def yearly_bars(wide: pd.DataFrame, *, partial: pd.DataFrame, months_text: list[str], labels: dict[str, str],
                title: str, ylabel: str, source: str, partial_label: str, no_data: str,
                stated: pd.DataFrame | None = None, stated_label: str = "",
                events: list[Event] | None = None, with_data: list[str] | None = None,
                not_stated: str = "") -> Figure:
    """Bars per calendar year stacked by column. A year with missing months is hatched and says
    above it how many months have data; a year with no data is shaded and left empty. When
    `with_data` (the years with a review read) is given, a year among them without a value is
    hatched instead and named `not_stated`, as the monthly charts do. A figure the foundation
    states for the whole year (`stated`) is edged in black."""
    with style():
        fig, ax = _figure((6.3, 4.2))
        years = list(wide.index)
        x = np.arange(len(years))
        none = wide.isna().all(axis=1).to_numpy()
        missing = none if with_data is None else none & ~np.isin([str(y) for y in years], list(with_data))
        unstated = none & ~missing
        _shade_missing(ax, missing)
        bottom = np.zeros(len(years))
        for column in wide.columns:
            values = wide[column].fillna(0).to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=colour(column), label=labels[column], width=0.7)
            hatch = partial[column].to_numpy(dtype=bool) & (values > 0)
            ax.bar(x[hatch], values[hatch], bottom=bottom[hatch], width=0.7, fill=False, hatch=PART_HATCH,
                   edgecolor=role("cut"), lw=0)
            if stated is not None:
                edged = stated[column].to_numpy(dtype=bool)
                ax.bar(x[edged], values[edged], bottom=bottom[edged], width=0.7, fill=False,
                       edgecolor=role("text"), lw=1.0)
            bottom += values
        top = max(bottom.max(), 1)
        for xi, height, text in zip(x, bottom, months_text):
            if text:
                ax.text(xi, height + top * 0.02, text, ha="center", va="bottom", fontsize=6)
        ax.set_xticks(x, years)
        ax.set_xlim(-0.6, len(years) - 0.4)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, top * 1.15)
        handles, names = ax.get_legend_handles_labels()
        if partial.to_numpy(dtype=bool).any():
            handles.append(Patch(facecolor=role("neutral"), hatch=PART_HATCH, edgecolor=role("cut")))
            names.append(partial_label)
        if stated is not None and stated.to_numpy(dtype=bool).any():
            handles.append(Patch(facecolor=role("background"), edgecolor=role("text")))
            names.append(stated_label)
        if unstated.any():
            handles.append(_hatch_partial(ax, unstated))
            names.append(not_stated or no_data)
        if missing.any():
            handles.append(Patch(color=colour("no_data")))
            names.append(no_data)
        ncols = 1 if max(len(n) for n in names) > 40 else 2
        return _finish(fig, ax, title, source, (handles, names, ncols), events)




class Event(NamedTuple):
    """A dated event on a chart's x axis; a `breaks` event ends a comparable series."""

    x: float
    label: str
    breaks: bool
    band: float = 0.3  # width of the hatched band before a break, in x units


def _draw_events(ax: Axes, events: list[Event]) -> tuple[list, list[str]]:
    """Thin vertical lines at events, each numbered just above the plot; a break also gets a
    shaded band edge: a narrow hatched band ending at the line, on the side before the break.
    Returns the legend entries that say what each number is."""
    handles, labels = [], []
    for number_, event in enumerate(events, start=1):
        line = role("break") if event.breaks else role("muted")
        ax.axvline(event.x, color=line, lw=1.0 if event.breaks else 0.6, ls="-" if event.breaks else ":",
                   zorder=1)
        if event.breaks:
            ax.axvspan(event.x - event.band, event.x, facecolor=role("break_band"), edgecolor=line, hatch="||||",
                       lw=0, zorder=0.5)
        ax.annotate(str(number_), xy=(event.x, 1), xycoords=("data", "axes fraction"), xytext=(0, 1.5),
                    textcoords="offset points", ha="center", va="bottom", fontsize=6, fontweight="bold",
                    color=line, annotation_clip=False)
        handles.append(Line2D([], [], color=line, lw=1.0 if event.breaks else 0.6,
                              ls="-" if event.breaks else ":"))
        labels.append(f"{number_}. {event.label}")
    return handles, labels
