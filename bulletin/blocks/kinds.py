"""Build stage: the block kinds of the layout, and the one registry that maps a YAML ``type:`` to them.

Input: a :class:`~bulletin.layout_spec.BlockSpec`, the edition and the theme (a
:class:`~bulletin.blocks.base.Context`). Output: objects following the block protocol of
:mod:`bulletin.geometry` (``measure(width)``, ``draw(surface, box)``), plus what they print: the figures
they quote and their text alternative. The registry :data:`BLOCK_TYPES` maps the YAML ``type:`` to a
class (:data:`REGISTER_BLOCK_TYPES`: the kinds drawn from the commune register, loaded when first used).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bulletin.blocks import charts
from bulletin.blocks.base import BaseBlock, ContentsEntry, Context, draw_block
from bulletin.data import sources
from bulletin.data.edition import Figure, is_safe_url
from bulletin.data.history import change_since
from bulletin.data.sources import Provenance, Reference
from bulletin.errors import BulletinError, Problem
from bulletin.geometry import Box, Measure, Overflow, column_widths, stack
from bulletin.layout_spec import BlockSpec
from bulletin.pdf.fonts import text_width
from bulletin.pdf.surface import Surface
from bulletin.templates import Piece
from bulletin.textflow import Fragment, Line, TextLayout, TextStyle, layout_text
from bulletin.theme import MM
from bulletin.typography import compact_is_exact, NBSP, format_value


class HeadingBlock(BaseBlock):
    """A section or sub-section title; level 1 also gets an accent rule under it."""

    keep_with_next = True

    def _layout(self, width: float) -> TextLayout:
        size = "heading_1" if self.options["level"] == "1" else "heading_2"
        color = "primary" if self.options["level"] == "1" else "text"
        fragments = [Fragment(f.text, TextStyle(self.ctx.theme.font("bold"), f.style.size, f.style.color))
                     for f in self.ctx.fragments(self.options["text"], size, color)]
        return layout_text(fragments, width - 4 * MM, self.ctx.leading(size))

    def measure(self, width: float) -> Measure:
        layout = self._layout(width)
        return Measure(layout.height + 1.6 * MM, self.overflow(layout, "le texte du titre"))

    def draw(self, surface: Surface, box: Box) -> None:
        layout = self._layout(box.width)
        accent = self.ctx.theme.color(self.ctx.accent)
        surface.rect(box.x, box.y + 1.5, 1.2 * MM, layout.height - 3, fill=accent)
        surface.text_layout(layout, box.x + 3 * MM, box.y, box.width, role=surface.heading_role(int(self.options["level"])))
        surface.line(box.x, box.bottom - 0.6 * MM, box.x + box.width, box.bottom - 0.6 * MM,
                     self.ctx.theme.color("rule"), 0.6)

    @property
    def title(self) -> str:
        """Plain text of the heading, for the outline."""
        return "".join(f.text for f in self.ctx.fragments(self.options["text"], "body"))


@dataclass(frozen=True)
class NumberLine:
    """A key figure's number as set in a width: the number, the exact amount in small print ('' unless the
    number is compact and loses something), whether that fits on the number's line, and their height."""

    number: str
    exact: str
    inline: bool
    height: float


class KeyFigureBlock(BaseBlock):
    """A big number with its label and, when it differs from the page's, its source (« (Anah) »).

    One size per role (``size``: large or medium) and one colour for every number; an amount too wide
    for its column, or asked ``format: compact``, is printed « 11,2 M€ » with the exact amount in
    small print beside it.
    """

    NUMBER_COLOR = "primary"

    def figure_keys(self) -> list[str]:
        return [self.options["figure"], *super().figure_keys()]

    def _templates(self) -> list[tuple[str, tuple[Piece, ...]]]:
        """The templates shown: the comparison with France (``national:``) only in a territorial edition."""
        return [(name, pieces) for name, pieces in super().printed_templates()
                if name != "national" or self.ctx.scope.territorial]

    def label_pieces(self) -> tuple[Piece, ...]:
        """The label, or ``label_singular`` when the count is 0 or 1 (French: « 1 commune a signé »)."""
        figure = self._figure()
        singular = self.options.get("label_singular")
        if singular and figure.unit == "count" and figure.number < 2:
            return singular  # type: ignore[no-any-return]
        return self.options["label"]  # type: ignore[no-any-return]

    def printed_templates(self) -> list[tuple[str, tuple[Piece, ...]]]:
        shown = [(name, pieces) for name, pieces in self._templates() if name not in ("label", "label_singular")]
        return [("label", self.label_pieces()), *shown]

    def _national_line(self) -> list[Fragment]:
        """« France : 1 579 communes, soit 96 % » on a line of its own, in a territorial edition."""
        if not (self.ctx.scope.territorial and self.options.get("national")):
            return []
        return [Fragment("\n", self.ctx.style("small", "regular", "muted")),
                *self.ctx.fragments(self.options["national"], "small", "muted")]

    def _size(self) -> float:
        return self.ctx.theme.sizes["key_large" if self.options["size"] == "large" else "key_medium"]

    def _prefix(self) -> str:
        return self.ctx.plain(self.options["prefix"]) + " " if self.options["prefix"] else ""

    def _figure(self) -> Figure:
        return self.ctx.edition.figures[self.options["figure"]]

    def _number_width(self, number: str) -> float:
        size, bold = self._size(), self.ctx.theme.font("bold")
        prefix = self._prefix()
        return (text_width(prefix, bold, size * 0.55) if prefix else 0.0) + text_width(number, bold, size)

    def _number_line(self, width: float) -> NumberLine:
        """The number as set in ``width``: compact when asked or when the exact amount is too wide, the
        exact amount then in small print, beside the number when it fits, else under it."""
        figure = self._figure()
        number = exact = format_value(figure.value, figure.unit)
        small = ""
        if self.options["format"] == "compact" or (figure.unit == "eur" and self._number_width(exact) > width + 0.01):
            number = format_value(figure.value, figure.unit, "compact")
            if number != exact and not compact_is_exact(figure.number):  # « 3 Md€ » says it all
                small = f"soit{NBSP}{exact}"
        small_width = text_width(small, self.ctx.theme.font("regular"), self.ctx.theme.sizes["small"])
        inline = small_width + 2 * MM + self._number_width(number) <= width
        height = self._size() * 1.12 + (self.ctx.leading("small") + 0.8 * MM if small and not inline else 0.0)
        return NumberLine(number, small, inline, height)

    def delta_text(self) -> str:
        """« +34 depuis janvier 2022 », or '' when not asked or no earlier value exists."""
        key = self.options["figure"]
        found = self.ctx.history.previous_value(key) if self.options["delta"] else None
        return change_since(key, self.ctx.edition, found[0]) if found else ""

    def _label(self, width: float, ref: Reference = sources.ANY) -> TextLayout:
        """The label and the source mention; measured against ``ANY`` (the room of the longest mention),
        drawn against the page's reference."""
        fragments = self.ctx.fragments(self.label_pieces(), "body")
        delta = self.delta_text()
        if delta:
            fragments = [Fragment(delta, self.ctx.style("body", "bold", self.NUMBER_COLOR)),
                         Fragment("\n", fragments[0].style if fragments else self.ctx.style("body")), *fragments]
        fragments += self._mention(ref) + self._national_line()
        return layout_text(fragments, width, self.ctx.leading("body"))

    def _mention(self, ref: Reference) -> list[Fragment]:
        """« (Anah) » when the figure's source or date differs from the page's; illustrative in red."""
        own = self.ctx.provenance(self.options["figure"])
        fragments = []
        text = sources.mention([own], ref)
        if text:
            fragments.append(Fragment(" " + text, self.ctx.style("small", "italic", "muted")))
        if own.status == "illustrative":
            fragments.append(Fragment(" " + self.ctx.illustrative_label, self.ctx.style("small", "bold", "red")))
        return fragments

    def _padding(self) -> float:
        return 3.5 * MM if self.options["panel"] else 0.0

    def _inner_width(self, width: float) -> float:
        pad = self._padding()
        return width - 2 * pad - (1.2 * MM if pad else 0.0)

    def measure(self, width: float) -> Measure:
        inner = self._inner_width(width)
        label, line = self._label(inner), self._number_line(inner)
        overflow = max(0.0, self._number_width(line.number) - inner)
        records: tuple[Overflow, ...] = (Overflow(self.spec, overflow, "le nombre"),) if overflow > 0.01 else ()
        records += self.overflow(label, "le libellé")
        return Measure(line.height + label.height + 2 * self._padding(), records)

    def draw(self, surface: Surface, box: Box) -> None:
        pad = self._padding()
        if pad:
            bar = self.options["accent"] or self.ctx.accent
            surface.rect(box.x, box.y, box.width, box.height, fill=self.ctx.theme.color("panel"))
            surface.rect(box.x, box.y, 1.2 * MM, box.height, fill=self.ctx.theme.color(bar))
            box = Box(box.x + pad + 1.2 * MM, box.y + pad, box.width - 2 * pad - 1.2 * MM, box.height - 2 * pad)
        size, bold = self._size(), self.ctx.theme.font("bold")
        color = self.ctx.theme.color(self.NUMBER_COLOR)
        line = self._number_line(box.width)
        baseline, x = box.y + size * 0.92, box.x
        with surface.element("P"):  # the number and its label read as one sentence
            if self.options["prefix"]:
                x += surface.text(x, baseline, self._prefix(), bold, size * 0.55, color)
            # The trailing space separates the number from its label for text extraction and speech.
            x += surface.text(x, baseline, line.number + " ", bold, size, color)
            if line.exact:
                self._draw_exact(surface, box, x, baseline, line)
            label = self._label(box.width, surface.reference or self.ctx.ref)
            surface.text_layout(label, box.x, box.y + line.height, box.width)

    def _draw_exact(self, surface: Surface, box: Box, x: float, baseline: float, line: NumberLine) -> None:
        small, muted = self.ctx.theme.sizes["small"], self.ctx.theme.color("muted")
        if line.inline:
            surface.text(x + 1 * MM, baseline, line.exact + " ", self.ctx.theme.font("regular"), small, muted)
        else:
            below = box.y + self._size() * 1.12 + small  # on its own line, under the number
            surface.text(box.x, below, line.exact + " ", self.ctx.theme.font("regular"), small, muted)

    def alt_text(self) -> str:
        label = "".join(f.text for f in self.ctx.fragments(self.label_pieces(), "body"))
        return f"{self._prefix()}{self.ctx.format_figure(self.options['figure'])} {label}".strip()


class TextBlock(BaseBlock):
    """Paragraphs from a template, optionally on a light panel; splittable between lines."""

    lines: tuple[int, int] | None = None  # the lines this part shows, when split across pages

    @property
    def keep_with_next(self) -> bool:  # type: ignore[override]
        """A lead paragraph (chapô) introduces what follows: it never ends a page."""
        return self.options.get("style") == "lead"

    def _padding(self) -> float:
        return 3 * MM if self.options["panel"] else 0.0

    def _layout(self, width: float) -> TextLayout:
        size = self.options["style"]
        return layout_text(self.ctx.fragments(self.options["text"], size), width - 2 * self._padding(),
                           self.ctx.leading(size), self.ctx.theme.sizes[size] * 0.6)

    def _shown(self, width: float) -> TextLayout:
        """The layout of the lines this block (or this part of it) shows."""
        layout = self._layout(width)
        if self.lines is None:
            return layout
        return replace(layout, lines=layout.lines[self.lines[0]:self.lines[1]])

    def measure(self, width: float) -> Measure:
        layout = self._shown(width)
        return Measure(layout.height + 2 * self._padding(), self.overflow(layout, "le texte"))

    def split(self, width: float, height: float) -> tuple[BaseBlock, BaseBlock] | None:
        """Cut between lines, leaving no paragraph with a single line at a page's bottom or top."""
        full = self._layout(width)
        start, stop = self.lines or (0, len(full.lines))
        shown = full.lines[start:stop]
        best = None
        for count in range(1, len(shown)):
            if replace(full, lines=shown[:count]).height + 2 * self._padding() > height + 0.01:
                break
            if text_break_allowed(shown, count):
                best = count
        if best is None:
            return None
        return self._part(start, start + best), self._part(start + best, stop)

    def _part(self, start: int, stop: int) -> TextBlock:
        part = copy.copy(self)
        part.lines = (start, stop)
        return part

    def draw(self, surface: Surface, box: Box) -> None:
        pad = self._padding()
        if pad:
            surface.rect(box.x, box.y, box.width, box.height, fill=self.ctx.theme.color("panel"))
        surface.text_layout(self._shown(box.width), box.x + pad, box.y + pad, box.width - 2 * pad, role="P")


def text_break_allowed(lines: tuple[Line, ...], count: int) -> bool:
    """May a page break after the first ``count`` lines? Not after a paragraph's first line (orphan)
    nor before its last line (widow)."""
    if lines[count].paragraph_start:
        return True
    first_of_paragraph = max(i for i in range(count + 1) if i == 0 or lines[i].paragraph_start)
    next_start = next((i for i in range(count, len(lines)) if lines[i].paragraph_start), len(lines))
    return count - first_of_paragraph >= 2 and next_start - count >= 2


class NoteBlock(TextBlock):
    """A small grey note (abbreviations, methodology)."""

    def _padding(self) -> float:
        return 0.0

    def _layout(self, width: float) -> TextLayout:
        return layout_text(self.ctx.fragments(self.options["text"], "note", "muted"), width, self.ctx.leading("note"))


class LinkBlock(BaseBlock):
    """A clickable text followed by its address (printed bulletins need the address visible)."""

    def url(self) -> str:
        """The address: a figure of unit url, or the literal url option."""
        return str(self.ctx.edition.figures[self.options["figure"]].value) if self.options["figure"] else self.options["url"] or ""

    def figure_keys(self) -> list[str]:
        return super().figure_keys() + ([self.options["figure"]] if self.options["figure"] else [])

    def _layout(self, width: float) -> TextLayout:
        url = self.url()
        link = url if is_safe_url(url) else None
        # An unsafe address was already reported by validation; it is printed, never linked.
        text = [Fragment("› ", self.ctx.style("body", "bold", "primary"), link)]
        text += [Fragment(f.text, TextStyle(self.ctx.theme.font("bold"), f.style.size, f.style.color), link)
                 for f in self.ctx.fragments(self.options["text"], "body", "primary")]
        shown = url.removeprefix("mailto:")
        text.append(Fragment("\n" + shown, self.ctx.style("small", "regular", "muted"), link))
        return layout_text(text, width, self.ctx.leading("body"))

    def measure(self, width: float) -> Measure:
        layout = self._layout(width)
        return Measure(layout.height, self.overflow(layout, "le texte ou l’adresse du lien"))

    def draw(self, surface: Surface, box: Box) -> None:
        with surface.element("P", grouping=True), surface.element("Link", alt=self.alt_text()):
            surface.text_layout(self._layout(box.width), box.x, box.y, box.width)

    def alt_text(self) -> str:
        text = "".join(f.text for f in self.ctx.fragments(self.options["text"], "body"))
        return f"{text} ({self.url().removeprefix('mailto:')})"


class DividerBlock(BaseBlock):
    """A thin horizontal rule."""

    discard_at_break = True

    def measure(self, width: float) -> Measure:
        return Measure(2 * MM)

    def draw(self, surface: Surface, box: Box) -> None:
        middle = box.y + box.height / 2
        surface.line(box.x, middle, box.x + box.width, middle, self.ctx.theme.color("rule"), 0.8)


class ContentsBlock(BaseBlock):
    """The sommaire: each section with its page number, a leader between them, each line a link to it."""

    PAD = 4 * MM  # the sommaire is a card, like the key figures

    def _row(self) -> float:
        return self.ctx.leading("lead") + 2.6 * MM

    def _number_room(self) -> float:
        return text_width("000", self.ctx.theme.font("bold"), self.ctx.theme.sizes["lead"]) + 8 * MM

    def measure(self, width: float) -> Measure:
        room = width - 2 * self.PAD - 6 * MM - self._number_room()
        style = self.ctx.style("lead")
        widest = max((text_width(e.title, style.font, style.size) for e in self.ctx.contents), default=0.0)
        records = (Overflow(self.spec, widest - room, "une entrée du sommaire"),) if widest > room + 0.01 else ()
        return Measure(len(self.ctx.contents) * self._row() + 2 * self.PAD, records)

    def draw(self, surface: Surface, box: Box) -> None:
        surface.rect(box.x, box.y, box.width, box.height, fill=self.ctx.theme.color("panel"))
        inner = box.inset(self.PAD, self.PAD)
        with surface.element("TOC", grouping=True):
            for index, entry in enumerate(self.ctx.contents):
                self._entry(surface, Box(inner.x, inner.y + index * self._row(), inner.width, self._row()), entry)

    def _entry(self, surface: Surface, box: Box, entry: ContentsEntry) -> None:
        theme, size = self.ctx.theme, self.ctx.theme.sizes["lead"]
        baseline = box.y + (box.height + size * 0.7) / 2
        page = surface.destinations.get(entry.destination)
        number = str(page) if page is not None else ""
        title_width = text_width(entry.title, theme.font("regular"), size)
        number_width = text_width(number, theme.font("bold"), size)
        surface.rect(box.x, baseline - size * 0.7, 2.2 * MM, size * 0.7, fill=theme.color(entry.accent))
        start, end = box.x + 6 * MM + title_width + 2 * MM, box.x + box.width - number_width - 2 * MM
        if end > start:
            surface.line(start, baseline, end, baseline, theme.color("grey", "rule"),
                         0.8, dash=(0.8, 2.2))
        if entry is not self.ctx.contents[-1]:  # rules between the lines, not under the card's last one
            surface.line(box.x, box.bottom, box.x + box.width, box.bottom, theme.color("rule"), 0.4)
        with surface.element("TOCI", grouping=True), surface.element("Link", alt=f"{entry.title}, page {number}"):
            surface.text(box.x + 6 * MM, baseline, entry.title + " ", theme.font("regular"), size, theme.color("text"))
            surface.text(box.x + box.width, baseline, number, theme.font("bold"), size, theme.color("primary"), "right")
            surface.goto(box.x, box.y, box.width, box.height, entry.destination,
                         f"Aller à « {entry.title} », page {number}")


class SpacerBlock(BaseBlock):
    """Empty vertical space of a given height."""

    discard_at_break = True

    def measure(self, width: float) -> Measure:
        return Measure(self.options["height"] * MM)

    def draw(self, surface: Surface, box: Box) -> None:
        return None


class ImageBlock(BaseBlock):
    """A PNG or JPEG scaled to a height, aligned left; the file is relative to the layout."""

    def path(self) -> Path:
        """Absolute path of the image file."""
        return (self.ctx.base_dir / self.options["path"]).resolve()

    def measure(self, width: float) -> Measure:
        return Measure(self.options["height"] * MM)

    def draw(self, surface: Surface, box: Box) -> None:
        with surface.figure(self.alt_text(), box.x, box.y, box.width, box.height):
            surface.image(self.path(), box.x, box.y, box.width, box.height)

    def alt_text(self) -> str:
        return str(self.options["alt"])


class ChartBlock(BaseBlock):
    """A chart of series or figures, with its title, source line and data warning."""

    def figure_keys(self) -> list[str]:
        keys = [key for key, _ in self.options["figures"]]
        return keys + ([self.options["target"]] if self.options["target"] else []) + super().figure_keys()

    def provenances(self) -> list[Provenance]:
        data = self.data
        status = "illustrative" if data.illustrative else "published"
        return [Provenance(s, d, status) for s, d in data.sources] + super().provenances()

    @cached_property
    def data(self) -> charts.ChartData:
        """The numbers the chart draws, resolved once from the edition."""
        return charts.chart_data(self.chart_options, self.ctx.edition, self.ctx.history)

    @cached_property
    def chart_options(self) -> Mapping[str, Any]:
        """The options with legends and figure labels rendered to plain text: what the chart module draws."""
        options = dict(self.options)
        options["legend"] = tuple(self.ctx.plain(label) for label in self.options["legend"])
        options["figures"] = tuple((key, self.ctx.plain(label)) for key, label in self.options["figures"])
        return MappingProxyType(options)

    def _title(self, width: float) -> TextLayout:
        fragments = [Fragment(f.text, TextStyle(self.ctx.theme.font("bold"), f.style.size, f.style.color))
                     for f in self.ctx.fragments(self.options["title"], "chart_title")]
        return layout_text(fragments, width, self.ctx.leading("chart_title"))

    def _footer(self, width: float, ref: Reference = sources.ANY) -> TextLayout:
        """« (Anah ; Cerema, 1er janvier 2022) » when what the chart draws differs from the page's reference
        (measured against ``ANY``: the room of the longest mention is kept)."""
        data = self.data
        status = "provisional" if data.provisional else "published"
        mention = sources.mention([Provenance(s, d, status) for s, d in data.sources], ref)
        fragments = [Fragment(mention, self.ctx.style("note", "italic", "muted"))] if mention else []
        if data.illustrative:
            fragments.append(Fragment(" " + self.ctx.illustrative_label, self.ctx.style("note", "bold", "red")))
        return layout_text(fragments, width, self.ctx.leading("note"))

    def _table(self, width: float) -> list[list[TextLayout]]:
        """The data table's cells, laid out: first row the header (bold)."""
        if not self.options["table"]:
            return []
        header, rows = charts.table_rows(self.data)
        widths = self._column_widths(width, len(header))
        styles = [self.ctx.style("note", "bold")] + [self.ctx.style("note")] * len(rows)
        return [[layout_text([Fragment(text, style)], w - 2 * MM, self.ctx.leading("note"))
                 for text, w in zip(row, widths, strict=True)] for row, style in zip([header, *rows], styles)]

    @staticmethod
    def _column_widths(width: float, count: int) -> list[float]:
        first = width * (0.5 if count == 2 else 0.3)
        return [first] + [(width - first) / (count - 1)] * (count - 1)

    def _table_height(self, width: float) -> float:
        rows = self._table(width)
        return sum(max(c.height for c in row) + 1.2 * MM for row in rows) + (2 * MM if rows else 0.0)

    def _padding(self) -> float:
        return 3.5 * MM if self.options["panel"] else 0.0

    def measure(self, width: float) -> Measure:
        pad = self._padding()
        width -= 2 * pad
        title, footer = self._title(width), self._footer(width)
        height = self.options["height"] * MM + self._table_height(width)
        plot = height - self._table_height(width) - title.height - footer.height - 2 * MM
        records = self.overflow(title, "le titre du graphique") + self.overflow(footer, "la ligne de source du graphique")
        records += tuple(o for row in self._table(width) for cell in row for o in self.overflow(cell, "une cellule du tableau"))
        if plot < 25 * MM:
            records += (Overflow(self.spec, 25 * MM - plot, "le graphique (zone de tracé sous 25 mm : augmentez height)"),)
        lacking, labels = charts.label_overflow(self.options["kind"], self.data, self.ctx.theme, width, plot)
        records += (Overflow(self.spec, lacking, labels),) if lacking > 0.01 else ()
        return Measure(height + 2 * pad, records)

    def draw(self, surface: Surface, box: Box) -> None:
        pad = self._padding()
        if pad:  # a tile, like the key-figure cards
            surface.rect(box.x, box.y, box.width, box.height, fill=self.ctx.theme.color("panel"))
            box = box.inset(pad, pad)
        title, footer = self._title(box.width), self._footer(box.width, surface.reference or self.ctx.ref)
        table_height = self._table_height(box.width)
        chart = Box(box.x, box.y, box.width, box.height - table_height)
        surface.text_layout(title, chart.x, chart.y, chart.width, role="P")
        plot = Box(chart.x, chart.y + title.height + 1 * MM, chart.width,
                   chart.height - title.height - footer.height - 2 * MM)
        with surface.figure(self.alt_text(), plot.x, plot.y, plot.width, plot.height):
            charts.draw_chart(surface, plot, self.chart_options, self.data, self.ctx.theme, self.ctx.accent)
        surface.text_layout(footer, chart.x, chart.bottom - footer.height, chart.width, role="P")
        if table_height:
            self._draw_table(surface, Box(box.x, chart.bottom + 2 * MM, box.width, table_height - 2 * MM))

    def _draw_table(self, surface: Surface, box: Box) -> None:
        """The data table, tagged as a Table with header cells (TH, scope Column)."""
        rows = self._table(box.width)
        widths = self._column_widths(box.width, len(rows[0]))
        y, rule = box.y, self.ctx.theme.color("rule")
        with surface.element("Table"):
            for index, row in enumerate(rows):
                height = max(c.height for c in row) + 1.2 * MM
                with surface.element("TR"):
                    x = box.x
                    for cell, width in zip(row, widths, strict=True):
                        with surface.element("TH" if index == 0 else "TD", scope="Column" if index == 0 else ""):
                            surface.text_layout(cell, x + 1 * MM, y + 0.6 * MM, width - 2 * MM)
                        x += width
                y += height
                surface.line(box.x, y, box.x + box.width, y, rule, 0.8 if index == 0 else 0.4)

    def alt_text(self) -> str:
        if self.options["description"]:
            return str(self.options["description"])
        title = "".join(f.text for f in self.ctx.fragments(self.options["title"], "body"))
        return charts.describe(title, self.chart_options, self.data, self.ctx.illustrative_label)


class RowBlock(BaseBlock):
    """Columns side by side; each column stacks its blocks."""

    def __init__(self, spec: BlockSpec, ctx: Context) -> None:
        super().__init__(spec, ctx)
        self.columns = [[make_block(child, ctx) for child in column] for column in spec.columns]

    def children(self) -> list[BaseBlock]:
        """Blocks of the row, column by column (the reading order)."""
        return [block for column in self.columns for block in column]

    def provenances(self) -> list[Provenance]:
        return [p for child in self.children() for p in child.provenances()]

    def _boxes(self, box: Box) -> list[Box]:
        widths = column_widths(box.width, self.options["widths"], len(self.columns), self.ctx.theme.column_gap)
        boxes, x = [], box.x
        for width in widths:
            boxes.append(Box(x, box.y, width, box.height))
            x += width + self.ctx.theme.column_gap
        return boxes

    def measure(self, width: float) -> Measure:
        heights, overflows = [], []
        for column, column_box in zip(self.columns, self._boxes(Box(0, 0, width, 1e6)), strict=True):
            placed, found = stack(column, column_box, self.ctx.theme.block_gap)
            heights.append(placed[-1][1].bottom if placed else 0.0)
            overflows.extend(found)
        return Measure(max(heights, default=0.0), tuple(overflows))

    def draw(self, surface: Surface, box: Box) -> None:
        """Draw each column; its last block is stretched to the row's bottom so cards line up.

        A block that fails does not stop the others: every failure is reported at once.
        """
        problems: list[Problem] = []
        for column, column_box in zip(self.columns, self._boxes(box), strict=True):
            placed = stack(column, column_box, self.ctx.theme.block_gap)[0]
            for index, (block, child_box) in enumerate(placed):
                if index == len(placed) - 1:
                    child_box = Box(child_box.x, child_box.y, child_box.width, box.bottom - child_box.y)
                try:
                    draw_block(block, surface, child_box)
                except BulletinError as exc:
                    problems += exc.problems
        if problems:
            raise BulletinError(problems)


BLOCK_TYPES: dict[str, type[BaseBlock]] = {
    "heading": HeadingBlock, "key_figure": KeyFigureBlock, "text": TextBlock, "note": NoteBlock,
    "chart": ChartBlock, "link": LinkBlock, "divider": DividerBlock, "spacer": SpacerBlock,
    "image": ImageBlock, "row": RowBlock, "contents": ContentsBlock,
}


# Blocks drawn from the commune register, in modules that build on this one: imported when first used.
REGISTER_BLOCK_TYPES = {"map": ("bulletin.maps.block", "map_block"),
                        "communes": ("bulletin.blocks.communes", "CommunesBlock")}


def make_block(spec: BlockSpec, ctx: Context) -> BaseBlock:
    """Instantiate the block class registered for ``spec.type``."""
    if spec.type in REGISTER_BLOCK_TYPES:
        import importlib

        module, name = REGISTER_BLOCK_TYPES[spec.type]
        return getattr(importlib.import_module(module), name)(spec, ctx)  # type: ignore[no-any-return]
    return BLOCK_TYPES[spec.type](spec, ctx)
