"""Line breaking of rich text, measured with the real font metrics.

Input: paragraphs of :class:`Fragment` (text with a font, size, colour, optional link).
Output: a :class:`TextLayout` whose lines fit a width, or say by how much they do not.
Lines break only at ASCII spaces and newlines: U+202F and U+00A0 (inside numbers, before
« % » and « € », inside dates) never break, which ReportLab's Paragraph does not guarantee.
Text is drawn as literal strings, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bulletin.pdf.fonts import text_width


@dataclass(frozen=True)
class TextStyle:
    """Font name, size in points and ``#RRGGBB`` colour of a run of text."""

    font: str
    size: float
    color: str


@dataclass(frozen=True)
class Fragment:
    """A run of text in one style; ``link`` makes it clickable."""

    text: str
    style: TextStyle
    link: str | None = None


Word = tuple[Fragment, ...]


@dataclass(frozen=True)
class Line:
    """One line: its words and its width in points."""

    words: tuple[Word, ...]
    width: float
    paragraph_start: bool


@dataclass(frozen=True)
class TextLayout:
    """Lines broken for a width; ``overflow`` is how many points the widest word exceeds it."""

    lines: tuple[Line, ...]
    leading: float
    paragraph_gap: float
    overflow: float

    @property
    def height(self) -> float:
        """Height of the text block in points."""
        starts = sum(1 for line in self.lines[1:] if line.paragraph_start)
        return len(self.lines) * self.leading + starts * self.paragraph_gap

    @property
    def width(self) -> float:
        """Width of the widest line."""
        return max((line.width for line in self.lines), default=0.0)


def word_width(word: Word) -> float:
    """Width of a word made of fragments."""
    return sum(text_width(f.text, f.style.font, f.style.size) for f in word)


def split_words(paragraph: list[Fragment]) -> list[Word]:
    """Cut a paragraph into words at ASCII spaces; fragments glued without space stay one word."""
    words: list[list[Fragment]] = [[]]
    for fragment in paragraph:
        parts = fragment.text.split(" ")
        for index, part in enumerate(parts):
            if index > 0:
                words.append([])
            if part:
                words[-1].append(Fragment(part, fragment.style, fragment.link))
    return [tuple(w) for w in words if w]


def split_paragraphs(fragments: Sequence[Fragment]) -> list[list[Fragment]]:
    """Cut fragments at newlines: each ``\\n`` starts a new paragraph."""
    paragraphs: list[list[Fragment]] = [[]]
    for fragment in fragments:
        for index, part in enumerate(fragment.text.split("\n")):
            if index > 0:
                paragraphs.append([])
            if part:
                paragraphs[-1].append(Fragment(part, fragment.style, fragment.link))
    return [p for p in paragraphs if p]


def layout_text(fragments: list[Fragment], width: float, leading: float, paragraph_gap: float = 0.0) -> TextLayout:
    """Break ``fragments`` into lines of at most ``width`` points (greedy, left-aligned).

    A text is laid out once: blocks measure their text to be placed, then draw it in the same width, and
    the composer measures a block again for each place it tries; the layout, immutable, is kept
    (memoised on the fragments and the width) and shared by all of them.
    """
    return _layout(tuple(fragments), width, leading, paragraph_gap)


@lru_cache(maxsize=2048)
def _layout(fragments: tuple[Fragment, ...], width: float, leading: float, paragraph_gap: float) -> TextLayout:
    return break_lines(fragments, width, leading, paragraph_gap)


def break_lines(fragments: tuple[Fragment, ...], width: float, leading: float, paragraph_gap: float) -> TextLayout:
    """The work of :func:`layout_text`, every time it is called."""
    lines: list[Line] = []
    overflow = 0.0
    for paragraph in split_paragraphs(fragments):
        paragraph_lines, excess = _break_paragraph(split_words(paragraph), width)
        lines.extend(paragraph_lines)
        overflow = max(overflow, excess)
    return TextLayout(tuple(lines), leading, paragraph_gap, overflow)


def _break_paragraph(words: list[Word], width: float) -> tuple[list[Line], float]:
    lines: list[Line] = []
    current: list[Word] = []
    current_width, overflow = 0.0, 0.0
    for word in words:
        size = word_width(word)
        space = text_width(" ", word[0].style.font, word[0].style.size) if current else 0.0
        if current and current_width + space + size > width + 0.01:
            lines.append(Line(tuple(current), current_width, not lines))
            current, current_width, space = [], 0.0, 0.0
        current.append(word)
        current_width += space + size
        overflow = max(overflow, size - width)
    if current:
        lines.append(Line(tuple(current), current_width, not lines))
    return _without_widow(lines, width), overflow


def _without_widow(lines: list[Line], width: float) -> list[Line]:
    """Pull the last word of the line before down beside a one-word last line, when it fits and
    leaves a word on that line: a paragraph never ends on a lone word it could avoid (« (PVD). »)."""
    if len(lines) < 2 or len(lines[-1].words) != 1 or len(lines[-2].words) < 2:
        return lines
    before, last = lines[-2], lines[-1]
    moved, widow = before.words[-1], last.words[0]
    new_width = word_width(moved) + text_width(" ", widow[0].style.font, widow[0].style.size) + word_width(widow)
    if new_width > width + 0.01:
        return lines
    shortened = before.words[:-1]
    return lines[:-2] + [Line(shortened, _line_width(shortened), before.paragraph_start),
                         Line((moved, widow), new_width, False)]


def _line_width(words: tuple[Word, ...]) -> float:
    """Width of words set on one line, separated by spaces."""
    spaces = sum(text_width(" ", word[0].style.font, word[0].style.size) for word in words[1:])
    return sum(word_width(word) for word in words) + spaces
