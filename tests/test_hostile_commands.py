"""A third hostile corpus: the commands and options the other two cover least — watch, preview, new,
init, diff, archive list and verify, send --status, the territorial options — and bad usage of every
command.

Same contract and Case format as tests/test_hostile_inputs.py (a FICTITIOUS project, one thing broken,
one command run in a fresh process from the project's folder): exit 1 (2 for bad usage), a located
``Error:`` line in French naming the file, line, key or option, no traceback, nothing written or changed
anywhere in the project. Together the three files cover every command: ``test_every_command_has_hostile_cases``
counts them.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT
from test_hostile_delivery import CASES as DELIVERY_CASES
from test_hostile_inputs import (CASES as INPUT_CASES, EDITION, ENGLISH, FIG, LAYOUT, TOML, YML, Mutation,
                                 bulletin_toml, edit, fifo, make_project, many, run, snapshot, write)
from test_hostile_inputs import Case as InputCase

TERRITOIRES = ROOT / "tests" / "fixtures" / "territoires-mini"  # FICTITIOUS edition with a commune register


@dataclass(frozen=True)
class Case(InputCase):
    """A hostile case of tests/test_hostile_inputs.py, with the exit code it must give."""

    code: int = 1


def nothing(project: Path) -> None:
    """No damage: the command line itself is the hostile part."""


def cli(*args: str) -> Mutation:
    """Run the real command line in the project as part of the setup (an archive to damage…)."""
    def mutate(project: Path) -> None:
        result = run(project, *args)
        assert result.code == 0, result.stderr
    return mutate


ARCHIVED = cli("archive")
EMPTY_ARCHIVE = cli("archive", "list")  # an archive folder that was used but holds nothing yet
CATALOGUE = "archive/catalogue.sqlite3"
PDF = "archive/2022-02/pvd-chiffres-cles-2022-02.pdf"


def catalogue_sql(statement: str) -> Mutation:
    def mutate(project: Path) -> None:
        with sqlite3.connect(project / CATALOGUE) as db:
            db.execute(statement)
    return mutate


def flip(name: str) -> Mutation:
    """Change one byte in the middle of a file."""
    def mutate(project: Path) -> None:
        data = bytearray((project / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (project / name).write_bytes(bytes(data))
    return mutate


def writable(name: str) -> Mutation:
    """Make an archived (read-only) file writable, to damage it next."""
    def mutate(project: Path) -> None:
        (project / name).chmod(0o644)
    return mutate


def territorial(project: Path) -> None:
    """The FICTITIOUS territorial edition (with its commune register) and layout in place of the mini ones."""
    shutil.rmtree(project / EDITION)
    shutil.copytree(TERRITOIRES / "2022-02", project / EDITION)
    text = (TERRITOIRES / "layout.yaml").read_text(encoding="utf-8")
    (project / LAYOUT).write_text(text.replace("../../../layouts/themes/pvd.yaml", "themes/pvd.yaml"), encoding="utf-8")


REGISTER = f"{EDITION}/register.yaml"
COMMUNES = f"{EDITION}/communes.csv"
RECIPIENTS = "partenaires.csv"
STATUS = ("send", "--status", "--edition", "2022-02")

CASES = [
    # --- watch: what no edit of the data can fix stops it at once ---
    Case("watch-unknown-edition", nothing, ("watch", "--edition", "2099-01"), ("data/editions/2099-01", "aucune édition")),
    Case("watch-bad-month", nothing, ("watch", "--edition", "2022-2"), ("--edition", "« 2022-2 »")),
    Case("watch-output-inside-edition", nothing, ("watch", "--output", f"{EDITION}/pages"),
         ("--output", "dossier d’édition")),
    Case("watch-output-inside-archive", nothing, ("watch", "--output", "archive/pages"), ("--output", "archive")),
    Case("watch-interval-zero", nothing, ("watch", "--interval", "0"), ("--interval", "« 0 »")),
    Case("watch-interval-nan", nothing, ("watch", "--interval", "nan"), ("--interval", "« nan »")),
    Case("watch-data-dir-missing", nothing, ("watch", "--data-dir", "ailleurs"), ("ailleurs", "introuvable")),
    Case("watch-no-edition-at-all", bulletin_toml(TOML.replace('"data/editions"', '"vide"')), ("watch",),
         ("vide", "aucun dossier d’édition")),
    Case("watch-bad-project-file", bulletin_toml(TOML.replace("layout =", "layuot =")), ("watch",),
         ("bulletin.toml:2", "layout")),
    Case("watch-territories", nothing, ("watch", "--territories", "all"), ("option inconnue", "--territories"), code=2),
    Case("watch-unknown-option", nothing, ("watch", "--intervalle", "2"), ("--intervalle", "--interval"), code=2),
    # --- preview ---
    Case("preview-output-is-a-file", write("pages", "un fichier"), ("preview", "--output", "pages"), ("pages",)),
    Case("preview-output-unwritable", nothing, ("preview", "--output", "/proc/pages"), ("/proc/pages",)),
    Case("preview-output-is-the-layout-folder-file", nothing, ("preview", "--output", LAYOUT),
         ("--output", "pvd-chiffres-cles.yaml")),
    Case("preview-broken-figure", edit(FIG, "c.part,96,", "c.part,9 6,"), ("preview",), (f"{FIG}:4", "c.part")),
    Case("preview-layout-fifo", fifo(LAYOUT), ("preview",), ("pvd-chiffres-cles.yaml", "fichier ordinaire")),
    Case("preview-theme-missing", nothing, ("preview", "--theme", "absent.yaml"), ("absent.yaml", "introuvable")),
    Case("preview-draft-with-value", nothing, ("preview", "--draft=oui"), ("--draft", "valeur"), code=2),
    # --- new ---
    Case("new-month-13", nothing, ("new", "2022-13"), ("new", "« 2022-13 »")),
    Case("new-full-width-month", nothing, ("new", "２０２２-03"), ("new", "AAAA-MM")),
    Case("new-month-with-line-break", nothing, ("new", "2022-03\n"), ("new", "AAAA-MM")),
    Case("new-editions-dir-is-a-file", write("fichier", "x"), ("new", "2022-03", "--editions-dir", "fichier"),
         ("fichier",)),
    Case("new-editions-dir-unwritable", nothing, ("new", "2022-03", "--editions-dir", "/proc/editions"),
         ("/proc/editions",)),
    Case("new-from-a-broken-edition-yaml", write(YML, "pas: [du yaml\n"), ("new", "2022-03"), ("edition.yaml",)),
    Case("new-disk-full", nothing, ("new", "2022-03"), ("data/editions/2022-03", "fichier trop gros"),
         file_size_limit=300),
    Case("new-without-month", nothing, ("new",), ("AAAA-MM",), code=2),
    # --- init ---
    Case("init-into-a-file", write("fichier", "x"), ("init", "fichier"), ("fichier",)),
    Case("init-unwritable", nothing, ("init", "/proc/projet"), ("/proc/projet",)),
    Case("init-disk-full", nothing, ("init", "nouveau"), ("nouveau", "impossible d’écrire le projet"),
         file_size_limit=20_000),
    Case("init-into-the-project-itself", nothing, ("init", "."), (".", "pas vide")),
    Case("init-without-folder", nothing, ("init",), ("DOSSIER",), code=2),
    Case("init-two-folders", nothing, ("init", "a", "b"), ("« b »",), code=2),
    # --- diff ---
    Case("diff-same-month", nothing, ("diff", "--from", "2022-02", "--to", "2022-02"), ("--from", "doit précéder")),
    Case("diff-unknown-to", nothing, ("diff", "--to", "2021-01"), ("data/editions/2021-01", "aucune édition 2021-01")),
    Case("diff-editions-dir-is-a-file", write("fichier", "x"), ("diff", "--editions-dir", "fichier"), ("fichier",)),
    Case("diff-format-xlsx", nothing, ("diff", "--format", "xlsx"), ("--format", "« xlsx »"), code=2),
    Case("diff-older-edition-broken", many(cli("new", "2022-03"), write(FIG, "key,value\n")), ("diff",),
         (f"{FIG}:1", "colonnes manquantes")),
    # --- archive list, verify ---
    Case("list-catalogue-garbage", many(EMPTY_ARCHIVE, write(CATALOGUE, b"pas une base" * 100)), ("archive", "list"),
         (CATALOGUE, "catalogue endommagé ou illisible (ce n’est pas une base SQLite)")),
    Case("list-archive-dir-is-a-file", write("fichier", "x"), ("archive", "list", "--archive-dir", "fichier"),
         ("fichier",)),
    Case("list-catalogue-missing-table", many(ARCHIVED, catalogue_sql("DROP TABLE files")), ("archive", "list"),
         (CATALOGUE, "catalogue endommagé")),
    Case("list-with-a-month", nothing, ("archive", "list", "2022-02"), ("« 2022-02 »", "archive list"), code=2),
    Case("list-with-edition", nothing, ("archive", "list", "--edition", "2022-02"), ("--edition", "archive list"),
         code=2),
    Case("verify-altered-pdf", many(ARCHIVED, writable(PDF), flip(PDF)), ("archive", "verify"),
         (PDF, "somme de contrôle")),
    Case("verify-extra-file", many(ARCHIVED, write("archive/2022-02/ajout.txt", "x")), ("archive", "verify"),
         ("ajout.txt",)),
    Case("verify-bad-month", nothing, ("archive", "verify", "2022-2"), ("verify", "« 2022-2 »")),
    Case("verify-empty-archive", EMPTY_ARCHIVE, ("archive", "verify"), ("archive", "rien à vérifier")),
    Case("verify-folder-without-catalogue", write("dossier/notes.txt", "x"), ("archive", "verify", "--archive-dir",
                                                                            "dossier"),
         ("dossier/catalogue.sqlite3", "aucun catalogue")),
    Case("verify-with-reissue", nothing, ("archive", "verify", "--reissue"), ("--reissue", "archive verify"),
         code=2),
    Case("verify-with-output", nothing, ("archive", "verify", "--output", "out/x"), ("--output", "archive verify"),
         code=2),
    # --- send --status ---
    Case("status-not-archived", EMPTY_ARCHIVE, STATUS, ("archive/2022-02", "n’est pas archivée")),
    Case("status-month-not-archived", ARCHIVED, ("send", "--status", "--edition", "2022-03"),
         ("archive/2022-03", "n’est pas archivée")),
    Case("status-recipients-missing", ARCHIVED, (*STATUS, "--recipients", "absent.csv"), ("absent.csv",)),
    Case("status-recipients-fifo", many(ARCHIVED, fifo(RECIPIENTS)), (*STATUS, "--recipients", RECIPIENTS),
         (RECIPIENTS, "fichier ordinaire")),
    Case("status-archive-dir-missing", nothing, (*STATUS, "--archive-dir", "absent"), ("absent",)),
    Case("status-catalogue-garbage", write(CATALOGUE, b"\x00" * 4000), STATUS, (CATALOGUE, "catalogue endommagé")),
    Case("status-with-send", nothing, (*STATUS, "--send"), ("--send", "--status"), code=2),
    Case("status-with-out-dir", nothing, (*STATUS, "--out-dir", "out/m"), ("--out-dir", "--status"), code=2),
    Case("status-with-config", nothing, (*STATUS, "--config", "mail.yaml"), ("--config", "--status"), code=2),
    # --- the territorial options ---
    Case("territory-without-register", nothing, ("build", "--territory", "dep:58"), ("register.yaml", "registre")),
    Case("territories-without-register", nothing, ("check", "--territories", "all"), ("register.yaml", "registre")),
    Case("territory-malformed", territorial, ("build", "--territory", "58"), ("--territory", "58")),
    Case("territory-unknown-departement", territorial, ("check", "--territory", "dep:99"), ("--territory", "99")),
    Case("territory-unknown-region", territorial, ("preview", "--territory", "reg:99"), ("--territory", "99")),
    Case("territory-register-file-missing", many(territorial, lambda p: (p / COMMUNES).unlink()),
         ("build", "--territory", "dep:58"), ("communes.csv",)),
    Case("territory-register-bad-insee", many(territorial, edit(COMMUNES, "58901,", "5890X,")),
         ("check", "--territory", "dep:58"), (f"{COMMUNES}:2", "5890X")),
    Case("territory-register-yaml-unknown-key", many(territorial, edit(REGISTER, "  source: ANCT", "  sourec: ANCT")),
         ("build", "--territory", "dep:58"), ("register.yaml", "sourec")),
    Case("territories-register-fifo", many(territorial, fifo(COMMUNES)), ("build", "--territories", "all"),
         ("communes.csv", "fichier ordinaire")),
    Case("territories-jobs-zero", territorial, ("build", "--territories", "all", "--jobs", "0"), ("--jobs", "0")),
    Case("territories-jobs-too-many", territorial, ("check", "--territories", "all", "--jobs", "1000"),
         ("--jobs", "1000")),
    Case("territories-output-inside-edition", territorial, ("build", "--territories", "regions", "--output",
                                                            f"{EDITION}/pdf"), ("--output", "dossier d’édition")),
    Case("territories-output-a-pdf", territorial, ("build", "--territories", "all", "--output", "out/x.pdf"),
         ("--output", "pas un fichier"), code=2),
    Case("territory-and-territories", territorial, ("check", "--territory", "dep:58", "--territories", "all"),
         ("--territories", "--territory"), code=2),
    Case("territories-archive-without-register", EMPTY_ARCHIVE, ("archive", "--territories", "all"),
         ("register.yaml", "registre")),
    Case("territories-value-unknown", territorial, ("build", "--territories", "communes"),
         ("--territories", "« communes »"), code=2),
    # --- bad usage of the other commands (exit 2, nothing done) ---
    Case("build-unknown-option", nothing, ("build", "--sortie", "x.pdf"), ("--sortie",), code=2),
    Case("check-format-yaml", nothing, ("check", "--format", "yaml"), ("--format", "« yaml »"), code=2),
    Case("import-without-edition", write("f.csv", "key\n"), ("import", "f.csv"), ("--edition",), code=2),
    Case("send-without-edition", nothing, ("send", "--recipients", RECIPIENTS), ("--edition",), code=2),
    Case("archive-unknown-action", nothing, ("archive", "liste"), ("« liste »", "list"), code=2),
    Case("unknown-command", nothing, ("construire",), ("« construire »",), code=2),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_command_is_refused_clearly_and_changes_nothing(case: Case, tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    case.mutate(project)
    before = snapshot(project)

    result = run(project, *case.command, env=case.env, file_size_limit=case.file_size_limit)

    assert result.code == case.code, (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors and result.stderr.splitlines()[1].startswith("  hint: "), result.stderr
    assert any(all(fragment in line for fragment in case.names) for line in errors), result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr  # one language: French
    assert snapshot(project) == before


def _command(args: tuple[str, ...]) -> set[str]:
    """The commands (and territorial options) a command line exercises."""
    name = args[0] if args else ""
    if name == "archive" and len(args) > 1 and args[1] in ("list", "verify", "reindex", "extract"):
        name = f"archive {args[1]}"
    if name == "send" and "--status" in args:
        name = "send --status"
    found = {name}
    found |= {option for option in ("--territory", "--territories") if option in args}
    return found


def test_every_command_has_hostile_cases() -> None:
    counts: dict[str, int] = {}
    lines = [c.command for c in INPUT_CASES] + [c.args for c in DELIVERY_CASES] + [c.command for c in CASES]
    for args in lines:
        for name in _command(args):
            counts[name] = counts.get(name, 0) + 1
    wanted = ("build", "check", "preview", "watch", "new", "import", "init", "diff", "archive", "archive list",
              "archive verify", "archive reindex", "archive extract", "send", "send --status", "--territory",
              "--territories")
    assert {name: counts.get(name, 0) for name in wanted if counts.get(name, 0) < 6} == {}
    assert len(lines) >= 250 and len({c.name for c in CASES}) == len(CASES)
