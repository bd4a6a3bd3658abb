"""Register the theme's TrueType fonts with ReportLab, once per process.

Input: a :class:`~bulletin.theme.Theme`. Output: its fonts registered under their file stems,
so every text of the PDF (charts included) uses an embedded TTF subset, never a standard-14 font.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from bulletin.errors import LayoutError, Problem, Where
from bulletin.theme import Theme


@cache
def _register(path: Path) -> str:
    try:
        pdfmetrics.registerFont(TTFont(path.stem, str(path)))
    except (TTFError, OSError) as exc:
        raise LayoutError(Problem(Where(path), f"cannot use this font: {exc}",
                                  "give a TrueType (.ttf) file that allows embedding")) from None
    return path.stem


def register_fonts(theme: Theme) -> None:
    """Register every font file of ``theme`` (cached: a file is read once per process)."""
    for path in theme.font_files.values():
        _register(path)


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` set in registered ``font`` at ``size``."""
    return pdfmetrics.stringWidth(text, font, size)
