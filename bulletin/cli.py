"""Command line: a thin layer over :mod:`bulletin.build` (``make_bulletin.py`` and ``bulletin``).

Exit codes: 0 success, 1 user error (``Error:`` lines naming file, line or key, and the fix),
2 bad usage. Warnings go to stderr as ``Warning:`` lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
from pathlib import Path

from bulletin import __version__
from bulletin.build import BuildRequest, build, check
from bulletin.edition import MONTH_PATTERN, load_edition
from bulletin.errors import BulletinError, Problem, Where
from bulletin.history import diff_editions, edition_folders, find_edition, previous_edition, series_warnings
from bulletin.recipients import read_recipients
from bulletin.report import FORMATS, render_changes

log = logging.getLogger("bulletin")

EXAMPLES = {
    "build": "example: make_bulletin.py build --edition 2022-02 --output out/pvd-2022-02.pdf",
    "check": "example: make_bulletin.py check --data-dir data/editions/2022-02",
    "preview": "example: make_bulletin.py preview --edition 2022-02 --output out/preview",
    "import": "example: make_bulletin.py import chiffres-mars.xlsx --edition 2022-03 --published 2022-03-15",
    "diff": "example: make_bulletin.py diff --from 2022-01 --to 2022-02 --format csv  (default: the latest "
            "edition against the one before)",
    "send": "examples: make_bulletin.py send --edition 2022-02 --recipients partenaires.csv  (dry run; add --send) ; "
            "make_bulletin.py send --edition 2022-02 --recipients partenaires.csv --erratum --send ; "
            "make_bulletin.py send --status --edition 2022-02",
    "archive": "examples: make_bulletin.py archive --edition 2022-02 ; make_bulletin.py archive --edition 2022-02 "
               "--reissue --reason \"taux ORT corrigé\" ; make_bulletin.py archive list ; "
               "make_bulletin.py archive verify 2022-02 ; make_bulletin.py archive reindex ; "
               "make_bulletin.py archive extract archive/2022-02/x.pdf --output out/donnees",
}


def project_root() -> Path:
    """The folder holding data/ and layouts/: the current one if it has them, else the package's."""
    here = Path.cwd()
    return here if (here / "layouts").is_dir() else Path(__file__).resolve().parent.parent


def latest_edition(editions: Path) -> Path:
    """The most recent ``YYYY-MM`` folder in ``editions``."""
    months = edition_folders(editions)
    if not months:
        raise BulletinError(Problem(Where(editions), "no edition folder (YYYY-MM) found",
                                    "create data/editions/YYYY-MM/ or pass --data-dir"))
    return months[-1]


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    parser = argparse.ArgumentParser(prog="make_bulletin.py", description="PVD « chiffres clés » bulletin generator.")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what is being done")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("build", "build the PDF"), ("check", "check data, layout and fit; write nothing"),
                           ("preview", "build and render every page to PNG")):
        sub = commands.add_parser(name, help=helptext, description=helptext, epilog=EXAMPLES[name])
        _common_options(sub, name)
    _import_parser(commands)
    _diff_parser(commands)
    _archive_parser(commands)
    _send_parser(commands)
    return parser


def _send_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    text = "e-mail an archived edition to partners (dry run by default: writes .eml files), or show who received it"
    sub = commands.add_parser("send", help=text, description=text, epilog=EXAMPLES["send"])
    sub.add_argument("--edition", metavar="YYYY-MM", required=True, help="the archived edition (its latest version)")
    sub.add_argument("--recipients", metavar="FILE", type=Path,
                     help="CSV: email,name[,organisation] or courriel,nom[,organisme] (optional with --status)")
    mode = sub.add_mutually_exclusive_group()
    mode.add_argument("--send", action="store_true", help="really send (default: dry run)")
    mode.add_argument("--status", action="store_true", help="list who received which version, who failed, who waits")
    sub.add_argument("--erratum", action="store_true",
                     help="send the rectificatif of the latest version to those who received an earlier one")
    sub.add_argument("--archive-dir", metavar="DIR", type=Path, default=Path("archive"), help="default: archive/")
    sub.add_argument("--config", metavar="FILE", type=Path, help="mail settings (default: layouts/pvd-mail.yaml)")
    sub.add_argument("--smtp-host", metavar="HOST")
    sub.add_argument("--smtp-port", metavar="PORT")
    sub.add_argument("--smtp-security", metavar="none|starttls|tls")
    sub.add_argument("--retry-delay", metavar="SECONDS", help="first retry delay (doubles each time)")
    sub.add_argument("--max-size-mb", metavar="MB", help="largest encoded message (default 10)")
    sub.add_argument("--out-dir", metavar="DIR", type=Path, default=Path("out") / "mail",
                     help="dry run: where the .eml files go (default: out/mail)")


def _archive_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    text = "archive an edition (immutable) or re-issue it; list, verify, reindex, extract archived editions"
    sub = commands.add_parser("archive", help=text, description=text, epilog=EXAMPLES["archive"])
    sub.add_argument("action", nargs="?", choices=("list", "verify", "reindex", "extract"),
                     help="none: archive --edition; list; verify [YYYY-MM]; reindex; extract FILE.pdf")
    sub.add_argument("target", nargs="?", help="verify: the month (default: all); extract: the PDF")
    sub.add_argument("--edition", metavar="YYYY-MM", help="edition to archive (default: the latest)")
    sub.add_argument("--data-dir", metavar="DIR", type=Path, help="an edition folder anywhere")
    sub.add_argument("--layout", metavar="FILE", type=Path, help="layout YAML")
    sub.add_argument("--fonts-dir", metavar="DIR", type=Path, help="folder of the theme's font files")
    sub.add_argument("--archive-dir", metavar="DIR", type=Path, default=Path("archive"), help="default: archive/")
    sub.add_argument("--reissue", action="store_true",
                     help="archive a corrected version of an archived month, beside the earlier ones")
    sub.add_argument("--reason", metavar="TEXT", help="with --reissue: what was corrected (one line)")
    sub.add_argument("--output", metavar="DIR", type=Path,
                     help="extract: where to write the data (default: out/<pdf name>-donnees, never in the archive)")


def _import_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    text = "turn a workbook (.xlsx) or a CSV export into a new edition folder (never overwrites)"
    sub = commands.add_parser("import", help=text, description=text, epilog=EXAMPLES["import"])
    sub.add_argument("file", type=Path, help=".xlsx workbook (sheets figures, series) or a figures/series CSV")
    sub.add_argument("--edition", metavar="YYYY-MM", required=True, help="month of the new edition")
    sub.add_argument("--published", metavar="YYYY-MM-DD", help="publication date (default: today)")
    sub.add_argument("--editions-dir", metavar="DIR", type=Path, help="default: data/editions")


def _diff_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    text = "list what changed between two editions: figures (value, unit, status, date, source) and series points"
    sub = commands.add_parser("diff", help=text, description=text, epilog=EXAMPLES["diff"])
    sub.add_argument("--from", dest="old", metavar="YYYY-MM", help="the earlier edition (default: the one before --to)")
    sub.add_argument("--to", dest="new", metavar="YYYY-MM", help="the later edition (default: the latest)")
    sub.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv or json")
    sub.add_argument("--editions-dir", metavar="DIR", type=Path, help="default: data/editions")


def _common_options(sub: argparse.ArgumentParser, name: str) -> None:
    where = sub.add_mutually_exclusive_group()
    where.add_argument("--edition", metavar="YYYY-MM", help="edition month (default: the latest in data/editions)")
    where.add_argument("--data-dir", metavar="DIR", type=Path, help="an edition folder anywhere")
    sub.add_argument("--layout", metavar="FILE", type=Path, help="layout YAML (default: layouts/pvd-chiffres-cles.yaml)")
    sub.add_argument("--fonts-dir", metavar="DIR", type=Path, help="folder of the theme's font files (e.g. Marianne)")
    if name != "check":
        sub.add_argument("--output", metavar="PATH", type=Path,
                         help="PDF file (build) or PNG folder (preview)")
    sub.add_argument("--draft", action="store_true",
                     help="brouillon : filigrane « BROUILLON », valeurs illustratives admises")


def request_from(args: argparse.Namespace) -> BuildRequest:
    """Turn parsed arguments into a build request, resolving defaults."""
    root = project_root()
    if args.data_dir:
        edition_dir = args.data_dir
    elif args.edition:
        edition_dir = root / "data" / "editions" / _month(args.edition, "--edition")
    else:
        edition_dir = latest_edition(root / "data" / "editions")
    layout = args.layout or root / "layouts" / "pvd-chiffres-cles.yaml"
    output = getattr(args, "output", None) if args.command == "build" else None
    return BuildRequest(edition_dir, layout, output, getattr(args, "draft", False), args.fonts_dir)


def _month(text: str, option: str) -> str:
    if not MONTH_PATTERN.match(text):
        raise BulletinError(f"{option} {text!r} is not a month YYYY-MM")
    return text


def _import(args: argparse.Namespace) -> int:
    from bulletin.importer import import_edition

    published = None
    if args.published:
        try:
            published = dt.date.fromisoformat(args.published)
        except ValueError:
            raise BulletinError(f"--published {args.published!r} is not a date YYYY-MM-DD") from None
    editions = args.editions_dir or project_root() / "data" / "editions"
    folder = import_edition(args.file, _month(args.edition, "--edition"), editions, published)
    print(f"Created {folder}. Next: make_bulletin.py check --edition {args.edition}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    editions = args.editions_dir or project_root() / "data" / "editions"
    new_month = _month(args.new, "--to") if args.new else latest_edition(editions).name
    old_month = _month(args.old, "--from") if args.old else previous_edition(editions, new_month)
    if old_month >= new_month:
        raise BulletinError(Problem(Where("--from"), f"--from {old_month} doit précéder --to {new_month}",
                                    "indiquez d’abord l’édition la plus ancienne"))
    old = load_edition(find_edition(editions, old_month))
    new = load_edition(find_edition(editions, new_month))
    _warn(series_warnings(new))
    sys.stdout.write(render_changes(diff_editions(old, new), args.format))
    return 0


def _archive(args: argparse.Namespace) -> int:
    from bulletin import archive

    if (args.reissue or args.reason is not None) and args.action is not None:
        raise BulletinError(Problem(Where("--reissue"), f"--reissue et --reason ne vont pas avec archive {args.action}",
                                    "réémettez avec : make_bulletin.py archive --edition AAAA-MM --reissue "
                                    "--reason « … »"))
    if args.reason is not None and not args.reissue:
        raise BulletinError(Problem(Where("--reason"), "--reason ne sert qu’avec --reissue",
                                    "ajoutez --reissue pour archiver une version corrigée"))
    if args.action is None:
        done = archive.archive_edition(request_from(args), args.archive_dir, (args.reason or "") if args.reissue else None)
        _warn(list(done.warnings))
        _print_archived(done)
    elif args.action == "list":
        _print_versions(archive.list_editions(args.archive_dir))
    elif args.action == "verify":
        _verify(args)
    elif args.action == "reindex":
        rebuilt = archive.reindex(args.archive_dir)
        print(f"Catalogue reconstruit depuis les manifestes : {len(rebuilt)} version(s) de "
              f"{len({v.month for v in rebuilt})} édition(s). Le journal des envois n’a pas été modifié. "
              f"Vérifiez les fichiers : make_bulletin.py archive verify --archive-dir {args.archive_dir}")
    else:
        _extract(args)
    return 0


def _print_archived(done) -> None:  # type: ignore[no-untyped-def]
    if done.version == 1:
        print(f"Archivé : {done.folder} (version 1).")
        return
    print(f"Archivé : {done.folder} (version {done.version}, à côté des versions précédentes, inchangées).")
    print(f"Pour prévenir ceux qui ont reçu une version précédente : make_bulletin.py send --edition {done.month} "
          "--recipients FICHIER --erratum")


def _print_versions(rows) -> None:  # type: ignore[no-untyped-def]
    for row in rows:
        reason = f"  motif : {row.reason}" if row.reason else ""
        print(f"{row.month}  v{row.version}  {row.folder}/{row.pdf}  sha256 {row.pdf_sha256[:16]}…  {row.tool_version}"
              f"  archivé le {row.archived_at}{reason}")


def _verify(args: argparse.Namespace) -> None:
    from bulletin import archive

    month = _month(args.target, "verify") if args.target else None
    checked, problems = archive.verify(args.archive_dir, month)
    if problems:
        raise BulletinError(problems)
    if not checked:
        raise BulletinError(Problem(Where(args.archive_dir), "aucune édition archivée ici : rien à vérifier",
                                    "indiquez le bon --archive-dir"))
    print(f"OK : {len(checked)} version(s) vérifiée(s) dans {args.archive_dir} : chaque somme de contrôle "
          "correspond et chaque PDF se reconstruit à l’identique.")


def _extract(args: argparse.Namespace) -> None:
    from bulletin import archive

    if not args.target:
        raise BulletinError(Problem(Where("archive extract"), "il manque le PDF",
                                    "make_bulletin.py archive extract FICHIER.pdf [--output DOSSIER]"))
    pdf = Path(args.target)
    output = args.output or archive.default_output(pdf)
    archive.refuse_inside_archive(output, args.archive_dir)
    for path in archive.extract(pdf, output):
        print(f"Écrit : {path}")


OUTCOME_FR = {"sent": "envoyé", "already-sent": "déjà envoyé (rien de nouveau)", "failed": "ÉCHEC",
              "written": "écrit (essai à blanc)",
              "earlier-version": "non envoyé : a reçu une version précédente (rectificatif : --erratum)",
              "never-received": "non envoyé : n’a reçu aucune version (envoyez l’édition sans --erratum)"}
STATUS_FR = {"current": "reçu", "earlier": "version précédente", "failed": "échec", "pending": "en attente"}


def _send(args: argparse.Namespace) -> int:
    from bulletin import mail, send

    month = _month(args.edition, "--edition")
    if args.status:
        return _status(args, month)
    if args.recipients is None:
        raise BulletinError(Problem(Where("--recipients"), "il manque le fichier des destinataires",
                                    "ajoutez --recipients partenaires.csv"))
    overrides = {"host": args.smtp_host, "port": args.smtp_port, "security": args.smtp_security,
                 "retry_delay": args.retry_delay, "max_size_mb": args.max_size_mb}
    config = mail.load_mail_config(args.config or project_root() / "layouts" / "pvd-mail.yaml", overrides)
    sending = send.prepare(month, args.archive_dir, config, args.erratum)
    recipients = read_recipients(args.recipients)
    if args.send:
        outcomes = send.deliver(sending, recipients, args.erratum, send.terminal_progress)
    else:
        outcomes = send.write_dry_run(sending, recipients, args.erratum, args.out_dir / month)
    counts = dict.fromkeys(OUTCOME_FR, 0)
    for outcome in outcomes:
        counts[outcome.state] += 1
        _print_outcome(outcome)
    _print_counts(counts, sending.issue.version)
    if counts["failed"]:
        raise BulletinError(Problem(Where(args.recipients), f"{counts['failed']} destinataire(s) n’ont pas reçu "
                                    "l’édition", "relancez send pour les réessayer (les autres ne recevront rien "
                                    "de plus)"))
    return 0


def _print_outcome(outcome) -> None:  # type: ignore[no-untyped-def]
    label = OUTCOME_FR[outcome.state]
    if outcome.kind == "erratum" and outcome.state in ("sent", "written", "failed"):
        label = "rectificatif " + label if outcome.state != "failed" else label + " (rectificatif)"
    detail = f" : {outcome.detail}" if outcome.detail else ""
    print(f"{outcome.recipient.email}  {label}{detail}", flush=True)


def _print_counts(counts: dict[str, int], version: int) -> None:
    skipped = counts["already-sent"] + counts["earlier-version"] + counts["never-received"]
    print(f"Version {version} : {counts['sent']} envoyé(s), {skipped} non envoyé(s) (déjà servis ou hors de ce mode), "
          f"{counts['failed']} échec(s), {counts['written']} message(s) écrit(s) sans envoi.")


def _status(args: argparse.Namespace, month: str) -> int:
    from bulletin import archive, send

    if args.erratum:
        raise BulletinError(Problem(Where("--erratum"), "--erratum ne va pas avec --status", "retirez --erratum"))
    checked = archive.checked_version(args.archive_dir, month)
    recipients = read_recipients(args.recipients) if args.recipients else None
    lines = send.delivery_status(send.journal_rows(args.archive_dir, month), checked.row.version, recipients)
    for row in (*checked.earlier, checked.row):
        reason = f" : {row.reason}" if row.reason else ""
        print(f"Édition {month}, version {row.version} archivée le {row.archived_at}{reason}")
    width = max([len(line.email) for line in lines] + [8])
    for line in lines:
        detail = f"  {line.detail}" if line.detail else ""
        print(f"{line.email.ljust(width)}  {STATUS_FR[line.state]:<18}  {line.received}{detail}")
    counts = {state: sum(line.state == state for line in lines) for state in STATUS_FR}
    print(f"{len(lines)} destinataire(s) : {counts['current']} à jour (version {checked.row.version}), "
          f"{counts['earlier']} avec une version précédente seulement, {counts['failed']} en échec, "
          f"{counts['pending']} en attente.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Execute one sub-command; return the exit code."""
    if args.command in ("import", "diff", "archive", "send"):
        return {"import": _import, "diff": _diff, "archive": _archive, "send": _send}[args.command](args)
    request = request_from(args)
    if args.command == "check":
        for warning in check(request):
            print(f"Warning: {warning}", file=sys.stderr)
        print(f"OK: {request.edition_dir} and {request.layout_path} are valid and every block fits.")
        return 0
    if args.command == "build":
        path, prepared = build(request)
        _warn(prepared.warnings)
        print(f"Wrote {path} ({len(prepared.pages)} pages).")
        return 0
    return _preview(args, request)


def _preview(args: argparse.Namespace, request: BuildRequest) -> int:
    from bulletin.preview import render_png

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "preview.pdf"
        _, prepared = build(BuildRequest(request.edition_dir, request.layout_path, pdf, request.draft, request.fonts_dir))
        target = args.output or Path("out") / "preview" / prepared.edition.month
        pngs = render_png(pdf, target)
    _warn(prepared.warnings)
    print(f"Wrote {len(pngs)} PNG pages to {target}.")
    return 0


def _warn(warnings: list[Problem]) -> None:
    for warning in warnings:
        print(f"Warning: {warning}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``make_bulletin.py`` and the ``bulletin`` console script."""
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    logging.addLevelName(logging.WARNING, "Warning")
    try:
        return run(args)
    except BulletinError as exc:
        for problem in exc.problems:
            print(f"Error: {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
