"""The layout of one edition: the blocks that make sense for it, and no national figure passed off as a territory's.

Input: the layout spec and the edition's :class:`~bulletin.territorial.scope.Scope`. Output: the layout
of that edition — blocks and sections marked ``national_only`` left out of territorial editions, those
marked ``territorial_only`` left out of the national one, maps and commune tables left out of an edition
without a register (a map also without its outlines) — and, for a territorial edition, an error for
every measured figure a block would print that is not computed for the territory (it would be the
national value under the territory's name), unless written ``{key:national}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from types import MappingProxyType

from bulletin.data.edition import Edition
from bulletin.errors import Problem, nearest
from bulletin.layout_spec import BlockSpec, LayoutSpec, SectionSpec
from bulletin.data.sources import MEASURED_UNITS
from bulletin.templates import NATIONAL, printed_keys, template_options
from bulletin.territorial.scope import Scope

REGISTER_BLOCKS = ("map", "communes")  # blocks drawn from the commune register
LEVELS = {"departements": "dep", "regions": "reg"}


def edition_layout(layout: LayoutSpec, scope: Scope) -> tuple[LayoutSpec, list[Problem]]:
    """The layout of the edition of ``scope``, and a warning for each map left out of a territorial edition."""
    warnings: list[Problem] = []
    sections = tuple(s for s in (_section(section, scope, warnings) for section in layout.sections) if s)
    cover = layout.cover
    if cover is not None:
        cover = replace(cover, figures=tuple(f for f in cover.figures if _kept(f, scope, warnings)))
    back = layout.back
    if back is not None:
        back = replace(back, blocks=_blocks(back.blocks, scope, warnings))
    return replace(layout, sections=sections, cover=cover, back=back), warnings


def _section(section: SectionSpec, scope: Scope, warnings: list[Problem]) -> SectionSpec | None:
    if not _for_edition(section.editions, scope):
        return None
    blocks = _blocks(section.blocks, scope, warnings)
    return replace(section, blocks=blocks) if blocks else None


def _blocks(blocks: tuple[BlockSpec, ...], scope: Scope, warnings: list[Problem]) -> tuple[BlockSpec, ...]:
    kept = []
    for block in blocks:
        if not _kept(block, scope, warnings):
            continue
        row = _row(block, scope, warnings) if block.type == "row" else block
        if row is not None:
            kept.append(row)
    return tuple(kept)


def _row(row: BlockSpec, scope: Scope, warnings: list[Problem]) -> BlockSpec | None:
    """The row with its columns' blocks filtered; a column left empty goes, with its width."""
    widths = row.options.get("widths") or ()
    columns, kept_widths = [], []
    for index, column in enumerate(row.columns):
        blocks = _blocks(column, scope, warnings)
        if blocks:
            columns.append(blocks)
            kept_widths += [widths[index]] if index < len(widths) else []
    if not columns:
        return None
    options = {**row.options, "widths": tuple(kept_widths) if len(kept_widths) == len(columns) else ()}
    return replace(row, columns=tuple(columns), options=MappingProxyType(options))


def _for_edition(editions: str, scope: Scope) -> bool:
    return not editions or editions == ("territorial" if scope.territorial else "national")


def _kept(block: BlockSpec, scope: Scope, warnings: list[Problem]) -> bool:
    if not _for_edition(block.editions, scope):
        return False
    if block.type not in REGISTER_BLOCKS:
        return True
    if block.type == "map" and scope.register is not None and LEVELS[block.options["outlines"]] not in scope.outlines:
        if scope.territorial:
            warnings.append(Problem(block.where, f"bloc « {block.id} » : carte laissée de côté, les contours des "
                                    f"{block.options['outlines']} ne sont pas configurés",
                                    f"ajoutez outlines_{block.options['outlines']} = \"chemin.geojson\" à "
                                    "bulletin.toml (voir docs/project.md)", warning=True))
        return False
    return scope.register is not None  # the national edition without register: as if the block were not there


def territorial_problems(layout: LayoutSpec, edition: Edition, scope: Scope) -> list[Problem]:
    """The register's names a map or a commune table uses and, in a territorial edition, every figure or
    series a block prints that is not computed for the territory."""
    found = [problem for block in layout.blocks() for problem in _register_names(block, scope)]
    if scope.territorial:
        found += [problem for block in layout.blocks() for problem in _block_problems(block, edition, scope)]
    return found


def _register_names(block: BlockSpec, scope: Scope) -> Iterator[Problem]:
    """A map's ``values`` is a figure of register.yaml; a commune table's columns are its indicators."""
    if scope.register is None or block.type not in REGISTER_BLOCKS:
        return
    spec = scope.register.spec
    values = block.options.get("values", "communes")
    if block.type == "map" and values != "communes" and values not in {d.key for d in spec.figures}:
        yield Problem(block.where, f"bloc « {block.id} » : values: « {values} » n’est pas un chiffre déclaré dans "
                      f"{spec.path.name}", nearest(str(values), [d.key for d in spec.figures],
                                                   "écrivez values: communes, ou une clé déclarée sous figures:"))
    for column in block.options.get("indicators") or ():
        if column.indicator not in spec.indicators:
            yield Problem(block.where, f"bloc « {block.id} » : l’indicateur « {column.indicator} » n’est pas déclaré "
                          f"dans {spec.path.name}", nearest(column.indicator, spec.indicators, "indicateurs déclarés "
                                                            f": {', '.join(spec.indicators) or 'aucun'}"))


HINT = ("marquez le bloc national_only: true, écrivez {{{key}:national}} pour l’imprimer comme chiffre de la France, "
        "ou déclarez-le dans register.yaml")


def _block_problems(block: BlockSpec, edition: Edition, scope: Scope) -> Iterator[Problem]:
    where = f"bloc « {block.id} »"
    for key in printed_keys(block.options, national=False):
        figure = edition.figures.get(key)
        if figure is not None and figure.unit in MEASURED_UNITS and key not in scope.computed:
            yield Problem(block.where, f"{where} : « {key} » n’est pas calculé pour {edition.territory_name} : "
                          "l’imprimer ferait passer le chiffre national pour celui du territoire", HINT.format(key=key))
    for name in (*block.options.get("series", ()), *block.options.get("history", ())):
        if name not in scope.computed:
            yield Problem(block.where, f"{where} : la série « {name} » n’est pas calculée pour "
                          f"{edition.territory_name}", "marquez le bloc national_only: true, ou déclarez la série "
                          "dans register.yaml")
    for option, pieces in template_options(block.options):
        for piece in pieces:
            if piece.key and piece.style == NATIONAL and scope.national and piece.key not in scope.national.figures:
                yield Problem(block.where, f"{where} : {{{piece.key}:national}} : l’édition nationale n’a pas ce "
                              "chiffre", "corrigez la clé : la valeur « France » vient de figures.csv")
            elif piece.key and option == "national" and piece.style != NATIONAL:
                yield Problem(block.where, f"{where} : national: cite {{{piece.key}}} : la ligne « France » "
                              "imprimerait la valeur du territoire", f"écrivez {{{piece.key}:national}}")
