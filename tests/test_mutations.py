"""Property: whatever random damage is done to valid input, the tool answers 0 or 1, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.cli import main
from conftest import MINI, layout_copy

FILES = ("figures.csv", "series.csv", "edition.yaml", "layout.yaml")
NASTY = ",;\"'\n\r\t{}[]<>:*#&%€\u202f\u00a0-.0123456789aé\x00\x81"


@st.composite
def damage(draw: st.DrawFn) -> tuple[str, str, int, int, bytes]:
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["replace", "delete", "insert", "truncate", "duplicate-line"]))
    position = draw(st.integers(min_value=0, max_value=2000))
    length = draw(st.integers(min_value=1, max_value=40))
    payload = draw(st.text(alphabet=NASTY, min_size=1, max_size=12)).encode("utf-8", "surrogatepass")
    return name, kind, position, length, payload


def apply(data: bytes, kind: str, position: int, length: int, payload: bytes) -> bytes:
    at = position % (len(data) + 1)
    if kind == "replace":
        return data[:at] + payload + data[at + length:]
    if kind == "delete":
        return data[:at] + data[at + length:]
    if kind == "insert":
        return data[:at] + payload + data[at:]
    if kind == "truncate":
        return data[:at]
    lines = data.split(b"\n")
    line = lines[position % len(lines)]
    return b"\n".join(lines + [line])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damages=st.lists(damage(), min_size=1, max_size=3))
def test_random_damage_never_gives_a_traceback(damages: list[tuple[str, str, int, int, bytes]],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        edition = root / "edition"
        shutil.copytree(MINI, edition, ignore=shutil.ignore_patterns("layout.yaml"))
        layout = layout_copy(root, (MINI / "layout.yaml").read_text(encoding="utf-8"))
        for name, kind, position, length, payload in damages:
            path = layout if name == "layout.yaml" else edition / name
            path.write_bytes(apply(path.read_bytes(), kind, position, length, payload))
        output = root / "out.pdf"
        for command in (["check"], ["build", "--output", str(output)]):
            code = main([*command, "--data-dir", str(edition), "--layout", str(layout)])
            err = capsys.readouterr().err
            assert code in (0, 1)
            assert (code == 1) == ("Error: " in err), err
        assert output.exists() == (code == 0)
