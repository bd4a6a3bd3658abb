"""E-mail distribution against a real SMTP server (aiosmtpd on 127.0.0.1, started by the tests)."""

from __future__ import annotations

import asyncio
import email
import shutil
import signal
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import ROOT, run_cli

PDF_NAME = "pvd-chiffres-cles-2022-02.pdf"


class Recorder:
    """An SMTP server's handler that keeps every accepted message and can refuse on demand."""

    def __init__(self) -> None:
        self.accepted: list[tuple[list[str], bytes]] = []
        self.refuse: dict[str, str] = {}
        self.refuse_once: dict[str, str] = {}
        self.mail_delay_after: int | None = None
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if self.mail_delay_after is not None and len(self.accepted) >= self.mail_delay_after:
            await asyncio.sleep(30)  # hold the sender here: it is killed while waiting
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return self.refuse[address]
        if address in self.refuse_once:
            return self.refuse_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.accepted.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def count_for(self, address: str) -> int:
        return sum(address in rcpts for rcpts, _ in self.accepted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def smtp_server():  # type: ignore[no-untyped-def]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive-template")
    result = run_cli("archive", "--edition", "2022-02", "--archive-dir", folder)
    assert result.code == 0, result.stderr
    return folder


@pytest.fixture()
def archive(archive_template: Path, tmp_path: Path) -> Path:
    """A private copy of an archive holding February 2022 (its journal is written by the tests)."""
    folder = tmp_path / "archive"
    shutil.copytree(archive_template, folder)
    return folder


def recipients_file(tmp_path: Path, count: int = 20, extra: str = "") -> Path:
    path = tmp_path / "partenaires.csv"
    lines = ["email,name,organisation,departement"]
    lines += [f"partenaire{i:02d}@exemple.fr,Partenaire {i},Préfecture,{i:02d}" for i in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def send(archive: Path, recipients: Path, port: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(send_command(archive, recipients, port, *extra), capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def send_command(archive: Path, recipients: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "make_bulletin.py"), "send", "--edition", "2022-02", "--recipients",
            str(recipients), "--archive-dir", str(archive), "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
            "--smtp-security", "none", "--retry-delay", "0.05", *extra]


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def test_batch_of_20_each_get_exactly_one_message_with_the_archived_pdf(archive: Path, tmp_path: Path,
                                                                         smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(archive, recipients_file(tmp_path), port, "--send")
    assert result.returncode == 0, result.stderr
    archived = (archive / "2022-02" / PDF_NAME).read_bytes()
    assert len(recorder.accepted) == 20
    for i in range(1, 21):
        assert recorder.count_for(f"partenaire{i:02d}@exemple.fr") == 1
    message = parsed(recorder.accepted[0][1])
    assert message["Subject"] == "Petites villes de demain — chiffres clés — février 2022"
    assert message["Reply-To"] == "petitesvillesdedemain@anct.gouv.fr"
    text = message.get_body(("plain",)).get_content()
    assert "1\u00a0579 communes ont signé leur convention" in text and "36\u00a0556\u00a0685\u00a0€" in text
    assert "1\u00a0579" in message.get_body(("html",)).get_content()
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == PDF_NAME and attachment.get_content() == archived
    ids = {parsed(raw)["Message-ID"] for _, raw in recorder.accepted}
    assert len(ids) == 20


def test_rerun_sends_nothing_new(archive: Path, tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recipients = recipients_file(tmp_path, 5)
    assert send(archive, recipients, port, "--send").returncode == 0
    again = send(archive, recipients, port, "--send")
    assert again.returncode == 0
    assert len(recorder.accepted) == 5
    assert again.stdout.count("déjà envoyé (rien de nouveau)") == 5


def test_550_is_reported_and_451_is_retried(archive: Path, tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recorder.refuse["partenaire02@exemple.fr"] = "550 5.1.1 Mailbox unknown"
    recorder.refuse_once["partenaire03@exemple.fr"] = "451 4.7.1 Greylisted, try again"
    result = send(archive, recipients_file(tmp_path, 4), port, "--send")
    assert result.returncode == 1
    assert "partenaire02@exemple.fr  ÉCHEC : 550 5.1.1 Mailbox unknown" in result.stdout
    assert "partenaire03@exemple.fr  envoyé" in result.stdout
    assert recorder.count_for("partenaire03@exemple.fr") == 1
    assert recorder.count_for("partenaire02@exemple.fr") == 0
    assert "Error: 1 recipient(s) did not get the edition" in result.stderr


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


def test_unarchived_edition_is_refused_before_sending(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(tmp_path / "empty-archive", recipients_file(tmp_path, 2), port, "--send")
    assert result.returncode == 1 and "is not archived" in result.stderr
    assert recorder.connections == 0


def test_bad_address_is_refused_with_its_line_before_sending(archive: Path, tmp_path: Path,
                                                             smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    recipients = recipients_file(tmp_path, 3, extra="pas une adresse,X,Y,Z\npartenaire01@EXEMPLE.fr,Doublon,Z,\n")
    result = send(archive, recipients, port, "--send")
    assert result.returncode == 1
    assert f"Error: {recipients}:5: 'pas une adresse' is not a valid e-mail address" in result.stderr
    assert "is already listed at line 2" in result.stderr
    assert recorder.connections == 0


def test_oversize_message_is_refused_before_sending(archive: Path, tmp_path: Path,
                                                    smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    result = send(archive, recipients_file(tmp_path, 2), port, "--send", "--max-size-mb", "0.1")
    assert result.returncode == 1
    assert "over the 0.1 MB limit" in result.stderr and "base64" in result.stderr
    assert recorder.connections == 0
