"""The two kinds of bad input a person can give, each reported as one line, never a traceback."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A whole input file cannot be used; the message says what is wrong and what was expected."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class ParameterError(ValueError):
    """A parameter a person typed is not usable; the message says what was expected."""
