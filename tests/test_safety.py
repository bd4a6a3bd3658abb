"""Untrusted dataset strings are drawn as literal text: no markup, no code, no unsafe link."""

from __future__ import annotations

from pathlib import Path

from conftest import replace_in_file, run_cli
from pdfread import flat, link_uris, page_texts


def cve_2023_33733_payload(marker: Path) -> str:
    """The published ReportLab rl_safe_eval escape, aimed at creating ``marker``."""
    code = f"os.system('touch {marker}')"
    return (
        "<para><font color=\"[ [ getattr(pow,Word('__globals__'))['os'].system('touch " + str(marker) + "') "
        "for Word in [orgTypeFun('Word', (str,), { 'mutated': 1, 'startswith': lambda self, x: False, "
        "'__eq__': lambda self,x: self.mutated and self.mutated-1 or self.mutated-1 or setattr(self, 'mutated', "
        "self.mutated-1), '__hash__': lambda self: hash(str(self)) })] ] for orgTypeFun in [type(type(1))] ] "
        f"and 'red'\">exploit {code}</font></para>"
    )


def test_markup_and_javascript_in_data_print_as_literal_text(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    marker = tmp_path / "exploited"
    payload = cve_2023_33733_payload(marker)
    with (edition / "figures.csv").open("a", encoding="utf-8") as handle:
        handle.write('t.payload,"' + payload.replace('"', '""') + '",text,2022-02-01,Test,published,\n')
    replace_in_file(edition / "figures.csv", "https://example.org/plateforme", "javascript:alert(1)")
    replace_in_file(layout, 'text: "MBC : marché"', 'text: "Texte : {t.payload}"')
    output = tmp_path / "out.pdf"

    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)

    assert result.code == 0, result.stderr
    assert "javascript:alert(1)" in result.stderr  # the warning names the unsafe link
    text = flat("".join(page_texts(output)))
    assert "javascript:alert(1)" in text
    assert "<para><font color=" in text and "getattr(pow,Word('__globals__'))" in text
    assert not marker.exists()
    assert all(not uri.lower().startswith("javascript") for _, uri in link_uris(output))
    assert link_uris(output) == []


def test_unsafe_literal_url_in_layout_is_an_error(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(layout, "{type: link, id: l1, figure: c.url,", "{type: link, id: l1, url: \"javascript:x()\",")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert "bloc « l1 » : l’adresse « javascript:x() » n’est ni http(s) ni mailto" in result.stderr
    assert "Traceback" not in result.stderr
