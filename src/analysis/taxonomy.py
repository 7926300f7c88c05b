"""The foundation's categories as data, and the rules that map a label as written to a category."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from .config import ALL_GROUPS, LANGUAGES
from .domain_data import DomainError, alternatives, read_domain
from .errors import ParameterError, expect_language
from .text import normalise_text, slip_of

NEST_SEPARATOR = " > "


@dataclass(frozen=True)
class Rule:
    """One label rule: `pattern` must match, `also` too where given, `unless` must not."""

    category: str
    group: str
    pattern: re.Pattern[str]
    also: re.Pattern[str] | None
    unless: re.Pattern[str] | None

    def matches(self, text: str) -> bool:
        return bool(self.pattern.search(text)
                    and (self.also is None or self.also.search(text))
                    and (self.unless is None or not self.unless.search(text)))


@cache
def _all_groups() -> pd.DataFrame:
    frame = read_domain("groups.csv")
    return frame.assign(order=frame["order"].astype(int)).sort_values("order").reset_index(drop=True)


@cache
def groups() -> pd.DataFrame:
    """The three groups in display order, with labels in English, Russian and Kazakh."""
    frame = _all_groups()
    return frame[frame["kind"] == "current"].reset_index(drop=True)


@cache
def legacy_groups() -> pd.DataFrame:
    """The older monitoring's headings (2009-2010) that mean something else than the three groups.

    Their figures are kept under their own group code and never enter a trend of the three groups.
    """
    frame = _all_groups()
    return frame[frame["kind"] == "legacy"].reset_index(drop=True)


@cache
def categories() -> pd.DataFrame:
    """Every category in display order, with its group, parent, legal article and labels."""
    frame = read_domain("categories.csv")
    return (frame.assign(order=frame["order"].astype(int),
                         false_information=frame["false_information"].eq("true"),
                         in_group_total=frame["in_group_total"].eq("true"))
            .sort_values("order").reset_index(drop=True))


def group_codes() -> list[str]:
    return groups()["code"].tolist()


def legacy_group_codes() -> list[str]:
    return legacy_groups()["code"].tolist()


def category_codes() -> list[str]:
    return categories()["code"].tolist()


@cache
def in_group_total_codes(inside: bool = True) -> frozenset[str]:
    """The category codes the reviews count inside their group's total (`inside`), or those they
    state beside it (court rulings, sums of money, laws: `inside=False`). A code the taxonomy does
    not have (TOTAL, other_unspecified) is in neither."""
    cats = categories()
    return frozenset(cats.loc[cats["in_group_total"] == inside, "code"])


def category_group(code: str) -> str:
    return _category_groups()[code]


@cache
def _category_groups() -> dict[str, str]:
    cats = categories()
    return dict(zip(cats["code"], cats["group"]))


def expect_categories(codes: list[str], name: str, also: str = "") -> list[str]:
    """Category codes the taxonomy has, or one ParameterError naming those it does not (and the
    code nearest to each, where one is near: a typing slip)."""
    known = set(category_codes())
    unknown = [code for code in codes if code not in known]
    if not codes or unknown:
        named = ", ".join(map(str, unknown)) or repr(codes)
        near = [f"{code} -> {nearest}" for code in unknown if (nearest := slip_of(str(code), sorted(known)))]
        hint = f" (did you mean: {', '.join(near)}?)" if near else ""
        raise ParameterError(f"{name}: unknown category code(s) {named}{hint}; expected {also}codes from "
                             "src/analysis/domain/categories.csv such as refusal_of_information, threat")
    return codes


def category_label(code: str, lang: str = "en") -> str:
    """A category's (or group's, or 'total' / 'other_unspecified') label in one language; a KeyError
    for a code the taxonomy does not have."""
    expect_language(lang)
    return _labels()[code][lang]


@cache
def _labels() -> dict[str, dict[str, str]]:
    """Each code's labels by language: the categories', then the groups' and the aggregates'."""
    labels: dict[str, dict[str, str]] = {}
    for frame in (aggregates().reset_index(), _all_groups(), categories()):  # a category's label first
        for row in frame.to_dict("records"):
            labels[row["code"]] = {lang: row[f"label_{lang}"] for lang in LANGUAGES}
    return labels


@cache
def aggregates() -> pd.DataFrame:
    """The rows that sum up others (`total`, `other_unspecified`), by code, from domain/aggregates.csv."""
    return read_domain("aggregates.csv").set_index("code")


def is_total_label(labels: pd.Series) -> pd.Series:
    """Which labels as written name a total (TOTAL, Всего, барлығы, in any letter case)."""
    words = aggregates().loc["total", "written_as"].split("|")
    return labels.str.casefold().isin(words)


@cache
def _statement_words(role: str) -> str:
    return alternatives("statement_words.csv", "role", role)


@cache
def subset_words() -> re.Pattern[str]:
    """A figure's opening that says it counts part of the figure before it ("of which", "из них",
    "including"), from domain/statement_words.csv; `search` it in a normalised label."""
    return re.compile("^(?:" + _statement_words("subset") + ")")


@cache
def part_words() -> re.Pattern[str]:
    """Words anywhere in a figure's label that make it a figure of part of a category (one day,
    one medium, one kind of claimant) or of an outcome beside it, from domain/statement_words.csv."""
    return re.compile("(?:" + _statement_words("part") + ")")


@cache
def _measure_words() -> tuple[re.Pattern[str], ...]:
    words = read_domain("statement_words.csv")
    return tuple(re.compile(pattern) for pattern in words.loc[words["role"] == "measure", "pattern"])


def measure_words(label: str) -> frozenset[int]:
    """Which `measure` rows of domain/statement_words.csv a figure's label names: two statements of one
    category measure the same thing only where these are the same ("pre-trial complaints" are fewer
    than "pre-trial claims and suits")."""
    text = normalise_text(label)
    return frozenset(i for i, pattern in enumerate(_measure_words()) if pattern.search(text))


def within(code: str, ancestor: str) -> bool:
    """Whether category `code` is `ancestor` or lies inside it (categories.csv's `parent`, followed up)."""
    while code:
        if code == ancestor:
            return True
        code = parent_of(code)
    return False


def parent_of(code: str) -> str:
    """The category `code` lies inside in categories.csv; "" for a top-level category."""
    return _parents().get(code, "")


@cache
def _parents() -> dict[str, str]:
    return dict(zip(categories()["code"], categories()["parent"].fillna("")))


@cache
def legal_type_words() -> re.Pattern[str]:
    """A claim type's words in three languages (civil, уголовн, әкімшілік, ...), from legal_words.csv."""
    return re.compile("(" + alternatives("legal_words.csv", "role", "legal_type") + ")")


def group_short_label(code: str, lang: str = "en") -> str:
    """A group's short name (rights of journalists / права журналистов / ...)."""
    return _all_groups().set_index("code").loc[code, f"short_{lang}"]


@cache
def _category_index() -> pd.DataFrame:
    return categories().set_index("code")


_WORD_START = r"(?<!\w)"


def _compile(pattern: str, where: str) -> re.Pattern[str] | None:
    r"""A rule's pattern, anchored so that it matches only at the start of a word; `where` names
    the table, line and column it was read from, for the message of a pattern that is not valid.

    `\w` is Unicode-aware: Kazakh letters (ә ғ қ ң ө ұ ү һ і) are word letters, so a stem never
    matches inside a longer Kazakh or Russian word. The end stays open for case endings.
    """
    if not pattern:
        return None
    try:
        return re.compile(f"{_WORD_START}(?:{pattern})")
    except re.error as exc:
        raise DomainError(f"{where}: {pattern!r} is not a valid regular expression: {exc}") from None


@cache
def label_rules() -> tuple[Rule, ...]:
    """The label rules in priority order (first match wins), each tied to its category's group."""
    frame = read_domain("label_rules.csv")
    unknown = sorted(set(frame["category"]) - set(category_codes()))
    if unknown:
        raise DomainError(f"label_rules.csv names unknown categories: {', '.join(unknown)}")
    return tuple(Rule(row.category, category_group(row.category),
                      *(_compile(getattr(row, column), f"label_rules.csv: line {line}: column {column}")
                        for column in ("pattern", "also", "unless")))
                 for line, row in enumerate(frame.itertuples(index=False), start=2))


@cache
def _group_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    frame = read_domain("group_rules.csv")
    return tuple((row.group, _compile(row.pattern, f"group_rules.csv: line {line}: column pattern"))
                 for line, row in enumerate(frame.itertuples(index=False), start=2))


@cache
def match_group(heading: str) -> str | None:
    """The group code a heading as written names (`all` for an overall total), or None.

    Older headings (2009-2010) name a legacy group (`legacy_group_codes()`), never one of the
    three present groups. A group's own label in any language names it.
    """
    text = normalise_text(heading)
    if text in group_codes() + legacy_group_codes() or text == ALL_GROUPS:
        return text
    table = _all_groups()
    own = {normalise_text(label): code for lang in LANGUAGES
           for code, label in zip(table["code"], table[f"label_{lang}"])}
    if text in own:
        return own[text]
    return next((code for code, pattern in _group_rules() if pattern.search(text)), None)


# --- legal articles -------------------------------------------------------------------------

_NUMBER = r"(?<![\w-])(?<!\d\.)(\d{1,3}(?:\s?-\s?\d{1,2})?)(?![\d])"
_LIST = r"(?:\s*(?:,|;|&|\bи\b|\band\b|\bжәне\b|\bor\b|\bили\b)\s*{number}(?!\s*-?\s*(?:{part})))*"


@dataclass(frozen=True)
class LegalGrammar:
    """Where a label names a legal article: the compiled forms and the code names."""

    forms: tuple[re.Pattern[str], ...]
    number: re.Pattern[str]
    part_before: re.Pattern[str]
    codes: tuple[tuple[str, re.Pattern[str]], ...]


@cache
def legal_articles() -> pd.DataFrame:
    """Each legal article the taxonomy knows (`family`, `article`) and the category it decides."""
    frame = read_domain("legal_articles.csv")
    unknown = sorted(set(frame["category"]) - set(category_codes()))
    if unknown:
        raise DomainError(f"legal_articles.csv names unknown categories: {', '.join(unknown)}")
    return frame


@cache
def legal_grammar() -> LegalGrammar:
    """The forms of an article reference, built from the words in domain/legal_words.csv.

    - the word for article before the number (`ст. 274`, `статьи 456-2`, `Article 274(2)`);
    - the number with the Kazakh word after it, glued by a hyphen (`274-бабының`, `456-2-бап`);
    - a code name next to the number (`УК 274`, `274 УК РК`, `274 of the Criminal Code`);
    - a sub-article number alone (`456-2`, `73-3`): its hyphen already makes it an article.
    A number after the word for part (`ч. 2`, `2-бөлігі`, `part 2`) is never an article.
    """
    words = read_domain("legal_words.csv")
    article, after, part, code = (alternatives("legal_words.csv", "role", r)
                                  for r in ("article", "article_after", "part", "code"))
    listed = _LIST.format(number=_NUMBER, part=part)
    forms = (
        rf"{_WORD_START}(?:{article})\s*{_NUMBER}(?:\s*\(\d+\))?{listed}",
        rf"{_NUMBER}\s*-?\s*(?:{after})",
        rf"{_WORD_START}(?:{code})\s*(?:{article})?\s*{_NUMBER}{listed}",
        rf"{_NUMBER}(?:\s*\(\d+\))?\s*(?:of\s+(?:the\s+)?)?(?:{code})(?!\w)",
        r"(?<![\w.-])(\d{1,3}-\d{1,2})(?![\w-])",
    )
    codes = tuple((family, re.compile(rf"{_WORD_START}(?:{'|'.join(f'(?:{p})' for p in names)})(?!\w)"))
                  for family, names in words[words["role"] == "code"].groupby("family")["pattern"])
    return LegalGrammar(tuple(re.compile(f) for f in forms), re.compile(_NUMBER),
                        re.compile(rf"{_WORD_START}(?:{part})\s*$"), codes)


def cited_articles(label: str) -> tuple[str, ...]:
    """The article numbers a label cites, in order (`ч. 2 ст. 274 УК РК` -> ('274',))."""
    return tuple(_article_numbers(normalise_text(label)))


def _article_numbers(text: str) -> dict[str, None]:
    grammar = legal_grammar()
    found: dict[str, None] = {}
    for form in grammar.forms:
        for m in form.finditer(text):
            for n in grammar.number.finditer(text, m.start(), m.end()):
                in_brackets = text[n.start() - 1:n.start()] == "(" and text[n.end():n.end() + 1] == ")"
                if not in_brackets and not grammar.part_before.search(text, 0, n.start()):
                    found[re.sub(r"\s", "", n.group(1))] = None
    return found


def article_categories(text: str) -> tuple[tuple[str, str], ...]:
    """(article, category) for each known article the normalised `text` cites, in order.

    The code named in the label (УК / КоАП / ҚК / ӘҚБтК / Criminal Code ...) picks among articles
    of the same number in different codes; an article the named code does not have decides
    nothing.
    """
    grammar = legal_grammar()
    families = {family for family, pattern in grammar.codes if pattern.search(text)}
    table = legal_articles()
    out = []
    for number in _article_numbers(text):
        rows = table[table["article"] == number]
        if families:
            rows = rows[rows["family"].isin(families)]
        out += [(number, category) for category in dict.fromkeys(rows["category"])]
    return tuple(out)


# --- label matching -------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    """What a label is coded as: `category`, or None with the `reason` it is not."""

    category: str | None
    reason: str | None = None


WHAT_TO_DO = ("write the category as the template's list does (`analysis template`), or add this wording to "
              "src/analysis/domain/label_rules.csv")
NO_RULE = f"no category rule matches this label: {WHAT_TO_DO}"


@cache
def _written_forms() -> dict[str, str]:
    """Each category's code and its label in every language, normalised -> how the template writes it:
    "refusal_of_information", "Отказ в предоставлении информации"."""
    table = categories()
    forms = {normalise_text(code): code for code in table["code"]}
    for lang in LANGUAGES:
        forms.update({normalise_text(label): label for label in table[f"label_{lang}"]})
    return forms


def nearest_category(text: str) -> str | None:
    """The category code or label (as the template writes it) that a label matching no rule is
    most like, when it is near enough to be a typing slip ("refusal_of_informaton"); else None."""
    forms = _written_forms()
    nearest = slip_of(normalise_text(text), forms)
    return forms[nearest] if nearest else None


def _matches(text: str, group: str | None) -> list[Rule]:
    return [r for r in label_rules() if (group is None or r.group == group) and r.matches(text)]


def _partial(text: str) -> list[Rule]:
    """Rules whose pattern matches but whose required context (`also`) is missing."""
    return [r for r in label_rules() if r.also is not None and r.pattern.search(text)
            and not r.also.search(text) and (r.unless is None or not r.unless.search(text))]


def _named(pairs: list[tuple[str, str]]) -> str:
    return " and ".join(f"{category} ({group})" for category, group in pairs)


def _decide(text: str, group: str | None) -> Classification | None:
    """The first rule's category among `group`'s rules (all for None); rejected across groups."""
    found = _matches(text, group)
    if not found:
        return None
    firsts: dict[str, str] = {}
    for rule in found:
        firsts.setdefault(rule.group, rule.category)
    if len(firsts) > 1:
        return Classification(None, "no category rule decides this label: it matches rules of "
                                    f"two groups, {_named([(c, g) for g, c in firsts.items()])}")
    return Classification(found[0].category)


def _by_article(text: str) -> Classification | None:
    cited = article_categories(text)
    categories_ = list(dict.fromkeys(category for _, category in cited))
    if not categories_:
        return None
    if len(categories_) > 1:
        named = " and ".join(f"{cat} (article {num})" for num, cat in dict.fromkeys(cited))
        return Classification(None, "no category rule decides this label: it cites articles "
                                    f"of two categories, {named}")
    return Classification(categories_[0])


@cache
def _own_labels() -> dict[str, str]:
    """Each category's label, as normalised text in every language -> its code."""
    table = categories()
    return {normalise_text(table.at[i, f"label_{lang}"]): table.at[i, "code"]
            for lang in LANGUAGES for i in table.index}


@cache
def classify(label: str, group: str | None = None) -> Classification:
    """The category a label as written names, or why it names none.

    A category code is accepted as it is, and so is a category's own label in any of the three
    languages (what the incident-log template's drop-down lists write) under its own group's
    heading or none. A cited legal article decides the category in any
    grammatical form (see `legal_grammar`). Otherwise the label rules decide: with `group`,
    that group's rules are tried first; a nested label `parent > item` is matched on the item
    alone, then on the whole label. A label that matches rules of two different groups, or only
    part of a rule, is not coded: the reason names the candidates.
    """
    text = normalise_text(label)
    if not text:
        return Classification(None, "empty; expected a category code or the label as written")
    if text in _category_index().index:
        return Classification(text)
    own = _own_labels().get(text)
    if own is not None and group in (None, ALL_GROUPS, category_group(own)):
        return Classification(own)
    texts = [text]
    if NEST_SEPARATOR.strip() in text:
        texts = [text.rsplit(">", 1)[1].strip(), text]
    for t in texts:
        if (decided := _by_article(t)) is not None:
            return decided
    scopes = [group, None] if group not in (None, ALL_GROUPS) else [None]
    for scope in scopes:
        for t in texts:
            if (decided := _decide(t, scope)) is not None:
                if scope is None and group in group_codes() and decided.category \
                        and category_group(decided.category) in group_codes() \
                        and category_group(decided.category) != group:
                    # under one present group's heading, a category of another is a guess
                    return Classification(None, "no category rule of the heading's group "
                                                f"{group} matches this label; it matches only "
                                                f"{_named([(decided.category, category_group(decided.category))])}")
                return decided
    partial = list(dict.fromkeys((r.category, r.group) for t in texts for r in _partial(t)))
    if partial:
        return Classification(None, "no category rule matches this label fully: it only partly "
                                    f"matches {_named(partial)} (the words those rules also ask for are "
                                    f"missing): {WHAT_TO_DO}")
    near = nearest_category(text)
    return Classification(None, NO_RULE + (f"; did you mean {near!r}?" if near else ""))


def match_category(label: str, group: str | None = None) -> str | None:
    """The category a label as written (any of the three languages) names, or None.

    None also when the label is ambiguous; `classify` says why.
    """
    return classify(label, group).category


def categorical(values: pd.Series, kind: str = "category") -> pd.Series:
    """Values as an ordered categorical in taxonomy order (`kind`: category or group)."""
    order = category_codes() if kind == "category" else group_codes()
    extra = [c for c in ("other_unspecified", "total") if kind == "category"]
    extra += legacy_group_codes() + [ALL_GROUPS] if kind == "group" else []
    return values.astype(pd.CategoricalDtype(order + extra, ordered=True))
