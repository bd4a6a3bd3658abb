"""Mail composition: the messages partners receive for an archived edition.

Input: the mail configuration (``layouts/pvd-mail.yaml``, the environment, the command line), the
archived edition (and the one before it, for changes), a recipient and the archived PDF. Output:
a MIME message with a French subject, a plain-text and an HTML part showing the headline figures
with their change, the PDF attached, a ``List-Unsubscribe`` header and line, and a ``Message-ID``
that is the same for the same (edition, version, kind, recipient) every time. A re-issue has its
own short message, the *rectificatif* (erratum), for those who received an earlier version.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import math
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Any

from bulletin.data.edition import Edition
from bulletin.errors import BulletinError, Problem, Where
from bulletin.data.history import change_since
from bulletin.publish.recipients import Recipient, is_valid_address
from bulletin.typography import format_value, fr_month
from bulletin.data.yamlspec import Located, load_yaml

SECURITIES = ("none", "starttls", "tls")
ADDRESS_HEADERS = ("from", "to", "reply-to")


class MailError(BulletinError):
    """The edition cannot be sent as asked (configuration, recipients, server)."""


class MessagePolicy(EmailPolicy):
    """The standard policy, but Subject and address headers are RFC 2047-encoded and folded by
    :class:`email.header.Header`: the standard folder loses or adds spaces between encoded
    words (« —février », « Comt é »), which mail clients then show."""

    def fold(self, name: str, value: Any) -> str:
        own = _fold_header(name, value, self.linesep)
        return own if own is not None else super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        own = _fold_header(name, value, self.linesep)
        return own.encode("ascii") if own is not None else super().fold_binary(name, value)


MESSAGE_POLICY = MessagePolicy()


def _fold_header(name: str, value: Any, linesep: str) -> str | None:
    lowered = name.lower()
    if lowered == "list-unsubscribe":  # a URL: never encoded (clients would not read it), at most 500 characters
        return f"{name}: {value}{linesep}"
    if lowered == "subject":
        return f"{name}: {_encoded(str(value), name, linesep)}{linesep}"
    if lowered in ADDRESS_HEADERS and hasattr(value, "addresses"):
        parts = []
        for address in value.addresses:
            if not address.display_name:
                parts.append(address.addr_spec)
            elif address.display_name.isascii():
                parts.append(str(Address(address.display_name, addr_spec=address.addr_spec)))  # quotes if needed
            else:
                parts.append(f"{_encoded(address.display_name, name, linesep)} <{address.addr_spec}>")
        return f"{name}: {', '.join(parts)}{linesep}"
    return None


def _encoded(text: str, name: str, linesep: str) -> str:
    if text.isascii() and len(text) + len(name) < 76:
        return text
    return Header(text, "utf-8", maxlinelen=76, header_name=name).encode(linesep=linesep)


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
    """Sender, reply-to, unsubscribe address, size limit, SMTP settings and headline figures."""

    sender: Address
    reply_to: Address
    unsubscribe: str  # mailto: URL
    max_size: int  # bytes, of the encoded message
    smtp: SmtpSettings
    headlines: tuple[tuple[str, str], ...]
    singular: Mapping[str, str] = field(default_factory=dict)  # figure key → label when the count is 0 or 1


@dataclass(frozen=True)
class Headline:
    """One figure of the message: « 1 579 communes ont signé… (+47 depuis janvier 2022) »."""

    value: str
    label: str
    change: str


@dataclass(frozen=True)
class Issue:
    """What is sent: an archived version of an edition, its data and its PDF (as a MIME part,
    encoded once and shared by every message of the run)."""

    edition: Edition
    version: int
    reason: str  # why this version replaces the previous one ('' for version 1)
    pdf: Path
    attachment: EmailMessage


def pdf_part(pdf: Path) -> EmailMessage:
    """The PDF as an attachment part (an EmailMessage, as ``add_attachment`` would make it)."""
    part = EmailMessage(policy=MESSAGE_POLICY)
    part.set_content(pdf.read_bytes(), maintype="application", subtype="pdf", disposition="attachment",
                     filename=pdf.name)
    return part


OPTIONS = {"host": "--smtp-host", "port": "--smtp-port", "security": "--smtp-security",
           "retry_delay": "--retry-delay", "max_size_mb": "--max-size-mb"}
ENVIRONMENT = {"host": "BULLETIN_SMTP_HOST", "port": "BULLETIN_SMTP_PORT", "security": "BULLETIN_SMTP_SECURITY",
               "timeout": "BULLETIN_SMTP_TIMEOUT", "attempts": "BULLETIN_SMTP_ATTEMPTS",
               "retry_delay": "BULLETIN_SMTP_RETRY_DELAY"}


class _Settings:
    """Each setting from the first of: command line, environment, file; with where it came from."""

    def __init__(self, path: Path, data: Located, overrides: dict[str, object]) -> None:
        self.path, self.data, self.overrides = path, data, overrides
        smtp = data.get("smtp")
        self.smtp = smtp if isinstance(smtp, Located) else Located()
        if smtp is not None and not isinstance(smtp, Located):
            raise MailError(Problem(Where(path, data.line_of("smtp")), "smtp: doit être une table de réglages",
                                    "voyez layouts/pvd-mail.yaml"))

    def get(self, name: str, default: object, section: str = "smtp") -> tuple[object, Where, str]:
        """(value, where it came from, the key to name in a message about it)."""
        if self.overrides.get(name) not in (None, ""):
            return self.overrides[name], Where(OPTIONS[name]), ""
        if name in ENVIRONMENT and os.environ.get(ENVIRONMENT[name], "") != "":
            return os.environ[ENVIRONMENT[name]], Where(ENVIRONMENT[name]), ""
        table = self.smtp if section == "smtp" else self.data
        key = f"smtp.{name}" if section == "smtp" else name
        if table.get(name) is not None:
            return table[name], Where(self.path, table.line_of(name)), f"{key} : "
        return default, Where(self.path), f"{key} : "

    def number(self, name: str, default: float, low: float, high: float, whole: bool = False) -> float:
        value, where, key = self.get(name, default, "smtp" if name != "max_size_mb" else "")
        return parse_number(value, where, low, high, whole, key)


def parse_number(value: object, where: Where, low: float, high: float, whole: bool = False, key: str = "") -> float:
    """A finite number between ``low`` and ``high`` written plainly; MailError naming ``where`` otherwise."""
    kind = "un nombre entier" if whole else "un nombre"
    problem = Problem(where, f"{key}« {value} » n’est pas {kind} entre {low:g} et {high:g}",
                      "écrivez une valeur simple, par exemple " + ("587" if whole else "2"))
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise MailError(problem)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        raise MailError(problem) from None
    if not text.isascii() or not math.isfinite(number) or not low <= number <= high \
            or (whole and not text.isdigit()):
        raise MailError(problem)
    return number


def load_mail_config(path: Path, overrides: dict[str, object]) -> MailConfig:
    """Read ``path``; ``overrides`` (from the command line) win over the environment, which wins over the file."""
    data = load_yaml(path, MailError)
    if not isinstance(data, Located):
        raise MailError(Problem(Where(path), "la configuration d’envoi doit être une table de réglages",
                                "voyez layouts/pvd-mail.yaml"))
    settings = _Settings(path, data, overrides)
    smtp = SmtpSettings(host=_host(settings), port=int(settings.number("port", 25, 1, 65535, whole=True)),
                        security=_security(settings), timeout=settings.number("timeout", 30, 0.1, 600),
                        attempts=int(settings.number("attempts", 4, 1, 20, whole=True)),
                        retry_delay=settings.number("retry_delay", 2, 0, 3600), **_credentials())
    if smtp.security == "none" and not is_local_host(smtp.host):
        raise MailError(Problem(settings.get("security", "")[1], f"la sécurité « none » envoie en clair : refusée "
                                f"pour {smtp.host}", "utilisez starttls ou tls ; « none » ne sert que pour un "
                                "serveur sur cette machine"))
    return MailConfig(_address(settings, "sender"), _address(settings, "reply_to"), _unsubscribe(settings),
                      int(settings.number("max_size_mb", 10, 0.01, 1000) * 1_000_000), smtp, _headlines(path, data),
                      _singular_labels(data))


def _host(settings: _Settings) -> str:
    value, where, key = settings.get("host", "localhost")
    host = str(value).strip()
    if not host or len(host) > 253 or any(c.isspace() or ord(c) < 32 for c in host) or host.startswith("-"):
        raise MailError(Problem(where, f"{key}« {value} » n’est pas un nom de serveur", "par exemple smtp.exemple.fr"))
    return host


def _security(settings: _Settings) -> str:
    value, where, key = settings.get("security", "starttls")
    if value not in SECURITIES:
        raise MailError(Problem(where, f"{key}sécurité SMTP inconnue « {value} »",
                                f"choisissez : {', '.join(SECURITIES)}"))
    return str(value)


def _credentials() -> dict[str, str | None]:
    user, password = os.environ.get("BULLETIN_SMTP_USER") or None, os.environ.get("BULLETIN_SMTP_PASSWORD") or None
    if bool(user) != bool(password):
        missing = "BULLETIN_SMTP_PASSWORD" if user else "BULLETIN_SMTP_USER"
        raise MailError(Problem(Where(missing), "l’identifiant et le mot de passe SMTP vont ensemble",
                                f"définissez aussi {missing}, ou aucun des deux"))
    return {"user": user, "password": password}


def _address(settings: _Settings, name: str) -> Address:
    value, where, key = settings.get(name, "", section="")
    display, address = parseaddr(str(value))
    if not is_valid_address(address) or any(ord(c) < 32 for c in str(value)) or len(display) > 200:
        raise MailError(Problem(where, f"{key}« {value} » n’est pas une adresse valide",
                                "écrivez « Nom <adresse@exemple.fr> » ou une adresse simple"))
    return Address(display_name=display, addr_spec=address)


def _unsubscribe(settings: _Settings) -> str:
    value, where, key = settings.get("unsubscribe", "", section="")
    url = str(value).strip()
    parts = urllib.parse.urlsplit(url)
    problem = Problem(where, f"{key}« {value} » n’est pas une adresse mailto: valide" if url else
                      f"{key}l’adresse de désinscription manque",
                      "écrivez par exemple unsubscribe: \"mailto:bulletin@exemple.fr?subject=D%C3%A9sinscription\"")
    if parts.scheme != "mailto" or len(url) > 500 or not is_valid_address(urllib.parse.unquote(parts.path)) \
            or any(c.isspace() or ord(c) < 32 for c in url):
        raise MailError(problem)
    return url


def _headlines(path: Path, data: Located) -> tuple[tuple[str, str], ...]:
    found = []
    for item in data.get("headlines") or ():
        if not (isinstance(item, Located) and isinstance(item.get("figure"), str)
                and isinstance(item.get("label", ""), str) and isinstance(item.get("label_singular", ""), str)):
            line = item.line if isinstance(item, Located) else data.line_of("headlines")
            raise MailError(Problem(Where(path, line), "headlines : chaque entrée est {figure: clé, label: texte}",
                                    "voyez layouts/pvd-mail.yaml"))
        found.append((item["figure"], item.get("label", "")))
    return tuple(found)


def _singular_labels(data: Located) -> dict[str, str]:
    """``label_singular`` of the headlines that have one (a territory's count may be 0 or 1)."""
    return {item["figure"]: item["label_singular"] for item in data.get("headlines") or () if item.get("label_singular")}


def territorial_message(config: MailConfig, edition: Edition, territory: str) -> tuple[Edition, tuple[Headline, ...]]:
    """The edition of ``territory`` computed from the archived register, and its headline figures — those the
    register computes, each with France's value (« 12 communes ont signé… (France : 1 579) »)."""
    from bulletin.territorial.scope import read_scope, territory_of

    scope, printed, problems = read_scope(edition, territory_of(territory), {}, frozenset())
    errors = [p for p in problems if not p.warning]
    if errors:
        raise MailError(errors)
    lines = []
    for key, label in config.headlines:
        figure, national = printed.figures.get(key), edition.figures.get(key)
        if key not in scope.computed or figure is None or national is None:
            continue  # a figure of the whole programme only: never under a territory's name
        if figure.unit == "count" and figure.number < 2:
            label = config.singular.get(key, label)
        lines.append(Headline(format_value(figure.value, figure.unit), label,
                              f"France : {format_value(national.value, national.unit)}"))
    return printed, tuple(lines)


def is_local_host(host: str) -> bool:
    """True for this machine's loopback names and addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def headlines(config: MailConfig, edition: Edition, previous: Edition | None) -> list[Headline]:
    """The configured headline figures with their change since ``previous``."""
    lines = []
    for key, label in config.headlines:
        figure = edition.figures.get(key)
        if figure is None:
            raise MailError(Problem(Where(edition.folder / "figures.csv"), f"le chiffre « {key} » des headlines "
                                    "n’est pas dans les données archivées", "corrigez headlines: dans la configuration "
                                    "d’envoi"))
        lines.append(Headline(format_value(figure.value, figure.unit), label, change_since(key, edition, previous)))
    return lines


def subject(edition: Edition) -> str:
    """« Petites villes de demain — chiffres clés — février 2022 », « … — Nièvre (58) — février 2022 »."""
    territory = f"{edition.territory_name} — " if edition.territory_name else ""
    return f"Petites villes de demain — chiffres clés — {territory}{fr_month(edition.month_date)}".replace("\u00a0", " ")


def message_id(issue: Issue, kind: str, recipient: Recipient, sender: Address) -> str:
    """The same Message-ID for the same edition, version, kind and address, so a repeat is recognisable."""
    month = issue.edition.month
    territory = f"\n{issue.edition.territory}" if issue.edition.territory else ""  # the national ids stay as they were
    digest = hashlib.sha256(f"{month}\n{issue.version}\n{kind}\n{recipient.key}{territory}".encode()).hexdigest()[:24]
    domain = sender.domain or "bulletin.local"
    return f"<pvd-{month}-v{issue.version}-{kind}-{digest}@{domain}>"


def compose(config: MailConfig, issue: Issue, lines: list[Headline], recipient: Recipient) -> EmailMessage:
    """The bulletin for ``recipient``, with the archived PDF attached."""
    message = _envelope(config, issue, recipient, "edition", subject(issue.edition))
    message.set_content(plain_text(config, issue, lines, recipient))
    message.add_alternative(html_text(config, issue, lines, recipient), subtype="html")
    return _attach(message, issue)


def compose_erratum(config: MailConfig, issue: Issue, recipient: Recipient) -> EmailMessage:
    """The short notice of a re-issue for someone who received an earlier version, the new PDF attached."""
    title = f"Rectificatif — {subject(issue.edition)} (version {issue.version})"
    message = _envelope(config, issue, recipient, "erratum", title)
    text = erratum_text(config, issue, recipient)
    message.set_content(text)
    message.add_alternative(_html_page(text), subtype="html")
    return _attach(message, issue)


def _attach(message: EmailMessage, issue: Issue) -> EmailMessage:
    message.make_mixed()
    message.attach(issue.attachment)
    return message


def _envelope(config: MailConfig, issue: Issue, recipient: Recipient, kind: str, title: str) -> EmailMessage:
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["Subject"] = title
    message["From"] = config.sender
    message["Reply-To"] = config.reply_to
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(issue, kind, recipient, config.sender)
    message["List-Unsubscribe"] = f"<{config.unsubscribe}>"
    message["Content-Language"] = "fr"
    return message


def _greeting(recipient: Recipient) -> str:
    return f"Bonjour {recipient.name}," if recipient.name else "Bonjour,"


def unsubscribe_line(config: MailConfig) -> str:
    """« Pour ne plus recevoir ce bulletin, écrivez à … (objet « Désinscription ») »."""
    parts = urllib.parse.urlsplit(config.unsubscribe)
    address = urllib.parse.unquote(parts.path)
    topic = urllib.parse.parse_qs(parts.query).get("subject", [""])[0].strip()
    return f"Pour ne plus recevoir ce bulletin, écrivez à {address}" + (f" (objet « {topic} »)." if topic else ".")


def _territory(issue: Issue) -> str:
    """« , édition territoriale : Nièvre (58) » for a territorial edition, '' for the national one."""
    return f", édition territoriale : {issue.edition.territory_name}" if issue.edition.territory_name else ""


def _correction(issue: Issue) -> list[str]:
    if issue.version == 1:
        return []
    return [f"Cette version {issue.version} corrige la précédente : {issue.reason}", ""]


def plain_text(config: MailConfig, issue: Issue, lines: list[Headline], recipient: Recipient) -> str:
    """The text/plain part of the bulletin."""
    month = fr_month(issue.edition.month_date)
    body = [_greeting(recipient), "", f"Voici les chiffres clés du programme Petites villes de demain de {month}"
            f"{_territory(issue)}.", ""]
    body += _correction(issue)
    body += [f"- {h.value} {h.label}" + (f" ({h.change})" if h.change else "") for h in lines]
    body += ["", "Le bulletin complet est joint en PDF.", "", "La direction de programme Petites villes de demain (ANCT)",
             "", "-- ", unsubscribe_line(config)]
    return "\n".join(body).replace("\u202f", "\u00a0") + "\n"


def erratum_text(config: MailConfig, issue: Issue, recipient: Recipient) -> str:
    """The text of the rectificatif."""
    month = fr_month(issue.edition.month_date)
    body = [_greeting(recipient), "",
            f"Le bulletin des chiffres clés du programme Petites villes de demain de {month}{_territory(issue)} que "
            "nous vous avons adressé a été corrigé.", "", f"Correction : {issue.reason}", "",
            f"La version corrigée (version {issue.version}) est jointe en PDF ; elle remplace la précédente.", "",
            "La direction de programme Petites villes de demain (ANCT)", "", "-- ", unsubscribe_line(config)]
    return "\n".join(body).replace("\u202f", "\u00a0") + "\n"


def _html_page(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.strip().split("\n\n"))
    return (f'<!DOCTYPE html><html lang="fr"><body style="font-family:sans-serif;color:#161616">{paragraphs}'
            "</body></html>\n")


def html_text(config: MailConfig, issue: Issue, lines: list[Headline], recipient: Recipient) -> str:
    """The text/html part; every inserted value is escaped."""
    e = html.escape
    rows = "".join(
        f'<tr><td style="font-size:20px;font-weight:bold;color:#000091;padding:4px 12px 4px 0;white-space:nowrap">'
        f"{e(h.value)}</td><td>{e(h.label)}"
        + (f'<br><span style="color:#666666">{e(h.change)}</span>' if h.change else "") + "</td></tr>"
        for h in lines)
    month = e(fr_month(issue.edition.month_date))
    correction = "".join(f"<p><strong>{e(line)}</strong></p>" for line in _correction(issue) if line)
    return (f'<!DOCTYPE html><html lang="fr"><body style="font-family:sans-serif;color:#161616">'
            f"<p>{e(_greeting(recipient))}</p><p>Voici les chiffres clés du programme "
            f"<strong>Petites villes de demain</strong> de {month}{e(_territory(issue))}.</p>{correction}"
            f"<table>{rows}</table>"
            f"<p>Le bulletin complet est joint en PDF.</p>"
            f"<p>La direction de programme Petites villes de demain (ANCT)</p>"
            f'<p style="color:#666666;font-size:12px">{e(unsubscribe_line(config))}</p></body></html>\n'
            ).replace("\u202f", "\u00a0")  # mail fonts often lack U+202F; U+00A0 also never breaks
