"""Page composition: sections share pages, blocks flow, headings stay with what follows them,
atomic blocks are never cut, legacy ``pages:`` layouts still start each page on a new page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.compose.flow import Flow, FlowItem
from bulletin.geometry import Box, Measure
from conftest import layout_copy, run_cli
from pdfread import flat, page_texts

BODY = Box(40, 30, 500, 700)
GAP = 10.0


@dataclass(eq=False)
class FakeBlock:
    """A block of a given height; splittable blocks are cut in whole 'lines' of 10 points."""

    name: str
    height: float
    keep_with_next: bool = False
    discard_at_break: bool = False
    splittable: bool = False
    parts: list[str] = field(default_factory=list)

    def measure(self, width: float) -> Measure:
        return Measure(self.height)

    def space_before(self, gap: float) -> float:
        return gap

    def split(self, width: float, height: float) -> tuple[FakeBlock, FakeBlock] | None:
        lines = int(height // 10)
        if not self.splittable or lines < 1 or lines * 10 >= self.height:
            return None
        return (FakeBlock(self.name, lines * 10, splittable=True),
                FakeBlock(self.name, self.height - lines * 10, splittable=True))


def no_reserve(blocks: list[object]) -> float:
    return 0.0


blocks_strategy = st.lists(st.tuples(st.integers(5, 400), st.booleans(), st.booleans(), st.booleans()),
                           min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(blocks_strategy)
def test_flow_keeps_order_never_overlaps_and_stays_inside_the_body(specs: list[tuple[int, bool, bool, bool]]) -> None:
    blocks = [FakeBlock(f"b{i}", h, keep_with_next=keep, splittable=split, discard_at_break=rule and h < 20)
              for i, (h, keep, split, rule) in enumerate(specs)]
    result = Flow(BODY, GAP, no_reserve).run([FlowItem(b) for b in blocks])

    placed = [(block, box, number) for number, page in enumerate(result.pages) for block, box in page]
    # order kept, each non-discardable block present; a split block's parts add up to its height
    names = [block.name for block, _, _ in placed]
    assert names == sorted(names, key=lambda n: int(n[1:]))
    for block in blocks:
        heights = [b.height for b, _, _ in placed if b.name == block.name]
        if block.discard_at_break and not heights:
            continue  # a rule dropped where a page breaks
        assert sum(heights) == block.height
        assert len(heights) == 1 or block.splittable
    too_tall = {t.block.name for t in result.too_tall}
    for page in result.pages:
        assert page or result.pages == [[]], "an empty page"
        for (_, first), (_, second) in zip(page, page[1:]):
            assert second.y >= first.bottom - 0.01  # no overlap
        crossing = [block.name for block, box in page if box.bottom > BODY.bottom + 0.01]
        # only a block too tall for any page (with the heading chain it belongs to) crosses the bottom
        assert not crossing or crossing[0] in too_tall
        assert all(box.y >= BODY.y - 0.01 for _, box in page)
    # a block that keeps with the next one is never the last of its page (unless it is the last block)
    for number, page in enumerate(result.pages[:-1]):
        block, _ = page[-1]
        assert not block.keep_with_next or block.name in too_tall or result.pages[number + 1][0][0].name == block.name


def test_flow_moves_an_atomic_block_to_the_next_page_whole() -> None:
    filler, chart = FakeBlock("filler", 600), FakeBlock("chart", 200)
    pages = Flow(BODY, GAP, no_reserve).run([FlowItem(filler), FlowItem(chart)]).pages
    assert [[b.name for b, _ in page] for page in pages] == [["filler"], ["chart"]]
    assert pages[1][0][1].y == BODY.y


def test_flow_splits_a_text_and_keeps_its_heading_with_it() -> None:
    filler, heading, text = FakeBlock("filler", 500), FakeBlock("heading", 30, keep_with_next=True), \
        FakeBlock("text", 400, splittable=True)
    pages = Flow(BODY, GAP, no_reserve).run([FlowItem(filler), FlowItem(heading), FlowItem(text)]).pages
    assert [[b.name for b, _ in page] for page in pages] == [["filler", "heading", "text"], ["text"]]
    first, rest = pages[0][2][0], pages[1][0][0]
    assert first.height + rest.height == 400 and first.height == 150  # 700 - 500 - 30 - 2 gaps = 150


def test_flow_moves_a_heading_whose_block_does_not_fit() -> None:
    filler, heading, chart = FakeBlock("filler", 500), FakeBlock("heading", 30, keep_with_next=True), FakeBlock("chart", 200)
    pages = Flow(BODY, GAP, no_reserve).run([FlowItem(filler), FlowItem(heading), FlowItem(chart)]).pages
    assert [[b.name for b, _ in page] for page in pages] == [["filler"], ["heading", "chart"]]


def test_flow_drops_a_rule_where_the_page_breaks_and_honours_new_page() -> None:
    blocks = [FakeBlock("a", 650), FakeBlock("rule", 5, discard_at_break=True), FakeBlock("b", 100),
              FakeBlock("c", 50)]
    items = [FlowItem(blocks[0]), FlowItem(blocks[1]), FlowItem(blocks[2]), FlowItem(blocks[3], new_page=True)]
    pages = Flow(BODY, GAP, no_reserve).run(items).pages
    assert [[b.name for b, _ in page] for page in pages] == [["a"], ["b"], ["c"]]


def test_flow_names_the_block_too_tall_for_a_page() -> None:
    blocks = [FakeBlock("a", 100), FakeBlock("heading", 30, keep_with_next=True), FakeBlock("huge", 900),
              FakeBlock("last", 20)]
    result = Flow(BODY, GAP, no_reserve).run([FlowItem(b) for b in blocks])
    assert [(t.block.name, t.page, round(t.amount)) for t in result.too_tall] == [("huge", 2, 240)]


SECTIONS = """
document: {title: "Bulletin de test", theme: themes/pvd.yaml}
sections:
  - title: "Première section"
    accent: coral
    blocks:
      - {type: key_figure, id: k1, figure: c.signataires, label: "communes ont signé."}
  - title: "Deuxième section"
    accent: green
    blocks:
      - {type: heading, id: h2, text: "Un intertitre"}
      - {type: text, id: t2, text: "Un texte court."}
  - title: "Troisième section"
    new_page: true
    blocks:
      - {type: text, id: t3, text: "Le texte de la troisième section."}
"""


def test_sections_share_a_page_unless_one_asks_for_a_new_page(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, _ = mini
    layout = layout_copy(tmp_path, SECTIONS)
    output = tmp_path / "out.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    pages = [flat(text) for text in page_texts(output)]
    assert len(pages) == 2
    assert "Première section" in pages[0] and "Deuxième section" in pages[0] and "Un intertitre" in pages[0]
    assert "Troisième section" in pages[1] and "Première section" not in pages[1]


def test_legacy_pages_each_start_a_new_page(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, _ = mini
    legacy = SECTIONS.replace("sections:", "pages:").replace("- title:", "- section:").replace("    new_page: true\n", "")
    layout = layout_copy(tmp_path, legacy)
    output = tmp_path / "out.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    pages = [flat(text) for text in page_texts(output)]
    assert len(pages) == 3
    assert ["Première section" in p for p in pages] == [True, False, False]
    assert "Deuxième section" in pages[1] and "Troisième section" in pages[2]


def test_unknown_section_option_and_both_lists_are_errors(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, _ = mini
    text = SECTIONS.replace("    new_page: true\n", "    new_page: true\n    colour: red\n") + "pages: []\n"
    layout = layout_copy(tmp_path, text)
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert "option de section inconnue « colour »" in result.stderr
    assert "à la fois « sections: » et « pages: »" in result.stderr
