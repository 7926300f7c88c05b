"""The sha256 of everything `analysis clean` writes, for a fixed set of inputs.

    .venv/bin/python scripts/clean_outputs.py            # print the digests
    .venv/bin/python scripts/clean_outputs.py --write    # rewrite tests/baseline/clean_outputs.sha256.json

The inputs: the shipped data; each messy export of tests/fixtures/messy/ alone; the shipped data
with the corpus of bad inputs (tests/fixtures/make_bad.py); and SYNTHETIC logs (`analysis synth`,
20,000 rows in 30 monthly logs from 2024-01, some of them after the fixed "today"). Every run
uses the same "today", so a date in the future stays in the future.

The outputs hold nothing that changes from run to run (paths are relative to the project root),
so they are hashed as written; only the package version in the data-quality report is replaced
by a placeholder, so that a new version does not change the digests.

tests/test_clean_outputs.py cleans the same inputs with the current code and compares digest
for digest: a rewrite of the cleaning must leave every output byte unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BASELINE = ROOT / "tests" / "baseline" / "clean_outputs.sha256.json"
TODAY = date(2026, 1, 1)
OUTPUTS = ("data/processed/incidents.parquet", "data/processed/incidents.csv",
           "data/processed/monthly_counts.parquet", "data/processed/monthly_counts.csv",
           "data/processed/published_cumulative.parquet", "data/processed/published_cumulative.csv",
           "data/processed/cases.parquet", "data/processed/cases.csv",
           "data/processed/case_events.parquet", "data/processed/case_events.csv",
           "data/processed/rejected.csv", "reports/data_quality.json", "reports/data_quality.md")
VERSION_PLACEHOLDER = "<version>"


def _messy(root: Path, folder: Path) -> None:
    (root / "data/raw/published").mkdir(parents=True)
    (root / "data/raw/incidents").mkdir(parents=True)
    shutil.copy(folder / "2024-11.csv", root / "data/raw/incidents/2024-11.csv")


def _bad(root: Path) -> None:
    sys.path.insert(0, str(FIXTURES))
    import make_bad

    shutil.copytree(ROOT / "data/raw", root / "data/raw")
    for sub, files in (("incidents", make_bad.incidents()), ("published", make_bad.published())):
        for name, data in files.items():
            (root / "data/raw" / sub / name).write_bytes(data)


def _synthetic(root: Path) -> None:
    from analysis.synth import synthesise

    (root / "data/raw/published").mkdir(parents=True)
    synthesise(20_000, 30, root / "data/raw/incidents", seed=7, first_year=2024)


def cases() -> dict[str, object]:
    """Name -> a function filling an empty project root with that case's raw data."""
    found: dict[str, object] = {"shipped": lambda root: shutil.copytree(ROOT / "data/raw", root / "data/raw")}
    for folder in sorted((FIXTURES / "messy").iterdir()):
        found[f"messy/{folder.name}"] = lambda root, folder=folder: _messy(root, folder)
    found["bad"] = _bad
    found["synthetic"] = _synthetic
    return found


def normalised(path: Path) -> bytes:
    """The bytes of an output, the package version replaced where the report states it."""
    data = path.read_bytes()
    if path.name == "data_quality.json":
        report = json.loads(data)
        report["package_version"] = VERSION_PLACEHOLDER
        return json.dumps(report, ensure_ascii=False, indent=2).encode()
    if path.name == "data_quality.md":
        from analysis import __version__

        return data.replace(f"Package version {__version__}.".encode(),
                            f"Package version {VERSION_PLACEHOLDER}.".encode(), 1)
    return data


def digests(root: Path) -> dict[str, str]:
    """sha256 of every output of a cleaned project root ("missing" for one not written)."""
    return {name: hashlib.sha256(normalised(root / name)).hexdigest() if (root / name).exists() else "missing"
            for name in OUTPUTS}


def clean_case(name: str, fill, root: Path) -> dict[str, str]:
    """Fill `root` with a case's raw data, clean it with the current code, return the digests."""
    from analysis.clean import run_clean
    from analysis.config import Paths

    fill(root)
    run_clean(Paths(root), today=TODAY)
    return digests(root)


def all_digests() -> Iterator[tuple[str, dict[str, str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        for name, fill in cases().items():
            yield name, clean_case(name, fill, Path(tmp) / name.replace("/", "-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write {BASELINE.relative_to(ROOT)}")
    args = parser.parse_args()
    result = dict(all_digests())
    text = json.dumps(result, indent=2, sort_keys=True) + "\n"
    if args.write:
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(text, encoding="utf-8")
        print(f"wrote {BASELINE.relative_to(ROOT)}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
