"""The case ledger's figures: the cases' timelines, their outcomes, and the cases active by month.

Each is a `figures.FigureSpec` (exported by `figures.export` in three languages with its CSV and
JSON), drawn with the package style and the primitives of `plots`.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from . import cases as ledger
from . import describe, plots, taxonomy
from .config import CASE_OPEN_WITHOUT_NEWS_MONTHS
from .figures import FigureSpec, _alt_bars, _long, _source, _titled
from .i18n import colour, month_label, month_tick, number, t

LANES_PER_PAGE = 40  # a timeline stays readable up to 40 cases; more go on further pages
MIN_DAYS = 20  # a segment is drawn at least this wide (or 0.6% of the time shown), so that it shows


def article_names(articles: list[str], lang: str) -> str:
    """"Criminal Code 274, Administrative Code 456-2" in the reader's language."""
    table = taxonomy.legal_articles().drop_duplicates("article").set_index("article")["family"]
    names = [t("article_name", lang, code=t(f"code_{table[a]}", lang), article=a) if a in table.index else a
             for a in articles]
    return ", ".join(names)


# --- the timeline ----------------------------------------------------------------------------------

def timeline_segments(cases: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """What the timeline draws: for each case, its stages as segments of time, and its verdicts.

    A segment runs from a mention to the next mention that records another stage, coloured by
    the stage recorded last (`unknown` before any). `kind` is `stage`, or `verdict` for a mark.
    `start_precision` and `end_precision` say whether the log dates that mention to the day or
    only to the month (drawn at its first day).
    """
    rows = []
    for lane, case in enumerate(cases.itertuples(index=False)):
        part = events[events["case_id"] == case.case_id].sort_values("event_date", kind="stable")
        dates = list(zip(part["event_date"], part["date_precision"]))
        stages = part["stage"].replace(ledger.UNKNOWN, np.nan).ffill().fillna(ledger.UNKNOWN).tolist()
        for i, (date, stage) in enumerate(zip(dates, stages)):
            if i and stage == stages[i - 1]:
                continue
            following = next((d for d, s in zip(dates[i + 1:], stages[i + 1:]) if s != stage), dates[-1])
            rows.append({"case_id": case.case_id, "lane": lane, "kind": "stage", "stage": stage,
                         "start": date[0], "end": following[0], "start_precision": date[1],
                         "end_precision": following[1]})
        for date, precision in part.loc[part["stage"].eq("verdict"), ["event_date", "date_precision"]].itertuples(
                index=False):
            rows.append({"case_id": case.case_id, "lane": lane, "kind": "verdict", "stage": "verdict",
                         "start": date, "end": date, "start_precision": precision, "end_precision": precision})
    return pd.DataFrame(rows, columns=["case_id", "lane", "kind", "stage", "start", "end", "start_precision",
                                       "end_precision"])


def lane_label(case: pd.Series | tuple, width: int = 30) -> str:
    """Who the case is about (the first person or outlet, shortened to a line) above its article
    and how many more people or outlets it concerns: two lines at most."""
    names = [n for n in (case.people or case.outlets).split("; ") if n] or [case.case_id]
    who = textwrap.shorten(names[0], width, placeholder="…")
    more = [f"+{len(names) - 1}"] if len(names) > 1 else []
    second = " · ".join(more + ([case.article] if case.article else []))
    return f"{who}\n{second}" if second else who


def _date_ticks(ax, first: pd.Timestamp, last: pd.Timestamp, lang: str) -> None:
    """Month labels over up to 30 months, else years, at most 12 labels (`_finish` thins them further)."""
    months = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
    if len(months) > 30:
        years = list(range(first.year + 1, last.year + 1))
        years = years[::max(1, int(np.ceil(len(years) / 12)))]
        ax.set_xticks([mdates.date2num(pd.Timestamp(year=y, month=1, day=1)) for y in years],
                      [str(y) for y in years])
    else:
        ax.set_xticks([mdates.date2num(m.to_timestamp()) for m in months],
                      [month_tick(str(m), lang) for m in months], rotation=45, ha="right", rotation_mode="anchor")


def _timeline_figure(page: pd.DataFrame, segments: pd.DataFrame, title: str, source: str, lang: str,
                     end: str) -> Figure:
    """The axis runs from the first mention to the end of the period (`end`, the month the logs were
    last read), so that the time since a case's last mention shows."""
    with plots.style():
        fig, ax = plots._figure((6.3, 1.9 + 0.3 * max(len(page), 4)))
        lanes = len(page)
        first = segments["start"].min()
        last = max(segments["end"].max(), pd.Period(end, "M").end_time.normalize())
        shortest = max(MIN_DAYS, (last - first).days * 0.006)  # a single mention still shows
        for row in segments[segments["kind"] == "stage"].itertuples(index=False):
            start, end = mdates.date2num(row.start), mdates.date2num(row.end)
            ax.barh(lanes - 1 - row.lane, max(end - start, shortest), left=start, height=0.55,
                    color=colour(f"stage_{row.stage}"), lw=0)
        marks = segments[segments["kind"] == "verdict"]
        ax.scatter(mdates.date2num(marks["start"]), lanes - 1 - marks["lane"], marker="D", s=14,
                   color=plots.role("text"), zorder=3)
        ax.set_yticks(np.arange(lanes)[::-1], [lane_label(case) for case in page.itertuples(index=False)])
        ax.set_ylim(-0.7, lanes - 0.3)
        pad = (last - first) * 0.02 + pd.Timedelta(days=5)
        ax.set_xlim(mdates.date2num(first - pad), mdates.date2num(last + pad))
        _date_ticks(ax, first - pad, last + pad, lang)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        shown = [s for s in (*ledger.STAGES, ledger.UNKNOWN) if s in set(segments["stage"])]
        handles = [Patch(color=colour(f"stage_{s}")) for s in shown]
        names = [ledger.stage_label(s, lang) for s in shown]
        if len(marks):
            handles.append(Line2D([], [], marker="D", color=plots.role("text"), lw=0, markersize=4))
            names.append(t("legend_verdict", lang))
        return plots._finish(fig, ax, title, source, (handles, names, 3))


def cases_timeline(cases: pd.DataFrame, events: pd.DataFrame, start: str, end: str,
                   articles: list[str]) -> list[FigureSpec]:
    """One lane per case under `articles` seen in the period, its stages coloured, the verdict marked.

    Up to 40 cases a figure: `cases_timeline`, then `cases_timeline_2`, ... in order of first mention.
    """
    chosen = ledger.seen_between(ledger.with_articles(cases, articles), events, start, end).sort_values(
        ["first_date", "case_id"], kind="stable").reset_index(drop=True)
    pages = [chosen.iloc[i:i + LANES_PER_PAGE].reset_index(drop=True)
             for i in range(0, max(len(chosen), 1), LANES_PER_PAGE)]
    specs = []
    for number_of, page in enumerate(pages, start=1):
        segments = timeline_segments(page, events)
        specs.append(_timeline_spec(page, segments, start, end, articles, number_of, len(pages)))
    return specs


def _timeline_spec(page: pd.DataFrame, segments: pd.DataFrame, start: str, end: str, articles: list[str],
                   page_number: int, pages: int) -> FigureSpec:
    name = "cases_timeline" if page_number == 1 else f"cases_timeline_{page_number}"
    data = segments.merge(page[["case_id", "people", "outlets", "article"]], on="case_id", how="left")

    def texts(lang: str) -> dict[str, str]:
        key = "title_cases_timeline" if pages == 1 else "title_cases_timeline_page"
        title = _titled(key, lang, start, end, articles=article_names(articles, lang), page=page_number,
                        pages=pages)
        reached = page["stage"].value_counts()
        stages = ", ".join(f"{ledger.stage_label(s, lang)} {n}" for s, n in reached.items())
        body = describe.ranking_description([ledger.stage_label(s, lang) for s in reached.index], reached.tolist(),
                                            lang, word="legal_cases")
        return {"title": title, "caption": t("caption_cases_timeline", lang),
                "alt_text": t("alt_cases_timeline", lang, n=len(page), title=title, stages=stages or "-"),
                "long_description": _long(title, body, _source(end, lang, incidents=True))}

    def draw(lang: str) -> Figure:
        source = _source(end, lang, incidents=True)
        if page.empty:
            with plots.style():
                fig, ax = plots._figure((6.3, 2.4))
                return plots._notice(fig, ax, t("cases_none", lang), texts(lang)["title"], source)
        return _timeline_figure(page, segments, texts(lang)["title"], source, lang, end)

    return FigureSpec(name, data, draw, texts, {"start": start, "end": end, "articles": articles,
                                                "page": page_number, "pages": pages})


# --- the outcomes ----------------------------------------------------------------------------------

OUTCOMES = ("convicted", "fined", "claim_satisfied", "acquitted", "dismissed", "settled", ledger.NO_OUTCOME,
            ledger.NOT_ENDED)


def outcomes_by_article_and_year(cases: pd.DataFrame, events: pd.DataFrame, start: str, end: str,
                                 articles: list[str]) -> pd.DataFrame:
    """The cases active in the period (`cases.seen_between`) by article, year of last mention and the
    outcome last recorded: `none` for a case that ended with none recorded, `open` for a case whose
    end is not recorded."""
    chosen = ledger.seen_between(ledger.with_articles(cases, articles), events, start, end)
    rows = [{"article": a, "year": int(case.last_month[:4]),
             "outcome": case.outcome or (ledger.NO_OUTCOME if case.ended else ledger.NOT_ENDED)}
            for case in chosen.itertuples(index=False) for a in case.article.split("; ") if a in articles]
    frame = pd.DataFrame(rows, columns=["article", "year", "outcome"])
    table = frame.groupby(["article", "year", "outcome"]).size().rename("cases").reset_index()
    order = {o: i for i, o in enumerate(OUTCOMES)}
    return table.sort_values(["article", "year", "outcome"], key=lambda s: s.map(order) if s.name == "outcome"
                             else s, kind="stable").reset_index(drop=True)


def _outcome_style(outcome: str) -> dict:
    """A bar of an outcome in its colour; a case whose end is not recorded is a hollow bar."""
    if outcome == ledger.NOT_ENDED:
        return {"facecolor": plots.role("background"), "edgecolor": plots.role("neutral"), "linewidth": 0.8}
    return {"color": colour(f"outcome_{outcome}")}


def cases_outcomes(cases: pd.DataFrame, events: pd.DataFrame, start: str, end: str, articles: list[str]) -> FigureSpec:
    table = outcomes_by_article_and_year(cases, events, start, end, articles)
    years = list(range(int(start[:4]), int(end[:4]) + 1))

    def texts(lang: str) -> dict[str, str]:
        title = _titled("title_cases_outcomes", lang, start, end, articles=article_names(articles, lang))
        totals = table.groupby("outcome")["cases"].sum()
        labels = [ledger.outcome_label(o, lang) for o in totals.index]
        body = describe.ranking_description(labels, totals.tolist(), lang, word="legal_cases")
        return {"title": title, "caption": t("caption_cases_outcomes", lang),
                "alt_text": _alt_bars(title, labels, totals.tolist(), lang),
                "long_description": _long(title, body, _source(end, lang, incidents=True))}

    def draw(lang: str) -> Figure:
        title, source = texts(lang)["title"], _source(end, lang, incidents=True)
        with plots.style():
            if table.empty:
                fig, ax = plots._figure((6.3, 2.4))
                return plots._notice(fig, ax, t("cases_none", lang), title, source)
            fig = plots.canvas((6.3, 1.6 + 1.5 * len(articles)))
            axes = fig.subplots(len(articles), 1, sharex=True, squeeze=False)[:, 0]
            x = np.arange(len(years))
            shown = [o for o in OUTCOMES if o in set(table["outcome"])]
            for ax, article in zip(axes, articles):
                part = table[table["article"] == article].pivot_table(
                    index="year", columns="outcome", values="cases", aggfunc="sum").reindex(years).fillna(0)
                bottom = np.zeros(len(years))
                for outcome in shown:
                    values = part[outcome].to_numpy(dtype=float) if outcome in part else np.zeros(len(years))
                    drawn = values > 0  # no empty bar: a hollow one would leave its edge on the axis
                    ax.bar(x[drawn], values[drawn], bottom=bottom[drawn], width=0.7, **_outcome_style(outcome))
                    bottom += values
                ax.set_title(article_names([article], lang), fontsize=8, loc="left")
                ax.set_xlim(-0.6, len(years) - 0.4)
                ax.set_ylim(0, max(bottom.max(), 1) * 1.15)
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_ylabel(t("axis_cases", lang))
            axes[-1].set_xticks(x, [str(y) for y in years], rotation=45, ha="right", rotation_mode="anchor")
            handles = [Patch(**_outcome_style(o)) for o in shown]
            labels = [ledger.outcome_label(o, lang) for o in shown]
            return plots._finish(fig, axes[0], title, source, (handles, labels, 3))

    return FigureSpec("cases_outcomes", table, draw, texts, {"start": start, "end": end, "articles": articles})


# --- active cases by month -------------------------------------------------------------------------

def active_by_month(events: pd.DataFrame, cases: pd.DataFrame, start: str, end: str,
                    articles: list[str], logged: set[str] | None = None) -> pd.DataFrame:
    """Per month of the period: cases active (mentioned or open), those of them mentioned in the
    month (the others are open with no news that month), new, and ended (see `cases.case_months`).

    `logged`: the months with an incident log (default: every month). In a month without one,
    what it would have said is not known: mentioned, new and ended are empty there, not zero; the
    cases open before it are still counted active."""
    chosen = set(ledger.with_articles(cases, articles)["case_id"])
    months = ledger.case_months(events[events["case_id"].isin(chosen) & (events["report_month"] <= end)], end)
    span = [str(p) for p in pd.period_range(start, end, freq="M")]
    if months.empty:
        table = pd.DataFrame({"month": span, "active": 0, "mentioned": 0, "new": 0, "ended": 0})
    else:
        table = months.groupby("month").agg(active=("case_id", "nunique"), mentioned=("mentioned", "sum"),
                                            new=("new", "sum"), ended=("ended", "sum"))
        table = table.reindex(span, fill_value=0).astype("int64").rename_axis("month").reset_index()
    unknown = ~table["month"].isin(set(span) if logged is None else logged)
    said = ["mentioned", "new", "ended"]
    return table.assign(**{c: table[c].astype("Int64").mask(unknown) for c in said})


def cases_active(events: pd.DataFrame, cases: pd.DataFrame, start: str, end: str, articles: list[str],
                 logged: set[str] | None = None) -> FigureSpec:
    """The cases active each month (`active_by_month`); a month without an incident log (not among
    `logged`, when given) is shaded, its new and ended cases not known."""
    table = active_by_month(events, cases, start, end, articles, logged)
    unlogged = table["mentioned"].isna().to_numpy()

    def texts(lang: str) -> dict[str, str]:
        title = _titled("title_cases_active", lang, start, end, articles=article_names(articles, lang))
        values = table["active"].tolist()
        if not values or max(values) == 0:
            alt = title
        else:
            i = int(np.argmax(values))
            alt = t("alt_cases_active", lang, title=title, top=month_label(table["month"][i], lang),
                    value=number(values[i], lang))
        active = table.set_index("month")["active"].astype(float)
        body = describe.series_description(active.mask(unlogged), lang, "legal_cases")  # shaded: not known
        return {"title": title, "caption": t("caption_cases_active", lang,
                                             months=number(CASE_OPEN_WITHOUT_NEWS_MONTHS, lang)), "alt_text": alt,
                "long_description": _long(title, body, _source(end, lang, incidents=True))}

    def draw(lang: str) -> Figure:
        with plots.style():
            fig, ax = plots._figure((6.3, 3.8))
            months = table["month"].tolist()
            x = np.arange(len(months))
            plots._shade_missing(ax, unlogged)  # no incident log: what the month would have said is not known
            mentioned = table["mentioned"].fillna(0).to_numpy(dtype=int)
            ax.bar(x, mentioned, color=colour("cases_active"), width=0.75)
            # open with no news in the month: carried from the last mention, in a tint of the colour
            ax.bar(x, table["active"].to_numpy() - mentioned, bottom=mentioned, width=0.75,
                   **plots.tint(colour("cases_active"), edged=False))
            new, ended = (table[c].fillna(0).to_numpy(dtype=int) for c in ("new", "ended"))
            # in its own month, each: an ended case is a ring, so that a month with as many new cases
            # as ended ones shows the new one's triangle inside it
            ax.scatter(x[new > 0], new[new > 0], marker="^", s=14, color=colour("cases_new"), zorder=3, clip_on=False)
            ax.scatter(x[ended > 0], ended[ended > 0], marker="o", s=48, facecolors="none",
                       edgecolors=colour("cases_ended"), linewidths=1.0, zorder=4, clip_on=False)
            plots._month_axis(ax, months, lang)
            ax.set_ylim(0, max(int(table["active"].max()), 1) * 1.15)
            ax.set_ylabel(t("axis_cases", lang))
            handles = [Patch(color=colour("cases_active")), Patch(**plots.tint(colour("cases_active"), edged=False)),
                       Line2D([], [], marker="^", color=colour("cases_new"), lw=0, markersize=4),
                       Line2D([], [], marker="o", color=colour("cases_ended"), mfc="none", lw=0, markersize=6)]
            names = [t(k, lang) for k in ("legend_cases_mentioned", "legend_cases_not_mentioned",
                                          "legend_new_cases", "legend_ended_cases")]
            if unlogged.any():
                handles.append(Patch(color=colour("no_data")))
                names.append(t("legend_no_log", lang))
            return plots._finish(fig, ax, texts(lang)["title"], _source(end, lang, incidents=True),
                                 (handles, names, 2))

    return FigureSpec("cases_active", table, draw, texts, {"start": start, "end": end, "articles": articles})
