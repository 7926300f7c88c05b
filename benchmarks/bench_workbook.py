"""Reading a SYNTHETIC 100,000-row incident workbook against a bare pandas read of the same file.

    .venv/bin/python benchmarks/bench_workbook.py --rows 100000 --repeat 3

The baseline is `pandas.read_excel(path, engine="calamine", dtype=str)`; the candidate is the
project's `read_table(path, "incidents")`: choosing the sheet, finding the header, turning dates,
numbers and formulas into the text an export holds, keeping each record's row. Each measurement runs
in a fresh process (imports not counted); the best of `--repeat` runs of each, alternated, is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import textwrap
from pathlib import Path

from bench_clean import run  # a snippet in a fresh process, its JSON line read back

BASELINE = textwrap.dedent("""
    import json, sys, time
    import pandas as pd
    start = time.perf_counter()
    rows = len(pd.read_excel(sys.argv[1], engine="calamine", dtype=str))
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
""")

CANDIDATE = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from analysis.reading import read_table
    start = time.perf_counter()
    table = read_table(Path(sys.argv[1]), "incidents")
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": table.rows_read}))
""")

HEADER = ["Идентификатор", "Дата", "Категория", "Место", "Тип пострадавшего", "Сумма (тенге)", "Описание"]
CATEGORIES = ["угрозы журналисту", "нападение на журналиста", "отказ в предоставлении информации",
              "гражданский иск о защите чести и достоинства", "административное дело по ст. 456-2 КоАП"]
PLACES = ["Алматы", "Астана", "Шымкент", "Караганда", "Семей"]


def write_workbook(path: Path, rows: int) -> None:
    """A month's log as a monitor keeps it: Russian headings, dates as dates, amounts as numbers."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("2025-01")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append([f"SYN-{i:06d}", dt.date(2025, 1, 1 + i % 31), CATEGORIES[i % 5], PLACES[i % 5],
                      "журналист", (i % 7) * 50_000 or None, "SYNTHETIC"])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2025-01.xlsx"
        write_workbook(path, args.rows)
        bare, ours = [], []
        for _ in range(args.repeat):  # alternated, so that a load on the machine falls on both
            bare.append(run(BASELINE, str(path)))
            ours.append(run(CANDIDATE, str(path)))
        size = path.stat().st_size
    best_bare, best_ours = min(b["seconds"] for b in bare), min(o["seconds"] for o in ours)
    assert {b["rows"] for b in bare} == {args.rows} and {o["rows"] for o in ours} == {args.rows}
    print(json.dumps({"rows": args.rows, "file_mb": round(size / 2**20, 1),
                      "pandas_read_excel_calamine_s": round(best_bare, 3), "read_table_s": round(best_ours, 3),
                      "ratio": round(best_ours / best_bare, 2)}, indent=2))


if __name__ == "__main__":
    main()
