"""The table of a territory's communes: INSEE code, name, population, and the register's indicators as statuses.

Input: a ``communes`` block spec (the indicator columns to show, with their headers and wording) and the
:class:`~bulletin.blocks.base.Context`, whose scope holds the commune register and the edition's territory.
Output: a block of the block protocol that lists the territory's communes (by département, then by name),
one row each — « signée le 15 mars 2021 », « oui », « RU », « — » — tagged as a Table (TR, TH header
cells of scope Column, TD), and that flows over pages: :meth:`CommunesBlock.split` cuts between rows,
never inside one, and every part after the first repeats the header row (drawn as an artifact there,
so that the table reads as one, with its header once).
"""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from bulletin.blocks.base import BaseBlock, Context
from bulletin.pdf.fonts import text_width
from bulletin.geometry import Box, Measure, Overflow
from bulletin.layout_spec import BlockSpec, IndicatorColumn
from bulletin.register import Commune, Register
from bulletin.data.sources import Provenance
from bulletin.pdf.structure import Node, StructureRecorder
from bulletin.pdf.surface import Surface
from bulletin.textflow import Fragment, TextLayout, TextStyle, layout_text
from bulletin.theme import MM
from bulletin.typography import fr_amount, fr_date, fr_integer

PAD_X, PAD_Y = 1.6 * MM, 1.1 * MM
CAPTION_GAP = 1.5 * MM


@dataclass
class _Table:
    """What the parts of one table share: its cells laid out per width, and its Table element once drawn."""

    layouts: dict[float, tuple[list[float], list[list[TextLayout]]]] = field(default_factory=dict)
    element: tuple[StructureRecorder, Node] | None = None


class CommunesBlock(BaseBlock):
    """The communes of the edition's territory, one row each; splittable between rows."""

    rows: tuple[int, int] | None = None  # the rows this part shows (0-based, header apart), when split

    def __init__(self, spec: BlockSpec, ctx: Context) -> None:
        super().__init__(spec, ctx)
        assert ctx.scope.register is not None, "a commune table is left out of an edition without register"
        self.register: Register = ctx.scope.register
        self.columns: tuple[IndicatorColumn, ...] = spec.options["indicators"]
        self.communes = sorted(self.register.communes_in(ctx.scope.territory), key=_order)
        self.table = _Table()

    # ---------------------------------------------------------------- content

    def header(self) -> list[str]:
        """The header row's texts."""
        fixed = ["Code INSEE", "Commune"] + (["Population"] if self.options["population"] else [])
        return fixed + [column.label for column in self.columns]

    def cells(self, commune: Commune) -> list[str]:
        """One commune's row: its code, name, population, then each indicator as a status."""
        fixed = [commune.insee, commune.name] + ([fr_integer(commune.population)] if self.options["population"] else [])
        return fixed + [self._status(commune, column) for column in self.columns]

    def _status(self, commune: Commune, column: IndicatorColumn) -> str:
        value = commune.values.get(column.indicator)
        kind = self.register.spec.indicators[column.indicator].type
        if value is None or (kind == "date" and isinstance(value, dt.date) and value > self._as_of()):
            return column.empty  # a date after the register's date is not yet: the counts say the same
        if kind == "date" and isinstance(value, dt.date):
            return f"{column.prefix} {fr_date(value)}".strip()
        if kind == "yesno":
            return column.yes if value is True else column.no
        if kind == "amount" and isinstance(value, Decimal):
            return fr_amount(value)
        return str(value)

    def _as_of(self) -> dt.date:
        return self.register.spec.provenance.as_of

    def caption(self) -> str:
        """« 19 communes, par ordre alphabétique », « 112 communes, par département puis par ordre alphabétique »."""
        count = len(self.communes)
        order = "par département puis par ordre alphabétique" if len({c.departement for c in self.communes}) > 1 \
            else "par ordre alphabétique"
        noun = "commune" if count < 2 else "communes"
        return f"{fr_integer(count)} {noun} du territoire, {order}. Statuts au {fr_date(self._as_of())}."

    # ---------------------------------------------------------------- layout

    def _style(self, header: bool) -> TextStyle:
        return self.ctx.style("small", "bold" if header else "regular", "primary" if header else "text")

    def _numeric(self, index: int) -> bool:
        """Population and amounts align right, as numbers do in a table."""
        fixed = 3 if self.options["population"] else 2
        if index < fixed:
            return index == 2
        return self.register.spec.indicators[self.columns[index - fixed].indicator].type == "amount"

    def _widths(self, width: float, rows: list[list[str]]) -> list[float]:
        """Columns as wide as their longest cell (headers may wrap); what is left goes to the commune's name,
        what is lacking is taken from the widest columns (their cells then wrap)."""
        body, bold = self._style(False), self._style(True)
        natural, least = [], []
        for header, *cells in zip(*rows, strict=True):
            words = [text_width(w, bold.font, bold.size) for w in header.split()]
            words += [text_width(w, body.font, body.size) for cell in cells for w in cell.split()]
            smallest = max(words, default=0.0) + 2 * PAD_X + 0.5  # half a point: no rounding overflow
            least.append(smallest)
            natural.append(max([smallest] + [text_width(c, body.font, body.size) + 2 * PAD_X + 0.5 for c in cells]))
        spare = width - sum(natural)
        if spare >= 0:
            natural[1] += spare
            return natural
        give = [n - m for n, m in zip(natural, least, strict=True)]
        share = min(1.0, -spare / sum(give)) if sum(give) else 0.0
        return [n - g * share for n, g in zip(natural, give, strict=True)]

    def _laid_out(self, width: float) -> tuple[list[float], list[list[TextLayout]]]:
        """Column widths and every cell laid out (header first), computed once per width for all parts."""
        if width not in self.table.layouts:
            rows = [self.header()] + [self.cells(c) for c in self.communes]
            widths = self._widths(width, rows)
            leading = self.ctx.leading("small")
            layouts = [[layout_text([Fragment(text, self._style(r == 0))], w - 2 * PAD_X, leading)
                        for text, w in zip(row, widths, strict=True)] for r, row in enumerate(rows)]
            self.table.layouts[width] = (widths, layouts)
        return self.table.layouts[width]

    def _caption(self, width: float) -> TextLayout:
        if self.rows is not None and self.rows[0] > 0:
            return layout_text([], width, 1)  # the caption goes with the first part only
        fragments = [Fragment(self.caption(), self.ctx.style("note", "italic", "muted"))]
        if self.ctx.scope.fictitious:
            fragments.append(Fragment(" Indicateurs : données fictives.", self.ctx.style("note", "bold", "red")))
        return layout_text(fragments, width, self.ctx.leading("note"))

    def _shown(self) -> tuple[int, int]:
        return self.rows or (0, len(self.communes))

    @staticmethod
    def _row_height(cells: list[TextLayout]) -> float:
        return max(cell.height for cell in cells) + 2 * PAD_Y

    def _caption_height(self, width: float) -> float:
        caption = self._caption(width)
        return caption.height + CAPTION_GAP if caption.lines else 0.0

    def measure(self, width: float) -> Measure:
        widths, layouts = self._laid_out(width)
        start, stop = self._shown()
        height = self._caption_height(width) + sum(self._row_height(r) for r in [layouts[0], *layouts[1 + start:1 + stop]])
        records = tuple(Overflow(self.spec, cell.overflow, "une cellule du tableau des communes")
                        for row in layouts for cell in row if cell.overflow > 0.01)
        return Measure(height, records[:1])

    def split(self, width: float, height: float) -> tuple[BaseBlock, BaseBlock] | None:
        """The rows that fit in ``height`` under the header (at least one), and the rest, header repeated."""
        _, layouts = self._laid_out(width)
        start, stop = self._shown()
        used = self._caption_height(width) + self._row_height(layouts[0])
        count = 0
        for index in range(start, stop):
            used += self._row_height(layouts[1 + index])
            if used > height + 0.01:
                break
            count += 1
        if count == 0 or start + count == stop:
            return None
        return self._part(start, start + count), self._part(start + count, stop)

    def _part(self, start: int, stop: int) -> CommunesBlock:
        part = copy.copy(self)  # shares the table state: layouts and the Table element
        part.rows = (start, stop)
        return part

    # ---------------------------------------------------------------- drawing

    def draw(self, surface: Surface, box: Box) -> None:
        widths, layouts = self._laid_out(box.width)
        caption = self._caption(box.width)
        y = box.y
        if caption.lines:
            surface.text_layout(caption, box.x, y, box.width, role="P")
            y += caption.height + CAPTION_GAP
        start, stop = self._shown()
        element = self.table.element
        if element is not None and element[0] is surface.structure:  # the table goes on from the page before
            surface.structure.resume(element[1])
            with surface.artifact():
                y = self._draw_row(surface, box.x, y, widths, layouts[0], header=True, repeated=True)
            self._draw_rows(surface, box.x, y, widths, layouts, start, stop)
            surface.structure.close(element[1])
            return
        with surface.element("Table") as node:
            self.table.element = (surface.structure, node)
            y = self._draw_row(surface, box.x, y, widths, layouts[0], header=True)
            self._draw_rows(surface, box.x, y, widths, layouts, start, stop)

    def _draw_rows(self, surface: Surface, x: float, y: float, widths: list[float],
                   layouts: list[list[TextLayout]], start: int, stop: int) -> None:
        for index in range(start, stop):
            if index % 2:
                height = self._row_height(layouts[1 + index])
                surface.rect(x, y, sum(widths), height, fill=self._zebra())
            y = self._draw_row(surface, x, y, widths, layouts[1 + index])

    def _zebra(self) -> str:
        return self.ctx.theme.color("panel_grey", "panel")

    def _draw_row(self, surface: Surface, x: float, y: float, widths: list[float], cells: list[TextLayout],
                  header: bool = False, repeated: bool = False) -> float:
        """One row at ``y``; return the y below it."""
        height = self._row_height(cells)
        theme = self.ctx.theme
        if header:
            surface.rect(x, y, sum(widths), height, fill=theme.color("panel"))
        if repeated:
            self._draw_cells(surface, x, y, widths, cells)
        else:
            with surface.element("TR"):
                self._draw_cells(surface, x, y, widths, cells, "TH" if header else "TD")
        y += height
        surface.line(x, y, x + sum(widths), y, theme.color("primary" if header else "rule"), 0.8 if header else 0.4)
        return y

    def _draw_cells(self, surface: Surface, x: float, y: float, widths: list[float], cells: list[TextLayout],
                    role: str = "") -> None:
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            align = "right" if self._numeric(index) else "left"
            if role:
                with surface.element(role, scope="Column" if role == "TH" else ""):
                    surface.text_layout(cell, x + PAD_X, y + PAD_Y, width - 2 * PAD_X, align)
            else:
                surface.text_layout(cell, x + PAD_X, y + PAD_Y, width - 2 * PAD_X, align)
            x += width

    # ---------------------------------------------------------------- what it prints

    def figure_keys(self) -> list[str]:
        return []

    def provenances(self) -> list[Provenance]:
        provenance = self.register.spec.provenance
        return [Provenance(provenance.source, provenance.as_of, provenance.status)]


def _order(commune: Commune) -> tuple[str, str, str]:
    """By département, then by name as French readers sort it (accents, case and dashes ignored)."""
    decomposed = unicodedata.normalize("NFKD", commune.name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("-", " ").replace("'", " ")
    return commune.departement, plain, commune.insee
