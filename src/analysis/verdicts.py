"""Shared steps of the cleaning: rejections, and exact duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .reading import LINE

REJECTED_COLUMNS = ["file", "line", "column", "value", "reason"]
ALSO = "; also column "  # what follows a rejected row's first reason, once for each further column at fault


def rejection_line(row, headings: dict[str, dict[str, str]] | None = None) -> str:
    """A rejected row as the command and the report's log say it: file, line, the column (by the
    heading the file gives it, when that is not the column's own name), the reason and the value
    found; then each further mistake of the row, its column named the same way."""
    named = (headings or {}).get(str(row.file), {})

    def shown(column: str) -> str:
        heading = named.get(column, column)
        return f"'{heading}' ({column})" if heading.casefold() != column.casefold() else column

    column = str(row.column or "")
    first, *also = str(row.reason).split(ALSO)
    where = f"{row.file}:{row.line}" + (f": column {shown(column)}" if column else "")
    further = "".join(ALSO + shown(more.split(":", 1)[0]) + ":" + more.split(":", 1)[1] for more in also)
    return f"{where}: {first} (found {str(row.value)[:60]!r}){further}"


class RowsLost(RuntimeError):
    """Rows read from a file came out neither kept, rejected nor duplicate: the run must not publish."""


SHOWN = 200  # characters of a rejected value kept in its record


def _record_frame(file: str, lines: np.ndarray, column: str, values: np.ndarray, reasons) -> pd.DataFrame:
    return pd.DataFrame({"file": file, "line": lines, "column": column, "value": values, "reason": reasons},
                        columns=REJECTED_COLUMNS)


def rejections(frame: pd.DataFrame, mask: pd.Series, column: str, reasons: pd.Series | str,
               file: str) -> pd.DataFrame:
    """Rejection records for the rows of `frame` selected by `mask`."""
    chosen = frame[mask]
    values = chosen[column].astype(str) if column in chosen else pd.Series("", index=chosen.index)
    reason = reasons[mask] if isinstance(reasons, pd.Series) else reasons
    return _record_frame(file, chosen[LINE].to_numpy(), column, values.str.slice(0, SHOWN).to_numpy(),
                         pd.Series(reason, index=chosen.index).to_numpy())


def stripped(frame: pd.DataFrame) -> pd.DataFrame:
    """The raw text columns with surrounding white space removed (LINE untouched)."""
    return frame.assign(**{c: frame[c].str.strip() for c in frame.columns if c != LINE})


def _edges_visible(values: pa.Array) -> np.ndarray:
    """Per value: whether its first and last bytes are visible ASCII (`!` to `~`), read from the
    Arrow buffers. Such a value has nothing for str.strip to remove."""
    values = values.cast(pa.large_string())
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int64)[values.offset:values.offset + len(values) + 1]
    data = values.buffers()[2]
    if data is None or not len(data):
        return offsets[1:] == offsets[:-1]
    text = np.frombuffer(data, dtype=np.uint8)
    first = text[np.minimum(offsets[:-1], len(text) - 1)]
    last = text[np.maximum(offsets[1:] - 1, 0)]
    visible = (first >= 0x21) & (first <= 0x7E) & (last >= 0x21) & (last <= 0x7E)
    return visible | (offsets[1:] == offsets[:-1])


def strip_column(values: pa.Array) -> pa.Array:
    """`str.strip` of every value of a string column, as Python strips it.

    Only values that begin or end with something other than visible ASCII go through Python,
    each distinct one once.
    """
    if values.null_count:
        raise ValueError("a raw column holds no missing values, only strings")
    mask = ~_edges_visible(values)
    if not mask.any():
        return values
    chosen = pa.array(mask)
    encoded = pc.dictionary_encode(values.filter(chosen))
    distinct = pa.array([v.strip() for v in encoded.dictionary.to_pylist()], type=values.type)
    return pc.replace_with_mask(values, chosen, distinct.take(encoded.indices))


def stripped_table(table: pa.Table) -> pa.Table:
    """`stripped` for a raw table in Arrow: its text columns stripped, LINE untouched."""
    return pa.table({name: column if name == LINE else strip_column(column.combine_chunks())
                     for name, column in zip(table.column_names, table.columns)})


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of a raw table, or empty strings when the file does not have it."""
    return frame[name] if name in frame else pd.Series("", index=frame.index)


def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate frames, those of `columns` they have first and in that order, whichever frame
    comes first (the records refused at reading name their file last); an empty frame with
    `columns` when there are none."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(frames, ignore_index=True)
    order = [c for c in columns if c in frame.columns] + [c for c in frame.columns if c not in columns]
    return frame if order == list(frame.columns) else frame[order]  # no copy of a table in order already


class PerValue:
    """Reasons given per distinct value: row i's reason is values[positions[i]]."""

    def __init__(self, values: list, positions: np.ndarray) -> None:
        self.values = np.empty(len(values), dtype=object)
        self.values[:] = values
        self.positions = positions

    def __getitem__(self, mask: np.ndarray) -> np.ndarray:
        return self.values[self.positions[mask]]


def _bools(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(mask.astype(bool) if isinstance(mask, pd.Series) else mask, dtype=bool)


class Verdicts:
    """The rows of one raw file still kept, with the rejections and warnings given so far.

    A row is rejected once, under the first reason found; a mistake found later in another column
    of that row is added to its reason ("...; also column amount_kzt: ... (found '...')"), so that
    one look at the row shows everything to fix in it. Warnings are noted on kept rows only. `raw`
    is the stripped raw table, as a DataFrame or in Arrow; masks and reasons are row by row.
    """

    def __init__(self, raw: pd.DataFrame | pa.Table, file: str) -> None:
        self.raw = raw
        self.file = file
        self.ok = np.ones(len(raw), dtype=bool)
        self._rejected: list[pd.DataFrame] = []
        self._warnings: list[pd.DataFrame] = []
        self._columns: list[str] = []  # the columns named in rejections so far
        self._first = np.full(len(raw), -1, dtype=np.int16)  # per row: the column it was rejected for
        self._more: dict[int, set[str]] = {}  # a row's position -> the further columns at fault in it
        self._also: dict[int, list[str]] = {}  # a rejected row's line -> its further mistakes, as said

    def _records(self, mask: np.ndarray, column: str, reasons: pd.Series | np.ndarray | PerValue | str) -> pd.DataFrame:
        if isinstance(self.raw, pd.DataFrame):
            return rejections(self.raw, mask, column, reasons, self.file)
        positions = np.flatnonzero(mask)  # in Arrow, only the two columns a record needs taken
        values = [str(v)[:SHOWN] for v in self.raw.column(column).take(positions).to_pylist()] \
            if column in self.raw.column_names else [""] * len(positions)  # as `rejections` gives them
        if not isinstance(reasons, str):
            reasons = np.asarray(reasons[mask] if isinstance(reasons, PerValue) else np.asarray(reasons)[mask],
                                 dtype=object)
        return _record_frame(self.file, self.raw.column(LINE).take(positions).to_numpy(), column,
                             np.array(values, dtype=object), reasons)

    def reject(self, mask: pd.Series | np.ndarray, column: str, reasons: pd.Series | np.ndarray | str) -> None:
        mask = _bools(mask)
        if column not in self._columns:
            self._columns.append(column)
        code = self._columns.index(column)
        new = mask & self.ok
        if new.any():
            self._rejected.append(self._records(new, column, reasons))
            self.ok = self.ok & ~new
            self._first[new] = code
        again = [i for i in np.flatnonzero(mask & ~new & (self._first != code))
                 if column not in self._more.get(int(i), ())]
        if again:  # rows rejected already, for another column: this mistake is added to their reason
            chosen = np.zeros(len(mask), dtype=bool)
            chosen[again] = True
            for i, record in zip(again, self._records(chosen, column, reasons).itertuples(index=False)):
                self._more.setdefault(int(i), set()).add(column)
                self._also.setdefault(int(record.line), []).append(
                    f"{ALSO}{column}: {record.reason} (found {str(record.value)[:60]!r})")

    def warn(self, mask: pd.Series | np.ndarray, column: str, reasons: pd.Series | np.ndarray | str) -> None:
        mask = _bools(mask) & self.ok
        if mask.any():
            self._warnings.append(self._records(mask, column, reasons))

    @property
    def rejected(self) -> pd.DataFrame:
        frame = concat(self._rejected, REJECTED_COLUMNS)
        if not self._also:
            return frame
        also = frame["line"].map(lambda line: "".join(self._also.get(int(line), [])))
        return frame.assign(reason=frame["reason"].astype(str) + also)

    @property
    def warnings(self) -> pd.DataFrame:
        return concat(self._warnings, REJECTED_COLUMNS)
