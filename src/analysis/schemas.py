"""Contracts of the processed tables, checked before anything is written."""

from __future__ import annotations

import pandera.pandas as pa

from .config import ALL_GROUPS, OTHER_UNSPECIFIED, TOTAL
from .taxonomy import category_codes, group_codes, legacy_group_codes

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"

incidents = pa.DataFrameSchema(
    {
        "incident_id": pa.Column(unique=True),
        "case_id": pa.Column(),
        "report_month": pa.Column(checks=pa.Check.str_matches(MONTH)),
        "event_date": pa.Column("datetime64[ns]"),
        "date_precision": pa.Column(checks=pa.Check.isin(["day", "month"])),
        "group": pa.Column(checks=pa.Check.isin(group_codes() + legacy_group_codes())),
        "category": pa.Column(checks=pa.Check.isin(category_codes())),
        "region_iso": pa.Column(checks=pa.Check.str_matches(r"^KZ-\d{2}$"), nullable=True),
        "amount_kzt": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "counted": pa.Column(bool),
        "source_line": pa.Column("int64", pa.Check.ge(2)),
    },
    strict=False,
)

monthly_counts = pa.DataFrameSchema(
    {
        "month": pa.Column(checks=pa.Check.str_matches(MONTH)),
        "group": pa.Column(checks=pa.Check.isin(group_codes() + legacy_group_codes() + [ALL_GROUPS])),
        "category": pa.Column(checks=pa.Check.isin(category_codes() + [TOTAL, OTHER_UNSPECIFIED])),
        "unit": pa.Column(checks=pa.Check.isin(["count", "kzt"])),
        "count": pa.Column("int64", pa.Check.ge(0)),
        "source": pa.Column(checks=pa.Check.isin(["published", "incident_log", "derived"])),
        # a derived month names the two cumulative statements it is the difference of; no other row does
        "derived_from": pa.Column(),
        "parent": pa.Column(checks=pa.Check(lambda s: s.eq("") | s.isin(category_codes()),
                                          element_wise=False)),
    },
    strict=False,
    checks=[pa.Check(lambda f: f["derived_from"].ne("").eq(f["source"].eq("derived")).all(),
                     element_wise=False, error="derived_from is set exactly on the derived rows")],
)
