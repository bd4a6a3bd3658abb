"""Geometry shared by the layout stage: boxes, measures and vertical stacking.

Input: blocks that can measure themselves for a width. Output: the :class:`Box` of each block
(top-left origin, points) and the overflows found. Nothing here knows about PDF or pages' looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from bulletin.layout_spec import BlockSpec


@dataclass(frozen=True)
class Box:
    """A rectangle in points, from the page's top-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        """y of the lower edge."""
        return self.y + self.height

    def inset(self, dx: float, dy: float) -> Box:
        """The box shrunk by ``dx`` left and right and ``dy`` top and bottom."""
        return Box(self.x + dx, self.y + dy, self.width - 2 * dx, self.height - 2 * dy)


@dataclass(frozen=True)
class Overflow:
    """Content of block ``spec`` exceeds its box by ``amount`` points (``what`` says where)."""

    spec: BlockSpec
    amount: float
    what: str


@dataclass(frozen=True)
class Measure:
    """Height a block needs at a given width, and what does not fit inside it."""

    height: float
    overflows: tuple[Overflow, ...] = ()


class Block(Protocol):
    """The block protocol: say how tall you are for a width, then draw in a box."""

    spec: BlockSpec

    def measure(self, width: float) -> Measure: ...

    def draw(self, surface: Any, box: Box) -> None: ...


B = TypeVar("B", bound=Block)


def stack(blocks: Sequence[B], box: Box, gap: float) -> tuple[list[tuple[B, Box]], list[Overflow]]:
    """Place ``blocks`` top to bottom in ``box``; report inner overflows and running off the bottom."""
    placed: list[tuple[B, Box]] = []
    overflows: list[Overflow] = []
    y = box.y
    for block in blocks:
        measure = block.measure(box.width)
        overflows.extend(measure.overflows)
        placed.append((block, Box(box.x, y, box.width, measure.height)))
        y += measure.height + gap
    end = y - gap if blocks else box.y
    if end > box.bottom + 0.01:
        overflows.append(Overflow(blocks[-1].spec, end - box.bottom, "la page (les blocs dépassent la marge du bas)"))
    return placed, overflows


def column_widths(total: float, weights: Sequence[float], count: int, gap: float) -> list[float]:
    """Split ``total`` points into ``count`` columns separated by ``gap``, by ``weights``."""
    weights = list(weights) if weights else [1.0] * count
    usable = total - gap * (count - 1)
    return [usable * w / sum(weights) for w in weights]
