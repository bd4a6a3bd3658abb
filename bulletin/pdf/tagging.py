"""Post-process stage: write the recorded logical structure into the PDF (a tagged PDF).

Input: a pikepdf document rendered with marked content, and the :class:`StructureRecorder`
filled while drawing. Output: ``/StructTreeRoot`` with one structure element per node (in the
layout's reading order), marked-content references and link-annotation references as leaves,
the ``/ParentTree`` that maps each page's MCIDs back to their elements, ``/StructParents`` on
pages, ``/StructParent`` and ``/Contents`` on link annotations, ``/MarkInfo``, and tab order
following the structure (ISO 32000-1 §14.7–14.8, ISO 14289-1 §7).
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from bulletin.pdf.structure import AnnotRef, MarkRef, Node, StructureRecorder


class _TreeWriter:
    """Turns nodes into structure elements and fills the parent tree."""

    def __init__(self, pdf: pikepdf.Pdf, structure: StructureRecorder) -> None:
        self.pdf = pdf
        self.pages = [page.obj for page in pdf.pages]
        self.marks: dict[int, dict[int, pikepdf.Object]] = {}
        self.annotation_keys: list[tuple[int, pikepdf.Object]] = []
        self.descriptions = {(a.page, a.index): a.description for a in structure.annotations}

    def element(self, node: Node, parent: pikepdf.Object) -> pikepdf.Object:
        elem = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent))
        if node.alt:
            elem.Alt = String(node.alt)
        if node.bbox:
            elem.A = Dictionary(O=Name.Layout, BBox=Array([round(v, 2) for v in node.bbox]))
        if node.scope:
            elem.A = Dictionary(O=Name.Table, Scope=Name("/" + node.scope))
        kids = [self.kid(kid, elem) for kid in node.kids if not _empty(kid)]
        elem.K = kids[0] if len(kids) == 1 else Array(kids)
        return elem

    def kid(self, kid: Node | MarkRef | AnnotRef, elem: pikepdf.Object) -> pikepdf.Object:
        if isinstance(kid, Node):
            return self.element(kid, elem)
        page = self.pages[kid.page]
        if isinstance(kid, MarkRef):
            self.marks.setdefault(kid.page, {})[kid.mcid] = elem
            return Dictionary(Type=Name.MCR, Pg=page, MCID=kid.mcid)
        annotation = page.Annots[kid.index]
        annotation.Contents = String(self.descriptions[(kid.page, kid.index)])
        self.annotation_keys.append((len(self.annotation_keys), elem))
        annotation.StructParent = len(self.pages) + len(self.annotation_keys) - 1
        return Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)

    def parent_tree(self) -> Dictionary:
        nums = Array()
        for index, page in enumerate(self.pages):
            marks = self.marks.get(index, {})
            page.StructParents = index
            nums.append(index)
            nums.append(self.pdf.make_indirect(Array([marks[m] for m in sorted(marks)])))
            if "/Annots" in page:
                page.Tabs = Name.S  # tab order follows the structure (ISO 14289-1 §7.18.3)
        for key, elem in self.annotation_keys:
            nums.append(len(self.pages) + key)
            nums.append(elem)
        return Dictionary(Nums=nums)


def _empty(kid: Node | MarkRef | AnnotRef) -> bool:
    return isinstance(kid, Node) and not any(not _empty(k) for k in kid.kids)


def tag_pdf(pdf: pikepdf.Pdf, structure: StructureRecorder) -> None:
    """Add the structure tree of ``structure`` to ``pdf``."""
    writer = _TreeWriter(pdf, structure)
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    root.K = writer.element(structure.root, root)
    root.ParentTree = pdf.make_indirect(writer.parent_tree())
    root.ParentTreeNextKey = len(writer.pages) + len(writer.annotation_keys)
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
