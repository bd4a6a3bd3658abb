"""Section titles set in the flow of the page: the H1 of each section, in the section's accent.

Input: a :class:`~bulletin.layout_spec.SectionSpec` and its :class:`~bulletin.blocks.base.Context`.
Output: a block that measures and draws the title (a light band, the accent bar, the title), opens the
section in the tagged structure and stays with the block that follows it.
"""

from __future__ import annotations

from types import MappingProxyType

from bulletin.blocks.base import BaseBlock, Context
from bulletin.geometry import Box, Measure
from bulletin.layout_spec import BlockSpec, SectionSpec
from bulletin.pdf.surface import Surface
from bulletin.textflow import Fragment, TextLayout, layout_text
from bulletin.theme import MM

BAR_WIDTH = 2.4 * MM
TEXT_INDENT = 6.5 * MM
PAD = 2.2 * MM


def section_destination(index: int) -> str:
    """The named destination of the section at ``index`` (0-based) in the layout."""
    return f"section-{index + 1}"


class SectionTitleBlock(BaseBlock):
    """The title of a section, where the section starts (not a page header)."""

    keep_with_next = True

    def __init__(self, section: SectionSpec, ctx: Context, index: int, destination: str = "") -> None:
        destination = destination or section_destination(index)
        spec = BlockSpec("section", destination, MappingProxyType({"title": section.title}), section.where)
        super().__init__(spec, ctx)
        self.title = section.title
        self.destination = destination  # named destination: outline and sommaire links

    def _layout(self, width: float) -> TextLayout:
        style = self.ctx.style("section", "bold", "primary")
        return layout_text([Fragment(self.title, style)], width - TEXT_INDENT - PAD, self.ctx.leading("section"))

    def measure(self, width: float) -> Measure:
        layout = self._layout(width)
        return Measure(layout.height + 2 * PAD, self.overflow(layout, "le titre de section"))

    def space_before(self, gap: float) -> float:
        return 2 * gap  # a new section breathes more than the blocks inside one

    def draw(self, surface: Surface, box: Box) -> None:
        """A light band, the section's accent as a thick bar at its left, the title in Bleu France."""
        layout = self._layout(box.width)
        surface.structure.enter_section(self.destination)
        surface.rect(box.x, box.y, box.width, box.height, fill=self.ctx.theme.color("panel"))
        surface.rect(box.x, box.y, BAR_WIDTH, box.height, fill=self.ctx.theme.color(self.ctx.accent))
        surface.text_layout(layout, box.x + TEXT_INDENT, box.y + PAD, box.width - TEXT_INDENT - PAD, role="H1")

    def alt_text(self) -> str:
        return self.title
