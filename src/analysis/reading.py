"""Reading what monitors export: any encoding, delimiter and header language, every line accounted for."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from .domain_data import read_domain
from .errors import InputError
from .text import normalise_text

csv.field_size_limit(2**31 - 1)  # one cell of a real export can hold megabytes of text

LINE = "_line"  # the 1-based line of the file where a record starts (the header is line 1)
MAX_FIELD_CHARS = 100_000  # longer cells are not a monitor's text but a broken export


@dataclass
class RawTable:
    """One input file as strings: canonical column names, one row per record, nothing parsed."""

    path: Path
    frame: pd.DataFrame  # canonical columns plus LINE
    encoding: str
    delimiter: str
    sha256: str
    rows_read: int
    bad_records: pd.DataFrame  # rejected at reading: file, line, column, value, reason
    notes: list[str] = field(default_factory=list)  # per-file warnings (unknown columns, encodings)


# --- encodings -------------------------------------------------------------------------------

def decode(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    """(text, encoding, notes): UTF-8 (BOM or not), UTF-16 with BOM, cp1251, or per-line mixes."""
    if not data.strip():
        raise InputError(path, "the file is empty; expected a header line and rows")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise InputError(path, f"declares UTF-16 but is not valid UTF-16 ({exc.reason})") from None
    if b"\x00" in data:
        raise InputError(path, "is not a text file (it holds NUL bytes); expected a CSV table")
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8, cp1251, decoded = 0, 0, []
    for raw in lines:
        try:
            decoded.append(raw.decode("utf-8"))
            utf8 += not raw.isascii()
        except UnicodeDecodeError:
            try:
                decoded.append(raw.decode("cp1251"))
                cp1251 += 1
            except UnicodeDecodeError:
                return _detect(data, path)
    text = "\n".join(decoded).removeprefix("\ufeff")
    if utf8 and cp1251:
        return text, "utf-8+cp1251", [f"{cp1251} lines were cp1251 and {utf8} UTF-8; "
                                      "each line was decoded on its own"]
    return text, "cp1251", []


def _detect(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    best = from_bytes(data).best()
    if best is None:
        raise InputError(path, "is in no encoding that can be read (tried UTF-8, UTF-16, cp1251 "
                               "and detection); expected a CSV saved as UTF-8")
    return str(best), best.encoding, [f"encoding guessed as {best.encoding}"]


def _printable_share(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t" or ch == "\ufffd")
    return 1 - bad / max(len(sample), 1)


# --- delimiters and headers --------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """The field delimiter (`,` `;` or tab) of a CSV text, from its first lines."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = text.split("\n", 1)[0]
        return max(",;\t", key=header.count)


@cache
def column_spec(kind: str) -> pd.DataFrame:
    frame = read_domain("columns.csv")
    return frame[frame["kind"] == kind].reset_index(drop=True)


def _header_key(name: str) -> str:
    return normalise_text(name).replace("_", " ").strip(" :*")


@cache
def _header_lookup(kind: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for row in column_spec(kind).itertuples():
        for alias in [row.column, *filter(None, row.aliases.split("|"))]:
            lookup[_header_key(alias)] = row.column
    return lookup


def canonical_columns(header: list[str], kind: str, path: Path) -> tuple[list[str | None], list[str]]:
    """Canonical names for a header row (None for unknown columns), and notes about it."""
    lookup = _header_lookup(kind)
    names = [lookup.get(_header_key(h)) for h in header]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name is None:
            continue
        if name in seen:
            raise InputError(path, f"line 1: columns {seen[name]} and {position} both hold "
                                   f"'{name}'; expected each column once")
        seen[name] = position
    required = column_spec(kind).query("required == 'true'")["column"].tolist()
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError(path, f"line 1: required column(s) missing: {', '.join(missing)}; "
                               f"expected a header with {', '.join(required)} (found: "
                               f"{', '.join(h for h in header if h) or 'nothing'})")
    notes = [f"column {i} '{h}' is not one this project reads; it was ignored"
             for i, (h, n) in enumerate(zip(header, names), start=1) if n is None and h.strip()]
    return names, notes


# --- reading ------------------------------------------------------------------------------------

def read_table(path: Path, kind: str) -> RawTable:
    """Read one CSV export as strings, whatever its encoding, delimiter and header language.

    Records whose number of fields differs from the header's are rejected here, with their line;
    every other record is returned unparsed, with the line it starts on.
    """
    path = Path(path)
    data = path.read_bytes()
    text, encoding, notes = decode(data, path)
    if _printable_share(text) < 0.95:
        raise InputError(path, "is not a text table (mostly control characters); expected a CSV")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputError(path, f"line 1: no header could be read ({exc})") from None
    names, header_notes = canonical_columns([h.strip() for h in header], kind, path)
    keep = [i for i, n in enumerate(names) if n is not None]
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[dict[str, object]] = []

    def take(record: list[str], line: int) -> None:
        if not record or (len(record) == 1 and not record[0].strip()):
            return  # a blank line is not a record
        if len(record) != width:
            bad.append({"line": line, "column": "", "value": delimiter.join(record)[:200],
                        "reason": f"expected {width} fields separated by {delimiter!r} as in the "
                                  f"header, found {len(record)}"})
            return
        long = next((i for i in keep if len(record[i]) > MAX_FIELD_CHARS), None)
        if long is not None:
            bad.append({"line": line, "column": names[long], "value": record[long][:200],
                        "reason": f"the cell holds {len(record[long]):,} characters; expected at "
                                  f"most {MAX_FIELD_CHARS:,}"})
            return
        rows.append([record[i] for i in keep])
        lines.append(line)

    start = reader.line_num + 1
    try:
        for record in reader:
            take(record, start)
            start = reader.line_num + 1
    except csv.Error:
        # An unbalanced quote swallows every line after it: read the rest line by line instead,
        # so only the broken line is lost, with its line number.
        notes.append(f"line {start}: an unbalanced quote; the lines after it were read one by one")
        # Split into lines exactly as the CSV reader does (\n, \r\n or \r), not with
        # str.splitlines, which also breaks at U+2028, \x85 and \x0b-\x1e inside a cell.
        physical = [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]
        for number, line in enumerate(physical[start - 1:], start=start):
            try:
                take(next(csv.reader([line], delimiter=delimiter, strict=True), []), number)
            except csv.Error as exc:
                bad.append({"line": number, "column": "", "value": line[:200],
                            "reason": f"the line cannot be read as CSV ({exc}); expected quotes "
                                      "to come in pairs"})
    frame = pd.DataFrame(rows, columns=[names[i] for i in keep], dtype=object)
    frame[LINE] = lines
    bad_frame = pd.DataFrame(bad, columns=["line", "column", "value", "reason"]).assign(file=str(path))
    return RawTable(path=path, frame=frame, encoding=encoding, delimiter=delimiter,
                    sha256=hashlib.sha256(data).hexdigest(), rows_read=len(rows) + len(bad),
                    bad_records=bad_frame, notes=notes + header_notes)
