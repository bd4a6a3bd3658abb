"""Hostile inputs and faults, each through the real command line in a fresh process.

Every case sets up a small project (bulletin.toml, a FICTITIOUS edition, a layout and its theme),
breaks one thing, runs one command from the project's folder and asserts what a user must see:
exit 1, an ``Error:`` line naming the file and the line, cell, key or option, no traceback, and
not a byte written or changed anywhere in the project (every file, folder and link is compared).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import MINI, ROOT

# The checkout's own file names, so that the same project works without bulletin.toml too.
TOML = """editions = "data/editions"
layout = "layouts/pvd-chiffres-cles.yaml"
out = "out"
archive = "archive"
mail = "layouts/pvd-mail.yaml"
"""
EDITION = "data/editions/2022-02"


def make_project(folder: Path) -> Path:
    """A project with the mini edition (as 2022-02), its layout, the real theme and mail settings."""
    shutil.copytree(MINI, folder / EDITION, ignore=shutil.ignore_patterns("pvd-chiffres-cles.yaml"))
    shutil.copytree(ROOT / "layouts" / "themes", folder / "layouts" / "themes")
    theme = folder / "layouts" / "themes" / "pvd.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("../../fonts", str(ROOT / "fonts")), encoding="utf-8")
    shutil.copy(MINI / "layout.yaml", folder / "layouts" / "pvd-chiffres-cles.yaml")
    shutil.copy(ROOT / "layouts" / "pvd-mail.yaml", folder / "layouts" / "pvd-mail.yaml")
    (folder / "bulletin.toml").write_text(TOML, encoding="utf-8")
    (folder / "archive").mkdir()
    (folder / "archive" / "catalogue.sqlite3").write_bytes(b"")
    return folder


def snapshot(folder: Path) -> dict[str, object]:
    """Every path under ``folder`` with its bytes (regular files), link target or kind."""
    state: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            state[name] = ("link", os.readlink(path))
        elif path.is_file():
            state[name] = path.read_bytes()
        else:
            state[name] = "dir" if path.is_dir() else "special"
    return state


@dataclass(frozen=True)
class Run:
    """What the user saw."""

    code: int
    stdout: str
    stderr: str


def run(project: Path, *args: str, env: dict[str, str] | None = None,
        file_size_limit: int | None = None) -> Run:
    """Run ``make_bulletin.py`` from the project's folder, in a new process."""
    def limit() -> None:  # a full disk: writes past the limit fail with EFBIG instead of killing the process
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))  # type: ignore[arg-type]
    done = subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), *args], cwd=project,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                          preexec_fn=limit if file_size_limit else None)
    return Run(done.returncode, done.stdout, done.stderr)


# ---- mutations: each changes the project before the command runs ------------------------------------

Mutation = Callable[[Path], None]


def edit(name: str, old: str, new: str) -> Mutation:
    """Replace ``old`` (which must occur) by ``new`` in the project's file ``name``."""
    def mutate(project: Path) -> None:
        path = project / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, path)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def write(name: str, content: bytes | str) -> Mutation:
    def mutate(project: Path) -> None:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return mutate


def fifo(name: str) -> Mutation:
    def mutate(project: Path) -> None:
        (project / name).unlink(missing_ok=True)
        os.mkfifo(project / name)
    return mutate


def symlink(name: str, target: str) -> Mutation:
    def mutate(project: Path) -> None:
        (project / name).unlink(missing_ok=True)
        (project / name).symlink_to(target)
    return mutate


def sparse(name: str, size: int) -> Mutation:
    def mutate(project: Path) -> None:
        with (project / name).open("ab") as handle:
            handle.truncate(size)
    return mutate


def stray_byte(name: str, after: str) -> Mutation:
    """One Latin-1 « é » (0xE9) in an otherwise UTF-8 file."""
    def mutate(project: Path) -> None:
        path = project / name
        data = path.read_bytes()
        at = data.index(after.encode()) + len(after)
        path.write_bytes(data[:at] + b"\xe9" + data[at:])
    return mutate


def many(*mutations: Mutation) -> Mutation:
    def mutate(project: Path) -> None:
        for mutation in mutations:
            mutation(project)
    return mutate


def own_fonts(project: Path) -> None:
    """Copy the fonts into the project and point the theme at them (to break one)."""
    shutil.copytree(ROOT / "fonts", project / "fonts")
    edit("layouts/themes/pvd.yaml", str(ROOT / "fonts"), "../../fonts")(project)


def truncated_font(size: int, name: str = "NotoSans-Regular.ttf") -> Mutation:
    def mutate(project: Path) -> None:
        own_fonts(project)
        path = project / "fonts" / name
        path.write_bytes(path.read_bytes()[:size])
    return mutate


def workbook(name: str, change: Callable[..., None] | None = None, sheets: tuple[str, str] = ("figures", "series"),
             drop_csv: bool = True) -> Mutation:
    """The mini edition's tables as a workbook ``name`` (values typed as Excel stores them), then ``change``."""
    def mutate(project: Path) -> None:
        import csv

        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for title, table in zip(sheets, ("figures", "series"), strict=True):
            sheet = book.create_sheet(title)
            with (project / EDITION / f"{table}.csv").open(encoding="utf-8") as handle:
                for row in csv.reader(handle):
                    sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
        if change:
            change(book)
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        book.save(project / name)
        if drop_csv:
            (project / EDITION / "figures.csv").unlink()
            (project / EDITION / "series.csv").unlink()
    return mutate


def zip_bomb(name: str) -> Mutation:
    """A valid-looking .xlsx of a few kilobytes whose sheet inflates to 40 MB."""
    def mutate(project: Path) -> None:
        workbook(name)(project)
        with zipfile.ZipFile(project / name, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            archive.writestr("xl/worksheets/padding.xml", b" " * (40 << 20))
    return mutate


def b13(value: object) -> Callable[..., None]:
    def change(book) -> None:  # type: ignore[no-untyped-def]
        book["figures"]["B4"] = value
    return change


def formula(book) -> None:  # type: ignore[no-untyped-def]
    book["figures"]["B4"] = "=B3/B2*100"


def merged(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book["figures"]
    sheet["E5"] = None
    sheet.merge_cells("E4:E5")


def second_figures_sheet(book) -> None:  # type: ignore[no-untyped-def]
    book.create_sheet(" Figures ")


def bulletin_toml(text: str) -> Mutation:
    return write("bulletin.toml", text)


BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


# English that would mean an untranslated message (paths and option names never contain these words).
ENGLISH = re.compile(r"\b(is not|must be|cannot|unknown|missing|expected|not found|(?<!\.)invalid|failed|"
                     r"no such|permission denied|too large)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    """One hostile input: how to break the project, the command, and what the Error line must name."""

    name: str
    mutate: Mutation
    command: tuple[str, ...]
    names: tuple[str, ...]  # fragments that one Error line must contain (file, then line, cell, key or option)
    file_size_limit: int | None = None
    env: dict[str, str] = field(default_factory=dict)


CHECK = ("check",)
BUILD = ("build", "--output", "out/b.pdf")
FIG = f"{EDITION}/figures.csv"
SER = f"{EDITION}/series.csv"
YML = f"{EDITION}/edition.yaml"
LAYOUT = "layouts/pvd-chiffres-cles.yaml"
THEME = "layouts/themes/pvd.yaml"

CASES = [
    # --- inputs that are not regular files of reasonable size ---
    Case("figures-fifo", fifo(FIG), CHECK, ("figures.csv", "fichier ordinaire")),
    Case("figures-dev-zero", symlink(FIG, "/dev/zero"), BUILD, ("figures.csv", "fichier ordinaire")),
    Case("figures-huge", sparse(FIG, 17 << 20), CHECK, ("figures.csv", "trop gros")),
    Case("series-fifo", fifo(SER), BUILD, ("series.csv", "fichier ordinaire")),
    Case("edition-yaml-fifo", fifo(YML), CHECK, ("edition.yaml", "fichier ordinaire")),
    Case("layout-fifo", fifo(LAYOUT), CHECK, ("pvd-chiffres-cles.yaml", "fichier ordinaire")),
    Case("layout-huge", sparse(LAYOUT, 3 << 20), BUILD, ("pvd-chiffres-cles.yaml", "trop gros")),
    Case("theme-dev-zero", symlink(THEME, "/dev/zero"), CHECK, ("pvd.yaml", "fichier ordinaire")),
    Case("workbook-fifo", many(workbook(f"{EDITION}/edition.xlsx"), fifo(f"{EDITION}/edition.xlsx")), CHECK,
         ("edition.xlsx", "fichier ordinaire")),
    # --- values only in their documented plain forms ---
    Case("exponent-percent", edit(FIG, "c.part,96,", "c.part,1E+999999999,"), BUILD, ("figures.csv:4", "c.part")),
    Case("exponent-eur", edit(FIG, "11246951.27", "1E+999999999"), BUILD, ("figures.csv:5", "c.montant", "exposant")),
    Case("small-exponent-eur", edit(FIG, "11246951.27", "1.1E7"), CHECK, ("figures.csv:5", "c.montant", "exposant")),
    Case("exponent-series", edit(SER, "c.evol,2021-10-01,1300", "c.evol,2021-10-01,1E+999999999"), CHECK,
         ("series.csv:3",)),
    Case("full-width-count", edit(FIG, "c.signataires,1579", "c.signataires,１５７９"), CHECK,
         ("figures.csv:3", "c.signataires")),
    Case("arabic-indic-count", edit(FIG, "c.signataires,1579", "c.signataires,١٥٧٩"), BUILD,
         ("figures.csv:3", "c.signataires")),
    Case("arabic-indic-percent", edit(FIG, "c.part,96,", "c.part,٩٦,"), CHECK, ("figures.csv:4", "c.part")),
    Case("nan-amount", edit(FIG, "11246951.27", "NaN"), CHECK, ("figures.csv:5", "c.montant")),
    Case("underscore-amount", edit(FIG, "11246951.27", "11_246_951.27"), CHECK, ("figures.csv:5", "c.montant")),
    Case("count-too-long", edit(FIG, "c.signataires,1579", "c.signataires," + "9" * 5000), CHECK,
         ("figures.csv:3", "c.signataires")),
    Case("full-width-month-value", edit(FIG, "c.date,2021-10-01,date", "c.date,２０２１-10-01,date"), CHECK,
         ("figures.csv:6", "c.date")),
    # --- edition.yaml ---
    Case("published-with-time", edit(YML, "published: 2022-02-15", "published: 2022-02-15 10:30:00"), CHECK,
         ("edition.yaml:3", "heure")),
    Case("edition-trailing-newline", edit(YML, 'edition: "2022-02"', 'edition: "2022-02\\n"'), BUILD,
         ("edition.yaml:2", "2022-02")),
    Case("edition-full-width", edit(YML, 'edition: "2022-02"', 'edition: "２０２２-02"'), CHECK, ("edition.yaml:2",)),
    Case("published-full-width", edit(YML, "published: 2022-02-15", 'published: "２０２２-02-15"'), CHECK,
         ("edition.yaml:3",)),
    Case("edition-other-month-than-folder", edit(YML, 'edition: "2022-02"', 'edition: "2022-01"'), BUILD,
         ("edition.yaml:2", "2022-02")),
    Case("edition-yaml-alias", edit(YML, "reference_population: p.communes", "reference_population: &r p.communes\n"
                                    "other: *r"), CHECK, ("edition.yaml:4", "alias")),
    Case("edition-yaml-repeated-key", edit(YML, "published: 2022-02-15", "published: 2022-02-15\npublished: 2022-02-16"),
         CHECK, ("edition.yaml:4", "published")),
    # found by the random-damage test: a mapping as a key was a TypeError traceback (unhashable)
    Case("edition-yaml-mapping-key", edit(YML, "published: 2022-02-15", "published: 2022-02-15\n{a: 1}: x"),
         CHECK, ("edition.yaml:4", "une clé est une liste ou un tableau")),
    Case("layout-yaml-list-key", edit(LAYOUT, "document:", "[a, b]: x\ndocument:"), BUILD, ("yaml:", "liste")),
    # --- YAML of the layout, the theme and the mail settings ---
    Case("layout-billion-laughs", write(LAYOUT, BILLION_LAUGHS), BUILD, ("pvd-chiffres-cles.yaml:1", "alias")),
    Case("layout-merge-key", edit(LAYOUT, "document:\n", "base: &base {level: \"1\"}\ndocument:\n  <<: *base\n"),
         CHECK, ("pvd-chiffres-cles.yaml:", "alias")),
    Case("layout-repeated-key", edit(LAYOUT, "  title: \"Bulletin de test\"\n",
                                     "  title: \"Bulletin de test\"\n  title: \"Autre\"\n"), CHECK,
         ("pvd-chiffres-cles.yaml:4", "title")),
    Case("theme-alias", edit(THEME, "  muted: \"#666666\"", "  muted: &grey \"#666666\"\n  grey2: *grey"), BUILD,
         ("pvd.yaml:", "alias")),
    Case("theme-repeated-key", edit(THEME, "  margin_top: 12\n", "  margin_top: 12\n  margin_top: 14\n"), CHECK,
         ("pvd.yaml:8", "margin_top")),
    Case("theme-margin-text", edit(THEME, "margin_left: 15", "margin_left: abc"), CHECK, ("pvd.yaml:5", "margin_left")),
    Case("theme-margin-nan", edit(THEME, "margin_left: 15", "margin_left: .nan"), BUILD, ("pvd.yaml:5", "margin_left")),
    Case("theme-margin-list", edit(THEME, "margin_right: 15", "margin_right: [15]"), CHECK, ("pvd.yaml:6",)),
    Case("theme-leading-text", edit(THEME, "leading: 1.32", "leading: serré"), CHECK, ("pvd.yaml:", "leading")),
    Case("theme-spacing-not-mapping", edit(THEME, "spacing:\n  block_gap: 2.5\n  column_gap: 5\n",
                                           "spacing: large\nignored:\n  block_gap: 2.5\n  column_gap: 5\n"),
         CHECK, ("pvd.yaml:", "spacing")),
    Case("theme-size-infinite", edit(THEME, "body: 9.5", "body: .inf"), CHECK, ("pvd.yaml:", "body")),
    Case("theme-palette-number", edit(THEME, "chart_palette: [blue, coral, green, orange, navy, grey, red, muted]",
                                      "chart_palette: 7"), CHECK, ("pvd.yaml:", "chart_palette")),
    # red marks what is not real (watermark, « données illustratives », target lines): a draft drew it
    # from a theme without it and crashed with a KeyError
    Case("theme-without-red", edit(THEME, "  red: \"#E1000F\"          # Rouge Marianne\n", ""),
         ("build", "--draft", "--output", "out/b.pdf"), ("pvd.yaml:", "couleur manquante", "red")),
    Case("mail-alias", edit("layouts/pvd-mail.yaml", "reply_to: ", "x: &x 1\ny: *x\nreply_to: "),
         ("send", "--edition", "2022-02", "--recipients", "nobody.csv"), ("pvd-mail.yaml:", "alias")),
    Case("mail-repeated-key", edit("layouts/pvd-mail.yaml", "max_size_mb: 10", "max_size_mb: 10\nmax_size_mb: 20"),
         ("send", "--edition", "2022-02", "--recipients", "nobody.csv"), ("pvd-mail.yaml:", "max_size_mb")),
    # --- fonts ---
    Case("font-truncated-header", truncated_font(100), BUILD, ("NotoSans-Regular.ttf", "font")),
    Case("font-truncated-tables", truncated_font(200_000), BUILD, ("NotoSans-Regular.ttf", "police")),
    Case("font-truncated-end", truncated_font(500_000), CHECK, ("NotoSans-Regular.ttf", "police")),
    Case("font-empty", truncated_font(0), BUILD, ("NotoSans-Regular.ttf",)),
    # a fallback font is parsed only when a character needs it, but a truncated one is refused at once
    Case("fallback-font-truncated-header", truncated_font(100, "DejaVuSans.ttf"), BUILD, ("DejaVuSans.ttf", "police")),
    Case("fallback-font-truncated-end", truncated_font(700_000, "DejaVuSans-Bold.ttf"), CHECK,
         ("DejaVuSans-Bold.ttf", "police")),
    Case("fallback-font-empty", truncated_font(0, "DejaVuSans.ttf"), BUILD, ("DejaVuSans.ttf",)),
    # --- CSV bytes ---
    Case("stray-latin1-byte", many(edit(FIG, "c.url,", "c.url,"), edit(SER, "territoires", "Territoires éà"),
                                   edit(FIG, "ANCT,published,\nc.date", "ANCT,published,« é »\nc.date"),
                                   stray_byte(FIG, "c.montant,1124")), BUILD, ("figures.csv:5", "0xE9")),
    Case("unclosed-quote", edit(FIG, "c.part,96,", 'c.part,"96,'), CHECK, ("figures.csv:4", "CSV mal formé : guillemet ouvert jamais fermé")),
    # --- workbooks ---
    Case("workbook-zip-bomb", zip_bomb(f"{EDITION}/edition.xlsx"), CHECK, ("edition.xlsx", "décompressé")),
    Case("workbook-not-a-zip", many(workbook(f"{EDITION}/edition.xlsx"),
                                    write(f"{EDITION}/edition.xlsx", b"<html>not a workbook</html>")),
         CHECK, ("edition.xlsx", "classeur .xlsx illisible")),
    Case("workbook-formula-without-result", workbook(f"{EDITION}/edition.xlsx", formula), CHECK,
         ("edition.xlsx, feuille « figures », cellule B4", "formule")),
    Case("workbook-merged-cells", workbook(f"{EDITION}/edition.xlsx", merged), BUILD,
         ("edition.xlsx, feuille « figures », cellule E5", "fusionnée E4:E5")),
    Case("workbook-value-cell", workbook(f"{EDITION}/edition.xlsx", b13("٩٦")), CHECK,
         ("edition.xlsx, feuille « figures », cellule B4", "c.part")),
    Case("workbook-sheet-twice", workbook(f"{EDITION}/edition.xlsx", second_figures_sheet), CHECK,
         ("edition.xlsx", "Figures")),
    # --- outputs that would destroy an input, or write where only data or the archive lives ---
    Case("output-is-figures", (lambda p: None), ("build", "--output", FIG), ("--output", "fichier d’entrée")),
    Case("output-is-layout", (lambda p: None), ("build", "--output", LAYOUT), ("--output", "pvd-chiffres-cles.yaml")),
    Case("output-is-theme-via-dotdot", (lambda p: None), ("build", "--output", "out/../layouts/themes/../themes/pvd.yaml"),
         ("--output", "pvd.yaml")),
    Case("output-links-to-font", symlink("font.pdf", str(ROOT / "fonts" / "NotoSans-Bold.ttf")),
         ("build", "--output", "font.pdf"), ("--output", "NotoSans-Bold.ttf")),
    Case("output-links-to-series", symlink("s.pdf", SER), ("build", "--output", "s.pdf"), ("--output", "series.csv")),
    Case("output-inside-edition", (lambda p: None), ("build", "--output", f"{EDITION}/bulletin.pdf"),
         ("--output", "dossier d’édition")),
    Case("output-inside-archive", (lambda p: None), ("build", "--output", "archive/2022-02.pdf"),
         ("--output", "archive")),
    Case("preview-inside-edition", (lambda p: None), ("preview", "--output", f"{EDITION}/pages"),
         ("--output", "dossier d’édition")),
    Case("preview-into-archive", (lambda p: None), ("preview", "--output", "archive"), ("--output", "archive")),
    Case("output-under-a-file", write("out", "a file"), ("build", "--output", "out/b.pdf"), ("out/b.pdf", "dossier")),
    Case("preview-under-a-file", write("out", "a file"), ("preview", "--output", "out/pages"), ("out/pages",)),
    Case("output-in-proc", (lambda p: None), ("build", "--output", "/proc/bulletin/b.pdf"), ("/proc/bulletin/b.pdf",)),
    Case("project-out-inside-edition", bulletin_toml(TOML.replace('out = "out"', f'out = "{EDITION}/pdf"')), ("build",),
         ("out", "dossier d’édition")),
    Case("disk-full-build", (lambda p: None), BUILD, ("out/b.pdf", "fichier trop gros (disque plein"), file_size_limit=20_000),
    Case("disk-full-preview", (lambda p: None), ("preview", "--output", "out/pages"), ("out/pages",),
         file_size_limit=20_000),
    # --- new and import ---
    Case("new-existing-month", (lambda p: None), ("new", "2022-02"), ("2022-02", "existe déjà")),
    Case("new-without-earlier-edition", (lambda p: None), ("new", "2021-12"), ("data/editions", "antérieure")),
    Case("new-into-an-edition", (lambda p: None), ("new", "2022-03", "--editions-dir", EDITION),
         ("--editions-dir", "dossier d’édition")),
    Case("new-into-archive", (lambda p: None), ("new", "2022-03", "--editions-dir", "archive"),
         ("--editions-dir", "archive")),
    Case("new-bad-published", (lambda p: None), ("new", "2022-03", "--published", "2022-3-15"), ("--published",)),
    Case("import-figures-without-series", write("in/f.csv", (MINI / "figures.csv").read_bytes()),
         ("import", "in/f.csv", "--edition", "2022-03"), ("in/f.csv", "séries")),
    Case("import-two-figures-files", many(write("in/f.csv", (MINI / "figures.csv").read_bytes()),
                                          write("in/g.csv", (MINI / "figures.csv").read_bytes())),
         ("import", "in/f.csv", "in/g.csv", "--edition", "2022-03"), ("in/g.csv:1", "deux fichiers")),
    Case("import-workbook-and-csv", many(workbook("in/w.xlsx", drop_csv=False),
                                         write("in/s.csv", (MINI / "series.csv").read_bytes())),
         ("import", "in/w.xlsx", "in/s.csv", "--edition", "2022-03"), ("in/w.xlsx", "classeur")),
    Case("import-onto-missing-edition", write("in/f.csv", (MINI / "figures.csv").read_bytes()),
         ("import", "in/f.csv", "--onto", "2021-11", "--edition", "2022-03"), ("--onto", "2021-11")),
    Case("import-onto-bad-header", write("in/f.csv", "clé,valeur\nc.part,97\n"),
         ("import", "in/f.csv", "--onto", "2022-02", "--edition", "2022-03"), ("in/f.csv:1", "ni colonne « key »")),
    Case("import-onto-bad-cell", workbook("in/w.xlsx", b13("9 6"), drop_csv=False),
         ("import", "in/w.xlsx", "--onto", "2022-02", "--edition", "2022-03"),
         ("in/w.xlsx, feuille « figures », cellule B4", "c.part")),
    Case("import-onto-partial-with-formula", workbook("in/w.xlsx", formula, drop_csv=False),
         ("import", "in/w.xlsx", "--onto", "2022-02", "--edition", "2022-03"), ("cellule B4", "formule")),
    Case("import-existing-month", write("in/f.csv", (MINI / "figures.csv").read_bytes()),
         ("import", "in/f.csv", "--onto", "2022-02", "--edition", "2022-02"), ("2022-02", "existe déjà")),
    Case("import-fifo", fifo("in.csv"), ("import", "in.csv", "--edition", "2022-03"), ("in.csv", "fichier ordinaire")),
    Case("import-zip-bomb", zip_bomb("in.xlsx"), ("import", "in.xlsx", "--edition", "2022-03"),
         ("in.xlsx", "décompressé")),
    Case("import-stray-byte", many(write("in/f.csv", (MINI / "figures.csv").read_bytes().replace(b"ANCT,published,\nc.date",
                                                                                                  "ANCT,published,« é »\nc.date".encode())),
                                   stray_byte("in/f.csv", "c.url,https://exa")),
         ("import", "in/f.csv", SER, "--edition", "2022-03"), ("in/f.csv:8", "0xE9")),
    Case("import-disk-full", (lambda p: None), ("import", FIG, SER, "--edition", "2022-03"),
         ("data/editions/2022-03", "fichier trop gros (disque plein"), file_size_limit=300),
    # --- bulletin.toml ---
    Case("toml-unknown-key", bulletin_toml(TOML.replace("editions =", "editons =")), CHECK,
         ("bulletin.toml:1", "editions")),
    Case("toml-wrong-type", bulletin_toml(TOML.replace('out = "out"', "out = 3")), CHECK, ("bulletin.toml:3", "out")),
    Case("toml-table", bulletin_toml(TOML + "[paths]\nfonts = \"fonts\"\n"), CHECK, ("bulletin.toml:6", "paths")),
    Case("toml-syntax", bulletin_toml(TOML.replace('archive = "archive"', "archive = archive")), CHECK,
         ("bulletin.toml:4", "TOML")),
    Case("toml-not-utf8", bulletin_toml(TOML.encode() + b"# r\xe9glages\n"), CHECK, ("bulletin.toml", "UTF-8")),
    Case("toml-missing-theme", bulletin_toml(TOML + 'theme = "layouts/themes/absent.yaml"\n'), BUILD,
         ("absent.yaml", "introuvable")),
    Case("theme-option-fifo", fifo("t.yaml"), ("check", "--theme", "t.yaml"), ("t.yaml", "fichier ordinaire")),
    Case("import-impossible-published", write("in/f.csv", (MINI / "figures.csv").read_bytes()),
         ("import", "in/f.csv", SER, "--edition", "2022-03", "--published", "2022-02-30"), ("--published",)),
    Case("toml-empty-path", bulletin_toml(TOML.replace('layout = "layouts/pvd-chiffres-cles.yaml"', 'layout = ""')), CHECK,
         ("bulletin.toml:2", "layout")),
    Case("init-into-non-empty-folder", (lambda p: None), ("init", "layouts"), ("layouts", "pas vide")),
    Case("init-under-a-file", (lambda p: None), ("init", "bulletin.toml/x"), ("bulletin.toml/x",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_clearly_and_changes_nothing(case: Case, tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    case.mutate(project)
    before = snapshot(project)

    result = run(project, *case.command, env=case.env, file_size_limit=case.file_size_limit)

    assert result.code == 1, (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors, result.stderr
    assert any(all(fragment in line for fragment in case.names) for line in errors), result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr  # one language: French
    assert ".tmp" not in result.stderr and "import-" not in result.stderr  # no internal temporary path
    assert snapshot(project) == before


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)
