"""E-mail distribution against a real SMTP server (aiosmtpd on 127.0.0.1, started by the tests)."""

from __future__ import annotations

import email
import sqlite3
import signal
import subprocess
import sys
import time
from email import policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import MINI, ROOT, layout_copy, run_cli
from delivery import (PDF_NAME, Recorder, alter, archive_with, edition_copy_in, free_port, mini_editions,
                      smtp_server, snapshot)

__all__ = ["smtp_server"]  # the fixture, used by name


@pytest.fixture(scope="module")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive-template")
    result = run_cli("archive", "--edition", "2022-02", "--archive-dir", folder)
    assert result.code == 0, result.stderr
    return folder


@pytest.fixture()
def archive(archive_template: Path, tmp_path: Path) -> Path:
    """A private copy of an archive holding February 2022 (its journal is written by the tests)."""
    import shutil

    folder = tmp_path / "archive"
    shutil.copytree(archive_template, folder)
    return folder


def recipients_file(tmp_path: Path, count: int = 20, extra: str = "", name: str = "partenaires.csv") -> Path:
    path = tmp_path / name
    lines = ["email,name,organisation,departement"]
    lines += [f"partenaire{i:02d}@exemple.fr,Partenaire {i},Préfecture,{i:02d}" for i in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def send(archive: Path, recipients: Path, port: int, *extra: str, env: dict[str, str] | None = None,
         month: str = "2022-02") -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(send_command(archive, recipients, port, *extra, month=month), capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})


def send_command(archive: Path, recipients: Path, port: int, *extra: str, month: str = "2022-02") -> list[str]:
    return [sys.executable, str(ROOT / "make_bulletin.py"), "send", "--edition", month, "--recipients",
            str(recipients), "--archive-dir", str(archive), "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
            "--smtp-security", "none", "--retry-delay", "0.05", *extra]


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def decoded(raw: bytes, header: str) -> str:
    """A header decoded by the rules of RFC 2047 (whitespace between encoded words is not text)."""
    value = email.message_from_bytes(raw, policy=policy.compat32)[header]
    return str(make_header(decode_header(value)))


def journal(archive: Path) -> list[tuple[object, ...]]:
    if not (archive / "journal.sqlite3").exists():
        return []
    with sqlite3.connect(archive / "journal.sqlite3") as db:
        return db.execute("SELECT month, version, territory, email, kind, state FROM deliveries ORDER BY email, "
                          "version").fetchall()


def test_batch_of_20_each_get_exactly_one_message_with_the_archived_pdf(archive: Path, tmp_path: Path,
                                                                         smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(archive, recipients_file(tmp_path), port, "--send")
    assert result.returncode == 0, result.stderr
    archived = (archive / "2022-02" / PDF_NAME).read_bytes()
    assert len(recorder.accepted) == 20
    for i in range(1, 21):
        assert recorder.count_for(f"partenaire{i:02d}@exemple.fr") == 1
    raw = recorder.accepted[0][1]
    message = parsed(raw)
    assert message["Subject"] == "Petites villes de demain — chiffres clés — février 2022"
    assert decoded(raw, "Subject") == "Petites villes de demain — chiffres clés — février 2022"
    assert message["Reply-To"] == "petitesvillesdedemain@anct.gouv.fr"
    assert message["From"].addresses[0].display_name == "Petites villes de demain (ANCT)"  # quoted, not a comment
    assert b'From: "Petites villes de demain (ANCT)" <petitesvillesdedemain@anct.gouv.fr>' in raw
    assert (b"\r\nList-Unsubscribe: <mailto:petitesvillesdedemain@anct.gouv.fr?subject=D%C3%A9sinscription%20du%20"
            b"bulletin>\r\n") in raw  # as is: a client reads the URL, not an encoded word
    text = message.get_body(("plain",)).get_content()
    assert "1\u00a0579 communes ont signé leur convention" in text and "36\u00a0556\u00a0685\u00a0€" in text
    assert text.rstrip().endswith("Pour ne plus recevoir ce bulletin, écrivez à petitesvillesdedemain@anct.gouv.fr "
                                  "(objet « Désinscription du bulletin »).")
    assert "1\u00a0579" in message.get_body(("html",)).get_content()
    assert "Pour ne plus recevoir ce bulletin" in message.get_body(("html",)).get_content()
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == PDF_NAME and attachment.get_content() == archived
    ids = {parsed(raw)["Message-ID"] for _, raw in recorder.accepted}
    assert len(ids) == 20
    assert [r[5] for r in journal(archive)] == ["sent"] * 20
    assert {r[:3] for r in journal(archive)} == {("2022-02", 1, "")}


def test_rerun_sends_nothing_new(archive: Path, tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recipients = recipients_file(tmp_path, 5)
    assert send(archive, recipients, port, "--send").returncode == 0
    again = send(archive, recipients, port, "--send")
    assert again.returncode == 0
    assert len(recorder.accepted) == 5
    assert again.stdout.count("déjà envoyé (rien de nouveau) : version 1") == 5


def test_550_is_reported_and_451_is_retried(archive: Path, tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recorder.refuse["partenaire02@exemple.fr"] = "550 5.1.1 Mailbox unknown"
    recorder.refuse_once["partenaire03@exemple.fr"] = "451 4.7.1 Greylisted, try again"
    recipients = recipients_file(tmp_path, 4)
    result = send(archive, recipients, port, "--send")
    assert result.returncode == 1
    assert "partenaire02@exemple.fr  ÉCHEC : 550 5.1.1 Mailbox unknown" in result.stdout
    assert "partenaire03@exemple.fr  envoyé" in result.stdout
    assert recorder.count_for("partenaire03@exemple.fr") == 1
    assert recorder.count_for("partenaire02@exemple.fr") == 0
    assert f"Error: {recipients}: 1 destinataire(s) n’ont pas reçu l’édition" in result.stderr


def test_connection_lost_mid_run_is_retried_and_everyone_gets_one(archive: Path, tmp_path: Path,
                                                                   smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recorder.drop_after = 2
    result = send(archive, recipients_file(tmp_path, 5), port, "--send")
    assert result.returncode == 0, result.stderr
    assert [recorder.count_for(f"partenaire{i:02d}@exemple.fr") for i in range(1, 6)] == [1] * 5
    assert recorder.connections >= 2


def test_killed_sender_then_rerun_delivers_each_exactly_once(archive: Path, tmp_path: Path,
                                                              smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recorder.mail_delay_after = 3  # the fourth message waits at MAIL FROM: kill the sender there
    recipients = recipients_file(tmp_path, 10)
    process = subprocess.Popen(send_command(archive, recipients, port, "--send"), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(recorder.accepted) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(recorder.accepted) == 3
    recorder.mail_delay_after = None
    rerun = send(archive, recipients, port, "--send")
    assert rerun.returncode == 0, rerun.stderr
    assert [recorder.count_for(f"partenaire{i:02d}@exemple.fr") for i in range(1, 11)] == [1] * 10


def test_dry_run_sends_nothing_and_writes_readable_eml(archive: Path, tmp_path: Path,
                                                       smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    out = tmp_path / "mail"
    result = send(archive, recipients_file(tmp_path, 3), port, "--out-dir", str(out))
    assert result.returncode == 0, result.stderr
    assert recorder.accepted == [] and recorder.connections == 0
    files = sorted((out / "2022-02").glob("*.eml"))
    assert len(files) == 3
    message = parsed(files[0].read_bytes())
    assert message.is_multipart() and message.get_content_type() == "multipart/mixed"
    assert not message.defects
    attachment = next(message.iter_attachments())
    assert attachment.get_content() == (archive / "2022-02" / PDF_NAME).read_bytes()
    assert journal(archive) == []  # a dry run only reads the journal


def test_dry_run_shows_who_the_journal_says_already_received_it(archive: Path, tmp_path: Path,
                                                                 smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    assert send(archive, recipients_file(tmp_path, 2, name="deux.csv"), port, "--send").returncode == 0
    out = tmp_path / "mail"
    result = send(archive, recipients_file(tmp_path, 3), port, "--out-dir", str(out))
    assert result.returncode == 0, result.stderr
    assert "partenaire01@exemple.fr  déjà envoyé (rien de nouveau) : version 1" in result.stdout
    assert "partenaire02@exemple.fr  déjà envoyé (rien de nouveau) : version 1" in result.stdout
    assert "partenaire03@exemple.fr  écrit (essai à blanc)" in result.stdout
    assert [p.name for p in (out / "2022-02").iterdir()] == ["00003-edition-partenaire03@exemple.fr.eml"]
    assert len(recorder.accepted) == 2


def test_unarchived_edition_is_refused_before_sending(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    (tmp_path / "empty-archive").mkdir()
    result = send(tmp_path / "empty-archive", recipients_file(tmp_path, 2), port, "--send")
    assert result.returncode == 1 and "aucun catalogue d’archive ici" in result.stderr
    assert recorder.connections == 0


def test_bad_address_is_refused_with_its_line_before_sending(archive: Path, tmp_path: Path,
                                                             smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recipients = recipients_file(tmp_path, 3, extra="pas une adresse,X,Y,Z\npartenaire01@EXEMPLE.fr,Doublon,Z,\n")
    result = send(archive, recipients, port, "--send")
    assert result.returncode == 1
    assert f"Error: {recipients}:5: 'pas une adresse' n’est pas une adresse électronique valide" in result.stderr
    assert "figure déjà ligne 2" in result.stderr
    assert recorder.connections == 0


def test_oversize_message_is_refused_before_sending(archive: Path, tmp_path: Path,
                                                    smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(archive, recipients_file(tmp_path, 2), port, "--send", "--max-size-mb", "0.1")
    assert result.returncode == 1
    assert "au-delà de la limite de 0.1 Mo" in result.stderr and "base64" in result.stderr
    assert recorder.connections == 0


def test_french_headers_and_names_encoded_and_folded(archive: Path, tmp_path: Path,
                                                      smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    long_name = "Préfecture de la région Bourgogne-Franche-Comté — Secrétariat général pour les affaires régionales"
    recipients = tmp_path / "partenaires-fr.csv"
    recipients.write_text(f"courriel;nom\nsgar@exemple.fr;{long_name}\n\"o'neil@exemple.fr\";\"Ann O'Neil, \"\"AO\"\"\"\n",
                          encoding="cp1252")
    result = send(archive, recipients, port, "--send")
    assert result.returncode == 0, result.stderr
    raw = dict((rcpts[0], data) for rcpts, data in recorder.accepted)
    sgar = raw["sgar@exemple.fr"]
    assert decoded(sgar, "To") == f"{long_name} <sgar@exemple.fr>"
    header = sgar.split(b"\r\n\r\n")[0].decode("ascii")
    assert all(len(line) <= 78 for line in header.split("\r\n") if not line.startswith("List-Unsubscribe:")), header
    assert f"Bonjour {long_name}," in parsed(sgar).get_body(("plain",)).get_content()
    assert parsed(raw["o'neil@exemple.fr"])["To"].addresses[0].display_name == 'Ann O\'Neil, "AO"'


def test_closed_port_stops_at_once_with_its_cause(archive: Path, tmp_path: Path) -> None:
    recipients = recipients_file(tmp_path, 3)
    result = send(archive, recipients, free_port(), "--send", "--retry-delay", "30")
    assert result.returncode == 1
    assert "connexion refusée : aucun serveur n’écoute sur ce port" in result.stderr
    assert "Traceback" not in result.stderr and "ÉCHEC" not in result.stdout and "tentatives" not in result.stdout
    assert journal(archive) == []  # a configuration error changes nothing


@pytest.mark.parametrize(("security", "expected"), [
    ("starttls", "le serveur ne propose pas STARTTLS"),
    ("tls", "la négociation TLS a échoué"),
])
def test_tls_that_cannot_work_stops_at_once(archive: Path, tmp_path: Path, smtp_server, security: str,  # type: ignore[no-untyped-def]
                                            expected: str) -> None:
    recorder, port = smtp_server
    result = send(archive, recipients_file(tmp_path, 3), port, "--send", "--smtp-security", security)
    assert result.returncode == 1
    assert f"Error: serveur SMTP 127.0.0.1:{port}: {expected}" in result.stderr, result.stderr
    assert recorder.accepted == [] and journal(archive) == []


def test_unknown_host_stops_at_once(archive: Path, tmp_path: Path) -> None:
    result = send(archive, recipients_file(tmp_path, 2), 25, "--send", "--smtp-host", "serveur.invalid",
                  "--smtp-security", "starttls")
    assert result.returncode == 1
    assert "Error: serveur SMTP serveur.invalid:25: nom de serveur inconnu : serveur.invalid" in result.stderr
    assert journal(archive) == []


def refuse(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    return AuthResult(success=False, handled=False)


def test_refused_authentication_stops_at_once(archive: Path, tmp_path: Path) -> None:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), authenticator=refuse,
                            auth_require_tls=False)
    controller.start()
    try:
        result = send(archive, recipients_file(tmp_path, 3), controller.port, "--send",
                      env={"BULLETIN_SMTP_USER": "bulletin", "BULLETIN_SMTP_PASSWORD": "faux"})
    finally:
        controller.stop()
    assert result.returncode == 1
    assert "authentification refusée : 535" in result.stderr and "BULLETIN_SMTP_PASSWORD" in result.stderr
    assert recorder.accepted == [] and journal(archive) == []


def test_memory_stays_flat_in_the_number_of_recipients(archive: Path, tmp_path: Path) -> None:
    """Messages are composed one at a time: 600 recipients cost about what 60 do (peak RSS). Holding every
    message, as before, cost 124 MB for 200 recipients and 880 MB for 2 000 (now 47 MB and 49 MB)."""
    recorder = Recorder(keep=False)
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    program = ("import resource, sys\nfrom bulletin.cli import main\ncode = main(sys.argv[1:])\n"
               "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")
    peaks = {}
    try:
        for count in (60, 600):
            recipients = recipients_file(tmp_path, count, name=f"r{count}.csv")
            copy = tmp_path / f"archive-{count}"
            import shutil

            shutil.copytree(archive, copy)
            command = [sys.executable, "-c", program, *send_command(copy, recipients, controller.port, "--send")[2:]]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
            assert done.returncode == 0, done.stderr[-2000:]
            peaks[count] = int(done.stderr.rsplit("PEAK ", 1)[1].split()[0]) // 1024  # MB
    finally:
        controller.stop()
    assert recorder.count == 660
    message_mb = 0.25  # one message carries the 180 kB PDF in base64
    assert peaks[600] - peaks[60] < 0.1 * 540 * message_mb, peaks  # holding them all would add ~135 MB


def test_reissue_new_recipients_get_v2_earlier_ones_a_rectificatif_once(tmp_path: Path,
                                                                          smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    edition = edition_copy_in(tmp_path / "editions")
    folder = tmp_path / "archive"
    assert archive_with(folder, data_dir=edition).code == 0
    assert send(folder, recipients_file(tmp_path, 3, name="trois.csv"), port, "--send").returncode == 0
    v1 = (folder / "2022-02" / PDF_NAME).read_bytes()
    alter(edition / "figures.csv", b"communes PVD ayant d\xc3\xa9j\xc3\xa0 leur chef de projet en poste",
          b"communes PVD ayant leur chef de projet en poste (note corrig\xc3\xa9e)")
    reason = "note des chefs de projet corrigée"
    assert archive_with(folder, "--reissue", "--reason", reason, data_dir=edition).code == 0
    v2 = (folder / "2022-02-v2" / PDF_NAME).read_bytes()
    four = recipients_file(tmp_path, 4, name="quatre.csv")

    normal = send(folder, four, port, "--send")
    assert normal.returncode == 0, normal.stderr
    assert normal.stdout.count("non envoyé : a reçu une version précédente (rectificatif : --erratum) : version 1") == 3
    assert "partenaire04@exemple.fr  envoyé" in normal.stdout
    full = parsed(recorder.accepted[-1][1])
    assert next(full.iter_attachments()).get_content() == v2
    assert f"Cette version 2 corrige la précédente : {reason}" in full.get_body(("plain",)).get_content()

    erratum = send(folder, four, port, "--send", "--erratum")
    assert erratum.returncode == 0, erratum.stderr
    assert erratum.stdout.count("rectificatif envoyé") == 3
    assert "partenaire04@exemple.fr  déjà envoyé (rien de nouveau) : version 2" in erratum.stdout
    notices = [parsed(raw) for _, raw in recorder.accepted[4:]]
    assert len(notices) == 3
    assert {n["To"].addresses[0].addr_spec for n in notices} == {f"partenaire0{i}@exemple.fr" for i in (1, 2, 3)}
    notice = notices[0]
    assert notice["Subject"] == "Rectificatif — Petites villes de demain — chiffres clés — février 2022 (version 2)"
    text = notice.get_body(("plain",)).get_content()
    assert f"Correction : {reason}" in text and "elle remplace la précédente" in text
    assert next(notice.iter_attachments()).get_content() == v2 != v1

    again = send(folder, four, port, "--send", "--erratum")
    assert again.returncode == 0 and len(recorder.accepted) == 7
    status = run_cli("send", "--status", "--edition", "2022-02", "--archive-dir", folder)
    assert status.code == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].startswith("Édition 2022-02, version 1 archivée le ")
    assert lines[1].startswith("Édition 2022-02, version 2 archivée le ") and lines[1].endswith(f" : {reason}")
    assert any(line.startswith("partenaire01@exemple.fr  reçu") and line.endswith("v1, rectificatif v2")
               for line in lines), lines
    assert any(line.startswith("partenaire04@exemple.fr  reçu") and line.endswith("  v2") for line in lines), lines
    assert lines[-1] == ("4 destinataire(s) : 4 à jour (version 2), 0 avec une version précédente seulement, "
                         "0 en échec, 0 en attente.")


def test_erratum_of_an_edition_with_one_version_is_refused(archive: Path, tmp_path: Path,
                                                           smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(archive, recipients_file(tmp_path, 2), port, "--send", "--erratum")
    assert result.returncode == 1 and "n’a qu’une version : il n’y a pas de rectificatif" in result.stderr
    assert recorder.connections == 0


def test_status_lists_delivered_failed_and_pending(archive: Path, tmp_path: Path,
                                                   smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recorder.refuse["partenaire02@exemple.fr"] = "550 5.1.1 Mailbox unknown"
    assert send(archive, recipients_file(tmp_path, 2, name="deux.csv"), port, "--send").returncode == 1
    before = snapshot(archive)
    status = run_cli("send", "--status", "--edition", "2022-02", "--archive-dir", archive,
                     "--recipients", recipients_file(tmp_path, 3))
    assert status.code == 0, status.stderr
    rows = {line.split()[0]: line for line in status.stdout.splitlines()[1:-1]}
    assert rows["partenaire01@exemple.fr"].split()[1:] == ["reçu", "v1"]
    assert "échec" in rows["partenaire02@exemple.fr"] and "550 5.1.1 Mailbox unknown" in rows["partenaire02@exemple.fr"]
    assert rows["partenaire03@exemple.fr"].split()[1:4] == ["en", "attente", "—"]
    assert status.stdout.splitlines()[-1] == ("3 destinataire(s) : 1 à jour (version 1), 0 avec une version "
                                              "précédente seulement, 1 en échec, 1 en attente.")
    assert snapshot(archive) == before  # status writes nothing


def mini_archive(tmp_path: Path) -> Path:
    """January and February 2022 of the FICTITIOUS mini edition, archived."""
    editions = mini_editions(tmp_path / "editions")
    layout = layout_copy(tmp_path, (MINI / "layout.yaml").read_text(encoding="utf-8"))
    january_layout = tmp_path / "layout-janvier.yaml"
    january_layout.write_text(layout.read_text(encoding="utf-8").replace("figure: c.signataires,",
                                                                         "figure: p.communes,"), encoding="utf-8")
    folder = tmp_path / "archive"
    for month, used in (("2022-01", january_layout), ("2022-02", layout)):
        result = archive_with(folder, "--layout", used, data_dir=editions / month)
        assert result.code == 0, result.stderr
    return folder


def test_mail_changes_in_points_unchanged_said_and_a_changed_unit_does_not_crash(tmp_path: Path,
                                                                                  smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    folder = mini_archive(tmp_path)
    config = tmp_path / "mail.yaml"
    config.write_text((ROOT / "layouts" / "pvd-mail.yaml").read_text(encoding="utf-8").split("headlines:")[0]
                      + "headlines:\n  - {figure: c.part, label: des communes ont signé}\n"
                      "  - {figure: p.communes, label: communes dans le programme}\n"
                      "  - {figure: c.signataires, label: communes signataires}\n", encoding="utf-8")
    result = send(folder, recipients_file(tmp_path, 1), port, "--send", "--config", str(config))
    assert result.returncode == 0, result.stderr
    text = parsed(recorder.accepted[0][1]).get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "- 96\u00a0% des communes ont signé (+3\u00a0pt depuis janvier\u00a02022)" in text, text
    assert "- 1\u00a0646 communes dans le programme (inchangé depuis janvier\u00a02022)" in text
    assert "- 1\u00a0579 communes signataires\n" in text  # text in January: no change to show
    assert "0 depuis" not in text and "%\u00a0depuis" not in text


def test_send_refuses_an_archive_altered_after_archiving(archive: Path, tmp_path: Path,
                                                         smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    alter(archive / "2022-02" / "data" / "figures.csv", b"1579", b"1597")
    result = send(archive, recipients_file(tmp_path, 2), port, "--send")
    assert result.returncode == 1
    assert f"Error: {archive / '2022-02' / 'data' / 'figures.csv'}: la somme de contrôle diffère" in result.stderr
    assert "rien n’est envoyé depuis une archive altérée" in result.stderr
    assert recorder.connections == 0
