"""Render stage: draw placed pages into a PDF file.

Input: the placed pages, the layout, the edition and the theme. Output: a PDF at the given
(temporary) path, with the page furniture (header band, footer, sources note), the outline, the
metadata and, for drafts, a « BROUILLON » watermark. ReportLab's invariant mode keeps it free of
the time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from bulletin import __version__
from bulletin.edition import Edition
from bulletin.layout_spec import LayoutSpec
from bulletin.compose import PlacedPage
from bulletin.blocks import HeadingBlock
from bulletin.compose.titles import SectionTitleBlock
from bulletin.structure import StructureRecorder
from bulletin.surface import Surface
from bulletin.theme import MM, Theme
from bulletin.typography import NBSP, fr_month


@dataclass(frozen=True)
class RenderOptions:
    """How to render: draft watermark or not."""

    draft: bool = False


def document_title(layout: LayoutSpec, edition: Edition) -> str:
    """« Petites villes de demain — Chiffres clés — février 2022 »."""
    title = f"{layout.title or edition.title} — {fr_month(edition.month_date)}"
    return title.replace(NBSP, " ")  # metadata is read by indexers, not line-broken


def render_pdf(pages: list[PlacedPage], layout: LayoutSpec, edition: Edition, theme: Theme,
               output: Path, options: RenderOptions) -> StructureRecorder:
    """Draw ``pages`` into the file ``output``; return the logical structure recorded while drawing."""
    canvas = _new_canvas(output, layout, edition, theme)
    structure = StructureRecorder()
    for page in pages:
        structure.new_page()
        surface = Surface(canvas, theme.page.height, structure)
        _outline(canvas, page, theme)
        _draw_page(surface, page, len(pages), layout, edition, theme, options)
        canvas.showPage()
    canvas.save()
    return structure


def _new_canvas(path: Path, layout: LayoutSpec, edition: Edition, theme: Theme) -> Canvas:
    canvas = Canvas(str(path), pagesize=(theme.page.width, theme.page.height), invariant=1,
                    pageCompression=1, initialFontName=theme.font("regular"), lang="fr-FR")
    canvas.setTitle(document_title(layout, edition))
    canvas.setAuthor(layout.author)
    canvas.setSubject(layout.subject)
    canvas.setKeywords(", ".join(layout.keywords))
    canvas.setCreator(f"bulletin {__version__}")
    canvas.setViewerPreference("DisplayDocTitle", "true")
    canvas.showOutline()
    return canvas


def _outline(canvas: Canvas, page: PlacedPage, theme: Theme) -> None:
    """One outline entry per section where its title is set, and one per level-1 heading under it."""
    for index, (block, box) in enumerate(page.headings()):
        if isinstance(block, SectionTitleBlock):
            key, level, title = block.destination, 0, block.title
        elif isinstance(block, HeadingBlock):
            key, level, title = f"page-{page.number}-h{index}", 1, block.title
        else:
            continue
        canvas.bookmarkHorizontalAbsolute(key, theme.page.height - box.y + 4)
        canvas.addOutlineEntry(title, key, level=level)


def _draw_page(surface: Surface, page: PlacedPage, count: int, layout: LayoutSpec, edition: Edition,
               theme: Theme, options: RenderOptions) -> None:
    with surface.artifact(pagination=True):
        _header(surface, layout, edition, theme)
    for block, box in page.placements:
        block.draw(surface, box)
    surface.text_layout(page.sources, page.sources_box.x, page.sources_box.y, page.sources_box.width, role="P")
    with surface.artifact(pagination=True):
        _footer(surface, page, count, layout, edition, theme)
    if options.draft:
        with surface.artifact():
            _watermark(surface, theme)


def running_title(layout: LayoutSpec, edition: Edition) -> str:
    """The programme title of the running header, in capitals."""
    return (layout.title or edition.title).upper()


def _header(surface: Surface, layout: LayoutSpec, edition: Edition, theme: Theme) -> None:
    """The slim running header: programme title at left, edition month at right, a rule under them."""
    geometry = theme.page
    left, right = geometry.margin_left, geometry.width - geometry.margin_right
    size, baseline = theme.sizes["footer"], geometry.margin_top + theme.sizes["footer"]
    surface.text(left, baseline, running_title(layout, edition), theme.font("bold"), size, theme.color("primary"))
    surface.text(right, baseline, fr_month(edition.month_date), theme.font("regular"), size, theme.color("muted"), "right")
    rule = baseline + 2.4 * MM
    surface.line(left, rule, right, rule, theme.color("primary"), 0.8)


def _footer(surface: Surface, page: PlacedPage, count: int, layout: LayoutSpec, edition: Edition,
            theme: Theme) -> None:
    geometry = theme.page
    y = geometry.height - geometry.margin_bottom - geometry.footer_height + 3 * MM
    left, right = geometry.margin_left, geometry.width - geometry.margin_right
    size, muted = theme.sizes["footer"], theme.color("muted")
    surface.line(left, y, right, y, theme.color("rule"), 0.6)
    surface.text(left, y + 3.5 * MM, f"{document_title(layout, edition)} — ANCT", theme.font("regular"), size, muted)
    surface.text(right, y + 3.5 * MM, f"page{NBSP}{page.number}{NBSP}/{NBSP}{count}", theme.font("regular"),
                 size, muted, "right")


def _watermark(surface: Surface, theme: Theme) -> None:
    canvas = surface.canvas
    canvas.saveState()
    canvas.setFillColor(HexColor(theme.color("red")))
    canvas.setFillAlpha(0.13)
    canvas.translate(theme.page.width / 2, theme.page.height / 2)
    canvas.rotate(50)
    canvas.setFont(theme.font("bold"), 92)
    canvas.drawCentredString(0, -30, "BROUILLON")
    canvas.restoreState()
