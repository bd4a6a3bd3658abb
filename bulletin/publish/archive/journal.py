"""The delivery journal: who was sent which version of which edition, and in what state.

Input: the archive folder. Output: ``journal.sqlite3`` beside the catalogue, one row per
(edition month, version, territory, address)::

    deliveries(month, version, territory, email, kind, message_id, state, attempts, detail, updated_at)

``territory`` is empty for the national edition; ``kind`` is ``edition`` (the bulletin) or
``erratum`` (the notice of a re-issue, sent to those who received an earlier version); ``state``
is ``pending``, ``sending``, ``sent`` or ``failed``. The journal is a file of its own because,
unlike the catalogue, it cannot be rebuilt from the manifests: ``archive reindex`` never touches it.
Every change is committed at once, so a killed run loses nothing the server already confirmed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bulletin.publish.archive.folders import ArchiveError
from bulletin.errors import Problem, Where, sqlite_reason

JOURNAL = "journal.sqlite3"
SCHEMA_VERSION = 1
TABLE = """CREATE TABLE IF NOT EXISTS deliveries (
    month TEXT NOT NULL, version INTEGER NOT NULL, territory TEXT NOT NULL DEFAULT '', email TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('edition', 'erratum')), message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL,
    PRIMARY KEY (month, version, territory, email))"""
HINT = ("restaurez journal.sqlite3 depuis une sauvegarde : sans lui, send ne sait plus qui a déjà reçu "
        "l’édition (archive reindex ne le reconstruit pas)")


@dataclass(frozen=True)
class Delivery:
    """One journal row."""

    month: str
    version: int
    territory: str
    email: str
    kind: str
    state: str
    attempts: int
    detail: str
    updated_at: str


class Journal:
    """The journal rows of one edition month; each change is committed at once."""

    def __init__(self, db: sqlite3.Connection | None, path: Path, month: str) -> None:
        self.db, self.path, self.month = db, path, month

    def rows(self) -> list[Delivery]:
        """Every row of the month (all versions, all territories), by address then version."""
        if self.db is None:
            return []
        with self._errors():
            return [Delivery(*row) for row in self.db.execute(
                "SELECT month, version, territory, email, kind, state, attempts, detail, updated_at FROM deliveries "
                "WHERE month = ? ORDER BY email, version", (self.month,))]

    def state(self, version: int, territory: str, email: str) -> str | None:
        """The recorded state of one delivery, None if never attempted."""
        if self.db is None:
            return None
        with self._errors():
            row = self.db.execute("SELECT state FROM deliveries WHERE month = ? AND version = ? AND territory = ? "
                                  "AND email = ?", (self.month, version, territory, email)).fetchone()
        return str(row[0]) if row else None

    def start(self, version: int, territory: str, email: str, kind: str, message_id: str) -> None:
        """A pending row, unless the delivery is already journaled; committed with the next :meth:`record`
        (one disk sync instead of two per message)."""
        assert self.db is not None, "the journal was opened read-only"
        with self._errors():
            self.db.execute("INSERT OR IGNORE INTO deliveries (month, version, territory, email, kind, message_id, "
                            "state, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                            (self.month, version, territory, email, kind, message_id, now()))

    def record(self, version: int, territory: str, email: str, state: str, detail: str = "",
               attempt: bool = False) -> None:
        """Write one state change and commit it."""
        self._write("UPDATE deliveries SET state = ?, detail = ?, updated_at = ?, attempts = attempts + ? "
                    "WHERE month = ? AND version = ? AND territory = ? AND email = ?",
                    (state, detail, now(), int(attempt), self.month, version, territory, email))

    def _write(self, statement: str, values: tuple[object, ...]) -> None:
        assert self.db is not None, "the journal was opened read-only"
        with self._errors():
            self.db.execute(statement, values)
            self.db.commit()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise journal_error(self.path, exc) from None


def now() -> str:
    """The current UTC time, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def journal_error(path: Path, exc: Exception) -> ArchiveError:
    """The problem of an unusable journal file."""
    text = str(exc)
    if any(word in text for word in ("readonly", "disk is full", "disk I/O", "locked", "unable to open")):
        return ArchiveError(Problem(Where(path), f"impossible d’écrire le journal des envois : {sqlite_reason(exc)}",
                                    "vérifiez l’espace disque et les droits sur le dossier d’archive"))
    return ArchiveError(Problem(Where(path), f"journal des envois endommagé ou illisible ({sqlite_reason(exc)})", HINT))


@contextlib.contextmanager
def journal(archive_dir: Path, month: str, *, readonly: bool) -> Iterator[Journal]:
    """The journal of ``month``; read-only opening never creates the file (an absent journal is empty)."""
    path = archive_dir / JOURNAL
    if readonly and not path.exists():
        yield Journal(None, path, month)
        return
    connection = _open(path, readonly)
    try:
        yield Journal(connection, path, month)
    finally:
        connection.close()


def _open(path: Path, readonly: bool) -> sqlite3.Connection:
    try:
        if path.exists() and not path.is_file():
            raise sqlite3.DatabaseError("ce n’est pas un fichier")
        connection = sqlite3.connect(f"file:{path}?mode=ro" if readonly else f"file:{path}", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise journal_error(path, exc) from None
    try:
        _check(connection, readonly)
    except sqlite3.Error as exc:
        connection.close()
        raise journal_error(path, exc) from None
    return connection


def _check(connection: sqlite3.Connection, readonly: bool) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and not tables and not readonly:
        atomic_script(connection, [TABLE, f"PRAGMA user_version = {SCHEMA_VERSION}"])
    elif version != SCHEMA_VERSION or "deliveries" not in tables:
        raise sqlite3.DatabaseError(f"schéma {version} inattendu")
    if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise sqlite3.DatabaseError("la vérification d’intégrité SQLite a échoué")


def atomic_script(connection: sqlite3.Connection, statements: list[str]) -> None:
    """Run ``statements`` (schema changes too, which Python's sqlite3 would commit one by one) as one transaction."""
    level = connection.isolation_level
    connection.isolation_level = None
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                connection.execute(statement)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # SQLite may have rolled back by itself (a full disk)
                connection.execute("ROLLBACK")
            raise
    finally:
        connection.isolation_level = level


def adopt(archive_dir: Path, legacy: list[tuple[object, ...]]) -> None:
    """Move the rows of a schema 1 catalogue's journal (national edition, version 1) into the journal."""
    if not legacy:
        return
    with journal(archive_dir, "", readonly=False) as target:
        assert target.db is not None
        with target._errors(), target.db:
            target.db.executemany(
                "INSERT OR IGNORE INTO deliveries (month, version, territory, email, kind, message_id, state, "
                "attempts, detail, updated_at) VALUES (?, 1, '', ?, 'edition', ?, ?, ?, ?, ?)", legacy)
