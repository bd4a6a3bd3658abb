"""The flow of sections: every section's blocks in reading order, each section opened by its title.

Input: the layout spec, the edition, the theme and the history. Output: the :class:`FlowItem`s the
flow places, each block built with its section's :class:`~bulletin.blocks.base.Context` (accent, the
reference of the sources line, the entries a sommaire of that section lists).
"""

from __future__ import annotations

from bulletin.data import sources
from bulletin.blocks.base import ContentsEntry, Context
from bulletin.blocks.kinds import make_block
from bulletin.compose.flow import FlowItem
from bulletin.compose.titles import SectionTitleBlock, section_destination
from bulletin.data.edition import Edition
from bulletin.data.history import History
from bulletin.layout_spec import LayoutSpec
from bulletin.territorial.scope import NATIONAL, Scope
from bulletin.theme import Theme

BACK_DESTINATION = "back"
BACK_ACCENT = "primary"


def contents_entries(layout: LayoutSpec) -> tuple[ContentsEntry, ...]:
    """Every section that sets a title, then the back page when it has one: what a sommaire lists."""
    entries = [ContentsEntry(section.title, section_destination(index), section.accent)
               for index, section in enumerate(layout.sections) if not section.continues]
    if layout.back and layout.back.title:
        entries.append(ContentsEntry(layout.back.title, BACK_DESTINATION, BACK_ACCENT))
    return tuple(entries)


def flow_items(layout: LayoutSpec, edition: Edition, theme: Theme, history: History,
               scope: Scope = NATIONAL) -> list[FlowItem]:
    """The blocks of every section in reading order, each section opened by its title."""
    items: list[FlowItem] = []
    reference = sources.reference(edition)
    entries = contents_entries(layout)
    for index, section in enumerate(layout.sections):
        listed = tuple(e for e in entries if e.destination != section_destination(index))
        ctx = Context(edition, theme, section.accent, layout.path.parent, history, reference, listed, scope)
        blocks = [make_block(spec, ctx) for spec in section.blocks]
        if not section.continues:
            blocks.insert(0, SectionTitleBlock(section, ctx, index))
        items += [FlowItem(block, section.new_page and position == 0) for position, block in enumerate(blocks)]
    return items
