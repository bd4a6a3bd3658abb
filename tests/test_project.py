"""The project file ``bulletin.toml``, ``--theme``, ``init``, and a non-editable install that works
outside the checkout."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import EDITION, ROOT, run_cli
from pdfread import page_texts

from bulletin.project import TEMPLATE


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project written by ``init`` (from the checkout's own layouts, fonts and edition)."""
    folder = tmp_path / "projet"
    result = run_cli("init", folder, cwd=tmp_path)
    assert result.code == 0, result.stderr
    return folder


def test_the_checkout_describes_its_defaults_in_bulletin_toml() -> None:
    assert (ROOT / "bulletin.toml").read_text(encoding="utf-8") == TEMPLATE


def test_init_writes_a_working_project_with_fonts_and_licences(project: Path) -> None:
    names = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    assert {"bulletin.toml", "layouts/pvd-chiffres-cles.yaml", "layouts/themes/pvd.yaml", "layouts/pvd-mail.yaml",
            "fonts/NotoSans-Regular.ttf", "fonts/OFL.txt", "fonts/DejaVu-LICENSE.txt",
            "data/editions/2022-02/figures.csv", "data/editions/2022-02/series.csv",
            "data/editions/2022-02/edition.yaml"} <= names
    assert (project / "data/editions/2022-02/figures.csv").read_bytes() == (EDITION / "figures.csv").read_bytes()
    assert oct(project.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_commands_find_the_project_from_any_subfolder(project: Path, default_pdf: Path) -> None:
    deep = project / "data" / "editions" / "2022-02"
    result = run_cli("build", cwd=deep.parent)
    assert result.code == 0, result.stderr
    pdf = project / "out" / "pvd-chiffres-cles-2022-02.pdf"
    assert pdf.is_file() and not (deep.parent / "out").exists()
    with pikepdf.open(pdf) as document, pikepdf.open(default_pdf) as expected:
        assert len(document.pages) == len(expected.pages)  # the same edition as built in the checkout


def test_archive_and_send_agree_on_the_archive_from_different_folders(project: Path, tmp_path: Path) -> None:
    """The issue: `send` from another folder said « not archived », archive/ followed the current folder."""
    assert run_cli("archive", "--edition", "2022-02", cwd=project).code == 0
    assert (project / "archive" / "2022-02").is_dir()
    manifest = json.loads((project / "archive" / "2022-02" / "manifest.json").read_text(encoding="utf-8"))
    lock = hashlib.sha256((ROOT / "requirements.lock").read_bytes()).hexdigest()
    assert manifest["versions"]["requirements.lock"] == f"sha256:{lock}"
    recipients = tmp_path / "partenaires.csv"
    recipients.write_text("email,name,organisation\nmaire@exemple.fr,Maire,Commune\n", encoding="utf-8")
    sent = run_cli("send", "--edition", "2022-02", "--recipients", recipients, cwd=project / "layouts" / "themes")
    assert sent.code == 0, sent.stderr
    assert len(list((project / "out" / "mail" / "2022-02").glob("*.eml"))) == 1


def test_command_line_options_win_over_the_project_file(project: Path, tmp_path: Path) -> None:
    (project / "bulletin.toml").write_text(TEMPLATE.replace('out = "out"', 'out = "sorties"'), encoding="utf-8")
    assert run_cli("build", cwd=project).code == 0
    assert (project / "sorties" / "pvd-chiffres-cles-2022-02.pdf").is_file()
    elsewhere = tmp_path / "ailleurs.pdf"
    assert run_cli("build", "--output", elsewhere, cwd=project).code == 0
    assert elsewhere.is_file()


def test_project_paths_are_relative_to_the_project_file(project: Path, tmp_path: Path) -> None:
    (project / "data").rename(project / "donnees")
    (project / "bulletin.toml").write_text(TEMPLATE.replace("data/editions", "donnees/editions"), encoding="utf-8")
    result = run_cli("check", cwd=project / "layouts")
    assert result.code == 0, result.stderr
    assert "donnees/editions/2022-02" in result.stdout


def test_theme_option_replaces_the_layouts_theme(project: Path, tmp_path: Path) -> None:
    theme = project / "layouts" / "themes" / "pvd.yaml"
    other = project / "layouts" / "themes" / "grand.yaml"
    other.write_text(theme.read_text(encoding="utf-8").replace("key_large: 30", "key_large: 34"), encoding="utf-8")
    normal, bigger = tmp_path / "normal.pdf", tmp_path / "grand.pdf"
    assert run_cli("build", "--output", normal, cwd=project).code == 0
    result = run_cli("build", "--theme", other, "--output", bigger, cwd=project)
    assert result.code == 0, result.stderr
    assert normal.read_bytes() != bigger.read_bytes()
    assert page_texts(normal) == page_texts(bigger)  # same words, other sizes
    other.write_text(other.read_text(encoding="utf-8").replace("margin_left: 15", "margin_left: abc"), encoding="utf-8")
    for command in ("check", "build", "preview", "archive"):
        broken = run_cli(command, "--theme", other, cwd=project)
        assert broken.code == 1 and f"{other}:5: margin_left" in broken.stderr, (command, broken.stderr)
    assert not (project / "archive").exists()


def test_pip_install_then_init_then_build_outside_the_checkout(tmp_path: Path, default_pdf: Path) -> None:
    """A non-editable install in a fresh virtual environment brings its layouts, theme, fonts and example."""
    source = tmp_path / "source"
    top_level = {".venv", ".git", "out", "archive", "build"}  # only at the top: bulletin/publish/archive/ is code
    anywhere = shutil.ignore_patterns("*.egg-info", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                                      ".hypothesis")
    shutil.copytree(ROOT, source, ignore=lambda folder, names: set(anywhere(folder, names)) | (
        top_level & set(names) if Path(folder) == ROOT else set()))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", str(source)], capture_output=True, text=True, env=env)
    assert install.returncode == 0, install.stderr
    shutil.rmtree(source)  # nothing may come from the source tree any more
    bulletin = str(venv / "bin" / "bulletin")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import bulletin; print(bulletin.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert str(venv) in where.stdout
    init = subprocess.run([bulletin, "init", str(tmp_path / "x")], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    built = subprocess.run([bulletin, "build"], capture_output=True, text=True, env=env, cwd=tmp_path / "x")
    assert built.returncode == 0, built.stderr
    pdf = tmp_path / "x" / "out" / "pvd-chiffres-cles-2022-02.pdf"
    texts = page_texts(pdf)
    assert texts == page_texts(default_pdf)  # the same bulletin as the checkout's, page for page
