"""Property tests of line breaking and stacking: nothing wider than its box, numbers never split."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.pdf.fonts import register_fonts, text_width
from bulletin.geometry import Box, Measure, stack
from bulletin.layout_spec import BlockSpec
from bulletin.errors import Where
from bulletin.textflow import Fragment, TextStyle, layout_text
from bulletin.theme import load_theme
from bulletin.typography import fr_amount, fr_integer

ROOT = Path(__file__).resolve().parent.parent
THEME = load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")
register_fonts(THEME)
STYLE = TextStyle(THEME.font("regular"), 9.5, "#161616")
BOLD = TextStyle(THEME.font("bold"), 9.5, "#161616")

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç’,;.", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=1, max_size=60), st.floats(min_value=60, max_value=500))
def test_every_line_fits_unless_a_single_word_is_too_wide(text_words: list[str], width: float) -> None:
    layout = layout_text([Fragment(" ".join(text_words), STYLE)], width, 12.5)
    widest_word = max(text_width(w, STYLE.font, STYLE.size) for w in text_words)
    for line in layout.lines:
        assert line.width <= width + 0.01 or len(line.words) == 1
    assert (layout.overflow > 0) == (widest_word > width + 0.01)
    assert [f.text for line in layout.lines for word in line.words for f in word] == text_words


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.decimals(min_value=0, max_value=10**9, places=2),
       st.floats(min_value=80, max_value=300))
def test_numbers_and_amounts_never_break_across_lines(count: int, amount, width: float) -> None:  # type: ignore[no-untyped-def]
    number, money = fr_integer(count), fr_amount(amount)
    text = f"soit {number} communes et {money} engagés pour la revitalisation"
    layout = layout_text([Fragment(text, STYLE)], width, 12.5)
    printed = ["".join(f.text for f in word) for line in layout.lines for word in line.words]
    assert number in printed
    assert money in printed or money.replace("\u00a0€", "") in printed


@given(st.text(alphabet="ab ", min_size=1, max_size=30))
def test_bold_fragments_glued_to_text_stay_one_word(tail: str) -> None:
    layout = layout_text([Fragment("1\u202f579", BOLD), Fragment("," + tail, STYLE)], 400, 12.5)
    first = layout.lines[0].words[0]
    assert first[0].text == "1\u202f579" and first[0].style == BOLD


class FixedBlock:
    """A block of fixed height, for stacking properties."""

    def __init__(self, height: float, index: int) -> None:
        self.height = height
        self.spec = BlockSpec("spacer", f"b{index}", {}, Where("test.yaml", index))

    def measure(self, width: float) -> Measure:
        return Measure(self.height)

    def draw(self, surface: object, box: Box) -> None:
        return None


@given(st.lists(st.floats(min_value=1, max_value=200), min_size=1, max_size=12), st.floats(min_value=0, max_value=20))
def test_stacked_blocks_never_overlap_and_overflow_is_reported(heights: list[float], gap: float) -> None:
    area = Box(40, 80, 500, 600)
    placed, overflows = stack([FixedBlock(h, i) for i, h in enumerate(heights)], area, gap)
    for (_, upper), (_, lower) in zip(placed, placed[1:]):
        assert upper.bottom <= lower.y + 1e-6
    assert all(box.x == area.x and box.width == area.width for _, box in placed)
    runs_off = placed[-1][1].bottom > area.bottom + 0.01
    assert bool(overflows) == runs_off
    if runs_off:
        assert abs(overflows[0].amount - (placed[-1][1].bottom - area.bottom)) < 1e-6


def _fixable_widow(layout_lines: list, width: float) -> bool:  # type: ignore[type-arg]
    """True when the last line is one word and the word before it could join it, leaving a word behind."""
    if len(layout_lines) < 2 or len(layout_lines[-1].words) != 1 or len(layout_lines[-2].words) < 2:
        return False
    moved, widow = layout_lines[-2].words[-1], layout_lines[-1].words[0]
    joined = "".join(f.text for f in moved) + " " + "".join(f.text for f in widow)
    return text_width(joined, STYLE.font, STYLE.size) <= width + 0.01


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=30), min_size=1, max_size=4), st.floats(min_value=40, max_value=400))
def test_no_paragraph_ends_on_a_lone_word_it_could_avoid(paragraphs: list[list[str]], width: float) -> None:
    text = "\n".join(" ".join(p) for p in paragraphs)
    layout = layout_text([Fragment(text, STYLE)], width, 12.5)
    starts = [i for i, line in enumerate(layout.lines) if line.paragraph_start] + [len(layout.lines)]
    assert len(starts) - 1 == len(paragraphs)
    for first, end in zip(starts, starts[1:]):
        lines = list(layout.lines[first:end])
        assert not _fixable_widow(lines, width), [[f.text for w in line.words for f in w] for line in lines]
        for line in lines:  # and every line still fits (or is one word too wide for any line)
            assert line.width <= width + 0.01 or len(line.words) == 1
            words_text = " ".join("".join(f.text for f in w) for w in line.words)
            assert abs(line.width - text_width(words_text, STYLE.font, STYLE.size)) < 0.01
    assert [f.text for line in layout.lines for w in line.words for f in w] == [w for p in paragraphs for w in p]


def test_a_widow_pulls_a_word_down() -> None:
    text = "communes ont signé leur convention d’adhésion, soit 96 % des communes Petites villes de demain (PVD)."
    width = text_width(text[:text.index(" (PVD).")], STYLE.font, STYLE.size) + 1  # greedy: « (PVD). » alone
    lines = layout_text([Fragment(text, STYLE)], width, 12.5).lines
    assert ["".join(f.text for f in w) for w in lines[-1].words] == ["demain", "(PVD)."]
