"""Mutation testing of the domain tables: change one cell at a time, run the fast tests, count the kills.

    .venv/bin/python scripts/mutate_domain_tables.py            (run by `make mutation`)

mutmut mutates Python only; the tables in src/analysis/domain/ decide as much of what is
published. This script makes, one at a time, the mistakes a person editing them could make:

- categories.csv: a category moved to another group; a nested category losing its parent, or a
  top-level one given one; `in_group_total`, `false_information` or `unit` flipped; the legal
  type changed (the columns that decide numbers; labels and display order decide words);
- label_rules.csv: a rule's category swapped for the next rule's; its pattern never matching;
  its `also` or `unless` condition dropped;
- legal_articles.csv: an article's category swapped for the next article's; its number lost;
- group_rules.csv: a rule's group swapped; its pattern never matching.

Each mutant is written to a copy of the domain folder, and a forked process points the package
at that copy and runs the fast tests of the tables (tests/test_domain_rules.py,
tests/test_taxonomy.py), stopping at the first failure. A mutant that no test fails survives.
Nothing in src/ is changed. Prints one line per survivor and the score; exits 1 below --target.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import pytest  # noqa: E402  (imported before forking: each mutant starts in milliseconds)

import analysis.config  # noqa: E402
from analysis import counts, reviews, taxonomy, trends  # noqa: E402,F401

TESTS = ["tests/test_domain_rules.py", "tests/test_taxonomy.py"]
NEVER = "(?!)"  # a pattern that matches nothing


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(analysis.config.DOMAIN_DIR / name, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def mutants() -> list[tuple[str, str, str]]:
    """(table, description, new text of the table) for every mutant."""
    found = []

    def mutant(table: str, header: list[str], rows: list[dict[str, str]], i: int, column: str, value: str) -> None:
        if rows[i][column] == value:
            return
        changed = [dict(r) for r in rows]
        changed[i][column] = value
        key = rows[i].get("code") or rows[i].get("category") or rows[i].get("group")
        found.append((table, f"{table} line {i + 2} ({key}): {column} {rows[i][column]!r} -> {value!r}",
                      write(header, changed)))

    header, rows = read("categories.csv")
    groups = sorted({r["group"] for r in rows})
    types = ["criminal", "civil", "administrative"]
    for i, row in enumerate(rows):
        mutant("categories.csv", header, rows, i, "group", groups[(groups.index(row["group"]) + 1) % len(groups)])
        sibling = next((r["code"] for r in rows if r["group"] == row["group"] and r["code"] != row["code"]
                        and not r["parent"]), "")
        mutant("categories.csv", header, rows, i, "parent", "" if row["parent"] else sibling)
        for flag in ("in_group_total", "false_information"):
            mutant("categories.csv", header, rows, i, flag, "false" if row[flag] == "true" else "true")
        mutant("categories.csv", header, rows, i, "unit", "kzt" if row["unit"] == "count" else "count")
        if row["legal_type"]:
            mutant("categories.csv", header, rows, i, "legal_type",
                   types[(types.index(row["legal_type"]) + 1) % len(types)])

    header, rows = read("label_rules.csv")
    for i, row in enumerate(rows):
        other = next(r["category"] for r in rows[i + 1:] + rows[:i] if r["category"] != row["category"])
        mutant("label_rules.csv", header, rows, i, "category", other)
        mutant("label_rules.csv", header, rows, i, "pattern", NEVER)
        for condition in ("also", "unless"):
            mutant("label_rules.csv", header, rows, i, condition, "")

    header, rows = read("legal_articles.csv")
    for i, row in enumerate(rows):
        other = next(r["category"] for r in rows[i + 1:] + rows[:i] if r["category"] != row["category"])
        mutant("legal_articles.csv", header, rows, i, "category", other)
        mutant("legal_articles.csv", header, rows, i, "article", "0")

    header, rows = read("group_rules.csv")
    codes = [r["group"] for r in rows]
    for i in range(len(rows)):
        mutant("group_rules.csv", header, rows, i, "group", codes[(i + 1) % len(codes)])
        mutant("group_rules.csv", header, rows, i, "pattern", NEVER)
    return found


def killed(table: str, text: str, work: Path) -> bool:
    """Run the fast tests in a forked process against the domain folder with `table` replaced."""
    folder = work / "domain"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(analysis.config.DOMAIN_DIR, folder)
    (folder / table).write_text(text, encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # the child: point every module at the mutant's tables, run the tests, exit
        try:
            for name, module in list(sys.modules.items()):
                if name.startswith("analysis") and hasattr(module, "DOMAIN_DIR"):
                    module.DOMAIN_DIR = folder
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = pytest.main([*TESTS, "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                                "-o", "addopts="])
        finally:
            os._exit(1 if "code" not in locals() else int(code))
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) != 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", type=float, default=95.0, help="lowest acceptable score in percent")
    args = parser.parse_args()
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="domain-mutants-") as tmp:
        work = Path(tmp)
        if killed("groups.csv", (analysis.config.DOMAIN_DIR / "groups.csv").read_text(encoding="utf-8"), work):
            print("the tests fail on the unchanged tables: fix them first")
            return 1
        found = mutants()
        survivors = [description for table, description, text in found if not killed(table, text, work)]
    for description in survivors:
        print(f"survived: {description}")
    score = 100 * (len(found) - len(survivors)) / len(found)
    print(f"domain tables: {len(found) - len(survivors)} of {len(found)} mutants killed ({score:.1f}%)")
    return 0 if score >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
