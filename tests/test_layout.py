"""Every named figure, in every language and at every size, on the shipped data: no text off the
canvas or overlapping, and no character missing from the font.

The check reads the extents matplotlib renders (`analysis.plots.layout_problems`), so a title cut
at the edge, month labels running into each other or a legend over the source line all fail here.
A glyph missing from the font (matplotlib's warning "Glyph ... missing from font") fails too.

The dark variants are the light drawings re-coloured (`variants.to_dark`): their layout is the
light one's, so each layout is drawn once per figure and language, in the light theme. At the sizes
with a layout of their own (social, square), one figure of each kind is drawn: see `_one_of_each_kind`.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from conftest import figure_makers, makers_called
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis import case_figures, cases, figures, plots, taxonomy, variants
from analysis.runs import default_trend_start
from analysis.text import nonbreaking, unbreakable

LANGS = ("en", "ru", "kk")
DEFAULT_WIDTH = 6.3  # inches: every figure's width at the default size
# The sizes laid out on a canvas of their own; the others (newsletter, and print at a print column
# of the default width) are the default drawing saved at another resolution, checked above.
SIZES = tuple(name for name, size in variants.SIZES.items()
              if not size.shares_layout((DEFAULT_WIDTH, 3.6)) or not size.shares_layout((DEFAULT_WIDTH, 9.0)))
MISSING_GLYPH = r"Glyph .* missing from font"


def drawn(spec: figures.FigureSpec, lang: str, size: str = "default") -> tuple[Figure, list[str]]:
    """The figure drawn at `size` and laid out, and its problems; a missing glyph is an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        with variants.drawing_at(variants.SIZES[size]):
            fig = spec.draw(lang)
        problems = plots.layout_problems(fig)
    return fig, [f"{spec.name} ({spec.params.get('start', '')}) {lang} {size}: {p}" for p in problems]


def _specs(counts: pd.DataFrame, incidents: pd.DataFrame) -> list[figures.FigureSpec]:
    pub = counts[counts["source"] == "published"]
    end, first = max(pub["month"]), min(counts["month"])
    start = default_trend_start(counts)
    stated = sorted(set(pub["category"].astype(str)) & set(taxonomy.category_codes()))
    longest = sorted(stated, key=lambda c: -max(len(taxonomy.category_label(c, lang)) for lang in LANGS))[:3]
    return [figures.groups_stacked(counts, start, end, end),
            figures.groups_stacked(counts, first, end, end),  # 16 years: month labels thinned
            figures.false_information_trend(counts, start, end, 3, end),
            *[figures.category_trend(counts, code, start, end, 3, end) for code in longest],  # longest titles
            figures.category_heatmap(counts, None, start, end, end),
            figures.category_heatmap(counts, None, first, end, end),
            figures.legal_claims_by_type(counts, start, end, end),
            figures.ytd_comparison(counts, end),
            figures.month_categories(counts, end),
            figures.incidents_by_region(incidents, first, end),
            figures.month_categories(counts, "2019-08"),  # no review read: notices instead of charts
            figures.ytd_comparison(counts, "2019-08"),
            figures.category_heatmap(counts, None, "2019-08", "2019-08", "2019-08"),
            figures.amounts_by_category(incidents, first, end)]


@pytest.mark.parametrize("lang", LANGS)  # one test per language: the workers share them out
def test_every_figure_in_every_language_keeps_its_text_on_the_canvas_and_apart(shipped_clean, lang):
    counts, _, incidents = shipped_clean
    problems = []
    for spec in _specs(counts, incidents):
        fig, found = drawn(spec, lang)
        problems += found
        fig.clear()
    assert problems == []


def _one_of_each_kind(counts: pd.DataFrame, incidents: pd.DataFrame) -> list[figures.FigureSpec]:
    """One figure of each kind, with the longest words: every chart primitive of `plots` and
    `case_figures` and the notice that replaces an empty chart; the month axis thinned (by month)
    and the year axis (16 years); the tallest figures (30 heat-map rows, 20 regions), which the fixed
    frames of `social` and `square` scale; the longest category title."""
    pub = counts[counts["source"] == "published"]
    end, first = max(pub["month"]), min(counts["month"])
    start = default_trend_start(counts)
    longest = max(sorted(set(pub["category"].astype(str)) & set(taxonomy.category_codes())),
                  key=lambda c: max(len(taxonomy.category_label(c, lang)) for lang in LANGS))
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    articles = cases.false_information_articles()
    return [figures.groups_stacked(counts, start, end, end),
            figures.groups_stacked(counts, first, end, end),
            figures.category_trend(counts, longest, start, end, 3, end),
            figures.category_heatmap(counts, None, start, end, end),
            figures.ytd_comparison(counts, end),
            figures.incidents_by_region(incidents, first, end),
            figures.amounts_by_category(incidents, first, end),
            figures.month_categories(counts, "2019-08"),
            case_figures.cases_timeline(ledger, events, first, end, articles)[0],
            case_figures.cases_outcomes(ledger, events, first, end, articles),
            case_figures.cases_active(events, ledger, start, end, articles)]


def test_the_layout_tests_draw_every_figure_the_package_makes(shipped_clean):
    """A new figure function is in the lists above, or this fails: a figure is laid out in every
    language (`_specs`, `_one_of_each_kind`) once it exists, not once somebody remembers it."""
    counts, _, incidents = shipped_clean
    makers = figure_makers()
    assert len(makers) >= 12 and {"figures.month_categories", "case_figures.cases_timeline"} <= makers
    assert makers_called(_specs, counts, incidents) | makers_called(_one_of_each_kind, counts, incidents) == makers


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)  # one test per language and size: the workers share them out
def test_every_kind_of_figure_at_every_size_keeps_its_text_on_the_canvas_and_apart(shipped_clean, lang, size):
    counts, _, incidents = shipped_clean
    problems = []
    for spec in _one_of_each_kind(counts, incidents):
        fig, found = drawn(spec, lang, size)
        problems += found
        fig.clear()
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_text_keeps_its_share_of_the_canvas_at_every_resolution_a_drawing_is_saved_at(lang):
    """Every PNG of a drawing is drawn at the positions laid out for its 300-dpi file: the newsletter's
    640 px and the preview a notebook shows among them. Hinted text was 3 to 4% wider at 640 px,
    which pushed the first letters of the longest labels off the canvas."""
    label = max((taxonomy.category_label(code, lang) for code in taxonomy.category_codes()), key=len)
    widths = []
    with plots.style():  # as the files are saved
        fig, _ = plots._figure((DEFAULT_WIDTH, 3.6))
        text = fig.text(0, 0.5, label)
        for dpi in (300, variants.SIZES["newsletter"].dpi(fig), 150):
            fig.set_dpi(dpi)
            widths.append(text.get_window_extent(fig.canvas.get_renderer()).width / dpi)
    assert max(widths) / min(widths) < 1.01, widths


def test_the_newsletter_copy_of_a_figure_with_labels_at_the_edge_keeps_them_on_the_canvas(shipped_clean):
    counts, _, _ = shipped_clean
    with plots.style():  # as the files are saved: laid out for the 300-dpi file, the others at its positions
        fig = figures.month_categories(counts, "2024-09").draw("ru")
        fig.set_dpi(300)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        fig.set_dpi(variants.SIZES["newsletter"].dpi(fig))
        assert plots.layout_problems(fig) == []


def test_a_character_missing_from_the_font_fails_the_figure():
    spec = figures.FigureSpec("x", pd.DataFrame(), lambda lang: plots.horizontal_bars(
        pd.Series([1.0]), labels=["漢字"], keys=["threat"], title="T", xlabel="x", source="s", lang=lang),
        lambda lang: {})
    with pytest.raises(UserWarning, match=re.compile(MISSING_GLYPH)):
        drawn(spec, "en")


def test_the_checker_finds_a_cut_title_and_colliding_labels():
    fig, ax = plots._figure((3, 2))
    fig.suptitle("A title far too long for a figure three inches wide, never wrapped", x=0.01, ha="left")
    ax.set_xticks(range(12), [f"label {i}" for i in range(12)])
    problems = plots.layout_problems(fig)
    assert any(p.startswith("title outside the canvas") for p in problems)
    assert any("x tick label 'label 0' overlaps x tick label 'label 1'" in p for p in problems)


def test_rotated_month_labels_side_by_side_do_not_count_as_overlapping():
    with plots.style():
        fig, ax = plots._figure((6.3, 3))
    ax.set_xlim(-0.5, 5.5)
    ax.set_xticks(range(6), ["Jan 24", "Feb 24", "Mar 24", "Apr 24", "May 24", "Jun 24"], rotation=45,
                  ha="right", rotation_mode="anchor")
    assert plots.layout_problems(fig) == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_title_is_wrapped_whole_never_cut(lang):
    title = {"en": "Refusal or restriction of socially significant information: reports per month",
             "ru": "Отказ или ограничение в предоставлении общественно значимой информации: сообщений в месяц",
             "kk": "Санаттар бойынша айыппұлдар, талаптар мен өндірілген сомалар, теңге, "
                   "2009 ж. қаңтар – 2024 ж. қараша"}[lang]
    fig, _ = plots._figure((4, 3))
    wrapped = plots.fit_text(fig, title, 9, "bold")
    assert wrapped.split() == title.split()  # every word kept, dashes included
    assert wrapped.count("\n") >= 1
    probe = Text(0, 0, "", fontsize=9, fontweight="bold", figure=fig)
    for line in wrapped.split("\n"):
        probe.set_text(line)
        assert probe.get_window_extent(fig.canvas.get_renderer()).width <= 4 * fig.dpi


def test_a_line_never_breaks_inside_a_date_an_article_or_the_licence():
    fig, _ = plots._figure((4, 3))
    text = "Санаттар бойынша істер (ҚК 274-бап, ӘҚБтК 456-2-бап), 2009 ж. қаңтар – 2024 ж. қараша · Лицензия: CC BY 4.0"
    kept = ["(ҚК 274-бап,", "ӘҚБтК 456-2-бап),", "2009 ж. қаңтар –", "2024 ж. қараша ·", "Лицензия: CC BY 4.0"]
    for width in (0.6, 0.9, 1.2, 1.6, 2.0, 2.5, 3.0, 4.0):  # inches: every break the text can take
        lines = plots.fit_text(fig, text, 9, "bold", width=width).split("\n")
        assert " ".join(lines) == text, width
        assert all(any(unit in line for line in lines) for unit in kept), (width, lines)
    assert unbreakable("a – b") == ["a –", "b"] and unbreakable("CC BY") == ["CC BY"]
    assert unbreakable("Дереккөз: «Әділ сөз» · Лицензия: CC BY 4.0") == [
        "Дереккөз: «Әділ", "сөз» ·", "Лицензия: CC BY 4.0"]


def test_a_page_never_breaks_a_date_a_count_or_the_licence_but_leaves_its_markup_alone():
    """A browser breaks lines at spaces: in the text of a page a year is joined to the word before
    it, a year written first to its mark and month, a number to the word after it, a dash to the
    word before it and the licence's words, by no-break spaces, and a range of numbers, an article
    or years by a word joiner after the dash or hyphen (not a date, a month or a file name); tags and
    their attributes, style sheets, scripts and code to copy are not touched."""
    page = ('<h1 title="ноябрь 2024">Бұзылуы, 2024 ж. қараша</h1><p style="margin:0 auto">ноябрь 2024 · угроза — '
            '2 случая · CC BY 4.0; 12 ж. ішінде; 57; за; 1,1–2,6 раза; 2024-11; '
            'Code 456-2. 456-2-бабы (2009-2010) 2022-06-08 2014-02.csv AS-2025-01-001</p>'
            '<style>p { margin: 0 auto }</style>'
            '<pre>&lt;p style=&#34;margin:0 auto&#34;&gt;</pre><script>let a = b 2024</script>')
    assert nonbreaking(page) == ('<h1 title="ноябрь 2024">Бұзылуы, 2024\u00a0ж.\u00a0қараша</h1>'
                                 '<p style="margin:0 auto">ноябрь\u00a02024 · угроза\u00a0— 2\u00a0случая · '
                                 'CC\u00a0BY\u00a04.0; 12\u00a0ж. ішінде; 57; за; 1,1–\u20602,6\u00a0раза; 2024-11; '
                                 'Code 456-\u20602. 456-\u20602-бабы (2009-\u20602010) 2022-06-08 2014-02.csv '
                                 'AS-2025-01-001</p>'
                                 '<style>p { margin: 0 auto }</style>'
                                 '<pre>&lt;p style=&#34;margin:0 auto&#34;&gt;</pre><script>let a = b 2024</script>')


def test_a_bar_label_is_wrapped_whole_and_never_inside_a_date():
    label = "Воспрепятствование законной профессиональной деятельности (июнь 2024; месяцев с данными за оба года: 1)"
    for width in (12, 20, 30, 38, 45):
        lines = plots._wrap([label], width)[0].split("\n")
        assert " ".join(lines) == label
        assert any("(июнь 2024;" in line for line in lines) and any("года: 1)" in line for line in lines)
        assert all(len(line) <= width or line in unbreakable(label) for line in lines)  # else one unit
