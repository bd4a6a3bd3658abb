"""One batch for all: ``build --territories all --draft`` on the February 2022 edition with the generated register
of the real 1 606 communes (FICTITIOUS indicators, made in a temporary folder) and the ANCT outlines.

The 115 editions are built once per test session, through the command line as a user runs it, and every
assertion below reads the real PDFs: one edition per territory with communes, each with its map and its
commune table, counts that add up to the national figures, « données fictives » everywhere, and editions
built in a worker after others byte-identical to the same edition built alone. Smaller tests on the mini
fixture cover a failing territory, check, and the options.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, CliResult, run_cli
from pdfread import page_texts, structure_elements
from territories import edition_with_generated_register, needs_territoires, project_toml

MINI = ROOT / "tests" / "fixtures" / "territoires-mini"
REMOVED = ["Paris (75)", "Hauts-de-Seine (92)", "Seine-Saint-Denis (93)", "Val-de-Marne (94)"]


def normal(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[Path, CliResult]:
    """The 115 territorial editions, built once per test session: (their folder, the CLI result). Under
    pytest-xdist the workers share the session's temporary folder: the first to ask builds, under a lock,
    and the others read what it built."""
    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if hasattr(request.config, "workerinput") else shared  # pytest-N/: this session's only
    project = shared / "territoires-115"
    with (shared / "territoires-115.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = project / "resultat.json"
        if not done.is_file():
            edition_with_generated_register(project / "editions" / "2022-02")
            project_toml(project, project / "editions")
            result = run_cli("build", "--edition", "2022-02", "--territories", "all", "--draft", cwd=project)
            done.write_text(json.dumps([result.code, result.stdout, result.stderr]), encoding="utf-8")
        code, stdout, stderr = json.loads(done.read_text(encoding="utf-8"))
    return project / "out", CliResult(code, stdout, stderr)


@pytest.fixture(scope="session")
def covers(batch) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """territory (dep-58, reg-27) → the text of its PDF's first page."""
    folder, _ = batch
    return {path.stem.split("2022-02-")[1]: normal(page_texts(path)[0]) for path in sorted(folder.glob("*.pdf"))}


@needs_territoires
def test_every_territory_with_communes_gets_an_edition_and_the_summary_says_so(batch) -> None:  # type: ignore[no-untyped-def]
    folder, result = batch
    assert result.code == 0, result.stderr
    names = sorted(p.name for p in folder.glob("*.pdf"))
    assert len(names) == 115 and "pvd-chiffres-cles-2022-02-dep-58.pdf" in names and \
        "pvd-chiffres-cles-2022-02-reg-27.pdf" in names and "pvd-chiffres-cles-2022-02-dep-75.pdf" not in names
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("115 édition(s) territoriale(s) construite(s) (97 départements, 18 régions) : ")
    assert "; 0 en échec." in summary and all(name in summary for name in REMOVED)
    assert len([line for line in result.stdout.splitlines() if line.startswith("Écrit : ")]) == 115
    assert "\r" not in result.stderr and "Traceback" not in result.stderr  # no progress when not a terminal


@needs_territoires
def test_each_edition_has_its_map_and_its_commune_table_and_says_donnees_fictives(batch) -> None:  # type: ignore[no-untyped-def]
    folder, _ = batch
    for path in sorted(folder.glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            elements = structure_elements(pdf)
            maps = [str(e.Alt) for e in elements if str(e.S) == "/Figure" and str(e.Alt).startswith("Carte — ")]
            assert len(maps) == 1 and "En évidence : " in maps[0], path.name
            assert sum(str(e.S) == "/Table" for e in elements) == 1, path.name
            # what a screen reader hears of a chart says what the page prints beside it: « données fictives »
            alts = [str(e.Alt) for e in elements if str(e.S) == "/Figure"]
            assert not any("illustratives" in alt for alt in alts), path.name
            assert sum(alt.endswith("Données fictives.") for alt in alts) >= 2, path.name
    for territory, text in batch_texts(folder, ["dep-58", "reg-27", "dep-976"]):
        assert "Données fictives : indicateurs générés pour les essais" in text, territory
        assert "Indicateurs : données fictives." in text and "BROUILLON" in text


def batch_texts(folder: Path, territories: list[str]) -> Iterator[tuple[str, str]]:
    for territory in territories:
        yield territory, normal(" ".join(page_texts(folder / f"pvd-chiffres-cles-2022-02-{territory}.pdf")))


def cover_count(text: str, label: str) -> int:
    """The number printed before a cover label (« 18 communes ont signé… », « 1 commune a signé… »)."""
    match = re.search(r"(\d[\d ]*) " + label, text)
    assert match, (label, text[:400])
    return int(match.group(1).replace(" ", ""))


@needs_territoires
@pytest.mark.parametrize("kind", ["dep", "reg"])
def test_territorial_counts_add_up_to_the_national_ones(covers: dict[str, str], kind: str) -> None:
    texts = [text for territory, text in covers.items() if territory.startswith(kind)]
    assert len(texts) == {"dep": 97, "reg": 18}[kind]
    national = {"communes? (?:ont|a) signé": 1579, "communes? (?:ont|a) (?:leur|son) chef de projet": 1063,
                "communes? PVD (?:sont|est) engagées? dans une opération": 127}
    for label, total in national.items():
        assert sum(cover_count(text, label) for text in texts) == total, label
    # The programme's communes: the register lists 1 606 of them (the typed 1 646 include 40 communes
    # that joined after the list of January 2021, whose territory the register does not know).
    assert sum(cover_count(text, "communes? du territoire dans le programme") for text in texts) == 1606
    assert all("France : 96 %" in text and "France : 1 063 communes" in text for text in texts)


@needs_territoires
def test_the_commune_tables_list_every_commune_of_the_register_once(batch) -> None:  # type: ignore[no-untyped-def]
    folder, _ = batch
    found: list[str] = []
    for path in sorted(folder.glob("*-dep-*.pdf")):
        found += re.findall(r"\b(\d[0-9AB]\d{3}) ", " ".join(page_texts(path)))
    with (folder.parent / "editions" / "2022-02" / "registre-fictif.csv").open(encoding="utf-8") as handle:
        listed = {line.split(",")[0] for line in handle.read().splitlines()[1:]}
    assert len(listed) == 1606 and set(found) >= listed


@needs_territoires
@pytest.mark.parametrize("territory", ["dep:58", "reg:76", "dep:976"])
def test_an_edition_built_in_a_worker_after_others_equals_it_built_alone(batch, territory: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, _ = batch
    project = folder.parent
    alone = tmp_path / "alone.pdf"
    result = run_cli("build", "--edition", "2022-02", "--territory", territory, "--draft", "--output", alone, cwd=project)
    assert result.code == 0, result.stderr
    assert alone.read_bytes() == (folder / f"pvd-chiffres-cles-2022-02-{territory.replace(':', '-')}.pdf").read_bytes()


# ------------------------------------------------------------------------------------------------ mini fixture


def mini_copy(tmp_path: Path, long_name_in: str = "") -> tuple[Path, Path]:
    """A copy of the FICTITIOUS mini edition and its layout; ``long_name_in``: a département whose first commune
    gets a name no table column can hold (a fit error only the editions of that territory meet)."""
    shutil.copytree(MINI / "2022-02", tmp_path / "2022-02")
    layout = tmp_path / "layout.yaml"
    layout.write_text((MINI / "layout.yaml").read_text(encoding="utf-8").replace("../../../layouts",
                                                                                str(ROOT / "layouts")), encoding="utf-8")
    if long_name_in:
        communes = tmp_path / "2022-02" / "communes.csv"
        text = communes.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith(long_name_in))
        name = line.split(",")[1]
        communes.write_text(text.replace(line, line.replace(name, "Saint-" + "x" * 260)), encoding="utf-8")
    return tmp_path / "2022-02", layout


def test_a_territory_that_fails_is_reported_and_the_others_are_built(tmp_path: Path) -> None:
    edition, layout = mini_copy(tmp_path, long_name_in="35901")
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--territories", "all", "--jobs", "2",
                     "--output", tmp_path / "out")
    assert result.code == 1 and "Traceback" not in result.stderr
    built = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert built == ["layout-2022-02-dep-21.pdf", "layout-2022-02-dep-58.pdf", "layout-2022-02-reg-27.pdf"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert [e.split(" : ")[0] for e in errors] == ["Error: édition dep:35 (Ille-et-Vilaine (35))",
                                                   "Error: édition reg:53 (Région Bretagne)"]
    assert all(f"{layout}:40: bloc « communes » (communes) : débordement de " in e
               and e.endswith(" mm : une cellule du tableau des communes")
               for e in errors)
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("3 édition(s) territoriale(s) construite(s) (2 départements, 1 régions) : 6 pages")
    assert summary.endswith("; 2 en échec (dep:35, reg:53). 114 territoires sans commune dans le registre n’ont "
                            "pas d’édition.")


def test_check_of_every_territory_agrees_with_build(tmp_path: Path) -> None:
    edition, layout = mini_copy(tmp_path, long_name_in="58902")
    result = run_cli("check", "--data-dir", edition, "--layout", layout, "--territories", "departements")
    assert result.code == 1 and not list(tmp_path.rglob("*.pdf"))
    assert [line.split(" : ")[0] for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        "Error: édition dep:58 (Nièvre (58))"]
    assert result.stdout.splitlines()[-1].startswith("2 édition(s) territoriale(s) vérifiée(s) (2 départements, 0 régions)")


def test_a_national_register_that_disagrees_stops_the_batch_before_any_build(tmp_path: Path) -> None:
    edition, layout = mini_copy(tmp_path)
    figures = edition / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("ort.communes_engagees,3,", "ort.communes_engagees,4,"),
                       encoding="utf-8")
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--territories", "all", "--output",
                     tmp_path / "out")
    assert result.code == 1 and not (tmp_path / "out").exists()
    assert f"Error: {figures}:7: « ort.communes_engagees » vaut 4 dans figures.csv mais 3 d’après le registre" \
        in result.stderr


@pytest.mark.parametrize(("args", "code", "expected"), [
    (("--territories", "all", "--jobs", "0"), 1, "Error: --jobs: --jobs 0 : il faut de 1 à 32 processus"),
    (("--jobs", "2"), 2, "Error: --jobs: ne sert qu’avec --territories\n  hint: ajoutez --territories, ou retirez "
                         "--jobs"),
    (("--territories", "all", "--output", "out/tout.pdf"), 2, "Error: --output: avec --territories, c’est le dossier "
                                                               "des PDF, pas un fichier : out/tout.pdf"),
])
def test_bad_jobs_are_refused(args: tuple[str, ...], code: int, expected: str, tmp_path: Path) -> None:
    result = run_cli("build", "--data-dir", MINI / "2022-02", "--layout", MINI / "layout.yaml",
                     *(args if "--output" in args else (*args, "--output", tmp_path / "out")), cwd=tmp_path)
    assert result.code == code and expected in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_a_batch_worker_builds_from_the_parents_figures_without_pandas(tmp_path: Path) -> None:
    """The parent computes every territory's figures once (pandas); a worker that is handed them builds its
    territory without ever importing pandas, which would cost it about 45 MB (issue 12: ≤ 100 MB a worker)."""
    import pickle
    import subprocess
    import sys

    from bulletin.build import BuildRequest
    from bulletin.data.edition import load_edition
    from bulletin.territorial.scope import precompute, territory_of

    edition = MINI / "2022-02"
    shipped = tmp_path / "figures.pickle"
    shipped.write_bytes(pickle.dumps(precompute(edition, load_edition(edition), [territory_of("dep:58")])))
    request = BuildRequest(edition, MINI / "layout.yaml", None, out_dir=tmp_path)
    script = (
        "import pickle, sys\n"
        "from bulletin.territorial.batch import _start_worker, make_edition\n"
        f"_start_worker(*pickle.loads(open({str(shipped)!r}, 'rb').read()))\n"
        f"outcome = make_edition(pickle.loads({pickle.dumps(request)!r}), 'dep:58')\n"
        "print(outcome.failed, outcome.pages, 'pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", done.stdout.split()[1], "False"] and int(done.stdout.split()[1]) >= 2
