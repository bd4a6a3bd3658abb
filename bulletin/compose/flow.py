"""Flow: pour a sequence of blocks into page bodies, top to bottom, page after page.

Input: :class:`FlowItem`s (a block, and whether it must start a new page), the body box of a page,
the gap between blocks and a function giving the room to keep free at the bottom of a page for the
blocks it holds (the page's sources line). Output: the placements of each page and the blocks too
tall for any page (:class:`TooTall`).

Rules: a block that says ``keep_with_next`` (a heading, a section title) goes on the page of the
block after it; a block that does not fit goes to the next page, unless it can ``split``, in which
case the part that fits stays; rows, charts and key figures never split; a rule or a space is
dropped where a page breaks. Nothing here knows how blocks look.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bulletin.geometry import Box, Overflow

Placement = tuple[Any, Box]


@dataclass(frozen=True)
class FlowItem:
    """A block to place; ``new_page``: start a new page before it (unless the page is still empty)."""

    block: Any
    new_page: bool = False


@dataclass(frozen=True)
class TooTall:
    """``block`` does not fit on an empty page ``page`` (1-based among the flowed pages) by ``amount`` points."""

    block: Any
    page: int
    amount: float


@dataclass(frozen=True)
class FlowResult:
    """The placements of each page, the blocks too tall for a page and the overflows inside blocks."""

    pages: list[list[Placement]]
    too_tall: list[TooTall]
    overflows: list[Overflow]


class Flow:
    """The page-filling loop; one instance flows one sequence of blocks."""

    def __init__(self, body: Box, gap: float, reserve: Callable[[list[Any]], float]) -> None:
        self.body = body
        self.gap = gap
        self.reserve = reserve
        self.pages: list[list[Placement]] = [[]]
        self.too_tall: list[TooTall] = []
        self.overflows: list[Overflow] = []

    def run(self, items: Sequence[FlowItem]) -> FlowResult:
        """Place every item; return the pages (never an empty one) and what could not fit."""
        queue = deque(items)
        while queue:
            group = self._group(queue)
            if group[0].new_page and self.pages[-1]:
                self._new_page()
            self._place(group, queue)
        self._drop_trailing_breakables()
        pages = [page for page in self.pages if page]
        return FlowResult(pages or [[]], self.too_tall, self.overflows)

    @staticmethod
    def _group(queue: deque[FlowItem]) -> list[FlowItem]:
        """The next block with the blocks that must stay with it (a heading chain and what follows it)."""
        group = [queue.popleft()]
        while queue and group[0].block.keep_with_next and \
                (group[-1].block.keep_with_next or group[-1].block.discard_at_break):
            group.append(queue.popleft())  # a rule after a heading does not separate it from its block
        return group

    def _place(self, group: list[FlowItem], queue: deque[FlowItem]) -> None:
        page = self.pages[-1]
        if not page and group[0].block.discard_at_break:
            group = group[1:]  # a rule or a space at the top of a page says nothing
            if not group:
                return
        blocks = [item.block for item in group]
        boxes, overflows, bottom = self._stack(blocks)
        limit = self._limit(blocks)
        if bottom <= limit + 0.01:
            self._commit(blocks, boxes, overflows)
            return
        if self._place_split(blocks, limit, queue):
            return
        if page:
            self._new_page()
            queue.extendleft(reversed(group))
            return
        self._report_too_tall(blocks, boxes, bottom - limit)
        self._commit(blocks, boxes, overflows)
        self._new_page()

    def _stack(self, blocks: list[Any]) -> tuple[list[Box], list[Overflow], float]:
        """Boxes of ``blocks`` stacked below what the current page holds, the overflows inside them (each
        block measured once) and the bottom they reach."""
        page = self.pages[-1]
        y = page[-1][1].bottom if page else self.body.y
        boxes: list[Box] = []
        overflows: list[Overflow] = []
        for block in blocks:
            if page or boxes:
                y += block.space_before(self.gap)
            measure = block.measure(self.body.width)
            boxes.append(Box(self.body.x, y, self.body.width, measure.height))
            overflows.extend(measure.overflows)
            y += measure.height
        return boxes, overflows, y

    def _limit(self, blocks: list[Any]) -> float:
        """Lowest y the blocks may reach once the page's bottom note has its room."""
        return self.body.bottom - self.reserve([block for block, _ in self.pages[-1]] + blocks)

    def _place_split(self, blocks: list[Any], limit: float, queue: deque[FlowItem]) -> bool:
        """Keep on this page the leading blocks and the part of the last one that fits; queue the rest."""
        *heads, last = blocks
        *_, start = self._stack(heads)
        space = last.space_before(self.gap) if (self.pages[-1] or heads) else 0.0
        parts = last.split(self.body.width, limit - start - space)
        if parts is None:
            return False
        first, rest = parts
        boxes, overflows, _ = self._stack([*heads, first])
        self._commit([*heads, first], boxes, overflows)
        self._new_page()
        queue.appendleft(FlowItem(rest))
        return True

    def _commit(self, blocks: list[Any], boxes: list[Box], overflows: list[Overflow]) -> None:
        self.pages[-1].extend(zip(blocks, boxes, strict=True))
        self.overflows.extend(overflows)

    def _new_page(self) -> None:
        self._drop_trailing_breakables()
        self.pages.append([])

    def _drop_trailing_breakables(self) -> None:
        page = self.pages[-1]
        while page and page[-1][0].discard_at_break:
            page.pop()

    def _report_too_tall(self, blocks: list[Any], boxes: list[Box], amount: float) -> None:
        """Name the block that crosses the bottom: the one too tall, not the page's last one."""
        limit = self._limit(blocks)
        culprit = next((block for block, box in zip(blocks, boxes, strict=True) if box.bottom > limit + 0.01),
                       blocks[-1])
        self.too_tall.append(TooTall(culprit, len(self.pages), amount))
