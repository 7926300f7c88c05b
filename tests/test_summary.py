"""The review opening written from the data."""

from __future__ import annotations

import functools
import re

import pandas as pd
import pytest

from analysis import taxonomy
from analysis.summary import review_summary


@pytest.fixture(scope="module")
def summary(shipped_clean):
    """`review_summary` of the cleaned shipped data, written once per month and language (a pure
    function of the data: the tests that read the same summary share it)."""
    counts, cumulative, _ = shipped_clean

    @functools.cache
    def written(month: str, lang: str, stated: bool = False) -> str:
        return review_summary(counts, month, lang, cumulative if stated else None)

    return written


def _group_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ") and "**" not in line]


def test_english_summary_for_2024_11_states_exactly_the_published_counts(summary):
    text = summary("2024-11", "en")
    lines = _group_lines(text)
    assert lines[0].startswith("- 10 reports of violations of the rights of journalists")
    assert "1 case: attack on a journalist" in lines[0]
    assert "3 cases: interference in media activities" in lines[0]
    assert "2 cases: threat" in lines[0]
    assert "4 not itemised" in lines[0]  # 10 - (1 + 3 + 2)
    assert lines[1].startswith("- 12 reports related to the right to freely receive")
    assert "7 cases: refusal or restriction of socially significant information" in lines[1]
    assert lines[2].startswith("- 10 pre-trial and judicial claims and lawsuits")
    assert "3 cases: administrative case (of which administrative case for false information: 2)" in lines[2]
    # every number the November 2024 review states, and the two "not itemised" remainders (4 and 1)
    stated = sorted(int(n) for line in lines for n in re.findall(r"\b\d+\b", line))
    assert stated == [1, 1, 2, 2, 2, 2, 3, 3, 4, 7, 7, 10, 10, 12]


@pytest.mark.parametrize("n, written", [(13, "13-і"), (6, "6-сы"), (2, "2-сі"), (9, "9-ы"), (10, "10-ы"), (20, "20-сы"),
                                        (40, "40-ы"), (50, "50-і"), (100, "100-і"), (0, "0-і")])
def test_a_kazakh_part_of_a_whole_takes_the_ending_of_its_last_word(n, written):
    """"30 айдың 13-і" (13 of 30 months): the possessive ending follows the number's last word
    (он үш -> үші, алты -> алтысы, тоғыз -> тоғызы), as number_endings.csv gives it."""
    from analysis.i18n import t

    assert t("coverage_note", "kk", n=n, total=30) == f"деректері бар айлар: 30 айдың {written}"
    assert t("coverage_note", "ru", n=n, total=30) == f"месяцев с данными: {n} из 30"


def test_russian_plural_forms(summary):
    text = summary("2024-11", "ru")
    assert "10 сообщений о нарушениях прав журналистов" in text
    assert "нападение на журналиста — 1 случай" in text
    assert "угроза — 2 случая" in text
    assert "гражданский иск к СМИ или журналистам — 7 случаев" in text
    assert "10 претензий и исков" in text
    assert "За ноябрь 2024 года зафиксировано:" in text


def test_kazakh_summary(summary):
    text = summary("2024-11", "kk")
    assert "2024 жылғы қараша айында мыналар тіркелді:" in text
    assert "құқықтарын бұзу туралы 10 хабарлама" in text
    assert "сотқа дейінгі және соттағы 10 талап пен талап-арыз" in text  # claims and lawsuits, as ru and en say


def test_year_to_date_comparison_names_its_months_and_is_worded_by_its_interval(summary):
    text = summary("2024-11", "en")
    # 2023 has group totals for April to June only: 14 + 13 + 15 against 20 + 22 + 15 in 2024
    assert ("April–June 2024 against April–June 2023, the 3 months with data in both years: 57 against 42: "
            "no clear change") in text
    # access to information: 12 + 13 + 16 against 25 + 26 + 19; 70 is a base of 20 or more: a percentage
    # the interval is of the change as the sentence states it: "times fewer", as 70 ÷ 41 is
    assert "41 against 70: 1.7 times fewer, −41% (95% interval: 1.1–2.6 times fewer)" in text
    assert "January–November" not in text  # three months are compared, not eleven
    # a list of their own, under a line of their own: not read as more of November's counts
    assert "\n\nAgainst the same months of 2023:\n\n- **" in text


def test_july_2024_uses_the_foundations_own_year_to_date_figure(summary):
    text = summary("2024-07", "en", stated=True)
    line = next(x for x in text.splitlines() if x.startswith("- **Claims and lawsuits**"))
    assert "January–July 2024 against January–July 2023: 87 against 55, the foundation's own figures" in line
    # the monthly counts read here (February to July: 9 + 6 + 20 + 10 + 13 + 14) are shown beside it,
    # with the difference
    assert "add up to 72 (6 of 7 months with data); difference from the stated figure: +15" in line
    ru = summary("2024-07", "ru", stated=True)
    assert "за январь–июль 2024: 87; за январь–июль 2023: 55 — собственные данные фонда" in ru
    kk = summary("2024-07", "kk", stated=True)
    assert "2024 ж. қаңтар–шілде: 87; 2023 ж. қаңтар–шілде: 55 — қордың өз шолуында" in kk


def test_the_standing_caveat_appears_once_per_summary(summary):
    for lang, words in (("en", "not all cases"), ("ru", "а не все случаи"), ("kk", "барлық жағдайлар емес")):
        assert summary("2024-11", lang).count(words) == 1


def test_a_month_without_data_says_so(summary):
    assert "has not been read into the data" in summary("2024-01", "en")


def test_no_comparison_when_the_previous_year_has_no_month(summary):
    assert "No year-to-date comparison" in summary("2023-04", "en")


def test_without_a_group_to_compare_the_categories_the_reviews_state_for_both_years_are_compared(summary):
    # November 2015: no group total in either year, but the reviews state 15 slander charges for
    # January-November of each year (monitoring-111 and monitoring-87)
    text = summary("2015-11", "en", stated=True)
    assert "No year-to-date comparison" not in text
    assert ("- **Criminal case for defamation**, January–November 2015 against January–November 2014: "
            "15 against 15, the foundation's own figures stated in its review") in text
    # the rulings, compared on three months of 2015 only, are not: a partial category is left out
    assert "Court rulings" not in text.split("Against the same months of 2014:")[1]
    assert "No year-to-date comparison" in summary("2014-12", "en", stated=True)  # nothing stated for 2013


def test_where_no_group_can_be_compared_the_categories_are_on_the_months_they_have_in_both_years(summary):
    # December 2015: no group total, no category stated or counted for the whole year in both years;
    # the court rulings have 4 months with data in both: compared on those, never "no month has data"
    text = summary("2015-12", "en", stated=True)
    assert "No year-to-date comparison" not in text
    assert ("- **Court rulings on honour and dignity**, July and October–December 2015 against July and "
            "October–December 2014, the 4 months with data in both years: 16 against 18") in text
    assert "**Судебные акты в пользу СМИ и граждан**" in summary("2015-12", "ru", stated=True)  # СМИ as written
    assert "No year-to-date comparison" in summary("2023-04", "en", stated=True)  # 2022 begins in June


def test_a_detail_of_a_category_s_own_figure_is_not_listed_as_an_item_inside_it(summary):
    # April 2024: 7 of the 8 discrediting cases were impersonations through fake accounts, a detail
    # whose words only the review has; the summary does not say "of which discrediting: 7"
    for lang in ("en", "ru", "kk"):
        label = taxonomy.category_label("discrediting", lang).lower()
        lines = [x for x in summary("2024-04", lang).splitlines() if x.startswith("- ") and label in x.lower()]
        assert len(lines) == 1 and lines[0].lower().count(label) == 1, lines
        assert not lines[0][2].islower(), lines[0]  # a list item opens with a capital letter, in Kazakh too
    assert "8 cases: discrediting of media or journalists;" in summary("2024-04", "en")


def test_an_interval_that_excludes_no_change_never_reads_as_if_it_included_it(shipped_clean):
    from matplotlib.text import Text

    from analysis import accessibility, figures
    from analysis.i18n import bound, t

    assert [bound(x, "en") for x in (0.9953, 1.0047, 0.94, 1.0, 2.25, float("inf"))] == [
        "0.995", "1.005", "0.9", "1.0", "2.2", "∞"]
    assert bound(0.99953, "ru", 2) == "0,9995"
    assert [bound(x, "ru") for x in (0.04, 0.0049, 0.0)] == ["0,04", "0,005", "0,0"]  # above 0 is never 0,0
    assert [bound(x, "en") for x in (1.0000176, 0.9999912)] == ["1.00002", "0.99999"]  # 150 against 117, and back
    # a rise from 0 is read by its interval, as any change from a base below 20, not "no comparison"
    from analysis.reviews import COUNT_COLUMNS
    rows = [{"month": m, "group": "legal_claims", "category": "total", "unit": "count", "count": n,
             "source": "published", "source_url": "", "parent": "", "label_as_written": "", "note": ""}
            for m, n in (("2023-01", 0), ("2023-02", 0), ("2024-01", 7), ("2024-02", 5))]
    rise = figures.ytd_comparison(pd.DataFrame(rows, columns=COUNT_COLUMNS), "2024-02")
    drawn = [text.get_text() for text in rise.draw("en").findobj(Text)]
    assert any(re.fullmatch(r"\(\d\.\d–∞\)", text) for text in drawn), drawn
    assert t("ratio_undefined", "en") not in drawn
    counts, cumulative, _ = shipped_clean
    spec = figures.ytd_comparison(counts, "2024-11", cumulative)
    refusal = spec.data[spec.data["code"] == "refusal_of_information"].iloc[0]
    assert refusal["verdict"] == "fewer" and 0.99 < refusal["high"] < 1  # the shipped case: 21 against 37
    for lang, high in (("en", "0.995"), ("ru", "0,995"), ("kk", "0,995")):
        table = accessibility.reader_table(spec.data, spec.name, lang)
        assert high in table[t("table_high", lang)].tolist(), lang
        drawn = [text.get_text() for text in spec.draw(lang).findobj(Text)]
        assert any(f"–{high})" in text for text in drawn), lang


def test_the_case_lines_say_they_come_from_the_named_incidents_not_the_review_s_counts(shipped_clean):
    counts, cumulative, incidents = shipped_clean
    text = review_summary(counts, "2024-11", "ru", cumulative, incidents=incidents)
    lines = text.splitlines()
    first_case_line = next(i for i, line in enumerate(lines) if line.startswith("- Дела о ложной информации"))
    assert lines[first_case_line - 1].startswith("Дела по инцидентам, названным в обзорах (это примеры")
    assert "Дела по инцидентам" not in review_summary(counts, "2024-11", "ru", cumulative)  # no log read: no lines


def test_a_month_without_an_incident_log_says_its_new_and_ended_cases_are_not_known_not_zero(shipped_clean):
    """July 2024 has a review but no incident log: the review's own counts name false-information cases,
    so "0 new" would contradict it. The case lines say how many of the months they rest on have a log."""
    counts, cumulative, incidents = shipped_clean
    july = review_summary(counts, "2024-07", "en", cumulative, incidents=incidents).splitlines()
    assert "- New false-information cases this month: not known (no incident log for July 2024)" in july
    assert "- False-information cases that ended this month: not known (no incident log for July 2024)" in july
    assert not any(line.startswith("- New false-information cases this month: 0") for line in july)
    assert ("- These lines rest on the incident logs of 4 of the 12 months August 2023 – July 2024 (August 2023, "
            "September 2023, November 2023, January 2024).") in july
    november = review_summary(counts, "2024-11", "ru", cumulative, incidents=incidents).splitlines()
    assert "- Новые дела о ложной информации за месяц: 1 дело" in november  # a month with its log: counted
    assert ("- Эти строки основаны на журналах инцидентов за 2 из 12 мес. периода «декабрь 2023 – ноябрь 2024» "
            "(январь 2024, ноябрь 2024).") in november
    kk = review_summary(counts, "2015-05", "kk", cumulative, incidents=incidents)
    assert "Айдағы жаңа жалған ақпарат істері: белгісіз (2015 ж. мамыр бойынша оқиғалар журналы жоқ)" in kk


@pytest.mark.parametrize(("lang", "words"), [("en", "its address is not given with the counts"),
                                             ("ru", "ссылка на обзор при подсчётах не указана"),
                                             ("kk", "шолуға сілтеме көрсетілмеген")])
def test_a_month_whose_counts_give_no_address_of_the_review_says_so(shipped_clean, lang, words):
    counts, cumulative, _ = shipped_clean
    unsourced = counts.assign(source_url=counts["source_url"].where(counts["month"] != "2024-11", ""))
    last = review_summary(unsourced, "2024-11", lang, cumulative).splitlines()[-1]
    assert words in last and "(-)" not in last and "adilsoz.kz" not in last
    assert "adilsoz.kz" in review_summary(counts, "2024-11", lang, cumulative).splitlines()[-1]


def test_a_figure_stated_beside_a_group_s_total_is_not_listed_as_included_in_it():
    from analysis.reviews import COUNT_COLUMNS, add_other_unspecified

    # SYNTHETIC: 10 claims, 7 of them civil; 4 court rulings, which the reviews count apart from the total
    rows = [{"month": "2024-03", "group": "legal_claims", "category": code, "unit": "count", "count": n,
             "source": "published", "source_url": "", "parent": "", "label_as_written": "", "note": ""}
            for code, n in (("total", 10), ("civil_claims", 7), ("court_rulings", 4))]
    counts, problems = add_other_unspecified(pd.DataFrame(rows, columns=COUNT_COLUMNS))
    assert problems == []
    line = next(x for x in review_summary(counts, "2024-03", "en").splitlines() if x.startswith("- 10 "))
    assert line.endswith("including: 7 cases: civil claim against media or journalists; 3 not itemised; and, not "
                         "counted in that total: 4 cases: court rulings on honour and dignity."), line
