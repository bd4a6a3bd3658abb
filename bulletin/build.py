"""The conductor: load → validate → lay out → render, in that order.

Input: a :class:`BuildRequest` (edition folder, layout file, output, options). Output: a PDF
(:func:`build`), PNG previews (:mod:`bulletin.pdf.preview`), or the list of warnings (:func:`check`).
Any user error raises a :class:`~bulletin.errors.BulletinError` listing every problem found.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.data.edition import Edition, load_edition, read_edition
from bulletin.errors import BulletinError, Problem, Where
from bulletin.pdf.fonts import register_fonts
from bulletin.data.history import History, load_history, series_warnings
from bulletin.layout_spec import LayoutSpec, load_layout, read_layout
from bulletin.compose import PlacedPage, compose
from bulletin.compose.checks import accent_problems
from bulletin.compose.furniture import furniture_problems
from bulletin import __version__
from bulletin.files import atomic_path
from bulletin.outputs import input_files, refuse_over_inputs
from bulletin.pdf.pdfa import PdfIdentity, finalize_pdf
from bulletin.pdf.render import RenderOptions, document_title, render_pdf
from bulletin.stages import stage, started
from bulletin.territorial.layout import edition_layout, territorial_problems
from bulletin.territorial.scope import NATIONAL, Scope, read_scope, territory_of
from bulletin.theme import Theme, load_theme
from bulletin.data.validate import validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildRequest:
    """What to build: which edition, with which layout, where, how."""

    edition_dir: Path
    layout_path: Path
    output: Path | None = None
    draft: bool = False
    fonts_dir: Path | None = None
    theme_path: Path | None = None  # default: the layout's theme
    out_dir: Path = Path("out")  # where the PDF goes when ``output`` is not given
    territory: str = ""  # "dep:58", "reg:27": the edition of that territory ('' = the national edition)
    outlines: Mapping[str, Path] = field(default_factory=dict)  # "dep" / "reg" → GeoJSON outlines (bulletin.toml)


@dataclass(frozen=True)
class Prepared:
    """Everything needed to draw the PDF, validated and placed."""

    edition: Edition
    layout: LayoutSpec
    theme: Theme
    pages: list[PlacedPage]
    warnings: list[Problem]
    scope: Scope = NATIONAL


def default_output(request: BuildRequest, edition: Edition) -> Path:
    """``<out folder>/<layout name>-<YYYY-MM>.pdf`` (``out/`` of the current folder unless the project says),
    ``…-2022-02-dep-58.pdf`` for a territory."""
    territory = f"-{edition.territory.replace(':', '-')}" if edition.territory else ""
    return request.out_dir / f"{request.layout_path.stem}-{edition.month}{territory}.pdf"


def prepare(request: BuildRequest) -> Prepared:
    """Load, validate and lay out; raise BulletinError with every problem (data, layout, fit)."""
    problems: list[Problem] = []
    with stage("lecture des données, de la mise en page et du thème"):
        edition = _attempt(lambda: _collect(read_edition(request.edition_dir), problems), problems)
        layout = _attempt(lambda: _collect(read_layout(request.layout_path), problems), problems)
        theme = _attempt(lambda: load_theme(request.theme_path or layout.theme_path, request.fonts_dir),
                         problems) if layout else None
        scope = NATIONAL
        if edition and layout:
            territory = territory_of(request.territory) if request.territory else NATIONAL.territory
            scope, edition, found = read_scope(edition, territory, request.outlines, map_levels(layout))
            layout, left_out = edition_layout(layout, scope)
            problems.extend(found + left_out + fictitious_problems(scope, request.draft))
        history = load_history(edition) if edition and layout and uses_history(layout) and not scope.territorial \
            else History()
    with stage("vérification"):
        if edition and layout:
            problems.extend(validate(edition, layout, history, request.draft, unused=not scope.territorial)
                            + series_warnings(edition) + territorial_problems(layout, edition, scope))
        if layout and theme:
            problems.extend(accent_problems(layout, theme))
    if edition and layout and theme and not _errors(problems):
        with stage("composition des pages"):
            register_fonts(theme)
            pages, fit = compose(layout, edition, theme, history, scope)
            problems.extend(fit + furniture_problems(layout, edition, theme, len(pages)))
    if _errors(problems) or not (edition and layout and theme):
        raise BulletinError(_errors(problems) or problems)
    return Prepared(edition, layout, theme, pages, [p for p in problems if p.warning], scope)


def fictitious_problems(scope: Scope, draft: bool) -> list[Problem]:
    """A register of generated indicators (status illustrative) only ever makes drafts: a published edition
    would print its values, or carry it as its source data (DESIGN §2)."""
    if not scope.fictitious or draft or scope.register is None:
        return []
    return [Problem(Where(scope.register.spec.path), "le registre des communes est illustratif (données fictives) : "
                    "une édition publiée ne peut pas s’en servir", "construisez un brouillon filigrané avec --draft, "
                    "ou donnez un registre publié (status: published)")]


def national_scope(request: BuildRequest) -> Scope:
    """The national edition's scope, its register read and checked against the typed figures: what every
    territorial edition of a batch starts from. BulletinError with every problem, or when there is no register."""
    edition = load_edition(request.edition_dir)
    layout = load_layout(request.layout_path)
    scope, _, problems = read_scope(edition, NATIONAL.territory, request.outlines, map_levels(layout))
    errors = _errors(problems + fictitious_problems(scope, request.draft))
    if not errors and scope.register is None:
        errors = [Problem(Where(request.edition_dir / "register.yaml"), "les éditions territoriales se calculent depuis "
                          "le registre des communes, que cette édition n’a pas", "ajoutez register.yaml et le fichier "
                          "des communes au dossier de l’édition (voir docs/register.md)")]
    if errors:
        raise BulletinError(errors)
    return scope


def build(request: BuildRequest) -> tuple[Path, Prepared]:
    """Build the PDF (render, then post-process to PDF/A-3b); return its path and what it was made from."""
    prepared = prepare(request)
    output = request.output or default_output(request, prepared.edition)
    refuse_over_inputs(output, read_files(prepared), "--output" if request.output else "out")
    with atomic_path(output) as temporary:
        with stage("dessin du PDF"):
            structure = render_pdf(prepared.pages, prepared.layout, prepared.edition, prepared.theme, temporary,
                                   RenderOptions(draft=request.draft))
        with stage("post-traitement PDF/A"):
            finalize_pdf(temporary, identity(prepared), structure)
        written = started("écriture")
    written(False)
    log.info("écrit : %s (%d pages)", output, len(prepared.pages))
    return output, prepared


def source_files(edition: Edition, scope: Scope = NATIONAL) -> tuple[Path, ...]:
    """The files of the edition folder that the PDF carries as its source data (the commune register too)."""
    names = ("edition.yaml", "figures.csv", "series.csv", "edition.xlsx")
    found = tuple(edition.folder / name for name in names if (edition.folder / name).is_file())
    if scope.register is not None:
        found += (scope.register.spec.path, scope.register.spec.file)
    return found


def read_files(prepared: Prepared) -> list[Path]:
    """Every file the build reads: the output may be none of them."""
    layout, theme = prepared.layout, prepared.theme
    images = [layout.path.parent / name for name in layout.image_files()]  # image blocks and logos
    return input_files(prepared.edition.folder, layout.path, theme.path, theme.font_files.values(),
                       [*images, *source_files(prepared.edition, prepared.scope),
                        *(o.path for o in prepared.scope.outlines.values())])


def identity(prepared: Prepared) -> PdfIdentity:
    """Title, author, dates and attachments of the archival PDF."""
    layout, edition = prepared.layout, prepared.edition
    territory = [edition.territory_name] if edition.territory_name else []
    subject = " — ".join([layout.subject, *territory]) if layout.subject else ", ".join(territory)
    return PdfIdentity(title=document_title(layout, edition), author=layout.author, subject=subject,
                       keywords=", ".join([*layout.keywords, *territory]), creator=f"bulletin {__version__}",
                       date=edition.published, attachments=source_files(edition, prepared.scope))


def check(request: BuildRequest) -> list[Problem]:
    """Everything ``build`` does but writing the file: validate, compose, and draw every page to a canvas in
    memory, so that a drawing error ``build`` would meet is found too. Return the warnings."""
    prepared = prepare(request)
    with stage("dessin des pages en mémoire"):
        render_pdf(prepared.pages, prepared.layout, prepared.edition, prepared.theme, None,
                   RenderOptions(draft=request.draft))
    return prepared.warnings


def map_levels(layout: LayoutSpec) -> frozenset[str]:
    """The levels (``dep``, ``reg``) of the outlines the layout's maps draw."""
    return frozenset({"departements": "dep", "regions": "reg"}[b.options["outlines"]]
                     for b in layout.blocks() if b.type == "map")


def uses_history(layout: LayoutSpec) -> bool:
    """True when a block shows deltas or figure histories (earlier editions must then be read)."""
    return any(b.options.get("delta") or b.options.get("history") for b in layout.blocks())


def _collect(result, problems: list[Problem]):  # type: ignore[no-untyped-def]
    """Keep the value of a (value, problems) pair and add its problems to ``problems``."""
    value, found = result
    problems.extend(found)
    return value


def _attempt(step, problems: list[Problem]):  # type: ignore[no-untyped-def]
    try:
        return step()
    except BulletinError as exc:
        problems.extend(exc.problems)
        return None


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]
