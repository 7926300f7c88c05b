"""Paths and constants: the one place the project's layout is written down."""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DOMAIN_DIR = PACKAGE_DIR / "domain"


def project_root() -> Path:
    """The project root: $ANALYSIS_ROOT when set (tests, scheduled runs), else the checkout."""
    env = os.environ.get("ANALYSIS_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parents[1]


def temporary_file(name: str) -> bool:
    """A hidden file (".DS_Store", ".~lock.2024-11.ods#") or the lock file Office keeps beside a
    workbook while it is open ("~$2024-11.xlsx"): never data, never listed, never hashed."""
    return name.startswith((".", "~$"))


class Paths:
    """Every folder and file the pipeline reads or writes, anchored on one root."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root).resolve() if root else project_root()
        self.data = self.root / "data"
        self.raw = self.data / "raw"
        self.raw_incidents = self.raw / "incidents"
        self.raw_published = self.raw / "published"
        self.raw_case_stages = self.raw / "case_stages"  # the stage of the case an incident reports
        self.processed = self.data / "processed"
        self.reports = self.root / "reports"
        self.notebooks = self.root / "notebooks"
        # the data releases: $ANALYSIS_RELEASES when set (any local or mounted folder), else <root>/releases
        releases = os.environ.get("ANALYSIS_RELEASES")
        self.releases = Path(releases).resolve() if releases else self.root / "releases"

    def raw_files(self) -> list[Path]:
        """Every file under data/raw/, but the temporary ones (`temporary_file`), in order."""
        return sorted(p for p in self.raw.rglob("*") if p.is_file() and not temporary_file(p.name))

    @property
    def incidents(self) -> Path:
        return self.processed / "incidents.parquet"

    @property
    def monthly_counts(self) -> Path:
        return self.processed / "monthly_counts.parquet"

    @property
    def cases(self) -> Path:
        return self.processed / "cases.parquet"

    @property
    def case_events(self) -> Path:
        return self.processed / "case_events.parquet"

    @property
    def published_cumulative(self) -> Path:
        return self.processed / "published_cumulative.parquet"

    @property
    def rejected(self) -> Path:
        return self.processed / "rejected.csv"

    @property
    def quality_json(self) -> Path:
        return self.reports / "data_quality.json"

    @property
    def quality_md(self) -> Path:
        return self.reports / "data_quality.md"


# The published monthly counts live in files of this name pattern; the cumulative figures apart.
CUMULATIVE_PREFIX = "published_cumulative"
# `analysis clean` reads and cleans this many files at a time, and writes this many tables, on
# threads, when the incident logs average THREADED_FILE_BYTES or more: the Arrow and NumPy work on a
# large file's columns lets go of the interpreter, while on small files the Python work between
# those calls is most of the time, and a second thread only adds to it (benchmarks/README.md).
# Two at most, and one on a machine with one core.
THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
THREADED_FILE_BYTES = 256 * 1024
INCIDENT_FILE_PATTERN = r"^(\d{4})-(\d{2})\.(?i:csv|tsv|txt|xlsx|xlsm|xls|ods)$"  # 2024-11.CSV too

# Bounds that make a value absurd rather than merely large.
MAX_AMOUNT_KZT = 1_000_000_000_000  # one trillion tenge
MAX_MONTHLY_COUNT = 100_000  # cases of one kind in one month; the reviews state tens
EARLIEST_YEAR = 1900  # a date before it is a typing error, not a date of a monitored incident

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a month parameter: nothing else gets near a path

# A case left at a stage before its end counts as open for this many months after its last mention;
# after that it is a case with no news, not an open one (the logs name examples: a case they stop
# mentioning has most likely ended unrecorded). A later mention shows it went on in between.
CASE_OPEN_WITHOUT_NEWS_MONTHS = 12

# Codes used beside the taxonomy's categories in monthly_counts.
TOTAL = "total"
OTHER_UNSPECIFIED = "other_unspecified"
ALL_GROUPS = "all"
LANGUAGES = ("en", "ru", "kk")
MAX_ROLLING = 24  # months in a trend's rolling mean at most (two years), wherever it is asked for
RESOLUTIONS = ("auto", "month", "year")  # of the trend charts: by month, by year, or by the range

# The licence of the data and figures the project publishes (the code is MIT, pyproject.toml).
# Every figure, bundle, site page and release names it together with the source it is read from.
DATA_LICENCE = "CC BY 4.0"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
SOURCE_NAME = {
    "en": 'International Foundation for Protection of Freedom of Speech "Adil Soz"',
    "ru": "Международный фонд защиты свободы слова «Әділ сөз»",
    "kk": "«Әділ сөз» сөз бостандығын қорғау халықаралық қоры",
}
SOURCE_URL = "https://adilsoz.kz"

# The print column width, in cm: the `print` variant of every figure is a PDF laid out at this width,
# fonts embedded. 16 cm is the text column of an A4 page with 2.5 cm margins, the width the default
# figures are drawn at (6.3 in), so the print PDF shares their layout; another width (8.5 cm for one
# column of two) gets a layout of its own.
PRINT_COLUMN_CM = 16.0
