"""The command line's grammar: sub-commands and options, their French help, and usage errors.

Input: the arguments of ``make_bulletin.py`` / ``bulletin``. Output: an :class:`argparse.Namespace`,
or, for bad usage, an ``Error:`` line in French with a ``hint:`` (the nearest command or option
name when one is close) and exit code 2. Options that do not go together are refused here too
(:func:`refuse_conflicts`), naming both.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from bulletin import __version__
from bulletin.errors import COMMAND, BulletinError, Problem, Where, nearest, quoted
from bulletin.report import FORMATS
from bulletin.territorial.scope import TERRITORY_SETS

PROG = COMMAND  # as the user started it: « bulletin » or « make_bulletin.py »
EXAMPLES = {
    "build": [f"{PROG} build --edition 2022-02 --output out/pvd-2022-02.pdf",
              f"{PROG} build --edition 2022-02 --territories all --output out/territoires"],
    "check": [f"{PROG} check --data-dir data/editions/2022-02", f"{PROG} check --format json"],
    "preview": [f"{PROG} preview --edition 2022-02 --output out/preview"],
    "watch": [f"{PROG} watch --edition 2022-03   (Ctrl-C pour arrêter)"],
    "import": [f"{PROG} import chiffres-mars.xlsx --edition 2022-03 --published 2022-03-15",
               f"{PROG} import figures.csv series.csv --edition 2022-03",
               f"{PROG} import anah-mars.xlsx --onto 2022-03 --edition 2022-04"],
    "new": [f"{PROG} new 2022-03 --published 2022-03-15"],
    "init": [f"{PROG} init ~/bulletin-pvd   (puis : cd ~/bulletin-pvd && bulletin build)"],
    "diff": [f"{PROG} diff   (la dernière édition et celle d’avant)",
             f"{PROG} diff --from 2022-01 --to 2022-02 --format csv"],
    "send": [f"{PROG} send --edition 2022-02 --recipients partenaires.csv   (essai à blanc)",
             f"{PROG} send --edition 2022-02 --recipients partenaires.csv --send",
             f"{PROG} send --edition 2022-02 --recipients partenaires.csv --erratum --send",
             f"{PROG} send --status --edition 2022-02"],
    "archive": [f"{PROG} archive --edition 2022-02",
                f"{PROG} archive --edition 2022-02 --reissue --reason \"taux ORT corrigé\"",
                f"{PROG} archive list", f"{PROG} archive verify 2022-02",
                f"{PROG} archive reindex", f"{PROG} archive extract archive/2022-02/x.pdf --output out/donnees"],
}
COMMANDS = {
    "new": "préparer l’édition d’un nouveau mois en recopiant la dernière (jamais d’écrasement)",
    "import": "faire une nouvelle édition d’un classeur (.xlsx) ou de fichiers CSV (jamais d’écrasement)",
    "check": "vérifier les données, la mise en page et que tout tient ; n’écrit rien",
    "diff": "lister ce qui a changé entre deux éditions : chiffres (valeur, unité, statut, date, source) et séries",
    "build": "construire le PDF",
    "preview": "construire le PDF et en faire une image PNG par page",
    "watch": "reconstruire l’aperçu PNG à chaque modification des données, de la mise en page ou du thème",
    "archive": "archiver une édition (jamais modifiée) ou la réémettre ; list, verify, reindex, extract",
    "send": "envoyer par courriel une édition archivée (essai à blanc par défaut : fichiers .eml), ou dire qui l’a reçue",
    "init": "créer un projet complet (bulletin.toml, mises en page, thème, polices, édition d’exemple)",
}


class UsageError(BulletinError):
    """Options that do not go together, or an option where it has no use: exit code 2, like argparse's."""


class FrenchFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help, with French headings; the examples keep their lines."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "usage : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """An argument parser that speaks French: help headings, and usage errors as ``Error:`` lines (exit 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="affiche cette aide et s’arrête")

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        self.argv = list(sys.argv[1:] if args is None else args)
        return super().parse_args(self.argv, namespace)

    def error(self, message: str) -> NoReturn:
        text, hint = usage_error(message, self)
        self.exit(2, f"Error: {text}\n  hint: {hint}\n")


def usage_error(message: str, parser: argparse.ArgumentParser) -> tuple[str, str]:
    """argparse's English ``message`` as a French message and a hint (the nearest name, the help to read)."""
    command = _command(parser)
    help_hint = f"voir {PROG} {command} --help" if command else f"voir {PROG} --help"
    for pattern, translate in _USAGE_ERRORS:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            text, close = translate(match, parser, command)
            return text, " ; ".join(part for part in (close, help_hint) if part)
    return f"utilisation incorrecte ({message})", help_hint


def _command(parser: argparse.ArgumentParser) -> str:
    """The sub-command the user typed, when there is one: the parser's own, or the first known word typed."""
    own = parser.prog.split()[-1]
    if own in COMMANDS:
        return own
    return next((arg for arg in getattr(parser, "argv", ()) if arg in COMMANDS), "")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser, command: str) -> list[str]:
    """The option strings the command (or the top level) accepts."""
    sub = _subparsers(parser).get(command, parser)
    return [option for action in sub._actions for option in action.option_strings]


def _unrecognized(match: re.Match[str], parser: argparse.ArgumentParser, command: str) -> tuple[str, str]:
    words = match.group(1).split()
    first = words[0].split("=")[0]
    if first.startswith("-"):
        where = f" pour {command}" if command else ""
        return f"option inconnue{where} : {first}", nearest(first, _options(parser, command))
    return f"argument en trop : {quoted(match.group(1))}", ""


def _required(match: re.Match[str], parser: argparse.ArgumentParser, command: str) -> tuple[str, str]:
    names = match.group(1).split(", ")
    if names == ["COMMANDE"]:
        return "il manque la commande", f"commandes : {', '.join(COMMANDS)}"
    return "il manque " + " et ".join(f"l’option {name}" if name.startswith("-") else f"l’argument {name}"
                                      for name in names), ""


def _invalid_choice(match: re.Match[str], parser: argparse.ArgumentParser, command: str) -> tuple[str, str]:
    argument, value = match.group(1), match.group(2)
    choices = re.findall(r"'([^']*)'", match.group(3))
    if argument == "COMMANDE":
        return f"commande inconnue : {quoted(value)}", nearest(value, choices, f"commandes : {', '.join(choices)}")
    return f"{argument}: choix inconnu {quoted(value)}", nearest(value, choices,
                                                                  f"choix possibles : {', '.join(choices)}")


def _argument(message: str) -> Any:
    def translate(match: re.Match[str], parser: argparse.ArgumentParser, command: str) -> tuple[str, str]:
        return message.format(*match.groups()), ""
    return translate


_USAGE_ERRORS = (
    (r"unrecognized arguments: (.+)", _unrecognized),
    (r"the following arguments are required: (.+)", _required),
    (r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)", _invalid_choice),
    (r"argument (\S+): expected one argument", _argument("{0}: il manque sa valeur")),
    (r"argument (\S+): expected at least one argument", _argument("{0}: il manque au moins une valeur")),
    (r"argument (\S+): expected at most one argument", _argument("{0}: une seule valeur au plus")),
    (r"argument (\S+): not allowed with argument (\S+)", _argument("{0}: ne va pas avec {1}")),
    (r"argument (\S+): ignored explicit argument '(.*)'", _argument("{0}: ne prend pas de valeur (« {1} »)")),
    (r"argument (\S+): invalid int value: '(.*)'", _argument("{0}: « {1} » n’est pas un nombre entier")),
    (r"argument (\S+): invalid float value: '(.*)'", _argument("{0}: « {1} » n’est pas un nombre")),
    (r"argument (\S+): invalid \S+ value: '(.*)'", _argument("{0}: valeur incorrecte « {1} »")),
    (r"one of the arguments (.+) is required", _argument("il faut l’une des options {0}")),
    (r"ambiguous option: (\S+) could match (.+)", _argument("option ambiguë {0} : elle peut désigner {1}")),
)


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    parser = FrenchParser(prog=PROG, description="Le bulletin « chiffres clés » de Petites villes de demain.",
                          epilog=f"« {PROG} COMMANDE --help » décrit chaque commande, avec un exemple.")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}",
                        help="affiche la version et s’arrête")
    parser.add_argument("-v", "--verbose", action="store_true", help="dit ce qui est fait, étape par étape, avec "
                        "sa durée (aussi après la commande)")
    commands = parser.add_subparsers(dest="command", required=True, title="commandes", metavar="COMMANDE")
    for name in COMMANDS:
        examples = EXAMPLES[name]
        epilog = ("exemple" if len(examples) == 1 else "exemples") + " :\n" + "\n".join(f"  {e}" for e in examples)
        sub = commands.add_parser(name, help=COMMANDS[name], description=COMMANDS[name], epilog=epilog)
        sub.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="dit ce qui est fait, étape par étape, avec sa durée")
        _COMMAND_OPTIONS[name](sub)
    return parser


def _edition_options(sub: argparse.ArgumentParser) -> None:
    where = sub.add_mutually_exclusive_group()
    where.add_argument("--edition", metavar="AAAA-MM", help="le mois de l’édition (par défaut : la dernière de "
                       "data/editions)")
    where.add_argument("--data-dir", metavar="DOSSIER", type=Path, help="un dossier d’édition n’importe où")
    sub.add_argument("--layout", metavar="FICHIER", type=Path, help="la mise en page YAML (par défaut : "
                     "layouts/pvd-chiffres-cles.yaml, ou celle de bulletin.toml)")
    sub.add_argument("--theme", metavar="FICHIER", type=Path, help="le thème YAML (par défaut : celui de la mise "
                     "en page)")
    sub.add_argument("--fonts-dir", metavar="DOSSIER", type=Path, help="le dossier des polices du thème (Marianne…), "
                     "cherché en premier")


def _draft_and_territory(sub: argparse.ArgumentParser, batch: bool) -> None:
    sub.add_argument("--draft", action="store_true", help="brouillon : filigrane « BROUILLON », valeurs "
                     "illustratives admises")
    which = sub.add_mutually_exclusive_group()
    which.add_argument("--territory", metavar="dep:NN|reg:NN", help="l’édition d’un département (dep:58) ou d’une "
                       "région (reg:27), calculée depuis le registre des communes")
    if batch:
        which.add_argument("--territories", choices=TERRITORY_SETS, help="les éditions de tous les départements, "
                           "de toutes les régions, ou des deux (all)")
        sub.add_argument("--jobs", metavar="N", type=int, help="avec --territories : processus en parallèle "
                         "(2 par défaut)")


def _build_options(sub: argparse.ArgumentParser) -> None:
    _edition_options(sub)
    sub.add_argument("--output", metavar="CHEMIN", type=Path, help="le fichier PDF (avec --territories : le dossier "
                     "des PDF)")
    _draft_and_territory(sub, batch=True)


def _check_options(sub: argparse.ArgumentParser) -> None:
    _edition_options(sub)
    _draft_and_territory(sub, batch=True)
    sub.add_argument("--format", choices=("text", "json"), default="text", help="text (par défaut) : lignes "
                     "Error:/Warning: ; json : un document JSON des problèmes sur la sortie standard")


def _preview_options(sub: argparse.ArgumentParser) -> None:
    _edition_options(sub)
    sub.add_argument("--output", metavar="DOSSIER", type=Path, help="le dossier des images PNG (par défaut : "
                     "out/preview/AAAA-MM)")
    _draft_and_territory(sub, batch=False)


def _watch_options(sub: argparse.ArgumentParser) -> None:
    _preview_options(sub)
    sub.add_argument("--interval", metavar="SECONDES", type=float, default=1.0,
                     help="tous les combien regarder si un fichier a changé (1 s par défaut)")


def _import_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("files", metavar="FICHIER", type=Path, nargs="+",
                     help="un classeur .xlsx (feuilles figures et series), ou figures.csv et series.csv")
    sub.add_argument("--edition", metavar="AAAA-MM", required=True, help="le mois de la nouvelle édition")
    sub.add_argument("--onto", metavar="AAAA-MM",
                     help="compléter une copie de cette édition avec les données (partielles) du partenaire")
    sub.add_argument("--published", metavar="AAAA-MM-JJ", help="la date de publication (par défaut : aujourd’hui)")
    sub.add_argument("--editions-dir", metavar="DOSSIER", type=Path, help="le dossier des éditions (par défaut : "
                     "data/editions)")


def _new_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("month", metavar="AAAA-MM", help="le mois de la nouvelle édition")
    sub.add_argument("--published", metavar="AAAA-MM-JJ", help="la date de publication (par défaut : aujourd’hui)")
    sub.add_argument("--editions-dir", metavar="DOSSIER", type=Path, help="le dossier des éditions (par défaut : "
                     "data/editions)")


def _init_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("directory", metavar="DOSSIER", type=Path, help="le dossier à créer (nouveau ou vide)")


def _diff_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--from", dest="old", metavar="AAAA-MM", help="l’édition la plus ancienne (par défaut : celle "
                     "d’avant --to)")
    sub.add_argument("--to", dest="new", metavar="AAAA-MM", help="l’édition la plus récente (par défaut : la "
                     "dernière)")
    sub.add_argument("--format", choices=FORMATS, default="table", help="table (par défaut), csv ou json")
    sub.add_argument("--editions-dir", metavar="DOSSIER", type=Path, help="le dossier des éditions (par défaut : "
                     "data/editions)")


def _archive_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("action", nargs="?", choices=("list", "verify", "reindex", "extract"),
                     help="aucune : archiver --edition ; list ; verify [AAAA-MM] ; reindex ; extract FICHIER.pdf")
    sub.add_argument("target", nargs="?", metavar="MOIS|PDF", help="verify : le mois (par défaut : tous) ; "
                     "extract : le PDF")
    sub.add_argument("--edition", metavar="AAAA-MM", help="l’édition à archiver (par défaut : la dernière)")
    sub.add_argument("--data-dir", metavar="DOSSIER", type=Path, help="un dossier d’édition n’importe où")
    sub.add_argument("--layout", metavar="FICHIER", type=Path, help="la mise en page YAML")
    sub.add_argument("--theme", metavar="FICHIER", type=Path, help="le thème YAML (par défaut : celui de la mise "
                     "en page)")
    sub.add_argument("--fonts-dir", metavar="DOSSIER", type=Path, help="le dossier des polices du thème")
    sub.add_argument("--archive-dir", metavar="DOSSIER", type=Path, help="le dossier d’archive (par défaut : "
                     "archive/, ou celui de bulletin.toml)")
    sub.add_argument("--reissue", action="store_true",
                     help="archiver une version corrigée d’un mois archivé, à côté des précédentes")
    sub.add_argument("--reason", metavar="TEXTE", help="avec --reissue : ce qui a été corrigé (une ligne)")
    sub.add_argument("--territories", choices=TERRITORY_SETS,
                     help="archiver aussi les éditions territoriales du mois (départements, régions ou les deux)")
    sub.add_argument("--jobs", metavar="N", type=int, help="avec --territories : processus en parallèle (2 par défaut)")
    sub.add_argument("--output", metavar="DOSSIER", type=Path, help="extract : où écrire les données (par défaut : "
                     "out/<nom du pdf>-donnees, jamais dans l’archive)")


def _send_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--edition", metavar="AAAA-MM", required=True, help="l’édition archivée (sa dernière version)")
    sub.add_argument("--recipients", metavar="FICHIER", type=Path, help="CSV : email,name[,organisation] ou "
                     "courriel,nom[,organisme][,territoire] (facultatif avec --status)")
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument("--send", action="store_true", help="envoyer pour de bon (par défaut : essai à blanc)")
    mode.add_argument("--status", action="store_true", help="lister qui a reçu quelle version, qui a échoué, qui "
                      "attend")
    sub.add_argument("--erratum", action="store_true",
                     help="envoyer le rectificatif de la dernière version à ceux qui en ont reçu une précédente")
    sub.add_argument("--archive-dir", metavar="DOSSIER", type=Path, help="le dossier d’archive (par défaut : "
                     "archive/, ou celui de bulletin.toml)")
    sub.add_argument("--config", metavar="FICHIER", type=Path, help="les réglages d’envoi (par défaut : "
                     "layouts/pvd-mail.yaml)")
    sub.add_argument("--smtp-host", metavar="SERVEUR", help="le serveur SMTP")
    sub.add_argument("--smtp-port", metavar="PORT", help="son port")
    sub.add_argument("--smtp-security", metavar="none|starttls|tls", help="la sécurité de la connexion")
    sub.add_argument("--retry-delay", metavar="SECONDES", help="le premier délai avant de réessayer (doublé "
                     "ensuite)")
    sub.add_argument("--max-size-mb", metavar="Mo", help="la taille maximale d’un message (10 par défaut)")
    sub.add_argument("--out-dir", metavar="DOSSIER", type=Path,
                     help="essai à blanc : où écrire les fichiers .eml (par défaut : out/mail)")


_COMMAND_OPTIONS = {"build": _build_options, "check": _check_options, "preview": _preview_options,
                    "watch": _watch_options, "import": _import_options, "new": _new_options, "init": _init_options,
                    "diff": _diff_options, "archive": _archive_options, "send": _send_options}


# ---- options that do not go together -----------------------------------------------------------------

ARCHIVE_ACTIONS_TAKE = {"list": (), "reindex": (), "verify": ("target",),
                        "extract": ("target", "--output")}
ARCHIVING_OPTIONS = ("--edition", "--data-dir", "--layout", "--theme", "--fonts-dir", "--reissue", "--reason",
                     "--territories", "--jobs", "--output")
SENDING_OPTIONS = ("--send", "--erratum", "--config", "--smtp-host", "--smtp-port", "--smtp-security",
                   "--retry-delay", "--max-size-mb", "--out-dir")


def given(args: argparse.Namespace, option: str) -> bool:
    """True when ``option`` (``--data-dir``, or ``target``) was given on the command line."""
    dest = {"--from": "old", "--to": "new"}.get(option, option.lstrip("-").replace("-", "_"))
    value = getattr(args, dest, None)
    return value is not None and value is not False  # not ``in (None, False)``: 0 == False, and --jobs 0 is given


def refuse_conflicts(args: argparse.Namespace) -> None:
    """A UsageError (exit 2) naming both options when two do not go together, or one has no use here."""
    command = args.command
    needs = {"--jobs": "--territories", "--reason": "--reissue"}
    for option, required in needs.items():
        if given(args, option) and not given(args, required):
            _refuse(option, f"ne sert qu’avec {required}", f"ajoutez {required}, ou retirez {option}")
    if command in ("build", "check", "archive") and given(args, "--territories") and given(args, "--territory"):
        _refuse("--territory", "ne va pas avec --territories", "une édition (--territory) ou toutes (--territories)")
    if command == "check" and args.format == "json" and given(args, "--territories"):
        _refuse("--format", "json ne va pas avec --territories", "vérifiez un territoire à la fois (--territory)")
    if command == "build" and given(args, "--territories") and given(args, "--output"):
        _output_folder(args.output)
    if command == "archive":
        _archive_conflicts(args)
    if command == "send":
        _send_conflicts(args)


def _archive_conflicts(args: argparse.Namespace) -> None:
    if args.action is None:
        if given(args, "--edition") and given(args, "--data-dir"):
            _refuse("--data-dir", "ne va pas avec --edition", "gardez-en un : le mois, ou le dossier")
        if given(args, "--output"):
            _refuse("--output", "ne sert qu’avec archive extract", "archive --edition AAAA-MM archive le mois ; "
                    "archive extract FICHIER.pdf --output DOSSIER en extrait les données")
        return
    allowed = ARCHIVE_ACTIONS_TAKE[args.action]
    for option in ("target", *ARCHIVING_OPTIONS):
        if given(args, option) and option not in allowed:
            where = quoted(args.target) if option == "target" else option
            _refuse(where, f"ne va pas avec archive {args.action}", _archive_hint(args.action))


def _archive_hint(action: str) -> str:
    return {"list": "archive list ne prend que --archive-dir",
            "reindex": "archive reindex ne prend que --archive-dir",
            "verify": "archive verify [AAAA-MM] [--archive-dir DOSSIER]",
            "extract": "archive extract FICHIER.pdf [--output DOSSIER] [--archive-dir DOSSIER]"}[action]


def _send_conflicts(args: argparse.Namespace) -> None:
    if args.status:
        for option in SENDING_OPTIONS:
            if given(args, option):
                _refuse(option, "ne va pas avec --status", f"--status ne fait que lire le journal : retirez {option}")


def _output_folder(output: Path) -> None:
    if output.suffix.lower() == ".pdf" or output.is_file():
        _refuse("--output", f"avec --territories, c’est le dossier des PDF, pas un fichier : {output}",
                "donnez un dossier, par exemple --output out/territoires")


def _refuse(where: str, message: str, hint: str) -> NoReturn:
    raise UsageError(Problem(Where(where), message, hint))
