"""Checks of the layout against the theme and the files it names, before composing.

Input: the layout spec and the theme. Output: problems — an accent that is not a theme colour, an
image block whose file is missing or unreadable — each at its layout line.
"""

from __future__ import annotations

from bulletin.errors import Problem, nearest, quoted
from bulletin.pdf.images import image_problems
from bulletin.layout_spec import LayoutSpec
from bulletin.theme import Theme


def accent_problems(layout: LayoutSpec, theme: Theme) -> list[Problem]:
    """Accents (of sections and of key figures) must name colours of the theme."""
    named = [(section.accent, section.accent_where) for section in layout.sections]
    named += [(spec.options["accent"], spec.where_of("accent")) for spec in layout.blocks()
              if spec.type == "key_figure" and spec.options["accent"]]
    hint = f"choisissez une couleur du thème {theme.path.name} : {', '.join(theme.colors)}"
    return [Problem(where, f"la couleur d’accent {quoted(name)} n’est pas une couleur du thème",
                    nearest(name, theme.colors, hint))
            for name, where in named if name not in theme.colors]


def image_files_problems(layout: LayoutSpec) -> list[Problem]:
    """Every image block's file must exist and be a readable PNG or JPEG."""
    return [problem for spec in layout.blocks() if spec.type == "image"
            for problem in image_problems((layout.path.parent / spec.options["path"]).resolve(), spec.where_of("path"),
                                          f"bloc « {spec.id} » (image)")]
