"""A composed page: what it holds and where, ready to draw.

Input: placements made by the composer. Output: :class:`PlacedPage`, frozen, with its number, its
kind (``cover``, ``body`` or ``back``: which furniture the renderer draws), its blocks and boxes and
its sources line; and :func:`body_box`, the area a body page's blocks may fill.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.blocks.base import BaseBlock
from bulletin.blocks.kinds import HeadingBlock, RowBlock
from bulletin.compose.titles import SectionTitleBlock
from bulletin.geometry import Box
from bulletin.data.sources import Reference
from bulletin.textflow import TextLayout
from bulletin.theme import Theme

KINDS = ("cover", "body", "back")


@dataclass(frozen=True)
class PlacedPage:
    """A page ready to draw: its number, placed blocks, sources line and kind."""

    number: int
    placements: tuple[tuple[BaseBlock, Box], ...]
    sources: TextLayout
    sources_box: Box
    kind: str = "body"
    reference: Reference | None = None  # the source and date the sources line states (cards that differ are marked)

    def headings(self) -> list[tuple[BaseBlock, Box]]:
        """Section titles and headings of the page, in order, with the box of their top-level block."""
        found: list[tuple[BaseBlock, Box]] = []
        for block, box in self.placements:
            inner = block.children() if isinstance(block, RowBlock) else [block]
            found += [(b, box) for b in inner if isinstance(b, (SectionTitleBlock, HeadingBlock))]
        return found


def body_box(theme: Theme) -> Box:
    """The area between the running header and the footer, inside the margins."""
    page = theme.page
    top = page.margin_top + page.header_height
    bottom = page.height - page.margin_bottom - page.footer_height
    return Box(page.margin_left, top, page.width - page.margin_left - page.margin_right, bottom - top)
