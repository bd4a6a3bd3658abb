"""Recipients of the bulletin: read and validate the partners' CSV list.

Input: a CSV (any common dialect) whose header names the address column ``email`` or
``courriel``, the name column ``name`` or ``nom`` and, optionally, the organisation column
``organisation`` or ``organisme`` and the territory column ``territoire`` or ``territory`` (``dep:58``,
``reg:27``, empty for the national edition; more columns allowed). Output: a list of :class:`Recipient`,
duplicates removed (with a warning); every bad line is reported with its line number before
anything is sent. Names and organisations are one line of at most 200 characters, without
control characters (a line break in a name would otherwise reach a mail header).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bulletin.errors import DataError, Problem, Where, raise_if_errors
from bulletin.register.territories import parse_territory
from bulletin.data.tables import Row, read_csv_table

log = logging.getLogger(__name__)
COLUMNS = {"email": ("email", "courriel"), "name": ("name", "nom"), "organisation": ("organisation", "organisme"),
           "territory": ("territory", "territoire")}
REQUIRED = ("email", "name")
MAX_NAME = 200
# A practical address check: one @, no spaces or angle brackets, a dotted domain of letters/digits/dashes.
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                     r"[A-Za-z]{2,63}$")


@dataclass(frozen=True)
class Recipient:
    """One partner's address, with the line it came from."""

    email: str
    name: str
    organisation: str
    where: Where
    territory: str = ""  # the edition they receive: "dep:58", "reg:27", '' for the national one

    @property
    def key(self) -> str:
        """The address as compared for duplicates and in the journal (case-insensitive, as mail systems treat it)."""
        return self.email.lower()


def is_valid_address(address: str) -> bool:
    """True for a plausible deliverable address (no display name, no spaces)."""
    return len(address) <= 254 and bool(ADDRESS.match(address)) and ".." not in address


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name in a mail header, or None."""
    if len(text) > MAX_NAME:
        return f"{len(text)} caractères, au-delà de {MAX_NAME}"
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")), None)
    if bad is not None:
        return f"contient un caractère invisible ou de contrôle (U+{ord(bad):04X})"
    return None


def _columns(path: Path, header: tuple[str, ...]) -> dict[str, str]:
    """Our field → the file's column; DataError if a required one is missing or given twice."""
    found: dict[str, str] = {}
    for field, names in COLUMNS.items():
        present = [name for name in names if name in header]
        if len(present) > 1:
            raise DataError(Problem(Where(path, 1), f"colonnes « {present[0]} » et « {present[1]} » : deux fois la "
                                    "même information", "gardez-en une seule"))
        if present:
            found[field] = present[0]
    missing = [COLUMNS[f] for f in REQUIRED if f not in found]
    if missing:
        wanted = " et ".join(f"« {a} » (ou « {b} »)" for a, b in missing)
        raise DataError(Problem(Where(path, 1), f"colonne manquante : {wanted}",
                                "l’en-tête doit nommer email,name[,organisation] ou courriel,nom[,organisme]"))
    return found


def read_recipients(path: Path) -> list[Recipient]:
    """Read ``path``; raise DataError listing every bad line; drop duplicates with a warning."""
    table = read_csv_table(path)  # a regular file of at most 16 MB (files.read_input), or a located DataError
    columns = _columns(path, table.columns)
    problems: list[Problem] = []
    recipients: dict[tuple[str, str], Recipient] = {}
    for row in table.rows:
        recipient = _recipient(row, columns, problems)
        if recipient is None:
            continue
        if (recipient.key, recipient.territory) in recipients:
            first = recipients[(recipient.key, recipient.territory)]
            log.warning("%s: %s figure déjà ligne %s ; le doublon est ignoré", row.where, recipient.email,
                        first.where.line)
            continue
        recipients[(recipient.key, recipient.territory)] = recipient
    raise_if_errors(problems, DataError)
    if not recipients:
        raise DataError(Problem(Where(path), "aucun destinataire", "indiquez au moins une adresse"))
    return list(recipients.values())


def _recipient(row: Row, columns: dict[str, str], problems: list[Problem]) -> Recipient | None:
    email = row.cells[columns["email"]].strip()
    if not is_valid_address(email):
        shown = email if len(email) <= 80 else email[:80] + "…"
        problems.append(Problem(row.where, f"{shown!r} n’est pas une adresse électronique valide",
                                "écrivez une adresse simple, comme prenom.nom@exemple.fr"))
        return None
    texts = {}
    for field in ("name", "organisation"):
        text = row.cells.get(columns.get(field, ""), "").strip()
        problem = name_problem(text)
        if problem:
            problems.append(Problem(row.where, f"colonne « {columns[field]} » de {email} : {problem}",
                                    f"écrivez un nom sur une ligne, {MAX_NAME} caractères au plus"))
            return None
        texts[field] = " ".join(text.split())
    territory = _territory(row, columns, email, problems)
    if territory is None:
        return None
    return Recipient(email, texts["name"], texts["organisation"], row.where, territory)


def _territory(row: Row, columns: dict[str, str], email: str, problems: list[Problem]) -> str | None:
    """The territory of the edition this partner receives (``dep:58``, ``reg:27``; '' for the national one)."""
    text = row.cells.get(columns.get("territory", ""), "").strip()
    if not text:
        return ""
    try:
        territory = parse_territory(text)
        return "" if territory.kind == "fr" else territory.key
    except ValueError as exc:
        problems.append(Problem(row.where, f"colonne « {columns['territory']} » de {email} : {exc}",
                                "écrivez dep:58 pour un département, reg:27 pour une région, ou laissez vide pour "
                                "l’édition nationale"))
        return None
