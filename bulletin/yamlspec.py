"""Read YAML keeping the line of every mapping and of every key.

Input: a YAML file. Output: plain dicts and lists, where each dict is a :class:`Located`
dict that remembers its own line and the line of each of its keys, so that specs built from
it can point errors at ``layout.yaml:42``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bulletin.errors import LayoutError, Problem, Where


class Located(dict):  # type: ignore[type-arg]
    """A mapping read from YAML, with ``line`` and ``key_lines`` (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


# libyaml's loader parses a layout about ten times faster than the pure-Python one; both keep marks.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe loader whose mappings are :class:`Located`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> object:
    """A date; an impossible one (2022-02-31) stays text, so validation reports it with its line."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)  # type: ignore[arg-type]


def load_yaml(path: Path, error: type[LayoutError] | Any = LayoutError) -> Any:
    """Parse ``path``; a missing file or a syntax error raises ``error`` naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(Problem(Where(path), f"cannot read file: {exc.strerror}")) from None
    except UnicodeDecodeError:
        raise error(Problem(Where(path), "not UTF-8 text", "save the file as UTF-8")) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise error(
            Problem(Where(path, line), f"invalid YAML: {exc.problem}", "check indentation and quotes")
        ) from None
    except yaml.YAMLError as exc:  # e.g. a control character the YAML reader refuses
        raise error(Problem(Where(path), f"invalid YAML: {exc}", "remove control characters")) from None
