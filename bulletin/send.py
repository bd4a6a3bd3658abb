"""Send stage: deliver an archived edition to every recipient exactly once, with a journal.

Input: an archived edition, a recipients CSV and the mail configuration. Output: a dry run
(one ``.eml`` per recipient, nothing leaves the machine) or SMTP deliveries, each recorded in the
archive catalogue's ``deliveries`` table. A rerun sends only what the server has not confirmed;
temporary failures (4xx, lost connection) are retried with backoff, permanent ones (5xx) are not.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import socket
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from bulletin.archive import MANIFEST, catalogue, locked
from bulletin.edition import Edition, load_edition
from bulletin.errors import BulletinError, Problem, Where
from bulletin.mail import MailConfig, SmtpSettings, compose, headlines
from bulletin.recipients import Recipient, read_recipients

log = logging.getLogger(__name__)
JOURNAL = """
CREATE TABLE IF NOT EXISTS deliveries (
    month TEXT NOT NULL, email TEXT NOT NULL, message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL,
    PRIMARY KEY (month, email));
"""


class MailError(BulletinError):
    """The edition cannot be sent as asked."""


class TemporaryFailure(Exception):
    """The server said « try later » (4xx) or the connection was lost."""


class PermanentFailure(Exception):
    """The server refused for good (5xx)."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient in this run."""

    recipient: Recipient
    state: str  # sent | failed | already-sent | written
    detail: str = ""


def archived_pdf(archive_dir: Path, month: str) -> Path:
    """The PDF of an archived edition; MailError when the edition is not archived."""
    folder = archive_dir / month
    if not (folder / MANIFEST).is_file():
        raise MailError(Problem(Where(folder), f"edition {month} is not archived; only archived editions are sent",
                                f"archive it first: make_bulletin.py archive --edition {month}"))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return folder / manifest["pdf"]


def previous_archived(archive_dir: Path, month: str) -> Edition | None:
    """The latest archived edition before ``month``, for the changes shown in the message."""
    earlier = sorted(p for p in archive_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
                     and p.name < month and (p / MANIFEST).is_file())
    return load_edition(earlier[-1] / "data") if earlier else None


def prepare_messages(month: str, recipients_file: Path, archive_dir: Path,
                     config: MailConfig) -> list[tuple[Recipient, EmailMessage]]:
    """Compose every message; refuse before sending anything if one is over the size limit."""
    pdf = archived_pdf(archive_dir, month)
    edition = load_edition(archive_dir / month / "data")
    recipients = read_recipients(recipients_file)
    lines = headlines(config, edition, previous_archived(archive_dir, month))
    messages = [(r, compose(config, edition, lines, r, pdf)) for r in recipients]
    largest = max(len(m.as_bytes()) for _, m in messages)
    if largest > config.max_size:
        raise MailError(Problem(Where(pdf), f"the message would be {largest / 1e6:.1f} MB encoded (the attachment "
                                f"grows by a third in base64), over the {config.max_size / 1e6:g} MB limit",
                                "raise max_size_mb (or --max-size-mb) if the servers accept it, or lighten the PDF"))
    return messages


def write_dry_run(messages: list[tuple[Recipient, EmailMessage]], folder: Path) -> list[Outcome]:
    """Write one .eml per recipient into ``folder``; nothing is sent."""
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for index, (recipient, message) in enumerate(messages, start=1):
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in recipient.email)
        (folder / f"{index:03d}-{safe}.eml").write_bytes(message.as_bytes())
        outcomes.append(Outcome(recipient, "written", str(folder / f"{index:03d}-{safe}.eml")))
    return outcomes


def send_messages(messages: list[tuple[Recipient, EmailMessage]], month: str, archive_dir: Path,
                  config: MailConfig, progress: Callable[[int, int, str], None] | None = None) -> list[Outcome]:
    """Deliver what the journal has not recorded as sent; return one outcome per recipient."""
    with locked(archive_dir), catalogue(archive_dir) as db:  # the lock: two runs would race on the journal
        journal = Journal(db, month)
        journal.register(messages)
        transport = SmtpTransport(config.smtp, parseaddr(config.sender)[1])
        outcomes = []
        try:
            for index, (recipient, message) in enumerate(messages, start=1):
                if progress:
                    progress(index, len(messages), recipient.email)
                outcomes.append(_deliver_once(transport, journal, recipient, message, config.smtp))
        finally:
            transport.close()
    return outcomes


class Journal:
    """The ``deliveries`` rows of one edition; every change is committed at once, so a killed run
    loses nothing the server already confirmed."""

    def __init__(self, db: sqlite3.Connection, month: str) -> None:
        self.db = db
        self.month = month
        db.executescript(JOURNAL)

    def register(self, messages: list[tuple[Recipient, EmailMessage]]) -> None:
        """A pending row for each recipient not seen before."""
        self.db.executemany("INSERT OR IGNORE INTO deliveries (month, email, message_id, state, updated_at) "
                            "VALUES (?, ?, ?, 'pending', ?)",
                            [(self.month, r.key, m["Message-ID"], _now()) for r, m in messages])
        self.db.commit()

    def state(self, recipient: Recipient) -> str:
        """The recorded state of ``recipient``."""
        row = self.db.execute("SELECT state FROM deliveries WHERE month = ? AND email = ?",
                              (self.month, recipient.key)).fetchone()
        return str(row[0])

    def record(self, recipient: Recipient, state: str, detail: str = "", attempt: bool = False) -> None:
        """Write one state change and commit it."""
        self.db.execute("UPDATE deliveries SET state = ?, detail = ?, updated_at = ?, attempts = attempts + ? "
                        "WHERE month = ? AND email = ?", (state, detail, _now(), int(attempt), self.month, recipient.key))
        self.db.commit()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _deliver_once(transport: SmtpTransport, journal: Journal, recipient: Recipient,
                  message: EmailMessage, settings: SmtpSettings) -> Outcome:
    if journal.state(recipient) == "sent":
        return Outcome(recipient, "already-sent")
    delay = settings.retry_delay
    for attempt in range(1, settings.attempts + 1):
        journal.record(recipient, "sending", f"attempt {attempt}", attempt=True)
        try:
            transport.send(message, recipient.email)
        except PermanentFailure as exc:
            journal.record(recipient, "failed", str(exc))
            return Outcome(recipient, "failed", str(exc))
        except TemporaryFailure as exc:
            log.info("%s: temporary failure (%s), attempt %d of %d", recipient.email, exc, attempt, settings.attempts)
            journal.record(recipient, "pending", str(exc))
            if attempt < settings.attempts:
                time.sleep(delay)
                delay *= 2
            continue
        journal.record(recipient, "sent", "accepted by the server")
        return Outcome(recipient, "sent")
    detail = f"temporary failures, gave up after {settings.attempts} attempts"
    journal.record(recipient, "failed", detail)
    return Outcome(recipient, "failed", detail)


class SmtpTransport:
    """One SMTP connection, opened lazily and reopened after a loss."""

    def __init__(self, settings: SmtpSettings, envelope_from: str) -> None:
        self.settings = settings
        self.envelope_from = envelope_from
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                connection.starttls()
        if s.user and s.password:
            connection.login(s.user, s.password)
        return connection

    def send(self, message: EmailMessage, address: str) -> None:
        """Hand ``message`` to the server for ``address``; raise Temporary/PermanentFailure."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(message, self.envelope_from, [address])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            self._fail(code, text)
        except smtplib.SMTPResponseException as exc:
            self._fail(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError, socket.timeout) as exc:
            self.close()
            raise TemporaryFailure(f"connection problem: {exc}") from None

    def _fail(self, code: int, text: bytes | str) -> None:
        detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()
        self._reset()
        if 400 <= code < 500:
            raise TemporaryFailure(detail)
        raise PermanentFailure(detail)

    def _reset(self) -> None:
        try:
            if self.connection is not None:
                self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def terminal_progress(index: int, total: int, email: str) -> None:
    """Progress line on a terminal only (quiet in CI and pipes)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\033[K  {index}/{total}  {email}")
        sys.stderr.flush()
        if index == total:
            sys.stderr.write("\n")
