"""Text shared by every matcher (one canonical form for labels and places) and by every writer of
Markdown (data as literal text)."""

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
    def alike(candidate: str) -> float:
        return difflib.SequenceMatcher(None, text, candidate, autojunk=False).ratio()

    def letters_changed(candidate: str) -> int:
        opcodes = difflib.SequenceMatcher(None, text, candidate, autojunk=False).get_opcodes()
        return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal")

    near = [c for c in meant if abs(len(c) - len(text)) <= SLIP_LETTERS  # cheap: a longer change is no slip
            and alike(c) >= SLIP_ALIKE and letters_changed(c) <= SLIP_LETTERS]
    return max(near, key=alike, default=None)


def markdown_literal(text: str) -> str:
    """Data as literal Markdown text: no markup, no HTML, no link of its own."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))
