"""Text shared by every matcher (one canonical form for labels and places) and by every writer of
Markdown (data as literal text)."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                         "–": "-", "—": "-", "‑": "-", "\u00a0": " ", "ё": "е"})
_SPACES = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~<&])")


def normalise_text(value: str) -> str:
    """Casefold, unify quotes, dashes and ё, collapse white space: the form rules are written for."""
    text = unicodedata.normalize("NFC", str(value)).casefold().translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()


def markdown_literal(text: str) -> str:
    """Data as literal Markdown text: no markup, no HTML, no link of its own."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))
