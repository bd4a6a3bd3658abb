"""Drawing primitives in top-left page coordinates, over a ReportLab canvas.

Input: shapes and text placed with ``(x, y)`` measured from the page's top-left corner, in
points. Output: PDF drawing operations. :meth:`Surface._y` is the one place where the y axis
is flipped to ReportLab's bottom-left origin.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import FILL_EVEN_ODD, Canvas

from bulletin.pdf.fonts import Span, text_spans, text_width
from bulletin.data.sources import Reference
from bulletin.pdf.structure import Node, StructureRecorder
from bulletin.textflow import TextLayout

GROUPING_ROLES = ("Document", "Sect", "Table", "TR")
_color = lru_cache(maxsize=256)(HexColor)  # "#RRGGBB" -> colour, parsed once


@lru_cache(maxsize=256)
def _rgb(color: str) -> str:
    """The operator setting ``color`` ("#RRGGBB") as the fill colour."""
    value = HexColor(color)
    return f"{fp_str(value.red, value.green, value.blue)} rg"


class Surface:
    """A page of the PDF being drawn, addressed from its top-left corner.

    Every drawing operation lands in marked content: text inside an open element (P, H2…) gets
    its own MCID; the whole drawing of a figure is one marked sequence; everything else (bands,
    rules, panels, page furniture) is marked as an artifact (ISO 14289-1 §7.1).
    """

    def __init__(self, canvas: Canvas, page_height: float, structure: StructureRecorder | None = None,
                 destinations: Mapping[str, int] | None = None) -> None:
        self.canvas = canvas
        self.page_height = page_height
        self.structure = structure or StructureRecorder()
        self.destinations = destinations or {}  # named destination -> page number, for the sommaire
        self.reference: Reference | None = None  # the source and date this page's sources line states
        self._direct = 0  # > 0 inside an artifact or a figure: draw without wrapping

    def _emit(self, operator: str) -> None:
        self.canvas._code.append(operator)  # marked-content operators have no ReportLab API

    @contextlib.contextmanager
    def _wrapped(self, text: bool) -> Iterator[None]:
        """Wrap one drawing operation in marked content, as the current context requires."""
        role = self.structure.current.role
        if self._direct:
            yield
        elif text and role not in GROUPING_ROLES:
            self._emit(f"/{role} <</MCID {self.structure.mark()}>> BDC")
            yield
            self._emit("EMC")
        else:
            self._emit("/Artifact BMC")
            yield
            self._emit("EMC")

    @contextlib.contextmanager
    def element(self, role: str, alt: str = "", scope: str = "", bbox: tuple[float, float, float, float] | None = None,
                grouping: bool = False) -> Iterator[Node]:
        """A structure element (P, H2, Link, Figure, TD…) whose drawing is one marked-content sequence.

        Elements that only group others (Sect, Table, TR, or ``grouping``) hold no content of their own.
        """
        node = self.structure.open(role, alt, bbox, scope)
        sequence = role not in GROUPING_ROLES and not grouping and not self._direct
        if sequence:
            self._emit(f"/{role} <</MCID {self.structure.mark()}>> BDC")
            self._direct += 1
        try:
            yield node
        finally:
            if sequence:
                self._direct -= 1
                self._emit("EMC")
            self.structure.close(node)

    def figure(self, alt: str, x: float, y: float, width: float, height: float):  # type: ignore[no-untyped-def]
        """A Figure element with its text alternative and its box."""
        return self.element("Figure", alt, bbox=(x, self._y(y + height), x + width, self._y(y)))

    def heading_role(self, level: int) -> str:
        """H2 for a layout level-1 heading, H3 for level 2 — never skipping a level in the section."""
        return f"H{min(level + 1, self.structure.heading_depth + 1)}"

    @contextlib.contextmanager
    def artifact(self, pagination: bool = False) -> Iterator[None]:
        """Page furniture: not part of the document's reading (headers, footers, watermark…)."""
        self._emit("/Artifact <</Type /Pagination>> BDC" if pagination else "/Artifact BMC")
        self._direct += 1
        try:
            yield
        finally:
            self._direct -= 1
            self._emit("EMC")

    def _y(self, y: float) -> float:
        """Flip a top-left y into ReportLab's bottom-left y (the only flip)."""
        return self.page_height - y

    def rect(self, x: float, y: float, width: float, height: float, fill: str | None = None,
             stroke: str | None = None, line_width: float = 0.5) -> None:
        """A rectangle whose top-left corner is (x, y)."""
        self._paint(fill, stroke, line_width)
        with self._wrapped(text=False):
            self.canvas.rect(x, self._y(y + height), width, height, stroke=int(bool(stroke)), fill=int(bool(fill)))

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, line_width: float = 0.5,
             dash: tuple[float, float] | None = None) -> None:
        """A straight segment, optionally dashed."""
        self._paint(None, color, line_width)
        self.canvas.setDash(*(dash or ()))
        with self._wrapped(text=False):
            self.canvas.line(x1, self._y(y1), x2, self._y(y2))
        self.canvas.setDash()

    def polyline(self, points: list[tuple[float, float]], color: str, line_width: float = 1.5) -> None:
        """Connected segments through ``points``, with round joins."""
        path = self.canvas.beginPath()
        path.moveTo(points[0][0], self._y(points[0][1]))
        for x, y in points[1:]:
            path.lineTo(x, self._y(y))
        self._paint(None, color, line_width)
        self.canvas.setLineJoin(1)
        with self._wrapped(text=False):
            self.canvas.drawPath(path, stroke=1, fill=0)

    def circle(self, x: float, y: float, radius: float, fill: str, stroke: str | None = None) -> None:
        """A disc centred on (x, y)."""
        self._paint(fill, stroke, 1)
        with self._wrapped(text=False):
            self.canvas.circle(x, self._y(y), radius, stroke=int(bool(stroke)), fill=1)

    def ring_segment(self, x: float, y: float, outer: float, inner: float, start: float, extent: float,
                     fill: str) -> None:
        """A donut slice centred on (x, y); angles in degrees, clockwise from 12 o'clock."""
        cy = self._y(y)
        begin = 90 - start  # PDF angles run counter-clockwise from 3 o'clock
        path = self.canvas.beginPath()
        path.arc(x - outer, cy - outer, x + outer, cy + outer, begin, -extent)
        path.arcTo(x - inner, cy - inner, x + inner, cy + inner, begin - extent, extent)
        path.close()
        self._paint(fill, "#FFFFFF", 0.8)
        with self._wrapped(text=False):
            self.canvas.drawPath(path, stroke=1, fill=1)

    def text(self, x: float, baseline: float, text: str, font: str, size: float, color: str,
             align: str = "left") -> float:
        """Draw one line of literal text; return its width.

        Ordinal endings (« er » of « 1er ») are set smaller and raised; the characters stay in order,
        so the text extracts and reads as « 1er ».
        """
        width = text_width(text, font, size)
        start = {"left": x, "center": x - width / 2, "right": x - width}[align]
        with self._wrapped(text=True):
            self._show(start, baseline, [(span, color) for span in text_spans(text, font, size)])
        return width

    def _show(self, x: float, baseline: float, spans: Sequence[tuple[Span, str]]) -> None:
        """The spans as one text object from (x, baseline): each span is one string shown where the one
        before ends (its glyphs' advance widths are the widths every measure uses); font, size, colour
        and rise are set only where they change.

        Each span stays its own string, as when every word was a text object of its own: viewers place
        the start of each string on their pixel grid, so joining them would move glyphs by a fraction
        of a pixel and the pages would no longer render exactly as before. The operators are written
        with ReportLab's interface for TrueType subsets (``splitString``, ``getSubsetInternalName``),
        without its text object, which measured every string again to track a cursor nothing reads.
        """
        if not spans:
            return
        doc = self.canvas._doc
        code = [f"BT 1 0 0 1 {fp_str(x, self._y(baseline))} Tm"]
        font: tuple[str, int, float] | None = None
        color, rise = "", 0.0
        for (text, name, size, span_rise), span_color in spans:
            if span_color != color:
                code.append(_rgb(span_color))
                color = span_color
            if span_rise != rise:
                code.append(f"{fp_str(span_rise)} Ts")
                rise = span_rise
            face = pdfmetrics.getFont(name)
            for subset, chunk in face.splitString(text, doc):
                if (name, subset, size) != font:
                    code.append(f"{face.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf")
                    font = (name, subset, size)
                code.append(f"({escapePDF(chunk)}) Tj")
        if rise:
            code.append("0 Ts")  # the rise is graphics state: it would outlive the text object
        code.append("ET")
        self._emit(" ".join(code))

    def link(self, x: float, y: float, width: float, height: float, url: str) -> None:
        """A clickable area (no border) over the given box; ``url`` must be validated before."""
        self.canvas.linkURL(url, (x, self._y(y + height), x + width, self._y(y)), relative=0, thickness=0)
        self.structure.annotation(f"Lien vers {url.removeprefix('mailto:')}")

    def image(self, path: Path, x: float, y: float, width: float, height: float) -> None:
        """A PNG or JPEG file drawn in the box whose top-left corner is (x, y), keeping its proportions.

        Read through an ImageReader, the image is named in the PDF after its content, not its path: a
        rebuild from the archived copy gives the same bytes.
        """
        self.canvas.drawImage(ImageReader(str(path)), x, self._y(y + height), width=width, height=height,
                              preserveAspectRatio=True, anchor="nw", mask="auto")

    def goto(self, x: float, y: float, width: float, height: float, destination: str, description: str) -> None:
        """A clickable area (no border) leading to a named destination of the document (a section's title)."""
        self.canvas.linkAbsolute("", destination, (x, self._y(y + height), x + width, self._y(y)), thickness=0)
        self.structure.annotation(description)

    def text_layout(self, layout: TextLayout, x: float, y: float, width: float, align: str = "left",
                    role: str | None = None) -> None:
        """Draw broken lines with their top at ``y``; fragments with a link become clickable.

        With ``role`` (P, H2…), each paragraph becomes one structure element of that role; without, the
        whole text is one marked-content sequence of the current element.
        """
        top, paragraph = y, contextlib.ExitStack()
        if not role and layout.lines:
            paragraph.enter_context(self._wrapped(text=True))
        for index, line in enumerate(layout.lines):
            if index and line.paragraph_start:
                top += layout.paragraph_gap
            if role and (line.paragraph_start or index == 0):  # a part split from a page before opens one too
                paragraph.close()
                paragraph.enter_context(self.element(role))
            size = line.words[0][0].style.size
            baseline = top + (layout.leading - size) / 2 + 0.8 * size
            start = {"left": x, "center": x + (width - line.width) / 2, "right": x + width - line.width}[align]
            last = index + 1 == len(layout.lines) or layout.lines[index + 1].paragraph_start
            self._line_words(line.words, start, baseline, top, layout.leading, last)
            top += layout.leading
        paragraph.close()

    def _line_words(self, words: tuple, x: float, baseline: float, top: float, leading: float,
                    last_line: bool = True) -> None:
        """Draw a line's words as one text object; the spaces are drawn as text too, so extracted and
        spoken text has them."""
        spans: list[tuple[Span, str]] = []
        last = len(words) - 1
        for index, word in enumerate(words):
            for position, fragment in enumerate(word):
                style = fragment.style
                text = self._spaced(fragment.text, index, position, not last_line and index == last and
                                    position == len(word) - 1)
                spans.extend([(span, style.color) for span in text_spans(text, style.font, style.size)])
        self._show(x, baseline, spans)
        if any(fragment.link for word in words for fragment in word):
            self._line_links(words, x, top, leading)

    @staticmethod
    def _spaced(text: str, index: int, position: int, trailing: bool) -> str:
        """A fragment as drawn: a space before a word's first fragment (but the line's), one after the last
        fragment of a line that is not a paragraph's last."""
        return (" " if index and not position else "") + text + (" " if trailing else "")

    def _line_links(self, words: tuple, x: float, top: float, leading: float) -> None:
        """The clickable areas of a line's linked fragments (one per run of the same link)."""
        links: list[tuple[str, float, float]] = []  # (url, x0, x1)
        for index, word in enumerate(words):
            for position, fragment in enumerate(word):
                style = fragment.style
                space = text_width(" ", style.font, style.size) if index and not position else 0.0
                width = space + text_width(fragment.text, style.font, style.size)
                if fragment.link:
                    links.append((fragment.link, x + space, x + width))
                x += width
        for url, begin, end in merge_spans(links):
            self.link(begin, top, end - begin, leading, url)

    def _paint(self, fill: str | None, stroke: str | None, line_width: float) -> None:
        if fill:
            self.canvas.setFillColor(_color(fill))
        if stroke:
            self.canvas.setStrokeColor(_color(stroke))
        self.canvas.setLineWidth(line_width)

    def shape(self, rings: Sequence[Sequence[tuple[float, float]]], fill: str, stroke: str | None = None,
              line_width: float = 0.3) -> None:
        """A filled area bounded by closed rings (a map's territory); even-odd fill, so inner rings are holes."""
        path = self.canvas.beginPath()
        for ring in rings:  # a tenth of a point is invisible in print, and keeps the PDF small
            path.moveTo(round(ring[0][0], 1), round(self._y(ring[0][1]), 1))
            for x, y in ring[1:]:
                path.lineTo(round(x, 1), round(self._y(y), 1))
            path.close()
        self._paint(fill, stroke, line_width)
        self.canvas.setLineJoin(1)
        with self._wrapped(text=False):
            self.canvas.drawPath(path, stroke=int(bool(stroke)), fill=int(bool(fill)), fillMode=FILL_EVEN_ODD)


def merge_spans(spans: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Join consecutive spans of the same link, so a linked line gets one annotation."""
    merged: list[tuple[str, float, float]] = []
    for url, start, end in spans:
        if merged and merged[-1][0] == url:
            merged[-1] = (url, merged[-1][1], end)
        else:
            merged.append((url, start, end))
    return merged
