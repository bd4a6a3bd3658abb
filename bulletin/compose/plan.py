"""Compose the publication: the cover, the sections flowed into page bodies, the back page.

Input: the layout spec, the edition, the theme and the history. Output: the numbered
:class:`PlacedPage`s in order (blocks with their boxes, sources line, kind) and the fit problems,
each naming the layout file, line, block and the overflow in millimetres — for a block too tall for
any page, also its page.
"""

from __future__ import annotations

from dataclasses import replace

from bulletin.data import sources
from bulletin.blocks.base import Context
from bulletin.compose.back import compose_back
from bulletin.compose.checks import image_files_problems
from bulletin.compose.cover import compose_cover
from bulletin.compose.flow import Flow, TooTall
from bulletin.compose.notes import SourcesNote
from bulletin.compose.page import PlacedPage, body_box
from bulletin.compose.sections import BACK_ACCENT, contents_entries, flow_items
from bulletin.compose.titles import SectionTitleBlock
from bulletin.data.edition import Edition
from bulletin.errors import Problem
from bulletin.geometry import Overflow
from bulletin.data.history import History
from bulletin.layout_spec import LayoutSpec
from bulletin.territorial.scope import NATIONAL, Scope
from bulletin.theme import MM, Theme
from bulletin.typography import fr_decimal


def compose(layout: LayoutSpec, edition: Edition, theme: Theme, history: History | None = None,
            scope: Scope = NATIONAL) -> tuple[list[PlacedPage], list[Problem]]:
    """Compose every page; return them numbered from 1 (the cover) with every fit problem."""
    history = history or History()
    body = body_box(theme)
    note = SourcesNote(edition, theme, body.width, scope)
    ctx = Context(edition, theme, BACK_ACCENT, layout.path.parent, history, sources.reference(edition),
                  contents_entries(layout), scope)
    cover, problems = compose_cover(layout, ctx, note)
    result = Flow(body, theme.block_gap, note.reserve).run(flow_items(layout, edition, theme, history, scope))
    back, back_problems, back_overflows = compose_back(layout, ctx, note)
    before = 1 if cover else 0
    pages = ([cover] if cover else []) + [note.page(p, body) for p in result.pages] + ([back] if back else [])
    pages = [replace(page, number=number) for number, page in enumerate(pages, start=1)]
    fits = [fit_problem(o) for o in result.overflows + back_overflows]
    fits += [too_tall_problem(t, before) for t in result.too_tall]
    return pages, image_files_problems(layout) + problems + back_problems + list(dict.fromkeys(fits))


def destinations(pages: list[PlacedPage]) -> dict[str, int]:
    """Named destination of each section title -> the number of the page it is set on."""
    return {block.destination: page.number for page in pages for block, _ in page.headings()
            if isinstance(block, SectionTitleBlock)}


def fit_problem(overflow: Overflow) -> Problem:
    """A user-facing problem for an overflow inside a block: file, line, block id and by how much."""
    return Problem(overflow.spec.where,
                   f"bloc « {overflow.spec.id} » ({overflow.spec.type}) : débordement de "
                   f"{fr_decimal(overflow.amount / MM, 1)} mm : {overflow.what}",
                   "raccourcissez le texte, réduisez la taille, élargissez la colonne ou déplacez des blocs")


def too_tall_problem(too_tall: TooTall, pages_before: int = 0) -> Problem:
    """A block that no page can hold: its line, id, page and by how much."""
    spec = too_tall.block.spec
    return Problem(spec.where, f"bloc « {spec.id} » ({spec.type}) : trop haut pour une page, il dépasse de "
                   f"{fr_decimal(too_tall.amount / MM, 1)} mm le bas de la page {too_tall.page + pages_before}",
                   "réduisez sa hauteur (height:), raccourcissez son texte ou répartissez son contenu en "
                   "plusieurs blocs ; seuls les textes se coupent d’une page à l’autre")
