"""Helpers for the territorial tests: the real shared data, and editions made with a commune register.

The real data (../shared/data/territoires/: the PVD list of January 2021 and the ANCT outlines) is
never copied into the repository: tests read it in place, or skip with the reason when it is absent.
The indicators of the generated register are FICTITIOUS (fixed seed), made in temporary folders only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulletin.data.edition import load_edition
from bulletin.register.generate import generate_register, targets_from_edition

ROOT = Path(__file__).resolve().parent.parent
EDITION = ROOT / "data" / "editions" / "2022-02"
TERRITOIRES = ROOT.parent / "shared" / "data" / "territoires"
COMMUNES = TERRITOIRES / "pvd-communes-2021.csv"
DEPARTEMENTS = TERRITOIRES / "departements-fr-drom.geojson"
REGIONS = TERRITOIRES / "regions-fr-drom.geojson"
MINI_REGISTER = ROOT / "tests" / "fixtures" / "registre-mini"
needs_territoires = pytest.mark.skipif(
    not all(p.is_file() for p in (COMMUNES, DEPARTEMENTS, REGIONS)),
    reason=f"real territorial data absent: {TERRITOIRES} (see its README)")


def edition_with_generated_register(folder: Path) -> Path:
    """A copy of the February 2022 edition in ``folder`` with the generated (fictitious) register of the real
    1 606 communes beside it; returns the edition folder."""
    shutil.copytree(EDITION, folder)
    generate_register(COMMUNES, folder, targets_from_edition(load_edition(EDITION)))
    return folder


def project_toml(folder: Path, editions: Path, outlines: bool = True, **settings: str) -> Path:
    """A bulletin.toml in ``folder`` naming the editions, the checkout's layout and, if asked, the real outlines."""
    lines = [f'editions = "{editions}"', f'layout = "{ROOT / "layouts" / "pvd-chiffres-cles.yaml"}"',
             f'mail = "{ROOT / "layouts" / "pvd-mail.yaml"}"', 'out = "out"', 'archive = "archive"']
    if outlines:
        lines += [f'outlines_departements = "{DEPARTEMENTS}"', f'outlines_regions = "{REGIONS}"']
    lines += [f'{key} = "{value}"' for key, value in settings.items()]
    path = folder / "bulletin.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
