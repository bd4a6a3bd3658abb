"""Recipients of the bulletin: read and validate the partners' CSV list.

Input: a CSV with at least the columns ``email,name,organisation`` (more allowed; any common
dialect). Output: a list of :class:`Recipient`, duplicates removed (with a warning); every bad
line is reported with its line number before anything is sent.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bulletin.errors import DataError, Problem, Where, raise_if_errors
from bulletin.tables import read_csv_table

log = logging.getLogger(__name__)
REQUIRED = ("email", "name", "organisation")
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

    @property
    def key(self) -> str:
        """The address as compared for duplicates and in the journal (case-insensitive, as mail systems treat it)."""
        return self.email.lower()


def is_valid_address(address: str) -> bool:
    """True for a plausible deliverable address (no display name, no spaces)."""
    return len(address) <= 254 and bool(ADDRESS.match(address)) and ".." not in address


def read_recipients(path: Path) -> list[Recipient]:
    """Read ``path``; raise DataError listing every bad line; drop duplicates with a warning."""
    table = read_csv_table(path)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise DataError(Problem(Where(path, 1), f"missing columns: {', '.join(missing)}",
                                "the header needs email,name,organisation (more columns are allowed)"))
    problems: list[Problem] = []
    recipients: dict[str, Recipient] = {}
    for row in table.rows:
        email = row.cells["email"].strip()
        if not is_valid_address(email):
            problems.append(Problem(row.where, f"{email!r} is not a valid e-mail address",
                                    "write a plain address such as prenom.nom@exemple.fr"))
            continue
        recipient = Recipient(email, row.cells["name"].strip(), row.cells["organisation"].strip(), row.where)
        if recipient.key in recipients:
            log.warning("%s: %s is already listed at line %s; the duplicate is ignored",
                        row.where, email, recipients[recipient.key].where.line)
            continue
        recipients[recipient.key] = recipient
    raise_if_errors(problems, DataError)
    if not recipients:
        raise DataError(Problem(Where(path), "no recipient", "list at least one address"))
    return list(recipients.values())
