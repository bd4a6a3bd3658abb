"""Import stage: turn a partner's workbook or CSV export into a new edition folder.

Input: an ``.xlsx`` workbook (sheets figures and series) or one CSV file (figures or series, any
common dialect), the edition month and the editions folder. Output: ``<editions>/<YYYY-MM>/``
with canonical UTF-8 ``figures.csv``, ``series.csv`` and ``edition.yaml`` (metadata carried over
from the latest earlier edition). The folder is assembled under a temporary name, validated,
then renamed: an invalid input or an existing edition leaves nothing behind and changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import yaml

from bulletin.edition import FIGURE_COLUMNS, SERIES_COLUMNS, read_edition
from bulletin.errors import DataError, Problem, Where, raise_if_errors
from bulletin.history import edition_folders
from bulletin.tables import Table, read_csv_table, read_xlsx_tables


def import_edition(source: Path, month: str, editions_dir: Path, published: dt.date | None = None) -> Path:
    """Create ``editions_dir/month`` from ``source``; return the new folder."""
    target = editions_dir / month
    if target.exists():
        raise DataError(Problem(Where(target), f"edition {month} already exists; it is never overwritten",
                                "choose another --edition, or remove the folder yourself if it is really wrong"))
    tables = _source_tables(source)
    editions_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{month}.import-", dir=editions_dir))
    try:
        _write_folder(staging, tables, month, editions_dir, published)
        _, problems = read_edition(staging, tables)  # rows keep the lines of the user's file
        raise_if_errors(problems, DataError)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _source_tables(source: Path) -> dict[str, Table | None]:
    if not source.is_file():
        raise DataError(Problem(Where(source), "file not found", "give the path of a .xlsx or .csv file"))
    if source.suffix.lower() == ".xlsx":
        return dict(read_xlsx_tables(source))
    table = read_csv_table(source)
    if "key" in table.columns:
        return {"figures": table, "series": None}
    if "series" in table.columns:
        return {"figures": None, "series": table}
    raise DataError(Problem(Where(source, 1), "the header has neither a 'key' column (figures) nor a 'series' "
                            "column (series)", f"figures: {','.join(FIGURE_COLUMNS)}"))


def _write_folder(folder: Path, tables: dict[str, Table | None], month: str, editions_dir: Path,
                  published: dt.date | None) -> None:
    for name, columns in (("figures", FIGURE_COLUMNS), ("series", SERIES_COLUMNS)):
        _write_csv(folder / f"{name}.csv", tables.get(name), columns)
    meta = _previous_meta(editions_dir, month)
    meta.update({"edition": month, "published": (published or dt.date.today()).isoformat()})
    meta.setdefault("title", "Petites villes de demain — Chiffres clés")
    meta["notes"] = f"Importé le {dt.date.today().isoformat()}."
    (folder / "edition.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _write_csv(path: Path, table: Table | None, columns: tuple[str, ...]) -> None:
    """Canonical CSV: UTF-8, comma, the contract's column order; cells as read."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns if table is None else table.columns)
        for row in table.rows if table else ():
            writer.writerow([row.cells.get(c, "") for c in table.columns])  # type: ignore[union-attr]


def _previous_meta(editions_dir: Path, month: str) -> dict[str, object]:
    """title, reference_population and checks of the latest edition before ``month``."""
    earlier = [p for p in edition_folders(editions_dir) if p.name < month and (p / "edition.yaml").is_file()]
    if not earlier:
        return {}
    data = yaml.safe_load((earlier[-1] / "edition.yaml").read_text(encoding="utf-8")) or {}
    return {k: data[k] for k in ("title", "reference_population", "checks") if k in data}
