"""Shared steps of the cleaning: rejections, and exact duplicates."""

from __future__ import annotations

import pandas as pd

from .reading import LINE

REJECTED_COLUMNS = ["file", "line", "column", "value", "reason"]


class RowsLost(RuntimeError):
    """Rows read from a file came out neither kept, rejected nor duplicate: the run must not publish."""


def rejections(frame: pd.DataFrame, mask: pd.Series, column: str, reasons: pd.Series | str,
               file: str) -> pd.DataFrame:
    """Rejection records for the rows of `frame` selected by `mask`."""
    chosen = frame[mask]
    values = chosen[column].astype(str) if column in chosen else pd.Series("", index=chosen.index)
    reason = reasons[mask] if isinstance(reasons, pd.Series) else reasons
    return pd.DataFrame({"file": file, "line": chosen[LINE].to_numpy(), "column": column,
                         "value": values.str.slice(0, 200).to_numpy(),
                         "reason": pd.Series(reason, index=chosen.index).to_numpy()},
                        columns=REJECTED_COLUMNS)


def stripped(frame: pd.DataFrame) -> pd.DataFrame:
    """The raw text columns with surrounding white space removed (LINE untouched)."""
    return frame.assign(**{c: frame[c].str.strip() for c in frame.columns if c != LINE})


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of a raw table, or empty strings when the file does not have it."""
    return frame[name] if name in frame else pd.Series("", index=frame.index)


def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate frames, an empty frame with `columns` when there are none."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


class Verdicts:
    """The rows of one raw file still kept, with the rejections and warnings given so far.

    A row is rejected once, for the first reason found; warnings are noted on kept rows only.
    """

    def __init__(self, raw: pd.DataFrame, file: str) -> None:
        self.raw = raw
        self.file = file
        self.ok = pd.Series(True, index=raw.index)
        self._rejected: list[pd.DataFrame] = []
        self._warnings: list[pd.DataFrame] = []

    def reject(self, mask: pd.Series, column: str, reasons: pd.Series | str) -> None:
        mask = mask.astype(bool) & self.ok
        if mask.any():
            self._rejected.append(rejections(self.raw, mask, column, reasons, self.file))
            self.ok = self.ok & ~mask

    def warn(self, mask: pd.Series, column: str, reasons: pd.Series | str) -> None:
        mask = mask.astype(bool) & self.ok
        if mask.any():
            self._warnings.append(rejections(self.raw, mask, column, reasons, self.file))

    @property
    def rejected(self) -> pd.DataFrame:
        return concat(self._rejected, REJECTED_COLUMNS)

    @property
    def warnings(self) -> pd.DataFrame:
        return concat(self._warnings, REJECTED_COLUMNS)
