"""Layout spec: the pages and blocks of a bulletin, parsed once from YAML.

Input: a layout YAML file (see ``docs/layout-reference.md``). Output: a frozen :class:`LayoutSpec`
whose every block remembers its file and line. Unknown block types or options, missing options
and malformed templates are reported all at once, with the valid choices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bulletin.errors import LayoutError, Problem, Where, closest, nearest, quoted, raise_if_errors
from bulletin.templates import Piece, TemplateSyntaxError, parse_template
from bulletin.data.yamlspec import Located, load_yaml

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class Option:
    """How one block option is read: its kind, whether required, its default and choices."""

    kind: str  # text | template | templates | color | key | keys | number | bool | choice | figures | columns | widths
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    doc: str = ""


# The block registry's option table: the single source for parsing and for docs tests.
BLOCK_OPTIONS: dict[str, dict[str, Option]] = {
    "heading": {
        "text": Option("template", True, doc="le texte du titre"),
        "level": Option("choice", default="2", choices=("1", "2"), doc="1 = taille d’un titre de page, 2 = intertitre"),
    },
    "key_figure": {
        "figure": Option("key", True, doc="la clé du chiffre affiché en grand"),
        "label": Option("template", default=(), doc="le texte sous le nombre"),
        "label_singular": Option("template", default=(), doc="le label quand le nombre vaut 0 ou 1 "
                                 "(« commune a signé sa convention ») : les territoires ont de tels nombres"),
        "prefix": Option("template", default=(), doc="les mots avant le nombre, par exemple « plus de »"),
        "size": Option("choice", default="large", choices=("large", "medium"), doc="la taille du nombre"),
        "format": Option("choice", default="exact", choices=("exact", "compact"),
                         doc="compact : « 11,2 M€ », le montant exact en petit"),
        "accent": Option("color", default=None, doc="la couleur du filet de la carte : un nom de couleur du thème "
                         "(par défaut : celle de la section)"),
        "panel": Option("bool", default=True, doc="le chiffre sur une carte claire (false : sans carte)"),
        "delta": Option("bool", default=False, doc="l’évolution depuis l’édition précédente (« +34 depuis janvier 2022 »)"),
        "national": Option("template", default=(), doc="éditions territoriales seulement : une ligne comparant "
                           "avec la France, "
                           "« France : {key:national} » (absente de l’édition nationale)"),
    },
    "text": {
        "text": Option("template", True, doc="des paragraphes ; ligne vide = nouveau paragraphe ; **gras**"),
        "style": Option("choice", default="body", choices=("body", "lead", "small"), doc="la taille du texte"),
        "panel": Option("bool", default=False, doc="un encadré sur fond clair"),
    },
    "chart": {
        "kind": Option("choice", True, choices=("line", "bar", "hbar", "donut"), doc="le type de graphique"),
        "height": Option("number", True, doc="la hauteur en millimètres"),
        "title": Option("template", default=(), doc="le titre au-dessus du graphique"),
        "series": Option("keys", default=(), doc="line : des noms de séries de series.csv"),
        "history": Option("keys", default=(), doc="line : des clés de chiffres suivis mois par mois dans les éditions précédentes"),
        "legend": Option("templates", default=(), doc="line : un libellé de légende par série"),
        "target": Option("key", default=None, doc="line : un chiffre tracé en ligne « cible » pointillée"),
        "figures": Option("figures", default=(), doc="bar/hbar/donut : une liste de {figure, label}"),
        "multi_answer": Option("bool", default=False, doc="les parts peuvent dépasser 100 % au total (plusieurs réponses)"),
        "description": Option("text", default="", doc="une alternative textuelle à la place de celle générée"),
        "table": Option("bool", default=False, doc="les nombres du graphique dans un petit tableau dessous"),
        "panel": Option("bool", default=True, doc="le graphique sur une carte claire, comme les chiffres clés (false : sans carte)"),
    },
    "link": {
        "text": Option("template", True, doc="le texte cliquable"),
        "figure": Option("key", default=None, doc="un chiffre d’unité url qui donne l’adresse"),
        "url": Option("text", default=None, doc="une adresse http(s) ou mailto écrite telle quelle"),
    },
    "note": {"text": Option("template", True, doc="une petite note grise")},
    "divider": {},
    "contents": {},
    "spacer": {"height": Option("number", True, doc="la hauteur en millimètres")},
    "image": {
        "path": Option("text", True, doc="un fichier PNG ou JPEG, relatif au fichier de mise en page"),
        "height": Option("number", True, doc="la hauteur en millimètres"),
        "alt": Option("text", True, doc="l’alternative textuelle"),
    },
    "map": {  # bulletin.maps.block: a choropleth of départements or régions, drawn from the commune register
        "outlines": Option("choice", True, choices=("departements", "regions"),
                           doc="les territoires dessinés (leurs contours GeoJSON viennent de bulletin.toml)"),
        "values": Option("text", default="communes",
                         doc="« communes » : les communes PVD par territoire ; ou un indicateur déclaré dans register.yaml"),
        "height": Option("number", True, doc="la hauteur en millimètres (titre, carte, légende et crédit)"),
        "title": Option("template", default=(), doc="le titre au-dessus de la carte"),
        "legend": Option("text", default="", doc="le titre de la légende (par défaut : ce que comptent les valeurs)"),
        "classes": Option("number", default=5, doc="le nombre de classes au plus, de 2 à 7 (hors zéro et « pas de donnée »)"),
        "method": Option("choice", default="natural", choices=("natural", "quantiles"),
                         doc="les bornes des classes : seuils naturels (Fisher–Jenks) ou quantiles, arrondis"),
        "highlight": Option("bool", default=True, doc="le contour du territoire de l’édition mis en évidence "
                            "(éditions territoriales)"),
        "description": Option("text", default="", doc="une alternative textuelle à la place de celle générée"),
    },
    "communes": {  # bulletin.blocks.communes: the table of the territory's communes, flowing over pages
        "indicators": Option("indicators", default=(), doc="les colonnes après code, nom et population : une liste de "
                             "{indicator, label, prefix, yes, no, empty} (un indicateur de register.yaml)"),
        "population": Option("bool", default=True, doc="affiche la colonne population"),
    },
    "row": {
        "columns": Option("columns", True, doc="une liste de colonnes, chacune une liste de blocs"),
        "widths": Option("widths", default=(), doc="les largeurs relatives des colonnes"),
    },
}


@dataclass(frozen=True)
class IndicatorColumn:
    """A column of the commune table: an indicator of the register, its header and how its cells read."""

    indicator: str
    label: str
    prefix: str = ""  # before a date: « signée le » → « signée le 15 mars 2021 »
    yes: str = "oui"
    no: str = "non"
    empty: str = "—"  # no value, or a date after the register's (« non signée »)


@dataclass(frozen=True)
class BlockSpec:
    """One block of the layout: its type, id, parsed options and place in the file."""

    type: str
    id: str
    options: Mapping[str, Any]
    where: Where
    columns: tuple[tuple[BlockSpec, ...], ...] = ()
    editions: str = ""  # "national" (national_only: true), "territorial" (territorial_only: true), '' = both
    lines: Mapping[str, int] = field(default_factory=dict)  # option name (or "figures/<key>") -> its line
    broken: frozenset[str] = frozenset()  # options reported as wrong or misspelt: at their default, not checked again

    def where_of(self, option: str) -> Where:
        """The line of one option (or of a chart's item "figures/<key>"), else of the block."""
        line = self.lines.get(option) or self.lines.get(option.split("/")[0])
        return Where(self.where.path, line) if line else self.where

    def walk(self) -> list[BlockSpec]:
        """This block and every block nested in it, in reading order."""
        found = [self]
        for column in self.columns:
            for child in column:
                found.extend(child.walk())
        return found


@dataclass(frozen=True)
class SectionSpec:
    """One section: its title, accent colour and blocks, flowed onto as many pages as they need.

    ``new_page``: the section starts on a new page. ``continues``: a legacy page that repeats the
    previous page's section title (no new title, same section in the outline and the structure).
    """

    title: str
    accent: str
    blocks: tuple[BlockSpec, ...]
    where: Where
    accent_where: Where
    new_page: bool = False
    continues: bool = False
    editions: str = ""  # "national", "territorial" or '' (both), as for blocks


@dataclass(frozen=True)
class LogoSpec:
    """A logo the user supplies as an image file (never committed): path relative to the layout."""

    path: str
    alt: str
    height: float  # millimetres
    where: Where


@dataclass(frozen=True)
class CoverSpec:
    """The cover: its texts (a ``cover`` block spec: title, subtitle, publisher), headline figures and logos."""

    block: BlockSpec
    figures: tuple[BlockSpec, ...]
    logos: tuple[LogoSpec, ...]


@dataclass(frozen=True)
class BackSpec:
    """The back page: an optional title (an entry of the sommaire), its blocks and partner logos."""

    title: str
    blocks: tuple[BlockSpec, ...]
    logos: tuple[LogoSpec, ...]
    where: Where


@dataclass(frozen=True)
class LayoutSpec:
    """A whole bulletin layout."""

    path: Path
    title: str
    subject: str
    keywords: tuple[str, ...]
    author: str
    theme_path: Path
    sections: tuple[SectionSpec, ...]
    title_where: Where | None = None
    cover: CoverSpec | None = None
    back: BackSpec | None = None

    def image_files(self) -> list[str]:
        """The image files the layout names (image blocks, cover and back logos), relative to its folder."""
        logos = (self.cover.logos if self.cover else ()) + (self.back.logos if self.back else ())
        return [spec.options["path"] for spec in self.blocks() if spec.type == "image"] + [logo.path for logo in logos]

    def blocks(self) -> list[BlockSpec]:
        """Every block of the cover, the sections and the back page, nested ones included, in reading order."""
        tops = [top for section in self.sections for top in section.blocks]
        if self.cover:
            tops = [self.cover.block, *self.cover.figures, *tops]
        if self.back:
            tops += list(self.back.blocks)
        return [b for top in tops for b in top.walk()]


def load_layout(path: Path) -> LayoutSpec:
    """Parse the layout at ``path``; raise LayoutError listing every problem."""
    layout, problems = read_layout(path)
    raise_if_errors(problems, LayoutError)
    return layout


def read_layout(path: Path) -> tuple[LayoutSpec, list[Problem]]:
    """Parse as much of the layout as is valid: the spec (bad blocks left out) and every problem.

    Raises LayoutError only when the file is unreadable or has no document/sections structure.
    """
    data = load_yaml(path)
    if not isinstance(data, Located) or not isinstance(data.get("document"), Located):
        raise LayoutError(Problem(Where(path, 1), "une mise en page commence par « document: » puis une liste "
                                  "« sections: »", "voir docs/layout-reference.md"))
    problems: list[Problem] = []
    document: Located = data["document"]
    sections = _sections(path, data, problems)
    theme = path.parent / str(document.get("theme", "themes/pvd.yaml"))
    layout = LayoutSpec(path, str(document.get("title", "")), str(document.get("subject", "")),
                        tuple(str(k) for k in document.get("keywords") or ()), str(document.get("author", "ANCT")),
                        theme, sections, Where(path, document.line_of("title")),
                        _cover(path, data, problems), _back(path, data, problems))
    _check_unique_ids(path, layout.blocks(), problems)
    for name in data:
        if name not in LAYOUT_KEYS:
            problems.append(Problem(Where(path, data.line_of(name)), f"clé inconnue {quoted(name)} dans la mise en page",
                                    nearest(name, LAYOUT_KEYS, f"clés possibles : {', '.join(LAYOUT_KEYS)}")))
    return layout, problems


LAYOUT_KEYS = ("document", "cover", "sections", "pages", "back")
COVER_OPTIONS: dict[str, Option] = {
    "title": Option("template", default=(), doc="le grand titre (par défaut : le titre du document)"),
    "subtitle": Option("template", default=(), doc="une ligne au-dessus du titre, par exemple le nom du programme"),
    "publisher": Option("text", default="", doc="l’éditeur, imprimé en bas de la couverture et de la quatrième"),
}
LOGO_KEYS = ("path", "alt", "height")


def _cover(path: Path, data: Located, problems: list[Problem]) -> CoverSpec | None:
    raw = data.get("cover")
    if raw is None:
        return None
    if not isinstance(raw, Located):
        problems.append(Problem(Where(path, data.line_of("cover")), "« cover: » doit être une liste de clés",
                                "title:, subtitle:, publisher:, figures:, logos:"))
        return None
    texts = Located({k: v for k, v in raw.items() if k in COVER_OPTIONS})
    texts.line, texts.key_lines = raw.line, raw.key_lines
    options = _options(path, texts, "cover", "couverture", problems, COVER_OPTIONS)
    _unknown_keys(path, raw, (*COVER_OPTIONS, "figures", "logos"), "cover", problems)
    figures = _cover_figures(path, raw, problems)
    block = BlockSpec("cover", "couverture", MappingProxyType(options), Where(path, raw.line))
    return CoverSpec(block, figures, _logos(path, raw, problems))


def _cover_figures(path: Path, raw: Located, problems: list[Problem]) -> tuple[BlockSpec, ...]:
    """The headline figures: key figures without ``type:``, their ids made up when not given."""
    items = raw.get("figures") or []
    if not isinstance(items, list) or not 1 <= _most_per_edition(items) <= 4:
        problems.append(Problem(Where(path, raw.line_of("figures")), "« figures: » de la couverture : une liste de "
                                "un à quatre chiffres (par édition, nationale ou territoriale)",
                                "chacun {figure: clé, label: texte}, comme un key_figure"))
        return ()
    figures = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, Located):
            item = Located({"id": f"couverture-chiffre-{number}", **item, "type": "key_figure"})
            item.line, item.key_lines = items[number - 1].line, items[number - 1].key_lines
        figures.append(_block(path, item, problems))
    return tuple(f for f in figures if f is not None)


def _most_per_edition(items: list[Any]) -> int:
    """The most cover figures one edition shows: those of every edition plus its own (``…_only``)."""
    def shown(key: str) -> int:
        return sum(1 for item in items if not isinstance(item, dict) or item.get(key) is not True)
    return max(shown("national_only"), shown("territorial_only"))


def _logos(path: Path, raw: Located, problems: list[Problem]) -> tuple[LogoSpec, ...]:
    items = raw.get("logos") or []
    if not isinstance(items, list):
        problems.append(Problem(Where(path, raw.line_of("logos")), "« logos: » : une liste de {path, alt, height}", ""))
        return ()
    logos = []
    for item in items:
        where = Where(path, item.line if isinstance(item, Located) else raw.line_of("logos"))
        if not isinstance(item, Located) or not isinstance(item.get("path"), str) or not isinstance(item.get("alt"), str):
            problems.append(Problem(where, "un logo a besoin de « path: » (fichier PNG ou JPEG) et de « alt: » (ce qu’il "
                                    "représente)", "par exemple {path: logos/anct.png, alt: \"Agence nationale de la "
                                    "cohésion des territoires\", height: 14}"))
            continue
        _unknown_keys(path, item, LOGO_KEYS, "logo", problems)
        height = item.get("height", 16)
        if isinstance(height, bool) or not isinstance(height, (int, float)) or not 5 <= height <= 60:
            problems.append(Problem(Where(path, item.line_of("height")), f"hauteur de logo {height!r} : un nombre de "
                                    "millimètres entre 5 et 60", ""))
            height = 16
        logos.append(LogoSpec(item["path"], item["alt"], float(height), where))
    return tuple(logos)


def _back(path: Path, data: Located, problems: list[Problem]) -> BackSpec | None:
    raw = data.get("back")
    if raw is None:
        return None
    if not isinstance(raw, Located) or not isinstance(raw.get("blocks"), list):
        problems.append(Problem(Where(path, data.line_of("back")), "« back: » (quatrième de couverture) a besoin "
                                "d’une liste « blocks: »", "title:, blocks:, logos:"))
        return None
    _unknown_keys(path, raw, ("title", "blocks", "logos"), "back", problems)
    blocks = tuple(b for b in (_block(path, item, problems) for item in raw["blocks"]) if b is not None)
    return BackSpec(str(raw.get("title", "")), blocks, _logos(path, raw, problems), Where(path, raw.line))


def _unknown_keys(path: Path, raw: Located, known: tuple[str, ...], what: str, problems: list[Problem]) -> None:
    for name in raw:
        if name not in known:
            problems.append(Problem(Where(path, raw.line_of(name)), f"{what} : clé inconnue {quoted(name)}",
                                    nearest(name, known, f"clés possibles : {', '.join(known)}")))


SECTION_KEYS = ("title", "accent", "new_page", "national_only", "territorial_only", "blocks")
EDITION_KEYS = {"national_only": "national", "territorial_only": "territorial"}  # on a block or a section


def _editions(path: Path, raw: Located, what: str, problems: list[Problem]) -> str:
    """``national_only: true`` → "national", ``territorial_only: true`` → "territorial", neither → ''."""
    found = []
    for key, editions in EDITION_KEYS.items():
        value = raw.get(key, False)
        if not isinstance(value, bool):
            problems.append(Problem(Where(path, raw.line_of(key)), f"{what} : « {key}: » vaut true ou false", ""))
        elif value:
            found.append(editions)
    if len(found) > 1:
        problems.append(Problem(Where(path, raw.line), f"{what} : national_only et territorial_only à la fois",
                                "gardez l’un des deux : un bloc de toutes les éditions n’en porte aucun"))
        return ""
    return found[0] if found else ""


def _sections(path: Path, data: Located, problems: list[Problem]) -> tuple[SectionSpec, ...]:
    """``sections:`` (flowed), or the legacy ``pages:`` (each page a section starting on a new page)."""
    if "sections" in data and "pages" in data:
        problems.append(Problem(Where(path, data.line_of("pages")), "la mise en page a à la fois « sections: » et "
                                "« pages: »", "gardez « sections: » (chaque page devient une section avec new_page: true)"))
    if "pages" in data and "sections" not in data:
        return _legacy_pages(path, data, problems)
    raw = data.get("sections")
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(Where(path, data.line_of("sections")), "« sections: » doit être une liste non vide",
                                "listez les sections, chacune avec title: et blocks:"))
        return ()
    return tuple(s for s in (_section(path, item, problems) for item in raw) if s is not None)


def _section(path: Path, raw: Any, problems: list[Problem]) -> SectionSpec | None:
    if not isinstance(raw, Located) or "title" not in raw or not isinstance(raw.get("blocks"), list):
        line = raw.line if isinstance(raw, Located) else None
        problems.append(Problem(Where(path, line), "une section a besoin de « title: » et d’une liste « blocks: »",
                                "voir docs/layout-reference.md"))
        return None
    for name in raw:
        if name not in SECTION_KEYS:
            problems.append(Problem(Where(path, raw.line_of(name)), f"option de section inconnue {quoted(name)}",
                                    nearest(name, SECTION_KEYS, f"options possibles : {', '.join(SECTION_KEYS)}")))
    new_page = raw.get("new_page", False)
    if not isinstance(new_page, bool):
        problems.append(Problem(Where(path, raw.line_of("new_page")), "« new_page: » vaut true ou false", ""))
        new_page = False
    blocks = tuple(b for b in (_block(path, item, problems) for item in raw["blocks"]) if b is not None)
    return SectionSpec(str(raw["title"]), str(raw.get("accent", "blue")), blocks, Where(path, raw.line),
                       Where(path, raw.line_of("accent")), new_page,
                       editions=_editions(path, raw, f"section « {raw['title']} »", problems))


def _legacy_pages(path: Path, data: Located, problems: list[Problem]) -> tuple[SectionSpec, ...]:
    pages = data.get("pages")
    if not isinstance(pages, list) or not pages:
        problems.append(Problem(Where(path, data.line_of("pages")), "« pages: » doit être une liste non vide",
                                "listez les pages, chacune avec section: et blocks:"))
        return ()
    sections: list[SectionSpec] = []
    for raw in pages:
        page = _page(path, raw, problems)
        if page is not None:
            continues = bool(sections) and sections[-1].title == page.title
            sections.append(SectionSpec(page.title, page.accent, page.blocks, page.where, page.accent_where,
                                        True, continues))
    return tuple(sections)


def _page(path: Path, raw: Any, problems: list[Problem]) -> SectionSpec | None:
    if not isinstance(raw, Located) or "section" not in raw or not isinstance(raw.get("blocks"), list):
        line = raw.line if isinstance(raw, Located) else None
        problems.append(Problem(Where(path, line), "une page a besoin de « section: » et d’une liste « blocks: »",
                                "voir docs/layout-reference.md"))
        return None
    blocks = tuple(b for b in (_block(path, item, problems) for item in raw["blocks"]) if b is not None)
    return SectionSpec(str(raw["section"]), str(raw.get("accent", "blue")), blocks, Where(path, raw.line),
                       Where(path, raw.line_of("accent")), True)


def _block(path: Path, raw: Any, problems: list[Problem]) -> BlockSpec | None:
    if not isinstance(raw, Located):
        problems.append(Problem(Where(path), f"un bloc est une liste d’options « nom: valeur », pas {quoted(raw)}",
                                "écrivez type: et id:"))
        return None
    where = Where(path, raw.line)
    kind, block_id = str(raw.get("type", "")), str(raw.get("id", ""))
    if kind not in BLOCK_OPTIONS:
        problems.append(Problem(Where(path, raw.line_of("type")), f"type de bloc inconnu {quoted(kind)}",
                                nearest(kind, BLOCK_OPTIONS, f"types possibles : {', '.join(sorted(BLOCK_OPTIONS))}")))
        return None
    if not ID_PATTERN.match(block_id):
        problems.append(Problem(where, f"bloc {kind} sans id valable ({quoted(block_id)})",
                                "donnez-lui un id: fait de lettres, de chiffres et de tirets, commençant par une lettre"))
    broken: set[str] = set()
    options = _options(path, raw, kind, block_id, problems, broken=broken)
    columns = _columns(path, raw, problems) if kind == "row" else ()
    return BlockSpec(kind, block_id, MappingProxyType(options), where, columns,
                     _editions(path, raw, f"bloc « {block_id} »", problems), _option_lines(raw), frozenset(broken))


def _option_lines(raw: Located) -> MappingProxyType[str, int]:
    """The line of each option, and of each item of a chart's ``figures:`` list (« figures/<key> »)."""
    lines = {str(name): line for name, line in raw.key_lines.items()}
    items = raw.get("figures")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Located) and isinstance(item.get("figure"), str):
            lines.setdefault(f"figures/{item['figure']}", item.line)
    return MappingProxyType(lines)


def _options(path: Path, raw: Located, kind: str, block_id: str, problems: list[Problem],
             table: dict[str, Option] | None = None, broken: set[str] | None = None) -> dict[str, Any]:
    """The options of a block, converted; ``broken`` receives the names of those that were wrong or
    misspelt, which stand at their default and are reported once, here (not again as a consequence)."""
    table = BLOCK_OPTIONS[kind] if table is None else table
    broken = set() if broken is None else broken
    broken |= _unknown_options(path, raw, kind, block_id, table, problems)
    options: dict[str, Any] = {}
    for name, option in table.items():
        if name not in raw:
            if option.required and name not in broken:
                problems.append(Problem(Where(path, raw.line), f"bloc {quoted(block_id)} : option {quoted(name)} "
                                        "manquante", f"un bloc {kind} a besoin de {name}: ({option.doc})"))
            options[name] = option.default
            continue
        options[name] = _convert(path, raw, name, option, block_id, problems, broken)
    return options


def _unknown_options(path: Path, raw: Located, kind: str, block_id: str, table: dict[str, Option],
                     problems: list[Problem]) -> set[str]:
    """Report the options the block type does not have; return the known names they look like."""
    meant = set()
    for name in raw:
        if name not in table and name not in ("type", "id", *EDITION_KEYS):
            problems.append(Problem(Where(path, raw.line_of(name)), f"bloc {quoted(block_id)} : option inconnue "
                                    f"{quoted(name)} pour {kind}",
                                    nearest(str(name), table, f"options possibles : {', '.join(table) or 'aucune'}")))
            meant.add(closest(str(name), table) or "")
    return meant - {""}


def _convert(path: Path, raw: Located, name: str, option: Option, block_id: str, problems: list[Problem],
             broken: set[str]) -> Any:
    value, where = raw[name], Where(path, raw.line_of(name))
    try:
        return _CONVERTERS[option.kind](value, option)
    except (TypeError, ValueError) as exc:
        problems.append(Problem(where, f"bloc {quoted(block_id)} : option {quoted(name)} : {exc}", option.doc))
        broken.add(name)
        return option.default


def _as_template(value: Any, option: Option) -> tuple[Piece, ...]:
    if not isinstance(value, str):
        raise TypeError("un texte est attendu")
    try:
        return parse_template(value)
    except TemplateSyntaxError as exc:
        raise ValueError(str(exc)) from None


def _as_choice(value: Any, option: Option) -> str:
    if str(value) not in option.choices:
        close = nearest(str(value), option.choices)
        raise ValueError(f"{quoted(value)} n’est pas l’un de : {', '.join(option.choices)}"
                         + (f" ; {close}" if close else ""))
    return str(value)


def _as_number(value: Any, option: Option) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{quoted(value)} n’est pas un nombre positif")
    return float(value)


def _as_bool(value: Any, option: Option) -> bool:
    if not isinstance(value, bool):
        raise TypeError("true ou false est attendu")
    return value


def _as_text(value: Any, option: Option) -> str:
    if not isinstance(value, str):
        raise TypeError("un texte est attendu")
    return value


def _as_strings(value: Any, option: Option) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("une liste de textes est attendue")
    return tuple(value)


def _as_templates(value: Any, option: Option) -> tuple[tuple[Piece, ...], ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("une liste de textes est attendue")
    return tuple(_as_template(item, option) for item in value)


def _as_figures(value: Any, option: Option) -> tuple[tuple[str, tuple[Piece, ...]], ...]:
    if not isinstance(value, list) or not value:
        raise TypeError("une liste de {figure: clé, label: texte} est attendue")
    items = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("figure"), str):
            raise TypeError(f"{quoted(item)} devrait être {{figure: clé, label: texte}}")
        label = item.get("label", item["figure"])
        if not isinstance(label, str):
            raise TypeError(f"le label de {quoted(item['figure'])} doit être un texte")
        try:
            items.append((item["figure"], parse_template(label)))
        except TemplateSyntaxError as exc:
            raise ValueError(f"label de {quoted(item['figure'])} : {exc}") from None
    return tuple(items)


def _as_widths(value: Any, option: Option) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) and v > 0 for v in value):
        raise TypeError("une liste de nombres positifs est attendue")
    return tuple(float(v) for v in value)


INDICATOR_KEYS = ("indicator", "label", "prefix", "yes", "no", "empty")


def _as_indicators(value: Any, option: Option) -> tuple[IndicatorColumn, ...]:
    if not isinstance(value, list):
        raise TypeError("attendu une liste de {indicator: nom, label: en-tête}")
    columns = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("indicator"), str) \
                or not isinstance(item.get("label"), str):
            raise TypeError(f"{item!r} : chaque colonne a besoin de indicator: (un indicateur de register.yaml) et "
                            "de label: (son en-tête)")
        unknown = [k for k in item if k not in INDICATOR_KEYS]
        if unknown or not all(isinstance(item.get(k, ""), str) for k in INDICATOR_KEYS):
            raise ValueError(f"{item!r} : clés possibles {', '.join(INDICATOR_KEYS)}, chacune un texte")
        columns.append(IndicatorColumn(**item))
    return tuple(columns)


_CONVERTERS = {
    "text": _as_text, "key": _as_text, "template": _as_template, "choice": _as_choice,
    "number": _as_number, "bool": _as_bool, "keys": _as_strings, "strings": _as_strings,
    "templates": _as_templates, "color": _as_text, "figures": _as_figures, "widths": _as_widths,
    "columns": lambda value, option: (), "indicators": _as_indicators,
}


def _columns(path: Path, raw: Located, problems: list[Problem]) -> tuple[tuple[BlockSpec, ...], ...]:
    columns = raw.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, list) for c in columns):
        problems.append(Problem(Where(path, raw.line_of("columns")), "row : columns doit être une liste de listes de "
                                "blocs", "écrivez columns: puis « - - type: … » pour chaque colonne"))
        return ()
    parsed = tuple(tuple(b for b in (_block(path, item, problems) for item in col) if b) for col in columns)
    widths = raw.get("widths")
    if widths is not None and isinstance(widths, list) and len(widths) != len(parsed):
        problems.append(Problem(Where(path, raw.line_of("widths")), f"row : {len(parsed)} colonne(s) mais "
                                f"{len(widths)} largeur(s)", "donnez une largeur par colonne"))
    return parsed


def _check_unique_ids(path: Path, blocks: list[BlockSpec], problems: list[Problem]) -> None:
    seen: dict[str, int | None] = {}
    for block in blocks:
        if block.id in seen:
            problems.append(Problem(block.where, f"id de bloc {quoted(block.id)} en double (déjà ligne "
                                    f"{seen[block.id]})", "donnez à chaque bloc son propre id"))
        seen.setdefault(block.id, block.where.line)
