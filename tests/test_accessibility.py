"""Accessible figures: colours told apart under colour-vision deficiencies, long descriptions from
the data, SVG titles for screen readers, and alt text and data tables in the HTML copies."""

from __future__ import annotations

import io
import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import nbformat
import numpy as np
import pandas as pd
import pytest
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb

from analysis import accessibility, cases, describe, figures, taxonomy, variants
from analysis.domain_data import read_domain
from analysis.execute import write_html
from analysis.i18n import colours, t

# Colours a reader tells apart by colour alone, through a legend: the groups (and "other"; a chart
# of categories draws each in its group's), the legal types, the stages and outcomes of cases, the
# marks of the active-cases chart, cities against regions, and the kinds of amount.
LEGEND_SETS = {
    "groups": [*taxonomy.group_codes(), "other_unspecified"],
    "legal types": ["criminal", "civil", "administrative"],
    "stages": [k for k in colours() if k.startswith("stage_")],
    "outcomes": [k for k in colours() if k.startswith("outcome_")],
    "active cases": ["cases_active", "cases_new", "cases_ended"],
    "cities and regions": ["city", "region"],
    "kinds of amount": ["amount_claimed", "amount_awarded", "amount_fine", "amount_amount"],
}
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: deuteranopia, ...
MIN_DISTANCE = 10.0  # CAM02-UCS units; 1 is barely visible, 10 tells two legend keys apart at a glance


def too_close(palette: dict[str, str], threshold: float = MIN_DISTANCE) -> list[str]:
    """Pairs of colours nearer than `threshold` in CAM02-UCS as seen with each deficiency
    (Machado et al. 2009, through colorspacious)."""
    problems = []
    for kind in DEFICIENCIES:
        space = {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
        seen = {k: cspace_convert(np.clip(cspace_convert(np.array(to_rgb(c)), space, "sRGB1"), 0, 1),
                                  "sRGB1", "CAM02-UCS") for k, c in palette.items()}
        for a, b in itertools.combinations(palette, 2):
            distance = float(np.linalg.norm(seen[a] - seen[b]))
            if distance < threshold:
                problems.append(f"{a} {palette[a]} and {b} {palette[b]}: {distance:.1f} with {kind}")
    return problems


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", LEGEND_SETS)
def test_colours_told_apart_by_a_legend_stay_apart_with_each_colour_vision_deficiency(name, theme):
    palette = {k: colours()[k] if theme == "light" else variants.on_dark(colours()[k]) for k in LEGEND_SETS[name]}
    assert len(palette) >= 2, name  # a set picked by a prefix no colour has any more would prove nothing
    assert too_close(palette) == []


def test_the_palette_check_fails_red_against_green_and_a_near_duplicate():
    assert any("deuteranomaly" in p for p in too_close({"red": "#D62728", "green": "#2CA02C"}))
    assert too_close({"blue": "#0072B2", "almost": "#0A74B0"}) != []


def test_dark_keeps_each_category_colour_unless_it_is_too_dark_to_see():
    dark_background = variants.theme()["background"][1]
    assert variants.on_dark("#E69F00") == "#E69F00"  # orange reads on the dark background as it is
    for colour in ("#000000", "#332288", "#882255"):
        lighter = variants.on_dark(colour)
        assert variants.contrast(lighter, dark_background) >= variants.MIN_CONTRAST > variants.contrast(
            colour, dark_background)
    indigo = cspace_convert(np.array(to_rgb("#332288")), "sRGB1", "CAM02-UCS")
    lifted = cspace_convert(np.array(to_rgb(variants.on_dark("#332288"))), "sRGB1", "CAM02-UCS")
    assert lifted[0] > indigo[0] and np.allclose(lifted[1:], indigo[1:], atol=2.5)  # lighter, same hue


def test_each_theme_role_has_one_dark_colour_per_light_colour():
    light_to_dark: dict[str, set[str]] = {}
    for light, dark in variants.theme().values():
        light_to_dark.setdefault(light.upper(), set()).add(dark.upper())
    assert all(len(darks) == 1 for darks in light_to_dark.values()), light_to_dark
    for name in ("text", "muted"):  # text reads on the dark background (WCAG AA for text)
        assert variants.contrast(variants.theme()[name][1], variants.theme()["background"][1]) >= 4.5


# --- long descriptions ----------------------------------------------------------------------------

def test_a_series_is_described_by_its_latest_highest_and_lowest_month_and_its_gaps():
    series = pd.Series([4.0, np.nan, 21.0, 1.0, np.nan, 5.0],
                       index=["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"])
    en = describe.series_description(series, "en")
    assert en == ("Latest: June 2024: 5 reports. Highest: 21 reports (March 2024); lowest: 1 report (April 2024). "
                  "Months without data (shaded, not zero): February and May 2024.")
    ru = describe.series_description(series, "ru")
    assert "21 сообщение (март 2024)" in ru and "1 сообщение (апрель 2024)" in ru and "5 сообщений" in ru
    kk = describe.series_description(series, "kk")
    assert "2024 ж. маусым: 5 хабарлама" in kk and "2024 ж. ақпан және мамыр" in kk


def test_every_named_figure_has_a_long_description_from_its_data(shipped_clean):
    counts, cumulative, incidents = shipped_clean
    spec = figures.category_trend(counts, "refusal_of_information", "2022-06", "2024-11", 3, "2024-11",
                                  "month", cumulative)
    stated = spec.data.set_index("month")["value"].dropna()
    text = spec.texts("en")["long_description"]
    assert text.startswith(spec.texts("en")["title"])
    assert f"Latest: November 2024: {stated.iloc[-1]:.0f} reports" in text
    assert f"Highest: {stated.max():.0f} reports" in text
    assert "Months without data" in text or "Every month shown has data" in text
    assert "Licence: CC BY 4.0" in text and "data as of November 2024" in text
    ytd = figures.ytd_comparison(counts, "2024-11", cumulative)
    for lang in ("en", "ru", "kk"):
        described = ytd.texts(lang)["long_description"]
        for code in ytd.data["code"]:
            assert taxonomy.category_label(code, lang) in described
        assert ".." not in described
    assert "95% interval" in ytd.texts("en")["long_description"]


# --- SVG and HTML ---------------------------------------------------------------------------------

SVG = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
       '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt" viewBox="0 0 10 10" '
       'xmlns="http://www.w3.org/2000/svg" version="1.1">\n <metadata/>\n <g id="figure_1"/>\n</svg>\n')


def test_an_svg_gets_a_title_and_description_that_screen_readers_announce():
    labelled = accessibility.label_svg(SVG, "f-kk", 'Атау <&> "тырнақша"', "Сипаттама & 5 < 7")
    root = ET.fromstring(labelled.split("\n", 1)[1])
    assert root.get("role") == "img" and root.get("aria-labelledby") == "f-kk-title f-kk-desc"
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root[0].tag.endswith("title") and root.find("svg:title", ns).text == 'Атау <&> "тырнақша"'
    assert root.find("svg:desc", ns).get("id") == "f-kk-desc"
    assert root.find("svg:desc", ns).text == "Сипаттама & 5 < 7"


def test_the_html_copy_of_the_same_outputs_is_the_same_page(tmp_path):
    """A notebook read from its text, and papermill's parameters cell, get random cell ids on
    every run; the reader's copy does not carry them."""
    pages = []
    for run in ("first", "second"):
        notebook = nbformat.v4.new_notebook(cells=[  # each new cell gets a new random id
            nbformat.v4.new_code_cell("lang = 'kk'", metadata={"tags": ["injected-parameters"]}),
            nbformat.v4.new_code_cell("display(out.say('nb_trends_title'))", outputs=[
                nbformat.v4.new_output("display_data", data={"text/markdown": "**Сынақ**"})])])
        executed = tmp_path / f"{run}.ipynb"
        nbformat.write(notebook, executed)
        write_html(executed, tmp_path / f"{run}.kk.html", "kk", "Сынақ")
        pages.append((tmp_path / f"{run}.kk.html").read_bytes())
    assert pages[0] == pages[1]


CAPTION = "Сұр ұяшықтар — <i>көрсетілмеген</i> *айлар* [1](x)"  # read as text, never as markup


@pytest.mark.parametrize("caption", [CAPTION, ""])
def test_the_html_copy_gives_every_figure_its_alt_text_its_caption_and_its_data_table(tmp_path, caption):
    data = pd.DataFrame({"month": ["2024-10", "2024-11"], "value": [3, 7], "note": ["<b>x</b>", ""]})
    view = accessibility.FigureView(b"\x89PNG-not-really", 'Бағаналы "диаграмма" <1>',
                                    accessibility.data_table_html(data, "trend_threat", "kk"), caption)
    outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta) for data, meta in view.bundles()]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("out.figure(spec)", outputs=outputs)])
    executed = tmp_path / "nb.ipynb"
    nbformat.write(notebook, executed)
    page = tmp_path / "nb.kk.html"
    write_html(executed, page, "kk", "Сынақ")
    html = page.read_text(encoding="utf-8")
    images, divs, around_table = [], [], []

    def start(tag, attrs):
        images.extend([dict(attrs)] if tag == "img" else [])
        divs.extend([dict(attrs).get("class", "")] if tag == "div" else [])
        around_table.extend(divs if tag == "details" else [])

    parser = HTMLParser()
    parser.handle_starttag = start
    parser.handle_endtag = lambda tag: divs.pop() if tag == "div" else None
    parser.feed(html)
    assert [image["alt"] for image in images] == ['Бағаналы "диаграмма" <1>']
    # inside the output's own box (an output area lays its children side by side) and the page's text
    # styles (JupyterLab's), not beside the output or in the browser's default serif
    assert "jp-OutputArea-output" in " ".join(around_table) and "jp-RenderedHTMLCommon" in around_table[-1]
    assert '<details><summary>Осы графиктің деректері</summary>' in html
    # each row headed by its month, announced as the row's heading; the table in a box that scrolls
    assert '<th scope="row" style="text-align:left;font-weight:normal">2024\u00a0ж.\u00a0қараша</th>' in html
    assert '<div class="figure-data-scroll" style="overflow-x:auto;max-width:100%"><table class="figure-data">' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<td style="text-align:right">7</td>' in html  # numbers set right, words left, in any page style
    assert "<b>x</b>" not in html
    assert html.count("<img") == 1
    table = html.index("<details><summary>")
    if caption:  # under the image, then the table; every character as written
        shown = html.index("Сұр ұяшықтар")
        assert html.index("<img") < shown < table
        assert "<em>Сұр ұяшықтар\u00a0— &lt;i&gt;көрсетілмеген&lt;/i&gt; *айлар* [1](x)</em>" in html
    assert html.count("<details><summary>") == 1 and html.index("<img") < table


# --- the data table in the reader's language ------------------------------------------------------------

def _every_figure(counts: pd.DataFrame, incidents: pd.DataFrame) -> list[figures.FigureSpec]:
    """One figure of every kind the notebooks make, from the shipped data."""
    from analysis import case_figures, cases

    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    articles = cases.false_information_articles()
    return [figures.groups_stacked(counts, "2022-06", "2024-11", "2024-11"),
            figures.false_information_trend(counts, "2022-06", "2024-11", 3, "2024-11"),
            figures.category_trend(counts, "refusal_of_information", "2022-06", "2024-11", 3, "2024-11"),
            figures.category_heatmap(counts, None, "2022-06", "2024-11", "2024-11"),
            figures.legal_claims_by_type(counts, "2022-06", "2024-11", "2024-11"),
            figures.ytd_comparison(counts, "2024-11"), figures.month_categories(counts, "2024-11"),
            figures.incidents_by_region(incidents, "2009-01", "2024-11"),
            figures.amounts_by_category(incidents, "2009-01", "2024-11"),
            case_figures.cases_timeline(ledger, events, "2009-01", "2024-11", articles)[0],
            case_figures.cases_outcomes(ledger, events, "2009-01", "2024-11", articles),
            case_figures.cases_active(events, ledger, "2022-06", "2024-11", articles),
            # by year (the trends notebook beyond 36 months, or resolution "year")
            figures.groups_stacked(counts, "2015-01", "2024-11", "2024-11", "year"),
            figures.category_trend(counts, "refusal_of_information", "2015-01", "2024-11", 3, "2024-11", "year"),
            figures.category_heatmap(counts, None, "2015-01", "2024-11", "2024-11", "year")]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_figure_s_data_table_is_in_the_reader_s_words(shipped_clean, lang):
    counts, _, incidents = shipped_clean
    codes = set(taxonomy.category_codes()) | set(taxonomy.group_codes())
    for spec in _every_figure(counts, incidents):
        table = accessibility.reader_table(spec.data, spec.name, lang)
        assert len(table) == len(spec.data) and len(table.columns), spec.name
        for column in spec.data.columns:  # every column has a rule: none is shown under its code name
            assert accessibility.column_rule(spec.name, column) != ("text", ""), (spec.name, column)
        assert not set(table.columns) & set(spec.data.columns), spec.name
        cells = set(table.to_numpy().ravel())
        assert not cells & codes, spec.name  # categories and groups in words
        assert not any(re.fullmatch(r"nan|None|True|False|\d{4}-\d{2}-\d{2}.*", c) for c in cells), spec.name
        assert not table.duplicated().any(), spec.name  # no row reads as another (the timeline's kind shown)
        counted = [accessibility.reader_table(spec.data[[c]], spec.name, lang) for c in spec.data.columns
                   if accessibility.column_rule(spec.name, c)[0] == "count"]
        assert not any(re.fullmatch(r"\d+[.,]0", c) for part in counted for c in part.to_numpy().ravel()), spec.name
        assert not any(re.fullmatch(r"\d{4}-\d{2}", c) for c in cells), spec.name  # months named
    # read back from the CSV the figure is published with, the table is the same
    spec = figures.legal_claims_by_type(counts, "2022-06", "2024-11", "2024-11")
    csv = pd.read_csv(io.StringIO(spec.data.to_csv(index=False)), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(accessibility.reader_table(csv, spec.name, lang),
                                  accessibility.reader_table(spec.data, spec.name, lang))


def test_the_data_table_writes_numbers_months_and_names_as_each_language_does():
    regions = pd.DataFrame({"iso_code": ["KZ-75", "KZ-61"], "kind": ["city", "region"],
                            "name_en": ["Almaty", "Turkistan"], "name_ru": ["Алматы", "Туркестанская область"],
                            "name_kk": ["Алматы", "Түркістан облысы"],
                            "incidents": [1234.0, np.nan]})
    assert accessibility.reader_table(regions, "incidents_by_region", "kk").to_dict("list") == {
        "ISO коды": ["KZ-75", "KZ-61"], "Түрі": ["Қала", "Облыс"], "Өңір": ["Алматы", "Түркістан облысы"],
        "Аталған оқиғалар": ["1\xa0234", ""]}
    english = accessibility.reader_table(regions, "incidents_by_region", "en")
    assert english["Region"].tolist() == ["Almaty", "Turkistan"]
    assert english.attrs["numeric"] == ["Named incidents"]  # set right-aligned on the site
    trend = pd.DataFrame({"month": ["2024-10", "2024-11"], "value": [30.0, np.nan], "rolling_mean": [12.3456, 11.0],
                          "derived": [True, False]})
    assert accessibility.reader_table(trend, "trend_threat", "ru").to_dict("list") == {
        "Месяц": ["октябрь 2024", "ноябрь 2024"], "Сообщения": ["30", ""],
        "Скользящее среднее (месяцы с данными)": ["12,3", "11,0"],
        "Выведено из нарастающих итогов": ["да", "нет"]}
    rules = read_domain("data_tables.csv")  # every heading is a text of translations.csv, in every language
    assert {t(key, lang) for key in set(rules["heading"]) - {"", "@label"} for lang in ("en", "ru", "kk")}
    fields = set(read_domain("vocabularies.csv")["field"])  # "vocabulary:stage": a code of that field, in words
    assert [v for v in set(rules["values"]) if not (v in accessibility.SHOW or v in ("hide", "name")
            or re.fullmatch(r"number:\d", v) or (v.startswith("vocabulary:") and v.split(":")[1] in fields))] == []
    ytd = pd.DataFrame({"kind": ["group"], "code": ["legal_claims"], "evidence": ["stated"], "current": [43],
                        "previous": [73], "verdict": ["fewer"], "percent": [-41.0959], "source": [""], "breaks": [""]})
    assert accessibility.reader_table(ytd, "ytd_comparison", "ru").to_dict("list") == {  # no empty notes
        "Категория": [taxonomy.category_label("legal_claims", "ru")], "Основание": ["данные фонда"],
        "В этом году": ["43"], "Годом ранее": ["73"], "Изменение": ["меньше"], "Изменение, %": ["−41,1"]}
    timeline = pd.DataFrame({"case_id": ["AS-1", "AS-1", "AS-1"], "lane": [0, 0, 0],
                             "kind": ["stage", "stage", "verdict"], "stage": ["pre_trial", "verdict", "verdict"],
                             "start": pd.to_datetime(["2024-04-01", "2024-11-20", "2024-11-20"]),
                             "end": pd.to_datetime(["2024-11-20"] * 3), "start_precision": ["month", "day", "day"],
                             "end_precision": ["day"] * 3})
    assert accessibility.reader_table(timeline, "cases_timeline_2", "kk").to_dict("list") == {
        "Іс ID": ["AS-1"] * 3, "Түрі": ["Саты", "Саты", "Үкім немесе шешім"],
        "Сатысы": [cases.stage_label(s, "kk") for s in ("pre_trial", "verdict", "verdict")],
        "Басы": ["2024 ж. сәуір", "2024\u202fж. 20 қараша", "2024\u202fж. 20 қараша"],  # a month alone: no 1 April
        "Соңы": ["2024\u202fж. 20 қараша"] * 3}
    wide = pd.DataFrame({"month": ["2024-11"], "legal_claims": [7], "unknown_code": [5]})
    assert list(accessibility.reader_table(wide, "groups_stacked", "en").columns) == [
        "Month", taxonomy.category_label("legal_claims", "en"), "unknown_code"]  # a code no table knows: as written
