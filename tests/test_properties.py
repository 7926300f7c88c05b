"""Property: every row read is kept, rejected with a reason, or counted as a duplicate."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.clean import run_clean
from analysis.config import Paths
from analysis.storage import read_csv

HEADER = ["incident_id", "event_date", "category", "place", "amount_kzt", "victim_type"]
GOOD = {"event_date": ["2024-11-02", "03.11.2024", "4 ноября 2024", "45600", ""],
        "category": ["threat", "угрозы журналистам", "DDoS-атака", "отказ в информации"],
        "place": ["Almaty", "Семей", "Mars", ""],
        "amount_kzt": ["", "184 600 тг", "2 млн тенге"],
        "victim_type": ["journalist", "блогер", "astronaut", ""]}
BAD = {"event_date": ["31.02.2024", "2030-01-01", "2024-12-15", "soon"],
       "category": ["weather", ""], "amount_kzt": ["-5", "lots"]}

row = st.fixed_dictionaries({
    "id": st.sampled_from(["A1", "A2", "A3", "A4", "A5", ""]),
    **{k: st.sampled_from(v + BAD.get(k, [])) for k, v in GOOD.items()},
    "shape": st.sampled_from(["ok"] * 6 + ["short", "long", "blank"]),
})


def written(r: dict) -> list[str] | None:
    """The fields a row is written with; None for a blank line."""
    fields = [r["id"], r["event_date"], r["category"], r["place"], r["amount_kzt"], r["victim_type"]]
    if r["shape"] == "blank":
        return None
    return fields[:-1] if r["shape"] == "short" else fields + ["x"] if r["shape"] == "long" else fields


def render(rows: list[dict], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:
        fields = written(r)
        if fields is None:
            out.write("\n")
        else:
            writer.writerow(fields)
    return out.getvalue()


def _mixed(delimiter: str, encoding: str) -> tuple[list[dict], str, str]:
    """A file of every shape of row: kept, short, long, blank, a duplicate, a rejected one."""
    good = {"id": "A1", "event_date": "2024-11-02", "category": "угрозы журналистам", "place": "Семей",
            "amount_kzt": "184 600 тг", "victim_type": "блогер", "shape": "ok"}
    return ([good, {**good, "id": "A2", "event_date": "03.11.2024", "shape": "short"},
             {**good, "id": "A3", "category": "DDoS-атака", "place": "Mars", "shape": "long"},
             {**good, "id": "", "shape": "blank"}, good,
             {**good, "id": "A4", "event_date": "31.02.2024", "category": "weather", "amount_kzt": "lots"}],
            delimiter, encoding)


# Thirty examples drawn at random, and these four, which between them write every encoding with every
# delimiter (drawn at random, a pair or two is missed in most runs).
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(st.lists(row, max_size=25), st.sampled_from([",", ";", "\t"]),
                                st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"])),
                      min_size=1, max_size=3))
@example(files=[_mixed(",", "utf-8"), _mixed(";", "cp1251"), _mixed("\t", "utf-16")])
@example(files=[_mixed(";", "utf-8"), _mixed("\t", "cp1251"), _mixed(",", "utf-16")])
@example(files=[_mixed("\t", "utf-8"), _mixed(",", "cp1251"), _mixed(";", "utf-16")])
@example(files=[_mixed(",", "utf-8-sig"), _mixed(";", "utf-8-sig"), _mixed("\t", "utf-8-sig")])
# a file refused for its month (2024-10 holds November's rows), then one identical to it: read, not a twin
@example(files=[([], ",", "utf-8")] + [([{"id": i, "event_date": "03.11.2024", "category": "threat", "place": "Almaty",
                                          "amount_kzt": "", "victim_type": "journalist", "shape": "ok"}
                                         for i in ("A1", "A2")], ",", "utf-8")] * 2)
# a file byte for byte identical to an earlier one whose malformed records were rejected there: all duplicates
@example(files=[([{"id": "A2", "event_date": "4 ноября 2024", "category": "threat", "place": "Almaty",
                   "amount_kzt": "", "victim_type": "journalist", "shape": "short"},
                  {"id": "", "event_date": "", "category": "threat", "place": "Almaty",
                   "amount_kzt": "lots", "victim_type": "journalist", "shape": "long"}], "\t", "cp1251"),
                ([], ",", "utf-8")] * 2)
# a row twice in a file that reuses an identifier of an earlier file with other content: both rejected
@example(files=[([{"id": "A1", "event_date": "2024-11-02", "category": "threat", "place": "Almaty",
                   "amount_kzt": "", "victim_type": "journalist", "shape": "ok"}] * 2, ",", "utf-8")] * 2)
# a file whose only row dated in its own month is malformed, the other dated in the month after: refused
@example(files=[([{"id": "A1", "event_date": "2024-11-02", "category": "threat", "place": "Almaty",
                   "amount_kzt": "", "victim_type": "journalist", "shape": "short"},
                  {"id": "A1", "event_date": "03.11.2024", "category": "threat", "place": "Almaty",
                   "amount_kzt": "", "victim_type": "journalist", "shape": "ok"}], ",", "utf-8")])
def test_rows_add_up_per_file(files):
    root = Path(tempfile.mkdtemp())
    try:
        paths = Paths(root)
        paths.raw_incidents.mkdir(parents=True)
        paths.raw_published.mkdir(parents=True)
        names = [f"2024-{9 + i:02d}.csv" for i in range(len(files))]
        for i, (rows, delimiter, encoding) in enumerate(files):
            name = names[i]
            text = render(rows, delimiter).replace("2024-11-02", f"2024-{9 + i:02d}-02")
            (paths.raw_incidents / name).write_bytes(text.encode(encoding))
        result = run_clean(paths, today=__import__("datetime").date(2026, 1, 1))
        rejected = read_csv(paths.rejected, dtype=str, keep_default_na=False)
        kept = pd.read_parquet(paths.incidents)
        for i, (rows, _, _) in enumerate(files):
            name = f"data/raw/incidents/{names[i]}"
            if name not in result.report["files"]:  # the whole file was refused, with one error naming it:
                # only for its month (none of its dated rows in it: all in another month, or all in the month
                # before without a report_month), which a well-formed
                # row dated in the file's own month rules out (a malformed record's fields may be shifted:
                # it is not read for the month)
                assert not any(r["event_date"] == "2024-11-02" and r["shape"] == "ok" for r in rows), name
                assert [e["message"] for e in result.report["file_errors"] if e["file"] == name] != []
                continue
            stats = result.report["files"][name]
            # the records written: line 1 is the header, each row one line, blank lines no record, nor
            # a line of separators alone (a row whose every field is empty)
            records = {line for line, r in enumerate(rows, start=2) if any(written(r) or [])}
            texts = [(paths.raw_incidents / n).read_bytes() for n in names]
            read_before = [texts[k] for k in range(i) if f"data/raw/incidents/{names[k]}" in result.report["files"]]
            if texts[i] in read_before:  # a whole file identical to an earlier one read: all duplicates
                assert (stats["rows_read"], stats["rows_kept"], stats["rows_rejected"], stats["rows_duplicate"]) \
                    == (len(records), 0, 0, len(records))
                assert any(note.startswith("identical to ") for note in stats["notes"])
                continue
            kept_lines = set(kept.loc[kept["source_file"] == names[i], "source_line"])
            rejected_lines = set(rejected.loc[rejected["file"] == name, "line"].astype(int))
            assert stats["rows_read"] == len(records)
            assert kept_lines <= records and rejected_lines <= records and not kept_lines & rejected_lines
            assert (rejected["file"] == name).sum() == len(rejected_lines) == stats["rows_rejected"]
            assert len(kept_lines) == stats["rows_kept"]
            # what is neither kept nor rejected must be a duplicate: a copy of an earlier kept row
            fields = {line: tuple(r[k] for k in ("id", *GOOD)) for line, r in enumerate(rows, start=2)}
            duplicates = records - kept_lines - rejected_lines
            for line in duplicates:
                assert any(fields[k] == fields[line] for k in kept_lines if k < line), (name, line)
            assert stats["rows_duplicate"] == len(duplicates)
            assert rejected.loc[rejected["file"] == name, "reason"].str.len().gt(0).all()
    finally:
        shutil.rmtree(root)
