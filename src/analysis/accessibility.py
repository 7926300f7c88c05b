"""What lets every reader read a figure: its title and long description inside the SVG, its data
as a table beside the image, and the alt text on every image of the notebooks' HTML copies."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html import escape

import pandas as pd

SVG_ROOT = re.compile(r"<svg\b[^>]*>")


def label_svg(svg: str, ident: str, title: str, description: str) -> str:
    """The SVG with `<title>` and `<desc>` first inside its root, which says `role="img"` and
    `aria-labelledby` them: what screen readers announce for an image."""
    match = SVG_ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG document: no <svg> element")
    root = match.group(0)
    opened = root[:-1].rstrip("/").rstrip()
    labelled = (f'{opened} role="img" aria-labelledby="{ident}-title {ident}-desc">'
                f'\n <title id="{ident}-title">{escape(title, quote=False)}</title>'
                f'\n <desc id="{ident}-desc">{escape(description, quote=False)}</desc>')
    return svg[:match.start()] + labelled + svg[match.end():]


def data_table(frame: pd.DataFrame, summary: str) -> str:
    """The figure's data as an HTML table in a `<details>` element (closed until opened), every
    value escaped."""
    table = frame.to_html(index=False, na_rep="", escape=True, border=0, classes="figure-data")
    return f"<details><summary>{escape(summary)}</summary>\n{table}\n</details>"


@dataclass(frozen=True)
class FigureView:
    """A figure as a notebook shows it: the PNG, with its alt text and its data table in the
    output's metadata (the HTML copy for readers writes them beside the image)."""

    png: bytes
    alt: str
    table: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"alt": self.alt, "data_table": self.table}}
