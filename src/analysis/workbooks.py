"""Reading a spreadsheet as monitors keep it (.xlsx, .xlsm, .xls, .ods), with python-calamine.

One sheet per file: a sheet named after the file's month if there is one, else the first
worksheet. The header row is found below any title rows; a header cell merged across columns with
sub-headings under it reads as one column per sub-heading. Dates stored as dates (or as numbers
formatted as dates) come out as ISO dates, whole numbers without a decimal point, formulas as their
cached values; empty rows are skipped, and every record keeps the row number the spreadsheet
shows, so a rejection names `file:sheet:row`. A workbook that cannot be opened (corrupt, encrypted,
no worksheet, nothing on the sheet) is one InputError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HEADER_SEARCH_ROWS = 10  # the header is looked for among the first rows (title rows above it)
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container: an .xls, or an encrypted .xlsx
# how a workbook's bytes open, and the name that reads it: a zip (.xlsx, .ods), an OLE container (.xls)
WORKBOOK_MAGIC = {b"PK\x03\x04": ".xlsx (or .ods)", _CFB_MAGIC: ".xls"}


@dataclass
class Sheet:
    """The chosen sheet as text: its header and records, each with the row the spreadsheet shows."""

    name: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # 1-based spreadsheet row of each record
    notes: list[str] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() if isinstance(value, str) else str(value)


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # a text saved as "Unicode text" holds NULs, and opens with one


def _open(path: Path):
    from python_calamine import CalamineWorkbook, PasswordError

    with open(path, "rb") as handle:
        head = handle.read(4096)
    start = head[:8]
    if head and not head.startswith((b"PK", _CFB_MAGIC)) and (b"\x00" not in head or head.startswith(UTF16_BOMS)):
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # XML Spreadsheet 2003, or a web page saved as one
            raise InputError(path, f"is an XML or HTML page under a {path.suffix} name, which this project does not "
                                   "read; expected a workbook: open it in a spreadsheet program and save it as .xlsx")
        raise InputError(path, f"is a text file (a CSV export?) under a {path.suffix} name; expected a workbook: "
                               "name it .csv, which is read as a CSV table")
    if start == _CFB_MAGIC and path.suffix.lower() != ".xls":
        raise InputError(path, "is password-protected (encrypted); expected a workbook saved without a password")
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise InputError(path, "is password-protected (encrypted); expected a workbook saved without a password") \
            from None
    except Exception as exc:  # calamine's zip, XML and format errors
        raise InputError(path, f"is not a readable {path.suffix.lower()} workbook ({type(exc).__name__}: "
                               f"{str(exc).splitlines()[0] if str(exc) else 'no detail'}); expected a workbook "
                               "a spreadsheet program saved") from None


def choose_sheet(book, path: Path, month: str | None) -> str:
    """The sheet named after the month if there is one, else the first worksheet (not a chart sheet)."""
    from python_calamine import SheetTypeEnum

    worksheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    if not worksheets:
        raise InputError(path, "has no worksheet (only chart or macro sheets); expected the month's "
                               "incidents on a worksheet")
    if month is not None:
        named = [n for n in worksheets if n.strip() == month]
        if named:
            return named[0]
    return worksheets[0]


def _sub_headings(grid: list[list[str]], row: int, merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    """Whether the row below `row` holds sub-headings of header cells merged across columns in `row`."""
    if row + 1 >= len(grid):
        return False
    spans = [(a[1], b[1]) for a, b in merged if a[0] == row and b[1] > a[1]]
    below = [i for i, text in enumerate(grid[row + 1]) if text]
    return bool(spans) and bool(below) and all(any(lo <= i <= hi for lo, hi in spans) for i in below)


def _header(grid: list[list[str]], row: int, merged, two_rows: bool, known: Callable[[str], bool]) -> list[str]:
    """The header at `row`: merged parents carried over their columns; with sub-headings, per column
    the first of (sub-heading, parent and sub-heading, parent) that names a known column."""
    top = list(grid[row])
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row <= r1:  # a heading merged down from a row above, or across its sub-headings
            for c in range(c0, c1 + 1 if two_rows else c0 + 1):
                top[c] = grid[r0][c0]
    if not two_rows:
        return top
    header = []
    for parent, sub in zip(top, grid[row + 1]):
        options = [o for o in (sub, f"{parent} {sub}".strip(), parent) if o]
        header.append(next((o for o in options if known(o)), options[0] if options else ""))
    return header


def read_sheet(path: Path, month: str | None, refuses: Callable[[list[str]], str | None],
               known: Callable[[str], bool]) -> Sheet:
    """Read the month's sheet of a workbook as text.

    `refuses(header)` says why a row cannot be the header (None: it names the required columns);
    `known(heading)` whether one heading names a column this project reads.
    """
    book = _open(path)
    try:
        name = choose_sheet(book, path, month)
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merged = list(sheet.merged_cell_ranges or [])
    except InputError:
        raise
    except Exception as exc:
        raise InputError(path, f"sheet could not be read ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    width = max((len(r) for r in values), default=0)
    grid = [[cell_text(v) for v in r] + [""] * (width - len(r)) for r in values]
    if not any(any(r) for r in grid):
        raise InputError(path, f"sheet '{name}' is empty; expected a header row and the month's incidents")
    for row in range(min(HEADER_SEARCH_ROWS, len(grid))):
        if not any(grid[row]):
            continue
        candidates = [(_header(grid, row, merged, False, known), 1)]
        if _sub_headings(grid, row, merged) and any(known(h) for h in grid[row] if h):
            candidates.append((_header(grid, row, merged, True, known), 2))  # not under a mere title
        accepted = [(sum(map(known, h)), -depth, h, depth) for h, depth in candidates if refuses(h) is None]
        if accepted:
            _, _, header, depth = max(accepted, key=lambda a: a[:2])
            first = row + depth
            notes = [f"sheet '{name}': the header is on row {row + 1}; rows above it were taken as a title"] \
                if row else []
            records = [(i + 1, r) for i, r in enumerate(grid[first:], start=first) if any(r)]
            return Sheet(name, header, [r for _, r in records], [line for line, _ in records], notes)
    rows = [row for row in range(min(HEADER_SEARCH_ROWS, len(grid))) if any(grid[row])]
    likeliest = max(rows, key=lambda row: sum(map(known, grid[row])), default=None)  # the first of the most known
    shown = next((r for r in grid if any(r)), [])
    why = f"; row {likeliest + 1}: {refuses(grid[likeliest])}" if likeliest is not None and any(
        map(known, grid[likeliest])) else f" (the first row holds: {', '.join(h for h in shown if h) or 'nothing'})"
    raise InputError(path, f"sheet '{name}': no header row with the required columns among its first "
                           f"{HEADER_SEARCH_ROWS} rows{why}")
