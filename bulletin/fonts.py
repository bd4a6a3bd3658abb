"""Register the theme's TrueType fonts with ReportLab, once per process.

Input: a :class:`~bulletin.theme.Theme`. Output: its fonts registered under their file stems,
so every text of the PDF (charts included) uses an embedded TTF subset, never a standard-14 font.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from bulletin.errors import LayoutError, Problem, Where, os_reason
from bulletin.files import check_input_file
from bulletin.theme import MIN_FONT_SIZE, Theme
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


_FALLBACK: dict[str, str] = {}  # font name -> font drawing the characters it lacks


def register_fonts(theme: Theme) -> None:
    """Register every font file of ``theme`` and its fallbacks (a file is read once per process)."""
    for path in theme.font_files.values():
        _register(path)
    for style, fallback in (("regular", "fallback"), ("italic", "fallback"), ("bold", "fallback_bold")):
        if fallback in theme.font_files:
            _FALLBACK[theme.font(style)] = theme.font(fallback)


@cache
def _covered(font: str) -> frozenset[int]:
    """Code points that ``font`` has a glyph for."""
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """Split ``text`` into (segment, font) runs: characters ``font`` lacks go to its fallback.

    Noto Sans 2020 has no U+2212 MINUS SIGN, which French typography requires for negatives.
    """
    fallback = _FALLBACK.get(font)
    if fallback is None or all(ord(c) in _covered(font) for c in text):
        return [(text, font)]
    pieces: list[tuple[str, str]] = []
    for char in text:
        use = font if ord(char) in _covered(font) or ord(char) not in _covered(fallback) else fallback
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
