"""The review draft: key events from the incident log, in three languages, written from data only."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import draft
from analysis.outputs import Publication

MONTH = "2024-11"


def _row(**fields) -> dict:
    base = {"incident_id": "T-1", "case_id": "T-1", "report_month": MONTH, "event_date": pd.Timestamp("2024-11-20"),
            "date_precision": "day", "group": "rights_of_journalists", "category": "threat", "region_iso": "",
            "place_as_written": "", "victim": "", "victim_type": "", "outlet": "", "amount_kzt": pd.NA,
            "outcome": "", "source_url": "", "summary": ""}
    return {**base, **fields}


def test_the_november_2024_events_follow_the_reviews_order_one_heading_per_category(shipped_clean):
    _, _, incidents = shipped_clean
    found = draft.sections(incidents, MONTH, "ru")
    groups = [s.group for s in found]
    assert groups == sorted(groups, key=["rights_of_journalists", "access_to_information", "legal_claims"].index)
    assert [s.category for s in found][:1] == ["attack"]
    # the attack is logged twice (one case, one day, two wordings): one case in the heading, one event
    attack = found[0]
    assert attack.heading == "Нападение на журналиста — 1 случай"
    assert len(attack.events) == 1 and attack.events[0].what.startswith("Convict's father struck editor")
    fined = next(s for s in found if s.category == "administrative_false_information").events[0]
    assert fined.amount == "184\xa0600 тенге"
    assert fined.date == "20 ноября 2024\u202fг."  # a narrow no-break space, as CLDR writes it
    assert fined.ongoing_since == ""


def test_a_case_recorded_twice_on_one_day_is_one_event_and_other_days_or_cases_stay_apart():
    rows = pd.DataFrame([
        _row(incident_id="T-1", case_id="C-1", summary="Struck in a courtroom.", outcome=""),
        _row(incident_id="T-2", case_id="C-1", summary="Editor struck.", outcome="battery case opened"),
        _row(incident_id="T-3", case_id="C-1", event_date=pd.Timestamp("2024-11-25"), summary="Threatened again."),
        _row(incident_id="T-4", case_id="", summary="No case named."),
        _row(incident_id="T-5", case_id="", summary="No case named either."),
    ])
    events = draft.sections(rows, MONTH, "en")[0].events
    # the first record's wording, and what only the second says (the outcome)
    assert [(e.what, e.outcome) for e in events] == [
        ("Struck in a courtroom.", "battery case opened"), ("No case named.", ""), ("No case named either.", ""),
        ("Threatened again.", "")]


def test_the_note_says_which_languages_the_descriptions_are_quoted_in():
    incidents = pd.DataFrame([_row(summary="угрозы в адрес редакции", source_lang="ru"),
                              _row(incident_id="T-2", case_id="T-2", summary="threat by phone", source_lang="en")])
    def note(lang: str) -> str:
        return draft.Draft(MONTH, lang, "", "", draft.sections(incidents, MONTH, lang)).events_note

    assert note("en").endswith("may count more than the log names. "
                               "The descriptions are quoted in Russian, as the log writes them.")
    assert note("ru").endswith("Описания приводятся на английском языке, как они записаны в журнале.")
    assert note("kk").endswith("Сипаттамалар журналда жазылғандай, ағылшын тілінде берілген. "
                               "Сипаттамалар журналда жазылғандай, орыс тілінде берілген.")
    english = incidents.assign(source_lang="en")
    assert "quoted" not in draft.Draft(MONTH, "en", "", "", draft.sections(english, MONTH, "en")).events_note


def test_a_city_or_region_is_named_in_the_draft_s_language_and_a_finer_place_as_written():
    astana = _row(place_as_written="Astana", region_iso="KZ-71")
    assert [draft._event(astana, {}, lang).place for lang in ("en", "ru", "kk")] == ["Astana", "Астана", "Астана"]
    almaty = _row(place_as_written="алматы", region_iso="KZ-75")  # as any language writes it, in any case
    assert draft._event(almaty, {}, "en").place == "Almaty"
    unwritten = _row(region_iso="KZ-61")
    assert draft._event(unwritten, {}, "kk").place == "Түркістан облысы"
    town = _row(place_as_written="Uralsk (West Kazakhstan)", region_iso="KZ-27")  # finer than the region: kept
    assert draft._event(town, {}, "ru").place == "Uralsk (West Kazakhstan)"


@pytest.mark.parametrize(("lang", "since"), [("en", "January 2009"), ("ru", "январь 2009"), ("kk", "2009 ж. қаңтар")])
def test_a_case_first_reported_earlier_is_marked_ongoing_with_its_first_month(shipped_clean, lang, since):
    _, _, incidents = shipped_clean
    (section,) = draft.sections(incidents, "2009-02", lang)
    (event,) = section.events
    assert event.ongoing_since.lower() == since.lower()
    text = draft.event_markdown(event, lang)
    assert since.lower() in text.lower()


def test_missing_fields_leave_no_empty_punctuation():
    rows = pd.DataFrame([_row(summary="Threatened by phone"), _row(incident_id="T-2", case_id="T-2")])
    events = draft.sections(rows, MONTH, "en")[0].events
    bare = draft.event_markdown(events[1], "en")
    assert bare == "- **20 November 2024.**"
    one = draft.event_markdown(events[0], "en")
    assert one == "- **20 November 2024.** Threatened by phone."
    for text in (bare, one):
        assert not re.search(r"\(\s*\)|,\s*[,.]|\.\s*\.|\s[,.]", text)


def test_data_is_escaped_never_markup():
    rows = pd.DataFrame([_row(victim="*Bold* <script>alert(1)</script>", outlet="[link](http://x)",
                              summary="# not a heading", source_url="https://example.org/a>b")])
    text = draft.event_markdown(draft.sections(rows, MONTH, "en")[0].events[0], "en")
    assert "<script>" not in text and "*Bold*" not in text and "[link](http://x)" not in text
    assert r"\*Bold\*" in text and r"\<script\>" in text and r"\# not a heading" in text
    assert "(<https://example.org/a%3Eb>)" in text


def test_plurals_in_each_language():
    rows = pd.DataFrame([_row(incident_id=f"T-{i}", case_id=f"T-{i}") for i in range(5)])
    headings = {lang: draft.sections(rows, MONTH, lang)[0].heading for lang in ("en", "ru", "kk")}
    assert headings == {"en": "Threat: 5 cases", "ru": "Угроза — 5 случаев", "kk": "Қорқыту — 5 жағдай"}


def test_the_draft_is_written_as_markdown_and_word_with_the_figures_alt_text(cleaned_project, monkeypatch):
    import time

    from docx import Document

    from analysis import figures, load_cumulative, load_monthly_counts

    counts, cumulative = load_monthly_counts(cleaned_project), load_cumulative(cleaned_project)
    out = Publication(MONTH, "kk", paths=cleaned_project)
    summary = out.summary(counts, cumulative)
    spec = figures.month_categories(counts, MONTH)
    out.figure(spec)
    text = out.review_draft(summary)
    md = cleaned_project.reports / "scratch" / MONTH / "review_draft.kk.md"
    assert md.read_text(encoding="utf-8") == text
    assert text.startswith("# Қазақстандағы сөз бостандығының бұзылуы, 2024 ж. қараша\n")
    assert text.count("\n# ") == 0  # the summary's own heading is not repeated
    assert "## Негізгі оқиғалар\n\n_Айдың оқиғалар журналында аталған оқиғалар, санаттар бойынша; жоғарыдағы сандар " \
           "шолудан алынған" in text  # a category's logged incidents can be fewer than the review counts
    # the shipped logs' descriptions are the English pages' words: said, not passed off as Kazakh
    assert "Сипаттамалар журналда жазылғандай, ағылшын тілінде берілген._\n" in text
    assert "](../figures/2024-11/month_categories.kk.png)" in text
    assert (md.parent / "../figures/2024-11/month_categories.kk.png").resolve().is_file()

    document = Document(str(md.with_suffix(".docx")))
    assert document.core_properties.title == "Қазақстандағы сөз бостандығының бұзылуы, 2024 ж. қараша"
    paragraphs = [p.text for p in document.paragraphs]
    assert "Негізгі оқиғалар" in paragraphs
    assert paragraphs[paragraphs.index("Негізгі оқиғалар") + 1].startswith("Айдың оқиғалар журналында аталған")
    described = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert described == [spec.texts("kk")["alt_text"]]

    # written again a day later: the same file (a zip records when each part was written)
    word = md.with_suffix(".docx").read_bytes()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86_400)
    out.review_draft(summary)
    assert md.with_suffix(".docx").read_bytes() == word


def test_a_month_known_only_from_its_log_is_drafted_as_the_logs_counts_without_empty_charts(small_raw):
    """No review of August was read: the draft says its counts are the log's (a lower bound), and
    leaves out the chart of the review's counts, which has nothing to show."""
    from docx import Document

    from analysis import figures, load_cumulative, load_monthly_counts
    from analysis.clean import run_clean

    (small_raw.raw_incidents / "2024-08.csv").write_text(
        "incident_id,event_date,category,place,summary\n"
        "SYN-A1,12 August 2024,threat,Almaty,SYNTHETIC test incident\n", encoding="utf-8")
    run_clean(small_raw)
    counts, cumulative = load_monthly_counts(small_raw), load_cumulative(small_raw)
    out = Publication("2024-08", "ru", paths=small_raw)
    summary = out.summary(counts, cumulative)
    empty = figures.month_categories(counts, "2024-08")
    assert empty.data.empty  # a notice: no review counts for the month
    out.figure(empty)
    text = out.review_draft(summary)
    assert "_Инциденты, названные в журнале инцидентов за месяц, по категориям. Обзор за этот месяц не прочитан: " \
           "цифры выше посчитаны по этому журналу и показывают нижнюю границу._" in text
    assert "взяты из обзора" not in text and "month_categories" not in text and "## Графики" not in text
    document = Document(str(small_raw.reports / "scratch" / "2024-08" / "review_draft.ru.docx"))
    assert any(p.text.startswith("Инциденты, названные в журнале") and "не прочитан" in p.text
               for p in document.paragraphs)
    assert len(document.inline_shapes) == 0


def test_a_victim_is_followed_by_its_kind_in_the_reader_s_words_unless_the_name_already_says_it():
    nine = _row(victim="Nine journalists", victim_type="journalist")
    # the log's words say it, in English: no "(журналист)" after a plural in a Russian or Kazakh draft
    assert [draft._event(nine, {}, lang).who for lang in ("en", "ru", "kk")] == ["Nine journalists"] * 3
    assert draft._event(_row(victim="Девять журналистов", victim_type="journalist"), {}, "en").who == (
        "Девять журналистов")
    named = _row(victim="Talgat Umarov", victim_type="journalist")
    assert draft._event(named, {}, "en").who == "Talgat Umarov (journalist)"
    outlet = _row(victim="Ratel.kz", victim_type="media_outlet")
    assert draft._event(outlet, {}, "ru").who == "Ratel.kz (СМИ)"


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "Administrative case for false information: 2 cases, of which first reported earlier: 1"),
    ("ru", "Административное дело о ложной информации — 2 случая, из них впервые названы раньше: 1"),
    ("kk", "Жалған ақпарат бойынша әкімшілік іс — 2 жағдай, оның ішінде бұрын аталғаны: 1")])
def test_a_heading_says_how_many_of_its_cases_were_first_reported_earlier(lang, heading):
    """The summary counts a month's new cases; the draft names every case the log mentions, and its
    heading says how many of them are not new, so that the two never seem to disagree."""
    rows = pd.DataFrame([
        _row(incident_id="T-1", case_id="C-1", report_month="2024-10", event_date=pd.Timestamp("2024-10-02"),
             category="administrative_false_information", group="legal_claims"),
        _row(incident_id="T-2", case_id="C-1", category="administrative_false_information", group="legal_claims"),
        _row(incident_id="T-3", case_id="C-2", category="administrative_false_information", group="legal_claims"),
    ])
    (section,) = draft.sections(rows, MONTH, lang)
    assert section.heading == heading
    assert [bool(e.ongoing_since) for e in section.events] == [True, False]  # C-1 (from October), then C-2
    (threat,) = draft.sections(rows.assign(category="threat", group="rights_of_journalists").iloc[1:2], MONTH, lang)
    assert "earlier" not in threat.heading and "раньше" not in threat.heading and "бұрын" not in threat.heading


@pytest.mark.parametrize(("month", "lang", "amount"), [
    ("2015-10", "ru", "иск: 400\xa0000\xa0000 тенге"),  # a civil claim before its decision
    ("2014-06", "en", "awarded: 13,000,000 tenge"),  # decided
    ("2014-06", "kk", "өндірілген: 13\xa0000\xa0000 теңге"),
    ("2024-11", "ru", "184\xa0600 тенге")])  # a fine: its outcome says "fined"
def test_an_amount_says_whether_it_was_claimed_or_awarded(shipped_clean, month, lang, amount):
    _, _, incidents = shipped_clean
    amounts = [e.amount for s in draft.sections(incidents, month, lang) for e in s.events if e.amount]
    assert amounts == [amount]
