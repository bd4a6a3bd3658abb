"""Project settings: where the editions, layout, theme, fonts, outputs, archive and mail settings are.

Input: ``bulletin.toml``, found by walking up from the current folder (as ``pyproject.toml`` is),
every path in it relative to its own folder; without one, the defaults of a checkout (the current
folder if it has ``layouts/``, else the example project shipped in the package). Output: a frozen
:class:`Project`. The command line's options win over it. :func:`init_project` writes a new,
working project from the package's own copy of the layouts, theme, fonts and example edition.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bulletin.errors import BulletinError, Problem, Where, os_reason
from bulletin.files import current_umask, read_input, staging_folder

PROJECT_FILE = "bulletin.toml"
# name -> what it is: a folder or a file (every value is a path, relative to bulletin.toml's folder)
SETTINGS = {"editions": "dossier", "layout": "fichier", "theme": "fichier", "fonts": "dossier", "out": "dossier",
            "archive": "dossier", "mail": "fichier", "outlines_departements": "fichier", "outlines_regions": "fichier"}
TEMPLATE = '''# Réglages du projet de bulletin « chiffres clés » (voir docs/project.md).
# Chemins relatifs au dossier de ce fichier ; les options de la ligne de commande priment.
editions = "data/editions"                  # un dossier AAAA-MM par édition
layout = "layouts/pvd-chiffres-cles.yaml"   # les pages et leurs blocs
# theme = "layouts/themes/pvd.yaml"         # par défaut : le thème nommé par le gabarit
# fonts = "fonts"                           # cherché d’abord pour les polices du thème (Marianne…)
out = "out"                                 # PDF construits, aperçus, courriels d’essai
archive = "archive"                         # éditions archivées et leur catalogue
mail = "layouts/pvd-mail.yaml"              # expéditeur, serveur SMTP, chiffres du courriel
# Contours des cartes (GeoJSON, par exemple ceux de l’ANCT) ; sans eux, aucune carte n’est dessinée :
# outlines_departements = "../territoires/departements-fr-drom.geojson"
# outlines_regions = "../territoires/regions-fr-drom.geojson"
'''


class ProjectError(BulletinError):
    """bulletin.toml is wrong, or a project cannot be created."""


@dataclass(frozen=True)
class Project:
    """Resolved project settings; ``file`` is None when no bulletin.toml was found."""

    root: Path
    editions: Path
    layout: Path
    mail: Path
    out: Path
    archive: Path
    theme: Path | None = None
    fonts: Path | None = None
    file: Path | None = None
    outlines_departements: Path | None = None  # GeoJSON outlines of the maps (none: no map is drawn)
    outlines_regions: Path | None = None

    @property
    def outlines(self) -> dict[str, Path]:
        """Level (``dep``, ``reg``) → the outline file configured for it."""
        found = {"dep": self.outlines_departements, "reg": self.outlines_regions}
        return {level: path for level, path in found.items() if path is not None}


def skeleton_root() -> Path:
    """The package's copy of a project (layouts, fonts, data): inside an installed wheel, else the checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "skeleton"
    return packaged if packaged.is_dir() else here.parent


def lock_file() -> Path | None:
    """The checkout's requirements.lock (exact versions and hashes of the dependencies), if running from one."""
    lock = Path(__file__).resolve().parent.parent / "requirements.lock"
    return lock if lock.is_file() else None


def find_project_file(start: Path) -> Path | None:
    """The nearest bulletin.toml in ``start`` or one of its parents."""
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def current_project(start: Path | None = None) -> Project:
    """The project of ``start`` (default: the current folder)."""
    start = (start or Path.cwd()).absolute()
    found = find_project_file(start)
    if found is not None:
        return load_project(found)
    root = start if (start / "layouts").is_dir() else skeleton_root()
    # Without a project file, outputs stay relative to the current folder, as they always were.
    return Project(root=root, out=Path("out"), archive=Path("archive"), **_default_inputs(root))


def _default_inputs(root: Path) -> dict[str, Path]:
    """The editions, layout and mail settings of a project in ``root`` that does not name them."""
    return {"editions": root / "data" / "editions", "layout": root / "layouts" / "pvd-chiffres-cles.yaml",
            "mail": root / "layouts" / "pvd-mail.yaml"}


def load_project(path: Path) -> Project:
    """Read and validate ``path``; every problem names its line."""
    path = _shown(path.parent.absolute()) / path.name
    text = _text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"at line (\d+), column (\d+)", str(exc))
        where = Where(path, int(line[1]) if line else None)
        column = f", colonne {line[2]}" if line else ""
        raise ProjectError(Problem(where, f"syntaxe TOML invalide{column}{_toml_reason(str(exc))}",
                                   'écrivez chaque réglage sous la forme nom = "chemin"')) from None
    problems = [p for key, value in data.items() if (p := _setting_problem(path, text, key, value))]
    if problems:
        raise ProjectError(problems)
    root = path.parent
    paths = {key: root / Path(value).expanduser() for key, value in data.items()}
    defaults = {**_default_inputs(root), "out": root / "out", "archive": root / "archive"}
    return Project(root=root, file=path, **{**defaults, **paths})


def _toml_reason(english: str) -> str:
    """What the TOML reader found, in French."""
    for found, french in (("Invalid value", "une valeur, entre guillemets, est attendue"),
                          ("Cannot overwrite", "réglage écrit deux fois"), ("Illegal character", "caractère interdit "
                          "(guillemet jamais fermé ?)"), ("Expected ']'", "crochet « ] » manquant")):
        if found in english:
            return f" : {french}"
    return ""


def _shown(folder: Path) -> Path:
    """``folder`` as messages show it: relative when it is the current folder or one above it."""
    here = Path.cwd()
    if folder == here or folder in here.parents:
        return Path(os.path.relpath(folder, here))
    return folder


def _text(path: Path) -> str:
    try:
        return read_input(path, "toml", ProjectError).decode("utf-8")
    except UnicodeDecodeError:
        raise ProjectError(Problem(Where(path), "le fichier n’est pas en UTF-8", "enregistrez-le en UTF-8")) from None


def _setting_problem(path: Path, text: str, key: str, value: object) -> Problem | None:
    where = Where(path, _line_of(text, key))
    if key not in SETTINGS:
        import difflib  # only to name the setting meant: not loaded by a valid project

        close = difflib.get_close_matches(key, SETTINGS, n=1)
        return Problem(where, f"réglage inconnu « {key} »" + (f" : vouliez-vous dire « {close[0]} » ?" if close else ""),
                       f"réglages possibles : {', '.join(SETTINGS)}")
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        return Problem(where, f"« {key} » doit être le chemin d’un {SETTINGS[key]}, entre guillemets",
                       f'écrivez par exemple {key} = "{TEMPLATE_VALUES[key]}"')
    return None


TEMPLATE_VALUES = {"editions": "data/editions", "layout": "layouts/pvd-chiffres-cles.yaml",
                   "theme": "layouts/themes/pvd.yaml", "fonts": "fonts", "out": "out", "archive": "archive",
                   "mail": "layouts/pvd-mail.yaml", "outlines_departements": "contours/departements.geojson",
                   "outlines_regions": "contours/regions.geojson"}


def _line_of(text: str, key: str) -> int | None:
    """Line of ``key = …`` (tomllib keeps no positions); a table ``[key]`` counts too."""
    pattern = re.compile(rf"""^\s*(\[\s*)?["']?{re.escape(key)}["']?\s*(=|\]|\.)""")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


# What ``init`` copies from the package: (source relative to the skeleton, files to take).
INIT_CONTENT = (("layouts", "**/*"), ("fonts", "*"), ("data/editions", "**/*"))


def init_project(target: Path) -> list[Path]:
    """Write a working project into ``target`` (new or empty folder); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProjectError(Problem(Where(target), "le dossier existe et n’est pas vide : rien n’est écrit",
                                   "donnez un dossier nouveau ou vide"))
    source = skeleton_root()
    files = sorted(path.relative_to(source) for folder, pattern in INIT_CONTENT
                   for path in (source / folder).glob(pattern) if path.is_file())
    files = [path for path in files if not any(part.startswith(".") or part == "__pycache__" for part in path.parts)]
    with staging_folder(target) as staging:
        try:
            for path in files:
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / path, staging / path)
            (staging / PROJECT_FILE).write_text(TEMPLATE, encoding="utf-8")
            os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp makes 0700
            if target.exists():
                target.rmdir()
            staging.rename(target)
        except OSError as exc:
            raise ProjectError(Problem(Where(target), f"impossible d’écrire le projet : {os_reason(exc)}",
                                       "choisissez un dossier où vous pouvez écrire")) from None
    return [target / PROJECT_FILE, *(target / path for path in files)]
