"""Build data/raw/incidents/YYYY-MM.csv from the named incidents read off the monthly reviews,
and data/raw/case_stages/case_stages.csv, the stage of the case each of them reports.

The reviews name only some of each month's incidents; these files hold those, one file per
month, in the incident-log schema of data/README.md. The category, case, victim type,
perpetrator type and stage of the case of each incident are this project's coding
(scripts/named_incidents_coding.csv), kept beside the label as the review wrote it: for the stage,
`stage_as_written` holds the words of the incident's summary or outcome that state it. The logs
hold what the reviews state; the stages, this project's reading of them, are a file of their own.
Run once when the shared source changes (it writes new files; existing ones are never rewritten):

    .venv/bin/python scripts/build_incident_logs.py ../shared/data/adilsoz/named_incidents.csv
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CODING = ROOT / "scripts" / "named_incidents_coding.csv"
OUT = ROOT / "data" / "raw" / "incidents"
STAGES = ROOT / "data" / "raw" / "case_stages" / "case_stages.csv"

COLUMNS = ["incident_id", "case_id", "report_month", "event_date", "date_precision", "group",
           "category", "category_as_written", "legal_code", "legal_article", "place_as_written",
           "victim", "victim_type", "outlet", "perpetrator_type", "amount_kzt", "outcome",
           "source_url", "summary", "source_lang"]


def legal_codes(article: str) -> str:
    """The codes an article reference names, in reading order ("Criminal Code; Administrative Code")."""
    found = []
    for pattern, code in ((r"criminal code|penal code|ук рк", "Criminal Code"),
                          (r"administrative code|коап", "Administrative Code"),
                          (r"civil code|гк рк", "Civil Code"), (r"constitution|конституц", "Constitution")):
        if re.search(pattern, article.lower()) and code not in found:
            found.append(code)
    return "; ".join(found)


def build(source: Path) -> list[Path]:
    named = pd.read_csv(source, dtype=str, keep_default_na=False)
    coding = pd.read_csv(CODING, dtype=str, keep_default_na=False)
    if len(coding) != len(named):
        raise SystemExit(f"{CODING} codes {len(coding)} rows but {source} has {len(named)}")
    named = named.assign(**{c: coding[c] for c in ("category", "victim_type", "perpetrator_type", "stage",
                                                   "stage_as_written")}, case=coding["case"])
    stated = [words.lower() in f"{summary} {outcome}".lower()
              for words, summary, outcome in zip(named["stage_as_written"], named["summary_en"], named["outcome"])]
    if not all(stated):
        lines = coding.loc[[not s for s in stated], "source_line"]
        raise SystemExit(f"{CODING}: stage_as_written is not in the summary or outcome at line(s) {', '.join(lines)}")
    named["n"] = named.groupby("month").cumcount() + 1
    named["incident_id"] = "AS-" + named["month"] + "-" + named["n"].map("{:03d}".format)
    logs = pd.DataFrame({
        "incident_id": named["incident_id"],
        "case_id": named["incident_id"].where(named["case"].eq(""), "CASE-" + named["case"]),
        "report_month": named["month"],
        "event_date": named["date"].where(named["date"].ne(""), named["month"]),
        "date_precision": named["date"].map(lambda d: "day" if d else "month"),
        "group": "", "category": named["category"],
        "category_as_written": named["category_as_written"],
        "legal_code": named["legal_article"].map(legal_codes),
        "legal_article": named["legal_article"],
        "place_as_written": named["region_as_written"], "victim": named["victim"],
        "victim_type": named["victim_type"], "outlet": named["outlet"],
        "perpetrator_type": named["perpetrator_type"],
        "amount_kzt": named["amount_kzt"].str.replace(r"\.0$", "", regex=True),
        "outcome": named["outcome"], "source_url": named["source_url"],
        "summary": named["summary_en"], "source_lang": named["source_lang"],
    }, columns=COLUMNS)
    stages = named.loc[named["stage"].ne(""), ["incident_id", "stage", "stage_as_written"]]
    files = {OUT / f"{month}.csv": part for month, part in logs.groupby("report_month")}
    files[STAGES] = stages
    written = []
    for path, frame in files.items():
        if path.exists():
            continue  # raw data is never rewritten: a correction is a new file
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written


if __name__ == "__main__":
    paths = build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/adilsoz/named_incidents.csv")
    print(f"wrote {len(paths)} new files: {', '.join(str(p.relative_to(ROOT)) for p in paths) or 'none'}")
