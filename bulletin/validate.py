"""Validate stage: check the edition against itself and against the layout that prints it.

Input: an :class:`~bulletin.edition.Edition` and a :class:`~bulletin.layout_spec.LayoutSpec`.
Output: a list of problems (errors and warnings), each with file, line or key and a fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bulletin.edition import Edition, is_safe_url
from bulletin.errors import Problem, Where
from bulletin.layout_spec import BlockSpec, LayoutSpec
from bulletin.templates import Piece
from bulletin.typography import TypographyError, format_value

NUMERIC_UNITS = ("count", "percent", "eur")
DIGIT = re.compile(r"\d+")


def validate(edition: Edition, layout: LayoutSpec) -> list[Problem]:
    """Every problem of the edition and of its use by ``layout``."""
    problems = list(check_edition(edition))
    used: set[str] = set()
    for block in layout.blocks():
        problems.extend(_check_block(block, edition, used))
    problems.extend(_unused_figures(edition, used))
    return problems


def check_edition(edition: Edition) -> Iterator[Problem]:
    """Figures dated after publication, and links that will not be clickable."""
    for figure in edition.figures.values():
        if figure.as_of > edition.published:
            yield Problem(figure.where, f"key {figure.key!r}: as_of {figure.as_of} is after the publication date "
                          f"{edition.published}", "correct as_of or the published date in edition.yaml")
        if figure.unit == "url" and not is_safe_url(str(figure.value)):
            yield Problem(figure.where, f"key {figure.key!r}: {figure.value!r} is not an http(s) or mailto link; "
                          "it will be printed as plain text, not clickable", "use an https:// address", warning=True)
    for points in edition.series.values():
        for point in points:
            if point.as_of > edition.published:
                yield Problem(point.where, f"series {point.series!r}: as_of {point.as_of} is after the publication "
                              f"date {edition.published}", "correct as_of")


def _templates(block: BlockSpec) -> Iterator[tuple[str, tuple[Piece, ...]]]:
    for name, value in block.options.items():
        if isinstance(value, tuple) and value and isinstance(value[0], Piece):
            yield name, value


def _check_block(block: BlockSpec, edition: Edition, used: set[str]) -> Iterator[Problem]:
    for name, pieces in _templates(block):
        for piece in pieces:
            if piece.key is None:
                yield from _no_typed_numbers(block, name, piece.text)
            else:
                yield from _check_reference(block, edition, piece.key, name, used, style=piece.style)
    labels = [block.options.get("prefix") or ""] + list(block.options.get("legend") or ())
    labels += [label for _, label in block.options.get("figures") or ()]
    for label in labels:
        yield from _no_typed_numbers(block, "label", label)
    for name in ("figure", "target"):
        if block.options.get(name):
            yield from _check_reference(block, edition, block.options[name], name, used, numeric=name != "figure"
                                        or block.type == "key_figure", url=block.type == "link")
    for key, _ in block.options.get("figures") or ():
        yield from _check_reference(block, edition, key, "figures", used, numeric=True)
    yield from _check_series(block, edition)
    yield from _check_shape(block)


def _no_typed_numbers(block: BlockSpec, option: str, text: str) -> Iterator[Problem]:
    """Figures are data: a number typed in the layout would escape validation and updates."""
    for match in DIGIT.finditer(text):
        yield Problem(block.where, f"block {block.id!r}: option {option!r} types the number {match.group()!r}",
                      "put the number in figures.csv and write {section.key} in the text")


def _check_reference(block: BlockSpec, edition: Edition, key: str, option: str, used: set[str], *,
                     style: str | None = None, numeric: bool = False, url: bool = False) -> Iterator[Problem]:
    used.add(key)
    figure = edition.figures.get(key)
    if figure is None and key in edition.broken_keys:
        return
    if figure is None:
        yield Problem(block.where, f"block {block.id!r}: {option} key {key!r} is not in "
                      f"{edition.folder / 'figures.csv'}", "add the figure to the data, or correct the key")
        return
    if numeric and figure.unit not in NUMERIC_UNITS:
        yield Problem(block.where, f"block {block.id!r}: {option} {key!r} has unit {figure.unit!r}, not a number",
                      f"use a figure of unit {', '.join(NUMERIC_UNITS)}")
    if url and figure.unit != "url":
        yield Problem(block.where, f"block {block.id!r}: figure {key!r} has unit {figure.unit!r}", "a link needs unit url")
    try:
        format_value(figure.value, figure.unit, style)
    except TypographyError as exc:
        yield Problem(block.where, f"block {block.id!r}: {{{key}:{style}}}: {exc}", "remove or change the style")


def _check_series(block: BlockSpec, edition: Edition) -> Iterator[Problem]:
    for name in block.options.get("series") or ():
        if name not in edition.series:
            yield Problem(block.where, f"block {block.id!r}: series {name!r} is not in "
                          f"{edition.folder / 'series.csv'}", "add its points to series.csv or correct the name")


def _check_shape(block: BlockSpec) -> Iterator[Problem]:
    if block.type == "chart":
        kind, options = block.options["kind"], block.options
        if kind == "line" and not options["series"]:
            yield Problem(block.where, f"block {block.id!r}: a line chart needs series:", "list series names")
        if kind != "line" and not options["figures"]:
            yield Problem(block.where, f"block {block.id!r}: a {kind} chart needs figures:", "list {figure, label}")
    if block.type == "link" and bool(block.options["figure"]) == bool(block.options["url"]):
        yield Problem(block.where, f"block {block.id!r}: a link needs exactly one of figure: or url:", "")
    if block.type == "link" and block.options["url"] and not is_safe_url(block.options["url"]):
        yield Problem(block.where, f"block {block.id!r}: url {block.options['url']!r} is not http(s) or mailto",
                      "use an https:// or mailto: address")


def _unused_figures(edition: Edition, used: set[str]) -> Iterator[Problem]:
    if edition.reference_population:
        used.add(edition.reference_population)
    for key in sorted(set(edition.figures) - used):
        figure = edition.figures[key]
        yield Problem(Where(figure.where.path, figure.where.line), f"figure {key!r} is not used by the layout",
                      "remove it or quote it in a block", warning=True)
