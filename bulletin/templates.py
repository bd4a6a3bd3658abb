"""Text templates of the layout: literal text, ``**bold**`` and ``{figure.key:style}`` slots.

Input: a template string from the layout. Output: a tuple of :class:`Piece` (literal text or a
figure reference, each bold or not). Figures are formatted later, by the typography module;
their text is never parsed as markup, so dataset strings cannot inject anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bulletin.errors import nearest, quoted

STYLES = ("compact", "month", "bare", "national")
NATIONAL = "national"  # {key:national}: the national edition's value of the key (« France : 96 % »)
_SLOT = re.compile(r"\{\{|\}\}|\*\*|\{([^{}]*)\}")
_REF = re.compile(r"^([a-z0-9_]+(?:\.[a-z0-9_]+)*)(?::([a-z]+))?$")


class TemplateSyntaxError(ValueError):
    """A template slot is malformed; the message says which and how to write it."""


@dataclass(frozen=True)
class Piece:
    """Literal ``text``, or a reference to figure ``key`` formatted with ``style``."""

    text: str = ""
    key: str | None = None
    style: str | None = None
    bold: bool = False


def parse_template(template: str) -> tuple[Piece, ...]:
    """Split ``template`` into pieces; raise TemplateSyntaxError on a bad slot."""
    pieces: list[Piece] = []
    bold, position = False, 0
    for match in _SLOT.finditer(template):
        _add_text(pieces, template[position:match.start()], bold)
        position = match.end()
        token = match.group(0)
        if token == "**":
            bold = not bold
        elif token in ("{{", "}}"):
            _add_text(pieces, token[0], bold)
        else:
            pieces.append(_reference(match.group(1), bold))
    rest = template[position:]
    if "{" in rest or "}" in rest:
        raise TemplateSyntaxError(f"accolade seule dans {quoted(rest)} : écrivez {{{{ ou }}}} pour une accolade")
    _add_text(pieces, rest, bold)
    return tuple(pieces)


def _add_text(pieces: list[Piece], text: str, bold: bool) -> None:
    if "}" in text or "{" in text:
        raise TemplateSyntaxError(f"accolade seule dans {quoted(text)} : écrivez {{{{ ou }}}} pour une accolade")
    if text:
        pieces.append(Piece(text=text, bold=bold))


def _reference(slot: str, bold: bool) -> Piece:
    match = _REF.match(slot.strip())
    if not match:
        raise TemplateSyntaxError(f"{{{slot}}} n’est pas une référence à un chiffre : écrivez {{section.cle}} ou "
                                  "{section.cle:style}")
    key, style = match.group(1), match.group(2)
    if style is not None and style not in STYLES:
        raise TemplateSyntaxError(f"{{{slot}}} : style inconnu {quoted(style)} ; styles possibles : "
                                  f"{', '.join(STYLES)}" + _nearest(style, STYLES))
    return Piece(key=key, style=style, bold=bold)


def _nearest(name: str, choices: tuple[str, ...]) -> str:
    close = nearest(name, choices)
    return f" ; {close}" if close else ""


def is_template(value: object) -> bool:
    """True for a parsed template (a non-empty tuple of pieces)."""
    return isinstance(value, tuple) and bool(value) and isinstance(value[0], Piece)


def template_options(options: Mapping[str, Any]) -> Iterator[tuple[str, tuple[Piece, ...]]]:
    """(name, pieces) of each template a block holds: its template options, each template of a list
    option (``legend``) and each label of a list of ``{figure, label}`` (``figures``)."""
    for name, value in options.items():
        if is_template(value):
            yield name, value
        elif isinstance(value, tuple):
            for item in value:
                if is_template(item):
                    yield name, item
                elif isinstance(item, tuple) and len(item) == 2 and is_template(item[1]):
                    yield name, item[1]


def printed_keys(options: Mapping[str, Any], national: bool = True) -> list[str]:
    """Keys of the figures a block prints: its templates', its ``figure`` and ``target``, its chart ``figures``.
    Without ``national``, only those printed as the edition's own values: no ``{key:national}``, nor what the
    ``national:`` line cites."""
    keys = [piece.key for name, pieces in template_options(options) if national or name != "national"
            for piece in pieces if piece.key and (national or piece.style != NATIONAL)]
    keys += [options[name] for name in ("figure", "target") if options.get(name)]
    return keys + [key for key, _ in options.get("figures") or ()]


def referenced_keys(pieces: tuple[Piece, ...]) -> list[str]:
    """Figure keys a parsed template refers to, in order."""
    return [piece.key for piece in pieces if piece.key]
