"""A corpus of broken inputs: each gives exit 1, an Error naming the file and the line or key, no traceback, no PDF."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin.cli import main
from conftest import MINI, layout_copy

Mutation = Callable[[Path, Path], None]  # (edition folder, layout file)


def replace(name: str, old: str, new: str) -> Mutation:
    """Replace ``old`` (which must occur) in the edition's file ``name`` or in the layout."""
    def mutate(edition: Path, layout: Path) -> None:
        path = layout if name == "layout.yaml" else edition / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, path)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def write(name: str, content: bytes) -> Mutation:
    def mutate(edition: Path, layout: Path) -> None:
        (edition / name).write_bytes(content)
    return mutate


def workbook_with_sheets(*names: str) -> Mutation:
    def mutate(edition: Path, layout: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        book.active.title = names[0]
        for name in names[1:]:
            book.create_sheet(name)
        (edition / "figures.csv").unlink()
        (edition / "series.csv").unlink()
        book.save(edition / "edition.xlsx")
    return mutate


def add_workbook_beside_csv(edition: Path, layout: Path) -> None:
    (edition / "edition.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")


# (case, mutation, the file the message must name, a line number or key it must name)
CASES: list[tuple[str, Mutation, str, str]] = [
    ("impossible-date", replace("figures.csv", "c.date,2021-10-01", "c.date,2021-09-31"), "figures.csv", ":6"),
    ("impossible-as-of", replace("figures.csv", "1579,count,2022-02-01", "1579,count,2022-02-30"), "figures.csv", ":3"),
    ("negative-count", replace("figures.csv", "c.signataires,1579", "c.signataires,-5"), "figures.csv", "c.signataires"),
    ("decimal-count", replace("figures.csv", "c.signataires,1579", "c.signataires,1579.5"), "figures.csv", "c.signataires"),
    ("percent-over-100", replace("figures.csv", "g.f,69", "g.f,104"), "figures.csv", "g.f"),
    ("percent-as-ratio", replace("figures.csv", "c.part,96", "c.part,0.96"), "figures.csv", "c.part"),
    ("amount-3-decimals", replace("figures.csv", "11246951.27", "11246951.275"), "figures.csv", "c.montant"),
    ("amount-malformed", replace("figures.csv", "11246951.27", "11 246 951, 27"), "figures.csv", "c.montant"),
    ("empty-text", replace("figures.csv", "c.url,https://example.org/plateforme", "c.url,"), "figures.csv", "c.url"),
    ("unknown-unit", replace("figures.csv", "c.part,96,percent", "c.part,96,pourcent"), "figures.csv", "c.part"),
    ("unknown-status", replace("figures.csv", "1579,count,2022-02-01,ANCT,published", "1579,count,2022-02-01,ANCT,final"),
     "figures.csv", "c.signataires"),
    ("empty-source", replace("figures.csv", "1579,count,2022-02-01,ANCT,", "1579,count,2022-02-01,,"), "figures.csv", ":3"),
    ("missing-column", replace("figures.csv", "key,value,unit,as_of,source,status,note", "key,value,unit,as_of,source,status"),
     "figures.csv", ":1"),
    ("unknown-column", replace("figures.csv", "status,note", "status,note,comment"), "figures.csv", ":1"),
    ("duplicate-key", replace("figures.csv", "g.h,31,", "g.f,31,"), "figures.csv", "g.f"),
    ("wrong-cell-count", replace("figures.csv", "c.part,96,percent,2022-02-01,ANCT,published,",
                                 "c.part,96,percent,2022-02-01,ANCT,published,,extra"), "figures.csv", ":4"),
    ("bad-key-syntax", replace("figures.csv", "g.h,31", "G H,31"), "figures.csv", ":10"),
    ("markup-key", replace("figures.csv", "g.h,31", "<b>g.h</b>,31"), "figures.csv", ":10"),
    ("as-of-after-publication", replace("figures.csv", "c.signataires,1579,count,2022-02-01",
                                        "c.signataires,1579,count,2022-03-01"), "figures.csv", "c.signataires"),
    ("shares-sum-87", replace("figures.csv", "g.f,69", "g.f,56"), "edition.yaml", "les parts de « g » font 87 %"),
    ("empty-figures-file", write("figures.csv", b""), "figures.csv", "le fichier est vide"),
    ("malformed-quoting", replace("figures.csv", "c.part,96,", 'c.part,"96,'), "figures.csv", ":4"),
    ("not-text-at-all", write("figures.csv", b"key,value\n\x81\x8d\x8f\x90\x9d\x00\xff\n"), "figures.csv", "figures.csv"),
    ("series-unknown-unit", replace("series.csv", "850,count", "850,kg"), "series.csv", ":2"),
    ("series-repeated-date", replace("series.csv", "c.evol,2021-10-01", "c.evol,2021-07-01"), "series.csv", ":3"),
    ("series-value-text", replace("series.csv", "c.evol,2021-10-01,1300", "c.evol,2021-10-01,beaucoup"), "series.csv", ":3"),
    ("series-missing", write("series.csv", b"series,x,value,unit,as_of,source,status,note\n"), "layout.yaml", "c.evol"),
    ("yaml-syntax", replace("edition.yaml", "published: 2022-02-15", "published: [2022-02-15"), "edition.yaml", "edition.yaml:"),
    ("missing-published", replace("edition.yaml", "published: 2022-02-15\n", ""), "edition.yaml", "published"),
    ("edition-not-a-month", replace("edition.yaml", 'edition: "2022-02"', 'edition: "2022-13"'), "edition.yaml", ":2"),
    ("unknown-reference-population", replace("edition.yaml", "reference_population: p.communes",
                                             "reference_population: p.inconnue"), "edition.yaml", "p.inconnue"),
    ("share-rule-unknown-key", replace("edition.yaml", "part: c.signataires", "part: c.nulle_part"),
     "edition.yaml", "c.nulle_part"),
    ("workbook-wrong-sheets", workbook_with_sheets("Feuil1", "Feuil2"), "edition.xlsx", "figures"),
    ("workbook-and-csv", add_workbook_beside_csv, "edition", "edition.xlsx"),
    ("layout-unknown-key", replace("layout.yaml", "figure: c.signataires,", "figure: c.absente,"), "layout.yaml", "c.absente"),
    ("layout-unknown-type", replace("layout.yaml", "type: divider", "type: separator"), "layout.yaml", ":26"),
    ("layout-unknown-option", replace("layout.yaml", "{type: divider, id: d1}", "{type: divider, id: d1, colour: red}"),
     "layout.yaml", ":26"),
    ("layout-bad-brace", replace("layout.yaml", "soit **{c.part}**", "soit **{c.part**"), "layout.yaml", "k1"),
    ("layout-unknown-style", replace("layout.yaml", "{c.montant:compact}", "{c.montant:fancy}"), "layout.yaml", "t1"),
    ("layout-markup-label", replace("layout.yaml", 'label: "engagés"', 'label: "<b>engagés</b>"'), "layout.yaml", "k2"),
    ("layout-typed-number", replace("layout.yaml", 'label: "engagés"', 'label: "engagés en 2021"'), "layout.yaml", "k2"),
    ("layout-link-not-url", replace("layout.yaml", "figure: c.url,", "figure: c.date,"), "layout.yaml", "l1"),
    ("layout-style-unit-mismatch", replace("layout.yaml", "{c.montant:compact}", "{c.signataires:compact}"),
     "layout.yaml", "t1"),
]


@pytest.mark.parametrize(("case", "mutate", "names_file", "names_place"), CASES, ids=[c[0] for c in CASES])
def test_broken_input_is_refused_clearly(case: str, mutate: Mutation, names_file: str, names_place: str,
                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edition = tmp_path / "edition"
    shutil.copytree(MINI, edition, ignore=shutil.ignore_patterns("layout.yaml"))
    layout = layout_copy(tmp_path, (MINI / "layout.yaml").read_text(encoding="utf-8"))
    mutate(edition, layout)
    output = tmp_path / "out" / "bulletin.pdf"

    checked = main(["check", "--data-dir", str(edition), "--layout", str(layout)])
    check_err = capsys.readouterr().err
    built = main(["build", "--data-dir", str(edition), "--layout", str(layout), "--output", str(output)])
    build_err = capsys.readouterr().err

    for code, err in ((checked, check_err), (built, build_err)):
        assert code == 1, err
        errors = [line for line in err.splitlines() if line.startswith("Error: ")]
        assert errors, err
        assert any(names_file in e and names_place in e for e in errors), err
        assert "Traceback" not in err
    assert not output.exists()
    assert not output.parent.exists() or list(output.parent.iterdir()) == []


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25
