"""Import stage: create a new edition folder, from the previous edition or from a partner's files.

Input: the editions folder, the new month and one of: nothing (``new``: a copy of the latest
earlier edition), a partner's workbook (sheets figures and series) or its two CSV exports
(``import``), or a partner's partial workbook or CSV merged onto a copy of an existing edition
(``import --onto``). Output: ``<editions>/<YYYY-MM>/`` with ``edition.yaml``, ``figures.csv`` and
``series.csv`` (canonical UTF-8 CSV when imported), and what changed. The folder is assembled
under a hidden temporary name, validated, then renamed: an invalid input or an existing edition
leaves nothing behind and changes nothing; every message names the user's files, never the
temporary folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bulletin.data.edition import (FIGURE_COLUMNS, SERIES_COLUMNS, read_edition, read_tables, usable_tables)
from bulletin.errors import DataError, Problem, RenderError, Where, os_reason, raise_if_errors
from bulletin.files import current_umask, staging_folder
from bulletin.data.history import available_editions, edition_folders
from bulletin.data.tables import Row, Table, read_csv_table, read_xlsx_tables
from bulletin.data.yamlspec import Located, load_yaml

TABLES = {"figures": FIGURE_COLUMNS, "series": SERIES_COLUMNS}


@dataclass(frozen=True)
class Changes:
    """What a partner's file changed in the edition it was merged onto."""

    added: tuple[str, ...] = ()  # figure keys
    changed: tuple[tuple[str, str, str], ...] = ()  # (key, old value, new value), or fields when the value is the same
    points_added: tuple[str, ...] = ()  # « series x »
    points_changed: tuple[tuple[str, str, str], ...] = ()  # (« series x », old value, new value)
    unchanged: int = 0  # rows of the partner's file identical to the edition's


@dataclass(frozen=True)
class Created:
    """A new edition folder and where it came from."""

    folder: Path
    based_on: Path | None
    changes: Changes = field(default_factory=Changes)


def new_edition(month: str, editions_dir: Path, published: dt.date | None = None) -> Created:
    """Create ``editions_dir/month`` as a copy of the latest earlier edition (NOTES.md left out)."""
    target = _free_target(editions_dir, month)
    source = _earlier_edition(editions_dir, month)
    names = [name for name in ("figures.csv", "series.csv", "edition.xlsx") if (source / name).is_file()]
    with staging_folder(target) as staging:
        try:
            for name in names:
                shutil.copyfile(source / name, staging / name)
            (staging / "edition.yaml").write_text(dated_meta(source / "edition.yaml", month, published),
                                                  encoding="utf-8")
        except OSError as exc:
            raise _unwritable(target, exc) from None
        _publish(staging, target)
    return Created(target, source)


def import_edition(sources: list[Path], month: str, editions_dir: Path, published: dt.date | None = None,
                   onto: str | None = None) -> Created:
    """Create ``editions_dir/month`` from a partner's files, alone or merged onto edition ``onto``."""
    target = _free_target(editions_dir, month)
    base = _edition_folder(editions_dir, onto) if onto else None
    partner = partner_tables(sources, complete=base is None)
    if base is not None:
        tables, changes = _merge(base, partner)
        meta_text, meta_origin = dated_meta(base / "edition.yaml", month, published), base / "edition.yaml"
    else:
        tables, changes = partner, Changes()
        meta_text, meta_origin = _imported_meta(editions_dir, month, published)
    with staging_folder(target) as staging:
        try:
            for name, columns in TABLES.items():
                _write_csv(staging / f"{name}.csv", tables[name], columns)
            (staging / "edition.yaml").write_text(meta_text, encoding="utf-8")
        except OSError as exc:
            raise _unwritable(target, exc) from None
        _, problems = _read_staged(staging, tables, meta_origin, target)
        raise_if_errors(problems, DataError)
        _publish(staging, target)
    return Created(target, base, changes)


def _free_target(editions_dir: Path, month: str) -> Path:
    target = editions_dir / month
    if target.exists() or target.is_symlink():
        raise DataError(Problem(Where(target), f"l’édition {month} existe déjà ; elle n’est jamais remplacée",
                                "choisissez un autre mois, ou supprimez vous-même ce dossier s’il est vraiment faux"))
    return target


def _edition_folder(editions_dir: Path, month: str) -> Path:
    folder = editions_dir / month
    if not (folder / "edition.yaml").is_file():
        raise DataError(Problem(Where("--onto"), f"pas d’édition {month} dans {editions_dir}",
                                available_editions(editions_dir)))
    return folder


def _earlier_edition(editions_dir: Path, month: str) -> Path:
    earlier = [p for p in edition_folders(editions_dir) if p.name < month and (p / "edition.yaml").is_file()]
    if not earlier:
        raise DataError(Problem(Where(editions_dir), f"aucune édition antérieure à {month} à recopier",
                                f"{available_editions(editions_dir)} ; pour une première édition, utilisez import"))
    return earlier[-1]


def _publish(staging: Path, target: Path) -> None:
    """Give the assembled folder its final name (0755, as a folder made by hand)."""
    try:
        os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp makes 0700
        staging.rename(target)
    except OSError as exc:
        raise _unwritable(target, exc) from None


def _unwritable(target: Path, exc: OSError) -> RenderError:
    return RenderError(Problem(Where(target), f"impossible d’écrire l’édition : {os_reason(exc)}",
                               "libérez de la place ou choisissez un dossier où vous pouvez écrire (--editions-dir)"))


def dated_meta(path: Path, month: str, published: dt.date | None) -> str:
    """The text of edition.yaml ``path`` with ``edition:`` and ``published:`` set (comments kept)."""
    meta = load_yaml(path, DataError)
    if not isinstance(meta, Located):
        raise DataError(Problem(Where(path), "edition.yaml doit être une liste de champs « nom: valeur »",
                                "voir docs/data-format.md"))
    values = {"edition": f'"{month}"', "published": (published or dt.date.today()).isoformat()}
    lines = path.read_text(encoding="utf-8").splitlines()
    for key, value in values.items():
        number = meta.key_lines.get(key)
        if number and lines[number - 1].startswith(f"{key}:"):
            lines[number - 1] = f"{key}: {value}"
        elif key not in meta:
            lines.append(f"{key}: {value}")
        else:  # a layout this simple rewriting cannot handle (flow style): write the fields plainly
            data = {str(k): v for k, v in meta.items()} | {"edition": month, "published": values["published"]}
            return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return "\n".join(lines) + "\n"


def _imported_meta(editions_dir: Path, month: str, published: dt.date | None) -> tuple[str, Path]:
    """edition.yaml of an imported edition: title, reference population and checks of the latest earlier one."""
    earlier = [p for p in edition_folders(editions_dir) if p.name < month and (p / "edition.yaml").is_file()]
    meta: dict[str, object] = {}
    origin = editions_dir / month / "edition.yaml"
    if earlier:
        origin = earlier[-1] / "edition.yaml"
        data = load_yaml(origin, DataError)
        if isinstance(data, Located):
            meta = {k: _plain(data[k]) for k in ("title", "reference_population", "checks") if k in data}
    meta.update({"edition": month, "published": (published or dt.date.today()).isoformat()})
    meta.setdefault("title", "Petites villes de demain — Chiffres clés")
    meta["notes"] = f"Importé le {dt.date.today().isoformat()}."
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), origin


def _plain(value: object) -> object:
    """A YAML value with its Located mappings turned back into plain dicts (for safe_dump)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def partner_tables(sources: list[Path], complete: bool) -> dict[str, Table | None]:
    """The figures and series tables of a partner's workbook or CSV files; both unless not ``complete``."""
    workbooks = [p for p in sources if p.suffix.lower() in (".xlsx", ".xlsm")]
    if workbooks and len(sources) > 1:
        raise DataError(Problem(Where(workbooks[0]), "un classeur contient déjà les deux tableaux : donnez-le seul",
                                "import classeur.xlsx, ou import figures.csv series.csv"))
    if workbooks:
        tables = read_xlsx_tables(workbooks[0], required=complete)
    else:
        tables = _csv_tables(sources)
    problems: list[Problem] = []
    usable = usable_tables(tables, problems)  # a wrong header is the root error: nothing more is said
    raise_if_errors(problems, DataError)
    missing = [name for name in TABLES if usable[name] is None]
    if complete and missing:
        raise DataError(Problem(Where(sources[0]), f"il manque le tableau des {_FRENCH[missing[0]]} "
                                f"(colonnes {','.join(TABLES[missing[0]])})",
                                "donnez figures.csv et series.csv ensemble (ou un classeur avec les deux feuilles), "
                                "ou --onto AAAA-MM pour compléter une édition existante"))
    return usable


_FRENCH = {"figures": "chiffres", "series": "séries"}


def _csv_tables(sources: list[Path]) -> dict[str, Table | None]:
    tables: dict[str, Table | None] = dict.fromkeys(TABLES)
    for source in sources:
        table = read_csv_table(source)
        kind = "figures" if "key" in table.columns else "series" if "series" in table.columns else None
        if kind is None:
            raise DataError(Problem(Where(source, 1), "l’en-tête n’a ni colonne « key » (chiffres) ni colonne "
                                    "« series » (séries)", f"chiffres : {','.join(FIGURE_COLUMNS)} ; séries : "
                                    f"{','.join(SERIES_COLUMNS)}"))
        if tables[kind] is not None:
            raise DataError(Problem(Where(source, 1), f"deux fichiers de {_FRENCH[kind]} : "
                                    f"{tables[kind].where.path} et {source}",  # type: ignore[union-attr]
                                    "donnez un fichier de chiffres (key,…) et un fichier de séries (series,x,…)"))
        tables[kind] = table
    return tables


def _merge(base: Path, partner: dict[str, Table | None]) -> tuple[dict[str, Table | None], Changes]:
    """The tables of edition ``base`` with the partner's rows replacing or adding theirs, and what changed."""
    problems: list[Problem] = []
    tables = usable_tables(read_tables(base, problems), problems)
    raise_if_errors(problems, DataError)
    figures, fig_changes = _merge_rows(tables["figures"], partner["figures"], ("key",))
    series, point_changes = _merge_rows(tables["series"], partner["series"], ("series", "x"))
    changes = Changes(added=tuple(fig_changes["added"]), changed=tuple(fig_changes["changed"]),
                      points_added=tuple(point_changes["added"]), points_changed=tuple(point_changes["changed"]),
                      unchanged=fig_changes["same"] + point_changes["same"])
    return {"figures": figures, "series": series}, changes


def _merge_rows(base: Table | None, partner: Table | None,
                key: tuple[str, ...]) -> tuple[Table | None, dict[str, Any]]:
    """Rows of ``base`` with the partner's rows of the same key replacing them, new keys appended;
    and what was ``added`` (names), ``changed`` ((name, old, new)) and left the ``same`` (a count)."""
    found: dict[str, Any] = {"added": [], "changed": [], "same": 0}
    if base is None or partner is None:
        return base or partner, found
    rows = list(base.rows)
    index = {_key(row, key): i for i, row in enumerate(rows)}
    for row in partner.rows:
        name = _key(row, key)
        if name not in index:
            index[name] = len(rows)
            rows.append(row)
            found["added"].append(" ".join(name))
        elif _cells(rows[index[name]]) != _cells(row):
            found["changed"].append(_change(" ".join(name), rows[index[name]], row))
            rows[index[name]] = row
        else:
            found["same"] += 1
    return replace(base, rows=tuple(rows)), found


def _key(row: Row, key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(row.cells.get(column, "").strip() for column in key)


def _cells(row: Row) -> dict[str, str]:
    return {column: text.strip() for column, text in row.cells.items() if column in FIGURE_COLUMNS + SERIES_COLUMNS}


def _change(name: str, old: Row, new: Row) -> tuple[str, str, str]:
    before, after = _cells(old), _cells(new)
    if before.get("value") != after.get("value"):
        return name, before.get("value", ""), after.get("value", "")
    fields = [column for column in after if before.get(column) != after.get(column)]
    return name, "", ", ".join(fields)


def _write_csv(path: Path, table: Table | None, columns: tuple[str, ...]) -> None:
    """Canonical CSV: UTF-8, comma, the contract's column order; cells as read."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in table.rows if table else ():
            writer.writerow([row.cells.get(c, "") for c in columns])


def _read_staged(staging: Path, tables: dict[str, Table | None], meta_origin: Path,
                 target: Path) -> tuple[object, list[Problem]]:
    """Validate the assembled folder; problems of its edition.yaml name the file it came from."""
    try:
        edition, problems = read_edition(staging, tables)  # rows keep the lines of the user's files
    except DataError as exc:
        raise DataError(_relocated(exc.problems, staging, meta_origin, target)) from None
    return edition, _relocated(problems, staging, meta_origin, target)


def _relocated(problems: Iterable[Problem], staging: Path, meta_origin: Path, target: Path) -> list[Problem]:
    moved = []
    for problem in problems:
        path = Path(problem.where.path)
        if path == staging / "edition.yaml":
            problem = replace(problem, where=replace(problem.where, path=meta_origin))
        elif path == staging or staging in path.parents:
            problem = replace(problem, where=replace(problem.where, path=target / path.relative_to(staging)
                                                     if path != staging else target))
        moved.append(problem)
    return moved
