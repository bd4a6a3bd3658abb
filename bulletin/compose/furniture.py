"""Page furniture measured before drawing: the running header and the footer.

Input: the layout, the edition and the theme. Output: the texts of the running header (programme
title, edition month) and of the footer, their fonts and sizes, and the problems when one of them
does not fit its line — measured with the theme's real fonts, so that a wider typeface is caught by
``check`` instead of being clipped on paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.data.edition import Edition
from bulletin.errors import Problem, Where
from bulletin.pdf.fonts import text_width
from bulletin.layout_spec import LayoutSpec
from bulletin.theme import MM, Theme
from bulletin.typography import NBSP, fr_decimal, fr_month

SEPARATION = 6 * MM  # least space between the left and right texts of a header or footer line


@dataclass(frozen=True)
class FurnitureLine:
    """A line of page furniture: a text at the left and one at the right."""

    left: str
    right: str
    left_font: str
    right_font: str
    size: float

    def overflow(self, width: float) -> float:
        """By how many points the two texts and their separation exceed ``width``."""
        used = text_width(self.left, self.left_font, self.size) + text_width(self.right, self.right_font, self.size)
        return used + SEPARATION - width


def document_title(layout: LayoutSpec, edition: Edition) -> str:
    """« Petites villes de demain — Chiffres clés — février 2022 », « … — Nièvre (58) — février 2022 »."""
    territory = f" — {edition.territory_name}" if edition.territory_name else ""
    return f"{layout.title or edition.title}{territory} — {fr_month(edition.month_date)}"


def running_header(layout: LayoutSpec, edition: Edition, theme: Theme) -> FurnitureLine:
    """Programme title in capitals at the left, edition month (after the territory's name) at the right."""
    territory = f"{edition.territory_name} — " if edition.territory_name else ""
    return FurnitureLine((layout.title or edition.title).upper(), territory + fr_month(edition.month_date),
                         theme.font("bold"), theme.font("regular"), theme.sizes["footer"])


def footer(layout: LayoutSpec, edition: Edition, theme: Theme, number: int, count: int) -> FurnitureLine:
    """Document title and publisher at the left, « page n / N » at the right."""
    return FurnitureLine(f"{document_title(layout, edition)} — {layout.author}",
                         f"page{NBSP}{number}{NBSP}/{NBSP}{count}", theme.font("regular"), theme.font("regular"),
                         theme.sizes["footer"])


def furniture_problems(layout: LayoutSpec, edition: Edition, theme: Theme, count: int) -> list[Problem]:
    """The running header or footer lines that would be clipped, named at the layout's title."""
    width = theme.page.width - theme.page.margin_left - theme.page.margin_right
    where = layout.title_where or Where(layout.path)
    problems = []
    for name, line in (("l’en-tête courant", running_header(layout, edition, theme)),
                       ("le pied de page", footer(layout, edition, theme, count, count))):
        excess = line.overflow(width)
        if excess > 0.01:
            problems.append(Problem(where, f"le titre « {line.left} » ne tient pas dans {name} : il dépasse de "
                                    f"{fr_decimal(excess / MM, 1)} mm avec la police {line.left_font}",
                                    "raccourcissez document: title:, ou choisissez une police moins large dans le "
                                    "thème"))
    return problems
