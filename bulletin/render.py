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
from bulletin.pages import PlacedPage
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
    previous_section = None
    for page in pages:
        structure.new_page()
        surface = Surface(canvas, theme.page.height, structure)
        _outline(canvas, page, previous_section, theme)
        previous_section = page.spec.section
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


def _outline(canvas: Canvas, page: PlacedPage, previous_section: str | None, theme: Theme) -> None:
    """One outline entry per section, and one per level-1 heading under it."""
    key = f"page-{page.number}"
    canvas.bookmarkPage(key)
    if page.spec.section != previous_section:
        canvas.addOutlineEntry(page.spec.section, key, level=0)
    for index, (block, box) in enumerate(page.headings()):
        heading_key = f"{key}-h{index}"
        canvas.bookmarkHorizontalAbsolute(heading_key, theme.page.height - box.y + 4)
        canvas.addOutlineEntry(block.title, heading_key, level=1)


def _draw_page(surface: Surface, page: PlacedPage, count: int, layout: LayoutSpec, edition: Edition,
               theme: Theme, options: RenderOptions) -> None:
    new_section = surface.structure.enter_section(page.spec.section)
    _header(surface, page, layout, edition, theme, new_section)
    for block, box in page.placements:
        block.draw(surface, box)
    surface.text_layout(page.sources, page.sources_box.x, page.sources_box.y, page.sources_box.width, role="P")
    with surface.artifact(pagination=True):
        _footer(surface, page, count, layout, edition, theme)
    if options.draft:
        with surface.artifact():
            _watermark(surface, theme)


def _header(surface: Surface, page: PlacedPage, layout: LayoutSpec, edition: Edition, theme: Theme,
            new_section: bool) -> None:
    """The band with the programme name, the month and the section title (an H1 where a section starts)."""
    geometry = theme.page
    band = geometry.margin_top + geometry.header_height
    left, right = geometry.margin_left, geometry.width - geometry.margin_right
    small, bold = theme.sizes["footer"] + 1, theme.font("bold")
    with surface.artifact(pagination=True):
        surface.rect(0, 0, geometry.width, band, fill=theme.color("primary"))
        surface.rect(0, band, geometry.width, 1.6 * MM, fill=theme.color(page.spec.accent))
        surface.text(left, geometry.margin_top + small, (layout.title or edition.title).upper(), bold, small, "#FFFFFF")
        surface.text(right, geometry.margin_top + small, fr_month(edition.month_date), theme.font("regular"),
                     small, "#FFFFFF", "right")
    title = (left, band - 5 * MM, page.spec.section, bold, theme.sizes["section"], "#FFFFFF")
    if new_section:
        with surface.element("H1"):
            surface.text(*title)
    else:  # the same section goes on: its title repeats as page furniture
        with surface.artifact(pagination=True):
            surface.text(*title)


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
