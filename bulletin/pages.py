"""Layout stage: place every block of every page and find what does not fit.

Input: the layout spec, the edition and the theme. Output: one :class:`PlacedPage` per page
(blocks with their boxes, the page's sources note) and the list of fit problems, each naming
the layout file, line, block id and the overflow in millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.blocks import BaseBlock, Context, HeadingBlock, RowBlock, make_block, source_line
from bulletin.edition import Edition
from bulletin.errors import Problem
from bulletin.geometry import Box, Overflow, stack
from bulletin.history import History
from bulletin.layout_spec import LayoutSpec, PageSpec
from bulletin.textflow import Fragment, TextLayout, layout_text
from bulletin.theme import MM, Theme


@dataclass(frozen=True)
class PlacedPage:
    """A page ready to draw: its spec, number, placed blocks and sources note."""

    spec: PageSpec
    number: int
    placements: tuple[tuple[BaseBlock, Box], ...]
    sources: TextLayout
    sources_box: Box
    ctx: Context

    def blocks(self) -> list[BaseBlock]:
        """Every block of the page, rows expanded, in reading order."""
        found: list[BaseBlock] = []
        for block, _ in self.placements:
            found.extend(block.children() if isinstance(block, RowBlock) else [block])
        return found

    def headings(self) -> list[tuple[HeadingBlock, Box]]:
        """Headings of the page with the box of their top-level block (a heading in a row: the row's)."""
        found = []
        for block, box in self.placements:
            inner = block.children() if isinstance(block, RowBlock) else [block]
            found += [(heading, box) for heading in inner if isinstance(heading, HeadingBlock)]
        return found


def content_box(theme: Theme) -> Box:
    """The area between the page header and the footer, inside the margins."""
    page = theme.page
    top = page.margin_top + page.header_height + 5 * MM
    bottom = page.height - page.margin_bottom - page.footer_height
    return Box(page.margin_left, top, page.width - page.margin_left - page.margin_right, bottom - top)


def plan_pages(layout: LayoutSpec, edition: Edition, theme: Theme,
               history: History | None = None) -> tuple[list[PlacedPage], list[Problem]]:
    """Place all pages; return them with every fit problem found."""
    pages: list[PlacedPage] = []
    problems: list[Problem] = []
    for number, spec in enumerate(layout.pages, start=1):
        page, overflows = plan_page(spec, number, edition, theme, layout, history or History())
        pages.append(page)
        problems.extend(fit_problem(o) for o in overflows)
    return pages, problems


def plan_page(spec: PageSpec, number: int, edition: Edition, theme: Theme, layout: LayoutSpec,
              history: History) -> tuple[PlacedPage, list[Overflow]]:
    """Place one page's blocks above its sources note."""
    ctx = Context(edition, theme, spec.accent, layout.path.parent, history)
    blocks = [make_block(block, ctx) for block in spec.blocks]
    box = content_box(theme)
    sources = _sources_note(blocks, ctx, box.width)
    available = Box(box.x, box.y, box.width, box.height - sources.height - 3 * MM)
    placements, overflows = stack(blocks, available, theme.block_gap)
    sources_box = Box(box.x, box.bottom - sources.height, box.width, sources.height)
    return PlacedPage(spec, number, tuple(placements), sources, sources_box, ctx), overflows


def _sources_note(blocks: list[BaseBlock], ctx: Context, width: float) -> TextLayout:
    provenances = [p for block in blocks for p in block.provenances()]
    if not provenances:
        return layout_text([], width, ctx.leading("note"))
    text = source_line(provenances)
    if any(p.status == "illustrative" for p in provenances):
        text += ". Les valeurs marquées « données illustratives » ne proviennent pas d’une source publiée."
    return layout_text([Fragment(text, ctx.style("note", "regular", "muted"))], width, ctx.leading("note"))


def fit_problem(overflow: Overflow) -> Problem:
    """A user-facing problem for an overflow: file, line, block id and by how much."""
    return Problem(overflow.spec.where,
                   f"block {overflow.spec.id!r} ({overflow.spec.type}): {overflow.what} overflows by "
                   f"{overflow.amount / MM:.1f} mm",
                   "shorten the text, use a smaller size, widen the column or move blocks to another page")
