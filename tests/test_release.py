"""Data releases: versions from the diff, revisions, notes, validation, immutability, the scheduled run.

Built once for the module from a copy of a few shipped months (published counts of 2024-09 and
2024-10 and the incident log of 2024-01; then 2024-11 is added, then one 2024-09 figure corrected).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import Paths
from analysis.datapackage import ReleaseError
from analysis.load import load_revisions
from analysis.release import changes_since_release, make_release, releases, run_release
from analysis.report import ReleaseStep, release_step
from analysis.revisions import read_release

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "raw"
CORRECTED = ("2024-09,pre-trial and judicial claims and lawsuits,pre-trial claim in a criminal case,1,",
             "2024-09,pre-trial and judicial claims and lawsuits,pre-trial claim in a criminal case,2,")
REASON = "corrected in the review of 2024-11: two pre-trial claims, not one"


def _published(root: Path, months: tuple[str, ...], correct: bool = False) -> None:
    lines = (SHIPPED / "published/published_counts.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line[:7] in months]
    if correct:
        keep = [line.replace(CORRECTED[0], CORRECTED[1]).rsplit(",", 1)[0] + f',"{REASON}"'
                if line.startswith(CORRECTED[0]) else line for line in keep]
    folder = root / "data/raw/published"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "published_counts.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    header = (SHIPPED / "published/published_cumulative.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "published_cumulative.csv").write_text(header + "\n", encoding="utf-8")


def _logs(root: Path, months: tuple[str, ...]) -> None:
    folder = root / "data/raw/incidents"
    folder.mkdir(parents=True, exist_ok=True)
    for month in months:
        shutil.copy(SHIPPED / "incidents" / f"{month}.csv", folder / f"{month}.csv")


def _release(root: Path, folder: Path) -> str | None:
    return run_release(Paths(root), folder).version


def _copy(series, tmp_path: Path, releases: Path | None = None) -> tuple[Path, Path]:
    """The series' data in a project of its own, its releases copied to `releases` (default: the project's)."""
    root = tmp_path / "project"
    shutil.copytree(series["root"] / "data", root / "data")
    folder = releases or root / "releases"
    shutil.copytree(series["folder"], folder, symlinks=True)
    return root, folder


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """Three releases of one project: first, a month added, a figure corrected."""
    root = tmp_path_factory.mktemp("project")
    folder = root / "releases"
    _published(root, ("2024-09", "2024-10"))
    _logs(root, ("2024-01",))
    first = _release(root, folder)
    unchanged = _release(root, folder)
    _published(root, ("2024-09", "2024-10", "2024-11"))
    _logs(root, ("2024-11",))
    minor = _release(root, folder)
    _published(root, ("2024-09", "2024-10", "2024-11"), correct=True)
    patch = _release(root, folder)
    return {"root": root, "folder": folder, "versions": (first, unchanged, minor, patch)}


def test_versions_follow_the_changes(series):
    assert series["versions"] == ("1.0.0", None, "1.1.0", "1.1.1")
    assert releases(series["folder"]) == ["1.0.0", "1.1.0", "1.1.1"]
    latest = series["folder"] / "latest"
    assert latest.is_symlink() and str(latest.readlink()) == "1.1.1"


def test_revisions_list_the_new_month_and_the_corrected_figure(series):
    revisions = pd.read_csv(series["folder"] / "1.1.1/revisions.csv", dtype=str, keep_default_na=False)
    minor = revisions[revisions["release"] == "1.1.0"]
    added = minor[(minor["table"] == "monthly_counts") & (minor["change"] == "added")]
    assert set(added["month"]) >= {"2024-11"}
    published_2024_11 = added[added["key"].str.contains("|published|", regex=False)]
    # the 12 rows of 2024-11 in the shipped file, and "other" of the two groups whose items fall short of the total
    assert len(published_2024_11) == 14
    assert minor[minor["change"] == "revised"].empty or set(
        minor.loc[minor["change"] == "revised", "key"].str.split("|").str[4]) == {"incident_log"}

    patch = revisions[revisions["release"] == "1.1.1"]
    assert patch["previous_release"].unique().tolist() == ["1.1.0"]
    figure = patch[(patch["table"] == "monthly_counts") & (patch["field"] == "count")]
    assert figure[["month", "group", "category", "unit", "old_value", "new_value"]].values.tolist() == [
        ["2024-09", "legal_claims", "criminal_proceedings", "count", "1", "2"]]
    assert figure["reason"].tolist() == [REASON]
    assert load_revisions(Paths(series["root"])).equals(revisions)


def test_rows_carry_when_they_were_first_released_and_last_revised(series):
    counts = pd.read_csv(series["folder"] / "1.1.1/data/monthly_counts.csv", dtype=str, keep_default_na=False)
    published = counts[counts["source"] == "published"]
    corrected = published[(published["month"] == "2024-09") & (published["count"] == "2")
                          & (published["category"] == "criminal_proceedings")]
    assert corrected[["first_released", "last_revised"]].values.tolist() == [["1.0.0", "1.1.1"]]
    november = published[published["month"] == "2024-11"]
    assert set(november["first_released"]) == {"1.1.0"} and set(november["last_revised"]) == {""}
    untouched = published[(published["month"] == "2024-10")]
    assert set(untouched["first_released"]) == {"1.0.0"} and set(untouched["last_revised"]) == {""}


def test_notes_name_the_new_month_and_the_correction_in_three_languages(series):
    minor = (series["folder"] / "1.1.0/NOTES.en.md").read_text(encoding="utf-8")
    # the group totals the review states (it states no overall total), in the taxonomy's order
    assert ("- November 2024: rights of journalists 10; access to information 12; claims and lawsuits 10"
            in minor)
    assert "A minor version: new months were added." in minor
    assert "- `monthly_counts`: added 41 rows, removed 0 rows" in minor
    patch = (series["folder"] / "1.1.1/NOTES.en.md").read_text(encoding="utf-8")
    assert "A patch version" in patch
    assert f": 1 → 2. Reason: {REASON}" in patch
    ru = (series["folder"] / "1.1.0/NOTES.ru.md").read_text(encoding="utf-8")
    assert "- `monthly_counts`: добавлено: 41 строка; удалено: 0 строк" in ru  # CLDR: 41 -> one, 0 -> many
    kk = (series["folder"] / "1.1.1/NOTES.kk.md").read_text(encoding="utf-8")
    assert ": 1 → 2. Себебі: " in kk


def test_each_release_validates_and_is_self_contained(series):
    from frictionless import Package

    folder = series["folder"] / "1.1.1"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["version"] == "1.1.1" and package["previousVersion"] == "1.1.0"
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["temporal"] == {"start": "2024-01", "end": "2024-11"}
    category = next(f for r in package["resources"] if r["name"] == "monthly_counts"
                    for f in r["schema"]["fields"] if f["name"] == "category")
    murder = next(c for c in category["categories"] if c["value"] == "murder")
    assert murder["labels"] == {"en": "Murder of a journalist", "ru": "Убийство журналиста",
                                "kk": "Журналистті өлтіру"}
    assert Package(str(folder / "datapackage.json")).validate().valid
    for res in package["resources"]:
        assert (folder / res["path"]).is_file()
    assert "## How to cite" in (folder / "README.md").read_text(encoding="utf-8")


def test_an_invalid_package_is_refused_and_nothing_is_written(series, tmp_path):
    root, folder = _copy(series, tmp_path, tmp_path / "releases")
    counts = pd.read_parquet(root / "data/processed/monthly_counts.parquet")
    counts.loc[0, "count"] = -3  # a count below zero breaks the schema's minimum
    counts.to_parquet(root / "data/processed/monthly_counts.parquet", index=False)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    with pytest.raises(ReleaseError, match=r"release 1\.1\.2 does not validate, nothing was written: "
                                           r"monthly_counts\.csv: line \d+: column count"):
        make_release(Paths(root), folder)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    assert str((folder / "latest").readlink()) == "1.1.1"


def test_a_row_that_does_not_validate_is_named_by_the_raw_file_and_line_it_was_read_from(series, tmp_path):
    root, folder = _copy(series, tmp_path, tmp_path / "releases")
    incidents = pd.read_parquet(root / "data/processed/incidents.parquet")
    incidents.loc[0, "amount_kzt"] = -5  # below the schema's minimum
    incidents.to_parquet(root / "data/processed/incidents.parquet", index=False)
    file, line = incidents.loc[0, "source_file"], incidents.loc[0, "source_line"]
    with pytest.raises(ReleaseError, match=r"incidents\.csv: line \d+: column amount_kzt: .*"
                                           rf"\(read from {re.escape(file)}, line {line}\)"):
        make_release(Paths(root), folder)


def test_an_existing_release_is_never_touched(series, tmp_path):
    root, folder = _copy(series, tmp_path, tmp_path / "releases")
    _published(root, ("2024-09", "2024-10", "2024-11"))  # the correction undone: a patch, 1.1.2
    (folder / "1.1.2").mkdir()
    (folder / "1.1.2/kept.txt").write_text("someone else's", encoding="utf-8")
    with pytest.raises(ReleaseError, match="1.1.2 exists already: a release is never overwritten"):
        run_release(Paths(root), folder)
    assert [p.name for p in (folder / "1.1.2").iterdir()] == ["kept.txt"]
    assert str((folder / "latest").readlink()) == "1.1.1"
    assert not list(folder.glob(".*staging*"))


def test_the_last_step_refuses_even_an_empty_folder_of_that_version(tmp_path):
    """A plain rename would replace an empty folder; a release taken meanwhile by another process is kept."""
    from analysis.release import _rename_no_replace

    staged, taken = tmp_path / ".1.0.0.staging", tmp_path / "1.0.0"
    staged.mkdir()
    (staged / "datapackage.json").write_text("{}", encoding="utf-8")
    taken.mkdir()
    with pytest.raises(ReleaseError, match="exists already"):
        _rename_no_replace(staged, taken)
    assert list(taken.iterdir()) == [] and (staged / "datapackage.json").exists()


def test_a_renamed_category_code_is_a_major_version(series, tmp_path, monkeypatch):
    """The taxonomy renames `criminal_proceedings` (its labels unchanged): the data and the codes change."""
    import analysis.datapackage as datapackage

    root, folder = _copy(series, tmp_path, tmp_path / "releases")
    old, new = "criminal_proceedings", "criminal_case"
    renamed = [new if code == old else code for code in datapackage.category_codes()]
    monkeypatch.setattr(datapackage, "category_codes", lambda: renamed)
    label = datapackage.category_label
    monkeypatch.setattr(datapackage, "category_label",
                        lambda code, lang="en": label(old if code == new else code, lang))
    for table in ("monthly_counts", "incidents", "cases", "case_events"):
        path = root / "data/processed" / f"{table}.parquet"
        frame = pd.read_parquet(path)
        frame["category"] = frame["category"].astype(str).replace(old, new)
        frame.to_parquet(path, index=False)
    made = make_release(Paths(root), folder)
    assert made.version == "2.0.0"
    revisions = read_release(folder / "2.0.0").tables["revisions"]
    taxonomy = revisions[(revisions["release"] == "2.0.0") & (revisions["table"] == "taxonomy")]
    assert taxonomy[["change", "old_value", "new_value"]].values.tolist() == [["code_renamed", old, new]]
    remapped = revisions[(revisions["release"] == "2.0.0") & (revisions["change"] == "label_remapped")]
    pairs = remapped[["key", "old_value", "new_value"]].values.tolist()
    assert ["pre-trial claim in a criminal case", old, new] in pairs
    notes = (folder / "2.0.0/NOTES.en.md").read_text(encoding="utf-8")
    assert f"- category code `{old}` renamed `{new}`" in notes and "A major version" in notes


def test_the_scheduled_run_releases_only_when_the_data_changed(series, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(series["root"] / "data", root / "data")
    paths = Paths(root)
    logger = logging.getLogger("test_release")
    assert release_step(paths, {}, logger) == ReleaseStep()  # no release yet: the first is made by hand
    shutil.copytree(series["folder"], paths.releases, symlinks=True)
    manifest: dict = {"clean": {"key": "k1"}}
    assert release_step(paths, manifest, logger) == ReleaseStep()  # unchanged since 1.1.1
    assert manifest["release"] == {"clean": "k1", "latest": "1.1.1"}
    assert changes_since_release(paths).empty
    _published(root, ("2024-09", "2024-10", "2024-11"))  # the correction undone
    run_release_clean_only(paths)
    pending = changes_since_release(paths)
    assert pending[["table", "change", "field", "old_value", "new_value"]].values.tolist() == [
        ["monthly_counts", "revised", "count", "2", "1"], ["monthly_counts", "revised", "note", REASON, ""]]
    manifest["clean"]["key"] = "k2"
    assert release_step(paths, manifest, logger) == ReleaseStep(version="1.1.2")
    assert releases(paths.releases)[-1] == "1.1.2"


def run_release_clean_only(paths: Paths) -> None:
    from analysis.clean import run_clean

    run_clean(paths)


def test_the_command_says_what_it_released_or_why_not(series, tmp_path, capsys):
    from analysis.cli import main

    root, _ = _copy(series, tmp_path)
    assert main(["--root", str(root), "release"]) == 0
    assert capsys.readouterr().out.strip() == "release: nothing to release: the data have not changed since 1.1.1"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "1.0.0").write_text("not a release", encoding="utf-8")  # in the way of the first release
    assert main(["--root", str(root), "release", "--to", str(elsewhere)]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {elsewhere / '1.0.0'} exists already: a release is never overwritten"]
    assert (elsewhere / "1.0.0").read_text(encoding="utf-8") == "not a release"


def test_trend_figures_mark_the_months_a_release_revised(series):
    from analysis import figures
    from analysis.load import load_monthly_counts
    from analysis.plots import layout_problems
    from analysis.revisions import revised_months

    paths = Paths(series["root"])
    months = revised_months(load_revisions(paths), ["criminal_proceedings"])
    assert months == ["2024-09"]
    counts = load_monthly_counts(paths)
    for revised, marked in ((months, [8]), (None, [])):  # 2024-09 is the ninth month from 2024-01
        spec = figures.category_trend(counts, "criminal_proceedings", "2024-01", "2024-11", 3, "2024-11",
                                      revised=revised)
        assert spec.meta.get("revised_months") == revised  # named in the figure's JSON
        fig = spec.draw("en")
        lines = [line for line in fig.axes[0].get_lines() if line.get_label() == "revised since first released"]
        assert [list(line.get_xdata()) for line in lines] == ([marked] if marked else [])
        legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()] if fig.axes[0].get_legend() \
            else [text.get_text() for legend in fig.legends for text in legend.get_texts()]
        assert ("revised since first released" in legend) == bool(marked)
        assert layout_problems(fig) == []


def test_the_committed_release_validates():
    from frictionless import Package

    latest = ROOT / "releases" / "latest"
    assert latest.is_symlink() and not Path(str(latest.readlink())).is_absolute()
    report = Package(str(latest / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_a_month_filled_in_from_the_template_with_only_its_required_cells_is_released(series, tmp_path):
    """What the cleaning keeps, a release accepts: a log may leave out the source, the description and
    the source's language (the template asks only for the identifier and the category), and the date
    of an incident known only by its month (the template says to leave it empty)."""
    from openpyxl import load_workbook

    from analysis.clean import run_clean
    from analysis.template import template_columns, write_template

    root, _ = _copy(series, tmp_path)
    paths = Paths(root)
    path = write_template(paths, "2024-12", "ru")
    book = load_workbook(path)
    columns = template_columns()["column"].tolist()
    rows = (("SYN-1", "Угроза"), ("SYN-2", "Отказ или ограничение в предоставлении общественно значимой информации"),
            ("SYN-3", "Административное дело о ложной информации"))  # a case: in the cases table too
    for row, (incident, category) in enumerate(rows, start=2):
        day = "" if incident == "SYN-2" else "03.12.2024"
        for column, value in (("incident_id", incident), ("event_date", day), ("category", category)):
            book["2024-12"].cell(row=row, column=columns.index(column) + 1, value=value or None)
    book.save(path)
    cleaned = run_clean(paths)
    assert cleaned.ok and cleaned.rejected.empty
    assert set(cleaned.incidents["incident_id"]) >= {"SYN-1", "SYN-2", "SYN-3"}
    undated = cleaned.incidents.set_index("incident_id").loc["SYN-2"]
    assert (undated["date_precision"], str(undated["event_date"])[:7]) == ("month", "2024-12")
    made = make_release(paths)
    assert made.version == "1.2.0"
    incidents = pd.read_csv(made.folder / "data" / "incidents.csv", dtype=str, keep_default_na=False)
    logged = incidents.set_index("incident_id").loc["SYN-1"]
    assert logged[["source_url", "summary", "source_lang"]].tolist() == ["", "", ""]
    cases = pd.read_csv(made.folder / "data" / "cases.csv", dtype=str, keep_default_na=False)
    assert cases.loc[cases["case_id"] == "SYN-3", "source_urls"].tolist() == [""]


def test_the_scheduled_run_holds_a_release_back_while_the_cleaning_rejects_new_rows(series, tmp_path):
    """A release is never changed: a mistake in a new month's file would stay in it. The scheduled run
    waits until the rows are fixed; `analysis release` releases them as they are, and a rejection
    already released does not hold the next release back."""
    from analysis.clean import run_clean

    root, _ = _copy(series, tmp_path)
    paths = Paths(root)
    logger = logging.getLogger("test_release")
    log = paths.raw_incidents / "2024-12.csv"
    header = "Идентификатор,Дата,Категория,Описание\n"
    log.write_text(header + "SYN-1,3 December 2024,threat,SYNTHETIC\nSYN-2,4 December 2024,thraet,SYNTHETIC\n",
                   encoding="utf-8")
    step = release_step(paths, {"clean": {"key": "k1"}}, logger, run_clean(paths).headings)
    assert step.version is None and step.error is None
    assert step.held.startswith("1 row rejected that release 1.1.1 did not reject (the first: "
                                "data/raw/incidents/2024-12.csv:3: column 'Категория' (category): ")
    assert "(found 'thraet')); fix them in the raw files" in step.held
    assert releases(paths.releases) == ["1.0.0", "1.1.0", "1.1.1"]

    log.write_text(header + "SYN-1,3 December 2024,threat,SYNTHETIC\nSYN-2,4 December 2024,threat,SYNTHETIC\n",
                   encoding="utf-8")  # fixed
    run_clean(paths)
    assert release_step(paths, {"clean": {"key": "k2"}}, logger).version == "1.2.0"

    log.write_text(header + "SYN-1,3 December 2024,threat,SYNTHETIC\nSYN-2,4 December 2024,thraet,SYNTHETIC\n",
                   encoding="utf-8")  # the mistake again, released by hand this time
    assert run_release(paths).version == "1.2.1"
    log.write_text(header + "SYN-0,2 December 2024,threat,SYNTHETIC\n"  # a row above it: its line moves
                   "SYN-1,3 December 2024,threat,SYNTHETIC\nSYN-2,4 December 2024,thraet,SYNTHETIC\n", encoding="utf-8")
    run_clean(paths)
    assert release_step(paths, {"clean": {"key": "k3"}}, logger).version == "1.2.2"


def test_the_notes_of_a_release_that_drops_a_month_name_the_month(series, tmp_path):
    root, _ = _copy(series, tmp_path)
    paths = Paths(root)
    log = paths.raw_incidents / "2024-12.csv"
    log.write_text("incident_id,event_date,category,summary\nDEC-1,3 December 2024,threat,SYNTHETIC\n",
                   encoding="utf-8")
    assert run_release(paths).version == "1.2.0"
    log.unlink()
    made = run_release(paths)
    assert made.version == "1.2.1"
    for lang, words in (("en", "**Months removed** (no figure of them is left: the raw files that gave them are gone"),
                        ("ru", "**Удалённые месяцы**"), ("kk", "**Алынып тасталған айлар**")):
        notes = (made.folder / f"NOTES.{lang}.md").read_text(encoding="utf-8")
        december = {"en": "December 2024", "ru": "декабрь 2024", "kk": "2024 ж. желтоқсан"}[lang]
        assert words in notes and december in notes
        intro = notes.split("\n\n")[1]  # the months the data run over, named as the language names them
        assert not re.search(r"\b\d{4}-\d{2}\b(?!-)", intro), intro
        assert {"en": "removed 3 rows", "ru": "удалено: 3 строки", "kk": "алынып тасталды: 3 жол"}[lang] in notes


def test_the_notes_name_each_figure_added_to_or_removed_from_a_month_released_before():
    """A derived month no longer made is a row removed, not a revised figure: the notes name it under the
    row counts, in three languages; a new month's rows and the counts from the incident logs are not listed."""
    from analysis.release_notes import notes
    from analysis.revisions import COLUMNS, Changes

    def row(change, key):
        month, group, category = key.split("|")[:3]
        return {"table": "monthly_counts", "change": change, "key": key, "month": month, "group": group,
                "category": category, "unit": "count", "field": "", "old_value": "", "new_value": "", "reason": ""}

    rows = pd.DataFrame([
        row("removed", "2015-02|legal_claims|civil_claims|count|derived|reports||since the beginning of the year"),
        row("added", "2015-03|rights_of_journalists|threat|count|published|reports||threats to journalists"),
        row("added", "2015-03|legal_claims|civil_claims|count|incident_log|active_cases||"),
        row("added", "2024-12|legal_claims|total|count|published|reports||TOTAL"),
    ], columns=[c for c in COLUMNS if c not in ("release", "previous_release")])
    changes = Changes(rows, new_months=["2024-12"])
    counts = pd.DataFrame({"month": ["2024-12"], "group": ["legal_claims"], "category": ["total"], "count": ["5"],
                           "source": ["published"], "unit": ["count"], "unit_of_count": ["reports"]})
    expected = {
        "en": ["- `monthly_counts`: added 3 rows, removed 1 row",
               "  - February 2015: Pre-trial and judicial claims and lawsuits against journalists, media outlets and "
               "citizens: Civil claim against media or journalists: removed (derived from two cumulative statements)",
               "  - March 2015: Violations of the rights of journalists, media outlets and newsmakers: Threat: added "
               "(threats to journalists)"],
        "ru": ["  - февраль 2015: Досудебные и судебные претензии и иски к журналистам, СМИ и гражданам: Гражданский "
               "иск к СМИ или журналистам: удалено (выведено из двух нарастающих итогов)"],
        "kk": ["  - 2015 ж. наурыз: Журналистердің, БАҚ пен ньюсмейкерлердің құқықтарын бұзу: Қорқыту: "
               "қосылды (threats to journalists)"]}
    for lang, lines in expected.items():
        text = notes(lang, "2.0.3", "2.0.2", "2026-12-01", ("2009-01", "2024-12"), changes, counts, (0, 0),
                     "analysis 0.1.0", ["monthly_counts"]).splitlines()
        listed = [line for line in text if line.startswith("  - ")]
        assert len(listed) == 2, listed
        for line in lines:
            assert line in text, (lang, line, text)


def test_a_schema_change_is_named_column_by_column_in_each_language():
    from analysis.release_notes import _schema_line
    from analysis.revisions import schema_changes

    def descriptor(fields: list[tuple[str, str]], key: list[str]) -> dict:
        return {"resources": [{"name": "incidents", "schema": {"fields": [{"name": n, "type": k} for n, k in fields],
                                                                "primaryKey": key}}]}

    before = descriptor([("incident_id", "string"), ("stage", "string")], ["incident_id"])
    after = descriptor([("incident_id", "string"), ("stage", "string"), ("stage_as_written", "string")],
                       ["incident_id"])
    changes = schema_changes(before, after)
    assert changes == [("columns_added", "incidents", "stage_as_written")]
    assert _schema_line(changes[0], "en") == "table `incidents`: columns added: `stage_as_written`"
    assert _schema_line(changes[0], "ru") == "таблица `incidents`: добавлены столбцы: `stage_as_written`"
    retyped = descriptor([("incident_id", "integer"), ("stage", "string")], ["incident_id"])
    assert schema_changes(before, retyped) == [("changed", "incidents", "")]
    assert _schema_line(("changed", "incidents", ""), "kk") == \
        "`incidents` кестесі: баған түрлері немесе бастапқы кілті өзгерді"
