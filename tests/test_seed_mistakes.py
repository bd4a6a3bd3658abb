"""The February 2022 seed's own mistakes, entered as data, are each caught by check."""

from __future__ import annotations

from pathlib import Path

from conftest import LAYOUT, replace_in_file, run_cli


def check(edition: Path) -> str:
    result = run_cli("check", "--data-dir", edition)
    assert result.code == 1, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr


def test_31_september_is_not_a_date(edition_copy: Path) -> None:
    replace_in_file(edition_copy / "figures.csv", "dotations.date_reference,2021-09-30", "dotations.date_reference,2021-09-31")
    err = check(edition_copy)
    line = figure_line(edition_copy, "dotations.date_reference")
    assert (f"figures.csv:{line}: clé « dotations.date_reference » : valeur « 2021-09-31 » n’est pas une date du "
            "calendrier") in err


def test_percentage_entered_as_a_ratio(edition_copy: Path) -> None:
    replace_in_file(edition_copy / "figures.csv", "ort.part_communes,7.7,percent", "ort.part_communes,0.077,percent")
    err = check(edition_copy)
    assert ("clé « ort.part_communes » : 0.077 % ne correspond pas à ort.communes_engagees / "
            "programme.communes_pvd") in err
    assert "hint: 0.077 ressemble à un ratio : un pourcentage s’écrit de 0 à 100, ici 7.7" in err


def test_experience_shares_summing_to_87(edition_copy: Path) -> None:
    """The seed's text gives 4, 23, 44 and 16 % of all respondents: without the declared non-response
    (13 %), the answers sum to 87 % and check says so."""
    replace_in_file(edition_copy / "edition.yaml", "{prefix: profil.experience, non_response: profil.experience.sans_reponse, "
                    "answered: profil.experience_repondants}", "{prefix: profil.experience}")
    replace_in_file(edition_copy / "edition.yaml", "    - {remainder: profil.experience.sans_reponse, prefix: profil.experience}\n", "")
    drop_figure(edition_copy, "profil.experience.sans_reponse")
    layout = edition_copy.parent / "layout.yaml"
    layout.write_text(LAYOUT.read_text(encoding="utf-8").replace(
        " ; les autres ({profil.experience.sans_reponse}, par différence) n’ont pas répondu à cette question", ""),
        encoding="utf-8")
    result = run_cli("check", "--data-dir", edition_copy, "--layout", layout_copy_of(layout))
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "les parts de « profil.experience » font 87 % au total, pas 100 %" in result.stderr
    assert "edition.yaml:" in result.stderr


def test_text_and_pie_that_disagree(edition_copy: Path) -> None:
    """The pie gives the same answers among those who answered (4/87 = 4,6 %…): a pie value that does
    not follow from the text's value and the non-response is caught, with its line."""
    replace_in_file(edition_copy / "figures.csv", "profil.experience_repondants.un_a_cinq_ans,26.4,",
                    "profil.experience_repondants.un_a_cinq_ans,23.4,")
    replace_in_file(edition_copy / "figures.csv", "profil.experience_repondants.cinq_a_vingt_ans,50.6,",
                    "profil.experience_repondants.cinq_a_vingt_ans,53.6,")
    err = check(edition_copy)
    line = figure_line(edition_copy, "profil.experience_repondants.un_a_cinq_ans")
    assert f"figures.csv:{line}: clé « profil.experience_repondants.un_a_cinq_ans » : 23.4 % des répondants" in err
    assert "attendu : 26.4 %" in err
    assert "profil.experience_repondants.cinq_a_vingt_ans » : 53.6 %" in err


def test_an_other_share_must_be_declared_as_derived(edition_copy: Path) -> None:
    """« Autre employeur 4 % » is not written by the seed: it is 100 − 60 − 36, and must say so."""
    replace_in_file(edition_copy / "figures.csv", "profil.employeur.autre,4,percent,2022-01,ANCT,derived,",
                    "profil.employeur.autre,4,percent,2022-01,ANCT,published,")
    err = check(edition_copy)
    assert "clé « profil.employeur.autre » : une valeur calculée à partir des autres a le statut « published »" in err
    replace_in_file(edition_copy / "figures.csv", "profil.employeur.autre,4,percent,2022-01,ANCT,published,",
                    "profil.employeur.autre,5,percent,2022-01,ANCT,derived,")
    err = check(edition_copy)
    assert ("clé « profil.employeur.autre » : 5 n’est pas 100 % moins les autres réponses de « profil.employeur » "
            "(4 %)") in err


def test_derived_figure_without_its_rule(edition_copy: Path) -> None:
    replace_in_file(edition_copy / "edition.yaml", "    - {remainder: profil.employeur.autre, prefix: profil.employeur}\n", "")
    err = check(edition_copy)
    assert "clé « profil.employeur.autre » : statut derived, mais aucune règle ne dit comment elle est calculée" in err


def figure_line(edition: Path, key: str) -> int:
    """The line of ``key`` in the edition's figures.csv."""
    lines = (edition / "figures.csv").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(key + ","))


def drop_figure(edition: Path, key: str) -> None:
    path = edition / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(key + ",")), encoding="utf-8")


def layout_copy_of(layout: Path) -> Path:
    """The layout beside a copy of the themes (its theme path is relative)."""
    from conftest import layout_copy

    return layout_copy(layout.parent / "copy", layout.read_text(encoding="utf-8"))
