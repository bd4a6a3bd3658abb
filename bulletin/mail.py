"""Mail composition: the message partners receive for an archived edition.

Input: the mail configuration (``layouts/pvd-mail.yaml``), the archived edition (and the one
before it, for changes), a recipient and the archived PDF. Output: a MIME message with a French
subject, a plain-text and an HTML part showing the headline figures with their change, the PDF
attached, and a ``Message-ID`` that is the same for the same (edition, recipient) every time.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import os
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path

from bulletin.edition import Edition
from bulletin.errors import DataError, Problem, Where
from bulletin.recipients import Recipient, is_valid_address
from bulletin.history import change_since
from bulletin.typography import fr_month, format_value
from bulletin.yamlspec import Located, load_yaml

SECURITIES = ("none", "starttls", "tls")
# Long headers are not folded: folding between RFC 2047 encoded words loses the space (« —février »).
MESSAGE_POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server; credentials only ever come from the environment."""

    host: str
    port: int
    security: str
    timeout: float
    attempts: int
    retry_delay: float
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class MailConfig:
    """Sender, reply-to, size limit, SMTP settings and headline figures."""

    sender: str
    reply_to: str
    max_size: int  # bytes, of the encoded message
    smtp: SmtpSettings
    headlines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Headline:
    """One figure of the message: « 1 579 communes ont signé… (+47 depuis janvier 2022) »."""

    value: str
    label: str
    change: str


def load_mail_config(path: Path, overrides: dict[str, object]) -> MailConfig:
    """Read ``path``; ``overrides`` (from the command line) win over the environment, which wins over the file."""
    data = load_yaml(path, DataError)
    if not isinstance(data, Located):
        raise DataError(Problem(Where(path), "the mail configuration must be a mapping", "see layouts/pvd-mail.yaml"))
    smtp = data.get("smtp") or {}
    setting = _setting_reader(overrides, smtp)
    settings = SmtpSettings(
        host=str(setting("host", "BULLETIN_SMTP_HOST", "localhost")),
        port=int(setting("port", "BULLETIN_SMTP_PORT", 25)),
        security=str(setting("security", "BULLETIN_SMTP_SECURITY", "starttls")),
        timeout=float(setting("timeout", "BULLETIN_SMTP_TIMEOUT", 30)),
        attempts=int(setting("attempts", "BULLETIN_SMTP_ATTEMPTS", 4)),
        retry_delay=float(setting("retry_delay", "BULLETIN_SMTP_RETRY_DELAY", 2)),
        user=os.environ.get("BULLETIN_SMTP_USER"), password=os.environ.get("BULLETIN_SMTP_PASSWORD"))
    _check_settings(path, settings)
    config = MailConfig(str(data.get("sender", "")), str(data.get("reply_to", "")),
                        int(float(str(overrides.get("max_size_mb") or data.get("max_size_mb", 10))) * 1_000_000),
                        settings, tuple((str(h["figure"]), str(h.get("label", ""))) for h in data.get("headlines") or ()))
    _check_addresses(path, config)
    return config


def _setting_reader(overrides: dict[str, object], smtp: dict[str, object]):  # type: ignore[no-untyped-def]
    def setting(name: str, env: str, default: object) -> object:
        for value in (overrides.get(name), os.environ.get(env), smtp.get(name)):
            if value not in (None, ""):
                return value
        return default
    return setting


def _check_settings(path: Path, settings: SmtpSettings) -> None:
    if settings.security not in SECURITIES:
        raise DataError(Problem(Where(path), f"unknown SMTP security {settings.security!r}",
                                f"use one of: {', '.join(SECURITIES)}"))
    if settings.security == "none" and not is_local_host(settings.host):
        raise DataError(Problem(Where(path), f"security 'none' sends in clear text: refused for {settings.host}",
                                "use starttls or tls; 'none' is only for a server on this machine"))
    if settings.attempts < 1 or settings.timeout <= 0 or settings.retry_delay < 0:
        raise DataError(Problem(Where(path), "smtp: attempts ≥ 1, timeout > 0 and retry_delay ≥ 0 are required", ""))


def is_local_host(host: str) -> bool:
    """True for this machine's loopback names and addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_addresses(path: Path, config: MailConfig) -> None:
    for name, value in (("sender", config.sender), ("reply_to", config.reply_to)):
        if not is_valid_address(parseaddr(value)[1]):
            raise DataError(Problem(Where(path), f"{name} {value!r} is not a valid address",
                                    "write « Nom <adresse@exemple.fr> » or a plain address"))


def headlines(config: MailConfig, edition: Edition, previous: Edition | None) -> list[Headline]:
    """The configured headline figures with their change since ``previous``."""
    lines = []
    for key, label in config.headlines:
        figure = edition.figures.get(key)
        if figure is None:
            raise DataError(Problem(Where(edition.folder / "figures.csv"), f"headline figure {key!r} is not in the "
                                    "archived data", "correct headlines: in the mail configuration"))
        lines.append(Headline(format_value(figure.value, figure.unit), label, change_since(key, edition, previous)))
    return lines


def subject(edition: Edition) -> str:
    """« Petites villes de demain — chiffres clés — février 2022 »."""
    return f"Petites villes de demain — chiffres clés — {fr_month(edition.month_date)}".replace("\u00a0", " ")


def message_id(month: str, recipient: Recipient, sender: str) -> str:
    """The same Message-ID for the same edition and address, so a repeat is recognisable."""
    digest = hashlib.sha256(f"{month}\n{recipient.key}".encode()).hexdigest()[:24]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "bulletin.local"
    return f"<pvd-{month}-{digest}@{domain}>"


def compose(config: MailConfig, edition: Edition, lines: list[Headline], recipient: Recipient,
            pdf: Path) -> EmailMessage:
    """The message for ``recipient``, with the archived ``pdf`` attached."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["Subject"] = subject(edition)
    message["From"] = config.sender
    message["Reply-To"] = config.reply_to
    message["To"] = formataddr((recipient.name, recipient.email))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(edition.month, recipient, config.sender)
    message.set_content(plain_text(edition, lines, recipient))
    message.add_alternative(html_text(edition, lines, recipient), subtype="html")
    message.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name)
    return message


def _greeting(recipient: Recipient) -> str:
    return f"Bonjour {recipient.name}," if recipient.name else "Bonjour,"


def plain_text(edition: Edition, lines: list[Headline], recipient: Recipient) -> str:
    """The text/plain part."""
    month = fr_month(edition.month_date)
    body = [_greeting(recipient), "", f"Voici les chiffres clés du programme Petites villes de demain de {month}.", ""]
    body += [f"- {h.value} {h.label}" + (f" ({h.change})" if h.change else "") for h in lines]
    body += ["", "Le bulletin complet est joint en PDF.", "", "La direction de programme Petites villes de demain (ANCT)"]
    return "\n".join(body).replace("\u202f", "\u00a0") + "\n"


def html_text(edition: Edition, lines: list[Headline], recipient: Recipient) -> str:
    """The text/html part; every inserted value is escaped."""
    e = html.escape
    rows = "".join(
        f'<tr><td style="font-size:20px;font-weight:bold;color:#000091;padding:4px 12px 4px 0;white-space:nowrap">'
        f"{e(h.value)}</td><td>{e(h.label)}"
        + (f'<br><span style="color:#666666">{e(h.change)}</span>' if h.change else "") + "</td></tr>"
        for h in lines)
    month = e(fr_month(edition.month_date))
    return (f'<!DOCTYPE html><html lang="fr"><body style="font-family:sans-serif;color:#161616">'
            f"<p>{e(_greeting(recipient))}</p><p>Voici les chiffres clés du programme "
            f"<strong>Petites villes de demain</strong> de {month}.</p><table>{rows}</table>"
            f"<p>Le bulletin complet est joint en PDF.</p>"
            f"<p>La direction de programme Petites villes de demain (ANCT)</p></body></html>\n"
            ).replace("\u202f", "\u00a0")  # mail fonts often lack U+202F; U+00A0 also never breaks
