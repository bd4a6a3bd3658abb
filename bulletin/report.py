"""Present the changes between two editions as a readable table, CSV or JSON.

Input: :class:`~bulletin.history.Change` rows. Output: text for the terminal (French figures,
aligned columns) or machine-readable CSV / JSON (plain numbers, ISO dates).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

from bulletin.history import Change
from bulletin.typography import format_value, fr_signed

FORMATS = ("table", "csv", "json")
STATUS_FR = {"changed": "modifié", "added": "ajouté", "removed": "retiré"}


def render_changes(changes: list[Change], fmt: str) -> str:
    """The changes in ``fmt`` (table, csv or json)."""
    return {"table": _table, "csv": _csv, "json": _json}[fmt](changes)


def _plain(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _records(changes: list[Change]) -> list[dict[str, str | None]]:
    return [{"key": c.key, "status": c.status, "unit": c.unit, "old": _plain(c.old), "new": _plain(c.new),
             "change": _plain(c.change)} for c in changes]


def _csv(changes: list[Change]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["key", "status", "unit", "old", "new", "change"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(_records(changes))
    return out.getvalue()


def _json(changes: list[Change]) -> str:
    return json.dumps(_records(changes), ensure_ascii=False, indent=2) + "\n"


def _shown(value: object, unit: str) -> str:
    return "" if value is None else format_value(value, unit).replace("\u202f", " ").replace("\u00a0", " ")


def _table(changes: list[Change]) -> str:
    if not changes:
        return "Aucun changement.\n"
    header = ("clé", "statut", "avant", "après", "variation")
    rows = [header] + [(c.key, STATUS_FR[c.status], _shown(c.old, c.unit), _shown(c.new, c.unit),
                        _variation(c)) for c in changes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    counts = {s: sum(c.status == s for c in changes) for s in STATUS_FR}
    lines.append(f"\n{counts['changed']} modifié(s), {counts['added']} ajouté(s), {counts['removed']} retiré(s).")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _variation(change: Change) -> str:
    delta = change.change
    if delta is None or change.unit not in ("count", "percent", "eur"):
        return ""
    text = fr_signed(delta if change.unit != "count" else int(delta), change.unit)
    return text.replace("\u202f", " ").replace("\u00a0", " ") if isinstance(delta, Decimal) else text
