"""The cover and the back page: designed pages outside the flow of sections.

Input: the layout's ``cover:`` and ``back:`` specs, the edition and the theme. Output: blocks placed
on a page — the logos the user supplied, the title band (programme, title, edition month, a stripe
of the sections' accents), the headline figures as key-figure cards; on the back page the blocks
flowed above a closing band with the publisher, and the partners' logos. Logo files are checked
here: a declared logo whose file is missing is an error naming the file and how to supply it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from PIL import Image

from bulletin.blocks.base import BaseBlock, Context
from bulletin.blocks.kinds import make_block
from bulletin.compose.notes import SourcesNote
from bulletin.compose.page import PlacedPage
from bulletin.errors import Problem, Where
from bulletin.geometry import Box, Measure, column_widths
from bulletin.pdf.images import image_problems
from bulletin.layout_spec import BlockSpec, LayoutSpec, LogoSpec
from bulletin.pdf.surface import Surface
from bulletin.textflow import Fragment, TextLayout, TextStyle, layout_text
from bulletin.theme import MM, Theme
from bulletin.typography import fr_decimal, fr_month

WHITE = "#FFFFFF"
LOGO_GAP = 8 * MM
LOGO_HINT = ("les logos (bloc-marque de l’État, ANCT, Petites villes de demain, partenaires) ne sont pas fournis avec "
             "le projet : déposez le fichier PNG ou JPEG remis par le service communication à ce chemin (relatif au "
             "fichier de mise en page), ou retirez ce logo de « logos: » — voir README, « Logos »")


@dataclass(frozen=True)
class Logo:
    """A logo file with its text alternative and its size on the page, in points."""

    path: Path
    alt: str
    width: float
    height: float


def load_logos(specs: tuple[LogoSpec, ...], base: Path) -> tuple[list[Logo], list[Problem]]:
    """The logos whose files are there and readable, and a problem for each one that is not."""
    logos, problems = [], []
    for spec in specs:
        path = (base / spec.path).resolve()
        found = image_problems(path, spec.where, f"logo « {spec.alt} »", LOGO_HINT)
        if found:
            problems += found
            continue
        with Image.open(path) as image:
            width, height = image.size
        logos.append(Logo(path, spec.alt, spec.height * MM * width / height, spec.height * MM))
    return logos, problems


class LogoRow(BaseBlock):
    """Logos side by side, bottoms aligned, each a Figure with its text alternative."""

    def __init__(self, spec: BlockSpec, ctx: Context, logos: list[Logo]) -> None:
        super().__init__(spec, ctx)
        self.logos = logos

    def measure(self, width: float) -> Measure:
        return Measure(max((logo.height for logo in self.logos), default=0.0))

    def width(self) -> float:
        """Width of the row: the logos and the gaps between them."""
        return sum(logo.width for logo in self.logos) + LOGO_GAP * max(len(self.logos) - 1, 0)

    def draw(self, surface: Surface, box: Box) -> None:
        x = box.x
        for logo in self.logos:
            y = box.bottom - logo.height
            with surface.figure(logo.alt, x, y, logo.width, logo.height):
                surface.image(logo.path, x, y, logo.width, logo.height)
            x += logo.width + LOGO_GAP

    def alt_text(self) -> str:
        return " ; ".join(logo.alt for logo in self.logos)


class CoverBand(BaseBlock):
    """The title band: programme, title and month in white on Bleu France, the sections' accents under it."""

    def __init__(self, spec: BlockSpec, ctx: Context, title: str, accents: tuple[str, ...]) -> None:
        super().__init__(spec, ctx)
        self.title = title
        self.accents = accents

    def _lines(self, width: float) -> tuple[TextLayout, TextLayout, TextLayout]:
        theme, bold = self.ctx.theme, self.ctx.theme.font("bold")
        subtitle = [Fragment(f.text, TextStyle(bold, 15, WHITE)) for f in self.ctx.fragments(self.options["subtitle"], "body")]
        title = layout_text([Fragment(self.title, TextStyle(bold, 38, WHITE))], width, 38 * 1.1)
        month = fr_month(self.ctx.edition.month_date)
        month_style = TextStyle(theme.font("regular"), 22, WHITE)
        return (layout_text(subtitle, width, 15 * 1.3), title,
                layout_text([Fragment(month[:1].upper() + month[1:], month_style)], width, 22 * 1.3))

    def _territory(self, width: float) -> TextLayout:
        """The territory's name under the title, in a territorial edition (nothing otherwise)."""
        name = self.ctx.edition.territory_name
        style = TextStyle(self.ctx.theme.font("bold"), 26, WHITE)
        return layout_text([Fragment(name, style)] if name else [], width, 26 * 1.2)

    def _fictitious(self, width: float) -> TextLayout:
        """« Données fictives » on the cover of an edition computed from generated indicators."""
        if not self.ctx.scope.fictitious:
            return layout_text([], width, 1)
        text = "Données fictives : indicateurs générés pour les essais, qui ne décrivent rien de réel"
        return layout_text([Fragment(text, TextStyle(self.ctx.theme.font("bold"), 11, WHITE))], width - 6 * MM, 11 * 1.3)

    def _extra(self, width: float) -> float:
        """Room taken by the territory's name and the « données fictives » badge (0 in a national edition)."""
        territory, fictitious = self._territory(width), self._fictitious(width)
        return (territory.height + 3 * MM if territory.lines else 0.0) + \
            (fictitious.height + 9 * MM if fictitious.lines else 0.0)

    def measure(self, width: float) -> Measure:
        subtitle, title, month = self._lines(width - 30 * MM)
        overflows = self.overflow(title, "le titre de couverture") + self.overflow(subtitle, "le sous-titre de couverture")
        overflows += self.overflow(self._territory(width - 30 * MM), "le nom du territoire")
        return Measure(24 * MM + subtitle.height + 4 * MM + title.height + 6 * MM + month.height + 20 * MM
                       + self._extra(width - 30 * MM), overflows)

    def draw(self, surface: Surface, box: Box) -> None:
        theme = self.ctx.theme
        surface.rect(0, box.y, theme.page.width, box.height, fill=theme.color("primary"))
        stripe = theme.page.width / max(len(self.accents), 1)
        for index, accent in enumerate(self.accents):
            surface.rect(index * stripe, box.bottom, stripe, 3 * MM, fill=theme.color(accent))
        x, width = box.x + 15 * MM, box.width - 30 * MM
        subtitle, title, month = self._lines(width)
        y = box.y + 24 * MM
        surface.text_layout(subtitle, x, y, width, role="P")
        y += subtitle.height + 4 * MM
        surface.text_layout(title, x, y, width, role="H1")
        y += title.height + 6 * MM
        territory = self._territory(width)
        if territory.lines:
            surface.text_layout(territory, x, y, width, role="P")
            y += territory.height + 3 * MM
        surface.text_layout(month, x, y, width, role="P")
        self._draw_fictitious(surface, x, y + month.height + 6 * MM, width)

    def _draw_fictitious(self, surface: Surface, x: float, y: float, width: float) -> None:
        badge = self._fictitious(width)
        if not badge.lines:
            return
        surface.rect(x, y, badge.width + 6 * MM, badge.height + 3 * MM, fill=self.ctx.theme.color("red"))
        surface.text_layout(badge, x + 3 * MM, y + 1.5 * MM, width - 6 * MM, role="P")


def cover_title(layout: LayoutSpec, ctx: Context) -> str:
    """The cover's title: its own, else the document's."""
    cover = layout.cover
    own = ctx.plain(cover.block.options["title"]) if cover else ""
    return own or layout.title or ctx.edition.title


def accents_of(layout: LayoutSpec, theme: Theme) -> tuple[str, ...]:
    """The distinct accents of the sections, in order (the cover's stripe), at most six; not the band's colour."""
    band = theme.color("primary")
    found = [s.accent for s in layout.sections if s.accent in theme.colors and theme.color(s.accent) != band]
    return tuple(dict.fromkeys(found))[:6] or ("primary",)


def figure_grid(blocks: list[BaseBlock], box: Box, theme: Theme) -> list[tuple[BaseBlock, Box]]:
    """Headline figures in one row (up to three) or two rows of two; cards of a row share their height."""
    per_row = 2 if len(blocks) == 4 else max(len(blocks), 1)
    placed, y = [], box.y
    for start in range(0, len(blocks), per_row):
        row = blocks[start:start + per_row]
        widths = column_widths(box.width, (), len(row), theme.column_gap)
        height = max(block.measure(w).height for block, w in zip(row, widths, strict=True))
        x = box.x
        for block, width in zip(row, widths, strict=True):
            placed.append((block, Box(x, y, width, height)))
            x += width + theme.column_gap
        y += height + theme.block_gap
    return placed


def publisher_spec(layout: LayoutSpec) -> BlockSpec:
    """A spec for the publisher's line (the cover's ``publisher:``, else the document's author)."""
    cover = layout.cover
    text = (cover.block.options["publisher"] if cover else "") or layout.author
    where = cover.block.where if cover else (layout.title_where or Where(layout.path))
    return BlockSpec("publisher", "editeur", MappingProxyType({"text": text}), where)


class PublisherLine(BaseBlock):
    """The publisher's name, in bold, in a given colour."""

    def __init__(self, spec: BlockSpec, ctx: Context, color: str) -> None:
        super().__init__(spec, ctx)
        self.color = color

    def _layout(self, width: float) -> TextLayout:
        style = TextStyle(self.ctx.theme.font("bold"), self.ctx.theme.sizes["lead"], self.color)
        return layout_text([Fragment(self.options["text"], style)], width, self.ctx.leading("lead"))

    def measure(self, width: float) -> Measure:
        layout = self._layout(width)
        return Measure(layout.height, self.overflow(layout, "le nom de l’éditeur"))

    def draw(self, surface: Surface, box: Box) -> None:
        surface.text_layout(self._layout(box.width), box.x, box.y, box.width, role="P")


def compose_cover(layout: LayoutSpec, ctx: Context, note: SourcesNote) -> tuple[PlacedPage | None, list[Problem]]:
    """The cover page: logos, the title band, the headline figures and the publisher; None without ``cover:``."""
    cover = layout.cover
    if cover is None:
        return None, []
    theme, page = ctx.theme, ctx.theme.page
    width = page.width - page.margin_left - page.margin_right
    logos, problems = load_logos(cover.logos, layout.path.parent)
    row = LogoRow(cover.block, ctx, logos)
    placed: list[tuple[BaseBlock, Box]] = []
    top = page.margin_top
    if logos:
        placed.append((row, Box(page.margin_left, top, row.width(), row.measure(width).height)))
        top = placed[-1][1].bottom
        problems += _too_wide(row, width, cover.block)
    accents = accents_of(layout, theme)  # the band's stripe; each headline card takes its colour from the stripe
    band = CoverBand(cover.block, ctx, cover_title(layout, ctx), accents)
    band_box = Box(0, top + 8 * MM if logos else 30 * MM, page.width, band.measure(page.width).height + 12 * MM)
    placed.append((band, band_box))
    figures = [make_block(spec, replace(ctx, accent=accents[i % len(accents)])) for i, spec in enumerate(cover.figures)]
    grid_box = Box(page.margin_left, band_box.bottom + 15 * MM, width, 0)
    placed += figure_grid(figures, grid_box, theme)
    publisher = PublisherLine(publisher_spec(layout), ctx, theme.color("primary"))
    body = Box(page.margin_left, page.margin_top, width, page.height - page.margin_top - page.margin_bottom)
    height = publisher.measure(width).height  # above the sources line, which the publisher adds nothing to
    publisher_box = Box(body.x, body.bottom - note.layout([b for b, _ in placed]).height - 4 * MM - height, width, height)
    problems += _crowded(placed[-1][1].bottom if figures else band_box.bottom, publisher_box.y, cover.block)
    return note.page([*placed, (publisher, publisher_box)], body, "cover"), problems


def _too_wide(row: LogoRow, width: float, spec: BlockSpec) -> list[Problem]:
    excess = row.width() - width
    return [] if excess <= 0.01 else [Problem(spec.where, f"les logos ne tiennent pas sur une ligne : ils dépassent de "
                                              f"{fr_decimal(excess / MM, 1)} mm", "réduisez leur hauteur (height:)")]


def _crowded(bottom: float, limit: float, spec: BlockSpec) -> list[Problem]:
    excess = bottom - (limit - 6 * MM)
    return [] if excess <= 0.01 else [Problem(spec.where, f"la couverture est trop remplie : les chiffres dépassent de "
                                              f"{fr_decimal(excess / MM, 1)} mm", "raccourcissez leurs libellés, "
                                              "ou donnez trois chiffres au lieu de quatre")]
