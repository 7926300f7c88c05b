"""The variants of every published figure: light and dark, and the sizes editors use.

A variant is a theme (`light`, `dark`) at a size (`default`, `social`, `square`, `newsletter`,
`print`). The figure is drawn once per layout, in the light theme (newsletter is the default
layout at 640 px; print has a layout of its own unless the print column is the default width);
the dark one is the same drawing re-coloured from `domain/theme.csv`, which gives each role
(background, text, grid, the "no data" shading, the hatching of a month stated in part, ...) its
light and dark colour. Category colours keep their identity in the dark: only a colour too dark to
read on the dark background (below 3:1, the contrast WCAG asks of graphics) is lightened, its hue
and colourfulness kept (CAM02-UCS). A heat map's colour scale runs the other way in the dark (deep
for the least, pale for the most), so that in both themes the most stand out.

Files (the `files` map of a figure's JSON lists every file written):

    <name>.<lang>.{png,svg,pdf}            default, light
    <name>.dark.<lang>.{png,svg}           default, dark
    <name>.<size>.<lang>.png               social, square, newsletter, light
    <name>.<size>.dark.<lang>.png          social, square, newsletter, dark
    <name>.print.<lang>.pdf                print column width, fonts embedded
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

import numpy as np
from matplotlib.collections import Collection, QuadMesh
from matplotlib.colors import Colormap, ListedColormap, to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from .config import PRINT_COLUMN_CM
from .domain_data import read_domain
from .errors import ParameterError


@dataclass(frozen=True)
class Size:
    """How a figure is laid out and saved at one size.

    `width` is the canvas width in inches the layout starts from; `pixels` the PNG's width and, for
    a fixed frame, its height. A figure whose content needs more height than the frame gives at
    that width (a heat map of 30 categories) is laid out on a larger canvas of the same shape and
    saved at the same pixels: nothing is cut, the text is smaller (a heat map in a frame wider than
    tall lays its rows out one line high to need less: `plots.heatmap`).
    """

    name: str
    width: float | None  # inches; None: the figure's own width
    pixels: tuple[int, int | None] | None  # (width, height or None for the figure's own shape); None: no PNG
    formats: tuple[str, ...]  # light formats; the dark variant is written as PNG (and SVG at the default size)
    dark: bool  # whether the size has a dark variant

    def figsize(self, natural: tuple[float, float]) -> tuple[float, float]:
        """The canvas in inches for a figure that is `natural` inches at the default size."""
        if self.width is None:
            return natural
        if self.pixels is None or self.pixels[1] is None:
            return self.width, natural[1]
        shape = self.pixels[1] / self.pixels[0]
        width = max(self.width, natural[1] / shape)
        return width, width * shape

    def shares_layout(self, natural: tuple[float, float]) -> bool:
        """Whether the figure at this size is laid out as at the default size: one drawing serves both."""
        return bool(np.allclose(self.figsize(natural), natural, atol=0.01))

    def dpi(self, fig: Figure) -> float | None:
        """The dpi that gives exactly `pixels` wide (None: the style's 300 dpi). Agg truncates the
        canvas to whole pixels, hence the half pixel."""
        if self.pixels is None:
            return None
        return (self.pixels[0] + 0.5) / fig.get_figwidth()


SIZES = {size.name: size for size in (
    Size("default", None, None, ("png", "svg", "pdf"), True),
    Size("social", 6.0, (1200, 675), ("png",), True),  # a link preview or post: 16:9
    Size("square", 4.5, (1080, 1080), ("png",), True),  # a square post
    Size("newsletter", None, (640, None), ("png",), True),  # an e-mail: the default figure, 640 px wide
    Size("print", PRINT_COLUMN_CM / 2.54, None, ("pdf",), False),
)}
VARIANTS = ("default", "dark", "social", "square", "newsletter", "print")  # what --variants accepts
FILE_DPI = 300  # the style's savefig.dpi (publication.mplstyle): the default PNG is drawn at it
PHONE = "square"  # the size a page offers a phone's narrow screen, when its text reads larger there


def reads_larger(size: str, default_pixels: tuple[int, int]) -> bool:
    """Whether the figure at `size`, shown as wide as its default figure, shows its text a tenth
    larger or more: it is laid out on a canvas that much narrower. Not so for a figure about as tall
    as its frame is wide (a heat map of 30 categories, 20 regions), whose frame then scales it down.
    `default_pixels`: the default PNG's (width, height)."""
    natural = (default_pixels[0] / FILE_DPI, default_pixels[1] / FILE_DPI)
    return SIZES[size].figsize(natural)[0] <= natural[0] / 1.1


def parse_variants(text: str | list[str] | tuple[str, ...], name: str = "--variants") -> list[str]:
    """The variants asked for, in the order of VARIANTS, `default` always among them (the review
    draft and the notebook's HTML copy show it). Unknown names: one ParameterError naming them and
    `name`, the option or parameter they were given as."""
    names = [part.strip() for part in (text.split(",") if isinstance(text, str) else text) if part.strip()]
    unknown = [given for given in names if given not in VARIANTS]
    if not names or unknown:
        raise ParameterError(f"{name}: unknown variant {', '.join(unknown) or repr(text)}; expected a "
                             f"comma-separated list of {', '.join(VARIANTS)}")
    return [v for v in VARIANTS if v in names or v == "default"]


def plan(variants: list[str]) -> list[tuple[Size, bool]]:
    """(size, with its dark variant) for each size to draw."""
    chosen = parse_variants(variants)
    dark = "dark" in chosen
    return [(SIZES[name], dark and SIZES[name].dark) for name in ("default", "social", "square", "newsletter",
                                                                     "print") if name in chosen]


def file_name(name: str, lang: str, size: str, theme: str, fmt: str) -> str:
    parts = [name] + ([size] if size != "default" else []) + (["dark"] if theme == "dark" else []) + [lang, fmt]
    return ".".join(parts)


def variant_of(name: str, lang: str, file: str) -> tuple[str, bool, str] | None:
    """(size, dark, format) of a file of figure `name` in `lang` named by `file_name`, else None."""
    parts = file.split(".")
    if parts[0] != name or len(parts) < 3 or parts[-2] != lang:
        return None
    middle, fmt = parts[1:-2], parts[-1]
    dark = middle[-1:] == ["dark"]
    size = (middle[:-1] if dark else middle) or ["default"]
    if len(size) != 1 or size[0] not in SIZES or fmt not in ("png", "svg", "pdf"):
        return None
    return size[0], dark, fmt


def file_key(size: str, theme: str, fmt: str) -> str:
    """The key of a file in a figure's JSON `files`: `default.png`, `dark.svg`, `social.dark.png`, `print.pdf`."""
    if size == "default":
        return f"{'dark' if theme == 'dark' else 'default'}.{fmt}"
    return ".".join([size] + (["dark"] if theme == "dark" else []) + [fmt])


# --- the size a figure is being drawn at --------------------------------------------------------------

_SIZE: ContextVar[Size] = ContextVar("figure_size", default=SIZES["default"])


@contextmanager
def drawing_at(size: Size) -> Iterator[None]:
    """Figures drawn inside are laid out at `size` (plots asks `current_size`)."""
    token = _SIZE.set(size)
    try:
        yield
    finally:
        _SIZE.reset(token)


def current_size() -> Size:
    return _SIZE.get()


# --- the themes ---------------------------------------------------------------------------------------

@cache
def theme() -> dict[str, tuple[str, str]]:
    """role -> (light, dark) colour, from domain/theme.csv."""
    table = read_domain("theme.csv")
    return {role: (light, dark) for role, light, dark in zip(table["role"], table["light"], table["dark"])}


def role(name: str) -> str:
    """A role's colour in the light theme, in which every figure is drawn."""
    return theme()[name][0]


def _luminance(rgb: np.ndarray) -> float:
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = (_luminance(np.array(to_rgba(c)[:3])) for c in (first, second))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


MIN_CONTRAST = 3.0  # WCAG 2.1, 1.4.11: graphical objects against the background


@cache
def on_dark(colour: str) -> str:
    """A category colour as drawn on the dark background: itself, or lightened until it reaches
    MIN_CONTRAST, with its hue and colourfulness (CAM02-UCS a', b') kept."""
    from colorspacious import cspace_convert

    background = theme()["background"][1]
    if contrast(colour, background) >= MIN_CONTRAST:
        return to_hex(colour).upper()
    jab = cspace_convert(np.array(to_rgba(colour)[:3]), "sRGB1", "CAM02-UCS")
    while True:
        jab[0] += 1.0
        candidate = to_hex(np.clip(cspace_convert(jab, "CAM02-UCS", "sRGB1"), 0, 1)).upper()
        if contrast(candidate, background) >= MIN_CONTRAST or jab[0] >= 100:
            return candidate


@cache
def _dark_roles() -> dict[str, str]:
    return {to_hex(light).upper(): dark for light, dark in theme().values()}


TEXT_ROLES = ("text", "muted", "break")  # a text in any other colour (a heat map's numbers: see below) is not mapped


def _dark(colour, roles: dict[str, str]):
    """A colour (any matplotlib form) in the dark theme: its role's dark colour, or the category
    colour as drawn on the dark background. A tint (a colour partly transparent: `plots.tint`) is
    pale on the light background, where the white shows through it; on the dark one it is made as
    pale, opaque, with the theme's text colour in place of the white: seen through, the dark
    background would sink it into the shading of the months without data."""
    if colour is None or (isinstance(colour, str) and colour == "none"):
        return colour
    rgba = to_rgba(colour)
    if rgba[3] == 0:
        return colour
    key = to_hex(rgba[:3]).upper()
    new = np.array(to_rgba(roles.get(key) or on_dark(key)))
    if rgba[3] < 1:
        new[:3] = rgba[3] * new[:3] + (1 - rgba[3]) * np.array(to_rgba(theme()["text"][1])[:3])
        new[3] = 1.0
    return tuple(float(x) for x in new)


def to_dark(fig: Figure) -> Figure:
    """Re-colour a figure drawn in the light theme into the dark theme, in place."""
    roles = _dark_roles()
    texts = {to_hex(theme()[r][0]).upper(): theme()[r][1] for r in TEXT_ROLES}
    for artist in set(fig.findobj()):  # each once: a colour is mapped from the light theme only
        if isinstance(artist, Text):
            key = to_hex(to_rgba(artist.get_color())[:3]).upper()
            if key in texts:
                artist.set_color(texts[key])
        elif isinstance(artist, Line2D):
            artist.set_color(_dark(artist.get_color(), roles))
            artist.set_markerfacecolor(_dark(artist.get_markerfacecolor(), roles))
            artist.set_markeredgecolor(_dark(artist.get_markeredgecolor(), roles))
        elif isinstance(artist, Patch):
            hatch = artist.get_hatchcolor() if artist.get_hatch() else None
            artist.set_facecolor(_dark(artist.get_facecolor(), roles))
            artist.set_edgecolor(_dark(artist.get_edgecolor(), roles))
            if hatch is not None:
                artist.set_hatchcolor(_dark(hatch, roles))
        elif isinstance(artist, Collection):
            if artist.get_array() is None:
                artist.set_facecolor([_dark(c, roles) for c in artist.get_facecolor()])
            else:  # a heat map: its colour scale turned round, so that the most is still what stands out
                artist.set_cmap(dark_scale(artist.get_cmap()))
                if isinstance(artist, QuadMesh):
                    _recolour_cell_numbers(artist)
            artist.set_edgecolor([_dark(c, roles) for c in artist.get_edgecolor()])
    return fig


PALEST = 0.15  # where the dark scale ends on the light one: the most stays short of white


def dark_scale(light: Colormap) -> Colormap:
    """A light theme's sequential scale (pale for the least, deep for the most: the least fades into
    the white background) for the dark background: the same colours run the other way, deep for the
    least and pale for the most, so that the most stand out there too. It starts at the deepest
    colour of the light scale that still stands out from the dark background by MIN_CONTRAST, so
    that a cell of the least is not taken for an empty one, and ends at PALEST."""
    background = theme()["background"][1]
    deepest = next(x for x in np.linspace(1, PALEST, 86)
                   if contrast(to_hex(light(x)), background) >= MIN_CONTRAST)
    return ListedColormap(light(np.linspace(deepest, PALEST, 256)), name=f"{light.name}_dark")


CELL_TEXT = ("#262626", "#FFFFFF")  # a heat map's numbers: dark on a pale cell, white on a deep one


def _recolour_cell_numbers(mesh: QuadMesh) -> None:
    """The numbers written in a heat map's cells (at their centres), each in whichever of dark and
    white stands out more from its cell in the dark scale."""
    mesh.update_scalarmappable()
    rows, columns = mesh.get_array().shape
    cells = mesh.get_facecolors().reshape(rows, columns, 4)
    for text in mesh.axes.texts:
        x, y = text.get_position()
        if to_hex(text.get_color()).upper() in CELL_TEXT and 0 <= x < columns and 0 <= y < rows:
            cell = to_hex(cells[int(y), int(x)])
            text.set_color(max(CELL_TEXT, key=lambda colour: contrast(colour, cell)))
