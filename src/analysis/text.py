"""Text shared by every matcher (one canonical form for labels and places, a typing slip), by every
writer of Markdown (data as literal text), and by the figures and pages that lay text out (the
words a line must not break between)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                         "–": "-", "—": "-", "‑": "-", "\u00a0": " ", "ё": "е"})
_SPACES = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~<&])")


# Latin letters that look like Cyrillic ones (after casefolding): typed by mistake inside a Russian
# or Kazakh word, most often the Latin "i" for the Kazakh "і".
_LOOKALIKES = str.maketrans({"a": "а", "c": "с", "e": "е", "i": "і", "k": "к", "o": "о", "p": "р", "x": "х",
                             "y": "у"})
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")


def _one_script(word: re.Match) -> str:
    """A word that mixes Cyrillic letters with Latin lookalikes, in Cyrillic letters alone."""
    text = word[0]
    if _CYRILLIC.search(text) and _LATIN.search(text):
        return text.translate(_LOOKALIKES)
    return text


def normalise_text(value: str) -> str:
    """Casefold, unify quotes, dashes and ё, collapse white space, and write a Cyrillic word typed
    with Latin lookalikes ("нөмiрі") in Cyrillic: the form rules are written for."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", str(value)).casefold().translate(_QUOTES)).strip()
    if _LATIN.search(text) and _CYRILLIC.search(text):  # both scripts: a word may mix them
        return _WORD.sub(_one_script, text)
    return text


SLIP_LETTERS = 2  # a typing slip changes at most this many letters: "Угрза", "thraet", "Категоря"
SLIP_ALIKE = 0.8  # and leaves the text this alike (difflib's ratio) to what was meant: "ip" is no slip of "id"


def slip_of(text: str, meant: Iterable[str]) -> str | None:
    """The one of `meant` that `text` is a typing slip of: the most alike of those at most two letters
    away (left out, added, changed or swapped), else None. "давление на журналиста" is no slip of
    "нападение на журналиста": alike as wholes, but another word."""
    best, best_alike = None, 0.0
    for candidate in meant:
        if abs(len(candidate) - len(text)) > SLIP_LETTERS:  # cheap: a longer change is no slip
            continue
        matcher = difflib.SequenceMatcher(None, text, candidate, autojunk=False)
        alike = matcher.ratio()
        if alike < SLIP_ALIKE or (best is not None and alike <= best_alike):
            continue
        changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
        if changed <= SLIP_LETTERS:
            best, best_alike = candidate, alike
    return best


# a dash or a separator; a number, or an article's number with its ending ("ноябрь 2024", "ст. 274",
# "274-бап,", "BY 4.0")
KEPT_WITH_PREVIOUS = re.compile(r"[–—·-]|\d[\d.,]*(-\w+)*\W*")
KEPT_WITH_NEXT = re.compile(r"CC|\w+:")  # the licence's "CC BY"; a label and what it names ("Licence: CC")
YEAR_MARK = "ж."  # Kazakh writes the year first, marked, before its month: "2024 ж. қараша"


def unbreakable(paragraph: str) -> list[str]:
    """The paragraph's words, with those a line must not break between joined by a space: a dash or
    a "·" stays at the end of its line, a number with the word before it (a month and its year, an
    article and its number, the licence's version), a year written first with its mark and month
    ("2024 ж. қараша"), "CC" with "BY", a label ending in a colon with the word after it
    ("Licence: CC BY 4.0")."""
    words: list[str] = []
    glue = False
    given = paragraph.split()
    for i, word in enumerate(given):
        year_first = given[i + 1:i + 2] == [YEAR_MARK]
        if words and (glue or (KEPT_WITH_PREVIOUS.fullmatch(word) and not year_first)):
            words[-1] += " " + word
        else:
            words.append(word)
        glue = bool(KEPT_WITH_NEXT.fullmatch(word)) or year_first or word == YEAR_MARK
    return words


_YEAR_FIRST = re.compile(rf"(\d{{4}}) {re.escape(YEAR_MARK)} (?=\S)")  # "2024 ж. қараша"
_BEFORE_YEAR = re.compile(r"(?<=[^\W\d_]) (?=\d{4}(?!\w))")  # a word and a year: "ноябрь 2024", "in 2023"
_NUMBER_AND_WORD = re.compile(r"(?<=\d) (?=[^\W\d_])")  # "10 сообщений", "— 2 случая", "3 ай"
_BEFORE_DASH = re.compile(r" (?=[–—] )")  # a dash stays at the end of its line: "угроза — 2"
_LICENCE = re.compile(r"CC BY (?=\d)")  # "CC BY 4.0"
_RANGE = re.compile(r"(?<=\d)–(?=\d)")  # "1,1–2,6", "2023–2024": a browser may break after the dash
# an article ("456-2", "456-2-бабы") or years ("2009-2010") joined by a hyphen, a browser may break
# after too; not a date or month ("2024-11-03", "2024-11") nor a file name ("2014-02.csv")
_HYPHENATED = re.compile(r"(?<![\w.-])(?:\d{1,3}-(?=\d{1,2}(?!\d|-\d))|\d{4}-(?=\d{4}(?!\d|-\d)))")
# what a reader does not see as text: a style sheet, a script or code to copy, whole; any other tag
_NOT_TEXT = re.compile(r"<(style|script|pre)\b.*?</\1>|<[^>]*>", re.DOTALL | re.IGNORECASE)


def _nonbreaking_text(text: str) -> str:
    text = _YEAR_FIRST.sub(f"\\1\u00a0{YEAR_MARK}\u00a0", text)
    for rule in (_BEFORE_YEAR, _NUMBER_AND_WORD, _BEFORE_DASH):
        text = rule.sub("\u00a0", text)
    text = _RANGE.sub("–\u2060", text)  # a word joiner: no break after the dash
    text = _HYPHENATED.sub(lambda hyphen: hyphen.group() + "\u2060", text)
    return _LICENCE.sub("CC\u00a0BY\u00a0", text)


def nonbreaking(html: str) -> str:
    """A page with a no-break space wherever `unbreakable` keeps words together in a figure and a
    browser would break a line: a year written first with its mark and month ("2024 ж. қараша"), a
    word and the year after it ("ноябрь 2024"), a number and the word after it ("2 случая"), a dash
    and the word before it, the licence ("CC BY 4.0"); and a range of numbers ("1,1–2,6"), an
    article ("456-2") or years ("2009-2010") are kept whole by a word joiner after the dash or hyphen.
    Only the text a reader sees: tags and their attributes, style sheets, scripts and code to copy
    (`pre`) are left as they are."""
    pieces, at = [], 0
    for kept in _NOT_TEXT.finditer(html):
        pieces += [_nonbreaking_text(html[at:kept.start()]), kept.group()]
        at = kept.end()
    return "".join(pieces) + _nonbreaking_text(html[at:])


def markdown_literal(text: str) -> str:
    """Data as literal Markdown text: no markup, no HTML, no link of its own."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))
