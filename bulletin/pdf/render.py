"""Render stage: draw placed pages into a PDF file.

Input: the placed pages, the layout, the edition and the theme. Output: a PDF at the given
(temporary) path, with the page furniture (header band, footer, sources note), the outline, the
metadata and, for drafts, a « BROUILLON » watermark. ReportLab's invariant mode keeps it free of
the time of day.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from bulletin import __version__
from bulletin.blocks.base import draw_block
from bulletin.blocks.kinds import HeadingBlock
from bulletin.compose import PlacedPage, destinations, furniture
from bulletin.compose.titles import SectionTitleBlock
from bulletin.data.edition import Edition
from bulletin.errors import BulletinError, Problem, RenderError
from bulletin.layout_spec import LayoutSpec
from bulletin.pdf.structure import StructureRecorder
from bulletin.pdf.surface import Surface
from bulletin.theme import MM, Theme
from bulletin.typography import NBSP


@dataclass(frozen=True)
class RenderOptions:
    """How to render: draft watermark or not."""

    draft: bool = False


def document_title(layout: LayoutSpec, edition: Edition) -> str:
    """« Petites villes de demain — Chiffres clés — février 2022 », for the PDF metadata."""
    return furniture.document_title(layout, edition).replace(NBSP, " ")  # read by indexers, not line-broken


def render_pdf(pages: list[PlacedPage], layout: LayoutSpec, edition: Edition, theme: Theme,
               output: Path | None, options: RenderOptions) -> StructureRecorder:
    """Draw ``pages`` into the file ``output``; return the logical structure recorded while drawing.

    With ``output`` None everything is drawn the same way to a canvas in memory that is never saved:
    that is how ``check`` finds every drawing error ``build`` would meet. A block whose drawing fails
    is reported by name (all of them, then one :class:`RenderError`), never as a traceback.
    """
    canvas = _new_canvas(output, layout, edition, theme)
    structure = StructureRecorder()
    problems: list[Problem] = []
    targets = destinations(pages)
    for page in pages:
        structure.new_page()
        surface = Surface(canvas, theme.page.height, structure, targets)
        surface.reference = page.reference
        _outline(canvas, page, theme)
        problems += _draw_page(surface, page, len(pages), layout, edition, theme, options)
        canvas.showPage()
    if problems:
        raise RenderError(problems)
    if output is not None:
        canvas.save()
    return structure


def _new_canvas(path: Path | None, layout: LayoutSpec, edition: Edition, theme: Theme) -> Canvas:
    target = str(path) if path is not None else io.BytesIO()
    # Streams are left uncompressed: the post-processing (pikepdf) decodes and compresses every stream anyway.
    canvas = Canvas(target, pagesize=(theme.page.width, theme.page.height), invariant=1,
                    pageCompression=0, initialFontName=theme.font("regular"), lang="fr-FR")
    canvas.setTitle(document_title(layout, edition))
    canvas.setAuthor(layout.author)
    canvas.setSubject(layout.subject)
    canvas.setKeywords(", ".join(layout.keywords))
    canvas.setCreator(f"bulletin {__version__}")
    canvas.setViewerPreference("DisplayDocTitle", "true")
    canvas.showOutline()
    return canvas


def _outline(canvas: Canvas, page: PlacedPage, theme: Theme) -> None:
    """The cover, one outline entry per section where its title is set, and one per level-1 heading under it."""
    if page.kind == "cover":
        canvas.bookmarkPage("cover")
        canvas.addOutlineEntry("Couverture", "cover", level=0)
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
               theme: Theme, options: RenderOptions) -> list[Problem]:
    """Draw the page; return the problems of the blocks that could not be drawn."""
    problems: list[Problem] = []
    if page.kind == "cover":
        surface.structure.enter_section("cover")
    if page.kind == "body":
        with surface.artifact(pagination=True):
            _furniture_line(surface, furniture.running_header(layout, edition, theme), theme, theme.page.margin_top,
                            rule_below=True)
    for block, box in page.placements:
        try:
            draw_block(block, surface, box)
        except BulletinError as exc:
            problems += exc.problems
    surface.text_layout(page.sources, page.sources_box.x, page.sources_box.y, page.sources_box.width, role="P")
    if page.kind == "body":
        with surface.artifact(pagination=True):
            top = theme.page.height - theme.page.margin_bottom - theme.page.footer_height + 3 * MM
            _furniture_line(surface, furniture.footer(layout, edition, theme, page.number, count), theme, top,
                            rule_below=False)
    if options.draft:
        with surface.artifact():
            _watermark(surface, theme)
    return problems


def _furniture_line(surface: Surface, line: furniture.FurnitureLine, theme: Theme, top: float,
                    rule_below: bool) -> None:
    """A header or footer line: texts at left and right, and a rule under (header) or over (footer) them."""
    geometry = theme.page
    left, right = geometry.margin_left, geometry.width - geometry.margin_right
    if rule_below:
        baseline, rule, color, weight = top + line.size, top + line.size + 2.4 * MM, theme.color("primary"), 0.8
        title_color = theme.color("primary")
    else:
        baseline, rule, color, weight = top + 3.5 * MM, top, theme.color("rule"), 0.6
        title_color = theme.color("muted")
    surface.line(left, rule, right, rule, color, weight)
    surface.text(left, baseline, line.left, line.left_font, line.size, title_color)
    surface.text(right, baseline, line.right, line.right_font, line.size, theme.color("muted"), "right")


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
