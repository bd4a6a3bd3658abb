"""Present the changes between two editions as a readable table, CSV or JSON, and the problems
``check`` found as JSON.

Input: :class:`~bulletin.data.history.Change` rows. Output: text for the terminal (French figures,
changes of percentages in points, aligned columns) or machine-readable CSV / JSON (numbers as
numbers, ISO dates). CSV cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, and not a plain number) are prefixed with ``'``.
Input: :class:`~bulletin.errors.Problem` objects. Output: a JSON document (:func:`render_problems`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from bulletin.errors import Problem
from bulletin.data.history import Change, signed_change
from bulletin.typography import format_value, fr_date

FORMATS = ("table", "csv", "json")
STATUS_FR = {"changed": "modifié", "added": "ajouté", "removed": "retiré"}
FIELD_FR = {"value": "valeur", "unit": "unité", "status": "statut", "as_of": "date de la donnée", "source": "source",
            "points": "série entière"}
COLUMNS = ("kind", "key", "x", "field", "status", "unit", "old", "new", "change", "change_unit")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_changes(changes: list[Change], fmt: str) -> str:
    """The changes in ``fmt`` (table, csv or json)."""
    return {"table": _table, "csv": _csv, "json": _json}[fmt](changes)


def _json_value(value: object) -> object:
    """Numbers as JSON numbers (exact when they have at most 15 significant digits), dates ISO."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def change_unit(change: Change) -> str | None:
    """The unit of ``change.change``: ``pt`` (percentage points) for percentages."""
    if change.change is None:
        return None
    return "pt" if change.unit == "percent" else change.unit


def _records(changes: list[Change]) -> list[dict[str, object]]:
    return [{"kind": c.kind, "key": c.key, "x": _json_value(c.x), "field": c.field, "status": c.status,
             "unit": c.unit, "old": _json_value(c.old), "new": _json_value(c.new), "change": _json_value(c.change),
             "change_unit": change_unit(c)} for c in changes]


def neutralised(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return neutralised(str(value))


def _csv(changes: list[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record, change in zip(_records(changes), changes, strict=True):
        raw = {**record, "x": change.x, "old": change.old, "new": change.new, "change": change.change}
        writer.writerow([_csv_cell(raw[column]) for column in COLUMNS])
    return out.getvalue()


def _json(changes: list[Change]) -> str:
    import json  # only for `diff --format json`: not loaded by the other commands

    return json.dumps(_records(changes), ensure_ascii=False, indent=2) + "\n"


def _shown(value: object, unit: str, field: str) -> str:
    if value is None:
        return ""
    if field == "value":
        text = format_value(value, unit)
    elif isinstance(value, dt.date):
        text = fr_date(value)
    else:
        text = str(value)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _point(x: dt.date | str | None) -> str:
    return "" if x is None else x.isoformat() if isinstance(x, dt.date) else str(x)


def _table(changes: list[Change]) -> str:
    if not changes:
        return "Aucun changement.\n"
    header = ("clé", "point", "quoi", "état", "avant", "après", "variation")
    rows = [header] + [(c.key, _point(c.x), FIELD_FR[c.field], STATUS_FR[c.status],
                        _shown(c.old, c.old_unit, c.field), _shown(c.new, c.new_unit, c.field), _variation(c))
                       for c in changes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i < 4 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    figures = [c for c in changes if c.kind == "figure"]
    counts = {s: len({c.key for c in figures if c.status == s}) for s in STATUS_FR}
    points = len([c for c in changes if c.kind == "series"])
    lines.append(f"\nChiffres : {counts['changed']} modifié(s), {counts['added']} ajouté(s), {counts['removed']} "
                 f"retiré(s) ; séries : {points} changement(s).")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _variation(change: Change) -> str:
    if change.field == "unit":
        return "unité changée"
    delta = change.change
    if delta is None:
        return ""
    return signed_change(delta, change.unit).replace("\u202f", " ").replace("\u00a0", " ")


# The words before « name » that say what a message is about, most specific first.
_NAMED = ("clé", "série", "chiffre", "option", "réglage", "colonne", "champ", "bloc", "feuille")


def problem_key(problem: Problem) -> str | None:
    """The figure key (or series, option, setting, column, block id) a message names first, if any."""
    if str(problem.where.path).startswith("--"):
        return str(problem.where.path)
    for word in _NAMED:
        match = re.search(word + r"s? « ([^»]*) »", problem.message)
        if match:
            return match.group(1).strip()
    return None


def _problem_record(problem: Problem) -> dict[str, object]:
    where = problem.where
    return {"severity": "warning" if problem.warning else "error", "file": str(where.path) or None,
            "line": where.line, "sheet": where.sheet, "cell": where.cell, "key": problem_key(problem),
            "message": problem.message, "hint": problem.hint or None}


def render_problems(problems: list[Problem], edition: str | None, layout: str | None) -> str:
    """The problems ``check`` found as one JSON document: each problem, then the counts."""
    import json  # only for check --format json: kept off the build's imports

    records = [_problem_record(p) for p in problems]
    errors = sum(1 for p in problems if not p.warning)
    document = {"ok": errors == 0, "edition": edition, "layout": layout, "problems": records,
                "summary": {"errors": errors, "warnings": len(problems) - errors}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
