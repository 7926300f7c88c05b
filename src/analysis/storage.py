"""Writing the project's outputs: atomically (readers never see half a file, a folder is replaced
whole), spreadsheet-safely (formula-like cells neutralised) and zipped reproducibly (the same
members, the same bytes), and reading our own CSVs back."""

from __future__ import annotations

import ctypes
import fcntl
import io
import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows (threads stay safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permissions the umask gives a new file: what a file written through mkstemp (0600) gets."""
    return 0o666 & ~_umask()


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file beside `path`, then rename: readers never see half a file.

    The file gets the permissions the umask gives a new file (mkstemp alone would leave 0600).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: the same bytes on every run


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend on its members alone: sorted names, fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever system wrote it
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def write_zip(target: Path, members: list[tuple[str, bytes]]) -> None:
    """`zip_bytes` of the members, written atomically."""
    write_atomic(target, lambda tmp: tmp.write_bytes(zip_bytes(members)))


# --- whole folders --------------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _old(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def recover_dir(target: Path) -> None:
    """Finish a folder swap that was interrupted between its two renames (systems without renameat2)."""
    old = _old(target)
    if old.exists():
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(old, target)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(folder: Path) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    if not folder.is_dir():
        return
    for stale in folder.glob(".*.staging-*"):
        pid = stale.name.rsplit("staging-", 1)[1].split("-", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Write a new version of a folder beside it, then put it in place in one step.

    The staging copy starts as hard links to the current files (cheap, and writing a new file
    replaces the link, never the current file). On success the two folders are exchanged
    atomically, so a reader, or a run killed at any moment, finds either the old folder or the
    new one complete, never a mix.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _folder_lock(target):
        yield from _staged(target)


@contextmanager
def _folder_lock(target: Path) -> Iterator[None]:
    """Serialise writers of one folder (notebooks run side by side export into the same month)."""
    fd = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def staging_path(target: Path, kind: str = "") -> Path:
    """A hidden folder beside `target`, named for this process: `remove_stale_staging` removes it
    once the process is gone."""
    return target.parent / f".{target.name}.staging-{os.getpid()}-{kind}{uuid.uuid4().hex[:8]}"


@contextmanager
def scratch_dir(target: Path) -> Iterator[Path]:
    """A working folder beside `target` (on its file system, so files move from it by renaming),
    removed on exit; if the process is killed, the next write of a folder beside it removes it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = staging_path(target, "scratch-")
    scratch.mkdir()
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _staged(target: Path) -> Iterator[Path]:
    recover_dir(target)
    remove_stale_staging(target.parent)
    staging = staging_path(target)
    if target.exists():
        shutil.copytree(target, staging, copy_function=os.link)
    else:
        staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not target.exists():
        os.rename(staging, target)
        return
    if not _exchange(staging, target):
        os.rename(target, _old(target))
        os.rename(staging, target)
        staging = _old(target)
    shutil.rmtree(staging, ignore_errors=True)  # now the previous version


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def restore_formula(value: object) -> object:
    """Undo the apostrophe `write_csv` puts before formula-like cells, when reading our own CSV."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in (*FORMULA_START, "'"):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c, dtype in frame.dtypes.items()
            if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)]


RISKY = "=+-@\t\r'"  # what a spreadsheet may take for a formula at a cell's start, and the apostrophe itself
RISKY_START = "[" + re.escape(RISKY) + "]"


def _as_arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The column as Arrow strings (missing values null; Arrow's null type when every value is
    missing), or None when it holds anything but text."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        return pa.array(values.array)
    try:
        text = pa.array(values.to_numpy(dtype=object), from_pandas=True)
    except (pa.ArrowException, ValueError, TypeError):
        return None
    if pa.types.is_string(text.type) or pa.types.is_large_string(text.type) or pa.types.is_null(text.type):
        return text
    return None


RISKY_BYTES = np.frombuffer(RISKY.encode("ascii"), dtype=np.uint8)  # each one byte in UTF-8


def _may_be_risky(text: pa.Array | pa.ChunkedArray) -> bool:
    """Whether some cell may begin with a RISKY character, read from the first byte of each
    cell in Arrow's buffers (a null cell may count: a false alarm only costs the exact check)."""
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        if not len(chunk) or pa.types.is_null(chunk.type):  # no cell, or not one holding a value
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        starts = offsets[:-1][offsets[1:] > offsets[:-1]]
        if len(starts) and np.isin(np.frombuffer(data, dtype=np.uint8)[starts], RISKY_BYTES).any():
            return True
    return False


def _neutralise_column(values: pd.Series) -> pd.Series:
    text = _as_arrow_text(values)
    if text is not None and not _may_be_risky(text):
        return values  # the common case: no cell to protect, found in Arrow
    text = values.astype("string")
    risky = text.str.match(RISKY_START, na=False)
    return values.where(~risky, "'" + text) if risky.any() else values


def _as_csv_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A pandas categorical column as its labels and a date-time column as YYYY-MM-DD, in Arrow."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    if pa.types.is_timestamp(column.type) and column.type.tz is None:  # the day, as strftime gives it, faster
        return pc.floor_temporal(column, unit="day").cast(pa.date32()).cast(pa.string())
    if pa.types.is_timestamp(column.type):
        return pc.strftime(column, format="%Y-%m-%d")
    return column


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow, converted as `DataFrame.to_parquet` converts it (no index)."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def _csv_table(frame: pd.DataFrame, table: pa.Table) -> pa.Table:
    """`table` (`frame` as Arrow) as the CSV holds it: formula-like text cells neutralised,
    categories as their labels, date-times as YYYY-MM-DD."""
    protected = {}  # only the columns changed are converted again
    for name in _text_columns(frame):
        values = frame[name]
        safe = _neutralise_column(values)
        if safe is not values:
            protected[name] = safe
    if protected:
        changed = pa.Table.from_pandas(pd.DataFrame(protected, index=frame.index), preserve_index=False)
        table = pa.table([changed[name] if name in protected else column
                          for name, column in zip(table.column_names, table.columns)], names=table.column_names)
    typed = {c for c, dtype in frame.dtypes.items()
             if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(dtype)}
    return pa.table([_as_csv_text(column) if name in typed else column
                     for name, column in zip(table.column_names, table.columns)], names=table.column_names)


def _write_csv_table(table: pa.Table, path: Path) -> None:
    options = pacsv.WriteOptions(quoting_style="needed")
    write_atomic(path, lambda tmp: pacsv.write_csv(table, str(tmp), options))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV atomically (UTF-8, comma), text cells safe to open in a spreadsheet."""
    _write_csv_table(_csv_table(frame, _arrow(frame)), path)


def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    """Read a CSV this project wrote, undoing the formula protection."""
    frame = pd.read_csv(path, **kwargs)
    return frame.assign(**{c: frame[c].map(restore_formula) for c in _text_columns(frame)})


def write_parquet_and_csv(frame: pd.DataFrame, parquet: Path, csv: Path) -> None:
    """The frame as parquet, the bytes `frame.to_parquet(index=False)` writes, and as `write_csv`
    writes it, atomically each, from one conversion to Arrow (converting was a fifth of a small
    clean's writing, and was done twice)."""
    table = _arrow(frame)
    stored = table.replace_schema_metadata({**table.schema.metadata, "PANDAS_ATTRS": json.dumps(frame.attrs)}) \
        if frame.attrs else table  # where to_parquet keeps a frame's attrs
    write_atomic(parquet, lambda tmp: pq.write_table(stored, str(tmp), compression="snappy"))  # as to_parquet
    _write_csv_table(_csv_table(frame, table), csv)
