"""The logical structure of the bulletin, recorded while drawing, for a tagged PDF.

Input: calls made by the blocks and the page furniture as they draw (``element``, ``mark``,
``artifact``, ``annotation``). Output: a tree of :class:`Node` — Document → Sect → H1/H2/P/Figure/
Link/Table… in the layout's reading order — whose leaves are marked-content ids (MCIDs) per page
and link annotations. :mod:`bulletin.pdf.tagging` turns it into the PDF structure tree. Plain data,
no PDF library here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MarkRef:
    """Marked content ``mcid`` on page ``page`` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class AnnotRef:
    """The ``index``-th link annotation created on page ``page``."""

    page: int
    index: int


@dataclass
class Node:
    """A structure element: role (P, H1, Figure…), children in reading order, optional text alternative."""

    role: str
    alt: str = ""
    bbox: tuple[float, float, float, float] | None = None  # PDF coordinates, for figures and tables
    scope: str = ""  # TH: Column or Row
    kids: list[Node | MarkRef | AnnotRef] = field(default_factory=list)


@dataclass
class Annotation:
    """A link annotation as recorded: page, position in the page's /Annots, description."""

    page: int
    index: int
    description: str


class StructureRecorder:
    """Builds the structure tree while pages are drawn."""

    def __init__(self) -> None:
        self.root = Node("Document")
        self.stack: list[Node] = [self.root]
        self.page = -1
        self.next_mcid = 0
        self.annotations: list[Annotation] = []
        self.annotations_on_page = 0
        self.section_title: str | None = None
        self.heading_depth = 0  # level of the last heading, for headings that never skip a level

    def new_page(self) -> None:
        """Start counting MCIDs and annotations for the next page."""
        self.page += 1
        self.next_mcid = 0
        self.annotations_on_page = 0

    def enter_section(self, title: str) -> bool:
        """Open a Sect for ``title`` unless the previous page's section goes on; True when new."""
        if title == self.section_title:
            return False
        self.stack = [self.root]
        self.open("Sect")
        self.section_title = title
        self.heading_depth = 0
        return True

    @property
    def current(self) -> Node:
        """The innermost open element."""
        return self.stack[-1]

    def open(self, role: str, alt: str = "", bbox: tuple[float, float, float, float] | None = None,
             scope: str = "") -> Node:
        """Open a child element of the current one and make it current."""
        node = Node(role, alt, bbox, scope)
        self.current.kids.append(node)
        self.stack.append(node)
        if role[:1] == "H" and role[1:].isdigit():
            self.heading_depth = int(role[1:])
        return node

    def resume(self, node: Node) -> None:
        """Make an element opened earlier current again (a table going on over the next page): what is drawn
        now becomes its children, after those drawn before. Close it with :meth:`close`."""
        self.stack.append(node)

    def close(self, node: Node) -> None:
        """Close ``node`` (and anything left open inside it)."""
        while self.stack[-1] is not node:
            self.stack.pop()
        self.stack.pop()

    def mark(self) -> int:
        """A new MCID on this page, attached to the current element."""
        mcid = self.next_mcid
        self.next_mcid += 1
        self.current.kids.append(MarkRef(self.page, mcid))
        return mcid

    def annotation(self, description: str) -> None:
        """Record the link annotation just created, as a child of the current element."""
        self.annotations.append(Annotation(self.page, self.annotations_on_page, description))
        self.current.kids.append(AnnotRef(self.page, self.annotations_on_page))
        self.annotations_on_page += 1
