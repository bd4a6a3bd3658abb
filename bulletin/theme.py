"""Theme spec: colours, fonts, sizes and spacing, read once from YAML.

Input: a theme YAML file (see ``layouts/themes/pvd.yaml``). Output: a frozen :class:`Theme`.
Colours are validated ``#RRGGBB`` values; nothing from the dataset ever chooses a colour or font.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from bulletin.errors import LayoutError, Problem, Where, closest, nearest, quoted, raise_if_errors
from bulletin.data.yamlspec import Located, load_yaml

MM = 72 / 25.4  # points per millimetre
MIN_FONT_SIZE = 6.0  # nothing printed smaller than 6 pt
PAGE_SIZES = {"A4": (210 * MM, 297 * MM)}
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
FONT_STYLES = ("regular", "bold", "italic")
OPTIONAL_FONT_STYLES = ("fallback", "fallback_bold")  # for characters the main font lacks
SIZE_NAMES = ("body", "lead", "small", "note", "heading_1", "heading_2", "section",
              "key_large", "key_medium", "chart", "chart_title", "footer")


@dataclass(frozen=True)
class PageGeometry:
    """Page size and margins, in points."""

    width: float
    height: float
    margin_left: float
    margin_right: float
    margin_top: float
    margin_bottom: float
    header_height: float
    footer_height: float


@dataclass(frozen=True)
class Theme:
    """Everything visual that is not page structure."""

    path: Path
    page: PageGeometry
    font_files: Mapping[str, Path]
    colors: Mapping[str, str]
    palette: tuple[str, ...]
    sizes: Mapping[str, float]
    block_gap: float
    column_gap: float
    leading: float

    def color(self, name: str, fallback: str | None = None) -> str:
        """The ``#RRGGBB`` of a colour name of the theme; of ``fallback`` (a required colour) when the theme
        does not define ``name`` (an optional colour such as ``grey``)."""
        return self.colors[name if fallback is None or name in self.colors else fallback]

    def font(self, style: str = "regular") -> str:
        """Name under which the font of ``style`` is registered (its file's stem)."""
        return _stem(self.font_files[style])


@lru_cache(maxsize=64)
def _stem(path: Path) -> str:
    """A font file's stem, worked out once (styles are looked up for every text drawn)."""
    return path.stem


def load_theme(path: Path, fonts_dir: Path | None = None) -> Theme:
    """Read and validate the theme at ``path``; ``fonts_dir`` overrides the theme's font folder."""
    data = load_yaml(path)
    if not isinstance(data, Located):
        raise LayoutError(Problem(Where(path), "un thème regroupe des réglages page, fonts, colors, sizes",
                                  "voyez layouts/themes/pvd.yaml"))
    problems: list[Problem] = []
    page = _page(path, _section(path, data, "page", problems), problems)
    fonts = _fonts(path, _section(path, data, "fonts", problems), fonts_dir, problems)
    colors = _colors(path, _section(path, data, "colors", problems), problems)
    palette = _palette(path, data, problems)
    for name in palette:
        if name not in colors:
            problems.append(Problem(Where(path, data.line_of("chart_palette")),
                                    f"chart_palette nomme une couleur inconnue : {quoted(name)}",
                                    nearest(name, colors, "définissez-la sous colors:")))
    sizes = _sizes(path, _section(path, data, "sizes", problems), problems)
    spacing = _section(path, data, "spacing", problems)
    gaps = [_number(path, spacing, name, default, problems, high) for name, default, high
            in (("block_gap", 4, 50), ("column_gap", 8, 50), ("leading", 1.3, 3))]
    raise_if_errors(problems, LayoutError)
    return Theme(path, page, MappingProxyType(fonts), MappingProxyType(colors), palette,
                 MappingProxyType(sizes), gaps[0] * MM, gaps[1] * MM, gaps[2])


def _palette(path: Path, data: Located, problems: list[Problem]) -> tuple[str, ...]:
    palette = data.get("chart_palette") or []
    if not isinstance(palette, list):
        problems.append(Problem(Where(path, data.line_of("chart_palette")), "chart_palette doit être une liste de "
                                "noms de couleurs", "écrivez par exemple chart_palette: [blue, coral]"))
        return ()
    return tuple(str(name) for name in palette)


def _section(path: Path, data: Located, name: str, problems: list[Problem]) -> Located:
    """The mapping ``name:`` of the theme (empty if absent; a problem if not a mapping)."""
    value = data.get(name)
    if value is None:
        return Located.empty(data.line)
    if not isinstance(value, Located):
        problems.append(Problem(Where(path, data.line_of(name)), f"« {name}: » doit être une liste de réglages "
                                "« nom: valeur »", "voyez layouts/themes/pvd.yaml"))
        return Located.empty(data.line_of(name))
    return value


def _number(path: Path, data: Located, name: str, default: float, problems: list[Problem],
            high: float) -> float:
    """A length or factor of the theme: a plain number between 0 and ``high``."""
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
        problems.append(Problem(Where(path, data.line_of(name)), f"{name} : {value!r} n’est pas un nombre "
                                f"entre 0 et {high:g}", "écrivez un nombre, par exemple 15 (millimètres)"))
        return float(default)
    return float(value)


def _page(path: Path, data: Located, problems: list[Problem]) -> PageGeometry:
    size = str(data.get("size", "A4"))
    if size not in PAGE_SIZES:
        problems.append(Problem(Where(path, data.line_of("size")), f"format de page inconnu {quoted(size)}",
                                "écrivez A4"))
        size = "A4"
    width, height = PAGE_SIZES[size]
    names = ("margin_left", "margin_right", "margin_top", "margin_bottom", "header_height", "footer_height")
    values = [_number(path, data, name, 12, problems, 100) * MM for name in names]
    if min(values[:4]) < 5 * MM:
        problems.append(Problem(Where(path, data.line), "les marges doivent faire au moins 5 mm",
                                "les imprimantes de bureau coupent moins que cela"))
    return PageGeometry(width, height, *values)


def _fonts(path: Path, data: Located, fonts_dir: Path | None, problems: list[Problem]) -> dict[str, Path]:
    """Font files by style: looked up in ``fonts_dir`` (or BULLETIN_FONTS_DIR), then the theme's folder."""
    env_dir = os.environ.get("BULLETIN_FONTS_DIR")
    folders = [f for f in (fonts_dir, Path(env_dir) if env_dir else None) if f]
    folders.append(path.parent / str(data.get("directory", ".")))
    files: dict[str, Path] = {}
    for style in FONT_STYLES + OPTIONAL_FONT_STYLES:
        name = data.get(style)
        if not name and style in OPTIONAL_FONT_STYLES:
            continue
        if not name:
            problems.append(Problem(Where(path, data.line), f"fonts : aucun fichier de police {quoted(style)}",
                                    "nommez un fichier .ttf"))
            continue
        found = [(folder / str(name)).resolve() for folder in folders if (folder / str(name)).is_file()]
        if not found:
            problems.append(Problem(Where(path, data.line_of(style)), f"fichier de police {name} introuvable dans "
                                    f"{', '.join(str(f) for f in folders)}",
                                    "placez-y le fichier TTF, ou indiquez son dossier avec --fonts-dir"))
            continue
        files[style] = found[0]
    return files


def _colors(path: Path, data: Located, problems: list[Problem]) -> dict[str, str]:
    colors: dict[str, str] = {}
    for name, value in data.items():
        if not HEX_COLOR.match(str(value)):
            problems.append(Problem(Where(path, data.line_of(name)), f"la couleur {quoted(name)} vaut {quoted(value)}",
                                    "écrivez les couleurs #RRGGBB"))
            continue
        colors[str(name)] = str(value).upper()
    # red is required too: the engine marks with it what is not real (draft watermark, « données
    # illustratives/fictives », target lines), whatever the layout
    for required in ("primary", "text", "muted", "panel", "rule", "blue", "red"):
        if required not in colors:
            problems.append(Problem(Where(path, data.line), f"couleur manquante : {quoted(required)}",
                                    "ajoutez-la sous colors:"))
    return colors


def _sizes(path: Path, data: Located, problems: list[Problem]) -> dict[str, float]:
    sizes: dict[str, float] = {}
    misspelt = _unknown_sizes(path, data, problems)
    for name in SIZE_NAMES:
        value = data.get(name)
        if name not in data and name in misspelt:
            continue  # reported once, as the misspelt name
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value <= 200:  # NaN too
            problems.append(Problem(Where(path, data.line_of(name)), f"sizes : {quoted(name)} manque ou n’est pas "
                                    "un nombre", "donnez une taille de police en points"))
            continue
        if value < MIN_FONT_SIZE:
            problems.append(Problem(Where(path, data.line_of(name)), f"la taille {quoted(name)} vaut {value} pt",
                                    f"rien ne peut être plus petit que {MIN_FONT_SIZE:g} pt"))
        sizes[name] = float(value)
    return sizes


def _unknown_sizes(path: Path, data: Located, problems: list[Problem]) -> set[str]:
    """Report the size names the theme does not know; return the known names they look like."""
    meant: set[str] = set()
    for key in data:
        if key not in SIZE_NAMES:
            hint = nearest(str(key), SIZE_NAMES, f"tailles possibles : {', '.join(SIZE_NAMES)}")
            problems.append(Problem(Where(path, data.line_of(key)), f"sizes : taille inconnue {quoted(key)}", hint))
            meant.add(closest(str(key), SIZE_NAMES) or "")
    return meant - {""}
