"""Reading what monitors export: any encoding, delimiter and header language, every line accounted for."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from .config import LANGUAGES
from .domain_data import read_domain
from .errors import InputError
from .text import normalise_text, slip_of
from .workbooks import WORKBOOK_MAGIC, WORKBOOK_SUFFIXES

csv.field_size_limit(2**31 - 1)  # one cell of a real export can hold megabytes of text

LINE = "_line"  # the 1-based line of the file where a record starts (the header is line 1)
MAX_FIELD_CHARS = 100_000  # longer cells are not a monitor's text but a broken export


@dataclass
class RawTable:
    """One input file as strings: canonical column names, one row per record, nothing parsed."""

    path: Path
    table: pa.Table  # canonical columns (strings as read) plus LINE
    encoding: str
    delimiter: str
    sha256: str
    rows_read: int
    bad_records: pd.DataFrame  # rejected at reading: file, line, column, value, reason
    notes: list[str] = field(default_factory=list)  # per-file warnings (unknown columns, encodings)
    sheet: str | None = None  # the sheet read, for a workbook
    headings: dict[str, str] = field(default_factory=dict)  # canonical column -> its heading as the file writes it

    @property
    def name(self) -> str:
        """How its rows name their file (`source_file`): the file name, and the sheet of a workbook."""
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name

    @property
    def label(self) -> str:
        """How a rejection names it: the path, and the sheet of a workbook (`file:sheet`, then the row)."""
        return f"{self.path}:{self.sheet}" if self.sheet else str(self.path)

    @property
    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame of Python strings (object columns) and LINE."""
        return pd.DataFrame({name: column.to_numpy(zero_copy_only=False) if name == LINE
                             else pd.Series(column.to_pylist(), dtype=object)
                             for name, column in zip(self.table.column_names, self.table.columns)})


# --- encodings -------------------------------------------------------------------------------

EMPTY = "the file is empty; expected a header line and rows"


def decode(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    """(text, encoding, notes): UTF-8 (BOM or not), UTF-16 with BOM, cp1251, or per-line mixes. A
    cp1251 text whose Kazakh letters were lost when it was saved is refused (`_lost_letters`)."""
    text, encoding, notes = _decoded(data, path)
    if not text.strip():  # a byte-order mark alone, or blanks in UTF-16: no more than empty bytes
        raise InputError(path, EMPTY)
    if "cp1251" in encoding:
        _lost_letters(text, path)
    return text, encoding, notes


# A "?" opening a word, or inside one, before a lower-case Cyrillic letter: a question mark stands
# before a space or a capital ("Что?Где?Когда?"), a letter cp1251 does not have (Ө, Қ, Ү, Ұ, Ә, Ғ, Ң,
# Һ) does, in a file saved in it ("?скемен", "??сайынова", "Б?Қ" aside). A web address is no word.
_LOST_LETTER = re.compile(r"\?+[а-яё]\w*")


def _lost_letters(text: str, path: Path) -> None:
    found = next((m for m in _LOST_LETTER.finditer(text) if not _in_address(text, m.start())), None)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise InputError(path, f"line {line}: {found.group()!r}: the file was saved in cp1251 (Windows Cyrillic), "
                               "which has no Kazakh letters, and they became '?'; expected the file saved as "
                               "CSV UTF-8 (in Excel: Save As, CSV UTF-8), from the workbook that still has them")


def _in_address(text: str, at: int) -> bool:
    """Whether the character at `at` is inside a web address ("https://сайт.kz/news?новости=1")."""
    start = max(text.rfind(c, 0, at) for c in " \t\n;,\"") + 1
    return "/" in text[start:at] or "=" in text[start:at]


def _decoded(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    if not data.strip():
        raise InputError(path, EMPTY)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise InputError(path, f"declares UTF-16 but is not valid UTF-16 ({exc.reason})") from None
    for magic, suffix in WORKBOOK_MAGIC.items():
        if data.startswith(magic):
            raise InputError(path, f"is a spreadsheet workbook under a {path.suffix} name; expected a CSV table: "
                                   f"name it {suffix}, which is read as a workbook, or save it as CSV")
    if b"\x00" in data:
        raise InputError(path, "is not a text file (it holds NUL bytes); expected a CSV table")
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if not _VALID_NON_ASCII.search(data.decode("utf-8", "surrogateescape")):
        # No line holds UTF-8 beyond ASCII, which reads the same in cp1251: all of it is cp1251.
        try:
            return data.decode("cp1251"), "cp1251", []
        except UnicodeDecodeError:
            return _detect(data, path)
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


# A character decoded from valid UTF-8 beyond ASCII (not an undecodable byte kept as \udc80-\udcff).
_VALID_NON_ASCII = re.compile("[\x80-\udc7f\udd00-\U0010ffff]")


def _detect(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    best = from_bytes(data).best()
    if best is None:
        raise InputError(path, "is in no encoding that can be read (tried UTF-8, UTF-16, cp1251 "
                               "and detection); expected a CSV saved as UTF-8")
    return str(best), best.encoding, [f"encoding guessed as {best.encoding}"]


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def _printable_share(text: str) -> float:
    sample = text[:20000]
    return 1 - len(_UNPRINTABLE.findall(sample)) / max(len(sample), 1)


# --- delimiters and headers --------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """The field delimiter (`,` `;` or tab) of a CSV text, from its first lines."""
    head = text[:65536].splitlines()
    lines = head if len(head) > 50 else text.splitlines()  # 51 lines begun: the first 50 are whole
    sample = "\n".join(lines[:50])
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


@cache
def _required(kind: str, how: str = "true") -> tuple[str, ...]:
    """The columns a header must have ("true"), or of which it must have one at least ("either")."""
    spec = column_spec(kind)
    return tuple(spec.loc[spec["required"] == how, "column"])


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
    required, either = _required(kind), _required(kind, "either")
    missing = [(c,) for c in required if c not in seen] + ([either] if either and
                                                           not any(c in seen for c in either) else [])
    unknown = [(i, h) for i, (h, n) in enumerate(zip(header, names), start=1) if n is None and h.strip()]
    if missing:
        expected = [*required, *([" or ".join(either)] if either else [])]
        headed = _template_headings(header) if kind == "incidents" else {}
        named = [" or ".join(group) + (f" ({headed[group[0]]} in the template)" if group[0] in headed else "")
                 for group in missing]
        raise InputError(path, f"line 1: required column(s) missing: {', '.join(named)}; "
                               f"expected a header with {', '.join(expected)} (found: "
                               f"{', '.join(h for h in header if h) or 'nothing'})"
                               + "".join(f"; column {i} '{h}' is not a heading this project reads"
                                         + _did_you_mean(h, kind, seen) for i, h in unknown))
    notes = [f"column {i} '{h}' is not one this project reads; it was ignored" + _did_you_mean(h, kind, seen)
             for i, h in unknown]
    return names, notes


def _did_you_mean(heading: str, kind: str, seen: dict[str, int]) -> str:
    """" (did you mean 'оқиға күні', event_date?)" for a heading one or two letters away from one this
    project reads, for a column the header does not hold already; else ""."""
    lookup = _header_lookup(kind)
    near = slip_of(_header_key(heading), [k for k, c in lookup.items() if c not in seen])
    return f" (did you mean '{near}', {lookup[near]}?)" if near else ""


def _template_headings(header: list[str]) -> dict[str, str]:
    """Each column of the log template -> how the template heads it ('Дата'), in the language of the
    header's headings that are the template's own, else in the three languages ("'Date', 'Дата' or
    'Күні'")."""
    template = read_domain("template.csv").set_index("column")
    found = {_header_key(h) for h in header}
    languages = [lang for lang in LANGUAGES if found & {_header_key(h) for h in template[f"header_{lang}"]}]
    headed = {}
    for column, row in template.iterrows():
        words = list(dict.fromkeys(f"'{row[f'header_{lang}']}'" for lang in languages or LANGUAGES))
        headed[column] = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return headed


# --- reading ------------------------------------------------------------------------------------

@dataclass
class _Layout:
    """Where the records of a CSV text are: found once, with vectorised scans of its bytes."""

    starts: np.ndarray  # byte offset where each record starts
    ends: np.ndarray  # byte offset just past each record (before its line break)
    lines: np.ndarray  # the line each record starts on (the header is line 1)
    fields: np.ndarray  # the number of fields of each record
    quoted_breaks: bool  # whether any record holds a line break inside quotes


def _layout(data: bytes, delimiter: str) -> _Layout | None:
    """The records of a UTF-8 CSV text, or None where the quoting is not the regular kind.

    Regular quoting (a quote opens a field, closes it before a delimiter or line break, and is
    doubled inside it) is what every CSV writer produces; there a line break ends a record exactly
    when an even number of quotes comes before it, as Python's csv module reads it. Anything else
    (a stray quote inside a field, an unbalanced quote, NUL characters) is left to that module.
    """
    if b"\x00" in data:
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    size = len(raw)
    quotes = np.flatnonzero(raw == ord('"'))
    if len(quotes) % 2:
        return None
    separator = ord(delimiter)
    if len(quotes):
        opening, closing = quotes[0::2], quotes[1::2]
        before = raw[np.maximum(opening - 1, 0)]
        after = raw[np.minimum(closing + 1, size - 1)]
        reopened = np.zeros(len(opening), dtype=bool)
        reopened[1:] = opening[1:] - 1 == closing[:-1]  # "" inside a quoted field
        closed_again = np.append(closing[:-1] + 1 == opening[1:], False)
        opens_field = (opening == 0) | np.isin(before, (separator, 10, 13)) | reopened
        closes_field = (closing == size - 1) | np.isin(after, (separator, 10, 13)) | closed_again
        if not (opens_field.all() and closes_field.all()):
            return None
    # Line breaks as Python's csv module counts lines: \n, \r\n (one break) and a lone \r.
    returns = np.flatnonzero(raw == 13)
    lone = returns[(returns + 1 >= size) | (raw[np.minimum(returns + 1, size - 1)] != 10)]
    breaks = np.flatnonzero(raw == 10)
    if len(lone):
        breaks = np.union1d(breaks, lone)
    quoted = np.searchsorted(quotes, breaks) % 2 == 1
    ending = breaks[~quoted]
    number = np.flatnonzero(~quoted)  # each record-ending break's index among all line breaks
    starts = np.concatenate(([0], ending + 1))
    lines = np.concatenate(([1], number + 2))
    ends = np.concatenate((ending, [size]))
    ends = ends - ((ends > starts) & (raw[np.maximum(ends - 1, 0)] == 13) & (ends < size)
                   & (raw[np.minimum(ends, size - 1)] == 10))  # \r\n: the record ends before \r
    if starts[-1] >= size:  # the text ends with a line break: no record after it
        starts, ends, lines = starts[:-1], ends[:-1], lines[:-1]
    separators = np.flatnonzero(raw == separator)
    separators = separators[np.searchsorted(quotes, separators) % 2 == 0]
    fields = np.bincount(np.searchsorted(starts, separators, side="right") - 1, minlength=len(starts)) + 1
    return _Layout(starts, ends, lines, fields, bool(quoted.any()))


def _fields(text: str, delimiter: str) -> list[str]:
    """One record's fields, as Python's csv module reads them."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), [])


def _too_long(record: list[str], keep: list[int]) -> int | None:
    return next((i for i in keep if len(record[i]) > MAX_FIELD_CHARS), None)


def _width_error(record: list[str], line: int, width: int, delimiter: str) -> dict[str, object]:
    return {"line": line, "column": "", "value": delimiter.join(record)[:200],
            "reason": f"expected {width} fields separated by {delimiter!r} as in the header, found "
                      f"{len(record)}"}


def _length_error(record: list[str], line: int, index: int, name: str) -> dict[str, object]:
    return {"line": line, "column": name, "value": record[index][:200],
            "reason": f"the cell holds {len(record[index]):,} characters; expected at most "
                      f"{MAX_FIELD_CHARS:,}"}


def _blank(record: list[str]) -> bool:
    """A blank line, or a line of separators alone (";;;;" where a spreadsheet's cleared row was):
    no row."""
    return all(not field.strip() for field in record)


@dataclass
class _Records:
    """The records of a file: the kept columns as strings, their lines, and the refused ones."""

    columns: dict[str, pa.Array]
    lines: np.ndarray
    bad: list[dict[str, object]]
    notes: list[str]


def _read_columnar(data: bytes, layout: _Layout, names: list[str | None], delimiter: str) -> _Records | None:
    """The records after the header, parsed by pyarrow.csv; None when its reading disagrees with the layout."""
    keep = [i for i, n in enumerate(names) if n is not None]
    width = len(names)
    body = slice(1, None)
    fields, lines = layout.fields[body], layout.lines[body]
    starts, ends = layout.starts[body], layout.ends[body]
    bad: list[dict[str, object]] = []
    odd = np.flatnonzero(fields != width)
    for i in odd:  # records of another width (blank lines among them): read one by one
        record = _fields(data[starts[i]:ends[i]].decode("utf-8"), delimiter)
        if not _blank(record):
            bad.append(_width_error(record, int(lines[i]), width, delimiter))
    good = np.flatnonzero(fields == width)
    if not len(good):
        empty = pa.array([], type=pa.large_string())
        return _Records({names[i]: empty for i in keep}, np.array([], dtype=np.int64), bad, [])
    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)[int(starts[0]):]),
        read_options=pacsv.ReadOptions(column_names=[f"f{i}" for i in range(width)],
                                       block_size=max(1 << 20, 2 * int((ends - starts).max()) + 2)),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=layout.quoted_breaks,
                                         invalid_row_handler=lambda row: "skip"),
        convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.large_string() for i in keep},
                                             include_columns=[f"f{i}" for i in keep],
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    if table.num_rows != len(good):
        return None
    columns = {names[i]: table.column(f"f{i}").combine_chunks() for i in keep}
    lines = lines[good]
    # a line of separators alone is no row (`_blank`): each record whose columns read are all blank
    # is read again as Python reads it, every field (those of columns not read too)
    empty = np.ones(len(good), dtype=bool)
    for column in columns.values():  # most logs: no blank incident_id, and the first column ends it
        empty &= pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column)).to_numpy(zero_copy_only=False)
        if not empty.any():
            break
    blank = np.zeros(len(good), dtype=bool)
    for i in np.flatnonzero(empty):
        blank[i] = _blank(_fields(data[starts[good][i]:ends[good][i]].decode("utf-8"), delimiter))
    if blank.any():
        mask = pa.array(~blank)
        columns = {name: column.filter(mask) for name, column in columns.items()}
        lines = lines[~blank]
    long = np.zeros(len(lines), dtype=bool)
    for column in columns.values():
        if (pc.max(pc.binary_length(column)).as_py() or 0) > MAX_FIELD_CHARS:  # bytes: at least as many as characters
            long |= pc.greater(pc.utf8_length(column), MAX_FIELD_CHARS).to_numpy(zero_copy_only=False)
    if long.any():
        for i in np.flatnonzero(long):
            record = [""] * width
            for k in keep:
                record[k] = columns[names[k]][int(i)].as_py()
            index = _too_long(record, keep)
            bad.append(_length_error(record, int(lines[i]), index, names[index]))
        mask = pa.array(~long)
        columns = {name: column.filter(mask) for name, column in columns.items()}
        lines = lines[~long]
    bad.sort(key=lambda b: b["line"])
    return _Records(columns, lines, bad, [])


def _read_by_rows(text: str, names: list[str | None], delimiter: str) -> _Records:
    """Python's csv module record by record: for quoting that is not the regular kind.

    An unbalanced quote swallows every line after it: the rest is then read line by line, so only
    the broken line is lost, with its line number.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    next(reader)  # the header
    keep = [i for i, n in enumerate(names) if n is not None]
    width = len(names)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[dict[str, object]] = []
    notes: list[str] = []

    def take(record: list[str], line: int) -> None:
        if _blank(record):
            return
        if len(record) != width:
            bad.append(_width_error(record, line, width, delimiter))
        elif (long := _too_long(record, keep)) is not None:
            bad.append(_length_error(record, line, long, names[long]))
        else:
            rows.append([record[i] for i in keep])
            lines.append(line)

    start = reader.line_num + 1
    try:
        for record in reader:
            take(record, start)
            start = reader.line_num + 1
    except csv.Error:
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
    columns = {names[k]: pa.array([row[j] for row in rows], type=pa.large_string())
               for j, k in enumerate(keep)}
    return _Records(columns, np.array(lines, dtype=np.int64), bad, notes)


TITLE_LINES = 5  # lines a title or note above a CSV's header may take


def _header_below(text: str, kind: str) -> int | None:
    """The line, after the first, of the first of the next `TITLE_LINES` lines that is a header
    this project can read (a title typed above the headings, which may have misled the delimiter's
    sniffing: each line is tried with the lines below it); None when there is none."""
    lines = text.splitlines()
    for number in range(2, min(len(lines), TITLE_LINES + 1) + 1):
        rest = "\n".join(lines[number - 1:])
        try:
            canonical_columns([h.strip() for h in _fields(lines[number - 1], sniff_delimiter(rest))], kind, Path())
        except (InputError, csv.Error):
            continue
        return number
    return None


def _header(text: str, delimiter: str, path: Path) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except (StopIteration, csv.Error) as exc:
        raise InputError(path, f"line 1: no header could be read ({exc})") from None


BAD_RECORD_COLUMNS = ["line", "column", "value", "reason"]


def _bad_records(bad: list[dict[str, object]], file: str) -> pd.DataFrame:
    """The records rejected at reading, each naming `file`; most files have none, made in one step."""
    if not bad:
        return pd.DataFrame({**{c: np.array([], dtype=object) for c in BAD_RECORD_COLUMNS},
                             "file": pd.array([], dtype="str")})
    return pd.DataFrame(bad, columns=BAD_RECORD_COLUMNS).assign(file=file)


def read_table(path: Path, kind: str) -> RawTable:
    """Read one CSV export as strings, whatever its encoding, delimiter and header language.

    Records whose number of fields differs from the header's are rejected here, with their line;
    every other record is returned unparsed, with the line it starts on.
    """
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, kind)
    data = path.read_bytes()
    text, encoding, notes = decode(data, path)
    if _printable_share(text) < 0.95:
        raise InputError(path, "is not a text table (mostly control characters); expected a CSV")
    delimiter = sniff_delimiter(text)
    utf8 = _utf8(data, text, encoding)
    layout = _layout(utf8, delimiter) if utf8 is not None else None
    if layout is not None and len(layout.starts):
        header = _fields(utf8[layout.starts[0]:layout.ends[0]].decode("utf-8"), delimiter)
    else:
        header = _header(text, delimiter, path)
    try:
        names, header_notes = canonical_columns([h.strip() for h in header], kind, path)
    except InputError as exc:
        below = _header_below(text, kind)
        if below is None:
            raise
        raise InputError(path, f"line 1 is not the header: line {below} holds the headings; expected the "
                               f"header on line 1 (delete the line(s) above it, such as a title, and save again)"
                         ) from exc
    records = None
    if layout is not None and len(names) > 1:
        records = _read_columnar(utf8, layout, names, delimiter)
    if records is None:
        records = _read_by_rows(text, names, delimiter)
    table = pa.table({**records.columns, LINE: pa.array(records.lines, type=pa.int64())})
    return RawTable(path=path, table=table, encoding=encoding, delimiter=delimiter,
                    sha256=hashlib.sha256(data).hexdigest(), rows_read=table.num_rows + len(records.bad),
                    bad_records=_bad_records(records.bad, str(path)), notes=notes + records.notes + header_notes,
                    headings=_headings(header, names))


def _read_workbook(path: Path, kind: str) -> RawTable:
    """One sheet of a workbook (`workbooks.read_sheet`), as a CSV export of it would be read."""
    from .workbooks import read_sheet

    lookup = _header_lookup(kind)

    def refuses(header: list[str]) -> str | None:
        """Why the row cannot be the header (as a CSV's first line would be refused), or None."""
        try:
            canonical_columns(header, kind, path)
        except InputError as exc:
            return exc.message.removeprefix("line 1: ")
        return None

    month = path.stem if re.fullmatch(r"\d{4}-\d{2}", path.stem) else None
    sheet = read_sheet(path, month, refuses, lambda heading: bool(heading) and _header_key(heading) in lookup)
    names, header_notes = canonical_columns(sheet.header, kind, path)
    keep = [i for i, n in enumerate(names) if n is not None]
    rows, lines, bad = [], [], []
    for record, line in zip(sheet.rows, sheet.lines):
        if (long := _too_long(record, keep)) is not None:
            bad.append(_length_error(record, line, long, names[long]))
        else:
            rows.append(record)
            lines.append(line)
    columns = {names[k]: pa.array([row[k] for row in rows], type=pa.large_string()) for k in keep}
    table = pa.table({**columns, LINE: pa.array(lines, type=pa.int64())})
    return RawTable(path=path, table=table, encoding=path.suffix.lower().lstrip("."), delimiter="",
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(), rows_read=len(sheet.rows),
                    bad_records=_bad_records(bad, f"{path}:{sheet.name}"), notes=sheet.notes + header_notes,
                    sheet=sheet.name, headings=_headings(sheet.header, names))


def _headings(header: list[str], names: list[str | None]) -> dict[str, str]:
    """Each canonical column read -> its heading as the file writes it."""
    return {name: " ".join(str(heading).split()) for heading, name in zip(header, names) if name is not None}


def _utf8(data: bytes, text: str, encoding: str) -> bytes | None:
    """The file as UTF-8 bytes: the bytes read when they are UTF-8, else the decoded text encoded."""
    if encoding == "utf-8":
        return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: left to the csv module
        return None
