"""A hostile corpus for archive, extract, reindex, verify, send, status and diff.

Each case runs the real command line in a private workspace (an archive holding February 2022, an
editions folder, a recipients file, a mail configuration) and asserts what a user must see: exit 1,
an ``Error:`` line naming the file, line, key, option or variable at fault, no traceback, and
nothing written or changed anywhere in the workspace (every file's bytes and mode, compared).

To add a case: append a :class:`Case` to ``CASES`` — the command line (with placeholders for the
workspace's paths, see :class:`Workspace`), the text the ``Error:`` line must contain, and
optionally a ``setup`` that damages the workspace first, environment variables, a file size limit
(a full disk), or ``server=True`` for a real SMTP server on ``{port}``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pytest

from conftest import EDITION, MINI, ROOT, layout_copy, replace_in_file, run_cli
from delivery import PDF_NAME, alter, free_port, smtp_server, snapshot
from test_hostile_inputs import ENGLISH

__all__ = ["smtp_server"]  # the fixture, requested by name for the cases that need a server
JANUARY = ROOT / "tests" / "fixtures" / "editions" / "2022-01"  # FICTITIOUS


@dataclass(frozen=True)
class Workspace:
    """The paths a case can name: ``{root}``, ``{archive}``, ``{editions}``, ``{recipients}``,
    ``{config}``, ``{out}``, ``{pdf}`` (the archived February PDF) and ``{port}``."""

    root: Path
    port: int = 0

    @property
    def places(self) -> dict[str, str]:
        return {"root": str(self.root), "archive": str(self.root / "archive"), "editions": str(self.root / "editions"),
                "recipients": str(self.root / "partenaires.csv"), "config": str(self.root / "mail.yaml"),
                "out": str(self.root / "out"), "pdf": str(self.root / "archive" / "2022-02" / PDF_NAME),
                "port": str(self.port)}

    def path(self, text: str) -> Path:
        return Path(text.format(**self.places))


Setup = Callable[[Workspace], None]


def nothing(ws: Workspace) -> None:
    """No damage."""


@dataclass(frozen=True)
class Case:
    """One hostile input: the command line, what the Error line must name, and how to set it up."""

    name: str
    args: tuple[str, ...]
    names: str
    setup: Setup = nothing
    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    max_file_bytes: int | None = None
    cwd: str = "{root}"
    server: bool = False
    code: int = 1  # 2 for bad usage (options that do not go together)


# ----------------------------------------------------------------------------- setups

def write(relative: str, content: bytes | str) -> Setup:
    def setup(ws: Workspace) -> None:
        path = ws.path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            os.chmod(path, 0o644)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return setup


def mkdir(relative: str) -> Setup:
    def setup(ws: Workspace) -> None:
        ws.path(relative).mkdir(parents=True)
    return setup


def remove(relative: str) -> Setup:
    def setup(ws: Workspace) -> None:
        path = ws.path(relative)
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return setup


def flip(relative: str) -> Setup:
    def setup(ws: Workspace) -> None:
        alter(ws.path(relative))
    return setup


def both(*setups: Setup) -> Setup:
    def setup(ws: Workspace) -> None:
        for one in setups:
            one(ws)
    return setup


def correct_february(ws: Workspace) -> None:
    """A correction in the February data, so that a re-issue would give another PDF."""
    figures = ws.path("{editions}/2022-02/figures.csv")
    replace_in_file(figures, "communes PVD ayant déjà leur chef de projet en poste",
                    "communes PVD ayant leur chef de projet en poste (note corrigée)")


def catalogue_sql(statement: str) -> Setup:
    def setup(ws: Workspace) -> None:
        with sqlite3.connect(ws.path("{archive}/catalogue.sqlite3")) as db:
            db.execute(statement)
    return setup


def manifest(change: Callable[[dict[str, object]], None], recatalogue: bool = False) -> Setup:
    """Rewrite February's manifest; ``recatalogue`` also updates its checksum in the catalogue (an
    attacker who can write both)."""
    def setup(ws: Workspace) -> None:
        path = ws.path("{archive}/2022-02/manifest.json")
        os.chmod(path, 0o644)
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        if recatalogue:
            with sqlite3.connect(ws.path("{archive}/catalogue.sqlite3")) as db:
                db.execute("UPDATE editions SET manifest_sha256 = ?", (hashlib.sha256(path.read_bytes()).hexdigest(),))
    return setup


def pdf_path_outside(data: dict[str, object]) -> None:
    data["pdf"] = "../../etc/passwd"
    data["documents"] = [{"territory": "", "pdf": "../../etc/passwd"}]


def pdf_with_attachments(relative: str, names: list[str]) -> Setup:
    """A PDF whose attached files have the given names (hostile ones)."""
    def setup(ws: Workspace) -> None:
        import pikepdf

        document = pikepdf.new()
        document.add_blank_page()
        for index, name in enumerate(names):
            document.attachments[f"piece{index}"] = pikepdf.AttachedFileSpec(document, b"a,b\n1,2\n", filename=name)
        document.save(ws.path(relative))
    return setup


def march_mini(ws: Workspace) -> None:
    """A FICTITIOUS mini edition of March 2022 and its layout (a month never archived)."""
    folder = ws.path("{root}/mars")
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns("layout.yaml"))
    replace_in_file(folder / "edition.yaml", 'edition: "2022-02"', 'edition: "2022-03"')
    replace_in_file(folder / "edition.yaml", "published: 2022-02-15", "published: 2022-03-15")
    layout_copy(ws.root, (MINI / "layout.yaml").read_text(encoding="utf-8"))


def config_line(old: str, new: str) -> Setup:
    def setup(ws: Workspace) -> None:
        replace_in_file(ws.path("{config}"), old, new)
    return setup


def recipients(text: str) -> Setup:
    return write("{recipients}", text)


def out_of_archive_copy(ws: Workspace) -> None:
    shutil.copy(ws.path("{pdf}"), ws.path("{root}/copie.pdf"))
    os.chmod(ws.path("{root}/copie.pdf"), 0o644)


# ----------------------------------------------------------------------------- the corpus

ARCHIVE = ("archive", "--data-dir", "{editions}/2022-02", "--archive-dir", "{archive}")
REISSUE = (*ARCHIVE, "--reissue", "--reason")
EXTRACT = ("archive", "extract", "{pdf}", "--archive-dir", "{archive}")
SEND = ("send", "--edition", "2022-02", "--recipients", "{recipients}", "--archive-dir", "{archive}",
        "--config", "{config}", "--out-dir", "{out}/mail")
SMTP = ("--send", "--smtp-host", "127.0.0.1", "--smtp-security", "none", "--retry-delay", "0.01")
STATUS = ("send", "--status", "--edition", "2022-02", "--archive-dir", "{archive}")
DIFF = ("diff", "--editions-dir", "{editions}")
BAD_NAME = "{recipients}:2"

CASES: list[Case] = [
    # archive and re-issue
    Case("archive-already-archived", ARCHIVE, "{archive}/2022-02: l’édition 2022-02 est déjà archivée"),
    Case("reissue-without-reason", (*ARCHIVE, "--reissue"), "--reason"),
    Case("reissue-blank-reason", (*REISSUE, "   "), "--reason"),
    Case("reissue-reason-with-line-break", (*REISSUE, "taux\ncorrigé"), "--reason"),
    Case("reissue-reason-too-long", (*REISSUE, "x" * 600), "--reason"),
    Case("reason-without-reissue", (*ARCHIVE, "--reason", "taux corrigé"), "--reason: ne sert qu’avec --reissue",
         code=2),
    Case("reissue-with-list", ("archive", "list", "--archive-dir", "{archive}", "--reissue", "--reason", "x"),
         "--reissue: ne va pas avec archive list", code=2),
    Case("reissue-of-an-unarchived-month", ("archive", "--data-dir", "{root}/mars", "--layout", "{root}/layout.yaml",
                                            "--archive-dir", "{archive}", "--reissue", "--reason", "x"),
         "{archive}/2022-03: l’édition 2022-03 n’a jamais été archivée", setup=march_mini),
    Case("reissue-identical-pdf", (*REISSUE, "rien"), "{archive}/2022-02: la réémission donnerait exactement"),
    Case("archive-deleted-folder", ARCHIVE, "{archive}/2022-02: la version 1 de 2022-02 est au catalogue",
         setup=remove("{archive}/2022-02")),
    Case("reissue-stray-folder", (*REISSUE, "note corrigée"), "{archive}/2022-02-v2: ce dossier existe",
         setup=both(correct_february, mkdir("{archive}/2022-02-v2"))),
    Case("reissue-disk-full", (*REISSUE, "note corrigée"), "{archive}/2022-02-v2: impossible d’écrire l’archive",
         setup=correct_february, max_file_bytes=60_000),
    Case("archive-catalogue-garbage", ARCHIVE, "{archive}/catalogue.sqlite3: catalogue endommagé",
         setup=write("{archive}/catalogue.sqlite3", b"pas une base" * 500)),
    Case("archive-catalogue-newer-schema", ARCHIVE, "{archive}/catalogue.sqlite3: catalogue endommagé",
         setup=catalogue_sql("PRAGMA user_version = 9")),
    Case("archive-dir-is-a-file", ("archive", "--data-dir", "{editions}/2022-02", "--archive-dir", "{root}/fichier"),
         "{root}/fichier: le dossier d’archive n’est pas un dossier", setup=write("{root}/fichier", "x")),
    Case("archive-dir-unwritable", ("archive", "--data-dir", "{editions}/2022-02", "--archive-dir", "/proc/archive"),
         "/proc/archive"),
    Case("archive-bad-month", ("archive", "--edition", "2022-13", "--archive-dir", "{archive}"), "--edition"),
    # extract
    Case("extract-into-an-edition-folder", (*EXTRACT, "--output", "{archive}/2022-02/donnees"),
         "--output: {archive}/2022-02/donnees est dans l’archive {archive}, qui ne change que par la commande archive"),
    Case("extract-into-another-archive", ("archive", "extract", "{pdf}", "--output", "{archive}/donnees"),
         "--output: {archive}/donnees est dans l’archive {archive}"),
    Case("extract-default-output-from-inside-the-archive", ("archive", "extract", PDF_NAME),
         "out/pvd-chiffres-cles-2022-02-donnees: ce dossier est dans l’archive", cwd="{archive}/2022-02"),
    Case("extract-attachment-dotdot", ("archive", "extract", "{root}/piege.pdf", "--output", "{out}"),
         "{root}/piege.pdf: la pièce jointe a un nom refusé : '..'", setup=pdf_with_attachments("{root}/piege.pdf", [".."])),
    Case("extract-attachment-absolute", ("archive", "extract", "{root}/piege.pdf", "--output", "{out}"),
         "{root}/piege.pdf: la pièce jointe a un nom refusé : '/etc/passwd'",
         setup=pdf_with_attachments("{root}/piege.pdf", ["/etc/passwd"])),
    Case("extract-attachment-traversal", ("archive", "extract", "{root}/piege.pdf", "--output", "{out}"),
         "{root}/piege.pdf: la pièce jointe a un nom refusé : '../../donnees.csv'",
         setup=pdf_with_attachments("{root}/piege.pdf", ["figures.csv", "../../donnees.csv"])),
    Case("extract-attachment-duplicate", ("archive", "extract", "{root}/piege.pdf", "--output", "{out}"),
         "{root}/piege.pdf: la pièce jointe « figures.csv » apparaît deux fois",
         setup=pdf_with_attachments("{root}/piege.pdf", ["figures.csv", "series.csv", "figures.csv"])),
    Case("extract-attachment-hidden", ("archive", "extract", "{root}/piege.pdf", "--output", "{out}"),
         "{root}/piege.pdf: la pièce jointe a un nom refusé : '.bashrc'",
         setup=pdf_with_attachments("{root}/piege.pdf", [".bashrc"])),
    Case("extract-not-a-pdf", ("archive", "extract", "{editions}/2022-02/figures.csv", "--output", "{out}"),
         "{editions}/2022-02/figures.csv: impossible d’ouvrir le PDF"),
    Case("extract-missing-pdf", ("archive", "extract", "{root}/absent.pdf", "--output", "{out}"),
         "{root}/absent.pdf: n’existe pas"),
    Case("extract-pdf-is-a-folder", ("archive", "extract", "{editions}", "--output", "{out}"), "{editions}: n’existe pas"),
    Case("extract-pdf-without-data", ("archive", "extract", "{root}/vide.pdf", "--output", "{out}"),
         "{root}/vide.pdf: ce PDF ne porte aucune donnée jointe", setup=pdf_with_attachments("{root}/vide.pdf", [])),
    Case("extract-over-an-existing-file", ("archive", "extract", "{root}/copie.pdf", "--output", "{out}"),
         "{out}/figures.csv: existe déjà", setup=both(out_of_archive_copy, write("{out}/figures.csv", "mien"))),
    Case("extract-output-is-a-file", ("archive", "extract", "{root}/copie.pdf", "--output", "{root}/fichier"),
         "{root}/fichier: existe et n’est pas un dossier", setup=both(out_of_archive_copy, write("{root}/fichier", "x"))),
    Case("extract-output-unwritable", ("archive", "extract", "{root}/copie.pdf", "--output", "/proc/donnees"),
         "/proc/donnees: impossible d’écrire", setup=out_of_archive_copy),
    Case("extract-disk-full", ("archive", "extract", "{root}/copie.pdf", "--output", "{out}/a/b"),
         "{out}/a/b: impossible d’écrire", setup=out_of_archive_copy, max_file_bytes=2_000),
    Case("extract-without-pdf", ("archive", "extract", "--archive-dir", "{archive}"), "archive extract: il manque le PDF"),
    # reindex, verify, list
    Case("reindex-manifest-not-json", ("archive", "reindex", "--archive-dir", "{archive}"),
         "{archive}/2022-02/manifest.json: manifeste endommagé", setup=write("{archive}/2022-02/manifest.json", "{")),
    Case("reindex-manifest-pdf-outside", ("archive", "reindex", "--archive-dir", "{archive}"),
         "{archive}/2022-02/manifest.json: clé « pdf »", setup=manifest(pdf_path_outside)),
    Case("reindex-manifest-of-another-month", ("archive", "reindex", "--archive-dir", "{archive}"),
         "{archive}/2022-02/manifest.json: le manifeste décrit l’édition '2022-03'",
         setup=manifest(lambda d: d.update(edition="2022-03"))),
    Case("reindex-manifest-file-outside", ("archive", "reindex", "--archive-dir", "{archive}"),
         "{archive}/2022-02/manifest.json: clé « files » : '../../etc/passwd' sort du dossier",
         setup=manifest(lambda d: d["files"].update({"../../etc/passwd": {"sha256": "0" * 64, "size": 1}}))),  # type: ignore[attr-defined]
    Case("reindex-missing-folder", ("archive", "reindex", "--archive-dir", "{root}/absent"),
         "{root}/absent: le dossier d’archive n’existe pas"),
    Case("reindex-empty-folder", ("archive", "reindex", "--archive-dir", "{root}/vide"),
         "{root}/vide: aucune édition archivée ici", setup=mkdir("{root}/vide")),
    Case("reindex-disk-full", ("archive", "reindex", "--archive-dir", "{archive}"),
         "{archive}/catalogue.sqlite3: impossible d’écrire le catalogue", max_file_bytes=4_000),
    Case("verify-catalogue-garbage", ("archive", "verify", "--archive-dir", "{archive}"),
         "{archive}/catalogue.sqlite3: catalogue endommagé", setup=write("{archive}/catalogue.sqlite3", b"\0" * 4096)),
    Case("verify-unknown-month", ("archive", "verify", "2021-01", "--archive-dir", "{archive}"),
         "{archive}/2021-01: l’édition 2021-01 n’est pas dans l’archive"),
    Case("list-catalogue-missing-table", ("archive", "list", "--archive-dir", "{archive}"),
         "{archive}/catalogue.sqlite3: catalogue endommagé", setup=catalogue_sql("DROP TABLE documents")),
    # send: the archive
    Case("send-manifest-pdf-outside", SEND, "{archive}/2022-02/manifest.json: clé « pdf » : '../../etc/passwd'",
         setup=manifest(pdf_path_outside, recatalogue=True)),
    Case("send-manifest-altered", SEND, "{archive}/2022-02/manifest.json: manifest.json diffère du catalogue",
         setup=manifest(pdf_path_outside)),
    Case("send-pdf-altered", SEND, "{pdf}: la somme de contrôle diffère du catalogue", setup=flip("{pdf}")),
    Case("send-data-altered", SEND, "{archive}/2022-02/data/figures.csv: la somme de contrôle diffère",
         setup=flip("{archive}/2022-02/data/figures.csv")),
    Case("send-catalogue-garbage", SEND, "{archive}/catalogue.sqlite3: catalogue endommagé",
         setup=write("{archive}/catalogue.sqlite3", b"SQLite format 3\0" + b"\xff" * 2000)),
    Case("send-journal-garbage", SEND, "{archive}/journal.sqlite3: journal des envois endommagé",
         setup=write("{archive}/journal.sqlite3", b"pas un journal" * 300)),
    Case("send-not-archived", (*SEND[:2], "2022-03", *SEND[3:]), "{archive}/2022-03: l’édition 2022-03 n’est pas archivée"),
    Case("send-erratum-of-a-single-version", (*SEND, "--erratum"), "{archive}/2022-02: l’édition 2022-02 n’a qu’une version"),
    Case("send-oversize", (*SEND, "--max-size-mb", "0.05"), "{pdf}: le message pèserait"),
    # send: settings
    Case("send-port-env-not-a-number", SEND, "BULLETIN_SMTP_PORT: « abc » n’est pas un nombre entier",
         env={"BULLETIN_SMTP_PORT": "abc"}),
    Case("send-port-out-of-range", (*SEND, "--smtp-port", "70000"), "--smtp-port: « 70000 »"),
    Case("send-port-full-width-digits", (*SEND, "--smtp-port", "２５"), "--smtp-port: « ２５ »"),
    Case("send-max-size-nan", (*SEND, "--max-size-mb", "nan"), "--max-size-mb: « nan » n’est pas un nombre"),
    Case("send-max-size-infinite", (*SEND, "--max-size-mb", "inf"), "--max-size-mb: « inf »"),
    Case("send-max-size-negative", (*SEND, "--max-size-mb", "-1"), "--max-size-mb: « -1 »"),
    Case("send-retry-delay-nan", (*SEND, "--retry-delay", "nan"), "--retry-delay: « nan »"),
    Case("send-retry-delay-negative", (*SEND, "--retry-delay", "-2"), "--retry-delay: « -2 »"),
    Case("send-timeout-env-zero", SEND, "BULLETIN_SMTP_TIMEOUT: « 0 »", env={"BULLETIN_SMTP_TIMEOUT": "0"}),
    Case("send-attempts-env-zero", SEND, "BULLETIN_SMTP_ATTEMPTS: « 0 »", env={"BULLETIN_SMTP_ATTEMPTS": "0"}),
    Case("send-config-port-not-a-number", SEND, "{config}:14: smtp.port : « abc »",
         setup=config_line("  port: 25\n", "  port: abc\n")),
    Case("send-config-unsubscribe-missing", SEND, "{config}: unsubscribe : l’adresse de désinscription manque",
         setup=config_line("unsubscribe: ", "ancien_unsubscribe: ")),
    Case("send-config-unsubscribe-not-mailto", SEND, "{config}:10: unsubscribe : « https://exemple.fr/stop »",
         setup=config_line('unsubscribe: "mailto:petitesvillesdedemain@anct.gouv.fr?subject=D%C3%A9sinscription'
                           '%20du%20bulletin"', 'unsubscribe: "https://exemple.fr/stop"')),
    Case("send-config-unknown-security", SEND, "{config}:15: smtp.security : sécurité SMTP inconnue « ssl »",
         setup=config_line("  security: starttls ", "  security: ssl ")),
    Case("send-config-not-yaml", SEND, "{config}:", setup=write("{config}", "sender: [\n")),
    Case("send-clear-text-to-a-remote-server", (*SEND, "--smtp-host", "smtp.exemple.fr", "--smtp-security", "none"),
         "--smtp-security: la sécurité « none » envoie en clair"),
    Case("send-user-without-password", SEND, "BULLETIN_SMTP_PASSWORD: l’identifiant et le mot de passe",
         env={"BULLETIN_SMTP_USER": "bulletin", "BULLETIN_SMTP_PASSWORD": ""}),
    # send: recipients
    Case("send-name-with-line-break", SEND, "{recipients}:3: colonne « name » de a@exemple.fr",
         setup=recipients('email,name\na@exemple.fr,"Jean\nBcc: tous@exemple.fr"\n')),
    Case("send-name-of-100000-characters", SEND, BAD_NAME + ": colonne « name » de a@exemple.fr : 100000 caractères",
         setup=recipients("email,name\na@exemple.fr," + "A" * 100_000 + "\n")),
    Case("send-name-with-control-character", SEND, BAD_NAME + ": colonne « nom » de a@exemple.fr",
         setup=recipients("courriel,nom\na@exemple.fr,Jean\x07Dupont\n")),
    Case("send-name-with-bidi-override", SEND, BAD_NAME + ": colonne « name » de a@exemple.fr",
         setup=recipients("email,name\na@exemple.fr,Jean \u202eetnoP\n")),
    Case("send-organisation-too-long", SEND, BAD_NAME + ": colonne « organisme »",
         setup=recipients("courriel,nom,organisme\na@exemple.fr,Jean," + "O" * 300 + "\n")),
    Case("send-recipients-without-address-column", SEND, "{recipients}:1: colonne manquante : « email »",
         setup=recipients("adresse,nom\na@exemple.fr,Jean\n")),
    Case("send-recipients-email-and-courriel", SEND, "{recipients}:1: colonnes « email » et « courriel »",
         setup=recipients("email,courriel,nom\na@exemple.fr,b@exemple.fr,Jean\n")),
    Case("send-recipients-bad-address", SEND, BAD_NAME + ": 'a@exemple' n’est pas une adresse",
         setup=recipients("email,name\na@exemple,Jean\n")),
    Case("send-recipients-missing", (*SEND[:4], "{root}/absent.csv", *SEND[5:]), "{root}/absent.csv"),
    Case("send-recipients-folder", (*SEND[:4], "{editions}", *SEND[5:]), "{editions}: n’est pas un fichier ordinaire"),
    Case("send-recipients-empty", SEND, "{recipients}: ", setup=recipients("")),
    Case("send-without-recipients", ("send", "--edition", "2022-02", "--archive-dir", "{archive}"), "--recipients"),
    # send: where the dry run writes
    Case("send-dry-run-into-a-file", (*SEND[:-1], "{root}/fichier"), "{root}/fichier/2022-02",
         setup=write("{root}/fichier", "x")),
    Case("send-dry-run-unwritable", (*SEND[:-1], "/proc/mail"), "/proc/mail/2022-02: impossible d’écrire"),
    Case("send-dry-run-disk-full", SEND, "{out}/mail/2022-02: impossible d’écrire l’essai à blanc", max_file_bytes=100_000),
    Case("send-dry-run-into-the-archive", (*SEND[:-1], "{archive}"), "{archive}/2022-02: ce dossier est dans l’archive"),
    Case("send-dry-run-over-other-files", SEND, "{out}/mail/2022-02: ce dossier contient autre chose",
         setup=write("{out}/mail/2022-02/notes.txt", "à garder")),
    # send: the server
    Case("send-closed-port", (*SEND, *SMTP, "--smtp-port", "{port}"), "serveur SMTP 127.0.0.1:{port}: connexion refusée"),
    Case("send-starttls-not-offered", (*SEND, *SMTP[:3], "--smtp-security", "starttls", "--smtp-port", "{port}"),
         "serveur SMTP 127.0.0.1:{port}: le serveur ne propose pas STARTTLS", server=True),
    Case("send-tls-to-a-plain-server", (*SEND, *SMTP[:3], "--smtp-security", "tls", "--smtp-port", "{port}"),
         "serveur SMTP 127.0.0.1:{port}: la négociation TLS a échoué", server=True),
    Case("send-unknown-host", (*SEND, "--send", "--smtp-host", "serveur.invalid", "--smtp-port", "25"),
         "serveur SMTP serveur.invalid:25: nom de serveur inconnu"),
    Case("send-authentication-not-offered", (*SEND, *SMTP, "--smtp-port", "{port}"),
         "serveur SMTP 127.0.0.1:{port}: le serveur ne propose pas l’authentification", server=True,
         env={"BULLETIN_SMTP_USER": "bulletin", "BULLETIN_SMTP_PASSWORD": "secret"}),
    # status
    Case("status-not-archived", (*STATUS[:3], "2022-03", *STATUS[4:]), "{archive}/2022-03: l’édition 2022-03 n’est pas"),
    Case("status-journal-garbage", STATUS, "{archive}/journal.sqlite3: journal des envois endommagé",
         setup=write("{archive}/journal.sqlite3", b"\x01" * 5000)),
    Case("status-catalogue-missing", STATUS, "{archive}/catalogue.sqlite3: aucun catalogue d’archive ici",
         setup=remove("{archive}/catalogue.sqlite3")),
    Case("status-bad-month", ("send", "--status", "--edition", "22-02", "--archive-dir", "{archive}"), "--edition"),
    Case("status-with-erratum", (*STATUS, "--erratum"), "--erratum: ne va pas avec --status", code=2),
    Case("status-recipients-bad", (*STATUS, "--recipients", "{recipients}"), BAD_NAME,
         setup=recipients("email,name\npas-une-adresse,Jean\n")),
    # diff
    Case("diff-a-single-edition", ("diff", "--editions-dir", "{root}/seule"), "{root}/seule: aucune édition avant 2022-02",
         setup=lambda ws: shutil.copytree(EDITION, ws.path("{root}/seule/2022-02"))),
    Case("diff-from-after-to", (*DIFF, "--from", "2022-02", "--to", "2022-01"), "--from: --from 2022-02 doit précéder"),
    Case("diff-unknown-edition", (*DIFF, "--from", "2021-12"), "{editions}/2021-12"),
    Case("diff-bad-month", (*DIFF, "--to", "2022-2"), "--to"),
    Case("diff-missing-editions-folder", ("diff", "--editions-dir", "{root}/absent"), "{root}/absent"),
    Case("diff-broken-edition", DIFF, "{editions}/2022-02/figures.csv:",
         setup=write("{editions}/2022-02/figures.csv", "key,value,unit,as_of,source,status,note\nx.y,abc,count,"
                     "2022-02-01,ANCT,published,\n")),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace built once: February 2022 archived, the editions, recipients and mail settings."""
    root = tmp_path_factory.mktemp("hostile-template")
    shutil.copytree(JANUARY, root / "editions" / "2022-01")
    shutil.copytree(EDITION, root / "editions" / "2022-02")
    result = run_cli("archive", "--data-dir", root / "editions" / "2022-02", "--archive-dir", root / "archive")
    assert result.code == 0, result.stderr
    (root / "partenaires.csv").write_text("email,name,organisation\na@exemple.fr,Jean Dupont,Préfecture\n"
                                          "b@exemple.fr,Marie Durand,\n", encoding="utf-8")
    shutil.copy(ROOT / "layouts" / "pvd-mail.yaml", root / "mail.yaml")
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_refused_clearly_and_changes_nothing(case: Case, template: Path, tmp_path: Path,
                                                              request: pytest.FixtureRequest) -> None:
    root = tmp_path / "espace"
    shutil.copytree(template, root)
    port = request.getfixturevalue("smtp_server")[1] if case.server else free_port()
    workspace = Workspace(root, port)
    case.setup(workspace)
    before = snapshot(root)
    args = [arg.format(**workspace.places) for arg in case.args]
    result = run_cli(*args, cwd=workspace.path(case.cwd), env=dict(case.env), max_file_bytes=case.max_file_bytes)
    assert result.code == case.code, (result.code, result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    expected = case.names.format(**workspace.places)
    assert any(expected in error for error in errors), f"expected {expected!r} in:\n{result.stderr}"
    assert not ENGLISH.search(result.stderr), result.stderr  # one language: French
    assert "Traceback" not in result.stderr
    after = snapshot(root)
    assert after == before, sorted(set(after.items()) ^ set(before.items()))[:5]


def test_corpus_is_large_enough() -> None:
    commands = {case.args[0] + (" " + case.args[1] if case.args[0] == "archive" and case.args[1] in
                                ("list", "verify", "reindex", "extract") else "") for case in CASES}
    assert len(CASES) >= 40
    assert {"archive", "archive extract", "archive reindex", "archive verify", "send", "diff"} <= commands
    assert sum("--status" in case.args for case in CASES) >= 5
