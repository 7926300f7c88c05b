"""Text normalisation shared by every matcher: one canonical form for labels and places."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                         "–": "-", "—": "-", "‑": "-", "\u00a0": " ", "ё": "е"})
_SPACES = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """Casefold, unify quotes, dashes and ё, collapse white space: the form rules are written for."""
    text = unicodedata.normalize("NFC", str(value)).casefold().translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()
