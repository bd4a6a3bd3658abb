"""One sending run: check the archive, plan, check the size, then write or send one message at a time.

Input: an edition month, the archive folder, the recipients and the mail configuration.
Output: one :class:`Outcome` per recipient, yielded as the run goes (so the command line can
print them at once), and the journal updated. Messages are composed one at a time and dropped
once sent or written: memory stays flat whatever the number of recipients.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path

from bulletin.publish.archive import CheckedVersion, Delivery, Journal, checked_version, journal, locked
from bulletin.publish.archive.folders import make_folders, remove_folders, remove_tree
from bulletin.data.edition import load_edition
from bulletin.outputs import refuse_inside_archive
from bulletin.errors import COMMAND, Problem, Where, os_reason
from bulletin.files import current_umask
from bulletin.publish.mail import (Headline, Issue, MailConfig, MailError, compose, compose_erratum, headlines, pdf_part,
                           territorial_message)
from bulletin.publish.recipients import Recipient
from bulletin.publish.send.plan import EDITION, ERRATUM, Planned, plan
from bulletin.publish.send.smtp import PermanentFailure, SmtpTransport, TemporaryFailure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient in this run."""

    recipient: Recipient
    state: str  # sent | failed | written | already-sent | earlier-version | never-received
    kind: str | None = None  # edition | erratum, for what was sent or written
    detail: str = ""


@dataclass(frozen=True)
class Sending:
    """Everything a run needs to compose its messages: the national edition's, and each territorial edition's
    that a recipient receives."""

    config: MailConfig
    checked: CheckedVersion
    issue: Issue
    lines: tuple[Headline, ...]
    archive_dir: Path
    territorial: Mapping[str, tuple[Issue, tuple[Headline, ...]]] = field(default_factory=dict)

    @property
    def month(self) -> str:
        """The edition month."""
        return self.issue.edition.month

    def edition_of(self, recipient: Recipient) -> tuple[Issue, tuple[Headline, ...]]:
        """The edition ``recipient`` receives: their territory's, or the national one."""
        return self.territorial[recipient.territory] if recipient.territory else (self.issue, self.lines)

    def compose(self, recipient: Recipient, kind: str) -> EmailMessage:
        """The message of ``kind`` for ``recipient``."""
        issue, lines = self.edition_of(recipient)
        if kind == ERRATUM:
            return compose_erratum(self.config, issue, recipient)
        return compose(self.config, issue, list(lines), recipient)


def prepare(month: str, archive_dir: Path, config: MailConfig, erratum: bool = False) -> Sending:
    """The latest archived version of ``month``, its files checked against the catalogue."""
    checked = checked_version(archive_dir, month)
    if erratum and checked.row.version == 1:
        raise MailError(Problem(Where(checked.folder), f"l’édition {month} n’a qu’une version : il n’y a pas de "
                                "rectificatif à envoyer", f"réémettez-la d’abord : {COMMAND} archive --edition "
                                f"{month} --reissue --reason « … »"))
    edition = load_edition(checked.folder / "data")
    previous = load_edition(checked.previous_month / "data") if checked.previous_month else None
    issue = Issue(edition, checked.row.version, checked.row.reason, checked.pdf, pdf_part(checked.pdf))
    return Sending(config, checked, issue, tuple(headlines(config, edition, previous)), archive_dir)


def with_territories(sending: Sending, recipients: list[Recipient]) -> Sending:
    """The territorial editions the recipients receive, from the same archived version; an error naming every
    recipient whose territory has no edition in it (nothing is sent then)."""
    wanted = sorted({r.territory for r in recipients if r.territory})
    if not wanted:
        return sending
    documents = {d.territory: d.pdf for d in sending.checked.manifest.documents}
    missing = [r for r in recipients if r.territory and r.territory not in documents]
    if missing:
        raise MailError([Problem(r.where, f"{r.email} : l’édition {r.territory} n’est pas dans la version "
                                 f"{sending.issue.version} archivée de {sending.month}",
                                 f"archivez les éditions territoriales : {COMMAND} archive --edition "
                                 f"{sending.month} --territories all (ou corrigez la colonne territoire)")
                         for r in missing])
    territorial = {}
    for territory in wanted:
        edition, lines = territorial_message(sending.config, sending.issue.edition, territory)
        pdf = sending.checked.folder / documents[territory]
        territorial[territory] = (replace(sending.issue, edition=edition, pdf=pdf, attachment=pdf_part(pdf)), lines)
    return replace(sending, territorial=territorial)


def journal_rows(archive_dir: Path, month: str) -> list[Delivery]:
    """The journal rows of ``month``, read without writing anything."""
    with journal(archive_dir, month, readonly=True) as j:
        return j.rows()


def check_size(sending: Sending, planned: list[Planned]) -> None:
    """Refuse before sending anything if a message would be over the limit: the heaviest one of
    each kind is composed and measured (only the name and address vary between recipients)."""
    for kind, territory in sorted({(p.kind, p.recipient.territory) for p in planned if p.kind}):
        heaviest = max((p.recipient for p in planned if p.kind == kind and p.recipient.territory == territory),
                       key=lambda r: 4 * len(r.name.encode("utf-8")) + len(r.email))
        size = len(wire_bytes(sending.compose(heaviest, kind)))
        if size > sending.config.max_size:
            pdf = sending.edition_of(heaviest)[0].pdf
            raise MailError(Problem(Where(pdf), f"le message pèserait {size / 1e6:.1f} Mo une fois "
                                    "encodé (la pièce jointe grossit d’un tiers en base64), au-delà de la limite de "
                                    f"{sending.config.max_size / 1e6:g} Mo", "relevez max_size_mb (ou --max-size-mb) "
                                    "si les serveurs l’acceptent, ou allégez le PDF"))


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it travels (CRLF line ends)."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def skipped(item: Planned) -> Outcome:
    """The outcome of a recipient the plan leaves out."""
    return Outcome(item.recipient, item.skip, None, item.detail)


def write_dry_run(sending: Sending, recipients: list[Recipient], erratum: bool, folder: Path) -> Iterator[Outcome]:
    """Write one .eml per recipient who would be sent something into ``folder`` (replaced as a whole,
    only ever a folder of .eml files); nothing is sent, the journal is only read."""
    refuse_inside_archive(folder, sending.archive_dir)
    planned = plan(recipients, journal_rows(sending.archive_dir, sending.month), sending.issue.version, erratum)
    check_size(sending, planned)
    _require_mail_folder(folder)
    created: list[Path] = []
    try:
        created = make_folders(folder.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    except OSError as exc:
        remove_folders(created)
        raise _unwritable(folder, exc) from None
    try:
        outcomes = list(_write_all(sending, planned, staging, folder))
        os.chmod(staging, 0o755 & ~current_umask())
        if folder.exists():
            remove_tree(folder)
        staging.rename(folder)
    except OSError as exc:
        remove_tree(staging)
        remove_folders(created)
        raise _unwritable(folder, exc) from None
    finally:
        remove_tree(staging)
    yield from outcomes


def _write_all(sending: Sending, planned: list[Planned], staging: Path, folder: Path) -> Iterator[Outcome]:
    for index, item in enumerate(planned, start=1):
        if item.kind is None:
            yield skipped(item)
            continue
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in item.recipient.email)
        territory = f"{item.recipient.territory.replace(':', '-')}-" if item.recipient.territory else ""
        name = f"{index:05d}-{item.kind}-{territory}{safe}.eml"
        (staging / name).write_bytes(sending.compose(item.recipient, item.kind).as_bytes())
        yield Outcome(item.recipient, "written", item.kind, str(folder / name))


def _require_mail_folder(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise MailError(Problem(Where(folder), "existe et n’est pas un dossier", "choisissez un autre --out-dir"))
    if folder.is_dir() and any(not p.name.endswith(".eml") or not p.is_file() for p in folder.iterdir()):
        raise MailError(Problem(Where(folder), "ce dossier contient autre chose que des messages .eml d’un essai à "
                                "blanc : il n’est pas remplacé", "choisissez un autre --out-dir"))


def _unwritable(folder: Path, exc: OSError) -> MailError:
    return MailError(Problem(Where(folder), f"impossible d’écrire l’essai à blanc : {os_reason(exc)}",
                             "choisissez un --out-dir accessible en écriture, sur un disque qui a de la place"))


def deliver(sending: Sending, recipients: list[Recipient], erratum: bool,
            progress: Callable[[int, int, str], None] | None = None) -> Iterator[Outcome]:
    """Send what the journal has not recorded as sent, one message at a time, under the archive lock."""
    with locked(sending.archive_dir):  # two runs would race on the journal
        planned = plan(recipients, journal_rows(sending.archive_dir, sending.month), sending.issue.version, erratum)
        check_size(sending, planned)
        if not any(p.kind for p in planned):
            yield from (skipped(p) for p in planned)
            return
        transport = SmtpTransport(sending.config.smtp, sending.config.sender.addr_spec)
        transport.open()  # a configuration error stops here, before the journal is touched
        try:
            with journal(sending.archive_dir, sending.month, readonly=False) as record:
                for index, item in enumerate(planned, start=1):
                    if progress:
                        progress(index, len(planned), item.recipient.email)
                    yield skipped(item) if item.kind is None else _deliver_once(sending, transport, record, item)
        finally:
            transport.close()


def _deliver_once(sending: Sending, transport: SmtpTransport, record: Journal, item: Planned) -> Outcome:
    recipient, kind, version = item.recipient, item.kind or EDITION, sending.issue.version
    message = sending.compose(recipient, kind)
    data = wire_bytes(message)
    territory = recipient.territory
    record.start(version, territory, recipient.key, kind, message["Message-ID"])
    if len(data) > sending.config.max_size:
        detail = f"message de {len(data) / 1e6:.1f} Mo, au-delà de la limite"
        record.record(version, territory, recipient.key, "failed", detail)
        return Outcome(recipient, "failed", kind, detail)
    settings = sending.config.smtp
    delay = settings.retry_delay
    for attempt in range(1, settings.attempts + 1):
        record.record(version, territory, recipient.key, "sending", f"tentative {attempt}", attempt=True)
        try:
            transport.send(data, recipient.email)
        except PermanentFailure as exc:
            record.record(version, territory, recipient.key, "failed", str(exc))
            return Outcome(recipient, "failed", kind, str(exc))
        except TemporaryFailure as exc:
            log.info("%s : échec temporaire (%s), tentative %d sur %d", recipient.email, exc, attempt, settings.attempts)
            record.record(version, territory, recipient.key, "pending", str(exc))
            if exc.connection and attempt == settings.attempts:
                raise MailError(Problem(Where(f"serveur SMTP {settings.host}:{settings.port}"),
                                        f"connexion perdue en cours d’envoi et impossible à rétablir : {exc}",
                                        "relancez send plus tard : ceux qui ont reçu l’édition ne la recevront pas "
                                        "deux fois")) from None
            if attempt < settings.attempts:
                time.sleep(delay)
                delay *= 2
            continue
        except MailError:
            record.record(version, territory, recipient.key, "pending", "envoi interrompu")
            raise
        record.record(version, territory, recipient.key, "sent", "accepté par le serveur")
        return Outcome(recipient, "sent", kind)
    detail = f"échecs temporaires, abandon après {settings.attempts} tentatives"
    record.record(version, territory, recipient.key, "failed", detail)
    return Outcome(recipient, "failed", kind, detail)


def terminal_progress(index: int, total: int, email: str) -> None:
    """Progress line on a terminal only (quiet in CI and pipes)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\033[K  {index}/{total}  {email}")
        sys.stderr.flush()
        if index == total:
            sys.stderr.write("\n")
