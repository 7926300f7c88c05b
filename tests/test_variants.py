"""Every figure in light and dark and at the sizes editors use: the files, their pixels, the dark
theme, the PDF's metadata, and `analysis report --variants`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image
from pypdf import PdfReader

from analysis import cli, figures, plots, variants
from analysis.config import DATA_LICENCE, PRINT_COLUMN_CM, Paths
from analysis.errors import ParameterError
from analysis.outputs import Publication
from analysis.runs import plan

ALL = list(variants.VARIANTS)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A small stacked-bar figure exported in every variant in Kazakh and English."""
    counts = pd.DataFrame({
        "month": ["2024-01", "2024-01", "2024-03", "2024-03"], "group": ["legal_claims"] * 4,
        "category": ["total", "civil_claims", "total", "civil_claims"], "unit": "count",
        "count": [5, 3, 4, 4], "source": "published", "source_url": "", "parent": "",
        "label_as_written": "", "note": ""})
    spec = figures.groups_stacked(counts, "2024-01", "2024-03", "2024-03")
    folder = tmp_path_factory.mktemp("variants")
    previews: dict[str, bytes] = {}
    written = figures.export(spec, folder, ["kk", "en"], {}, ALL, previews)
    return spec, folder, written, previews


def test_every_variant_is_written_under_its_name_and_listed_in_the_json(exported):
    spec, folder, written, _ = exported
    expected = {f"groups_stacked.{middle}{lang}.{fmt}" for lang in ("kk", "en") for middle, fmt in [
        ("", "png"), ("", "svg"), ("", "pdf"), ("dark.", "png"), ("dark.", "svg"),
        ("social.", "png"), ("social.dark.", "png"), ("square.", "png"), ("square.dark.", "png"),
        ("newsletter.", "png"), ("newsletter.dark.", "png"), ("print.", "pdf")]}
    assert {p.name for p in written} == expected | {"groups_stacked.csv", "groups_stacked.json"}
    assert {p.name for p in folder.iterdir()} == {p.name for p in written}
    meta = json.loads((folder / "groups_stacked.json").read_text(encoding="utf-8"))
    assert set(meta["files"]) == {"kk", "en"}
    assert meta["files"]["kk"] == {
        "default.png": "groups_stacked.kk.png", "default.svg": "groups_stacked.kk.svg",
        "default.pdf": "groups_stacked.kk.pdf", "dark.png": "groups_stacked.dark.kk.png",
        "dark.svg": "groups_stacked.dark.kk.svg", "social.png": "groups_stacked.social.kk.png",
        "social.dark.png": "groups_stacked.social.dark.kk.png", "square.png": "groups_stacked.square.kk.png",
        "square.dark.png": "groups_stacked.square.dark.kk.png",
        "newsletter.png": "groups_stacked.newsletter.kk.png",
        "newsletter.dark.png": "groups_stacked.newsletter.dark.kk.png", "print.pdf": "groups_stacked.print.kk.pdf"}
    assert set(meta["long_description"]) == {"en", "ru", "kk"}
    assert meta["long_description"]["en"].startswith(spec.texts("en")["title"])


def test_each_size_has_its_pixels(exported):
    _, folder, _, previews = exported
    meta = json.loads((folder / "groups_stacked.json").read_text(encoding="utf-8"))
    for key, (width, height) in {"social.png": (1200, 675), "social.dark.png": (1200, 675),
                                 "square.png": (1080, 1080), "square.dark.png": (1080, 1080)}.items():
        with Image.open(folder / meta["files"]["kk"][key]) as image:
            assert image.size == (width, height), key
        assert meta["pixels"]["kk"][key] == [width, height]
    for key in ("newsletter.png", "newsletter.dark.png"):
        with Image.open(folder / meta["files"]["kk"][key]) as image:
            assert image.size[0] == 640 and image.size[1] > 300
    with Image.open(folder / "groups_stacked.kk.png") as image:
        assert round(image.info["dpi"][0]) == variants.FILE_DPI == 300 and image.size[0] == 1890
    assert previews["kk"] == (folder / "groups_stacked.newsletter.kk.png").read_bytes()  # what the notebook shows


def test_a_tall_figure_is_laid_out_on_a_larger_frame_of_the_same_shape_not_cut():
    social, square = variants.SIZES["social"], variants.SIZES["square"]
    assert social.figsize((6.3, 3.0)) == (6.0, 3.375)
    width, height = social.figsize((6.3, 9.0))
    assert height == 9.0 and width == pytest.approx(16.0)
    assert square.figsize((6.3, 9.0)) == (9.0, 9.0)
    assert variants.SIZES["newsletter"].figsize((6.3, 4.2)) == (6.3, 4.2)


def test_a_phone_is_offered_the_square_only_where_its_text_reads_a_tenth_larger_or_more():
    # the default PNGs of 2024-11: month_categories, ytd_comparison, incidents_by_region, category_heatmap
    assert variants.reads_larger("square", (1890, 1110))  # laid out 4.5 in wide, against 6.3: 1.4 times
    assert variants.reads_larger("square", (1890, 1635))  # 5.45 in: 1.16 times
    assert not variants.reads_larger("square", (1890, 1830))  # 6.1 in: 1.03 times, not worth another picture
    assert not variants.reads_larger("square", (1890, 2748))  # 9.2 in: the square frame would shrink it
    assert not variants.reads_larger("social", (1890, 1110))  # 6.0 in


def test_the_dark_variant_is_redrawn_in_the_dark_theme_with_the_category_colours_kept(exported):
    _, folder, _, _ = exported
    dark_background = variants.theme()["background"][1]
    with Image.open(folder / "groups_stacked.dark.kk.png") as image:
        corner = to_hex(np.array(image.convert("RGB").getpixel((3, 3))) / 255).upper()
    assert corner == dark_background
    with Image.open(folder / "groups_stacked.kk.png") as image:
        assert image.convert("RGB").getpixel((3, 3)) == (255, 255, 255)
    fig = plots.stacked_bars_by_month(pd.DataFrame({"rights_of_journalists": [3.0, np.nan, 5.0],
                                                    "legal_claims": [1.0, np.nan, 2.0]},
                                                   index=["2024-01", "2024-02", "2024-03"]),
                                      labels={"rights_of_journalists": "r", "legal_claims": "l"}, title="T",
                                      ylabel="y", source="s", no_data="no data", lang="en")
    variants.to_dark(fig)
    ax = fig.axes[0]
    bars = {c.get_label(): to_hex(c.patches[0].get_facecolor()).upper() for c in ax.containers}
    assert bars == {"r": "#0072B2", "l": "#009E73"}  # identity kept: both read on the dark background
    assert to_hex(fig.get_facecolor()).upper() == dark_background
    assert to_hex(fig._suptitle.get_color()).upper() == variants.theme()["text"][1]
    source = next(text for text in fig.texts if text is not fig._suptitle)
    assert to_hex(source.get_color()).upper() == variants.theme()["muted"][1]
    shaded = [p for p in ax.patches if to_hex(p.get_facecolor()).upper() == variants.theme()["no_data"][1]]
    assert len(shaded) == 1  # February: no data, shaded in the dark theme's colour


def test_a_tint_is_pale_on_the_dark_background_as_on_the_light_and_stands_out_from_the_months_without_data():
    """The bars of lesser weight (the cases open but not mentioned; the year compared with) are the
    colour's tint: seen through to the white on the light background, made as pale on the dark one,
    where seen through to the dark they sank into the shading of months without data (1.2:1)."""
    fig = Figure()
    ax = fig.add_subplot()
    full = ax.bar([0], [1], color="#0072B2")[0]
    tinted = ax.bar([1], [1], **plots.tint("#0072B2", edged=False))[0]
    edged = ax.bar([2], [1], **plots.tint("#0072B2"))[0]
    light_tint = variants._luminance(np.array(tinted.get_facecolor()[:3]) * 0.4 + 0.6)  # over white
    variants.to_dark(fig)
    background, no_data = variants.theme()["background"][1], variants.theme()["no_data"][1]
    for bar in (tinted, edged):
        face = bar.get_facecolor()
        assert face[3] == 1.0  # opaque: nothing of the dark background shows through
        assert variants.contrast(to_hex(face), background) >= variants.MIN_CONTRAST
        assert variants.contrast(to_hex(face), no_data) > 2
        assert variants._luminance(np.array(face[:3])) > variants._luminance(np.array(full.get_facecolor()[:3]))
        assert variants._luminance(np.array(face[:3])) < light_tint  # pale, not white
    assert to_hex(edged.get_edgecolor()).upper() == "#0072B2"  # the edge in the full colour, as on the light
    # the legend's keys for every colour (the year compared with, the year): the tint the paler here too
    keys = Figure().add_subplot().bar([0, 1], [1, 1], color=[variants.role("neutral"), variants.role("neutral")])
    keys[0].set(**plots.tint(variants.role("neutral")))
    variants.to_dark(keys[0].figure)
    assert variants._luminance(np.array(keys[0].get_facecolor()[:3])) > variants._luminance(
        np.array(keys[1].get_facecolor()[:3]))


def test_a_heat_map_of_many_rows_keeps_its_text_readable_in_the_social_frame(shipped_clean):
    counts = shipped_clean[0]
    spec = figures.category_heatmap(counts, None, "2022-06", "2024-11", "2024-11")
    assert len(spec.data.columns) - 1 >= 25  # categories (a column each) beside the month
    social = variants.SIZES["social"]
    with variants.drawing_at(social):
        fig = spec.draw("ru")
    labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert all("\n" not in label for label in labels) and any(len(label) > 60 for label in labels)  # one line each
    pixels_per_point = social.dpi(fig) / 72
    smallest = min(label.get_fontsize() for label in fig.axes[0].get_yticklabels())
    assert smallest * pixels_per_point >= 10  # each label at least 10 px high in the 1200 x 675 PNG (was 7)
    width, height = fig.get_size_inches()
    assert height / width == pytest.approx(675 / 1200)
    assert plots.layout_problems(fig) == []
    with variants.drawing_at(variants.SIZES["square"]):  # a square frame keeps the wrapped labels
        square = spec.draw("ru")
    assert any("\n" in label.get_text() for label in square.axes[0].get_yticklabels())
    few = figures.category_heatmap(counts, ["threat", "refusal_of_information"], "2024-01", "2024-11", "2024-11")
    with variants.drawing_at(social):  # rows that fit the frame: as before
        small = few.draw("ru")
    assert tuple(small.get_size_inches()) == pytest.approx((6.0, 3.375))


def test_a_dark_heat_map_is_brightest_where_the_count_is_highest_and_every_number_reads_on_its_cell():
    counts = np.array([[1.0, 4.0, 9.0, np.nan], [2.0, 16.0, 30.0, 60.0]])
    matrix = pd.DataFrame(counts, index=["a", "b"], columns=["2024-01", "2024-02", "2024-03", "2024-04"])
    fig = plots.heatmap(matrix, row_labels=["A", "B"], title="T", source="s", not_stated="not stated",
                        no_data="no data", lang="en", with_data=list(matrix.columns))
    light = fig.axes[0].collections[0].get_facecolors().copy()
    variants.to_dark(fig)
    ax = fig.axes[0]
    mesh = ax.collections[0]
    stated = ~np.isnan(counts.ravel())
    cells = mesh.get_facecolors()
    shade = [variants._luminance(c[:3]) for c in cells[stated]]
    order = np.argsort(counts.ravel()[stated])
    assert np.all(np.diff(np.array(shade)[order]) > 0)  # the fewest the darkest, the most the brightest
    light_shade = [variants._luminance(c[:3]) for c in light[stated][order]]
    assert np.all(np.diff(light_shade) < 0)  # the light scale runs the other way
    background = variants.theme()["background"][1]
    fewest = to_hex(cells[stated][order[0]])  # not taken for an empty cell
    assert variants.contrast(fewest, background) >= variants.MIN_CONTRAST
    assert variants.contrast(fewest, variants.theme()["no_data"][1]) > 2
    assert len(ax.texts) == stated.sum()
    for text in ax.texts:
        x, y = text.get_position()
        cell = to_hex(cells[int(y) * 4 + int(x)])
        other = next(c for c in variants.CELL_TEXT if c != to_hex(text.get_color()).upper())
        assert variants.contrast(text.get_color(), cell) >= max(3.0, variants.contrast(other, cell)), text.get_text()


def test_the_svg_says_its_title_and_description_and_the_pdf_its_metadata(exported):
    spec, folder, _, _ = exported
    svg = (folder / "groups_stacked.dark.kk.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg[svg.index("<svg"):])  # past the XML declaration and DOCTYPE
    assert root.get("role") == "img"
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.find("svg:title", ns).text == spec.texts("kk")["title"]
    assert root.find("svg:desc", ns).text == spec.texts("kk")["long_description"]
    reader = PdfReader(folder / "groups_stacked.print.en.pdf")
    info = reader.metadata
    assert info.title == spec.texts("en")["title"]
    assert info.subject == spec.texts("en")["long_description"]
    assert DATA_LICENCE in info["/Keywords"] and "Adil Soz" in info.author
    width_pt = float(reader.pages[0].mediabox.width)
    assert width_pt == pytest.approx(PRINT_COLUMN_CM / 2.54 * 72, abs=1.5)
    pdf = (folder / "groups_stacked.print.kk.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Subtype /Type3" not in pdf  # TrueType fonts embedded


def test_a_later_export_in_another_language_keeps_the_files_of_the_first(exported, tmp_path):
    spec, _, _, _ = exported
    figures.export(spec, tmp_path, ["ru"], {}, ALL)
    figures.export(spec, tmp_path, ["en"], {}, ["default"])
    meta = json.loads((tmp_path / "groups_stacked.json").read_text(encoding="utf-8"))
    assert len(meta["files"]["ru"]) == 12 and meta["files"]["en"] == {
        "default.png": "groups_stacked.en.png", "default.svg": "groups_stacked.en.svg",
        "default.pdf": "groups_stacked.en.pdf"}


def test_each_later_file_of_a_drawing_is_drawn_once_at_the_layout_of_its_first(exported, tmp_path, monkeypatch):
    spec, _, _, _ = exported
    seen: list[tuple[str, bool]] = []  # (what, whether the drawing's first file was written)
    frozen = [False]
    draw, execute, freeze, save = Figure.draw, ConstrainedLayoutEngine.execute, figures._freeze_layout, figures._savefig
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: seen.append(("draw", frozen[0])) or draw(self, renderer))
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute",
                        lambda self, fig: seen.append(("layout", frozen[0])) or execute(self, fig))
    monkeypatch.setattr(figures, "_freeze_layout", lambda fig: frozen.__setitem__(0, True) or freeze(fig))
    monkeypatch.setattr(figures, "_savefig",
                        lambda fig, *args, **kwargs: seen.append(("file", frozen[0])) or save(fig, *args, **kwargs))
    figures.export(spec, tmp_path, ["kk"], {}, ["default", "dark", "newsletter"], {})
    later = [what for what, after in seen if after]
    assert later.count("file") == 6  # the preview, the SVG, the PDF; the dark PNG, SVG and newsletter PNG
    assert later.count("draw") == later.count("file") and "layout" not in later


# --- choosing the variants ------------------------------------------------------------------------

def test_variants_are_parsed_in_order_with_the_default_figure_always_made():
    assert variants.parse_variants("print,dark") == ["default", "dark", "print"]
    assert variants.parse_variants(" social , square ") == ["default", "social", "square"]
    with pytest.raises(ParameterError) as caught:
        variants.parse_variants("dark,sqare,huge")
    assert str(caught.value) == ("--variants: unknown variant sqare, huge; expected a comma-separated list of "
                                 "default, dark, social, square, newsletter, print")


def test_a_notebook_given_an_unknown_variant_names_its_parameter(tmp_path):
    with pytest.raises(ParameterError, match=r"^variants: unknown variant poster; expected a comma-separated"):
        Publication("2024-11", "en", paths=Paths(tmp_path), variants="dark,poster")


def test_the_scheduled_run_makes_every_variant_for_the_newest_month_only(shipped_clean):
    counts = shipped_clean[0]
    runs = plan(counts, ["2024-10", "2024-11"], ["en"], "all", 3)
    by_month = {(r.notebook, r.month): r.parameters["variants"] for r in runs}
    assert by_month[("monthly_review", "2024-10")] == "default"
    assert by_month[("monthly_review", "2024-11")] == ",".join(variants.VARIANTS)
    assert by_month[("trends", "2024-11")] == ",".join(variants.VARIANTS)
    chosen = plan(counts, ["2024-10", "2024-11"], ["en"], "all", 3, variants="default,dark")
    assert {r.parameters["variants"] for r in chosen} == {"default,dark"}


def test_an_unknown_variant_is_refused_in_one_line(empty_project, capsys):
    assert cli.main(["--root", str(empty_project.root), "report", "--variants", "dark,poster"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: --variants: unknown variant poster; expected a comma-separated list of "
                   "default, dark, social, square, newsletter, print")
    assert not (empty_project.reports / "notebooks").exists()


def test_a_notebook_run_records_every_variant_it_writes_so_the_manifest_checks_them(empty_project, exported,
                                                                                     monkeypatch, tmp_path):
    from analysis.accessibility import FigureView
    from analysis.manifest import OUTPUTS_RECORD
    from analysis.outputs import Publication

    spec = exported[0]
    record = tmp_path / "record.txt"
    monkeypatch.setenv(OUTPUTS_RECORD, str(record))
    out = Publication("2024-03", "ru", publish=True, paths=empty_project, variants="dark,square")
    shown = out.figure(spec)
    recorded = {line.rsplit("/", 1)[1] for line in record.read_text(encoding="utf-8").splitlines()}
    meta = json.loads((out.figures / "groups_stacked.json").read_text(encoding="utf-8"))
    assert recorded == set(meta["files"]["ru"].values()) | {"groups_stacked.csv", "groups_stacked.json"}
    assert set(meta["files"]["ru"]) == {"default.png", "default.svg", "default.pdf", "dark.png", "dark.svg",
                                        "square.png", "square.dark.png"}
    assert isinstance(shown, FigureView) and shown.alt == spec.texts("ru")["alt_text"]
    assert shown.png.startswith(b"\x89PNG") and "<details>" in shown.table


def test_a_month_keeps_the_variants_it_was_made_with_when_a_newer_month_comes(shipped_clean, tmp_path):
    from analysis.manifest import DataHashes
    from analysis.runs import run_record

    counts, cumulative, incidents = shipped_clean
    paths = small_notebooks(tmp_path)
    hashes = DataHashes(counts, incidents, cumulative)

    def key(months, chosen=None):
        runs = plan(counts, months, ["en"], "all", 3, variants=chosen)
        review = next(r for r in runs if r.notebook == "monthly_review" and r.month == "2024-10")
        return run_record(review, paths, hashes)["key"]

    newest, older = key(["2024-10"]), key(["2024-10", "2024-11"])
    assert newest == older  # every variant while newest, the default later: not out of date for that
    assert key(["2024-10", "2024-11"], "default,dark") != older  # asked for by name: it is


def small_notebooks(root):
    paths = Paths(root)
    paths.notebooks.mkdir(parents=True)
    for name in ("monthly_review", "trends", "named_incidents", "cases"):
        (paths.notebooks / f"{name}.py").write_bytes((ROOT / "notebooks" / f"{name}.py").read_bytes())
    return paths
