"""Chart primitives against baseline images, fonts, colours, and reproducible files."""

from __future__ import annotations

import io
import json
import re
import warnings
import zlib
from xml.etree import ElementTree

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import shading
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_hex

import analysis
from analysis import accessibility, figures, plots, regions, taxonomy
from analysis.i18n import colour, colours, t

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]
KAZAKH = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"


def _groups() -> pd.DataFrame:
    """SYNTHETIC totals for one year, with two months without data."""
    rng = np.random.default_rng(7)
    wide = pd.DataFrame(rng.integers(3, 25, size=(12, 3)), index=MONTHS,
                        columns=taxonomy.group_codes()).astype(float)
    wide.loc[["2024-06", "2024-10"]] = np.nan
    return wide


MPL = dict(style="analysis.publication", tolerance=3, savefig_kwargs={"dpi": 100})


@pytest.mark.mpl_image_compare(**MPL)
def test_stacked_bars_leave_months_without_data_empty():
    labels = {g: taxonomy.category_label(g, "kk") for g in taxonomy.group_codes()}
    return plots.stacked_bars_by_month(_groups(), labels=labels, title=t("title_groups_stacked", "kk",
                                       start="қаңтар 2024", end="желтоқсан 2024"),
                                       ylabel=t("axis_reports", "kk"), source=KAZAKH,
                                       no_data=t("no_data", "kk"), lang="kk")


@pytest.mark.mpl_image_compare(**MPL)
def test_trend_with_rolling_mean():
    series = _groups()["access_to_information"]
    smooth = series.rolling(3, min_periods=1).mean().where(series.notna())
    return plots.trend(series, smooth, key="refusal_of_information", title="Отказ в информации",
                       ylabel="Сообщения", value_label="За месяц", smooth_label="скользящее среднее",
                       source="Источник: тест", lang="ru")


@pytest.mark.mpl_image_compare(**MPL)
def test_heatmap_hatches_what_is_not_stated_and_shades_a_month_without_data():
    matrix = _groups().T
    matrix.iloc[0, :4] = np.nan
    return plots.heatmap(matrix, row_labels=["A", "B", "C"], title="Heat map", source="Source: test",
                         not_stated="not stated", no_data="no data for this month", lang="en")


@pytest.mark.mpl_image_compare(**MPL)
def test_paired_bars_with_ratios():
    table = pd.DataFrame({"previous": [27, 51, 18], "current": [42, 25, 30]})
    return plots.paired_bars(table, labels=["Rights", "Access", "Claims"], keys=taxonomy.group_codes(),
                             title="January–November 2024 against 2023", previous_label="2023",
                             current_label="2024", ratio_labels=["×1.6", "×0.5", "×1.7"],
                             source="Source: test", lang="en", ratio_header="2024 ÷ 2023 (95% interval)")


@pytest.mark.mpl_image_compare(**MPL)
def test_horizontal_bars_show_zeros():
    values = pd.Series([11, 25, 0, 3])
    fig = plots.horizontal_bars(values, labels=["Астана", "Алматы", "Шымкент", "Абай облысы"],
                                keys=["attack", "threat", "other", "detention"], title="Өңірлер",
                                xlabel="Оқиғалар", source="Дереккөз: тест", lang="kk")
    # each bar's number, the zero too (a label too small for the image comparison to miss)
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["0", "11", "25", "3"]
    return fig


@pytest.mark.parametrize(("lang", "point"), [("en", "."), ("ru", ","), ("kk", ",")])
def test_an_axis_of_amounts_is_written_as_its_labels_and_ends_near_the_largest(lang, point):
    """Amounts of 0.5 and 0.2 million: the axis reads 0,1 0,2 … in Russian and Kazakh as the bars' own
    labels do, and runs to a little past 0.5, not to 1.12; an axis of counts has whole numbers only."""
    with plots.style():
        fig = plots.horizontal_bars(pd.Series([0.5, 0.18]), labels=["a", "b"], keys=["civil_defamation", "x"],
                                    title="T", xlabel="x", source="s", lang=lang, digits=1)
        fig.canvas.draw()
        ax = fig.axes[0]
        ticks = [label.get_text() for label in ax.get_xticklabels() if label.get_text()]
        assert ax.get_xlim()[1] == pytest.approx(0.56)
        assert f"0{point}5" in ticks and all(point in tick for tick in ticks if tick != "0")
        big = plots.horizontal_bars(pd.Series([490.0, 0.4]), labels=["a", "b"], keys=["x", "y"], title="T",
                                    xlabel="x", source="s", lang=lang, digits=1)
        big.canvas.draw()
        assert "100" in [label.get_text() for label in big.axes[0].get_xticklabels()]  # not 100,0
        counts = plots.horizontal_bars(pd.Series([3, 7]), labels=["a", "b"], keys=["x", "y"], title="T",
                                       xlabel="x", source="s", lang=lang)
        counts.canvas.draw()
    assert all(float(v).is_integer() for v in counts.axes[0].get_xticks())


def test_kazakh_and_cyrillic_render_without_missing_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.horizontal_bars(pd.Series([1, 2]), labels=[KAZAKH, "ёЁ щЩ"], keys=["a", "b"],
                                    title=KAZAKH, xlabel=KAZAKH, source=KAZAKH, lang="kk")
        fig.savefig(tmp_path / "glyphs.png")  # a missing glyph warns, and the warning is an error here
        fig.savefig(tmp_path / "glyphs.pdf")
        plt.close(fig)
    assert (tmp_path / "glyphs.png").stat().st_size > 0 and (tmp_path / "glyphs.pdf").stat().st_size > 0


def test_every_category_and_group_has_a_fixed_colour_and_other_is_grey():
    palette = colours()
    assert set(taxonomy.category_codes()) <= set(palette)
    assert set(taxonomy.group_codes()) <= set(palette)
    assert colour("other_unspecified") == "#BBBBBB"
    assert colour("anything unknown") == "#BBBBBB"
    for group in taxonomy.group_codes():  # categories shown together get distinct colours
        cats = taxonomy.categories().query("group == @group and parent == ''")["code"]
        shown = [palette[c] for c in cats]
        assert len(shown) == len(set(shown)), group


@pytest.fixture
def spec():
    counts = pd.DataFrame({
        "month": ["2024-01", "2024-01", "2024-03", "2024-03"], "group": ["legal_claims"] * 4,
        "category": ["total", "civil_claims", "total", "civil_claims"], "unit": "count",
        "count": [5, 3, 4, 4], "source": "published", "source_url": "", "parent": "",
        "label_as_written": "", "note": ""})
    return figures.groups_stacked(counts, "2024-01", "2024-03", "2024-03")


def test_svg_and_pdf_are_byte_identical_when_made_again(tmp_path, spec):
    first, second = tmp_path / "a", tmp_path / "b"
    figures.export(spec, first, ["en", "ru"], {"data/raw/x.csv": "abc"})
    figures.export(spec, second, ["en", "ru"], {"data/raw/x.csv": "abc"})
    for name in ["groups_stacked.en.svg", "groups_stacked.en.pdf", "groups_stacked.ru.pdf",
                 "groups_stacked.en.png", "groups_stacked.csv", "groups_stacked.json"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_an_svg_does_not_depend_on_the_last_bits_of_its_layout(tmp_path, spec):
    """matplotlib names a clip path by a hash of its rectangle at full precision; the same layout
    summed in another order (another process) gives other names. The file names it by what it writes."""
    figures.export(spec, tmp_path, ["en"], {})
    svg = (tmp_path / "groups_stacked.en.svg").read_text(encoding="utf-8")
    names = re.findall(r'<clipPath id="([^"]+)">', svg)
    assert names and len(set(names)) == len(names)
    assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= set(re.findall(r' id="([^"]+)"', svg))  # all resolve
    with plots.style():
        assert figures.stable_clip_ids(svg) == svg  # already named by content, as written
        # the names another process would give: the same file once named by content
        elsewhere = svg
        for i, name in enumerate(names):
            elsewhere = elsewhere.replace(name, f"p{i:010d}")
        assert elsewhere != svg and figures.stable_clip_ids(elsewhere) == svg
    ElementTree.fromstring(svg.encode("utf-8"))


def _pdf_streams(pdf: bytes) -> list[tuple[bool, bytes]]:
    """Each stream of a PDF matplotlib wrote, inflated: (whether it is an embedded font program, its bytes)."""
    found = []
    for obj in re.split(rb"\n\d+ 0 obj\n", pdf)[1:]:
        if b"stream\n" in obj:
            head, body = obj.split(b"stream\n", 1)
            body = body[:body.index(b"endstream")]
            found.append((b"/Length1" in head, zlib.decompressobj().decompress(body) if b"/FlateDecode" in head
                          else body))
    return found


def test_a_pdf_embeds_its_fonts_without_the_layout_tables_and_shows_the_same_glyphs(tmp_path, shipped_clean):
    """The PDF as written (fonts without GSUB, GPOS, GDEF) against the same drawing saved with
    matplotlib's own subsetting: every stream but the fonts' the same bytes (the glyphs placed, their
    codes, the text a reader copies out), and every glyph embedded the same outline and width."""
    from fontTools.ttLib import TTFont

    spec = figures.month_categories(shipped_clean[0], "2024-11")
    texts = spec.texts("kk")
    fig = spec.draw("kk")
    with plots.style():
        figures._save(fig, tmp_path / "written.pdf", "pdf", None, texts, "month_categories-kk", "kk")
        fig.savefig(tmp_path / "stock.pdf", format="pdf", metadata=figures.SAVE_METADATA["pdf"] | {
            "Title": texts["title"], "Subject": texts["long_description"], "Author": figures.SOURCE_NAME["kk"],
            "Keywords": f"{figures.SOURCE_NAME['kk']}; {figures.DATA_LICENCE}; {figures.DATA_LICENCE_URL}"})
    written, stock = (_pdf_streams((tmp_path / f"{n}.pdf").read_bytes()) for n in ("written", "stock"))
    assert [font for font, _ in written] == [font for font, _ in stock] and sum(f for f, _ in written) == 2
    assert [s for font, s in written if not font] == [s for font, s in stock if not font]
    for (_, lean), (_, full) in ((w, s) for w, s in zip(written, stock) if w[0]):
        lean, full = TTFont(io.BytesIO(lean)), TTFont(io.BytesIO(full))
        assert set(figures.LAYOUT_TABLES) <= set(full.reader.keys())
        assert set(lean.reader.keys()) == set(full.reader.keys()) - set(figures.LAYOUT_TABLES)
        names = lean.getGlyphOrder()
        assert len(names) > 20 and set(names) <= set(full.getGlyphOrder())
        for name in names:
            assert lean["glyf"][name].getCoordinates(lean["glyf"])[0] == \
                full["glyf"][name].getCoordinates(full["glyf"])[0], name
            assert lean["hmtx"][name] == full["hmtx"][name], name
    assert (tmp_path / "written.pdf").stat().st_size < (tmp_path / "stock.pdf").stat().st_size


def test_export_writes_data_and_metadata_in_three_languages(tmp_path, spec):
    written = figures.export(spec, tmp_path, ["kk"], {"data/raw/x.csv": "abc"})
    assert {p.name for p in written} == {"groups_stacked.kk.png", "groups_stacked.kk.svg",
                                         "groups_stacked.kk.pdf", "groups_stacked.csv", "groups_stacked.json"}
    meta = json.loads((tmp_path / "groups_stacked.json").read_text(encoding="utf-8"))
    assert set(meta["title"]) == set(meta["caption"]) == set(meta["alt_text"]) == {"en", "ru", "kk"}
    assert meta["inputs"] == {"data/raw/x.csv": "abc"} and meta["package_version"] == analysis.__version__
    assert meta["parameters"] == {"start": "2024-01", "end": "2024-03"}
    data = pd.read_csv(tmp_path / "groups_stacked.csv")
    assert data["month"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert data["legal_claims"].isna().tolist() == [False, True, False]
    pdf = (tmp_path / "groups_stacked.kk.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Subtype /Type3" not in pdf  # TrueType embedded
    assert b"CreationDate" not in pdf
    from PIL import Image
    with Image.open(tmp_path / "groups_stacked.kk.png") as image:
        assert round(image.info["dpi"][0]) == 300
        assert "Software" not in image.info


def test_a_year_to_date_figure_without_comparable_months_says_so():
    counts = pd.DataFrame({"month": ["2024-05"], "group": ["legal_claims"], "category": ["total"],
                           "unit": "count", "count": [5], "source": "published", "source_url": "",
                           "parent": "", "label_as_written": "", "note": ""})
    spec = figures.ytd_comparison(counts, "2024-05")
    assert spec.data.empty
    fig = spec.draw("en")
    assert any("No year-to-date comparison" in text.get_text() for text in fig.axes[0].texts)
    plt.close(fig)


def test_a_category_is_drawn_in_its_group_s_colour_named_in_the_legend_and_other_in_grey(shipped_clean):
    counts = shipped_clean[0]
    spec = figures.month_categories(counts, "2024-11")
    fig = spec.draw("kk")
    bars = [to_hex(bar.get_facecolor()).upper() for bar in fig.axes[0].patches if bar.get_width() > 0]
    expected = [colour("other_unspecified" if c == "other_unspecified" else g)
                for g, c in zip(spec.data["group"], spec.data["category"])]
    assert bars == [e.upper() for e in expected] and len(set(bars)) == 4  # three groups and grey
    legend = fig.legends[0]
    assert [text.get_text() for text in legend.get_texts()] == ["Журналистер құқықтары", "Ақпарат алу құқығы",
                                                                  "Талаптар мен талап-арыздар"]
    assert [to_hex(h.get_facecolor()).upper() for h in legend.legend_handles] == \
        [colour(g).upper() for g in taxonomy.group_codes()]
    plt.close(fig)
    ytd = figures.ytd_comparison(counts, "2024-11", shipped_clean[1])
    fig = ytd.draw("en")
    current = [p for p in fig.axes[0].patches if p.get_alpha() is None and p.get_facecolor()[3] == 1]
    groups = [c if c in taxonomy.group_codes() else taxonomy.category_group(c) for c in ytd.data["code"]]
    assert [to_hex(p.get_facecolor()).upper() for p in current] == [colour(g).upper() for g in groups]
    assert "threat" in set(ytd.data["code"])  # a category of the rights group: blue, not its own orange
    assert any(t.get_text() == "2024 ÷ 2023 (95% interval)" for t in fig.axes[0].texts)
    plt.close(fig)


def test_a_month_without_published_counts_draws_a_notice_not_an_error():
    counts = pd.DataFrame({"month": ["2024-05"], "group": ["legal_claims"], "category": ["total"],
                           "unit": "count", "count": [5], "source": "incident_log", "source_url": "",
                           "parent": "", "label_as_written": "", "note": ""})
    fig = figures.month_categories(counts, "2024-05").draw("ru")
    assert any("не внесён" in text.get_text() for text in fig.axes[0].texts)
    plt.close(fig)


def test_figures_show_inline_without_pyplot_and_choose_no_backend_at_import():
    import subprocess
    import sys

    code = ("import matplotlib, analysis.plots, analysis.figures; "
            "print(matplotlib.rcParams._get_backend_or_none())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "None", done.stderr  # left to the environment (inline in Jupyter)
    before = plt.get_fignums()
    fig = plots.horizontal_bars(pd.Series([1, 2]), labels=["a", "b"], keys=["a", "b"], title="T", xlabel="x",
                                source="s", lang="en")
    assert plt.get_fignums() == before  # not held by pyplot: shown once, by the value a cell returns
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_a_partly_stated_month_is_hatched_and_its_missing_part_never_drawn_as_zero():
    wide = _groups().iloc[:4].copy()
    wide.loc["2024-02", "legal_claims"] = np.nan  # two groups stated, the third not
    wide.loc["2024-03"] = np.nan  # a month with counts, none of them group totals
    fig = plots.stacked_bars_by_month(wide, labels={g: g for g in wide.columns}, title="T", ylabel="y",
                                      source="s", no_data="no data", not_stated="not all stated", lang="en",
                                      with_data=["2024-01", "2024-02", "2024-03", "2024-04"])
    ax = fig.axes[0]
    legal = [c for c in ax.containers if c.get_label() == "legal_claims"][0]
    assert len(legal.patches) == 2  # January and April only: no zero-height bar for February or March
    hatched = sorted(i for i, p in shading(ax).items() if p.get_hatch())
    assert hatched == [1, 2]  # February and March, one patch
    assert [t.get_text() for t in fig.legends[0].get_texts()][-1] == "not all stated"
    assert "no data" not in [t.get_text() for t in fig.legends[0].get_texts()]  # every month has data



def test_a_month_hatched_in_the_figure_is_named_so_in_its_description_not_as_without_data(shipped_clean):
    counts = shipped_clean[0]
    spec = figures.groups_stacked(counts, "2023-10", "2024-02", "2024-02")
    assert spec.data.set_index("month").loc["2023-12"].isna().all()  # its review states categories, no group total
    text = spec.texts("en")["long_description"]
    assert "Not all stated in the review (hatched): December 2023." in text
    assert "Months without data (shaded, not zero): October–November 2023, January 2024." in text
    hatched = [p for p in spec.draw("en").axes[0].patches if p.get_hatch()]
    assert len(hatched) == 1  # December 2023, the one month the description says is hatched

def test_a_rolling_mean_that_forms_no_line_is_neither_drawn_nor_in_the_legend():
    series = pd.Series([3.0, np.nan, 5.0, np.nan, 4.0], index=MONTHS[:5])
    smooth = series.rolling(3, min_periods=3).mean().where(series.notna())  # all NaN
    fig = plots.trend(series, smooth, key="threat", title="T", ylabel="y", value_label="monthly",
                      smooth_label="rolling mean", source="s", lang="en")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["monthly"]
    assert len(fig.axes[0].lines) == 1



def test_a_rolling_mean_at_months_with_no_neighbour_is_a_dash_at_each_and_named_once():
    series = pd.Series([2.0, np.nan, 3.0, np.nan, np.nan, 2.0], index=MONTHS[:6])
    smooth = series.rolling(3, min_periods=1).mean().where(series.notna())  # 2.0, 2.5, 2.0: no two side by side
    fig = plots.trend(series, smooth, key="threat", title="T", ylabel="y", value_label="monthly",
                      smooth_label="rolling mean", source="s", lang="en")
    dashes = [line for line in fig.axes[0].lines if line.get_marker() == "_"]
    assert len(dashes) == 1 and dashes[0].get_ydata().tolist() == [2.0, 2.5, 2.0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["rolling mean", "monthly"]

def test_a_missing_value_in_horizontal_bars_gets_no_bar_and_no_number():
    fig = plots.horizontal_bars(pd.Series([4.0, np.nan, 0.0]), labels=["a", "b", "c"], keys=["a", "b", "c"],
                                title="T", xlabel="x", source="s", lang="en")
    ax = fig.axes[0]
    assert len(ax.patches) == 2
    assert sorted(t.get_text() for t in ax.texts) == ["0", "4"]


def test_regions_are_listed_in_the_alphabetical_order_of_the_reader_language():
    incidents = pd.DataFrame({"report_month": pd.Series([], dtype=str), "region_iso": pd.Series([], dtype=str),
                              "counted": pd.Series([], dtype=bool)})
    spec = figures.incidents_by_region(incidents, "2024-01", "2024-12")
    kk = regions.reading_order(spec.data, "kk")["name_kk"].tolist()
    assert kk[:3] == ["Астана", "Алматы", "Шымкент"]  # the three cities first
    listed = kk[3:]
    # Kazakh alphabet: а ә б в г ғ д е ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ы і
    assert listed.index("Ақмола облысы") < listed.index("Алматы облысы")  # қ before л
    assert listed.index("Қарағанды облысы") > listed.index("Жетісу облысы")
    assert listed.index("Түркістан облысы") < listed.index("Ұлытау облысы") < listed.index("Шығыс Қазақстан облысы")
    ru = regions.reading_order(spec.data, "ru")["name_ru"].tolist()[3:]
    assert ru == sorted(ru, key=lambda s: s.lower().replace("ё", "е"))
    en = regions.reading_order(spec.data, "en")["name_en"].tolist()[3:]
    assert en.index("West Kazakhstan Region") == len(en) - 1
    for lang in ("en", "ru", "kk"):  # the data table beside the figure lists them in the same order, from its CSV
        csv = pd.read_csv(io.StringIO(spec.data.to_csv(index=False)), dtype=str, keep_default_na=False)
        table = accessibility.reader_table(csv, spec.name, lang)
        assert table.iloc[:, 2].tolist() == regions.reading_order(spec.data, lang)[f"name_{lang}"].tolist()


def test_cities_and_regions_have_colours_of_their_own_named_in_the_legend(shipped_clean):
    spec = figures.incidents_by_region(shipped_clean[2], "2009-01", "2024-11")
    fig = spec.draw("ru")
    legend = fig.legends[0]
    assert [text.get_text() for text in legend.get_texts()] == ["Города республиканского значения", "Области"]
    bars = {to_hex(bar.get_facecolor()).upper() for bar in fig.axes[0].patches}
    assert bars == {colour("city").upper(), colour("region").upper()}
    assert not bars & {colour(g).upper() for g in taxonomy.group_codes()[1:]}  # not a group's orange or green
    plt.close(fig)


def test_amounts_are_drawn_by_kind_a_claim_and_its_award_side_by_side_never_added(shipped_clean):
    spec = figures.amounts_by_category(shipped_clean[2], "2009-01", "2024-11")
    fig = spec.draw("en")
    civil = spec.data[spec.data["category"] == "civil_claims"]
    assert civil["kind"].tolist() == ["claimed", "awarded"]
    widths = {round(bar.get_width(), 3): to_hex(bar.get_facecolor()).upper() for bar in fig.axes[0].patches}
    for kind, amount in zip(civil["kind"], civil["amount_kzt"]):
        assert widths[round(amount / 1e6, 3)] == colour(f"amount_{kind}").upper()
    assert round(civil["amount_kzt"].sum() / 1e6, 3) not in widths  # no bar of their sum
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels[:2] == ["Claimed", "Awarded"] and "Total" not in spec.texts("en")["long_description"]
    # the one fine (184,600 tenge) is seen in its colour beside 411.5 million, and read to a second decimal
    fines = [bar for bar in fig.axes[0].patches if to_hex(bar.get_facecolor()).upper() == colour("amount_fine").upper()]
    largest = max(bar.get_width() for bar in fig.axes[0].patches)
    assert len(fines) == 1 and fines[0].get_width() >= largest * plots.MIN_BAR
    values = [text.get_text() for text in fig.axes[0].texts]
    assert "0.18" in values and "0.4" in values and "411.5" in values  # 0.4 million needs no second decimal
    plt.close(fig)


def test_a_heat_map_of_a_period_without_counts_says_so():
    counts = pd.DataFrame({"month": ["2019-08"], "group": ["legal_claims"], "category": ["total"],
                           "unit": "count", "count": [1], "source": "incident_log", "source_url": "",
                           "parent": "", "label_as_written": "", "note": ""})
    fig = figures.category_heatmap(counts, None, "2019-08", "2019-08", "2019-08").draw("kk")
    assert [t.get_text() for t in fig.axes[0].texts] == ["Бұл кезеңдегі бірде-бір шолуда сандар жоқ."]
    assert plots.layout_problems(fig) == []


@pytest.mark.parametrize("resolution", ["month", "year"])
def test_a_heat_map_shades_the_periods_without_a_review_and_hatches_only_what_a_read_review_left_out(
        shipped_clean, resolution):
    """A month whose review was not read is not a month whose review stated nothing: grey columns
    for the first, hatched cells for the second, each named in the legend, as the bar charts do."""
    from matplotlib.colors import to_hex

    counts, cumulative, _ = shipped_clean
    start = "2022-06" if resolution == "month" else "2009-01"
    spec = figures.category_heatmap(counts, None, start, "2024-11", "2024-11", resolution, cumulative)
    fig = spec.draw("en")
    ax = fig.axes[0]
    missing = np.ma.getmaskarray(ax.collections[0].get_array()).reshape(len(ax.get_yticks()), -1)  # the cells drawn
    months = pd.period_range(start, "2024-11", freq="M").astype(str)
    read = set(counts.loc[counts["source"].eq("published") & counts["unit"].eq("count"), "month"])
    columns = list(months) if resolution == "month" else sorted({m[:4] for m in months})
    not_read = np.array([not any(m.startswith(c) for m in read) for c in columns])
    shaded = sorted(i for i, p in shading(ax, offset=0).items()
                    if not p.get_hatch() and to_hex(p.get_facecolor()) == to_hex(colour("no_data")))
    under = [p for p in ax.patches if p.get_hatch()]  # the hatching, under the grid
    hatched = np.zeros_like(missing)
    for p in under:
        hatched[int(p.get_y()):int(p.get_y() + p.get_height()), int(p.get_x()):int(p.get_x() + p.get_width())] = True
    hatched[:, shaded] = False  # the grey columns cover it
    hatched &= missing  # the cells stated cover it
    # grey: a period with no review read and no figure (a year may have the foundation's own figure
    # for the year, from a later review's cumulative statement)
    grey = not_read & missing.all(axis=0)
    assert shaded == list(np.flatnonzero(grey)) and 0 < len(shaded) < len(columns)
    assert all(p.zorder < g.zorder < ax.collections[0].zorder for p in under for g in ax.patches if not g.get_hatch())
    assert (hatched == (missing & ~grey)).all() and hatched.any()
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert legend[:2] == ["Not stated", "No data for this month" if resolution == "month" else "No data for this year"]


def test_a_trend_hatches_a_month_whose_review_states_no_figure_and_shades_one_not_read(shipped_clean):
    """The same months look the same in the trend of a category as in the heat map."""
    from matplotlib.colors import to_hex

    counts, _, _ = shipped_clean
    spec = figures.category_trend(counts, "refusal_of_information", "2022-06", "2024-11", 3, "2024-11")
    fig = spec.draw("en")
    ax = fig.axes[0]
    months = list(pd.period_range("2022-06", "2024-11", freq="M").astype(str))
    read = set(counts.loc[counts["source"].eq("published") & counts["unit"].eq("count"), "month"])
    value = spec.data.set_index("month")["value"]
    spans = shading(ax)
    shaded = sorted(i for i, p in spans.items() if not p.get_hatch()
                    and to_hex(p.get_facecolor()) == to_hex(colour("no_data")))
    hatched = sorted(i for i, p in spans.items() if p.get_hatch())
    assert [months[i] for i in shaded] == [m for m in months if m not in read]
    assert [months[i] for i in hatched] == [m for m in months if m in read and pd.isna(value[m])] != []
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert "Not stated" in legend and "No data for this month" in legend
    # and its description names them as the figure draws them: shaded apart from hatched
    text = spec.texts("en")["long_description"]
    shaded_named = text.split("Months without data (shaded, not zero): ")[1].split(".")[0]
    hatched_named = text.split("Not all stated in the review (hatched): ")[1].split(".")[0]
    assert hatched_named == "June 2022, April and December 2023"  # read, with no refusal figure
    assert [months[i] for i in hatched] == ["2022-06", "2023-04", "2023-12"]
    assert "June 2022" not in shaded_named and "April" not in shaded_named


@pytest.mark.parametrize("name", ["groups_stacked", "false_information_trend"])
def test_the_year_view_hatches_a_year_whose_reviews_state_no_figure_and_shades_a_year_with_none_read(
        shipped_clean, name):
    """The same years look the same in the bars by year as in the heat map by year, and are named
    so in the description: a year with reviews read but no figure is not a year without data."""
    from matplotlib.colors import to_hex

    counts, cumulative, _ = shipped_clean
    spec = (figures.groups_stacked(counts, "2009-01", "2024-11", "2024-11", "year", cumulative)
            if name == "groups_stacked" else
            figures.false_information_trend(counts, "2009-01", "2024-11", 3, "2024-11", "year", cumulative))
    fig = spec.draw("en")
    ax = fig.axes[0]
    years = [str(y) for y in range(2009, 2025)]
    read = {m[:4] for m in counts.loc[counts["source"].eq("published") & counts["unit"].eq("count"), "month"]}
    stated = set(spec.data.loc[spec.data["value"].notna(), "year"])
    spans = shading(ax)  # not the bars (0.7 wide)
    shaded = sorted(years[i] for i, p in spans.items() if not p.get_hatch()
                    and to_hex(p.get_facecolor()) == to_hex(colour("no_data")))
    hatched = sorted(years[i] for i, p in spans.items() if p.get_hatch())
    assert shaded == [y for y in years if y not in stated and y not in read] != []
    assert hatched == [y for y in years if y not in stated and y in read] != []
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert "Not stated" in legend and "No data for this year" in legend and "No data for this month" not in legend
    text = spec.texts("en")["long_description"]
    assert f"Not stated in the reviews read (hatched): {', '.join(hatched)}." in text
    assert f"Years without data (shaded, not zero): {', '.join(shaded)}." in text
    assert "Годы без данных (затенены, это не ноль): " in spec.texts("ru")["long_description"]
    for lang, words in (("en", "Counts for each year"), ("ru", "Показатели за каждый год"),
                        ("kk", "әр жылдың көрсеткіштері")):  # the caption speaks of years, not monthly points
        assert words in spec.texts(lang)["caption"]
    trend = figures.category_trend(counts, "threat", "2009-01", "2024-11", 3, "2024-11", "year", cumulative)
    assert trend.texts("en")["title"] == "Threat: reports per year, January 2009 to November 2024"


def test_a_heat_maps_alt_text_counts_its_rows_and_columns_in_the_words_the_numbers_take(shipped_clean):
    """27 категорий на 23 месяца, 1 категория на 2 месяца, 37 категорий на 16 лет: each number
    with the form its language gives it, and years where the columns are years."""
    counts, cumulative, _ = shipped_clean
    alts = [spec.texts("ru")["alt_text"] for spec in (
        figures.category_heatmap(counts, None, "2023-01", "2024-11", "2024-11"),
        figures.category_heatmap(counts, ["threat"], "2024-10", "2024-11", "2024-11"),
        figures.category_heatmap(counts, None, "2009-01", "2024-11", "2024-11", "year", cumulative))]
    found = [re.search(r"\d+ \w+ на \d+ \w+", alt)[0] for alt in alts]
    assert found[1] == "1 категория на 2 месяца"
    assert re.fullmatch(r"\d+ категорий на 23 месяца", found[0]) and re.fullmatch(r"\d+ категорий на 16 лет", found[2])
    assert re.search(r"\d+ categories by 16 years", figures.category_heatmap(
        counts, None, "2009-01", "2024-11", "2024-11", "year", cumulative).texts("en")["alt_text"])


def test_the_claims_by_type_chart_sums_the_reviews_monthly_counts_as_reports_not_cases(shipped_clean):
    spec = figures.legal_claims_by_type(shipped_clean[0], "2022-06", "2024-11", "2024-11")
    text = spec.texts("en")["long_description"]
    # a claim reported in two months is in both; May 2024's copyright dispute is one of its civil claims, not another
    assert "Total: 114 reports" in text and " cases" not in text
    fig = spec.draw("ru")
    assert fig.axes[0].get_ylabel() == t("axis_reports", "ru")
    plt.close(fig)


def test_the_groups_highest_total_is_of_a_month_with_every_group_stated(shipped_clean):
    spec = figures.groups_stacked(shipped_clean[0], "2022-06", "2024-11", "2024-11")
    june = spec.data.set_index("month").loc["2022-06"]
    assert june.isna().sum() == 1 and june.sum() == 62  # two groups of three: the most of any month drawn
    texts = spec.texts("en")
    assert "Highest: 60 reports (October 2024)" in texts["long_description"]
    assert "Highest total of a month with every group stated: 60, in October 2024" in texts["alt_text"]


def test_a_tie_for_the_largest_or_the_smallest_bar_names_every_bar_in_it(shipped_clean):
    spec = figures.month_categories(shipped_clean[0], "2024-11")
    texts = spec.texts("en")
    assert ("Largest: Refusal or restriction of socially significant information; "
            "Civil claim against media or journalists (7 reports). Smallest: Attack on a journalist; "
            "Other (not itemised): access to information (1 report).") \
        in texts["long_description"]
    assert texts["alt_text"].endswith("Largest: Refusal or restriction of socially significant information; "
                                      "Civil claim against media or journalists (7).")


@pytest.mark.parametrize("make, words", [
    (lambda c: figures.category_trend(c, "refusals", "2022-06", "2024-11", 3, "2024-11"),
     "code: unknown category code(s) refusals; expected codes from src/analysis/domain/categories.csv"),
    (lambda c: figures.category_trend(c, "refusal_of_information", "2022-13", "2024-11", 3, "2024-11"),
     "start: expected a month as YYYY-MM (for example 2024-11); found '2022-13'"),
    (lambda c: figures.false_information_trend(c, "2022-06", "2024-11", 0, "2024-11"),
     "rolling: expected a number of months from 1 to 24; found 0"),
    (lambda c: figures.category_trend(c, "threat", "2022-06", "2024-11", 30, "2024-11"),
     "rolling: expected a number of months from 1 to 24; found 30"),  # as `analysis report --rolling` refuses it
    (lambda c: figures.groups_stacked(c, "2024-11", "2023-01", "2024-11"),
     "start: expected a month no later than the end, 2023-01; found '2024-11'"),
    (lambda c: figures.category_heatmap(c, ["threat", "threatt"], "2022-06", "2024-11", "2024-11"),
     "categories: unknown category code(s) threatt (did you mean: threatt -> threat?);"),
    (lambda c: figures.month_categories(c, "2024-13"), "month: expected a month as YYYY-MM"),
    (lambda c: figures.ytd_comparison(c, "24-11"), "month: expected a month as YYYY-MM"),
    (lambda c: figures.groups_stacked(c, "2022-06", "November", "2024-11"), "end: expected a month as YYYY-MM"),
])
def test_a_figure_asked_for_with_a_bad_parameter_is_one_parameter_error_naming_it(shipped_clean, make, words):
    from analysis.errors import ParameterError

    counts, _, _ = shipped_clean
    with pytest.raises(ParameterError) as refused:  # a researcher's own call, as a notebook's: not a pandas error
        make(counts)
    assert str(refused.value).startswith(words)


@given(st.lists(st.booleans(), max_size=40))
def test_months_side_by_side_are_one_shaded_run_and_every_month_is_in_exactly_one(mask):
    found = plots.runs(np.array(mask, dtype=bool))
    covered = [i for start, stop in found for i in range(start, stop)]
    assert covered == [i for i, value in enumerate(mask) if value]
    assert all(stop < later for (_, stop), (later, _) in zip(found, found[1:]))  # never two touching runs


def test_a_figure_of_one_month_names_the_month_once_in_each_language(shipped_clean):
    from analysis import case_figures, cases

    counts, _, incidents = shipped_clean
    assert figures.incidents_by_region(incidents, "2024-11", "2024-11").texts("en")["title"] == \
        "Named incidents by region, November 2024"
    assert figures.incidents_by_region(incidents, "2024-01", "2024-11").texts("ru")["title"] == \
        "Названные инциденты по регионам, январь 2024 – ноябрь 2024"  # two months: the span as before
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    timeline = case_figures.cases_timeline(ledger, events, "2024-11", "2024-11", cases.false_information_articles())[0]
    assert "mentioned in November 2024: stages" in timeline.texts("en")["title"]
    assert timeline.texts("kk")["title"].startswith("2024 ж. қараша аралығында аталған")  # opens the Kazakh title
    for lang in ("en", "ru", "kk"):
        title = figures.category_heatmap(counts, None, "2019-08", "2019-08", "2019-08").texts(lang)["title"]
        assert title.lower().count("2019") == 1, title
