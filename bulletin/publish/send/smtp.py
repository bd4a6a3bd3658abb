"""SMTP transport: one connection, its failures sorted into three kinds.

Input: the SMTP settings. Output: messages handed to the server, or one of:
:class:`TemporaryFailure` (4xx, a connection lost mid-run: retried with backoff),
:class:`PermanentFailure` (5xx for one recipient: recorded, not retried), or a
:class:`~bulletin.publish.mail.MailError` for what no retry can fix — refused connection, unknown host,
no answer, TLS or STARTTLS failing, authentication refused, sender refused — which stops the run
at once with its cause.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from bulletin.errors import Problem, Where, os_reason
from bulletin.publish.mail import MailError, SmtpSettings


class TemporaryFailure(Exception):
    """The server said « try later » (4xx) or the connection was lost; ``connection`` when it could
    not be re-established."""

    def __init__(self, detail: str, connection: bool = False) -> None:
        super().__init__(detail)
        self.connection = connection


class PermanentFailure(Exception):
    """The server refused this recipient for good (5xx)."""


class SmtpTransport:
    """One SMTP connection: opened (and checked) before anything is sent, reopened after a loss."""

    def __init__(self, settings: SmtpSettings, envelope_from: str) -> None:
        self.settings = settings
        self.envelope_from = envelope_from
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect, secure and log in; MailError with the cause if the configuration cannot work."""
        try:
            self.connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(connection_problem(exc, self.settings)) from None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()  # certificates and host names are verified
        connection: smtplib.SMTP
        if s.security == "tls":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                connection.starttls(context=context)
            if s.user and s.password:
                connection.login(s.user, s.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, data: bytes, address: str) -> None:
        """Hand the message ``data`` to the server for ``address``; raise Temporary/PermanentFailure or MailError."""
        if self.connection is None:
            try:
                self.connection = self._connect()
            except (OSError, smtplib.SMTPException) as exc:
                raise TemporaryFailure(connection_problem(exc, self.settings).message, connection=True) from None
        try:
            self.connection.sendmail(self.envelope_from, [address], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            self._fail(code, text)
        except smtplib.SMTPSenderRefused as exc:
            if 400 <= exc.smtp_code < 500:
                self._fail(exc.smtp_code, exc.smtp_error)
            self.close()
            raise MailError(Problem(Where(f"{self.settings.host}:{self.settings.port}"),
                                    f"le serveur refuse l’expéditeur {exc.sender!r} : {_reply(exc.smtp_code, exc.smtp_error)}",
                                    "vérifiez sender: dans la configuration d’envoi et les droits du compte SMTP")
                            ) from None
        except smtplib.SMTPResponseException as exc:
            self._fail(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise TemporaryFailure(f"connexion perdue : {exc}") from None

    def _fail(self, code: int, text: bytes | str) -> None:
        detail = _reply(code, text)
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


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()


def connection_problem(exc: BaseException, s: SmtpSettings) -> Problem:
    """What went wrong reaching the server, and what to check."""
    server = f"{s.host}:{s.port}"
    where = Where(f"serveur SMTP {server}")
    settings_hint = "vérifiez smtp: dans la configuration d’envoi, --smtp-host/--smtp-port/--smtp-security"
    if isinstance(exc, socket.gaierror):
        reason = " (résolution de noms impossible pour l’instant : réseau ?)" if exc.errno == socket.EAI_AGAIN else ""
        return Problem(where, f"nom de serveur inconnu : {s.host}{reason}", settings_hint)
    if isinstance(exc, ConnectionRefusedError):
        return Problem(where, "connexion refusée : aucun serveur n’écoute sur ce port",
                       settings_hint + " ; 587 pour starttls, 465 pour tls")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return Problem(where, f"pas de réponse en {s.timeout:g} s", settings_hint + " ; un pare-feu bloque-t-il ce port ?")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Problem(where, f"certificat du serveur refusé : {exc.verify_message}",
                       "le nom du serveur doit être celui de son certificat, signé par une autorité reconnue")
    if isinstance(exc, ssl.SSLError):
        return Problem(where, f"la négociation TLS a échoué ({exc.reason or exc})",
                       "security: tls attend TLS dès la connexion (port 465) ; starttls le négocie ensuite (port 587)")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        wanted = "STARTTLS" if "STARTTLS" in str(exc) else "l’authentification (AUTH)"
        return Problem(where, f"le serveur ne propose pas {wanted}",
                       "security: tls si le serveur attend TLS dès la connexion ; sinon vérifiez le serveur")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Problem(where, f"authentification refusée : {_reply(exc.smtp_code, exc.smtp_error)}",
                       "vérifiez BULLETIN_SMTP_USER et BULLETIN_SMTP_PASSWORD")
    if isinstance(exc, smtplib.SMTPResponseException):
        return Problem(where, f"le serveur refuse la session : {_reply(exc.smtp_code, exc.smtp_error)}", settings_hint)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Problem(where, "le serveur a fermé la connexion dès l’ouverture", settings_hint)
    text = os_reason(exc) if isinstance(exc, OSError) else type(exc).__name__
    return Problem(where, f"connexion impossible : {text}", settings_hint)
