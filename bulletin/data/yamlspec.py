"""Read YAML keeping the line of every mapping and of every key.

Input: a YAML file. Output: plain dicts and lists, where each dict is a :class:`Located`
dict that remembers its own line and the line of each of its keys, so that specs built from
it can point errors at ``layout.yaml:42``. The file must be a regular file of bounded size;
anchors and aliases (``&x`` / ``*x``, the « billion laughs ») and repeated keys are refused
with their line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bulletin.errors import LayoutError, Problem, Where
from bulletin.files import read_input


class Located(dict):  # type: ignore[type-arg]
    """A mapping read from YAML, with ``line`` and ``key_lines`` (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)

    @classmethod
    def empty(cls, line: int = 0) -> Located:
        """An empty mapping standing at ``line`` (for a section absent from the file)."""
        mapping = cls()
        mapping.line, mapping.key_lines = line, {}
        return mapping


# libyaml's loader parses a layout about ten times faster than the pure-Python one; both keep marks.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe loader whose mappings are :class:`Located`."""


class _BadKey(yaml.constructor.ConstructorError):
    """A key written twice in one mapping (YAML loaders silently keep the last one), or a key that is a list or a
    mapping (« {a: 1}: x »); ``hint`` says what to write instead."""

    def __init__(self, message: str, hint: str, mark: yaml.Mark) -> None:
        super().__init__(None, None, message, mark)
        self.hint = hint


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):  # PyYAML's own « unhashable key » check, which this constructor replaces
            raise _BadKey("une clé est une liste ou un tableau {…}", "écrivez un nom avant les deux-points",
                          key_node.start_mark)
        if key in mapping:
            first = mapping.key_lines.get(str(key), mapping.line)
            raise _BadKey(f"la clé « {key} » est répétée (déjà ligne {first})", "écrivez chaque clé une seule fois",
                          key_node.start_mark)
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
        text = read_input(path, "yaml", error).decode("utf-8")
    except UnicodeDecodeError:
        raise error(Problem(Where(path), "ce n’est pas un texte UTF-8", "enregistrez le fichier en UTF-8")) from None
    try:
        if "&" in text:  # an alias needs an anchor: without « & », no event scan is needed
            _refuse_anchors(path, text, error)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except _BadKey as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise error(Problem(Where(path, line), str(exc.problem), exc.hint)) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        column = f", colonne {exc.problem_mark.column + 1}" if exc.problem_mark else ""
        raise error(Problem(Where(path, line), f"YAML invalide{column} : {yaml_problem(str(exc.problem))}",
                            "vérifiez l’indentation (des espaces, pas de tabulation), les deux-points et les guillemets")
                    ) from None
    except yaml.YAMLError:  # e.g. a control character the YAML reader refuses
        raise error(Problem(Where(path), "YAML invalide : caractère de contrôle",
                            "retirez les caractères de contrôle (copiés d’un autre logiciel)")) from None


YAML_PROBLEMS = (("mapping values are not allowed", "deux-points inattendu (une valeur qui contient « : » "
                  "s’écrit entre guillemets)"),
                 ("expected <block end>", "indentation incohérente"),
                 ("unexpected end of stream", "guillemet ouvert jamais fermé"),
                 ("character '\\t'", "tabulation (indentez avec des espaces)"),
                 ("cannot start any token", "caractère qui ne peut pas commencer une valeur (mettez-la entre guillemets)"),
                 ("expected ',' or ']'", "liste [ … ] jamais fermée"),
                 ("expected ',' or '}'", "accolade { … } jamais fermée"),
                 ("unknown escape character", "séquence « \\ » inconnue entre guillemets doubles (utilisez des "
                  "guillemets simples)"),
                 ("undefined alias", "alias « *nom » sans ancre"),
                 ("could not determine a constructor", "étiquette « !! » refusée"),
                 ("could not find expected ':'", "deux-points manquant après une clé"),
                 ("unhashable key", "clé qui n’est pas un simple texte"))


def yaml_problem(english: str) -> str:
    """The YAML reader's problem, in French."""
    return next((french for found, french in YAML_PROBLEMS if found in english), "syntaxe incorrecte")


def _refuse_anchors(path: Path, text: str, error: Any) -> None:
    """Anchors and aliases let a few lines stand for gigabytes of text (« billion laughs »): refused."""
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise error(Problem(Where(path, event.start_mark.line + 1 if event.start_mark else None),
                                "ancre ou alias YAML (« &nom » / « *nom ») refusé",
                                "recopiez la valeur au lieu d’y faire référence"))
