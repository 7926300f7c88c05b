"""`analysis release`: a versioned, validated, immutable data release in `releases/<version>/`.

A release is written whole into a staging folder beside the others, validated with the frictionless
library, and only then renamed into place; an existing release is never overwritten, and one that
does not validate is not written at all. `releases/latest` is a relative symbolic link to the newest.
Each release is self-contained: its tables (`data/*.csv`), `datapackage.json`, `README.md`,
`revisions.csv` (every change since the first release) and `NOTES.<lang>.md`.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import __version__
from .config import LANGUAGES, Paths
from .datapackage import ReleaseError, descriptor, processed_tables, readme, stamped_tables, validate
from .release_notes import notes
from .revisions import COLUMNS, Changes, Release, compare, history, next_version, read_release, read_text, stamp
from .storage import remove_stale_staging, staging_path, write_csv

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
LATEST = "latest"


@dataclass(frozen=True)
class ReleaseResult:
    version: str | None  # None: the data have not changed since the previous release
    previous: str | None
    folder: Path | None
    changes: Changes | None


def releases(folder: Path) -> list[str]:
    """The versions released in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir()
             if VERSION.match(p.name) and not p.is_symlink() and (p / "datapackage.json").is_file()]
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def latest_release(folder: Path) -> Release | None:
    versions = releases(folder)
    return read_release(folder / versions[-1]) if versions else None


REJECTION = ["file", "column", "value", "reason"]  # a rejected row, wherever its line has moved


def new_rejections(paths: Paths, folder: Path | None = None) -> pd.DataFrame:
    """The rows the cleaning rejects now that the latest release in `folder` (default
    `paths.releases`) did not reject: compared on the file, column, value and reason, not the line,
    which moves when rows are added above it. Empty when there is no release yet."""
    folder = Path(folder) if folder else paths.releases
    versions = releases(folder)
    now = read_text(paths.rejected) if paths.rejected.exists() else pd.DataFrame(columns=["line", *REJECTION])
    if not versions or now.empty:
        return now.iloc[0:0]
    released = read_text(folder / versions[-1] / "data" / "rejected.csv")
    times = now.join(released.groupby(REJECTION).size().rename("released"), on=REJECTION)["released"]
    return now[now.groupby(REJECTION).cumcount() >= times.fillna(0)]  # the n-th of a kind past those released


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the cells of the CSV the project writes for it (spreadsheet-safe), all text."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        write_csv(frame, path)
        return read_text(path)


def _write_text(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def code_version() -> str:
    from .manifest import package_hash

    return f"analysis {__version__}, sha256 {package_hash()[:12]}"


@dataclass
class Candidate:
    """The processed data as the next release would hold it, and its difference from the latest."""

    tables: dict[str, pd.DataFrame]  # as text
    previous: Release | None
    changes: Changes | None
    coverage: tuple[str, str]
    pages: list[str]


def candidate(paths: Paths, folder: Path) -> Candidate:
    tables = {name: as_text(frame) for name, frame in processed_tables(paths).items()}
    counts = tables["monthly_counts"]
    if counts.empty:
        raise ReleaseError("data/processed/monthly_counts has no rows: there is nothing to release")
    pages = sorted({url for table in ("monthly_counts", "published_cumulative") for url in tables[table]["source_url"]
                    if url} - {""})
    previous = latest_release(folder)
    coverage = (counts["month"].min(), counts["month"].max())
    changes = None
    if previous is not None:
        draft = descriptor("0.0.0", None, "", coverage, pages, "")
        changes = compare(previous, tables, draft)
    return Candidate(tables, previous, changes, coverage, pages)


def changes_since_release(paths: Paths | None = None, folder: Path | None = None) -> pd.DataFrame:
    """What the processed data change against the latest release, as rows of revisions.csv (without
    `release`); empty when there is no release yet or nothing changed."""
    paths = paths or Paths()
    folder = folder or paths.releases
    if not releases(folder):
        return pd.DataFrame(columns=COLUMNS[2:])
    found = candidate(paths, folder)
    if found.changes is None:
        return pd.DataFrame(columns=COLUMNS[2:])
    return found.changes.rows[COLUMNS[2:]].reset_index(drop=True)


def make_release(paths: Paths, folder: Path | None = None, now: datetime | None = None) -> ReleaseResult:
    """Release the processed data into `folder` (default `paths.releases`) if they changed since the
    latest release. Raises ReleaseError, having written nothing, when the package does not validate or
    the version exists already."""
    folder = Path(folder) if folder else paths.releases
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(folder)
    found = candidate(paths, folder)
    previous = found.previous
    version = next_version(previous.version if previous else None, found.changes)
    if version is None:
        return ReleaseResult(None, previous.version if previous else None, None, found.changes)
    target = folder / version
    if target.exists() or target.is_symlink():
        raise ReleaseError(f"{target} exists already: a release is never overwritten")
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    staging = staging_path(folder / version)
    staging.mkdir()
    try:
        _write(staging, found, version, created)
        problems = validate(staging)
        if problems:
            raise ReleaseError(f"release {version} does not validate, nothing was written: "
                               + "; ".join(problems))
        _rename_no_replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _point_latest(folder)
    return ReleaseResult(version, previous.version if previous else None, target, found.changes)


def _write(staging: Path, found: Candidate, version: str, created: str) -> None:
    previous = found.previous
    tables = stamp(found.tables, previous, found.changes, version)
    tables["revisions"] = history(previous, found.changes, version)
    package = descriptor(version, previous.version if previous else None, created, found.coverage, found.pages,
                         code_version())
    for res in package["resources"]:
        _write_text(tables[res["name"]], staging / res["path"])
    (staging / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
    (staging / "README.md").write_text(readme(package), encoding="utf-8")
    rejected = (len(found.tables["rejected"]), len(previous.tables["rejected"]) if previous else None)
    for lang in LANGUAGES:
        text = notes(lang, version, previous.version if previous else None, created[:10], found.coverage,
                     found.changes, found.tables["monthly_counts"], rejected, package["codeVersion"],
                     [*stamped_tables(), "rejected"])
        (staging / f"NOTES.{lang}.md").write_text(text, encoding="utf-8")


_RENAME_NOREPLACE = 1


def _rename_no_replace(source: Path, target: Path) -> None:
    """Rename a folder into place, refusing if the target exists (Linux renameat2, else a check first)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        if renameat2(-100, os.fsencode(source), -100, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code == errno.EEXIST:
            raise ReleaseError(f"{target} exists already: a release is never overwritten")
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # else the file system cannot: fall back
            raise OSError(code, os.strerror(code), str(target))
    if target.exists():
        raise ReleaseError(f"{target} exists already: a release is never overwritten")
    os.rename(source, target)


def _point_latest(folder: Path) -> None:
    """`latest` -> the newest version, as a relative link replaced in one step."""
    link = folder / f".{LATEST}.{os.getpid()}.tmp"
    if link.is_symlink():
        link.unlink()
    os.symlink(releases(folder)[-1], link)
    os.replace(link, folder / LATEST)


def run_release(paths: Paths, folder: Path | None = None) -> ReleaseResult:
    """`analysis release`: clean the raw data when it changed (as `analysis report` does), then release.

    Raw files that cannot be read stop the release: a release holds all the data or none of it.
    """
    import logging

    from .manifest import read_manifest, write_manifest
    from .report import clean_step

    manifest = read_manifest(paths)
    clean = clean_step(paths, manifest.get("clean", {}), False, False, logging.getLogger(__name__))
    if clean.entry is not None:
        manifest["clean"] = clean.entry
        write_manifest(paths, manifest)
    if clean.errors:
        raise ReleaseError(f"{len(clean.errors)} raw files could not be read ({clean.errors[0]['file']}: "
                           f"{clean.errors[0]['message']}); nothing was released: correct them and run again")
    return make_release(paths, folder)
