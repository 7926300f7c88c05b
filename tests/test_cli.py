"""The `analysis` command as a person and a scheduled job use it: what it accepts, what it says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, small_project

from analysis import cli
from analysis.report import ReportResult
from analysis.runs import Run
from analysis.storage import read_csv


def analysis(*args: str, root: Path | None = None) -> subprocess.CompletedProcess:
    where = ["--root", str(root)] if root else []
    return subprocess.run([sys.executable, "-m", "analysis", *where, *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("args, words", [
    (["report", "-j", "two"], "argument -j/--jobs: expected a whole number; found 'two'"),
    (["report", "--rolling", "3.5"], "argument --rolling: expected a whole number; found '3.5'"),
    (["synth", "--rows", "1e3", "--months", "2", "--out", "x"],
     "argument --rows: expected a whole number; found '1e3'"),
    (["report", "--wait", "soon"], "argument --wait: expected a number of seconds; found 'soon'"),
    (["--wait", "-1", "clean"], "argument --wait: expected a number of seconds, 0 or more; found '-1'"),
])
def test_a_word_where_a_number_belongs_is_refused_by_the_command_line(args, words, capsys):
    with pytest.raises(SystemExit) as exited:  # argparse's refusal; any other exception fails the test
        cli.main(args)
    assert exited.value.code == 2
    command = f"analysis {args[0]}" if args[0] in ("report", "synth") else "analysis"  # the parser that refused it
    assert capsys.readouterr().err == f"error: {words} (see {command} --help)\n"  # one line, no usage block


@pytest.mark.parametrize("args, words", [
    (["-j", "0"], "-j/--jobs: expected a number of notebooks to run at once, 1 or more; found 0"),
    (["--jobs", "-2"], "-j/--jobs: expected a number of notebooks to run at once, 1 or more; found -2"),
    (["--timeout", "0"], "--timeout: expected a number of seconds a cell may take, 1 or more; found 0"),
    (["--rolling", "25"], "--rolling: expected a number of months from 1 to 24; found 25"),
])
def test_a_number_out_of_range_is_refused_as_a_call_from_code_is_and_nothing_is_written(args, words, small_raw,
                                                                                       capsys):
    """The range of a number is checked in one place (`report.check_request`), for the command
    line as for a researcher's call: the same words, and no log, no cleaning, no output."""
    from analysis.errors import ParameterError
    from analysis.report import run_report

    before = sorted(p.relative_to(small_raw.root) for p in small_raw.root.rglob("*") if p.name != ".analysis.lock")
    assert cli.main(["--root", str(small_raw.root), "report", *args]) == 2
    assert capsys.readouterr().err == f"error: {words}\n"
    assert sorted(p.relative_to(small_raw.root) for p in small_raw.root.rglob("*") if p.name != ".analysis.lock") \
        == before
    option, value = args
    keyword = {"-j": "jobs", "--jobs": "jobs"}.get(option, option.removeprefix("--"))
    with pytest.raises(ParameterError) as refused:
        run_report(small_raw, progress=False, **{keyword: int(value)})
    assert str(refused.value) == words


def test_a_refused_number_is_one_line_from_the_command_without_traceback(small_raw):
    done = analysis("report", "-j", "0", root=small_raw.root)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: -j/--jobs: expected a number of notebooks to run at once, 1 or more; found 0\n"
    done = analysis("repor")  # a command mistyped
    assert done.returncode == 2 and done.stderr.startswith("error: argument command: invalid choice: 'repor'")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("args, words", [
    (["--rows", "-3", "--months", "2"], "--rows: expected a number of incidents, 1 or more; found -3"),
    (["--rows", "10", "--months", "0"], "--months: expected a number of monthly logs, 1 or more; found 0"),
])
def test_synth_refuses_a_number_of_rows_or_logs_below_one_and_writes_nothing(args, words, tmp_path, capsys):
    out = tmp_path / "synthetic"
    assert cli.main(["synth", *args, "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: {words}\n" and not out.exists()


@pytest.mark.parametrize("args, wait", [
    (["report"], 0.0), (["--wait", "60", "report"], 60.0), (["report", "--wait", "60"], 60.0),
    (["clean", "--wait", "5"], 5.0), (["--wait", "1", "clean", "--wait", "7"], 7.0),
])
def test_wait_is_accepted_before_and_after_the_subcommand(args, wait):
    assert cli.build_parser().parse_args(args).wait == wait


def _result(executed: int, failed: int, cleaned: bool, removed: int = 0) -> ReportResult:
    runs = [Run("monthly_review", "2024-11", lang, {}) for lang in ("en", "ru", "kk")] * 3
    return ReportResult(runs=runs, failures={runs[i]: "boom" for i in range(failed)}, executed=runs[:executed],
                        cleaned=cleaned, removed=[f"reports/x{i}" for i in range(removed)])


@pytest.mark.parametrize("executed, failed, cleaned, removed, line", [
    (0, 0, True, 0, "cleaned the raw data; every notebook run for 2024-11 was already up to date (9)"),
    (3, 0, False, 0, "ran 3 notebook runs for 2024-11: 3 succeeded (6 already up to date); figures in "
                     "reports/figures/, summaries and HTML in reports/<month>/, executed notebooks in "
                     "reports/notebooks/"),
    (2, 1, True, 0, "cleaned the raw data; ran 2 notebook runs for 2024-11: 1 succeeded, 1 failed "
                    "(7 already up to date); figures in reports/figures/, summaries and HTML in "
                    "reports/<month>/, executed notebooks in reports/notebooks/"),
    (0, 0, True, 4, "cleaned the raw data; every notebook run for 2024-11 was already up to date (9); "
                    "removed 4 outputs of months without data or of earlier runs"),
])
def test_the_report_line_says_what_happened(executed, failed, cleaned, removed, line):
    assert cli.report_line(_result(executed, failed, cleaned, removed)) == line


def test_the_scheduled_run_names_each_rejected_row_and_a_release_held_back(monkeypatch, tmp_path, capsys):
    """What `make report` prints when the cleaning rejected rows: each row, as `analysis clean` prints
    it, the count in the summary line, and why no release was made."""
    import pandas as pd

    from analysis import report

    rejected = pd.DataFrame({"file": ["data/raw/incidents/2024-12.xlsx"], "line": [3], "column": ["category"],
                             "value": ["Угорза"], "reason": ["no category matches this label"]})
    held = "1 row rejected that release 1.1.0 did not reject (...)"
    result = _result(0, 0, True)
    result.rejected, result.release_held = rejected, held
    monkeypatch.setattr(report, "run_report", lambda *args, **kwargs: result)
    (tmp_path / "data" / "raw").mkdir(parents=True)  # a project folder
    assert cli.main(["--root", str(tmp_path), "report"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "rejected: data/raw/incidents/2024-12.xlsx:3: column category: no category matches this label (found 'Угорза')",
        f"warning: no release made: {held}"]
    assert out.startswith("report: cleaned the raw data (1 row rejected: data/processed/rejected.csv); ")


def test_a_dry_run_before_a_cleaning_says_the_runs_it_lists_come_from_the_data_as_last_cleaned(
        monkeypatch, tmp_path, capsys):
    from analysis import report

    result = _result(0, 0, False)
    result.planned = {"clean": "its inputs changed: data/raw/incidents/2024-12.xlsx"}
    monkeypatch.setattr(report, "run_report", lambda *args, **kwargs: result)
    (tmp_path / "data" / "raw").mkdir(parents=True)  # a project folder
    assert cli.main(["--root", str(tmp_path), "report", "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "would run clean: its inputs changed: data/raw/incidents/2024-12.xlsx"
    assert lines[1].startswith("then the release, the runs and the site as the cleaned data call for: a dry run "
                               "plans them from the data as they were last cleaned")
    assert lines[2].startswith("report: dry run: 1 step would run, nothing was changed")


def test_clean_prints_a_summary_for_each_file(empty_project):
    for name in ("2024-11.csv", "2024-10.csv"):
        source = FIXTURES / "messy" / "utf8_iso_dates" / "2024-11.csv"
        text = source.read_text(encoding="utf-8")
        if name == "2024-10.csv":
            text = text.replace("2024-11-", "2024-10-").replace("SYN-", "OCT-") + "OCT-9,2024-10-31,weather,,,,,\n"
        (empty_project.raw_incidents / name).write_text(text, encoding="utf-8")
    done = analysis("clean", root=empty_project.root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "  data/raw/incidents/2024-10.csv       6 read       5 kept      1 rejected      0 duplicates",
        "  data/raw/incidents/2024-11.csv       5 read       5 kept      0 rejected      0 duplicates",
    ]
    assert lines[2] == "clean: 2 files read, 11 rows read, 10 kept, 1 rejected, 0 duplicates"


def test_a_rejected_row_names_its_column_by_the_heading_its_file_gives_it(empty_project, capsys):
    """A monitor finds the column by the heading in the file ('Дата', 'Күні'), not by the name the
    project gives it; a heading that is the project's own name is said once."""
    from openpyxl import Workbook

    raw = empty_project.raw_incidents
    (raw / "2024-09.csv").write_text("Идентификатор;Дата;Категория;Место\nSYN-R1;31.09.2024;Угроза;Алматы\n",
                                     encoding="utf-8")
    (raw / "2024-10.csv").write_text("incident_id,event_date,category,place\nSYN-E1,2024-10-32,threat,Almaty\n",
                                     encoding="utf-8")
    book = Workbook()
    book.active.title = "2024-11"
    for row in (["Оқиға нөмірі", "Күні", "Санат", "Орны"], ["SYN-K1", "31.11.2024", "Қорқыту", "Алматы"]):
        book.active.append(row)
    book.save(raw / "2024-11.xlsx")
    assert cli.main(["--root", str(empty_project.root), "clean"]) == 0
    rejected = [line for line in capsys.readouterr().err.splitlines() if line.startswith("rejected: ")]
    assert rejected == [
        "rejected: data/raw/incidents/2024-09.csv:2: column 'Дата' (event_date): no such day: 2024-09-31 "
        "(found '31.09.2024')",
        "rejected: data/raw/incidents/2024-10.csv:2: column event_date: no such day: 2024-10-32 (found '2024-10-32')",
        "rejected: data/raw/incidents/2024-11.xlsx:2024-11:2: column 'Күні' (event_date): no such day: 2024-11-31 "
        "(found '31.11.2024')"]


def test_a_rejected_row_names_every_column_at_fault_once_so_that_one_pass_fixes_it(empty_project, capsys):
    """The mistakes found after the first, in other columns of the row, are added to its reason, each
    column once and by its heading; an empty cell is not also said to match no rule. The row is
    still one rejected row."""
    raw = empty_project.raw_incidents
    (raw / "2024-09.csv").write_text("Идентификатор;Дата;Категория;Место;Сумма\n"
                                     "SYN-R1;31.09.2024;Нечто;Алматы;много\n"
                                     ";04.09.2024;;Алматы;\n"
                                     "SYN-R3;05.09.2024;Угроза;Алматы;\n", encoding="utf-8")
    assert cli.main(["--root", str(empty_project.root), "clean"]) == 0
    out, err = capsys.readouterr()
    rejected = [line for line in err.splitlines() if line.startswith("rejected: ")]
    no_rule = ("no category rule matches this label: write the category as the template's list does (`analysis "
               "template`), or add this wording to src/analysis/domain/label_rules.csv")
    assert rejected == [
        "rejected: data/raw/incidents/2024-09.csv:2: column 'Дата' (event_date): no such day: 2024-09-31 "
        f"(found '31.09.2024'); also column 'Категория' (category): {no_rule} (found 'Нечто'); also column "
        "'Сумма' (amount_kzt): expected an amount in tenge such as 184600, \"184 600 тг\", \"184,600 tenge\" or "
        "\"2 млн тенге\" (found 'много')",
        "rejected: data/raw/incidents/2024-09.csv:3: column 'Идентификатор' (incident_id): empty; expected an "
        "identifier unique to the incident (found ''); also column 'Категория' (category): empty; expected a "
        "category code or the label as written (found '')"]
    assert "  data/raw/incidents/2024-09.csv       3 read       1 kept      2 rejected      0 duplicates" in out
    assert "clean: 1 file read, 3 rows read, 1 kept, 2 rejected, 0 duplicates" in out
    table = read_csv(empty_project.rejected, dtype=str, keep_default_na=False)
    assert table[["line", "column"]].values.tolist() == [["2", "event_date"], ["3", "incident_id"]]
    assert table["reason"].str.split(";").str[0].tolist() == ["no such day: 2024-09-31",
                                                               "empty"]  # what the report counts by


def test_a_command_run_from_another_folder_says_which_project_it_works_on(tmp_path):
    """A copied checkout whose .venv still holds the original's package cleans the original: the
    command says so, unless it was told which project (--root, $ANALYSIS_ROOT) or runs inside it."""
    checkout, copy = tmp_path / "checkout", tmp_path / "copy"
    (checkout / "notebooks").mkdir(parents=True)
    copy.mkdir()
    note = cli.elsewhere(checkout, copy, chosen=False)
    assert note == (f"note: working on the project at {checkout} (where this command's package is), not on the "
                    f"current folder {copy}; pass --root to choose the project")
    assert cli.elsewhere(checkout, copy, chosen=True) is None
    assert cli.elsewhere(checkout, checkout, chosen=False) is None
    assert cli.elsewhere(checkout, checkout / "notebooks", chosen=False) is None  # inside it


@pytest.mark.parametrize("status", [0, 3])
def test_the_crontab_line_works_on_a_fresh_checkout_and_says_when_the_run_failed(tmp_path, status):
    """The line in deploy/crontab, run by sh as cron runs it, in a checkout with no reports/logs/: the
    environment brought up to date, then the report, whose exit status a failure names on stderr
    (what cron mails), unchanged by make."""
    line = next(line for line in (ROOT / "deploy" / "crontab").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#"))
    command = line.split(None, 5)[5]
    checkout = tmp_path / "checkout"
    (checkout / ".venv" / "bin").mkdir(parents=True)
    (checkout / "Makefile").write_text("install:\n\t@echo installed\n", encoding="utf-8")
    analysis = checkout / ".venv" / "bin" / "analysis"
    analysis.write_text(f'#!/bin/sh\necho "report ran: $*"\nexit {status}\n', encoding="utf-8")
    analysis.chmod(0o755)
    assert not (checkout / "reports").exists()
    cron = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}  # not under make
    done = subprocess.run(["sh", "-c", command.replace("/srv/adilsoz-trends", str(checkout))],
                          capture_output=True, text=True, env=cron)
    log = checkout / "reports" / "logs" / "cron.log"
    assert log.read_text(encoding="utf-8") == "installed\nreport ran: --wait 3600 report\n"
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr == ("" if status == 0 else
                           f"adilsoz-trends: the monthly report failed (exit status 3); see {log}\n")


def test_the_systemd_service_runs_the_report_itself_after_the_environment():
    """So that the service's exit status is the report's (make would make every failure 2)."""
    unit = (ROOT / "deploy" / "adilsoz-report.service").read_text(encoding="utf-8").splitlines()
    assert "ExecStartPre=/usr/bin/make install" in unit
    assert "ExecStart=/srv/adilsoz-trends/.venv/bin/analysis --wait 3600 report" in unit
    assert "WorkingDirectory=/srv/adilsoz-trends" in unit and "Wants=network-online.target" in unit


@pytest.mark.parametrize("command", [["clean"], ["report", "--dry-run"], ["release"]])
def test_a_project_folder_that_does_not_exist_is_one_line_and_is_not_made(command, tmp_path, capsys):
    nowhere = tmp_path / "nowhere"
    assert cli.main(["--root", str(nowhere), *command]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: no project folder at {nowhere}: expected a folder holding data/raw/ "
                   "(pass --root DIR before the command, or set ANALYSIS_ROOT)\n")
    assert not nowhere.exists()


@pytest.mark.parametrize("command", [["clean"], ["report", "--dry-run"], ["release"]])
def test_a_folder_without_data_raw_is_one_line_and_nothing_is_written_into_it(command, tmp_path, capsys):
    assert cli.main(["--root", str(tmp_path), *command]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {tmp_path} holds no data/raw/: expected a project folder, with the incident logs in "
                   "data/raw/incidents/ and the published counts in data/raw/published/ (pass --root DIR before "
                   "the command, or set ANALYSIS_ROOT)\n")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(("table", "column", "broken", "where"), [
    ("label_rules.csv", "pattern", "(угроз", "label_rules.csv: line 2: column pattern: '(угроз'"),
    ("group_rules.csv", "pattern", "[журналист", "group_rules.csv: line 2: column pattern: '[журналист'"),
    ("amount_words.csv", "pattern", "(млрд", "amount_words.csv: line 2: column pattern: '(млрд'"),
], ids=["label_rules", "group_rules", "amount_words"])
def test_a_domain_table_edited_into_a_wrong_pattern_is_one_line_naming_it_and_nothing_is_written(
        monkeypatch, small_raw, tmp_path, capsys, table, column, broken, where):
    """The domain tables are edited by hand (README, "Adding a new wording"): a pattern that is not a
    regular expression stops the clean with one line naming the table, line and column, exit 2."""
    import csv

    from analysis import domain_data, parsing, taxonomy
    from analysis.config import DOMAIN_DIR

    domain = tmp_path / "domain"
    shutil.copytree(DOMAIN_DIR, domain)
    with (domain / table).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(column)] = broken
    with (domain / table).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    cached = (taxonomy.label_rules, taxonomy._group_rules, taxonomy.match_group, taxonomy.classify,
              parsing._amount_words)
    monkeypatch.setattr(domain_data, "DOMAIN_DIR", domain)
    for function in cached:
        function.cache_clear()
    try:
        assert cli.main(["--root", str(small_raw.root), "clean"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {where} is not a valid regular expression: ") and err.count("\n") == 1
        assert not small_raw.processed.exists()
        assert cli.main(["--root", str(small_raw.root), "report", "--lang", "en"]) == 2  # the scheduled run
        assert capsys.readouterr().err == err
        (log,) = (small_raw.reports / "logs").glob("*.log")
        assert f"stopped: {where} is not a valid regular expression" in log.read_text(encoding="utf-8")
    finally:
        for function in cached:
            function.cache_clear()


def test_a_run_that_waited_for_the_lock_in_vain_says_how_long_it_waited(tmp_path):
    from analysis.config import Paths
    from analysis.lock import Busy, project_lock

    paths = Paths(tmp_path)
    with project_lock(paths):  # held here; a second holder is another open file of the lock
        with pytest.raises(Busy, match=r"^another run is in progress \(pid \d+, started .*\); wait for it to "
                                       r"finish, or pass --wait SECONDS to wait for it$"):
            with project_lock(paths):
                pass
        with pytest.raises(Busy, match=r"^another run is still in progress after 0\.3 s of waiting \(pid \d+, "
                                       r"started .*\); wait for it to finish, or pass a longer --wait$"):
            with project_lock(paths, wait=0.3):
                pass


def test_a_run_s_log_opens_with_the_version_the_folder_and_every_parameter(small_raw):
    from analysis import __version__
    from analysis.report import run_report

    result = run_report(small_raw, month="2024-11", langs="en,kk", force=True, dry_run=True, progress=False, jobs=1)
    first = result.log.read_text(encoding="utf-8").splitlines()[0]
    assert first.split(" ", 2)[2] == (
        f"analysis {__version__} report --dry-run in {small_raw.root}: month=2024-11, every=False, "
        "langs=['en', 'kk'], categories=all, rolling=3, timeout=600, start=None, jobs=1, force=True, "
        "resolution=auto, variants=None")


def test_a_dry_run_refuses_a_new_notebook_as_the_real_run_would(tmp_path, monkeypatch, capsys):
    from dataclasses import replace

    from analysis import runs

    paths = small_project(tmp_path / "project")
    assert cli.main(["--root", str(paths.root), "clean"]) == 0
    shutil.copy(paths.notebooks / "named_incidents.py", paths.notebooks / "regions_overview.py")
    row = replace(runs.BY_NAME["named_incidents"], name="regions_overview")  # its row, but no title yet
    monkeypatch.setattr(runs, "NOTEBOOKS", [*runs.NOTEBOOKS, row])
    monkeypatch.setitem(runs.BY_NAME, row.name, row)
    capsys.readouterr()
    assert cli.main(["--root", str(paths.root), "report", "--dry-run", "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: notebooks/regions_overview.py has no title for its HTML copy in en: expected a row "
        "html_title_regions_overview in src/analysis/domain/translations.csv")


def test_a_report_after_analysis_clean_does_not_clean_again(tmp_path):
    from analysis.report import run_report

    paths = small_project(tmp_path / "project")  # with its notebooks: a dry run plans their runs
    assert run_report(paths, dry_run=True, progress=False, langs="en").planned["clean"] == "never run"
    assert cli.main(["--root", str(paths.root), "clean"]) == 0
    assert "clean" not in run_report(paths, dry_run=True, progress=False, langs="en").planned
    (paths.raw_incidents / "2024-11.csv").write_bytes(
        (paths.raw_incidents / "2024-11.csv").read_bytes() + b"\n")  # a raw file changed since
    assert run_report(paths, dry_run=True, progress=False, langs="en").planned["clean"] == (
        "data/raw/incidents/2024-11.csv changed")
