"""Key figures: one size per role, one colour, compact amounts with the exact amount in small print;
sources said once per page (« données au … sauf mention contraire ») and marked only where they differ."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import replace_in_file, run_cli
from pdfread import document_text, flat, page_texts, reading_pages, text_runs

PRIMARY = "#000091"
KEY_LARGE, KEY_MEDIUM = 30.0, 21.0


def _build(edition: Path, layout: Path, output: Path) -> None:
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr


def test_every_number_of_a_role_has_the_role_size_and_the_one_colour(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    # a blue accent used to turn numbers blue (#104590) while coral pages had Bleu France numbers;
    # an amount too wide for its column used to shrink to the medium size
    replace_in_file(layout, "- - {type: key_figure, id: k2,", "- - {type: key_figure, id: k2, accent: blue,")
    replace_in_file(layout, "      - {type: divider, id: d1}\n",
                    "      - {type: key_figure, id: k3, figure: c.signataires, size: medium, label: \"communes.\"}\n")
    output = tmp_path / "out.pdf"
    _build(edition, layout, output)
    numbers = [run for run in text_runs(output) if run.size >= 18]  # nothing else is that big
    assert any(run.size == KEY_LARGE and run.text.strip() == "1\u202f579" for run in numbers)  # k1, large
    large_amount = [run for run in numbers if "M€" in run.text]
    assert large_amount and all(run.size == KEY_LARGE for run in large_amount)  # k2: large, printed compact
    assert any(run.size == KEY_MEDIUM and run.text.strip() == "1\u202f579" for run in numbers)  # k3, medium
    assert {run.color for run in numbers} == {PRIMARY}
    assert {run.size for run in numbers} == {KEY_LARGE, KEY_MEDIUM}


def test_compact_amount_prints_the_exact_amount_in_small_print(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(layout, "- - {type: key_figure, id: k2,", "- - {type: key_figure, id: k2, format: compact, size: medium,")
    output = tmp_path / "out.pdf"
    _build(edition, layout, output)
    runs = text_runs(output)
    big = [run for run in runs if "M€" in run.text and run.size == KEY_MEDIUM]
    exact = [run for run in runs if "soit 11\u202f246\u202f951,27 €" in run.text.replace("\u00a0", " ")]
    assert big, [r for r in runs if "M€" in r.text]
    assert exact and all(run.size < 9 for run in exact)
    assert "soit 11\u202f246\u202f951,27 €" in document_text(output)


def test_compact_format_on_a_count_is_refused(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "id: k1, figure: c.signataires,", "id: k1, figure: c.signataires, format: compact,")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert re.search(r"layout\.yaml:\d+: bloc « k1 » : \{c\.signataires:compact\} : le style « compact » ne va pas "
                     r"avec l’unité « count »", result.stderr), result.stderr


def test_sources_are_said_once_per_page_and_marked_where_they_differ(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(edition / "edition.yaml", "published: 2022-02-15", "published: 2022-02-15\nas_of: 2022-02-01")
    output = tmp_path / "out.pdf"
    _build(edition, layout, output)
    text = document_text(output)
    assert text.count("Source") == 1
    # the other sources and dates, each source once with its dates in time order
    assert ("Source : ANCT, données au 1er février 2022 sauf mention contraire. Autres sources : "
            "ANCT, 1er décembre 2021, 31 décembre 2021, 31 janvier 2022 ; APVF, 8 juillet 2021 ; "
            "Banque des territoires, 25 octobre 2021.") in text
    # the card of a figure at the reference date has no mention; the amount of 31 December has one
    assert "au 1er octobre 2021. (ANCT" not in text
    assert "engagés (ANCT, 31 décembre 2021)" in text
    assert " ; " not in text.replace(" ; ", "\u00a0; ").replace("\u00a0; ", "")  # no line starts with « ; »


def test_as_of_decides_what_is_marked(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(edition / "edition.yaml", "published: 2022-02-15", "published: 2022-02-15\nas_of: 2021-12-31")
    output = tmp_path / "out.pdf"
    _build(edition, layout, output)
    text = document_text(output)
    assert "données au 31 décembre 2021 sauf mention contraire" in text
    assert "engagés (ANCT" not in text  # the amount is now at the reference date
    assert "au 1er octobre 2021. (ANCT, 1er février 2022)" in text


def test_default_edition_has_one_sources_line_per_page(default_pdf: Path) -> None:
    pages = [flat(t).replace("\u00a0", " ") for t in page_texts(default_pdf)]
    counts = [len(re.findall(r"\bSources? :", page)) for page in pages]
    assert all(count <= 1 for count in counts), counts
    assert sum(counts) <= len(pages)  # was 77 « Source » lines in 19 pages


def test_bad_or_late_as_of_is_a_located_error(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(edition / "edition.yaml", "published: 2022-02-15", "published: 2022-02-15\nas_of: 2022-02-30")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert re.search(r"edition\.yaml:4: as_of : « 2022-02-30 » n’est pas une date du calendrier\n  hint: écrivez la date",
                     result.stderr), result.stderr
    replace_in_file(edition / "edition.yaml", "as_of: 2022-02-30", "as_of: 2022-03-01")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert "edition.yaml:4: as_of 2022-03-01 est postérieur à la date de publication 2022-02-15" in result.stderr


def test_impossible_publication_date_is_a_located_error_not_a_traceback(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(edition / "edition.yaml", "published: 2022-02-15", "published: 2022-02-30")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "edition.yaml:3: published: « 2022-02-30 » n’est pas une date du calendrier" in result.stderr


def test_a_page_without_a_number_at_the_edition_date_states_its_own(default_pdf: Path) -> None:
    pages = reading_pages(default_pdf)
    survey = next(p for p in pages if "Domaine principal de formation" in p)
    # every number of the survey page is « ANCT, janvier 2022 »: said once, at the bottom, no mark on each chart
    assert "Source : ANCT, données de janvier 2022 sauf mention contraire." in survey
    assert "(ANCT, janvier 2022)" not in survey
    conventions = next(p for p in pages if "Les conventions d’adhésion" in p)
    assert "Source : ANCT, données au 1er février 2022 sauf mention contraire." in conventions
