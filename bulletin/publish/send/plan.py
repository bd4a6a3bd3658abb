"""Who gets what: the plan of one run, from the recipients and the delivery journal.

Input: the recipients, the journal rows of the month, the latest version and the mode (the
edition, or the rectificatif of a re-issue). Output: one :class:`Planned` per recipient — the
message to send them, or why they are skipped:

- the edition (latest version) to whoever has received no version of the month;
- nothing to whoever already has this version (full or as a rectificatif);
- in edition mode, nothing to whoever received an earlier version: they get the rectificatif
  (``send --erratum``), not the whole bulletin again;
- in erratum mode, the rectificatif to whoever received an earlier version, nothing to the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.publish.archive import Delivery
from bulletin.publish.recipients import Recipient

EDITION, ERRATUM = "edition", "erratum"


@dataclass(frozen=True)
class Planned:
    """One recipient's part in the run: ``kind`` to send, or ``skip`` (an outcome state) with ``detail``."""

    recipient: Recipient
    kind: str | None
    skip: str = ""
    detail: str = ""


def plan(recipients: list[Recipient], rows: list[Delivery], version: int, erratum: bool) -> list[Planned]:
    """The plan for ``recipients`` given the journal ``rows`` of the month: each partner and the edition of
    their territory (the national one when they have none) are one delivery."""
    received: dict[tuple[str, str], set[int]] = {}
    for row in rows:
        if row.state == "sent":
            received.setdefault((row.email, row.territory), set()).add(row.version)
    return [_one(r, received.get((r.key, r.territory), set()), version, erratum) for r in recipients]


def _one(recipient: Recipient, versions: set[int], version: int, erratum: bool) -> Planned:
    if version in versions:
        return Planned(recipient, None, "already-sent", f"version {version}")
    earlier = max((v for v in versions if v < version), default=None)
    if erratum:
        if earlier is None:
            return Planned(recipient, None, "never-received")
        return Planned(recipient, ERRATUM, detail=f"avait la version {earlier}")
    if earlier is not None:
        return Planned(recipient, None, "earlier-version", f"version {earlier}")
    return Planned(recipient, EDITION)
