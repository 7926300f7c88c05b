"""A draft of the month's review, written from the data only: the title, the opening counts, the
key events of the month's incident log by group and category (in the order the reviews use),
and the month's figures with their captions and alt text. Markdown for the site and the
repository, and a Word document for editors.

Every text comes from a field of the data or from domain/translations.csv; a missing field
leaves no empty punctuation behind; data is escaped (it is never markup).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import taxonomy
from .cases import case_events
from .config import LANGUAGES
from .i18n import dated, month_label, number, plural, t
from .parsing import vocabulary_label
from .regions import region_names
from .storage import zip_bytes
from .summary import running
from .text import markdown_literal as escape


@dataclass(frozen=True)
class Event:
    date: str  # as the language writes it: "20 ноября 2024", or the month alone
    place: str
    who: str
    outlet: str
    what: str  # the summary of what happened
    outcome: str
    amount: str
    ongoing_since: str  # the first month of an ongoing case, as the language writes it; "" if new
    source_url: str
    written_in: str = ""  # the language of `what` and `outcome`: the source's, as the log writes them


@dataclass(frozen=True)
class Section:
    group: str
    category: str
    heading: str
    events: list[Event]


@dataclass(frozen=True)
class DraftFigure:
    image: Path  # the PNG
    title: str
    caption: str
    alt_text: str


@dataclass(frozen=True)
class Draft:
    month: str
    lang: str
    title: str
    summary: str  # Markdown: the opening counts
    sections: list[Section]
    figures: list[DraftFigure] = field(default_factory=list)
    from_log: bool = False  # no review of the month was read: its counts are the log's own

    @property
    def events_note(self) -> str:
        """What the key events are; and, where some are written in another language than the
        draft's, that they are quoted in it (the log's descriptions are not translated)."""
        note = t("draft_key_events_note_log" if self.from_log else "draft_key_events_note", self.lang)
        others = sorted({e.written_in for s in self.sections for e in s.events} - {self.lang, ""},
                        key=LANGUAGES.index)
        return " ".join([note] + [t(f"draft_events_written_in_{lang}", self.lang) for lang in others])


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def _date(value: pd.Timestamp, precision: str, lang: str) -> str:
    return "" if pd.isna(value) else dated(value, precision, lang)


def _who(row: dict, lang: str) -> str:
    victim = _text(row.get("victim"))
    code = _text(row.get("victim_type"))  # a code of the vocabulary, or empty: the cleaning saw to it
    if not code:
        return victim
    kind = vocabulary_label("victim_type", code, lang)
    if not victim:
        return kind
    said = (running(vocabulary_label("victim_type", code, other)).casefold() for other in LANGUAGES)
    if any(re.search(rf"(?<!\w){re.escape(word)}", victim.casefold()) for word in said):
        return victim  # the name says it, in any language
    return f"{victim} ({running(kind)})"  # the kind in the reader's words


def _place(row: dict, lang: str) -> str:
    """Where it happened: the region or city in the draft's language where the log names just it
    (in any language), else the place as the log writes it (a town, a district), else the region."""
    iso = _text(row.get("region_iso"))
    written = _text(row.get("place_as_written"))
    names = {region_names(other).get(iso, "").casefold() for other in LANGUAGES} - {""}
    if iso and (not written or written.casefold() in names):
        return region_names(lang).get(iso, written)
    return written


def _amount(row: dict, kind: str, lang: str) -> str:
    """The amount in tenge, saying whether it was claimed or awarded where the case's stage and
    outcome say so (`cases.case_events`' `amount_is`); a fine goes with its outcome, "fined"."""
    amount = row.get("amount_kzt")
    if amount is None or pd.isna(amount):
        return ""
    text = number(int(amount), lang)
    if kind in ("claimed", "awarded"):
        return t("draft_amount_kind", lang, kind=running(t(f"table_kind_{kind}", lang)), amount=text)
    return t("draft_amount", lang, amount=text)


def _event(row: dict, first_month: dict[str, str], lang: str, amount_is: dict[str, str] | None = None) -> Event:
    first = first_month.get(_text(row.get("case_id")), row["report_month"])
    return Event(
        date=_date(row["event_date"], _text(row.get("date_precision")), lang),
        place=_place(row, lang),
        who=_who(row, lang),
        outlet=_text(row.get("outlet")),
        what=_text(row.get("summary")),
        outcome=_text(row.get("outcome")),
        amount=_amount(row, (amount_is or {}).get(_text(row.get("incident_id")), ""), lang),
        ongoing_since=month_label(first, lang) if first < row["report_month"] else "",
        source_url=_text(row.get("source_url")),
        written_in=_text(row.get("source_lang")),
    )


def title(month: str, lang: str) -> str:
    return t("summary_heading", lang, month=month_label(month, lang)).lstrip("# ").strip()


def sections(incidents: pd.DataFrame, month: str, lang: str) -> list[Section]:
    """Every incident the month's log names, by group and category in the taxonomy's order; a case
    first reported in an earlier month (not counted again) is marked as ongoing, with that month."""
    first_month = incidents.groupby("case_id")["report_month"].min().to_dict()
    rows = incidents[incidents["report_month"] == month].sort_values(["event_date", "incident_id"], kind="stable")
    with_amount = rows[rows["amount_kzt"].notna()]  # what each amount is: from the case's stage and outcome
    events = case_events(with_amount) if len(with_amount) else pd.DataFrame(columns=["incident_id", "amount_is"])
    amount_is = dict(zip(events["incident_id"].astype(str), events["amount_is"]))
    found = []
    for group in taxonomy.group_codes():
        cats = taxonomy.categories()
        for category in cats.loc[cats["group"] == group, "code"]:
            part = rows[rows["category"] == category]
            if part.empty:
                continue
            named = part["case_id"].dropna().drop_duplicates()  # a case reported twice in the month is one case
            n = len(named)
            # cases first reported in an earlier month are named again here, not counted again above
            ongoing = int((named.map(first_month) < month).sum())
            heading = t("draft_section_ongoing" if ongoing else "draft_section", lang,
                        label=taxonomy.category_label(category, lang), n=n, cases=plural("cases", n, lang),
                        ongoing=ongoing)
            found.append(Section(group, category, heading,
                                 [_event(r, first_month, lang, amount_is) for r in _one_row_an_event(part)]))
    return found


def _one_row_an_event(rows: pd.DataFrame) -> list[dict]:
    """The rows of a section, one per event: the records of one case on one day (an event the log
    records twice, in two wordings) are one row, each field taken from the first record that has it."""
    records = rows.to_dict(orient="records")
    events: dict[tuple, dict] = {}
    for i, record in enumerate(records):
        case = _text(record.get("case_id"))
        key = (case, record["event_date"], _text(record.get("date_precision"))) if case else (i,)
        kept = events.setdefault(key, record)
        for column, value in record.items():
            if not _text(kept.get(column)) and _text(value):
                kept[column] = value
    return list(events.values())


# --- Markdown -------------------------------------------------------------------------------------

def _clause(parts: list[str]) -> str:
    """Non-empty parts joined with commas, closed with a full stop; "" when every part is empty."""
    kept = [p for p in parts if p]
    if not kept:
        return ""
    text = ", ".join(kept)
    text = text[:1].upper() + text[1:]  # each clause opens a sentence
    return text if text.endswith((".", "!", "?")) else text + "."


def event_markdown(event: Event, lang: str) -> str:
    lead = _clause([escape(event.date), escape(event.place)])
    who = _clause([escape(event.who), escape(event.outlet)])
    what = _clause([escape(event.what)])
    outcome = _clause([escape(event.outcome), escape(event.amount)])
    ongoing = _clause([t("draft_ongoing", lang, since=event.ongoing_since)]) if event.ongoing_since else ""
    parts = [f"**{lead}**" if lead else "", who, what, outcome, f"_{ongoing}_" if ongoing else ""]
    if event.source_url:
        parts.append(f"[{t('draft_source', lang)}](<{event.source_url.replace('>', '%3E')}>)")
    return "- " + " ".join(p for p in parts if p)


def to_markdown(draft: Draft, image_base: Path) -> str:
    lines = [f"# {escape(draft.title)}", "", _without_heading(draft.summary), ""]
    if draft.sections:
        lines += [f"## {t('draft_key_events', draft.lang)}", "", f"_{escape(draft.events_note)}_",
                  ""]
        group = None
        for section in draft.sections:
            if section.group != group:
                group = section.group
                lines += [f"### {escape(taxonomy.category_label(group, draft.lang))}", ""]
            lines += [f"#### {escape(section.heading)}", ""]
            lines += [event_markdown(e, draft.lang) for e in section.events] + [""]
    else:
        lines += [f"_{t('draft_no_events', draft.lang, month=month_label(draft.month, draft.lang))}_", ""]
    if draft.figures:
        lines += [f"## {t('draft_figures', draft.lang)}", ""]
        for fig in draft.figures:
            image = Path(os.path.relpath(fig.image, image_base)).as_posix()
            lines += [f"![{escape(fig.alt_text)}]({image})", "", f"_{escape(fig.caption or fig.title)}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def _without_heading(summary: str) -> str:
    """The opening counts without their own first-level heading: the draft's title says it."""
    return "\n".join(line for line in summary.strip().splitlines() if not line.startswith("# ")).strip()


# --- Word -----------------------------------------------------------------------------------------

def write_docx(draft: Draft, target: Path) -> None:
    """The same draft as a Word document: headings, one paragraph per event, the figures with their
    captions and alt text (what a screen reader says). Its parts are zipped with fixed times
    (`storage.zip_bytes`): the same draft gives the same file whenever it is written."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.title = draft.title
    document.core_properties.language = draft.lang
    document.add_heading(draft.title, level=0)
    for line in _without_heading(draft.summary).splitlines():
        text = re.sub(r"[*_]", "", line).strip()
        if text.startswith("- "):
            document.add_paragraph(text[2:], style="List Bullet")
        elif text:
            document.add_paragraph(text)
    if draft.sections:
        document.add_heading(t("draft_key_events", draft.lang), level=1)
        document.add_paragraph(draft.events_note).runs[0].italic = True
        group = None
        for section in draft.sections:
            if section.group != group:
                group = section.group
                document.add_heading(taxonomy.category_label(group, draft.lang), level=2)
            document.add_heading(section.heading, level=3)
            for event in section.events:
                paragraph = document.add_paragraph(style="List Bullet")
                lead = _clause([event.date, event.place])
                if lead:
                    paragraph.add_run(lead + " ").bold = True
                rest = [_clause([event.who, event.outlet]), _clause([event.what]),
                        _clause([event.outcome, event.amount])]
                paragraph.add_run(" ".join(p for p in rest if p))
                if event.ongoing_since:
                    ongoing = t("draft_ongoing", draft.lang, since=event.ongoing_since)
                    paragraph.add_run(" " + _clause([ongoing])).italic = True
                if event.source_url:
                    word = t("draft_source", draft.lang)
                    paragraph.add_run(f" {word[:1].upper()}{word[1:]}: {event.source_url}")
    if draft.figures:
        document.add_heading(t("draft_figures", draft.lang), level=1)
        for fig in draft.figures:
            document.add_picture(str(fig.image), width=Cm(16))
            inline = document.inline_shapes[-1]._inline
            inline.docPr.set("descr", fig.alt_text)
            inline.docPr.set("title", fig.title)
            document.add_paragraph(fig.caption or fig.title, style="Caption")
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as parts:
        target.write_bytes(zip_bytes([(part.filename, parts.read(part)) for part in parts.infolist()]))
