"""The back page: à propos, contacts and partners, above a closing band.

Input: the layout's ``back:`` spec, a context and the sources note. Output: one placed page — the
back page's title (in the sommaire and the outline), its blocks flowed top to bottom, the partners'
logos the user supplied, and the band with the publisher, the title and the month — and the
problems: a back page whose blocks need a second page names the first block that does not fit.
"""

from __future__ import annotations

from bulletin.blocks.base import BaseBlock, Context
from bulletin.blocks.kinds import make_block
from bulletin.compose.cover import WHITE, LogoRow, PublisherLine, load_logos, publisher_spec
from bulletin.compose.flow import Flow, FlowItem
from bulletin.compose.furniture import document_title
from bulletin.compose.notes import SourcesNote
from bulletin.compose.page import PlacedPage
from bulletin.compose.sections import BACK_DESTINATION
from bulletin.compose.titles import SectionTitleBlock
from bulletin.errors import Problem
from bulletin.geometry import Box, Measure, Overflow
from bulletin.layout_spec import BlockSpec, LayoutSpec, SectionSpec
from bulletin.pdf.surface import Surface
from bulletin.textflow import Fragment, TextStyle, layout_text
from bulletin.theme import MM

BAND_HEIGHT = 32 * MM


class BackBand(PublisherLine):
    """The closing band in Bleu France: the publisher, then the document's title and month."""

    def __init__(self, spec: BlockSpec, ctx: Context, title: str) -> None:
        super().__init__(spec, ctx, WHITE)
        self.title = title

    def measure(self, width: float) -> Measure:
        return Measure(BAND_HEIGHT)

    def draw(self, surface: Surface, box: Box) -> None:
        theme = self.ctx.theme
        surface.rect(0, box.y, theme.page.width, box.height, fill=theme.color("primary"))
        x, y = theme.page.margin_left, box.y + 10 * MM
        width = theme.page.width - theme.page.margin_left - theme.page.margin_right
        name = self._layout(width)
        surface.text_layout(name, x, y, width, role="P")
        style = TextStyle(theme.font("regular"), theme.sizes["small"], WHITE)
        surface.text_layout(layout_text([Fragment(self.title, style)], width, self.ctx.leading("small")),
                            x, y + name.height + 1.5 * MM, width, role="P")


def compose_back(layout: LayoutSpec, ctx: Context, note: SourcesNote) -> tuple[PlacedPage | None, list[Problem],
                                                                              list[Overflow]]:
    """The back page, its problems and the overflows inside its blocks; None without ``back:``."""
    back = layout.back
    if back is None:
        return None, [], []
    page = ctx.theme.page
    width = page.width - page.margin_left - page.margin_right
    logos, problems = load_logos(back.logos, layout.path.parent)
    band = BackBand(publisher_spec(layout), ctx, document_title(layout, ctx.edition))
    band_box = Box(0, page.height - BAND_HEIGHT, page.width, BAND_HEIGHT)
    row = LogoRow(publisher_spec(layout), ctx, logos)
    logo_height = row.measure(width).height
    bottom = band_box.y - (logo_height + 10 * MM if logos else 6 * MM)
    body = Box(page.margin_left, page.margin_top + 4 * MM, width, bottom - page.margin_top - 4 * MM)
    blocks: list[BaseBlock] = [make_block(spec, ctx) for spec in back.blocks]
    if back.title:
        section = SectionSpec(back.title, ctx.accent, (), back.where, back.where)
        blocks.insert(0, SectionTitleBlock(section, ctx, 0, BACK_DESTINATION))
    result = Flow(body, ctx.theme.block_gap, note.reserve).run([FlowItem(block) for block in blocks])
    problems += [_spills(placements[0][0]) for placements in result.pages[1:2]]
    placed = list(result.pages[0])
    if logos:
        placed.append((row, Box(page.margin_left, bottom + 5 * MM, row.width(), logo_height)))
    placed.append((band, band_box))
    return note.page(placed, body, "back"), problems, result.overflows + [
        Overflow(t.block.spec, t.amount, "la quatrième de couverture") for t in result.too_tall]


def _spills(block: BaseBlock) -> Problem:
    spec = block.spec
    return Problem(spec.where, f"la quatrième de couverture ne tient pas sur une page : le bloc « {spec.id} » "
                   f"({spec.type}) et les suivants n’y entrent plus",
                   "raccourcissez les textes de « back: », ou déplacez des blocs dans une section")
