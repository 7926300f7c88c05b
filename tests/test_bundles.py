"""Embed snippets and download bundles of a real figure, the record that heals them, CITATION.cff."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from publishing import MONTH, links

from analysis import __version__
from analysis.bundles import Figure, Image, counted, embed_html, month_figures, read_figure, write_bundles
from analysis.config import DATA_LICENCE, SOURCE_NAME, Paths
from analysis.manifest import file_hashes
from analysis.site import bundle_step, publish_step, site_step

pytestmark = pytest.mark.xdist_group("published")  # one worker builds `exported_month` for these tests


@pytest.fixture(scope="module")
def exported(exported_month, tmp_path_factory) -> Path:
    """The month's categories of 2024-11 from the shipped data, exported in three languages, with
    the dark and newsletter variants (the files `exported_month` holds of it); never changed: copy it."""
    folder = tmp_path_factory.mktemp("exported") / "reports" / "figures" / MONTH
    folder.mkdir(parents=True)
    for file in (exported_month.reports / "figures" / MONTH).glob("month_categories.*"):
        shutil.copy(file, folder / file.name)
    return folder


@pytest.fixture
def folder(exported, tmp_path) -> Path:
    target = tmp_path / "reports" / "figures" / MONTH
    shutil.copytree(exported, target)
    return target


def test_every_figure_gets_a_snippet_and_a_zip_per_language_and_a_rerun_is_byte_identical(folder):
    written = write_bundles(folder)
    names = sorted(p.name for p in written)
    assert names == sorted(f"month_categories.{lang}.{kind}" for lang in ("en", "ru", "kk")
                           for kind in ("embed.html", "zip"))
    first = {p.name: p.read_bytes() for p in written}
    write_bundles(folder)
    assert {p.name: p.read_bytes() for p in written} == first


def test_the_zip_holds_that_languages_images_the_data_and_a_readme_at_a_fixed_time(folder):
    write_bundles(folder)
    with zipfile.ZipFile(folder / "month_categories.ru.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert set(names) == {"README.md", "month_categories.csv", "month_categories.json",
                              "month_categories.ru.png", "month_categories.ru.svg", "month_categories.ru.pdf",
                              "month_categories.dark.ru.png", "month_categories.dark.ru.svg",
                              "month_categories.newsletter.ru.png", "month_categories.newsletter.dark.ru.png",
                              "month_categories.square.ru.png", "month_categories.square.dark.ru.png"}
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("month_categories.csv") == (folder / "month_categories.csv").read_bytes()
        readme = archive.read("README.md").decode("utf-8")
    assert readme.startswith("# Ноябрь 2024: сообщения по категориям\n")
    # What is counted: the categories the figure's data names, under their groups (November 2024
    # states attacks, threats and interference, and no murder of a journalist).
    assert "- Нарушения прав журналистов, СМИ и ньюсмейкеров: Нападение на журналиста; Угроза; " \
           "Вмешательство в деятельность СМИ\n" in readme
    assert "Убийство журналиста" not in readme
    # What is not counted: the categories the reviews state apart from the group totals.
    assert "не входят в итоги групп: Законодательство" in readme
    assert "нижняя граница" in readme  # the caveat on the incident logs
    assert "Международный фонд защиты свободы слова «Әділ сөз». Ноябрь 2024: сообщения по категориям. " \
           "Данные на ноябрь 2024. CC BY 4.0. https://adilsoz.kz" in readme


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_the_readme_is_in_the_bundles_language_with_the_licence_and_the_source(folder, lang):
    write_bundles(folder)
    with zipfile.ZipFile(folder / f"month_categories.{lang}.zip") as archive:
        readme = archive.read("README.md").decode("utf-8")
    title = json.loads((folder / "month_categories.json").read_text(encoding="utf-8"))["title"][lang]
    assert readme.startswith(f"# {title}\n")
    assert SOURCE_NAME[lang] in readme and DATA_LICENCE in readme
    assert ("Attack on a journalist" in readme) == (lang == "en")
    assert ("Журналистке шабуыл жасау" in readme) == (lang == "kk")


def test_the_snippet_offers_the_dark_design_and_the_widths_and_links_only_beside_itself(folder):
    write_bundles(folder)
    html = (folder / "month_categories.kk.embed.html").read_text(encoding="utf-8")
    # a phone is shown the square figure, in its design: the first source that matches is taken
    assert re.search(r'<picture>\s*<source media="\(max-width: 480px\) and \(prefers-color-scheme: dark\)" '
                     r'srcset="month_categories\.square\.dark\.kk\.png" width="1080" height="1080">\s*'
                     r'<source media="\(max-width: 480px\)" srcset="month_categories\.square\.kk\.png" '
                     r'width="1080" height="1080">\s*<source media="\(prefers-color-scheme: dark\)"', html)
    assert re.search(r'<source media="\(prefers-color-scheme: dark\)" srcset="month_categories\.dark\.kk\.png '
                     r'\d+w, month_categories\.newsletter\.dark\.kk\.png 640w"', html)
    assert re.search(r'<img src="month_categories\.kk\.png" srcset="month_categories\.kk\.png \d+w, '
                     r'month_categories\.newsletter\.kk\.png 640w"', html)
    assert 'alt="Бағаналы диаграмма. 2024 ж. қараша: санаттар бойынша хабарламалар.' in html
    assert '<a href="month_categories.csv" download>Деректерді жүктеу (CSV)</a>' in html
    assert "«Әділ сөз» сөз бостандығын қорғау халықаралық қоры. Деректер: 2024\u00a0ж.\u00a0қараша." in html
    local = [link for link in links(html) if not link.startswith("https://")]
    assert len(local) == 8 and all((folder / link).is_file() for link in local)


def test_a_phone_is_offered_the_square_in_each_design_the_figure_has_or_not_at_all():
    def figure(default: tuple[int, int], *squares: bool) -> Figure:
        """A figure whose default PNG is `default` pixels, light and dark, with a square PNG in the
        designs named (False: light, True: dark)."""
        images = [Image(f"f.{'dark.' * dark}en.png", "default", dark, "png", *default) for dark in (False, True)]
        images += [Image(f"f.square.{'dark.' * dark}en.png", "square", dark, "png", 1080, 1080) for dark in squares]
        return Figure("f", "en", MONTH, "T", "", "A", "A", tuple(images), "f.csv", "f.json")

    wide = figure((1890, 1110), False, True)
    assert [i.file for i in wide.phone()] == ["f.square.en.png", "f.square.dark.en.png"]
    assert "square" not in embed_html(figure((1890, 2748), False, True))  # a tall heat map: not on a phone
    assert figure((1890, 1110), False).phone() == (None, None)  # no dark square: a phone in the dark keeps dark
    light_only = Figure("f", "en", MONTH, "T", "", "A", "A", tuple(i for i in wide.images if not i.dark),
                        "f.csv", "f.json")
    html = embed_html(light_only)
    assert light_only.phone() == (wide.image("square"), None) and "prefers-color-scheme" not in html
    assert '<source media="(max-width: 480px)" srcset="f.square.en.png" width="1080" height="1080">' in html


def test_without_a_files_list_or_a_dark_file_the_snippet_has_the_default_image_alone(folder):
    meta_path = folder / "month_categories.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["files"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    write_bundles(folder)
    html = (folder / "month_categories.en.embed.html").read_text(encoding="utf-8")
    assert "<source" not in html
    assert re.search(r'<img src="month_categories\.en\.png" srcset="month_categories\.en\.png \d+w"', html)
    with zipfile.ZipFile(folder / "month_categories.en.zip") as archive:
        assert {n for n in archive.namelist() if n.endswith("png")} == {"month_categories.en.png"}


def test_the_long_description_is_used_where_the_json_has_one_and_all_text_is_escaped(folder):
    meta_path = folder / "month_categories.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["title"]["en"] = 'Reports <script>alert("x")</script> & more'
    meta["long_description"] = {"en": "The longest bar: <b>refusals</b>, 7."}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    figure = read_figure(meta_path, "en")
    assert figure.long_description == "The longest bar: <b>refusals</b>, 7."
    write_bundles(folder)
    html = (folder / "month_categories.en.embed.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>" not in html
    assert "Reports &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in html
    assert "The longest bar: &lt;b&gt;refusals&lt;/b&gt;, 7." in html


def test_a_figure_gone_from_the_folder_takes_its_snippets_and_zips_with_it(folder):
    write_bundles(folder)
    for file in folder.glob("month_categories.*"):
        if not file.name.endswith((".embed.html", ".zip")):
            file.unlink()
    assert write_bundles(folder) == []
    assert sorted(folder.iterdir()) == []
    assert month_figures(folder, "en") == []


def test_the_report_remakes_the_bundles_when_one_is_deleted_or_a_figure_changes(folder):
    paths = Paths(folder.parents[2])
    figures_written = sorted(folder.iterdir())
    manifest = {"runs": {f"monthly_review_{MONTH}.en": {"outputs": file_hashes(paths, figures_written)}}}
    assert bundle_step(paths, manifest, [MONTH]) == {f"bundles {MONTH}": "never run"}
    assert bundle_step(paths, manifest, [MONTH]) == {}
    assert site_step(paths, manifest) == {"site": "never run"}
    (folder / "month_categories.ru.zip").unlink()
    # a dry run says why the site would be made again: its bundles would (not "forced")
    assert publish_step(paths, manifest, [MONTH], dry_run=True) == {
        f"bundles {MONTH}": f"reports/figures/{MONTH}/month_categories.ru.zip missing or changed",
        "site": "its bundles would be made again"}
    assert bundle_step(paths, manifest, [MONTH]) == {
        f"bundles {MONTH}": f"reports/figures/{MONTH}/month_categories.ru.zip missing or changed"}
    assert (folder / "month_categories.ru.zip").is_file()
    # a run draws the figure again: its record changes, and so the bundles are made again
    (folder / "month_categories.csv").write_text("group,category,count\n", encoding="utf-8")
    manifest["runs"][f"monthly_review_{MONTH}.en"]["outputs"] = file_hashes(paths, figures_written)
    assert bundle_step(paths, manifest, [MONTH]) == {f"bundles {MONTH}": "its inputs changed"}


def test_the_citation_file_is_valid_cff_1_2_0_naming_the_version_and_the_foundation():
    import jsonschema

    schema = json.loads((FIXTURES / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER).validate(citation)
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == __version__
    source = citation["references"][0]
    assert source["authors"] == [{"name": SOURCE_NAME["en"]}]
    assert "license" not in source  # the reviews' own terms are the foundation's: not stated for it
    assert DATA_LICENCE in citation["message"]


def test_an_invalid_citation_file_is_caught_by_the_schema_check():
    import jsonschema

    schema = json.loads((FIXTURES / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del citation["authors"]
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.Draft7Validator(schema).validate(citation)


@pytest.mark.parametrize(("name", "csv", "parameters", "counted_en", "apart"), [
    # the legal types a figure draws: each type's case, the court figures stated apart
    ("legal_claims_by_type", "month,criminal,civil,administrative\n2024-11,,7,3\n", {},
     [("Pre-trial and judicial claims and lawsuits against journalists, media outlets and citizens",
       ["Criminal case", "Civil claim against media or journalists", "Administrative case"])],
     "Court rulings on honour and dignity"),
    # cases under the false-information articles
    ("cases_active", "month,active,new,ended\n2024-11,3,1,1\n", {"articles": ["274", "456-2"]},
     [("Pre-trial and judicial claims and lawsuits against journalists, media outlets and citizens",
       ["Criminal case for knowingly false information", "Administrative case for false information"])],
     "Moral damages awarded by courts"),
    # named incidents of every category: the three current groups as a whole
    ("incidents_by_region", "iso_code,kind,name_en,incidents\nKZ-75,city,Almaty,25\n", {},
     [("Violations of the rights of journalists, media outlets and newsmakers", []),
      ("Violations of the right to freely receive and disseminate information", []),
      ("Pre-trial and judicial claims and lawsuits against journalists, media outlets and citizens", [])],
     "Legislation and regulation affecting free expression"),
])
def test_what_a_figure_counts_comes_from_the_taxonomy(tmp_path, name, csv, parameters, counted_en, apart):
    (tmp_path / f"{name}.csv").write_text(csv, encoding="utf-8")
    (tmp_path / f"{name}.en.png").write_bytes(b"")
    (tmp_path / f"{name}.json").write_text(json.dumps({"name": name, "title": {"en": name}, "parameters": parameters,
                                                       "data": f"{name}.csv"}), encoding="utf-8")
    figure = read_figure(tmp_path / f"{name}.json", "en")
    groups, stated_apart = counted(figure, tmp_path)
    assert groups == counted_en
    assert apart in stated_apart


def test_a_figure_published_under_a_name_of_its_own_keeps_what_its_kind_gives_it(shipped_clean, tmp_path):
    """notebooks/README.md: a notebook publishing a figure function's figure under a name of its own
    (`dataclasses.replace`) keeps its kind: its data table in words, what its bundle says it counts,
    and its place among the month's figures."""
    from dataclasses import replace

    from analysis import figures, taxonomy
    from analysis.outputs import Publication
    from analysis.site import site_table

    counts, _, incidents = shipped_clean
    spec = replace(figures.incidents_by_region(incidents, "2009-01", "2024-11"), name="regions_overview")
    assert (spec.name, spec.kind) == ("regions_overview", "incidents_by_region")
    run = Publication("2024-11", "kk", paths=Paths(tmp_path))
    view = run.figure(spec)  # the HTML copy's data table
    assert "Өңір" in view.table and "name_kk" not in view.table and "iso_code" not in view.table
    figure = read_figure(run.figures / "regions_overview.json", "kk")
    assert (figure.name, figure.kind) == ("regions_overview", "incidents_by_region")
    table = site_table(run.figures / figure.csv, figure.kind, "kk")  # the site's
    assert "Өңір" in table.columns and not {"name_kk", "iso_code", "kind"} & set(table.columns)
    # a trend under a name of its own counts its category, and comes before the named incidents
    name = "refusals_trend"
    (run.figures / f"{name}.csv").write_text("month,value,rolling_mean,derived\n2024-11,5,5,False\n", encoding="utf-8")
    (run.figures / f"{name}.kk.png").write_bytes(b"")
    (run.figures / f"{name}.json").write_text(json.dumps(
        {"name": name, "kind": "trend_refusal_of_information", "title": {"kk": name}, "data": f"{name}.csv"}),
        encoding="utf-8")
    trend = read_figure(run.figures / f"{name}.json", "kk")
    groups, _ = counted(trend, run.figures)
    assert [categories for _, categories in groups] == [[taxonomy.category_label("refusal_of_information", "kk")]]
    assert [f.name for f in month_figures(run.figures, "kk")] == ["refusals_trend", "regions_overview"]
