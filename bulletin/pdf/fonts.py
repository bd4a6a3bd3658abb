"""Register the theme's TrueType fonts with ReportLab, once per process.

Input: a :class:`~bulletin.theme.Theme`. Output: its fonts registered under their file stems,
so every text of the PDF (charts included) uses an embedded TTF subset, never a standard-14 font;
a fallback font is registered only when a character needs it. Also: text widths (memoised) and the
runs a text is drawn as (:func:`text_spans`).
"""

from __future__ import annotations

import struct
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from bulletin.errors import LayoutError, Problem, Where, os_reason
from bulletin.files import check_input_file
from bulletin.theme import MIN_FONT_SIZE, OPTIONAL_FONT_STYLES, Theme
from bulletin.typography import split_ordinals

#: An ordinal's ending (« er » of « 1er ») is set at 70 % of the size and raised by 27 % of it
#: (see :func:`superscript_rise` for when it is raised less).
SUPERSCRIPT_SCALE = 0.7
SUPERSCRIPT_RISE = 0.27
_LOW_MARKS = frozenset(".,…_-‐–—")  # punctuation whose ink stays near the baseline


@cache
def _register(path: Path) -> str:
    check_input_file(path, "font", LayoutError)
    try:
        font = TTFont(path.stem, str(path))
    except (TTFError, OSError) as exc:
        raise LayoutError(Problem(Where(path), f"police inutilisable : {font_reason(exc)}",
                                  "donnez un fichier TrueType (.ttf) qui permet l’incorporation")) from None
    except Exception:  # noqa: BLE001 - a truncated or damaged file breaks the TTF reader in many ways
        raise LayoutError(_damaged(path)) from None
    if not _tables_complete(font):
        raise LayoutError(_damaged(path))
    pdfmetrics.registerFont(font)
    return path.stem


def _tables_complete(font: TTFont) -> bool:
    """Every table the font's directory lists lies inside the file (a truncated file fails later, at subsetting)."""
    size = len(font.face._ttf_data)
    return all(entry["offset"] + entry["length"] <= size for entry in font.face.table.values())


def _damaged(path: Path) -> Problem:
    return Problem(Where(path), "fichier de police endommagé ou incomplet (tronqué ?)",
                   "recopiez le fichier .ttf d’origine")


def _directory_complete(path: Path) -> bool:
    """The file starts with a TrueType table directory whose tables all lie inside it: what a truncated
    file fails, checked without parsing the font (its glyph tables are read when it is registered)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
            if len(header) < 12 or header[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return False
            count = struct.unpack(">H", header[4:6])[0]
            directory = handle.read(16 * count)
    except OSError:
        return False
    size = path.stat().st_size
    return len(directory) == 16 * count and all(
        offset + length <= size for offset, length in struct.iter_unpack(">8xLL", directory))


_FALLBACK: dict[str, Path] = {}  # font name -> file of the font drawing the characters it lacks


def register_fonts(theme: Theme) -> None:
    """Register the theme's fonts (a file is read once per process); a fallback font is only checked
    here, and registered the first time a character needs it: most editions never do, and parsing it
    would cost every build (DejaVu Sans holds 6 000 glyphs)."""
    for style, path in theme.font_files.items():
        if style not in OPTIONAL_FONT_STYLES:
            _register(path)
            continue
        check_input_file(path, "font", LayoutError)
        if not _directory_complete(path):
            raise LayoutError(_damaged(path))
    for style, fallback in (("regular", "fallback"), ("italic", "fallback"), ("bold", "fallback_bold")):
        if fallback in theme.font_files:
            _FALLBACK[theme.font(style)] = theme.font_files[fallback]


@cache
def _covered(font: str) -> frozenset[str]:
    """Characters that ``font`` has a glyph for."""
    return frozenset(map(chr, pdfmetrics.getFont(font).face.charToGlyph))


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """Split ``text`` into (segment, font) runs: characters ``font`` lacks go to its fallback.

    Noto Sans 2020 has no U+2212 MINUS SIGN, which French typography requires for negatives.
    """
    fallback_file = _FALLBACK.get(font)
    if fallback_file is None or _covered(font).issuperset(text):
        return [(text, font)]
    fallback = _register(fallback_file)
    pieces: list[tuple[str, str]] = []
    for char in text:
        use = font if char in _covered(font) or char not in _covered(fallback) else fallback
        if pieces and pieces[-1][1] == use:
            pieces[-1] = (pieces[-1][0] + char, use)
        else:
            pieces.append((char, use))
    return pieces


def superscript_size(size: float) -> float:
    """The size of a superscript beside text of ``size``: 70 %, but never under the 6 pt minimum."""
    return max(size * SUPERSCRIPT_SCALE, min(size, MIN_FONT_SIZE))


@lru_cache(maxsize=65536)
def plain_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` drawn as it is, in one size (fallback font included, no superscripts)."""
    return sum(float(pdfmetrics.stringWidth(segment, name, size)) for segment, name in runs(text, font))


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` set in registered ``font`` (and its fallback) at ``size``, ordinal
    endings as superscripts (memoised: blocks are measured for placement and again for drawing)."""
    return sum(plain_width(piece, font, superscript_size(size) if raised else size)
               for piece, raised in split_ordinals(text))


#: A run of text drawn in one font, size and rise: (text, registered font name, size, rise in points).
Span = tuple[str, str, float, float]


@lru_cache(maxsize=8192)
def text_spans(text: str, font: str, size: float) -> tuple[Span, ...]:
    """How ``text`` is drawn: runs in one font, size and rise, ordinal endings smaller and raised (see
    :func:`superscript_rise`), characters ``font`` lacks in its fallback. Their widths add up to
    :func:`text_width`."""
    pieces = split_ordinals(text)
    spans: list[Span] = []
    for index, (piece, raised) in enumerate(pieces):
        piece_size = superscript_size(size) if raised else size
        rise = superscript_rise(pieces[index - 1][0], piece, pieces[index + 1][0] if index + 1 < len(pieces) else "",
                                font, size) if raised else 0.0
        spans.extend((segment, name, piece_size, rise) for segment, name in runs(piece, font))
    return tuple(spans)


def superscript_rise(before: str, ending: str, after: str, font: str, size: float) -> float:
    """How far to raise an ordinal ending, in points: 27 % of the size, or less where a text reader
    would otherwise take the raised letters for a new line.

    pdfium (Chrome's PDF viewer, and the tests' text extraction) starts a new line when a text
    object's baseline moves by more than half the wider of the two neighbouring characters (upward)
    or three quarters of it (downward), unless the previous object has several characters and the
    two objects' ink overlaps in height. So the rise is capped by those widths when the piece before
    is a lone digit (« 1 » opening a line), when the ending is one letter (« 2e »), or when a low mark
    (« . », « , ») follows: « 1er » reads « 1er », not « 1\r\ner », when copied or searched.
    """
    raised = superscript_size(size)
    rise = SUPERSCRIPT_RISE * size
    if len(before) == 1:
        rise = min(rise, 0.5 * max(plain_width(before, font, size), plain_width(ending[0], font, raised)) - 0.05)
    if len(ending) == 1 or after[:1] in _LOW_MARKS and after:
        nearest = plain_width(after[:1] or " ", font, size)
        rise = min(rise, 0.75 * max(plain_width(ending[-1], font, raised), nearest) - 0.05)
    return rise


def font_reason(exc: Exception) -> str:
    """Why ReportLab refused a font file, in French."""
    text = str(exc).lower()
    if isinstance(exc, OSError):
        return os_reason(exc)
    if "postscript outlines" in text:
        return "contours PostScript (.otf CFF) : seules les polices TrueType sont prises en charge"
    if "embedding" in text:
        return "la licence de la police interdit son incorporation dans un PDF"
    return "ce n’est pas une police TrueType lisible"
