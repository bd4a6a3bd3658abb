"""The docs are tested too: every command, block type, option, unit and status is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bulletin.cli import make_parser
from bulletin.data.edition import STATUSES, UNITS, load_edition
from bulletin.layout_spec import BLOCK_OPTIONS, read_layout
from bulletin.data.validate import validate

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LAYOUT_REFERENCE = ROOT / "docs" / "layout-reference.md"
DATA_FORMAT = ROOT / "docs" / "data-format.md"
EDITION = ROOT / "data" / "editions" / "2022-02"


def sections(markdown: str) -> dict[str, str]:
    """Level-2 sections of a Markdown text: heading line (without ``## ``) -> body."""
    found: dict[str, str] = {}
    parts = re.split(r"^## (.+)$", markdown, flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        found[heading.strip()] = body
    return found


def yaml_examples(markdown: str) -> list[str]:
    """The bodies of the ```yaml fenced blocks."""
    return re.findall(r"^```yaml\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)


def subcommands() -> list[str]:
    """Names of the sub-commands of the real argument parser."""
    parser = make_parser()
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert actions, "make_parser() has no sub-commands"
    return sorted(actions[0].choices)  # type: ignore[attr-defined]


@pytest.mark.parametrize("block_type", sorted(BLOCK_OPTIONS))
def test_every_block_type_has_a_section_naming_every_option(block_type: str) -> None:
    found = sections(LAYOUT_REFERENCE.read_text(encoding="utf-8"))
    heading = f"`{block_type}`"
    assert heading in found, f"docs/layout-reference.md has no section '## {heading}'"
    body = found[heading]
    for name, option in BLOCK_OPTIONS[block_type].items():
        assert f"`{name}`" in body, f"option {name!r} of {block_type} is not documented in its section"
        for choice in option.choices:
            assert f"`{choice}`" in body, f"choice {choice!r} of {block_type}.{name} is not documented"
    assert "```yaml" in body, f"the {block_type} section has no YAML example"


@pytest.mark.parametrize("command", subcommands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"make_bulletin.py {command}" in README.read_text(encoding="utf-8")


def test_every_option_of_every_command_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    parser = make_parser()
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    missing = [f"{name} {option}" for name, sub in actions[0].choices.items()  # type: ignore[attr-defined]
               for action in sub._actions for option in action.option_strings
               if option.startswith("--") and option != "--help" and option not in readme]
    assert not missing, f"options not documented in README.md: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    head = "\n".join(README.read_text(encoding="utf-8").splitlines()[:15])
    assert "make bulletin" in head and "make test" in head


def test_readme_images_exist() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README.read_text(encoding="utf-8"))
    assert "docs/images/page-01.png" in images
    for image in images:
        assert (ROOT / image).is_file(), f"README shows {image}, which does not exist"


@pytest.mark.parametrize("word", [*UNITS, *STATUSES])
def test_every_unit_and_status_is_documented(word: str) -> None:
    assert f"`{word}`" in DATA_FORMAT.read_text(encoding="utf-8")


def test_layout_reference_yaml_examples_parse() -> None:
    examples = yaml_examples(LAYOUT_REFERENCE.read_text(encoding="utf-8"))
    assert len(examples) >= len(BLOCK_OPTIONS)
    for example in examples:
        yaml.safe_load(example)


def as_layout(example: str) -> str | None:
    """A whole layout made of a YAML example: a list of blocks goes on one page; None if not a layout."""
    data = yaml.safe_load(example)
    if isinstance(data, dict) and ("pages" in data or "sections" in data):
        return example
    if isinstance(data, list):
        wrapper = {"document": {"title": "Exemple"}, "pages": [{"section": "Exemple", "blocks": data}]}
        return yaml.safe_dump(wrapper, allow_unicode=True, sort_keys=False)
    return None


def test_layout_reference_examples_are_valid_against_the_real_edition(tmp_path: Path) -> None:
    edition = load_edition(EDITION)
    checked = 0
    for index, example in enumerate(yaml_examples(LAYOUT_REFERENCE.read_text(encoding="utf-8"))):
        text = as_layout(example)
        if text is None:
            continue
        path = tmp_path / f"example-{index}.yaml"
        path.write_text(text, encoding="utf-8")
        layout, problems = read_layout(path)
        problems += validate(edition, layout)
        errors = [str(p) for p in problems if not p.warning]
        assert not errors, f"example {index + 1} of docs/layout-reference.md:\n{example}\n" + "\n".join(errors)
        checked += 1
    assert checked >= len(BLOCK_OPTIONS)


OWN_DOCS = [README, ROOT / "CHANGELOG.md", ROOT / "docs" / "ARCHITECTURE.md", LAYOUT_REFERENCE, DATA_FORMAT,
            ROOT / "docs" / "project.md"]


@pytest.mark.parametrize("document", OWN_DOCS, ids=lambda p: p.name)
def test_relative_links_point_at_existing_files(document: Path) -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", document.read_text(encoding="utf-8"))
    broken = []
    for target in targets:
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        if not (document.parent / target.split("#", 1)[0]).exists():
            broken.append(target)
    assert not broken, f"{document.name} links to missing files: {broken}"
