"""The columnar reading (pyarrow.csv, record positions from the bytes) against Python's csv module.

For any text, `read_table` must give what reading record by record with the csv module gives:
the same values, the same line for every record, the same refused records with the same reasons.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.reading import InputError, _read_by_rows, canonical_columns, decode, read_table, sniff_delimiter

HEADER = ["incident_id", "event_date", "category", "summary"]
cell = st.text(alphabet=st.sampled_from(list('ab1 ,;\t"\r\nя')), max_size=6)
record = st.one_of(
    st.lists(cell, min_size=4, max_size=4),  # as wide as the header
    st.lists(cell, min_size=0, max_size=6),  # any width, blank lines among them
)
stray = st.sampled_from(['a"b,c,d,e', '"open,b,c,d', 'x, "q",y,z', '   ', '""', '"a""b",c,d,e'])


def render(records: list, delimiter: str, terminator: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=terminator)
    writer.writerow(HEADER)
    for rec in records:
        if isinstance(rec, str):
            out.write(rec.replace(",", delimiter) + terminator)
        else:
            writer.writerow(rec)
    return out.getvalue()


def by_rows(path) -> tuple[pd.DataFrame, list[dict]]:
    """What Python's csv module reads, record by record (the reading used before the columnar one)."""
    text, _, _ = decode(path.read_bytes(), path)
    table = read_table(path, "incidents")
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter, strict=True))
    names, _ = canonical_columns([h.strip() for h in header], "incidents", path)
    records = _read_by_rows(text, names, table.delimiter)
    frame = pd.DataFrame({name: [v.as_py() for v in values] for name, values in records.columns.items()})
    return frame.assign(_line=records.lines), records.bad


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.one_of(record, stray), max_size=12), delimiter=st.sampled_from([",", ";", "\t"]),
       terminator=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(["utf-8", "utf-16"]))
@example(records=[["a", 'x\r\ny', "b", '"q"'], [], ["1", "2", "3"], '   '], delimiter=",", terminator="\r\n",
         encoding="utf-8")
def test_columnar_reading_is_the_csv_modules_reading(tmp_path, records, delimiter, terminator, encoding):
    path = tmp_path / "2024-11.csv"
    text = render(records, delimiter, terminator)
    path.write_bytes(text.encode(encoding))
    try:
        table = read_table(path, "incidents")
    except InputError:  # the delimiter sniffed from odd cells is not the header's: refused before reading
        assert sniff_delimiter(text) != delimiter  # the only refusal these texts may meet
        return
    expected, bad = by_rows(path)
    got = table.frame
    assert got.columns.tolist() == expected.columns.tolist()
    assert got.to_dict("list") == expected.to_dict("list")
    assert table.bad_records.drop(columns="file").to_dict("records") == bad
    assert table.rows_read == len(expected) + len(bad)


def test_the_records_refused_at_reading_name_their_file_and_have_the_same_columns_when_there_are_none(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("incident_id,event_date,category\nA,2024-01-02,threat\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("incident_id,event_date,category\nA,2024-01-02,threat,extra\nB,2024-01-03,threat\n",
                   encoding="utf-8")
    none, some = read_table(good, "incidents").bad_records, read_table(bad, "incidents").bad_records
    assert list(none.columns) == list(some.columns) == ["line", "column", "value", "reason", "file"]
    assert none.empty and none.dtypes.equals(pd.DataFrame([], columns=list(none.columns[:4])).assign(file="").dtypes)
    assert some[["line", "file"]].values.tolist() == [[2, str(bad)]]
