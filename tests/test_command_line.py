"""The command line as a user meets it, in French: usage errors, help, options that do not go together,
-v stage by stage, a missing edition, check --format json, the nearest name for a misspelt one, one
message per cause, and watch (a real process: started, fed changes, stopped)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from conftest import ROOT, replace_in_file, run_cli
from test_hostile_inputs import EDITION, make_project, snapshot

ENGLISH = re.compile(r"\b(usage:|error:|the following|invalid choice|unrecognized|expected one|not allowed|is not|"
                     r"must be|cannot|unknown|missing|not found|show this help|positional arguments)\b")


def errors_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


# ---- usage errors: French, located, with the nearest name, exit 2 ----------------------------------

@pytest.mark.parametrize(("args", "error", "hint"), [
    (("buid",), "Error: commande inconnue : « buid »", "hint: vouliez-vous dire « build » ?"),
    (("frobnicate",), "Error: commande inconnue : « frobnicate »", "hint: commandes : new, import, check"),
    ((), "Error: il manque la commande", "hint: commandes : new, import"),
    (("build", "--ouput", "x.pdf"), "Error: option inconnue pour build : --ouput", "hint: vouliez-vous dire « --output » ?"),
    (("check", "--verbeux"), "Error: option inconnue pour check : --verbeux", "hint: vouliez-vous dire « --verbose » ?"),
    (("diff", "--format", "xls"), "Error: --format: choix inconnu « xls »", "hint: choix possibles : table, csv, json"),
    (("build", "--territories", "departement"), "Error: --territories: choix inconnu « departement »",
     "hint: vouliez-vous dire « departements » ?"),
    (("send", "--recipients", "p.csv"), "Error: il manque l’option --edition", "hint: voir make_bulletin.py send --help"),
    (("import", "--edition", "2022-03"), "Error: il manque l’argument FICHIER", "hint: voir make_bulletin.py import"),
    (("build", "--edition"), "Error: --edition: il manque sa valeur", "hint: voir make_bulletin.py build --help"),
    (("build", "--jobs", "deux", "--territories", "all"), "Error: --jobs: « deux » n’est pas un nombre entier", "hint:"),
    (("build", "--draft=oui"), "Error: --draft: ne prend pas de valeur (« oui »)", "hint:"),
    (("build", "--edition", "2022-02", "--data-dir", "x"), "Error: --data-dir: ne va pas avec --edition", "hint:"),
    (("send", "--edition", "2022-02", "--status", "--send"), "Error: --send: ne va pas avec --status", "hint:"),
    (("watch", "--interval", "vite"), "Error: --interval: « vite » n’est pas un nombre", "hint:"),
])
def test_bad_usage_is_a_french_error_with_a_hint_and_exit_2(args: tuple[str, ...], error: str, hint: str,
                                                            tmp_path: Path) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2, result
    lines = result.stderr.splitlines()
    assert lines[0] == error or lines[0].startswith(error), result.stderr
    assert lines[1].startswith("  " + hint), result.stderr
    assert not ENGLISH.search(result.stderr.lower()), result.stderr
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["", "build", "check", "watch", "archive", "send"])
def test_help_is_in_french(command: str) -> None:
    result = run_cli(*([command] if command else []), "--help")
    assert result.code == 0
    assert result.stdout.startswith("usage : make_bulletin.py")
    assert "affiche cette aide et s’arrête" in result.stdout and "\noptions:\n" in result.stdout
    assert not ENGLISH.search(result.stdout.lower()), result.stdout


# ---- options that do not go together: both named, exit 2, nothing done -------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (("build", "--territory", "dep:58", "--territories", "all"), "Error: --territories: ne va pas avec --territory"),
    (("check", "--jobs", "2"), "Error: --jobs: ne sert qu’avec --territories"),
    (("build", "--jobs", "0"), "Error: --jobs: ne sert qu’avec --territories"),
    (("archive", "list", "--jobs", "0"), "Error: --jobs: ne sert qu’avec --territories"),
    (("build", "--territories", "all", "--output", "out/tout.pdf"),
     "Error: --output: avec --territories, c’est le dossier des PDF, pas un fichier : out/tout.pdf"),
    (("check", "--territories", "all", "--format", "json"), "Error: --format: json ne va pas avec --territories"),
    (("archive", "--edition", "2022-02", "--data-dir", EDITION), "Error: --data-dir: ne va pas avec --edition"),
    (("archive", "--reason", "coquille"), "Error: --reason: ne sert qu’avec --reissue"),
    (("archive", "--output", "out/d"), "Error: --output: ne sert qu’avec archive extract"),
    (("archive", "list", "--edition", "2022-02"), "Error: --edition: ne va pas avec archive list"),
    (("archive", "reindex", "2022-02"), "Error: « 2022-02 »: ne va pas avec archive reindex"),
    (("archive", "verify", "--territories", "all"), "Error: --territories: ne va pas avec archive verify"),
    (("archive", "extract", "x.pdf", "--reissue"), "Error: --reissue: ne va pas avec archive extract"),
    (("send", "--status", "--edition", "2022-02", "--erratum"), "Error: --erratum: ne va pas avec --status"),
    (("send", "--status", "--edition", "2022-02", "--smtp-host", "smtp.exemple.fr"),
     "Error: --smtp-host: ne va pas avec --status"),
    (("send", "--status", "--edition", "2022-02", "--out-dir", "out/m"), "Error: --out-dir: ne va pas avec --status"),
])
def test_options_that_do_not_go_together_are_refused_naming_both(args: tuple[str, ...], expected: str,
                                                                tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    before = snapshot(project)
    result = run_cli(*args, cwd=project)
    assert result.code == 2, result
    assert errors_of(result.stderr) == [expected], result.stderr
    assert "\n  hint: " in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_a_missing_edition_lists_the_available_ones(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    for args in (("build", "--edition", "2099-01"), ("check", "--edition", "2099-01"),
                 ("preview", "--edition", "2099-01"), ("archive", "--edition", "2099-01"),
                 ("diff", "--to", "2099-01"), ("import", "x.csv", "--onto", "2099-01", "--edition", "2099-02")):
        result = run_cli(*args, cwd=project)
        assert result.code == 1, (args, result)
        assert "hint: éditions disponibles : 2022-02" in result.stderr, (args, result.stderr)
        assert len(errors_of(result.stderr)) == 1, (args, result.stderr)


# ---- -v: each stage with its time, before or after the command --------------------------------------

STAGES = ("lecture des données, de la mise en page et du thème", "vérification", "composition des pages",
          "dessin du PDF", "post-traitement PDF/A", "écriture")


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_logs_each_stage_of_a_build_with_its_time(where: str, tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    args = ["-v", "build"] if where == "before" else ["build", "-v"]
    result = run_cli(*args, cwd=project)
    assert result.code == 0, result.stderr
    logged = result.stderr.splitlines()
    for stage in STAGES:
        assert any(re.fullmatch(rf"{re.escape(stage)} : \d+,\d\d s", line) for line in logged), (stage, result.stderr)
    assert [line.split(" : ")[0] for line in logged if line.endswith(" s")] == list(STAGES)
    assert result.stdout == "Écrit : out/pvd-chiffres-cles-2022-02.pdf (1 pages).\n"
    quiet = run_cli("build", "--output", "out/b.pdf", cwd=project)
    assert quiet.code == 0 and quiet.stderr == ""


def test_verbose_says_which_stage_failed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    replace_in_file(project / EDITION / "figures.csv", "c.part,96,", "c.part,9 6,")
    result = run_cli("check", "-v", cwd=project)
    assert result.code == 1
    assert re.search(r"^vérification : \d+,\d\d s$", result.stderr, re.MULTILINE), result.stderr
    assert "composition des pages" not in result.stderr  # nothing is composed from wrong data


# ---- check --format json ------------------------------------------------------------------------------

def test_check_json_lists_the_problems_check_prints(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    replace_in_file(project / EDITION / "figures.csv", "c.part,96,", "c.part,9 6,")
    replace_in_file(project / "layouts" / "pvd-chiffres-cles.yaml", "figure: c.signataires,", "figure: c.signataire,")
    text = run_cli("check", cwd=project)
    result = run_cli("check", "--format", "json", cwd=project)
    assert result.code == text.code == 1 and result.stderr == ""
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["edition"] == EDITION
    assert document["summary"] == {"errors": len(errors_of(text.stderr)), "warnings": 0}
    value, key = document["problems"]
    assert value == {"severity": "error", "file": f"{EDITION}/figures.csv", "line": 4, "sheet": None, "cell": None,
                     "key": "c.part", "message": "clé « c.part » : valeur « 9 6 » n’est pas un nombre (un point pour "
                     "les décimales, sans espace)", "hint": "un pourcentage s’écrit de 0 à 100 avec un point, par "
                     "exemple 7.7 pour 7,7 %"}
    assert key["file"] == "layouts/pvd-chiffres-cles.yaml" and key["line"] == 15 and key["key"] == "c.signataire"
    assert key["hint"].startswith("vouliez-vous dire « c.signataires » ?")
    for problem in document["problems"]:
        assert f"Error: {problem['file']}:{problem['line']}: {problem['message']}" in text.stderr


def test_check_json_of_a_valid_edition_keeps_its_warnings_and_exit_0(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    with (project / EDITION / "figures.csv").open("a", encoding="utf-8") as handle:
        handle.write("c.libre,12,count,2022-02-01,ANCT,published,\n")
    result = run_cli("check", "--format", "json", cwd=project)
    assert result.code == 0 and result.stderr == ""
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["summary"] == {"errors": 0, "warnings": 1}
    assert document["problems"][0]["severity"] == "warning" and document["problems"][0]["key"] == "c.libre"


def test_check_json_of_a_project_that_cannot_be_read_is_still_json(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    result = run_cli("check", "--format", "json", "--edition", "2099-01", cwd=project)
    assert result.code == 1 and result.stderr == ""
    document = json.loads(result.stdout)
    assert document["edition"] is None and document["summary"] == {"errors": 1, "warnings": 0}
    assert document["problems"][0]["hint"] == "éditions disponibles : 2022-02"


# ---- the nearest name; one cause, one message ------------------------------------------------------------

LAYOUT = "layouts/pvd-chiffres-cles.yaml"
THEME = "layouts/themes/pvd.yaml"


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    (LAYOUT, "{type: chart, id: ch1, kind: line,", "{type: chrat, id: ch1, kind: line,",
     "layouts/pvd-chiffres-cles.yaml:17: type de bloc inconnu « chrat »\n  hint: vouliez-vous dire « chart » ?"),
    (LAYOUT, "series: [c.evol], target: c.cible, height: 60}", "series: [c.evol], target: c.cible, heigth: 60}",
     "layouts/pvd-chiffres-cles.yaml:17: bloc « ch1 » : option inconnue « heigth » pour chart\n"
     "  hint: vouliez-vous dire « height » ?"),
    (LAYOUT, "kind: hbar,", "kind: hbars,", "layouts/pvd-chiffres-cles.yaml:22: bloc « ch3 » : option « kind » : "
     "« hbars » n’est pas l’un de : line, bar, hbar, donut ; vouliez-vous dire « hbar » ?"),
    (LAYOUT, "series: [c.evol]", "series: [c.evo]", "bloc « ch1 » : la série « c.evo » n’est pas dans"),
    (LAYOUT, "**{c.signataires}** communes", "**{c.signataire}** communes",
     "bloc « t1 » : text : la clé « c.signataire » n’est pas dans"),
    (LAYOUT, "accent: coral", "accent: corail", "la couleur d’accent « corail » n’est pas une couleur du thème\n"
     "  hint: vouliez-vous dire « coral » ?"),
    (LAYOUT, "{c.montant:compact}", "{c.montant:compacte}", "style inconnu « compacte » ; styles possibles : compact, "
     "month, bare, national ; vouliez-vous dire « compact » ?"),
    (THEME, "  body: 9.5", "  bodi: 9.5", "layouts/themes/pvd.yaml:37: sizes : taille inconnue « bodi »\n"
     "  hint: vouliez-vous dire « body » ?"),
    (THEME, "chart_palette: [blue,", "chart_palette: [bleu,", "chart_palette nomme une couleur inconnue : « bleu »\n"
     "  hint: vouliez-vous dire « blue » ?"),
    (f"{EDITION}/figures.csv", "c.part,96,percent", "c.part,96,pourcent",
     f"{EDITION}/figures.csv:4: clé « c.part » : unité inconnue « pourcent »\n  hint: vouliez-vous dire « percent » ?"),
    (f"{EDITION}/edition.yaml", "  shares:", "  share:", f"{EDITION}/edition.yaml:8: checks: groupe inconnu ou mal "
     "formé « share »\n  hint: vouliez-vous dire « shares » ?"),
    ("bulletin.toml", "layout =", "layuot =", "bulletin.toml:2: réglage inconnu « layuot » : vouliez-vous dire "
     "« layout » ?"),
])
def test_a_misspelt_name_gets_the_nearest_one_in_a_single_message(file: str, old: str, new: str, expected: str,
                                                                  tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    replace_in_file(project / file, old, new)
    result = run_cli("check", cwd=project)
    assert result.code == 1
    assert len(errors_of(result.stderr)) == 1, result.stderr  # one cause, one message
    assert expected in result.stderr, result.stderr


@pytest.mark.parametrize(("break_it", "expected"), [
    (lambda p: (p / EDITION / "figures.csv").unlink(), f"Error: {EDITION}/figures.csv: fichier introuvable"),
    (lambda p: replace_in_file(p / EDITION / "figures.csv", "key,value,unit", "cle,value,unit"),
     f"Error: {EDITION}/figures.csv:1: colonnes manquantes : key ; colonnes inconnues : « cle »"),
    (lambda p: (p / EDITION / "series.csv").write_bytes(b""), f"Error: {EDITION}/series.csv: le fichier est vide"),
    (lambda p: (p / THEME).unlink(), f"Error: {THEME}: fichier introuvable"),
    (lambda p: (p / LAYOUT).write_text("document: [\n", encoding="utf-8"), f"Error: {LAYOUT}:2: YAML invalide"),
    (lambda p: replace_in_file(p / EDITION / "edition.yaml", "reference_population: p.communes",
                               "reference_population: p.commune"),
     f"Error: {EDITION}/edition.yaml:4: reference_population : « p.commune » n’est pas une clé de figures.csv"),
])
def test_one_root_cause_gives_one_message(break_it, expected: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project(tmp_path / "projet")
    break_it(project)
    result = run_cli("check", cwd=project)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert len(errors_of(result.stderr)) == 1, result.stderr
    assert errors_of(result.stderr)[0].startswith(expected), result.stderr


# ---- watch: a real process, fed changes, stopped ----------------------------------------------------------

def _wait(predicate, what: str, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)


def _png_differs(a: bytes, b: bytes, tmp_path: Path) -> bool:
    (tmp_path / "a.png").write_bytes(a)
    (tmp_path / "b.png").write_bytes(b)
    with Image.open(tmp_path / "a.png") as one, Image.open(tmp_path / "b.png") as other:
        return ImageChops.difference(one.convert("L"), other.convert("L")).getbbox() is not None


def test_watch_rebuilds_the_preview_after_each_change_reports_errors_and_stops_on_sigterm(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    figures = project / EDITION / "figures.csv"
    page = project / "out" / "apercu" / "page-01.png"
    out, err = (tmp_path / "stdout.txt").open("w"), (tmp_path / "stderr.txt").open("w")
    process = subprocess.Popen([sys.executable, str(ROOT / "make_bulletin.py"), "watch", "--output", "out/apercu",
                                "--interval", "0.2"], cwd=project, stdout=out, stderr=err,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    stdout = lambda: (tmp_path / "stdout.txt").read_text(encoding="utf-8")  # noqa: E731
    stderr = lambda: (tmp_path / "stderr.txt").read_text(encoding="utf-8")  # noqa: E731
    try:
        _wait(lambda: "Surveillance de" in stdout(), "the first preview")
        assert "première construction" in stdout() and page.is_file(), stdout() + stderr()
        first = page.read_bytes()

        replace_in_file(figures, "11246951.27", "9876543.21")  # the amount of key figure k2, on page 1
        _wait(lambda: stdout().count("Aperçu à jour") == 2, "the rebuild after a change")
        assert "modifié : figures.csv : reconstruction de l’aperçu" in stdout()
        second = page.read_bytes()
        assert _png_differs(first, second, tmp_path)

        replace_in_file(figures, "9876543.21", "98 76")  # a mistake: reported, the watch goes on
        _wait(lambda: "Error: " in stderr(), "the error")
        assert f"Error: {EDITION}/figures.csv:5: clé « c.montant »" in stderr()
        _wait(lambda: "Aperçu non reconstruit" in stdout(), "the message after the error")
        assert process.poll() is None and page.read_bytes() == second

        replace_in_file(figures, "98 76", "11246951.27")
        _wait(lambda: stdout().count("Aperçu à jour") == 3, "the rebuild after the fix")
        assert not _png_differs(first, page.read_bytes(), tmp_path)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        out.close()
        err.close()
    assert code == 0, stderr()
    assert stdout().rstrip().endswith("Surveillance arrêtée (SIGTERM).")
    assert "Traceback" not in stderr()
    assert sorted(p.name for p in (project / "out").iterdir()) == ["apercu"]  # no temporary file left
    assert sorted(p.name for p in page.parent.iterdir()) == ["page-01.png"]


def test_watch_refuses_an_impossible_interval(tmp_path: Path) -> None:
    project = make_project(tmp_path / "projet")
    for interval in ("0", "nan", "-1", "100000"):
        result = run_cli("watch", "--interval", interval, cwd=project)
        assert result.code == 1 and errors_of(result.stderr)[0].startswith("Error: --interval: « "), result.stderr
    assert not (project / "out").exists()
