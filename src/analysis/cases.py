"""The case ledger: every prosecution and lawsuit followed month by month, with its stages.

An incident log mentions a case again each time it moves (a complaint, a pre-trial
investigation, a trial, a verdict, an appeal). Each mention is an event of its case
(`case_events`); the ledger has one row per case (`ledger`), with the stage it reached, its
outcome and where each stage was read. The stage of a mention is the log's `stage` column where
it is given; otherwise the outcome text where it says so plainly (the words of
domain/outcome_words.csv, in three languages); otherwise `unknown`, never guessed.

A case is in the ledger when its category is a legal proceeding (a `legal_type` in
domain/categories.csv) or when a stage of it is known.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import taxonomy
from .config import ALL_GROUPS, CASE_OPEN_WITHOUT_NEWS_MONTHS, TOTAL
from .domain_data import read_domain
from .i18n import month_label, number, plural, t
from .parsing import parse_enumeration, parse_unique, vocabulary_label
from .reviews import COUNT_COLUMNS
from .text import normalise_text

STAGES = ("complaint", "pre_trial", "trial", "verdict", "appeal", "closed")  # in the order a case moves
UNKNOWN = "unknown"
RANK = {stage: i for i, stage in enumerate(STAGES)}
ENDING_STAGES = ("verdict", "closed")  # a mention at one of these ends the case, until an appeal
UNITS_OF_COUNT = ("reports", "new_cases", "active_cases", "persons")
PERSON_TYPES = ("journalist", "blogger", "citizen", "activist", "lawyer")  # victim types naming people

EVENT_COLUMNS = [
    "case_id", "incident_id", "report_month", "event_date", "date_precision", "stage", "stage_read_from",
    "outcome", "outcome_as_written", "amount_kzt", "amount_is", "category", "legal_type", "legal_code",
    "article", "victim", "victim_type", "outlet", "region", "region_iso", "summary", "source_url",
    "source_file", "source_line",
]
CASE_COLUMNS = [
    "case_id", "legal_type", "legal_code", "article", "category", "false_information", "people", "outlets",
    "region", "region_iso", "first_month", "last_month", "first_date", "last_date", "mentions", "stage",
    "stage_source", "stage_sources", "outcome", "outcome_as_written", "outcome_source", "amount_claimed_kzt",
    "amount_awarded_kzt", "fine_kzt", "ended", "source_urls",
]


# --- reading a mention -----------------------------------------------------------------------------

@cache
def outcome_words() -> tuple[tuple[str, str, bool, re.Pattern[str]], ...]:
    """(outcome, stage, opens, pattern) from domain/outcome_words.csv, in the table's order: the
    first match wins. `opens`: words that lodge an appeal, which reopen a case decided before them."""
    table = read_domain("outcome_words.csv")
    return tuple((row.outcome, row.stage, row.opens == "true", re.compile(rf"(?<!\w)(?:{row.pattern})"))
                 for row in table.itertuples(index=False))


def read_outcome(text: str) -> tuple[str, str]:
    """(outcome, stage) an outcome text states plainly; ("", "") where it states neither.

    The outcome is the first outcome row of domain/outcome_words.csv whose words the text holds;
    the stage is the furthest of its stage and the stages the text names ("acquitted on appeal"
    is an acquittal at the appeal stage). An appeal lodged against the outcome leaves the case
    open at that stage, the outcome being the decision appealed, not the end of the case: an
    appeal named after the outcome is last stated ("charges dropped; lawyer appealed"), or whose
    words take in that statement ("appealed the fine", "обжаловал приговор"). An outcome stated
    after the appeal's words is the appeal's decision ("appealed; appeal court acquitted him").
    """
    normalised = normalise_text(text)
    if not normalised:
        return "", ""
    found = [(outcome, stage, opens, max(m.start() for m in matches), max(m.end() for m in matches))
             for outcome, stage, opens, pattern in outcome_words()
             if (matches := list(pattern.finditer(normalised)))]
    outcome = next((o for o, *_ in found if o), "")
    if outcome:
        said = max(at for o, _, _, at, _ in found if o == outcome)
        reopened = [stage for _, stage, opens, _, end in found if opens and end > said]
        if reopened:
            return "", max(reopened, key=RANK.__getitem__)
    stages = [stage for o, stage, *_ in found if not o or o == outcome]
    return outcome, max(stages, key=RANK.__getitem__, default="")


@cache
def _outcome_labels() -> pd.DataFrame:
    table = read_domain("outcome_words.csv")
    return table[table["outcome"].ne("")].set_index("outcome")


NO_OUTCOME = "none"  # in the tables of the case figures: a case that ended with no outcome recorded
NOT_ENDED = "open"  # ... and a case whose end the logs never record


def outcome_label(code: str, lang: str) -> str:
    """An outcome in the reader's language (`fined` -> Оштрафован; `none` -> Исход не записан;
    `open` -> Окончание не записано)."""
    if code == NO_OUTCOME:
        return t("no_outcome_recorded", lang)
    if code == NOT_ENDED:
        return t("no_end_recorded", lang)
    return str(_outcome_labels().loc[code, f"label_{lang}"])


def stage_label(code: str, lang: str) -> str:
    """A stage in the reader's language, from the stage vocabulary (`pre_trial` -> Досудебное расследование)."""
    return vocabulary_label("stage", code, lang)


@cache
def _known_articles() -> frozenset[str]:
    return frozenset(taxonomy.legal_articles()["article"])


def articles(cited: str) -> str:
    """The articles a reference cites, "; "-joined: `Criminal Code 174-1` and `УК РК ст.174 ч.1` are 174.

    A number with a hyphen is an article where the taxonomy knows it so (456-2, 73-3), else the
    article and its part (130-3 is article 130, part 3) where the taxonomy knows the article.
    """
    out = []
    for cited_number in taxonomy.cited_articles(cited):
        base = cited_number.split("-")[0]
        out.append(cited_number if cited_number in _known_articles() or base not in _known_articles() else base)
    return "; ".join(dict.fromkeys(out))


def _legal_type_of_code(code: str) -> str:
    text = normalise_text(code)
    return next((family for family, pattern in taxonomy.legal_grammar().codes if pattern.search(text)), "")


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[name].fillna("").astype(str)


def _read_outcomes(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(outcome, stage) of each outcome text (`read_outcome`), each distinct text read once."""
    codes, uniques = pd.factorize(texts)
    read = [read_outcome(text) for text in uniques] + [("", "")]  # the last answers a missing text
    outcomes, stages = (np.array([r[i] for r in read], dtype=object)[codes] for i in (0, 1))
    return pd.Series(outcomes, index=texts.index), pd.Series(stages, index=texts.index)


def _stage_code(text: str) -> str:
    code = parse_enumeration("stage")(text).value
    return code if code and code != UNKNOWN else ""


def _stage_column(incidents: pd.DataFrame) -> pd.Series:
    """The log's stage as a code ("" where not given, not recognised, or given as unknown)."""
    return parse_unique(_text(incidents, "stage"), _stage_code)


# --- events ----------------------------------------------------------------------------------------

_EVENT_SOURCES = {"incident_id", "report_month", "event_date", "date_precision", "outcome", "stage_as_written",
                  "amount_kzt", "category", "legal_code", "legal_article", "victim", "victim_type", "outlet", "region",
                  "region_iso", "summary", "source_url", "source_file", "source_line"}  # what an event is made of


def case_events(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per mention of a case in the ledger, in the order the case moved.

    `stage_read_from`: `stage column` (the log's), `stage coding` (raw/case_stages/), `outcome
    text`, or "" (stage unknown). The outcome is what the log's outcome text says plainly, else
    what the coded stage's words say (`outcome_as_written` is then those words). `amount_is`: what
    the mention's amount is, read from its case type, stage and outcome: `claimed` (a civil claim
    before its decision, or one rejected), `awarded` (a civil claim decided), `fine` (a fine
    imposed), else `amount`.
    """
    if incidents.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    cats = taxonomy.categories().set_index("code")
    written = _text(incidents, "outcome")
    outcome, from_text = _read_outcomes(written)
    coded_words = _text(incidents, "stage_as_written")
    from_coding = outcome.eq("") & coded_words.ne("")
    if from_coding.any():  # the coded stage's words, where the log's outcome says nothing plainly
        outcome = outcome.mask(from_coding, _read_outcomes(coded_words.where(from_coding, ""))[0])
        written = written.mask(from_coding & outcome.ne(""), coded_words)
    given = _stage_column(incidents)
    stage = given.where(given.ne(""), from_text)
    case_id = _text(incidents, "case_id")
    in_ledger = _looked_up(incidents["category"], cats["legal_type"]).ne("") | stage.ne("")
    codes, uniques = pd.factorize(case_id)
    chosen = np.zeros(len(uniques), dtype=bool)
    chosen[codes[in_ledger.to_numpy()]] = True
    kept = np.flatnonzero(chosen[codes])  # every mention of those cases, whatever its category
    keys = {"case_id": case_id, "event_date": pd.to_datetime(incidents["event_date"]),
            "report_month": incidents["report_month"].astype(str), "source_file": _text(incidents, "source_file"),
            "source_line": incidents["source_line"].astype("int64")}  # as the events hold them
    order = pc.sort_indices(pa.table({key: pa.array(values.iloc[kept]) for key, values in keys.items()}),
                            sort_keys=[(key, "ascending") for key in keys])  # stable
    taken = kept[order.to_numpy()]  # in the order the case moved: picked and put in order in one step
    incidents = incidents[[c for c in incidents.columns if c in _EVENT_SOURCES]]
    incidents, case_id, stage, given, from_text, outcome, written, coded_words = (
        part.iloc[taken] for part in (incidents, case_id, stage, given, from_text, outcome, written, coded_words))
    category = incidents["category"].astype(str)
    read_from = pd.Series("", index=incidents.index, dtype=object).mask(from_text.ne(""), "outcome text") \
        .mask(given.ne(""), "stage column").mask(given.ne("") & coded_words.ne(""), "stage coding")
    code = _text(incidents, "legal_code")
    legal_code = code.where(code.ne(""), category.map(cats["legal_code"]).fillna(""))
    legal_type = category.map(cats["legal_type"]).fillna("")
    legal_type = legal_type.where(legal_type.ne(""), parse_unique(legal_code, _legal_type_of_code))
    cited = parse_unique(_text(incidents, "legal_article"), articles)
    events = pd.DataFrame({
        "case_id": case_id,
        "incident_id": _text(incidents, "incident_id"),
        "report_month": incidents["report_month"].astype(str),
        "event_date": pd.to_datetime(incidents["event_date"]),
        "date_precision": _text(incidents, "date_precision"),
        "stage": stage.replace("", UNKNOWN),
        "stage_read_from": read_from,
        "outcome": outcome,
        "outcome_as_written": written,
        "amount_kzt": pd.array(incidents["amount_kzt"], dtype="Int64"),
        "category": category,
        "legal_type": legal_type,
        "legal_code": legal_code,
        "article": cited.where(cited.ne(""), category.map(cats["legal_article"]).fillna("")),
        **{name: _text(incidents, name) for name in ("victim", "victim_type", "outlet", "region", "region_iso",
                                                      "summary", "source_url", "source_file")},
        "source_line": incidents["source_line"].astype("int64"),
    })
    return events.assign(amount_is=_amount_is(events))[EVENT_COLUMNS].reset_index(drop=True)


def _looked_up(values: pd.Series, table: pd.Series) -> pd.Series:
    """`values.astype(str).map(table).fillna("")`, each distinct value looked up once."""
    codes, uniques = pd.factorize(values)
    found = pd.Series(np.asarray(uniques, dtype=object)).astype(str).map(table).fillna("")
    return pd.Series(np.append(found.to_numpy(dtype=object), "")[codes], index=values.index)


def _amount_is(events: pd.DataFrame) -> pd.Series:
    decided = events["stage"].isin(("verdict", "appeal", "closed"))
    civil = events["legal_type"].eq("civil")
    kind = pd.Series("amount", index=events.index, dtype=object)
    kind = kind.mask(civil & ~decided & events["stage"].ne(UNKNOWN), "claimed")
    kind = kind.mask(civil & decided | events["outcome"].eq("claim_satisfied"), "awarded")
    kind = kind.mask(civil & events["outcome"].eq("dismissed"), "claimed")  # a claim rejected: what was sought
    kind = kind.mask(events["outcome"].eq("fined"), "fine")
    return kind.where(events["amount_kzt"].notna(), "")


# --- the ledger ------------------------------------------------------------------------------------

def _joined(events: pd.DataFrame, column: str, split: bool = False) -> pd.Series:
    """Each case's distinct values of `column` in order of mention ("; "-separated lists split), "; "-joined."""
    parts = events[["case_id"]].assign(value=events[column])
    if split:  # most values are no list: only lists are split
        listed = parts["value"].str.contains(";", regex=False)
        if listed.any():
            items = parts[listed].assign(value=parts.loc[listed, "value"].str.split(";")).explode("value")
            parts = pd.concat([parts[~listed], items.assign(value=items["value"].str.strip())]).sort_index(
                kind="stable")
        else:  # no list to split: the values typed as a split leaves them (object), in one step
            parts = parts.assign(value=parts["value"].astype(object))
    parts = parts[parts["value"].ne("")].drop_duplicates()
    return _join_by_case(parts["value"], parts["case_id"])


def _join_by_case(values: pd.Series, case_ids: pd.Series) -> pd.Series:
    """`values` "; "-joined by case, in order; a case with one value (most) skips the joining."""
    several = case_ids.duplicated(keep=False)
    single = pd.Series(values[~several].to_numpy(), index=case_ids[~several].to_numpy())
    joined = values[several].groupby(case_ids[several], sort=False).agg("; ".join)
    return pd.concat([single, joined]).sort_index()


def _numbered(events: pd.DataFrame) -> tuple[pd.Index, pd.DataFrame]:
    """(the distinct case_ids in sorted order, `events` with each case_id replaced by its position
    there): grouping and aligning on these numbers is much faster than on the texts, in the same order."""
    codes, case_ids = pd.factorize(events["case_id"], sort=True)
    return case_ids, events.assign(case_id=codes)


WHERE = ["source_file", "source_line"]  # the columns `_where` reads


def _where(frame: pd.DataFrame) -> pd.Series:
    return frame["source_file"] + " line " + frame["source_line"].astype(str)


def _ended(events: pd.DataFrame) -> pd.Series:
    """Whether a mention ends its case: it states an outcome, or a verdict or a closing."""
    return events["outcome"].ne("") | events["stage"].isin(ENDING_STAGES)


def _informative(events: pd.DataFrame) -> pd.Series:
    """Mentions that say where the case stands: a known stage or an outcome. Others leave it where it was."""
    return events["stage"].ne(UNKNOWN) | events["outcome"].ne("")


def _last(events: pd.DataFrame, where: pd.Series, columns: list[str]) -> pd.DataFrame:
    """`columns` of the last mention of each case among those `where` holds, indexed by case_id
    (only the columns asked for are taken: a mention has two dozen)."""
    return events.loc[where, ["case_id", *columns]].drop_duplicates("case_id", keep="last").set_index("case_id")


def false_information_codes() -> set[str]:
    cats = taxonomy.categories()
    return set(cats.loc[cats["false_information"].astype(str).str.lower().eq("true"), "code"])


def ledger(incidents: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per case: its type and article, people and outlets, months seen, stage, outcome, amounts.

    `stage` is the stage of the latest mention with a known stage; `stage_sources` names the
    file and line where each stage was first read. `outcome` is the latest stated outcome, with
    its words as written (a sentence, a fine). `ended`: the latest mention that says where the case
    stands states an outcome, a verdict or a closing. `events`: `case_events(incidents)` if already made.
    """
    events = case_events(incidents) if events is None else events
    if events.empty:
        return pd.DataFrame(columns=CASE_COLUMNS)
    case_ids, events = _numbered(events)
    by_case = events.groupby("case_id", sort=True)
    frame = pd.DataFrame({
        "category": by_case["category"].first(),
        "false_information": events["category"].isin(false_information_codes()).groupby(events["case_id"]).any(),
        "first_month": by_case["report_month"].min(), "last_month": by_case["report_month"].max(),
        "first_date": by_case["event_date"].min(), "last_date": by_case["event_date"].max(),
        "mentions": by_case.size(),
    })
    for column, source, split in (("legal_type", "legal_type", False), ("legal_code", "legal_code", True),
                                  ("article", "article", True), ("people", "victim", True),
                                  ("outlets", "outlet", True), ("source_urls", "source_url", False)):
        frame[column] = _joined(events, source, split)
    for column in ("region", "region_iso"):
        named = events[["case_id", column]].iloc[::-1]
        frame[column] = _last(named, named[column].ne(""), [column])[column]  # the first named
    staged = events["stage"].ne(UNKNOWN)
    last_stage = _last(events, staged, ["stage", "stage_read_from", *WHERE])
    frame["stage"] = last_stage["stage"]
    frame["stage_source"] = _where(last_stage) + " (" + last_stage["stage_read_from"] + ")"
    firsts = events.loc[staged, ["case_id", "stage", *WHERE]].drop_duplicates(["case_id", "stage"])
    frame["stage_sources"] = _join_by_case(firsts["stage"] + ": " + _where(firsts), firsts["case_id"])
    decided = _last(events, events["outcome"].ne(""), ["outcome", "outcome_as_written", *WHERE])
    frame["outcome"], frame["outcome_as_written"] = decided["outcome"], decided["outcome_as_written"]
    frame["outcome_source"] = _where(decided)
    for column, kind in (("amount_claimed_kzt", "claimed"), ("amount_awarded_kzt", "awarded"), ("fine_kzt", "fine")):
        frame[column] = _last(events, events["amount_is"].eq(kind), ["amount_kzt"])["amount_kzt"]
    frame["ended"] = _ended(_last(events, _informative(events), ["outcome", "stage"]))
    texts = [c for c in CASE_COLUMNS if c not in ("case_id", "first_date", "last_date", "mentions",
                                                  "false_information", "ended") and not c.endswith("_kzt")]
    frame = frame.assign(**{c: frame[c].fillna("") for c in texts}).fillna({"stage": UNKNOWN})
    frame["stage"] = frame["stage"].replace("", UNKNOWN)
    frame["ended"] = frame["ended"].astype("boolean").fillna(False).astype(bool)
    frame = frame.assign(case_id=case_ids.take(frame.index)).reset_index(drop=True)[CASE_COLUMNS]
    return frame.astype({c: "Int64" for c in ("amount_claimed_kzt", "amount_awarded_kzt", "fine_kzt")})


def with_articles(cases: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """The cases citing any of the `chosen` articles ("274", "456-2")."""
    cited = cases["article"].map(lambda a: bool(set(a.split("; ")) & set(chosen)))
    return cases.loc[cited.astype(bool)].reset_index(drop=True)


def seen_between(cases: pd.DataFrame, events: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The `cases` active in some month from `start` to `end` (inclusive) by `case_months`, the one
    rule of when a case is active: mentioned, or open between or after its mentions."""
    months = case_months(events[events["case_id"].isin(cases["case_id"]) & (events["report_month"] <= end)], end)
    active = months.loc[months["month"].between(start, end), "case_id"]
    return cases[cases["case_id"].isin(active)].reset_index(drop=True)


def false_information_articles() -> list[str]:
    """The articles of the false-information categories: Criminal Code 274, Administrative Code 456-2."""
    cats = taxonomy.categories()
    return list(cats.loc[cats["code"].isin(false_information_codes()), "legal_article"])


# --- consistency -----------------------------------------------------------------------------------

def consistency(cases: pd.DataFrame, events: pd.DataFrame) -> list[dict]:
    """What a reader of the ledger must check, as entries of the data-quality report's inconsistencies.

    - a stage that goes backwards (a pre-trial investigation mentioned after the appeal);
    - a verdict dated before the case's first trial mention (reported as that, not as going back);
    - one case_id with two different articles (mentions citing articles with none in common);
    - an amount awarded larger than the amount claimed.
    """
    found = []
    staged = events[events["stage"].ne(UNKNOWN)]
    rank = staged["stage"].map(RANK).astype("int64")
    reached = rank.groupby(staged["case_id"]).cummax().groupby(staged["case_id"]).shift(fill_value=-1)
    first_trial = staged[staged["stage"].eq("trial")].groupby("case_id")["event_date"].min()
    trial_date = pd.Series(first_trial.reindex(staged["case_id"]).to_numpy(), index=staged.index)
    early = staged["stage"].eq("verdict") & staged["event_date"].lt(trial_date)
    backwards = rank.lt(reached) & ~(staged["stage"].eq("trial") & staged["case_id"].isin(staged.loc[early, "case_id"]))
    for index, event in staged[backwards | early].iterrows():
        if early[index]:
            found.append(_problem(event, "case_verdict_before_trial",
                                  f"case {event['case_id']}: a verdict dated {event['event_date']:%Y-%m-%d}, before "
                                  f"its first trial mention ({trial_date[index]:%Y-%m-%d})"))
        else:
            found.append(_problem(event, "case_stage_backwards",
                                  f"case {event['case_id']}: {event['stage']} mentioned after "
                                  f"{STAGES[int(reached[index])]} was reached"))
    cited = events[events["article"].ne("")].drop_duplicates(["case_id", "article"])
    for case_id, part in cited[cited["case_id"].duplicated(keep=False)].groupby("case_id", sort=True):
        seen: list[tuple[set[str], pd.Series]] = []
        for _, event in part.iterrows():
            articles_here = set(event["article"].split("; "))
            clash = next((where for earlier, where in seen if not earlier & articles_here), None)
            if clash is not None:
                found.append(_problem(event, "case_two_articles",
                                      f"case {case_id}: article {event['article']} here, article "
                                      f"{clash['article']} at {clash['source_file']} line {clash['source_line']}"))
                break
            seen.append((articles_here, event))
    above = cases[cases["amount_awarded_kzt"].gt(cases["amount_claimed_kzt"]).fillna(False).astype(bool)]
    for case in above.itertuples(index=False):
        found.append({"month": case.last_month, "kind": "case_award_above_claim",
                      "message": f"case {case.case_id}: awarded {case.amount_awarded_kzt:,} tenge, more than the "
                                 f"{case.amount_claimed_kzt:,} claimed"})
    return found


def _problem(event: pd.Series, kind: str, message: str) -> dict:
    where = f"{event['source_file']} line {event['source_line']}"
    return {"month": event["report_month"], "kind": kind, "message": f"{message} ({where})"}


# --- counts by unit --------------------------------------------------------------------------------

def case_months(events: pd.DataFrame, last: str | None = None,
                without_news: int | None = CASE_OPEN_WITHOUT_NEWS_MONTHS) -> pd.DataFrame:
    """Each case in each month it is active, up to `last` (default: the newest month mentioned).

    A case is active in a month where it is mentioned, and in every month after while its stage is
    open: from a mention at a stage before its end (complaint, pre-trial, trial, appeal) until a
    mention ends it (an outcome, a verdict or a closing); an appeal reopens it. After its last
    mention it stays open for `without_news` months at most (None: until `last`); between two
    mentions it is open throughout. A case whose stage is not known is active only in the months
    it is mentioned: it is not known to be open.
    Columns: case_id, month, new (first mention), mentioned, open (at the end of the month),
    ended (in the month), outcome (how it ended: the outcome, or the stage where none is stated).
    """
    columns = ["case_id", "month", "new", "mentioned", "open", "ended", "outcome"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    last_month = int(_ordinals(pd.Series([last or events["report_month"].max()]))[0])
    ending = _ended(events)
    how = events["outcome"].where(events["outcome"].ne(""), events["stage"]).where(ending, "")
    said = (events.assign(closing=ending, how=how)[_informative(events)]
            .drop_duplicates(["case_id", "report_month"], keep="last"))  # events come in the order the case moved
    per = (events[["case_id", "report_month"]].drop_duplicates()
           .merge(said[["case_id", "report_month", "closing", "how"]], how="left", on=["case_id", "report_month"])
           .sort_values(["case_id", "report_month"], kind="stable").reset_index(drop=True))
    per["known"] = per["how"].notna()
    per["known"] = per.groupby("case_id")["known"].cummax()  # a mention that says nothing new
    per["closing"] = per.groupby("case_id")["closing"].ffill().fillna(False).astype(bool)  # leaves the case
    per["how"] = per["how"].fillna("")  # where it was
    period = _ordinals(per["report_month"])
    same_case = per["case_id"].eq(per["case_id"].shift(-1)).to_numpy()
    after_last = np.maximum(last_month, period) + 1
    if without_news is not None:
        after_last = np.minimum(after_last, period + 1 + without_news)
    following = np.where(same_case, np.roll(period, -1), after_last)
    closing = per["closing"].to_numpy(dtype=bool)
    still_open = per["known"].to_numpy(dtype=bool) & ~closing
    first = ~per["case_id"].eq(per["case_id"].shift(1)).to_numpy()
    was_closed = np.where(first, False, np.roll(closing, 1))
    length = np.where(still_open, following - period, 1)
    row = np.repeat(np.arange(len(per)), length)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    mentioned = offset == 0
    ended = (closing & ~was_closed)[row] & mentioned
    return pd.DataFrame({
        "case_id": per["case_id"].to_numpy()[row],
        "month": _month_names(period[row] + offset),
        "new": first[row] & mentioned,
        "mentioned": mentioned,
        "open": still_open[row],
        "ended": ended,
        "outcome": np.where(ended, per["how"].to_numpy()[row], ""),
    }, columns=columns)


def _ordinals(months: pd.Series) -> np.ndarray:
    """Months YYYY-MM as the ordinals of pandas' monthly periods (months since 1970-01)."""
    return ((months.str[:4].astype(int) - 1970) * 12 + months.str[5:7].astype(int) - 1).to_numpy()


def _month_names(ordinals: np.ndarray) -> np.ndarray:
    if not len(ordinals):
        return ordinals.astype(str)
    low = int(ordinals.min())
    span = pd.period_range(pd.Period(ordinal=low, freq="M"), periods=int(ordinals.max()) - low + 1, freq="M")
    names = span.astype(str).to_numpy()
    return names[ordinals - low]


def persons_named(events: pd.DataFrame) -> pd.DataFrame:
    """(case_id, person, named): each person a case concerns and the month first named in it.

    People are the victims of a mention whose victim type is a person (journalist, blogger,
    citizen), split at ";", without what is in brackets or after a comma (an outlet, a role:
    "Nick Kravts, journalist" is the Nick Kravts named elsewhere). A group named as one ("nine
    journalists") counts once: the count is of the people named, a lower bound.
    """
    people = events[events["victim_type"].isin(PERSON_TYPES)]
    names = people["victim"].str.replace(r"\(.*?\)", "", regex=True).str.split(";")
    frame = people[["case_id", "report_month"]].assign(person=names).explode("person")
    frame["person"] = frame["person"].astype(str).str.split(",").str[0]
    frame["person"] = parse_unique(frame["person"].astype(str), normalise_text)
    frame = frame[frame["person"].ne("")]
    return (frame.groupby(["case_id", "person"], as_index=False)["report_month"].min()
            .rename(columns={"report_month": "named"}))


def counts_by_unit(incidents: pd.DataFrame, counts: pd.DataFrame, last: str | None = None,
                   events: pd.DataFrame | None = None) -> pd.DataFrame:
    """`counts` (monthly counts) with a `unit_of_count`, and the incident logs counted in three more units.

    - `reports`: every row of `counts`, as they are;
    - `new_cases`: cases in the ledger first mentioned in the month;
    - `active_cases`: cases mentioned in the month or open in it (see `case_months`);
    - `persons`: the people the month's active cases concern, as named by then (`persons_named`).
    Each by category (the case's first category), by group and overall, as the logs' own counts.
    """
    out = [counts.assign(unit_of_count="reports")]
    events = case_events(incidents) if events is None else events
    if events.empty:
        return out[0]
    cats = taxonomy.categories().set_index("code")
    _, events = _numbered(events)  # only counts are made: the case_ids need not be texts
    first = events.drop_duplicates("case_id").set_index("case_id")["category"]
    months = case_months(events, last)
    months = months.assign(category=months["case_id"].map(first))
    months = months.assign(group=months["category"].map(cats["group"]))
    people = months.merge(persons_named(events), on="case_id")
    people = people[people["named"] <= people["month"]]
    out += [_unit_counts(months[months["new"]], "case_id", "new_cases"),
            _unit_counts(months, "case_id", "active_cases"),
            _unit_counts(people, "person", "persons")]
    frame = pd.concat(out, ignore_index=True)
    frame = frame.assign(**{c: frame[c].fillna("") for c in counts.columns if c not in COUNT_COLUMNS},
                         count=frame["count"].astype("int64"))
    if isinstance(counts["category"].dtype, pd.CategoricalDtype):
        frame = frame.assign(category=taxonomy.categorical(frame["category"].astype(str)),
                             group=taxonomy.categorical(frame["group"].astype(str), kind="group"))
    return frame


def _unit_counts(rows: pd.DataFrame, key: str, unit: str) -> pd.DataFrame:
    """Distinct `key`s by month and category, by month and group, and by month overall."""
    summed = rows[rows["category"].isin(taxonomy.in_group_total_codes())]
    frame = pd.concat([
        rows.groupby(["month", "group", "category"])[key].nunique().rename("count").reset_index(),
        summed.groupby(["month", "group"])[key].nunique().rename("count").reset_index().assign(category=TOTAL),
        summed.groupby("month")[key].nunique().rename("count").reset_index().assign(group=ALL_GROUPS,
                                                                                   category=TOTAL),
    ], ignore_index=True)
    fixed = {"unit": "count", "source": "incident_log", "source_url": "", "parent": "", "label_as_written": "",
             "note": f"{unit.replace('_', ' ')} in the case ledger of the incident logs", "unit_of_count": unit}
    return pd.DataFrame({c: fixed[c] if c in fixed else frame[c] for c in COUNT_COLUMNS + ["unit_of_count"]},
                        index=frame.index)  # in one step: the frame has a few rows, the columns cost


# --- amounts -----------------------------------------------------------------------------------------

AMOUNT_KINDS = ("claimed", "awarded", "fine", "amount")  # what an amount is (`amount_is`), in this order


def amounts_by_kind(incidents: pd.DataFrame, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The amounts in tenge named from `start` to `end` (months, inclusive), by category and kind:
    columns category, kind (`AMOUNT_KINDS`), amount_kzt (the sum) and cases.

    Each case counts once for each kind of amount: its latest amount of that kind in the period (a
    claim restated or raised is not added again; a claim and its award are two kinds), under the
    category of the mention that names it, as the ledger keeps them. An amount named with an
    incident outside the ledger is a case of its own, of kind `amount`."""
    months = incidents["report_month"].astype(str)
    chosen = incidents[(months >= (start or "")) & (months <= (end or "9999-99"))]
    events = case_events(chosen)
    named = events.loc[events["amount_kzt"].notna(), ["case_id", "category", "amount_is", "amount_kzt"]]
    outside = chosen[chosen["amount_kzt"].notna() & ~_text(chosen, "case_id").isin(set(events["case_id"]))]
    named = pd.concat([named.rename(columns={"amount_is": "kind"}),
                       pd.DataFrame({"case_id": _text(outside, "case_id"), "category": outside["category"].astype(str),
                                     "kind": "amount", "amount_kzt": outside["amount_kzt"]})], ignore_index=True)
    latest = named.drop_duplicates(["case_id", "kind"], keep="last")  # events come in the order the case moved
    table = latest.groupby(["category", "kind"], sort=False).agg(amount_kzt=("amount_kzt", "sum"),
                                                                 cases=("case_id", "nunique")).reset_index()
    order = {code: i for i, code in enumerate(taxonomy.category_codes())}
    table = table.assign(_c=table["category"].map(order), _k=table["kind"].map(AMOUNT_KINDS.index))
    return (table.sort_values(["_c", "_k"])[["category", "kind", "amount_kzt", "cases"]].reset_index(drop=True)
            .astype({"amount_kzt": "int64", "cases": "int64"}))


# --- the monthly summary ---------------------------------------------------------------------------

def false_information_lines(incidents: pd.DataFrame, month: str, lang: str) -> list[str]:
    """The review's lines on false-information cases: open at the end of `month` (with how many of
    them the month does not mention, and the oldest last mention among those; and how many are no
    longer counted as open for want of news), new, ended and how. In a month without an incident log
    (no row of `incidents` reported in it), new and ended are not known, and said so, not zero."""
    events = case_events(incidents)
    codes = false_information_codes()
    chosen = events[events["case_id"].isin(set(events.loc[events["category"].isin(codes), "case_id"]))]
    chosen = chosen[chosen["report_month"] <= month]
    months = case_months(chosen, month)
    now = months[months["month"] == month] if len(months) else months
    still_open = int(now["open"].sum()) if len(now) else 0
    new = int(now["new"].sum()) if len(now) else 0
    ended = now[now["ended"]] if len(now) else now
    name = month_label(month, lang)
    limit = number(CASE_OPEN_WITHOUT_NEWS_MONTHS, lang)
    open_line = t("cases_summary_open", lang, month=name, n=number(still_open, lang),
                  cases=plural("legal_cases", still_open, lang), months=limit)
    quiet = set(now.loc[now["open"] & ~now["mentioned"], "case_id"]) if len(now) else set()
    if quiet:  # open on the strength of an earlier mention: say how long ago the oldest news is
        open_line += t("cases_summary_open_quiet", lang, n=number(len(quiet), lang),
                       since=month_label(_earliest_last_mention(chosen, quiet), lang))
    ever = case_months(chosen, month, without_news=None)
    no_news = set(ever.loc[ever["open"] & ever["month"].eq(month), "case_id"]) - set(now.loc[now["open"], "case_id"]) \
        if len(ever) else set()
    if no_news:  # left at a stage before the end, and not mentioned for longer than the limit
        open_line += t("cases_summary_no_news", lang, n=number(len(no_news), lang), months=limit,
                       since=month_label(_earliest_last_mention(chosen, no_news), lang))
    if month not in set(incidents["report_month"].astype(str)):  # what the month's log would have said is not known
        return [f"- {line}" for line in (open_line, t("cases_summary_new_unknown", lang, month=name),
                                         t("cases_summary_ended_unknown", lang, month=name))]
    lines = [open_line, t("cases_summary_new", lang, n=number(new, lang), cases=plural("legal_cases", new, lang))]
    if len(ended):
        how = ended["outcome"].value_counts()
        listed = ", ".join(f"{_ending_label(code, lang)}: {number(n, lang)}" for code, n in how.items())
        lines.append(t("cases_summary_ended", lang, n=number(len(ended), lang),
                       cases=plural("legal_cases", len(ended), lang), how=listed))
    else:
        lines.append(t("cases_summary_none_ended", lang))
    return [f"- {line}" for line in lines]


def logs_read_line(incidents: pd.DataFrame, month: str, lang: str) -> str:
    """How many of the CASE_OPEN_WITHOUT_NEWS_MONTHS months to `month` (the months the open cases rest
    on) have an incident log, and which: the lines on cases are only as complete as those logs."""
    span = [str(p) for p in pd.period_range(end=month, periods=CASE_OPEN_WITHOUT_NEWS_MONTHS, freq="M")]
    logged = set(incidents["report_month"].astype(str))
    read = [m for m in span if m in logged]
    which = f" ({', '.join(month_label(m, lang) for m in read)})" if read and len(read) < len(span) else ""
    return "- " + t("cases_summary_logs", lang, n=number(len(read), lang), months=number(len(span), lang),
                    first=month_label(span[0], lang), month=month_label(month, lang), which=which)


def _earliest_last_mention(events: pd.DataFrame, case_ids: set[str]) -> str:
    """The oldest of the last months in which each of `case_ids` is mentioned."""
    return events[events["case_id"].isin(case_ids)].groupby("case_id")["report_month"].max().min()


def _ending_label(code: str, lang: str) -> str:
    label = stage_label(code, lang) if code in STAGES else outcome_label(code, lang)
    return label[:1].lower() + label[1:]


# --- for the notebook ------------------------------------------------------------------------------

def by_article_and_stage(cases: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The number of cases by article and stage reached (every stage a column, in order); with
    `lang`, the stages and the heading named in that language, for readers."""
    table = cases.assign(article=cases["article"].replace("", "-")).pivot_table(
        index="article", columns="stage", values="case_id", aggfunc="count", fill_value=0)
    table = table.reindex(columns=[*STAGES, UNKNOWN], fill_value=0).rename_axis(columns=None)
    if lang is None:
        return table
    return table.rename(columns=lambda code: stage_label(code, lang)).rename_axis(t("cases_article", lang))
