"""Archive and send by territory, on the FICTITIOUS mini fixture (publication builds) and a real SMTP server.

The national and territorial editions of the month are archived under one manifest and catalogue and
verified; each partner of the recipients file receives the edition of their ``territoire`` (none: the
national one), the journal keys each delivery by edition, version, territory and address, a rerun sends
nothing, a re-issue sends each territory's rectificatif, and ``send --status`` shows the territory.
"""

from __future__ import annotations

import email
import shutil
import sqlite3
from email import policy
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from delivery import alter, smtp_server

__all__ = ["smtp_server"]  # the fixture, used by name
MINI = ROOT / "tests" / "fixtures" / "territoires-mini"
MAIL = """\
sender: "Petites villes de demain (ANCT) <petitesvillesdedemain@anct.gouv.fr>"
reply_to: "petitesvillesdedemain@anct.gouv.fr"
unsubscribe: "mailto:petitesvillesdedemain@anct.gouv.fr?subject=D%C3%A9sinscription"
headlines:
  - {figure: conventions.communes_signataires, label: "communes ont signé leur convention d’adhésion",
     label_singular: "commune a signé sa convention d’adhésion"}
  - {figure: ort.communes_engagees, label: "communes sont engagées dans une ORT",
     label_singular: "commune est engagée dans une ORT"}
  - {figure: programme.enveloppe, label: "annoncés pour le programme"}
"""
RECIPIENTS = """\
courriel,nom,organisme,territoire
direction@exemple.fr,Direction,ANCT,
prefecture58@exemple.fr,Préfecture de la Nièvre,Préfecture,dep:58
sgar27@exemple.fr,SGAR Bourgogne-Franche-Comté,Préfecture de région,reg:27
prefecture58@exemple.fr,Préfecture de la Nièvre,Préfecture,reg:27
"""


def mini_project(folder: Path) -> tuple[Path, Path]:
    """A copy of the mini edition and its layout (theme path made absolute)."""
    shutil.copytree(MINI / "2022-02", folder / "2022-02")
    layout = folder / "layout.yaml"
    layout.write_text((MINI / "layout.yaml").read_text(encoding="utf-8").replace("../../../layouts",
                                                                                str(ROOT / "layouts")), encoding="utf-8")
    return folder / "2022-02", layout


@pytest.fixture(scope="module")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive-territoires")
    edition, layout = mini_project(folder / "projet")
    result = run_cli("archive", "--data-dir", edition, "--layout", layout, "--archive-dir", folder / "archive",
                     "--territories", "all")
    assert result.code == 0, result.stderr
    assert "Archivé : " in result.stdout and "(version 1, avec 5 édition(s) territoriale(s))" in result.stdout
    return folder


@pytest.fixture()
def archive(archive_template: Path, tmp_path: Path) -> Path:
    shutil.copytree(archive_template, tmp_path / "copie")
    return tmp_path / "copie" / "archive"


def test_the_national_and_territorial_editions_are_archived_under_one_manifest_and_verified(archive: Path) -> None:
    import json

    manifest = json.loads((archive / "2022-02" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == [{"territory": "", "pdf": "layout-2022-02.pdf"}] + [
        {"territory": t, "pdf": f"layout-2022-02-{t.replace(':', '-')}.pdf"}
        for t in ("dep:21", "dep:35", "dep:58", "reg:27", "reg:53")]
    assert manifest["build_options"]["territories"] == "all"
    assert {"data/register.yaml", "data/communes.csv"} <= set(manifest["files"])
    with sqlite3.connect(archive / "catalogue.sqlite3") as db:
        rows = db.execute("SELECT territory, pdf FROM documents ORDER BY territory").fetchall()
    assert [r[0] for r in rows] == ["", "dep:21", "dep:35", "dep:58", "reg:27", "reg:53"]
    result = run_cli("archive", "verify", "--archive-dir", archive)
    assert result.code == 0, result.stderr
    alter(archive / "2022-02" / "layout-2022-02-reg-27.pdf")
    result = run_cli("archive", "verify", "--archive-dir", archive)
    assert result.code == 1
    assert f"Error: {archive / '2022-02' / 'layout-2022-02-reg-27.pdf'}: la somme de contrôle diffère du catalogue" \
        in result.stderr


def send(archive: Path, tmp_path: Path, port: int, *extra: str, recipients: str = RECIPIENTS):  # type: ignore[no-untyped-def]
    (tmp_path / "mail.yaml").write_text(MAIL, encoding="utf-8")
    (tmp_path / "partenaires.csv").write_text(recipients, encoding="utf-8")
    return run_cli("send", "--edition", "2022-02", "--recipients", tmp_path / "partenaires.csv", "--archive-dir",
                   archive, "--config", tmp_path / "mail.yaml", "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                   "--smtp-security", "none", "--retry-delay", "0.05", "--out-dir", tmp_path / "mail", *extra)


def received(recorder) -> dict[tuple[str, str], email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    """(address, attached PDF name) → the message the server accepted."""
    found = {}
    for recipients, raw in recorder.accepted:
        message = email.message_from_bytes(raw, policy=policy.default)
        attachment = next(message.iter_attachments())
        for address in recipients:
            found[(address, attachment.get_filename())] = message
    return found  # type: ignore[return-value]


def plain(message: email.message.EmailMessage) -> str:
    """The text part as read: ordinary spaces and line ends."""
    return message.get_body(("plain",)).get_content().replace("\u00a0", " ").replace("\r\n", "\n")  # type: ignore[union-attr]


def journal(archive: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(archive / "journal.sqlite3") as db:
        return db.execute("SELECT month, version, territory, email, kind, state FROM deliveries "
                          "ORDER BY email, territory").fetchall()


def test_each_partner_receives_their_territorys_edition_once(archive: Path, tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(archive, tmp_path, port, "--send")
    assert result.code == 0, result.stderr
    assert "prefecture58@exemple.fr (dep:58)  envoyé" in result.stdout
    messages = received(recorder)
    assert sorted(messages) == [("direction@exemple.fr", "layout-2022-02.pdf"),
                                ("prefecture58@exemple.fr", "layout-2022-02-dep-58.pdf"),
                                ("prefecture58@exemple.fr", "layout-2022-02-reg-27.pdf"),
                                ("sgar27@exemple.fr", "layout-2022-02-reg-27.pdf")]
    nievre = messages[("prefecture58@exemple.fr", "layout-2022-02-dep-58.pdf")]
    assert nievre["Subject"] == "Petites villes de demain — chiffres clés — Nièvre (58) — février 2022"
    assert next(nievre.iter_attachments()).get_content() == \
        (archive / "2022-02" / "layout-2022-02-dep-58.pdf").read_bytes()
    text = plain(nievre)
    assert "de février 2022, édition territoriale : Nièvre (58)." in text
    assert "- 2 communes ont signé leur convention d’adhésion (France : 5)" in text
    assert "- 1 commune est engagée dans une ORT (France : 3)" in text
    assert "annoncés pour le programme" not in text  # a national figure only: never under a territory's name
    national = plain(messages[("direction@exemple.fr", "layout-2022-02.pdf")])
    assert "- 5 communes ont signé leur convention d’adhésion\n" in national and "édition territoriale" not in national
    assert len({m["Message-ID"] for m in messages.values()}) == 4
    assert journal(archive) == [("2022-02", 1, "", "direction@exemple.fr", "edition", "sent"),
                                ("2022-02", 1, "dep:58", "prefecture58@exemple.fr", "edition", "sent"),
                                ("2022-02", 1, "reg:27", "prefecture58@exemple.fr", "edition", "sent"),
                                ("2022-02", 1, "reg:27", "sgar27@exemple.fr", "edition", "sent")]
    again = send(archive, tmp_path, port, "--send")
    assert again.code == 0 and len(recorder.accepted) == 4  # a rerun sends nothing new
    status = run_cli("send", "--status", "--edition", "2022-02", "--archive-dir", archive,
                     "--recipients", tmp_path / "partenaires.csv")
    assert status.code == 0, status.stderr
    lines = [" ".join(line.split()) for line in status.stdout.splitlines()]
    assert "prefecture58@exemple.fr dep:58 reçu v1" in lines and "prefecture58@exemple.fr reg:27 reçu v1" in lines
    assert "direction@exemple.fr national reçu v1" in lines


@pytest.mark.parametrize(("line", "expected"), [
    ("maire@exemple.fr,Maire,Mairie,dep:99",
     "partenaires.csv:6: colonne « territoire » de maire@exemple.fr : département « 99 » inconnu"),
    ("maire@exemple.fr,Maire,Mairie,58",
     "partenaires.csv:6: colonne « territoire » de maire@exemple.fr : territoire « 58 » mal écrit"),
    ("maire@exemple.fr,Maire,Mairie,dep:75",
     "partenaires.csv:6: maire@exemple.fr : l’édition dep:75 n’est pas dans la version 1 archivée de 2022-02"),
])
def test_a_territory_without_edition_is_refused_before_anything_is_sent(archive: Path, tmp_path: Path, smtp_server,  # type: ignore[no-untyped-def]
                                                                       line: str, expected: str) -> None:
    recorder, port = smtp_server
    result = send(archive, tmp_path, port, "--send", recipients=RECIPIENTS + line + "\n")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"Error: {tmp_path / expected}" in result.stderr, result.stderr
    assert recorder.accepted == [] and not (archive / "journal.sqlite3").exists()


def test_a_national_archive_sends_no_territorial_edition(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    edition, layout = mini_project(tmp_path / "projet")
    assert run_cli("archive", "--data-dir", edition, "--layout", layout, "--archive-dir", tmp_path / "archive").code == 0
    result = send(tmp_path / "archive", tmp_path, port, "--send")
    assert result.code == 1 and recorder.accepted == []
    assert "l’édition dep:58 n’est pas dans la version 1 archivée de 2022-02" in result.stderr
    assert "archive --edition 2022-02 --territories all" in result.stderr


def test_a_reissue_sends_each_territory_its_rectificatif(archive: Path, tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    assert send(archive, tmp_path, port, "--send").code == 0
    edition = archive.parent / "projet" / "2022-02"  # Bruyère-les-Forges signed on 10 January 2022
    for name, old, new in (("communes.csv", "58902,Bruyère-les-Forges,58,800,,", "58902,Bruyère-les-Forges,58,800,2022-01-10,"),
                           ("figures.csv", "conventions.communes_signataires,5,", "conventions.communes_signataires,6,"),
                           ("figures.csv", "conventions.part_communes_signataires,63,", "conventions.part_communes_signataires,75,"),
                           ("series.csv", "2022-02-01,5,", "2022-02-01,6,")):
        path = edition / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = run_cli("archive", "--data-dir", edition, "--layout", archive.parent / "projet" / "layout.yaml",
                     "--archive-dir", archive, "--reissue", "--reason", "convention de Bruyère-les-Forges",
                     "--territories", "all")
    assert result.code == 0, result.stderr
    before = len(recorder.accepted)
    result = send(archive, tmp_path, port, "--send", "--erratum")
    assert result.code == 0, result.stderr
    errata = {}
    for recipients, raw in recorder.accepted[before:]:
        message = email.message_from_bytes(raw, policy=policy.default)
        errata[(recipients[0], next(message.iter_attachments()).get_filename())] = message
    assert len(errata) == 4
    nievre = errata[("prefecture58@exemple.fr", "layout-2022-02-dep-58.pdf")]
    assert nievre["Subject"] == "Rectificatif — Petites villes de demain — chiffres clés — Nièvre (58) — février 2022 " \
                                "(version 2)"
    assert "Correction : convention de Bruyère-les-Forges" in plain(nievre)
    assert next(nievre.iter_attachments()).get_content() == \
        (archive / "2022-02-v2" / "layout-2022-02-dep-58.pdf").read_bytes()
    assert [r for r in journal(archive) if r[1] == 2] == [
        ("2022-02", 2, "", "direction@exemple.fr", "erratum", "sent"),
        ("2022-02", 2, "dep:58", "prefecture58@exemple.fr", "erratum", "sent"),
        ("2022-02", 2, "reg:27", "prefecture58@exemple.fr", "erratum", "sent"),
        ("2022-02", 2, "reg:27", "sgar27@exemple.fr", "erratum", "sent")]
