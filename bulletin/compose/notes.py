"""The sources line at the bottom of each page, and the room it keeps free while the page fills.

Input: the blocks placed on a page (what they print), the edition and the theme. Output: the laid-out
line « Source : ANCT, données au 1er février 2022 sauf mention contraire. Autres sources : … » and the
:class:`~bulletin.compose.plan.PlacedPage` with that line set at the bottom of its body.
"""

from __future__ import annotations

from bulletin.data import sources
from bulletin.blocks.base import BaseBlock, Context
from bulletin.compose.page import PlacedPage
from bulletin.data.edition import Edition
from bulletin.territorial.scope import NATIONAL, Scope
from bulletin.geometry import Box
from bulletin.textflow import Fragment, TextLayout, layout_text
from bulletin.theme import MM, Theme

NOTE_GAP = 3 * MM  # between the last block and the sources line


class SourcesNote:
    """The sources line at the bottom of a page, and the room it takes."""

    def __init__(self, edition: Edition, theme: Theme, width: float, scope: Scope = NATIONAL) -> None:
        self.ctx = Context(edition, theme, "blue", edition.folder, reference=sources.reference(edition), scope=scope)
        self.width = width
        self._printed: dict[BaseBlock, list[sources.Provenance]] = {}  # a page is measured for every block tried

    def _provenances(self, blocks: list[BaseBlock]) -> list[sources.Provenance]:
        """What ``blocks`` print, each block asked once (the key holds the block: no other can take its place)."""
        for block in blocks:
            if block not in self._printed:
                self._printed[block] = block.provenances()
        return [p for block in blocks for p in self._printed[block]]

    def reference(self, blocks: list[BaseBlock]) -> sources.Reference:
        """The source and date the page states: those most of its numbers share."""
        return sources.page_reference(self._provenances(blocks), self.ctx.ref)

    def layout(self, blocks: list[BaseBlock]) -> TextLayout:
        """The note for the numbers ``blocks`` print (empty when they print none)."""
        provenances = self._provenances(blocks)
        if not provenances:
            return layout_text([], self.width, self.ctx.leading("note"))
        text = sources.page_line(provenances, self.reference(blocks))
        if any(p.status == "illustrative" for p in provenances):
            label = self.ctx.illustrative_label
            text += f" Les valeurs marquées « {label} » ne proviennent pas d’une source publiée." if not \
                self.ctx.scope.fictitious else f" Les valeurs marquées « {label} » sont générées pour les essais : " \
                "elles ne décrivent rien de réel."
        style = self.ctx.style("note", "regular", "muted")
        return layout_text([Fragment(text, style)], self.width, self.ctx.leading("note"))

    def reserve(self, blocks: list[BaseBlock]) -> float:
        """Room to keep free at the bottom of a page holding ``blocks``."""
        height = self.layout(blocks).height
        return height + NOTE_GAP if height else 0.0

    def page(self, placements: list[tuple[BaseBlock, Box]], body: Box, kind: str = "body") -> PlacedPage:
        """The placed page with its note set at the bottom of ``body`` (numbered later)."""
        blocks = [block for block, _ in placements]
        note = self.layout(blocks)
        box = Box(body.x, body.bottom - note.height, body.width, note.height)
        return PlacedPage(0, tuple(placements), note, box, kind, self.reference(blocks))
