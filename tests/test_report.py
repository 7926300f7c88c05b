"""`analysis report`: parameters checked before any kernel starts; notebooks run by papermill."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT, copy_project

from analysis.clean import run_clean
from analysis.config import Paths
from analysis.errors import ParameterError
from analysis.report import run_report
from analysis.runs import NOTEBOOKS

pytestmark = pytest.mark.xdist_group("reported")  # one worker builds `reported` for these tests


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> Paths:
    """Published counts of four months and one SYNTHETIC incident log, with the notebooks."""
    root = tmp_path_factory.mktemp("small")
    paths = Paths(root)
    paths.raw_published.mkdir(parents=True)
    paths.raw_incidents.mkdir(parents=True)
    lines = (ROOT / "data/raw/published/published_counts.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line[:7] in ("2023-05", "2023-06", "2024-05", "2024-11")]
    keep.append("2024-11,ALL,TOTAL,32,count,<script>alert(1)</script>,")  # markup in the data
    (paths.raw_published / "published_counts.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    shutil.copy(FIXTURES / "messy" / "utf8_comma_en" / "2024-11.csv", paths.raw_incidents / "2024-11.csv")
    shutil.copytree(ROOT / "notebooks", paths.notebooks)
    assert run_clean(paths).ok
    return paths


@pytest.mark.parametrize("kwargs, words", [
    ({"month": "2024-13"}, "expected a month as YYYY-MM"),
    ({"month": "../../etc"}, "expected a month as YYYY-MM"),
    ({"month": "2024-11; rm -rf"}, "expected a month as YYYY-MM"),
    ({"month": "2019-01"}, "no data for this month"),
    ({"categories": "threat,weather"}, "unknown category code(s) weather"),
    ({"langs": "en,fr"}, "expected a comma-separated list of en, ru, kk"),
    ({"rolling": 0}, "--rolling"),
])
def test_bad_parameters_are_refused_before_any_kernel(small_project, kwargs, words):
    with pytest.raises(ParameterError) as caught:
        run_report(small_project, progress=False, **kwargs)
    assert words in str(caught.value)
    assert not (small_project.reports / "notebooks").exists()


def test_cli_refuses_a_bad_month_in_one_line(small_project):
    done = subprocess.run([sys.executable, "-m", "analysis", "--root", str(small_project.root), "report",
                           "--month", "2024-13"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: --month: expected a month as YYYY-MM (for example 2024-11); "
                                   "found '2024-13'")


@pytest.mark.notebooks
def test_every_notebook_of_the_month_publishes_its_figures_and_an_html_copy_for_readers(reported):
    reports = reported.reports
    for notebook in NOTEBOOKS:
        assert (reports / "notebooks" / f"{notebook.name}_2024-11.en.ipynb").exists()
        assert (reports / "2024-11" / f"{notebook.name}.en.html").exists()
    for name in ("monthly_review", "trends"):
        html = (reports / "2024-11" / f"{name}.en.html").read_text(encoding="utf-8")
        assert "from analysis import" not in html  # no code cells for readers
    review = (reports / "2024-11" / "monthly_review.en.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in review and "alert(1)" in review  # shown as text, escaped
    assert '<html lang="en">' in review
    assert "<title>Violations of freedom of speech in Kazakhstan, November\u00a02024</title>" in review
    assert review.count('src="data:image/png;base64,') == 2 and "&lt;Figure size" not in review
    trends_page = (reports / "2024-11" / "trends.en.html").read_text(encoding="utf-8")
    assert trends_page.count('src="data:image/png;base64,') == 5
    summary = (reports / "2024-11" / "summary.en.md").read_text(encoding="utf-8")
    assert "10 reports of violations of the rights of journalists" in summary
    figures = reports / "figures" / "2024-11"
    for name in ("month_categories", "ytd_comparison", "groups_stacked", "false_information_trend",
                 "trend_refusal_of_information", "category_heatmap", "legal_claims_by_type",
                 "incidents_by_region", "amounts_by_category", "cases_timeline", "cases_outcomes", "cases_active"):
        for suffix in (".en.png", ".en.svg", ".en.pdf", ".csv", ".json"):
            assert (figures / f"{name}{suffix}").exists(), name + suffix
    meta = json.loads((figures / "ytd_comparison.json").read_text(encoding="utf-8"))
    assert "data/raw/published/published_counts.csv" in meta["inputs"]


@pytest.mark.notebooks
def test_a_failed_run_is_kept_and_reported_and_the_runs_after_it_still_run(reported, tmp_path):
    project = copy_project(reported.root, tmp_path / "project")
    broken = project.notebooks / "named_incidents.py"
    parameters, rest = broken.read_text(encoding="utf-8").split("\n# %%\n", 1)
    broken.write_text(parameters + '\n# %%\nraise RuntimeError("deliberate failure")\n\n# %%\n' + rest,
                      encoding="utf-8")
    (project.reports / "figures" / "2024-11" / "cases_active.en.png").unlink()  # cases runs after it
    result = run_report(project, month="2024-11", langs="en", progress=False, variants="default", timeout=300,
                        jobs=1)
    assert [r.id for r in result.executed] == ["named_incidents_2024-11.en", "cases_2024-11.en"]
    assert [r.notebook for r in result.failures] == ["named_incidents"]
    problem = next(iter(result.failures.values()))
    assert "deliberate failure" in problem and "named_incidents_2024-11.en.ipynb" in problem
    kept = (project.reports / "notebooks" / "named_incidents_2024-11.en.ipynb").read_text(encoding="utf-8")
    assert "deliberate failure" in kept  # the executed notebook shows where it failed
    assert (project.reports / "figures" / "2024-11" / "cases_active.en.png").exists()
    again = run_report(project, month="2024-11", langs="en", progress=False, variants="default", dry_run=True)
    assert list(again.planned) == ["named_incidents_2024-11.en"]  # the failed run is tried again next time


def _counts(rows: list[tuple[str, str]]):
    import pandas as pd

    return pd.DataFrame({"month": [m for m, _ in rows], "source": [s for _, s in rows]})


def test_the_newest_month_is_the_newest_with_published_counts_not_a_log_only_month():
    from analysis.runs import choose_months

    counts = _counts([("2024-10", "published"), ("2024-11", "published"), ("2024-12", "incident_log")])
    assert choose_months(counts, None, False) == ["2024-11"]
    assert choose_months(counts, "2024-12", False) == ["2024-12"]  # asked for: its review from the log
    assert choose_months(counts, "2019-08", False, logged={"2019-08"}) == ["2019-08"]  # follow-ups only
    assert choose_months(counts, None, True, logged={"2019-08"}) == ["2019-08", "2024-10", "2024-11", "2024-12"]
    with pytest.raises(ParameterError, match="no data for this month"):
        choose_months(counts, "2019-09", False, logged={"2019-08"})


def test_a_newer_month_known_only_from_its_log_is_named_with_how_to_run_it(small_project, tmp_path, capsys):
    """The scheduled run reports the newest month with counts; a newer month whose log landed before
    the review's counts is not run, and the command says so and how to run it."""
    from analysis import cli
    from analysis.runs import logged_only_after

    counts = _counts([("2024-10", "published"), ("2024-11", "published"), ("2024-12", "incident_log")])
    assert logged_only_after(counts, {"2024-09", "2024-11", "2024-12"}, "2024-11") == ["2024-12"]
    assert logged_only_after(counts, {"2024-11"}, "2024-11") == []

    project = copy_project(small_project.root, tmp_path / "project")
    december = (project.raw_incidents / "2024-11.csv").read_text(encoding="utf-8").replace(" November ", " December ")
    (project.raw_incidents / "2024-12.csv").write_text(december.replace("SYN-", "DEC-"), encoding="utf-8")
    assert run_clean(project).ok
    assert cli.main(["--root", str(project.root), "report", "--dry-run", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "would run monthly_review_2024-11.en" in out and "2024-12.en" not in out
    assert ("note: 2024-12 has an incident log but no published counts yet, so the newest month with counts was "
            "reported; its review, built from the log, runs with `analysis report --month 2024-12`") in err
    assert cli.main(["--root", str(project.root), "report", "--dry-run", "--lang", "en", "--month", "2024-11"]) == 0
    assert "note: " not in capsys.readouterr().err  # a month asked for by name: nothing to say


def test_a_month_known_only_from_its_log_gets_a_review_labelled_a_lower_bound(tmp_path):
    import pandas as pd

    from analysis.outputs import Publication

    counts = pd.DataFrame({"month": ["2024-11", "2024-12", "2024-12", "2024-12"],
                           "group": ["all", "legal_claims", "legal_claims", "all"],
                           "category": ["total", "total", "civil_claims", "total"], "unit": "count",
                           "count": [30, 2, 2, 2], "source": ["published"] + ["incident_log"] * 3,
                           "source_url": "", "parent": "", "label_as_written": "", "note": ""})
    incidents = pd.DataFrame({"report_month": ["2024-12"] * 3, "counted": [True, True, False]})
    out = Publication("2024-12", "ru", paths=Paths(tmp_path))
    text = out.summary(counts, incidents=incidents)
    assert "Обзор за декабрь 2024 не внесён в данные" in text and "нижняя граница" in text
    assert "Журнал называет за месяц инцидентов: 3; новых — 2, продолжений ранее названных дел — 1." in text
    assert "не менее 2" in text
    english = Publication("2024-12", "en", paths=Paths(tmp_path))
    assert "The log names 3 incidents this month: 2 counted as new, 1 follow-up of cases named earlier." in \
        english.summary(counts, incidents=incidents)
    assert "The log names 1 incident this month: 1 counted as new, 0 follow-ups of cases named earlier." in \
        english.summary(counts, incidents=incidents.head(1))
    assert (tmp_path / "reports" / "scratch" / "2024-12" / "summary.ru.md").read_text(encoding="utf-8") == text
    assert not (tmp_path / "reports" / "2024-12").exists()  # a hand run publishes nothing


def test_a_review_run_by_hand_for_a_month_without_counts_or_a_log_is_refused_as_the_command_refuses_it(tmp_path):
    """The monthly review notebook, run by hand for a month nothing covers (none read, no log, or
    not yet begun), stops at its summary with the command's message, and writes nothing."""
    import pandas as pd

    from analysis.outputs import Publication

    counts = _counts([("2024-10", "published"), ("2024-11", "published")])
    incidents = pd.DataFrame({"report_month": ["2019-08"], "counted": [False]})  # a month of follow-ups only
    for month in ("2019-02", "2025-03"):
        with pytest.raises(ParameterError, match=rf"^month {month}: no data for this month; months with data run "
                                                 r"from 2019-08 to 2024-11 \(the newest: 2019-08, 2024-10, 2024-11\)$"):
            Publication(month, "en", paths=Paths(tmp_path)).summary(counts, incidents=incidents)
    assert not (tmp_path / "reports").exists()


def test_a_file_that_cannot_be_read_holds_the_release_back_and_says_so(reported, tmp_path):
    from analysis.release import releases, run_release

    project = copy_project(reported.root, tmp_path / "project")
    assert run_release(project).version == "1.0.0"
    (project.raw_incidents / "2024-12.csv").write_text("incident_id,category\nDEC-1,threat\n", encoding="utf-8")
    result = run_report(project, month="2024-11", langs="en", progress=False, variants="default")
    assert result.clean_errors and not result.ok and result.executed == []  # nothing read changed the data
    assert result.release_held == ("1 file could not be read (above); the data are released once every file is "
                                   "read")
    assert releases(project.releases) == ["1.0.0"]


@pytest.mark.notebooks
def test_a_run_that_writes_a_figure_another_notebook_writes_fails_naming_it_and_the_figure_is_not_published(
        reported, tmp_path):
    import logging

    from analysis.manifest import outputs_record, read_manifest
    from analysis.report import record_outputs, shared_with_another_notebook
    from analysis.runs import Run

    project = copy_project(reported.root, tmp_path / "project")
    done = read_manifest(project)["runs"]
    ran = [Run(run_id.rsplit("_", 1)[0], "2024-11", run_id.rsplit(".", 1)[1], {}) for run_id in done]
    assert shared_with_another_notebook(ran, done) == {}  # the shipped notebooks' figures have names of their own
    trend = next(name for name in done["trends_2024-11.en"]["outputs"] if name.endswith(".en.png"))
    new = Run("refusals", "2024-11", "en", {})  # a new notebook that exported a trend under the trends notebook's name
    outputs_record(new, project).write_text(f"{project.root / trend}\n", encoding="utf-8")
    failed = record_outputs([new], project, done, {new: {}}, logging.getLogger("test"))
    assert failed == {new: f"{trend} is written by notebooks/trends.py too, and was removed: each figure a notebook "
                           "publishes needs a name no other notebook's figure of the month has (a FigureSpec's "
                           "name: dataclasses.replace(spec, name=...))"}
    assert new.id not in done and "trends_2024-11.en" in done
    assert not (project.root / trend).exists()  # neither run vouches for it: the site and bundles do not get it
    plan = run_report(project, month="2024-11", langs="en", progress=False, variants="default", dry_run=True)
    assert plan.planned["trends_2024-11.en"] == f"{trend} missing or changed"  # the trends notebook makes it again
    trends = next(run for run in ran if run.id == "trends_2024-11.en")  # had both run in one report
    assert shared_with_another_notebook([trends], {**done, new.id: {"outputs": {trend: "x"}}}) == {
        trends: {trend: {"refusals"}}}
