"""The block protocol's common ground: what a block reads, what every block answers, how one is drawn.

Input: a :class:`~bulletin.layout_spec.BlockSpec` and the :class:`Context` of its page (the edition,
the theme, the page's accent, the history, the sources reference, the territory's scope). Output:
:class:`BaseBlock`, the default answers of the block protocol of :mod:`bulletin.geometry` that every
block kind (:mod:`bulletin.blocks.kinds`, the cover's and section titles' blocks of
:mod:`bulletin.compose`, the map and the commune table) builds on, and :func:`draw_block`, which turns
any drawing failure into an error naming the block.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bulletin.data import sources
from bulletin.data.edition import Edition, Figure
from bulletin.data.history import History
from bulletin.data.sources import MEASURED_UNITS, Provenance, Reference
from bulletin.errors import BulletinError, Problem
from bulletin.geometry import Box, Measure, Overflow
from bulletin.layout_spec import BlockSpec
from bulletin.pdf.surface import Surface
from bulletin.templates import NATIONAL, Piece, template_options
from bulletin.territorial.scope import NATIONAL as NATIONAL_SCOPE, Scope
from bulletin.textflow import Fragment, TextLayout, TextStyle
from bulletin.theme import Theme
from bulletin.typography import format_value

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the sommaire: a section's title, its named destination and its accent."""

    title: str
    destination: str
    accent: str


@dataclass(frozen=True)
class Context:
    """What every block of a page may read: the edition, the theme and the page's accent."""

    edition: Edition
    theme: Theme
    accent: str
    base_dir: Path
    history: History = History()
    reference: Reference | None = None  # the page line's date and source (computed from the edition if None)
    contents: tuple[ContentsEntry, ...] = ()  # what a sommaire in this section lists
    scope: Scope = NATIONAL_SCOPE  # the edition's territory, its register and outlines

    @property
    def illustrative_label(self) -> str:
        """What values that come from no published source are marked with: « données fictives » when the
        edition is computed from generated indicators, « données illustratives » otherwise."""
        return "données fictives" if self.scope.fictitious else "données illustratives"

    @property
    def ref(self) -> Reference:
        """The reference date and source that printed numbers are compared with."""
        return self.reference or sources.reference(self.edition)

    def style(self, size: str, weight: str = "regular", color: str = "text") -> TextStyle:
        """A text style from theme names."""
        return TextStyle(self.theme.font(weight), self.theme.sizes[size], self.theme.color(color))

    def leading(self, size: str) -> float:
        """Line height for a theme size name."""
        return self.theme.sizes[size] * self.theme.leading

    def fragments(self, pieces: tuple[Piece, ...], size: str, color: str = "text") -> list[Fragment]:
        """Render template pieces: figures formatted by their unit, never parsed as markup."""
        out = []
        for piece in pieces:
            text = piece.text if piece.key is None else self.format_figure(piece.key, piece.style)
            out.append(Fragment(text, self.style(size, "bold" if piece.bold else "regular", color)))
        return out

    def plain(self, pieces: tuple[Piece, ...]) -> str:
        """A template rendered to plain text (figures formatted, no bold)."""
        return "".join(f.text for f in self.fragments(pieces, "body"))

    def format_figure(self, key: str, style: str | None = None) -> str:
        """The French text of a figure's value (``national``: the national edition's value of the key)."""
        if style == NATIONAL:
            figure = self.national_figure(key)
            return format_value(figure.value, figure.unit)
        figure = self.edition.figures[key]
        return format_value(figure.value, figure.unit, style)

    def national_figure(self, key: str) -> Figure:
        """The figure ``key`` of the national edition (the edition itself when it is the national one)."""
        return (self.scope.national or self.edition).figures[key]

    def provenance(self, key: str, style: str | None = None) -> Provenance:
        """Provenance of figure ``key`` (of the national edition's for ``{key:national}``)."""
        figure = self.national_figure(key) if style == NATIONAL else self.edition.figures[key]
        return Provenance(figure.source, figure.as_of, figure.status)


class BaseBlock:
    """Shared plumbing: spec, context and default answers of the block protocol.

    For the page composer a block also says whether it stays with the next one
    (``keep_with_next``: headings), whether it is dropped where a page breaks (``discard_at_break``:
    rules and spaces) and, by :meth:`split`, whether it can be cut across two pages. Blocks are atomic
    unless they answer :meth:`split`.
    """

    keep_with_next = False
    discard_at_break = False

    def __init__(self, spec: BlockSpec, ctx: Context) -> None:
        self.spec = spec
        self.ctx = ctx
        self.options = spec.options

    def split(self, width: float, height: float) -> tuple[BaseBlock, BaseBlock] | None:
        """The part that fits in ``height`` and the rest, or None when the block cannot be cut there."""
        return None

    def space_before(self, gap: float) -> float:
        """Vertical space above the block when it follows another one on the page."""
        return gap

    def provenances(self) -> list[Provenance]:
        """Provenance of every measured figure this block prints (counts, shares, amounts).

        Dates, years, texts and links name events or things: they have no as-of date to show.
        """
        figures = self.ctx.edition.figures
        found = [self.ctx.provenance(key) for key in self.figure_keys() if figures[key].unit in MEASURED_UNITS]
        national = [self.ctx.provenance(p.key, NATIONAL) for _, pieces in self.printed_templates() for p in pieces
                    if p.key and p.style == NATIONAL and self.ctx.national_figure(p.key).unit in MEASURED_UNITS]
        return found + national

    def printed_templates(self) -> list[tuple[str, tuple[Piece, ...]]]:
        """(option, pieces) of every template this block prints."""
        return list(template_options(self.options))

    def figure_keys(self) -> list[str]:
        """Keys of the edition's figures this block prints, in reading order (``{key:national}`` apart)."""
        return [piece.key for _, pieces in self.printed_templates() for piece in pieces
                if piece.key and piece.style != NATIONAL]

    def alt_text(self) -> str:
        """What a screen reader should say for this block ('' when its text says it all)."""
        return ""

    def measure(self, width: float) -> Measure:
        """Height needed at ``width`` (each block type answers)."""
        raise NotImplementedError

    def draw(self, surface: Surface, box: Box) -> None:
        """Draw in ``box`` (each block type answers)."""
        raise NotImplementedError

    def overflow(self, layout: TextLayout, what: str) -> tuple[Overflow, ...]:
        """An overflow record when ``layout`` has a word wider than its box."""
        return (Overflow(self.spec, layout.overflow, what),) if layout.overflow > 0.01 else ()


def draw_block(block: BaseBlock, surface: Surface, box: Box) -> None:
    """Draw ``block``; any failure becomes a located error naming the block (never a traceback).

    The innermost block that fails is named: an error already raised by a block inside a row passes
    through the row unchanged.
    """
    try:
        block.draw(surface, box)
    except BulletinError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the drawing code raises, the user needs the block
        log.debug("drawing block %s failed", block.spec.id, exc_info=True)
        text = " ".join(str(exc).split())[:160]
        detail = f"{type(exc).__name__} : {text}" if text else type(exc).__name__
        raise BulletinError(Problem(block.spec.where, f"bloc « {block.spec.id} » ({block.spec.type}) : le dessin a "
                                    f"échoué ({detail})", "vérifiez les données et les fichiers de ce bloc ; si "
                                    "elles sont correctes, signalez l’erreur avec ce message")) from exc
