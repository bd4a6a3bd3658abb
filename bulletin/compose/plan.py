"""Compose the pages: sections flowed into page bodies, each page with its sources line.

Input: the layout spec, the edition, the theme and the history. Output: the :class:`PlacedPage`s
in order (blocks with their boxes, sources line) and the fit problems, each naming the layout file,
line, block and the overflow in millimetres — for a block too tall for any page, also its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.blocks import BaseBlock, Context, HeadingBlock, RowBlock, make_block
from bulletin.compose.flow import Flow, FlowItem, TooTall
from bulletin.compose.titles import SectionTitleBlock
from bulletin.edition import Edition
from bulletin.errors import Problem
from bulletin.geometry import Box, Overflow
from bulletin import sources
from bulletin.history import History
from bulletin.images import image_problems
from bulletin.layout_spec import LayoutSpec
from bulletin.textflow import Fragment, TextLayout, layout_text
from bulletin.theme import MM, Theme
from bulletin.typography import fr_decimal

NOTE_GAP = 3 * MM  # between the last block and the sources line


@dataclass(frozen=True)
class PlacedPage:
    """A page ready to draw: its number, placed blocks and sources line."""

    number: int
    placements: tuple[tuple[BaseBlock, Box], ...]
    sources: TextLayout
    sources_box: Box

    def blocks(self) -> list[BaseBlock]:
        """Every block of the page, rows expanded, in reading order."""
        found: list[BaseBlock] = []
        for block, _ in self.placements:
            found.extend(block.children() if isinstance(block, RowBlock) else [block])
        return found

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


def compose(layout: LayoutSpec, edition: Edition, theme: Theme,
            history: History | None = None) -> tuple[list[PlacedPage], list[Problem]]:
    """Flow every section into pages; return the pages and every fit problem."""
    items = flow_items(layout, edition, theme, history or History())
    body = body_box(theme)
    note = SourcesNote(edition, theme, body.width)
    result = Flow(body, theme.block_gap, note.reserve).run(items)
    pages = [note.page(number, placements, body) for number, placements in enumerate(result.pages, start=1)]
    problems = _unique([fit_problem(o) for o in result.overflows] + [too_tall_problem(t) for t in result.too_tall])
    return pages, image_files_problems(layout) + problems


def accent_problems(layout: LayoutSpec, theme: Theme) -> list[Problem]:
    """Accents (of sections and of key figures) must name colours of the theme."""
    named = [(section.accent, section.accent_where) for section in layout.sections]
    named += [(spec.options["accent"], spec.where) for spec in layout.blocks()
              if spec.type == "key_figure" and spec.options["accent"]]
    hint = f"choisissez une couleur du thème {theme.path.name} : {', '.join(theme.colors)}"
    return [Problem(where, f"la couleur d’accent « {name} » n’est pas une couleur du thème", hint)
            for name, where in named if name not in theme.colors]


def image_files_problems(layout: LayoutSpec) -> list[Problem]:
    """Every image block's file must exist and be a readable PNG or JPEG."""
    return [problem for spec in layout.blocks() if spec.type == "image"
            for problem in image_problems((layout.path.parent / spec.options["path"]).resolve(), spec.where,
                                          f"bloc « {spec.id} » (image)")]


def flow_items(layout: LayoutSpec, edition: Edition, theme: Theme, history: History) -> list[FlowItem]:
    """The blocks of every section in reading order, each section opened by its title."""
    items: list[FlowItem] = []
    reference = sources.reference(edition)
    for index, section in enumerate(layout.sections):
        ctx = Context(edition, theme, section.accent, layout.path.parent, history, reference)
        blocks = [make_block(spec, ctx) for spec in section.blocks]
        if not section.continues:
            blocks.insert(0, SectionTitleBlock(section, ctx, index))
        items += [FlowItem(block, section.new_page and position == 0) for position, block in enumerate(blocks)]
    return items


class SourcesNote:
    """The sources line at the bottom of a page, and the room it takes."""

    def __init__(self, edition: Edition, theme: Theme, width: float) -> None:
        self.ctx = Context(edition, theme, "blue", edition.folder, reference=sources.reference(edition))
        self.width = width

    def layout(self, blocks: list[BaseBlock]) -> TextLayout:
        """The note for the numbers ``blocks`` print (empty when they print none)."""
        provenances = [p for block in blocks for p in block.provenances()]
        if not provenances:
            return layout_text([], self.width, self.ctx.leading("note"))
        text = sources.page_line(provenances, self.ctx.ref)
        if any(p.status == "illustrative" for p in provenances):
            text += " Les valeurs marquées « données illustratives » ne proviennent pas d’une source publiée."
        style = self.ctx.style("note", "regular", "muted")
        return layout_text([Fragment(text, style)], self.width, self.ctx.leading("note"))

    def reserve(self, blocks: list[BaseBlock]) -> float:
        """Room to keep free at the bottom of a page holding ``blocks``."""
        height = self.layout(blocks).height
        return height + NOTE_GAP if height else 0.0

    def page(self, number: int, placements: list[tuple[BaseBlock, Box]], body: Box) -> PlacedPage:
        """The placed page with its note set at the bottom of the body."""
        note = self.layout([block for block, _ in placements])
        box = Box(body.x, body.bottom - note.height, body.width, note.height)
        return PlacedPage(number, tuple(placements), note, box)


def fit_problem(overflow: Overflow) -> Problem:
    """A user-facing problem for an overflow inside a block: file, line, block id and by how much."""
    return Problem(overflow.spec.where,
                   f"block {overflow.spec.id!r} ({overflow.spec.type}): {overflow.what} overflows by "
                   f"{overflow.amount / MM:.1f} mm",
                   "shorten the text, use a smaller size, widen the column or move blocks to another page")


def too_tall_problem(too_tall: TooTall) -> Problem:
    """A block that no page can hold: its line, id, page and by how much."""
    spec = too_tall.block.spec
    return Problem(spec.where, f"bloc « {spec.id} » ({spec.type}) : trop haut pour une page, il dépasse de "
                   f"{fr_decimal(too_tall.amount / MM, 1)} mm le bas de la page {too_tall.page}",
                   "réduisez sa hauteur (height:), raccourcissez son texte ou répartissez son contenu en "
                   "plusieurs blocs ; seuls les textes se coupent d’une page à l’autre")


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
