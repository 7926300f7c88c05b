"""Chart primitives: each takes the data to draw and the words already in the reader's language.

All use the package style (`analysis.publication`), fixed colours per category, and a source line
inside the image. A month without data is drawn as an empty, lightly shaded slot, never as zero.
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager
from typing import Iterator

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .i18n import colour, month_tick, number  # noqa: E402

STYLE = "analysis.publication"


@contextmanager
def style() -> Iterator[None]:
    with plt.style.context(STYLE):
        yield


def _figure(size: tuple[float, float] | None = None) -> tuple[Figure, plt.Axes]:
    fig = plt.figure(figsize=size) if size else plt.figure()
    return fig, fig.add_subplot()


SOURCE_HEIGHT = 0.22  # inches kept at the bottom for the source line


def _finish(fig: Figure, ax: plt.Axes, title: str, source: str,
            legend: tuple[list, list[str], int] | None = None) -> Figure:
    """Title at the top left, an optional legend and the source line at the bottom.

    The legend and the source line sit below the plot in space the layout leaves free for them,
    so they never overlap the axes or each other, whatever the language's label lengths.
    """
    title = title[:1].upper() + title[1:]  # "қараша 2024: ..." opens a title with a capital
    fig.suptitle("\n".join(textwrap.wrap(title, 85)), x=0.01, ha="left", fontsize=9, fontweight="bold")
    height = fig.get_figheight()
    fig.text(0.01, 0.05 / height, source, fontsize=6, color="#555555", ha="left", va="bottom")
    reserved = SOURCE_HEIGHT
    if legend is not None:
        handles, labels, ncols = legend
        box = fig.legend(handles, _wrap(labels, 80 // ncols), loc="lower left", ncols=ncols,
                         bbox_to_anchor=(0.01, SOURCE_HEIGHT / height))
        reserved += box.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi + 0.05
    fig.get_layout_engine().set(rect=(0, reserved / height, 1, 1 - reserved / height))
    return fig


def _wrap(labels: list[str], width: int = 38) -> list[str]:
    return ["\n".join(textwrap.wrap(label, width)) or label for label in labels]


def _month_axis(ax: plt.Axes, months: list[str], lang: str) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 reports
    step = max(1, int(np.ceil(len(months) / 14)))
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [month_tick(months[i], lang) for i in ticks], rotation=45, ha="right")
    ax.set_xlim(-0.6, len(months) - 0.4)


def _shade_missing(ax: plt.Axes, missing: np.ndarray) -> None:
    for i in np.flatnonzero(missing):
        ax.axvspan(i - 0.5, i + 0.5, color=colour("no_data"), lw=0, zorder=0)


def stacked_bars_by_month(wide: pd.DataFrame, *, labels: dict[str, str], title: str, ylabel: str,
                          source: str, no_data: str, lang: str, derived: np.ndarray | None = None,
                          derived_label: str = "") -> Figure:
    """Bars per month stacked by column (groups or legal types); months with no value shaded;
    months derived from two cumulative statements (`derived`) hatched."""
    with style():
        fig, ax = _figure((6.3, 4.2))
        months = list(wide.index)
        x = np.arange(len(months))
        missing = wide.isna().all(axis=1).to_numpy()
        _shade_missing(ax, missing)
        bottom = np.zeros(len(months))
        for column in wide.columns:
            values = wide[column].fillna(0).to_numpy()
            ax.bar(x[~missing], values[~missing], bottom=bottom[~missing], color=colour(column),
                   label=labels[column], width=0.75)
            if derived is not None and derived.any():
                ax.bar(x[derived], values[derived], bottom=bottom[derived], width=0.75, fill=False,
                       hatch="////", edgecolor="white", lw=0)
            bottom += values
        _month_axis(ax, months, lang)
        ax.set_ylabel(ylabel)
        handles, names = ax.get_legend_handles_labels()
        if derived is not None and derived.any():
            handles.append(Patch(facecolor="#888888", hatch="////", edgecolor="white"))
            names.append(derived_label)
        if missing.any():
            handles.append(Patch(color=colour("no_data")))
            names.append(no_data)
        ax.set_ylim(0, max(bottom.max(), 1) * 1.1)
        ncols = 1 if max(len(n) for n in names) > 40 else 2
        return _finish(fig, ax, title, source, (handles, names, ncols))


def trend(series: pd.Series, smooth: pd.Series, *, key: str, title: str, ylabel: str,
          value_label: str, smooth_label: str, source: str, lang: str, derived: np.ndarray | None = None,
          derived_label: str = "") -> Figure:
    """Points for the stated monthly values and a line for their rolling mean (gaps stay gaps);
    months derived from two cumulative statements (`derived`) drawn as diamonds."""
    with style():
        fig, ax = _figure()
        months = list(series.index)
        x = np.arange(len(months))
        _shade_missing(ax, series.isna().to_numpy())
        ax.plot(x, smooth.to_numpy(), color=colour(key), lw=1.6, label=smooth_label)
        values = series.to_numpy(dtype=float)
        shown = values if derived is None else np.where(derived, np.nan, values)
        ax.plot(x, shown, "o", color=colour(key), ms=4, mfc="white", mew=1.2, label=value_label)
        if derived is not None and derived.any():
            ax.plot(x, np.where(derived, values, np.nan), "D", color=colour(key), ms=4, label=derived_label)
        _month_axis(ax, months, lang)
        ax.set_ylabel(ylabel)
        top = np.nanmax(series.to_numpy()) if series.notna().any() else 1
        ax.set_ylim(0, max(top, 1) * 1.25)
        handles, names = ax.get_legend_handles_labels()
        return _finish(fig, ax, title, source, (handles, names, 2))


def heatmap(matrix: pd.DataFrame, *, row_labels: list[str], title: str, source: str,
            not_stated: str, lang: str, column_labels: list[str] | None = None,
            cell_text: pd.DataFrame | None = None, note: str = "") -> Figure:
    """Categories (rows) x months (columns); cells not stated are grey and empty. Years as
    columns give `column_labels`, and `cell_text` marks the cells of years with missing months."""
    import seaborn as sns

    with style():
        height = 1.6 + 0.28 * len(matrix.index)
        fig, ax = _figure((6.3, max(2.6, height)))
        ax.set_facecolor(colour("no_data"))
        annot = True if cell_text is None else cell_text.to_numpy()
        sns.heatmap(matrix.astype(float), ax=ax, cmap="Blues", mask=matrix.isna(), cbar=False, annot=annot,
                    fmt=".0f" if cell_text is None else "", annot_kws={"fontsize": 6}, linewidths=0.5,
                    linecolor="white")
        ax.grid(False)
        ax.set_yticks(np.arange(len(row_labels)) + 0.5, _wrap(row_labels, 45), rotation=0)
        months = list(matrix.columns)
        ax.set_xticks(np.arange(len(months)) + 0.5, column_labels or [month_tick(m, lang) for m in months],
                      rotation=45, ha="right")
        ax.set_xlabel("")
        ax.set_ylabel("")
        names = [not_stated] + ([note] if note else [])
        handles = [Patch(color=colour("no_data"))] + ([Patch(color="white")] if note else [])
        return _finish(fig, ax, title, source, (handles, names, 1))


def paired_bars(table: pd.DataFrame, *, labels: list[str], keys: list[str], title: str,
                previous_label: str, current_label: str, ratio_labels: list[str], source: str,
                lang: str, empty_text: str = "") -> Figure:
    """Horizontal pairs: previous period (light) and current period (dark), ratio on the right."""
    with style():
        fig, ax = _figure((6.3, 1.6 + 0.55 * max(len(table), 1)))
        if table.empty:  # nothing comparable: say so instead of drawing empty axes
            ax.text(0.5, 0.5, empty_text, ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return _finish(fig, ax, title, source)
        y = np.arange(len(table))[::-1]
        for yi, key, prev, cur in zip(y, keys, table["previous"], table["current"]):
            ax.barh(yi + 0.18, prev, height=0.34, color=colour(key), alpha=0.4)
            ax.barh(yi - 0.18, cur, height=0.34, color=colour(key))
        top = max(table[["previous", "current"]].to_numpy().max(), 1)
        for yi, prev, cur, text in zip(y, table["previous"], table["current"], ratio_labels):
            ax.text(prev + top * 0.01, yi + 0.18, number(prev, lang), va="center", fontsize=6)
            ax.text(cur + top * 0.01, yi - 0.18, number(cur, lang), va="center", fontsize=6)
            ax.text(top * 1.45, yi, text, va="center", ha="right", fontsize=7)
        ax.set_yticks(y, _wrap(labels))
        ax.set_xlim(0, top * 1.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        return _finish(fig, ax, title, source, ([Patch(color="#888888", alpha=0.4), Patch(color="#888888")],
                                                [previous_label, current_label], 2))


def horizontal_bars(values: pd.Series, *, labels: list[str], keys: list[str], title: str,
                    xlabel: str, source: str, lang: str, digits: int = 0, empty_text: str = "") -> Figure:
    """One bar per row in the given order (all rows shown, zeros included), value at the end."""
    with style():
        fig, ax = _figure((6.3, 1.3 + 0.24 * max(len(values), 4)))
        if values.empty:  # nothing to draw: say so instead of empty axes
            ax.text(0.5, 0.5, empty_text, ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return _finish(fig, ax, title, source)
        y = np.arange(len(values))[::-1]
        ax.barh(y, values.to_numpy(), color=[colour(k) for k in keys], height=0.7)
        top = max(float(values.max()), 1.0)
        for yi, v in zip(y, values.to_numpy()):
            ax.text(v + top * 0.01, yi, number(v, lang, digits), va="center", fontsize=6)
        ax.set_yticks(y, _wrap(labels, 45))
        ax.set_xlim(0, top * 1.12)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        return _finish(fig, ax, title, source)


def yearly_bars(wide: pd.DataFrame, *, partial: pd.DataFrame, months_text: list[str], labels: dict[str, str],
                title: str, ylabel: str, source: str, partial_label: str, no_data: str,
                stated: pd.DataFrame | None = None, stated_label: str = "") -> Figure:
    """Bars per calendar year stacked by column. A year with missing months is hatched and says
    above it how many months have data; a year with no data is shaded and left empty. A figure the
    foundation states for the whole year (`stated`) is edged in black."""
    with style():
        fig, ax = _figure((6.3, 4.2))
        years = list(wide.index)
        x = np.arange(len(years))
        missing = wide.isna().all(axis=1).to_numpy()
        _shade_missing(ax, missing)
        bottom = np.zeros(len(years))
        for column in wide.columns:
            values = wide[column].fillna(0).to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=colour(column), label=labels[column], width=0.7)
            hatch = partial[column].to_numpy(dtype=bool) & (values > 0)
            ax.bar(x[hatch], values[hatch], bottom=bottom[hatch], width=0.7, fill=False, hatch="////",
                   edgecolor="white", lw=0)
            if stated is not None:
                edged = stated[column].to_numpy(dtype=bool)
                ax.bar(x[edged], values[edged], bottom=bottom[edged], width=0.7, fill=False,
                       edgecolor="black", lw=1.0)
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
            handles.append(Patch(facecolor="#888888", hatch="////", edgecolor="white"))
            names.append(partial_label)
        if stated is not None and stated.to_numpy(dtype=bool).any():
            handles.append(Patch(facecolor="white", edgecolor="black"))
            names.append(stated_label)
        if missing.any():
            handles.append(Patch(color=colour("no_data")))
            names.append(no_data)
        ncols = 1 if max(len(n) for n in names) > 40 else 2
        return _finish(fig, ax, title, source, (handles, names, ncols))


def mark_events(fig: Figure, positions: list[float], labels: list[str], breaks: list[bool],
                band: float = 0.3) -> Figure:
    """Thin labelled vertical lines at events on a figure's axes; a break also gets a shaded band
    edge: a narrow hatched band ending at the line, on the side before the break."""
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    for x, label, is_break in zip(positions, labels, breaks):
        ax.axvline(x, color="#7f3b08" if is_break else "#555555", lw=1.0 if is_break else 0.6,
                   ls="-" if is_break else ":", zorder=1)
        if is_break:
            ax.axvspan(x - band, x, facecolor="#f6e8c3", edgecolor="#7f3b08", hatch="||||", lw=0, zorder=0.5)
        ax.text(x + 0.08, high - (high - low) * 0.02, label, rotation=90, ha="left", va="top", fontsize=5,
                color="#7f3b08" if is_break else "#333333", zorder=3,
                bbox={"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 0.6})
    return fig
