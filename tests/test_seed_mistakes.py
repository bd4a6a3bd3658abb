"""The February 2022 seed's own mistakes, entered as data, are each caught by check."""

from __future__ import annotations

from pathlib import Path

from conftest import replace_in_file, run_cli


def check(edition: Path) -> str:
    result = run_cli("check", "--data-dir", edition)
    assert result.code == 1, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr


def test_31_september_is_not_a_date(edition_copy: Path) -> None:
    replace_in_file(edition_copy / "figures.csv", "dotations.date_reference,2021-09-30", "dotations.date_reference,2021-09-31")
    err = check(edition_copy)
    assert "figures.csv:120: key 'dotations.date_reference': value '2021-09-31' is not a real calendar date" in err


def test_percentage_entered_as_a_ratio(edition_copy: Path) -> None:
    replace_in_file(edition_copy / "figures.csv", "ort.part_communes,7.7,percent", "ort.part_communes,0.077,percent")
    err = check(edition_copy)
    assert "key 'ort.part_communes': 0.077 % does not match ort.communes_engagees / programme.communes_pvd" in err
    assert "looks like a ratio" in err and "7.7" in err


def test_experience_shares_summing_to_87(edition_copy: Path) -> None:
    for key, seed_text_value in (("moins_un_an", "4"), ("un_a_cinq_ans", "23"), ("cinq_a_vingt_ans", "44"),
                                 ("plus_de_vingt_ans", "16")):
        path = edition_copy / "figures.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines = [f"profil.experience.{key},{seed_text_value},{line.split(',', 2)[2]}"
                 if line.startswith(f"profil.experience.{key},") else line for line in lines]
        path.write_text("".join(lines), encoding="utf-8")
    err = check(edition_copy)
    assert "the shares of 'profil.experience' sum to 87 %, not 100 %" in err
    assert "edition.yaml:" in err
