"""Delivery status: who received which version of an edition, who failed, who is still waiting.

Input: the journal rows of a month, its latest version and optionally the recipients file.
Output: one :class:`RecipientStatus` per address (journal and file together), in four states:
``current`` (has the latest version, in full or as a rectificatif), ``earlier`` (has only an
earlier version: send the rectificatif), ``failed`` (the server refused the latest attempt) and
``pending`` (never attempted, or interrupted).
"""

from __future__ import annotations

from dataclasses import dataclass

from bulletin.publish.archive import Delivery
from bulletin.publish.recipients import Recipient

STATES = ("current", "earlier", "failed", "pending")


@dataclass(frozen=True)
class RecipientStatus:
    """What one address has received of the edition."""

    email: str
    state: str
    received: str  # « v1, rectificatif v2 », or « — »
    detail: str
    territory: str = ""  # the edition: "dep:58", "reg:27", '' for the national one


def delivery_status(rows: list[Delivery], latest: int, recipients: list[Recipient] | None = None) -> list[RecipientStatus]:
    """The status of every (address, edition) in the journal or in ``recipients``, sorted by address then
    territory (the national edition first)."""
    by_delivery: dict[tuple[str, str], list[Delivery]] = {}
    for row in rows:
        by_delivery.setdefault((row.email, row.territory), []).append(row)
    for recipient in recipients or ():
        by_delivery.setdefault((recipient.key, recipient.territory), [])
    return [_status(email, territory, sorted(found, key=lambda r: r.version), latest)
            for (email, territory), found in sorted(by_delivery.items())]


def _status(email: str, territory: str, rows: list[Delivery], latest: int) -> RecipientStatus:
    sent = [r for r in rows if r.state == "sent"]
    received = ", ".join(("rectificatif " if r.kind == "erratum" else "") + f"v{r.version}" for r in sent) or "—"
    last = rows[-1] if rows else None
    if any(r.version == latest for r in sent):
        return RecipientStatus(email, "current", received, "", territory)
    detail = last.detail if last is not None and last.state != "sent" else ""
    if sent:
        return RecipientStatus(email, "earlier", received, detail, territory)
    if last is not None and last.state == "failed":
        return RecipientStatus(email, "failed", received, detail, territory)
    return RecipientStatus(email, "pending", received, detail, territory)
