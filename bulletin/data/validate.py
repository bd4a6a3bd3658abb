"""Validate stage: check the edition against itself and against the layout that prints it.

Input: an :class:`~bulletin.data.edition.Edition` and a :class:`~bulletin.layout_spec.LayoutSpec`.
Output: a list of problems (errors and warnings), each with file, line or key and a fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from decimal import Decimal

from bulletin.blocks.chartdata import chart_data, chart_problems
from bulletin.data.edition import NUMERIC_UNITS, CoherenceRule, Edition, is_safe_url
from bulletin.errors import Problem, Where, nearest, quoted
from bulletin.data.history import History
from bulletin.layout_spec import BlockSpec, LayoutSpec
from bulletin.templates import NATIONAL, printed_keys, template_options
from bulletin.typography import TypographyError, format_value

DIGIT = re.compile(r"\d+")


def validate(edition: Edition, layout: LayoutSpec, history: History | None = None,
             draft: bool = False, unused: bool = True) -> list[Problem]:
    """Every problem of the edition and of its use by ``layout`` (deltas need ``history``).

    Unless ``draft``, a value of status ``illustrative`` that the layout prints is an error: a
    published edition prints only sourced values (DESIGN §2). ``unused``: warn of figures the layout
    does not print (not for a territorial edition, which leaves out the national-only blocks).
    """
    history = history or History()
    problems = list(check_edition(edition)) + list(check_coherence(edition))
    used: set[str] = set()
    for block in layout.blocks():
        problems.extend(_check_block(block, edition, used))
        problems.extend(_check_history(block, edition, history, used))
        problems.extend(_check_chart_data(block, edition, history))
        if not draft:
            problems.extend(check_not_illustrative(block, edition, history))
    if unused:
        problems.extend(_unused_figures(edition, used))
    return problems


ILLUSTRATIVE_HINT = ("remplacez-la par une valeur sourcée (statut published ou provisional), retirez-la de la mise "
                     "en page, ou construisez un brouillon filigrané avec --draft")


def check_not_illustrative(block: BlockSpec, edition: Edition, history: History) -> Iterator[Problem]:
    """An error for every illustrative value ``block`` would print: text, key figure, chart point, target."""
    for key in printed_keys(block.options):
        figure = edition.figures.get(key)
        if figure is not None and figure.illustrative:
            yield _illustrative(block, f"la valeur illustrative de « {key} » ({figure.where})")
    for name in block.options.get("series") or ():
        points = [p for p in edition.series.get(name, ()) if p.status == "illustrative"]
        if points:
            yield _illustrative(block, f"{len(points)} point(s) illustratif(s) de la série « {name} » "
                                f"(dont {points[0].where})")
    for key in block.options.get("history") or ():
        for earlier in history.earlier:
            figure = earlier.figures.get(key)
            if figure is not None and figure.illustrative:
                yield _illustrative(block, f"la valeur illustrative de « {key} » dans l’édition {earlier.month} "
                                    f"({figure.where})")
    if block.options.get("delta") and block.options.get("figure"):
        found = history.previous_value(block.options["figure"])
        if found and found[0].figures[block.options["figure"]].illustrative:
            yield _illustrative(block, f"une évolution calculée depuis la valeur illustrative de "
                                f"« {block.options['figure']} » dans l’édition {found[0].month}")


def _illustrative(block: BlockSpec, what: str) -> Problem:
    return Problem(block.where, f"bloc « {block.id} » : {what} ne peut pas figurer dans une édition publiée",
                   ILLUSTRATIVE_HINT)


def check_edition(edition: Edition) -> Iterator[Problem]:
    """Figures dated after publication, and links that will not be clickable."""
    for figure in edition.figures.values():
        if figure.as_of > edition.published:
            yield Problem(figure.where, f"clé {quoted(figure.key)} : as_of {figure.as_of} est postérieur à la date de "
                          f"publication {edition.published}", "corrigez as_of, ou la date published d’edition.yaml")
        if figure.unit == "url" and not is_safe_url(str(figure.value)):
            yield Problem(figure.where, f"clé {quoted(figure.key)} : {quoted(figure.value)} n’est pas un lien http(s) "
                          "ou mailto ; il sera imprimé comme du texte, non cliquable", "écrivez une adresse https://",
                          warning=True)
    for points in edition.series.values():
        for point in points:
            if point.as_of > edition.published:
                yield Problem(point.where, f"série {quoted(point.series)} : as_of {point.as_of} est postérieur à la "
                              f"date de publication {edition.published}", "corrigez as_of")


def _check_block(block: BlockSpec, edition: Edition, used: set[str]) -> Iterator[Problem]:
    for name, pieces in template_options(block.options):
        for piece in pieces:
            if piece.key is None:
                yield from _no_typed_numbers(block, name, piece.text)
                yield from _no_markup(block, name, piece.text)
            else:
                yield from _check_reference(block, edition, piece.key, name, used, style=piece.style,
                                            where=block.where_of(name.split("[")[0]))
    for name in ("figure", "target"):
        if block.options.get(name):
            yield from _check_reference(block, edition, block.options[name], name, used, numeric=name != "figure"
                                        or block.type == "key_figure", url=block.type == "link")
    if block.type == "key_figure" and block.options.get("format") == "compact":
        yield from _check_reference(block, edition, block.options["figure"], "format", used, style="compact")
    for key, _ in block.options.get("figures") or ():
        yield from _check_reference(block, edition, key, "figures", used, numeric=True,
                                    where=block.where_of(f"figures/{key}"))
    yield from _check_series(block, edition)
    yield from _check_shape(block)
    yield from _check_chart_sum(block, edition)


def _check_chart_data(block: BlockSpec, edition: Edition, history: History) -> Iterator[Problem]:
    """A chart that would mislead (a line of too few real points, mixed units) is an error, for check as
    for build; charts whose keys are wrong are reported elsewhere and skipped here."""
    if block.type != "chart":
        return
    options = block.options
    keys = [*options["history"], *(key for key, _ in options["figures"]), *([options["target"]] if options["target"] else [])]
    if not all(key in edition.figures and edition.figures[key].unit in NUMERIC_UNITS for key in keys):
        return
    if not all(name in edition.series for name in options["series"]):
        return
    for message, hint in chart_problems(options, chart_data(options, edition, history)):
        yield Problem(block.where, f"bloc « {block.id} » : {message}", hint)


def _no_typed_numbers(block: BlockSpec, option: str, text: str) -> Iterator[Problem]:
    """Figures are data: a number typed in the layout would escape validation and updates."""
    for match in DIGIT.finditer(text):
        yield Problem(block.where_of(option.split("[")[0]), f"bloc {quoted(block.id)} : l’option {quoted(option)} "
                      f"tape le nombre {quoted(match.group())}",
                      "mettez ce nombre dans figures.csv et écrivez {section.cle} dans le texte")


MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")


def _no_markup(block: BlockSpec, option: str, text: str) -> Iterator[Problem]:
    """Layout text is printed literally: a tag would show as is, so say how to get bold instead."""
    match = MARKUP.search(text)
    if match:
        yield Problem(block.where_of(option.split("[")[0]), f"bloc {quoted(block.id)} : l’option {quoted(option)} "
                      f"contient la balise {quoted(match.group())}, qui serait imprimée telle quelle",
                      "écrivez **gras** pour du gras ; aucune autre balise n’est interprétée")


def _check_reference(block: BlockSpec, edition: Edition, key: str, option: str, used: set[str], *,
                     style: str | None = None, numeric: bool = False, url: bool = False,
                     where: Where | None = None) -> Iterator[Problem]:
    used.add(key)
    figure = edition.figures.get(key)
    where = where or block.where_of(option)
    if figure is None and key in edition.broken_keys:
        return
    if figure is None:
        yield Problem(where, f"bloc {quoted(block.id)} : {option} : la clé {quoted(key)} n’est pas dans "
                      f"{edition.folder / 'figures.csv'}",
                      nearest(key, edition.figures, "ajoutez ce chiffre aux données, ou corrigez la clé"))
        return
    if numeric and figure.unit not in NUMERIC_UNITS:
        yield Problem(where, f"bloc {quoted(block.id)} : {option} : {quoted(key)} est d’unité {quoted(figure.unit)}, "
                      "pas un nombre", f"choisissez un chiffre d’unité {', '.join(NUMERIC_UNITS)}")
    if url and figure.unit != "url":
        yield Problem(where, f"bloc {quoted(block.id)} : le chiffre {quoted(key)} est d’unité {quoted(figure.unit)}",
                      "un lien a besoin d’un chiffre d’unité url")
    try:
        format_value(figure.value, figure.unit, None if style == NATIONAL else style)
    except TypographyError as exc:
        yield Problem(where, f"bloc {quoted(block.id)} : {{{key}:{style}}} : {exc}", "retirez ou changez le style")


def _check_history(block: BlockSpec, edition: Edition, history: History, used: set[str]) -> Iterator[Problem]:
    for key in block.options.get("history") or ():
        yield from _check_reference(block, edition, key, "history", used, numeric=True)
        if key in edition.figures:
            for earlier, figure in history.incomparable(key, edition):
                yield Problem(block.where, f"bloc « {block.id} » : la courbe de « {key} » omet {earlier.month} : "
                              f"l’unité y était « {figure.unit} », elle est « {edition.figures[key].unit} » aujourd’hui",
                              "les valeurs d’unités différentes ne se comparent pas", warning=True)
    if block.options.get("delta") and block.options["figure"] in edition.figures:
        if history.previous_value(block.options["figure"]) is None:
            yield Problem(block.where_of("delta"), f"bloc {quoted(block.id)} : delta demandé, mais aucune édition "
                          f"précédente n’a {quoted(block.options['figure'])}", "l’évolution ne sera pas affichée",
                          warning=True)


def _check_series(block: BlockSpec, edition: Edition) -> Iterator[Problem]:
    for name in block.options.get("series") or ():
        if name not in edition.series:
            yield Problem(block.where_of("series"), f"bloc {quoted(block.id)} : la série {quoted(name)} n’est pas dans "
                          f"{edition.folder / 'series.csv'}",
                          nearest(name, edition.series, "ajoutez ses points à series.csv, ou corrigez le nom"))
        elif not all(isinstance(p.x, dt.date) for p in edition.series[name]):
            yield Problem(block.where_of("series"), f"bloc {quoted(block.id)} : la série {quoted(name)} a des "
                          "libellés, pas des dates, en x", "une courbe trace une série chronologique : x en AAAA-MM-JJ")


def _check_shape(block: BlockSpec) -> Iterator[Problem]:
    if block.broken & {"kind", "series", "history", "figures", "url", "figure"}:
        return  # an option already reported as wrong or misspelt: its absence here is no second problem
    if block.type == "chart":
        kind, options = block.options["kind"], block.options
        if kind == "line" and not (options["series"] or options["history"]):
            yield Problem(block.where, f"bloc {quoted(block.id)} : une courbe (line) a besoin de series: ou de "
                          "history:", "listez des noms de séries, ou des clés de chiffres à suivre d’une édition à "
                          "l’autre")
        if kind != "line" and not options["figures"]:
            yield Problem(block.where, f"bloc {quoted(block.id)} : un graphique {kind} a besoin de figures:",
                          "listez des {figure, label}")
    if block.type == "link" and bool(block.options["figure"]) == bool(block.options["url"]):
        yield Problem(block.where, f"bloc {quoted(block.id)} : un lien a besoin de figure: ou de url:, pas des deux",
                      "gardez-en exactement un")
    if block.type == "link" and block.options["url"] and not is_safe_url(block.options["url"]):
        yield Problem(block.where_of("url"), f"bloc {quoted(block.id)} : l’adresse {quoted(block.options['url'])} "
                      "n’est ni http(s) ni mailto", "écrivez une adresse https:// ou mailto:")


def _unused_figures(edition: Edition, used: set[str]) -> Iterator[Problem]:
    if edition.reference_population:
        used.add(edition.reference_population)
    for key in sorted(set(edition.figures) - used):
        figure = edition.figures[key]
        yield Problem(Where(figure.where.path, figure.where.line), f"le chiffre {quoted(key)} n’est pas utilisé par "
                      "la mise en page", "retirez-le, ou citez-le dans un bloc", warning=True)


def check_coherence(edition: Edition) -> Iterator[Problem]:
    """Check the relations declared under ``checks:`` in edition.yaml."""
    for rule in edition.rules:
        missing = [k for k in _rule_keys(rule, edition) if k not in edition.figures]
        if missing:
            if not set(missing) <= edition.broken_keys:
                yield Problem(rule.where, f"checks: {rule.kind} : clé(s) inconnue(s) {', '.join(map(quoted, missing))}",
                              nearest(missing[0], edition.figures, "corrigez la clé, ou ajoutez le chiffre"))
            continue
        yield from {"share": _check_share, "question": _check_question, "total": _check_total,
                    "remainder": _check_remainder}[rule.kind](rule, edition)
    yield from _undeclared_derived(edition)


def _rule_keys(rule: CoherenceRule, edition: Edition) -> list[str]:
    if rule.kind == "share":
        return [rule.share, rule.part, rule.of or edition.reference_population or "(reference_population)"]
    if rule.kind == "question":
        return [rule.non_response] if rule.non_response else []
    return {"total": [rule.total], "remainder": [rule.remainder]}.get(rule.kind, [])


def _number(edition: Edition, key: str) -> Decimal:
    value = edition.figures[key].value
    return Decimal(value) if isinstance(value, (int, Decimal)) else Decimal("NaN")


def _check_share(rule: CoherenceRule, edition: Edition) -> Iterator[Problem]:
    """A percentage must equal part / of × 100 to the precision it is written with."""
    of = rule.of or str(edition.reference_population)
    share, figure = _number(edition, rule.share), edition.figures[rule.share]
    part, whole = _number(edition, rule.part), _number(edition, of)
    if figure.unit != "percent" or whole.is_nan() or part.is_nan() or whole == 0:
        yield Problem(rule.where, f"checks: share {quoted(rule.share)} doit être le pourcentage de deux nombres",
                      "share : un chiffre d’unité percent ; part et of : des nombres (count) ou des montants")
        return
    expected = part / whole * 100
    exponent = share.as_tuple().exponent
    places = exponent if isinstance(exponent, int) else 0
    tolerance = Decimal("0.5") * Decimal(10) ** places + Decimal("0.000001")
    if abs(share - expected) <= tolerance:
        return
    hint = f"{rule.part} / {of} × 100 = {expected:.2f} ; corrigez le pourcentage ou les nombres"
    if abs(share * 100 - expected) <= tolerance * 100:
        hint = f"{share} ressemble à un ratio : un pourcentage s’écrit de 0 à 100, ici {expected:.1f}"
    yield Problem(figure.where, f"clé {quoted(rule.share)} : {share} % ne correspond pas à {rule.part} / {of} "
                  f"({part} / {whole} = {expected:.2f} %)", hint)


def _question_keys(rule: CoherenceRule, edition: Edition) -> list[str]:
    return [k for k, f in edition.figures.items() if k.startswith(rule.prefix + ".") and f.unit == "percent"]


def _check_question(rule: CoherenceRule, edition: Edition) -> Iterator[Problem]:
    """The answers to one question sum to 100 % (± 1 for rounding) unless several answers are allowed."""
    keys = _question_keys(rule, edition)
    if not keys:
        if not any(k.startswith(rule.prefix + ".") for k in edition.broken_keys):
            yield Problem(rule.where, f"checks: aucun chiffre d’unité percent sous {quoted(rule.prefix)}",
                          "corrigez le préfixe")
        return
    counted = keys + ([rule.non_response] if rule.non_response and rule.non_response not in keys else [])
    total = sum((_number(edition, k) for k in counted), Decimal(0))
    if not rule.multi_answer and abs(total - 100) > 1:
        yield Problem(rule.where, f"les parts de {quoted(rule.prefix)} font {total} % au total, pas 100 % "
                      f"({', '.join(f'{k}={_number(edition, k)}' for k in counted)})",
                      "corrigez les parts, déclarez les non-réponses (non_response: clé), ou déclarez "
                      "multi_answer: true si plusieurs réponses étaient possibles")
    if rule.answered:
        yield from _check_answered(rule, edition, [k for k in keys if k != rule.non_response])


def _half_unit(value: Decimal) -> Decimal:
    """Half a unit of the last digit written: 4 → 0,5 ; 4.6 → 0,05."""
    exponent = value.as_tuple().exponent
    return Decimal("0.5") * Decimal(10) ** (exponent if isinstance(exponent, int) else 0)


def _check_answered(rule: CoherenceRule, edition: Edition, keys: list[str]) -> Iterator[Problem]:
    """Each answer's share among those who answered = share / (100 − non-response) × 100, ± rounding."""
    no_answer = _number(edition, rule.non_response) if rule.non_response else Decimal(0)
    spread = _half_unit(no_answer) if rule.non_response else Decimal(0)
    for key in keys:
        other = rule.answered + key[len(rule.prefix):]
        if other not in edition.figures:
            yield Problem(rule.where, f"checks: question {quoted(rule.prefix)} : aucun chiffre {quoted(other)} pour "
                          f"la part de {quoted(key)} parmi les répondants", "ajoutez-le, ou corrigez answered:")
            continue
        share, answered = _number(edition, key), _number(edition, other)
        low = (share - _half_unit(share)) / (100 - no_answer + spread) * 100 - _half_unit(answered)
        high = (share + _half_unit(share)) / (100 - no_answer - spread) * 100 + _half_unit(answered)
        if not low <= answered <= high:
            yield Problem(edition.figures[other].where, f"clé {quoted(other)} : {answered} % des répondants ne "
                          f"correspond pas à {key} = {share} % de tous avec {no_answer} % de non-réponses "
                          f"(attendu : {share / (100 - no_answer) * 100:.1f} %)", "corrigez l’une des valeurs")


def _check_remainder(rule: CoherenceRule, edition: Edition) -> Iterator[Problem]:
    """A derived « other » share is 100 % minus the other answers of its question."""
    figure = edition.figures[rule.remainder]
    others = [k for k in _question_keys(rule, edition) if k != rule.remainder]
    expected = 100 - sum((_number(edition, k) for k in others), Decimal(0))
    if figure.unit != "percent" or abs(figure.number - expected) > Decimal("0.001"):
        yield Problem(figure.where, f"clé {quoted(rule.remainder)} : {figure.value} n’est pas 100 % moins les autres "
                      f"réponses de {quoted(rule.prefix)} ({expected} %)", "corrigez la valeur ou la règle")
    if figure.status != "derived":
        yield Problem(figure.where, f"clé {quoted(rule.remainder)} : une valeur calculée à partir des autres a le "
                      f"statut {quoted(figure.status)}", "donnez-lui le statut derived, pour qu’elle soit imprimée "
                      "comme déduite")


def _undeclared_derived(edition: Edition) -> Iterator[Problem]:
    """A ``derived`` figure must say how it is computed: a remainders rule in edition.yaml."""
    declared = {rule.remainder for rule in edition.rules if rule.kind == "remainder"}
    for figure in edition.figures.values():
        if figure.status == "derived" and figure.key not in declared:
            yield Problem(figure.where, f"clé {quoted(figure.key)} : statut derived, mais aucune règle ne dit "
                          "comment elle est calculée", "déclarez-la sous checks: remainders: dans edition.yaml, ou "
                          "donnez-lui son vrai statut")


def _check_total(rule: CoherenceRule, edition: Edition) -> Iterator[Problem]:
    keys = [k for k, f in edition.figures.items() if k.startswith(rule.prefix + ".") and f.unit in NUMERIC_UNITS]
    total, parts = _number(edition, rule.total), sum(_number(edition, k) for k in keys)
    if not keys or abs(total - parts) > Decimal("0.01"):
        yield Problem(rule.where, f"les chiffres sous {quoted(rule.prefix)} font {parts} au total, "
                      f"mais {quoted(rule.total)} vaut {total}", "corrigez les parts ou le total")


def _check_chart_sum(block: BlockSpec, edition: Edition) -> Iterator[Problem]:
    """A donut (or a bar chart of percentages) draws parts of a whole: they must sum to 100 % ± 1."""
    keys = [key for key, _ in block.options.get("figures") or ()]
    items = [edition.figures[key] for key in keys if key in edition.figures]
    if block.type != "chart" or not items or len(items) < len(keys) or any(f.unit != "percent" for f in items):
        return
    declared = [r for r in edition.rules if r.kind == "question"
                and all(f.key.startswith(r.prefix + ".") for f in items)]
    if declared or (block.options["multi_answer"] and block.options["kind"] != "donut"):
        return  # checked once, by the declared question, or several answers allowed
    total = sum((f.number for f in items), Decimal(0))
    if abs(total - 100) > 1:
        yield Problem(block.where, f"bloc {quoted(block.id)} : les parts dessinées font {total} % au total, pas 100 %",
                      "corrigez les chiffres, ou écrivez multi_answer: true sur un graphique en barres à plusieurs "
                      "réponses")
