"""Command line: a thin layer over :mod:`bulletin.build` (``make_bulletin.py`` and ``bulletin``).

Input: the parsed arguments (:mod:`bulletin.arguments`). Output: what the user reads, in French, and
the exit code: 0 success, 1 user error (``Error:`` lines naming file, line or key, then ``hint:``),
2 bad usage. Warnings go to stderr as ``Warning:`` lines; ``-v`` logs each stage with its time.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import re
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.arguments import UsageError, make_parser, refuse_conflicts
from bulletin.build import BuildRequest, Prepared, build, check, read_files
from bulletin.data.edition import MONTH_PATTERN, load_edition
from bulletin.errors import COMMAND, BulletinError, Interrupted, Problem, RenderError, Where, os_reason, quoted
from bulletin.files import make_folder, staging_folder
from bulletin.data.history import diff_editions, edition_folders, find_edition, previous_edition, series_warnings
from bulletin.outputs import refuse_inside_archive, refuse_unsafe_output
from bulletin.project import Project, current_project, init_project
from bulletin.report import render_changes, render_problems
from bulletin.stages import stage

if TYPE_CHECKING:
    from bulletin.data.importer import Created

__all__ = ["main", "make_parser", "run"]
log = logging.getLogger("bulletin")


def latest_edition(editions: Path) -> Path:
    """The most recent ``YYYY-MM`` folder in ``editions``."""
    months = edition_folders(editions)
    if not months:
        raise BulletinError(Problem(Where(editions), "aucun dossier d’édition (AAAA-MM) ici",
                                    f"créez-en un avec {COMMAND} new AAAA-MM ou import, ou donnez --data-dir"))
    return months[-1]


def request_from(args: argparse.Namespace) -> BuildRequest:
    """Turn parsed arguments into a build request, resolving defaults (options, then bulletin.toml)."""
    project: Project = args.project
    if args.data_dir:
        edition_dir = args.data_dir
        if not edition_dir.is_dir():
            raise BulletinError(Problem(Where(edition_dir), "dossier d’édition introuvable",
                                        "donnez un dossier existant avec --data-dir, ou un mois avec --edition"))
    elif args.edition:
        edition_dir = find_edition(project.editions, _month(args.edition, "--edition"))
    else:
        edition_dir = latest_edition(project.editions)
    output = getattr(args, "output", None) if args.command == "build" else None
    return BuildRequest(edition_dir, args.layout, output, getattr(args, "draft", False), args.fonts_dir,
                        args.theme, project.out, getattr(args, "territory", None) or "", project.outlines)


def apply_project(args: argparse.Namespace) -> Project:
    """Fill the options not given from bulletin.toml (or the defaults): the command line wins."""
    project = current_project()
    defaults = {"editions_dir": project.editions, "layout": project.layout, "theme": project.theme,
                "fonts_dir": project.fonts, "archive_dir": project.archive, "config": project.mail,
                "out_dir": project.out / "mail"}
    for name, value in defaults.items():
        if getattr(args, name, "absent") is None:
            setattr(args, name, value)
    args.project = project
    return project


def _month(text: str, option: str) -> str:
    if not MONTH_PATTERN.match(text):
        raise BulletinError(Problem(Where(option), f"{quoted(text)} n’est pas un mois AAAA-MM",
                                    "écrivez par exemple 2022-03"))
    return text


def _published(args: argparse.Namespace) -> dt.date | None:
    if not args.published:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", args.published):  # fromisoformat takes « 20220315 »
            raise ValueError(args.published)
        return dt.date.fromisoformat(args.published)
    except ValueError:
        raise BulletinError(Problem(Where("--published"), f"{quoted(args.published)} n’est pas une date AAAA-MM-JJ",
                                    "écrivez par exemple 2022-03-15")) from None


def _guard_new_edition(args: argparse.Namespace, sources: list[Path]) -> None:
    """The editions folder may not be an edition folder (or inside one), nor in the archive."""
    refuse_unsafe_output(args.editions_dir, sources, "--editions-dir", args.project.archive)


def _import(args: argparse.Namespace) -> int:
    from bulletin.data.importer import import_edition

    month = _month(args.edition, "--edition")
    onto = _month(args.onto, "--onto") if args.onto else None
    _guard_new_edition(args, args.files)
    created = import_edition(args.files, month, args.editions_dir, _published(args), onto)
    if onto:
        _print_changes(created, onto)
    print(f"Édition créée : {created.folder}. Ensuite : {COMMAND} check --edition {month}")
    return 0


def _print_changes(created: Created, onto: str) -> None:
    changes = created.changes
    print(f"Édition {created.folder.name} créée à partir de {onto}, complétée par les données du partenaire :")
    for key, old, new in changes.changed:
        print(f"  modifié : {key} : {old} → {new}" if old else f"  modifié : {key} (champs : {new})")
    for key in changes.added:
        print(f"  ajouté : {key}")
    for point, old, new in changes.points_changed:
        print(f"  point de série modifié : {point} : {old} → {new}" if old else
              f"  point de série modifié : {point} (champs : {new})")
    for point in changes.points_added:
        print(f"  point de série ajouté : {point}")
    print(f"{len(changes.changed)} chiffre(s) modifié(s), {len(changes.added)} ajouté(s), "
          f"{len(changes.points_changed)} point(s) de série modifié(s), {len(changes.points_added)} ajouté(s), "
          f"{changes.unchanged} ligne(s) identique(s).")


def _new(args: argparse.Namespace) -> int:
    from bulletin.data.importer import new_edition

    month = _month(args.month, "new")
    _guard_new_edition(args, [])
    created = new_edition(month, args.editions_dir, _published(args))
    source = created.based_on.name if created.based_on else "?"
    print(f"Édition {month} créée dans {created.folder}, copie de {source} (NOTES.md n’est pas recopié).")
    print("À faire maintenant :")
    for step in (f"edition.yaml : relisez published: ({_published(args) or dt.date.today()}), réécrivez notes: "
                 "(et as_of: s’il y est)",
                 "figures.csv : pour chaque chiffre qui change, value, as_of, et source, status, note si besoin",
                 f"series.csv : un point par série mensuelle pour {month} (x = {month}-01)",
                 f"{COMMAND} check --edition {month}, puis diff --from {source} --to {month}",
                 f"{COMMAND} build --edition {month} et preview --edition {month} : regardez chaque page"):
        print(f"  - {step}")
    return 0


def _init(args: argparse.Namespace) -> int:
    files = init_project(args.directory)
    print(f"Projet créé dans {args.directory} ({len(files)} fichiers : bulletin.toml, layouts/, fonts/, "
          "data/editions/).")
    print(f"Ensuite : cd {args.directory} && bulletin check && bulletin build")
    return 0


def _diff(args: argparse.Namespace) -> int:
    editions = args.editions_dir
    new_month = find_edition(editions, _month(args.new, "--to")).name if args.new else latest_edition(editions).name
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
    from bulletin.publish import archive

    if args.action is None:
        from bulletin.territorial.batch import terminal_progress

        done = archive.archive_edition(request_from(args), args.archive_dir, (args.reason or "") if args.reissue else None,
                                       args.territories, args.jobs, terminal_progress)
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
              f"Vérifiez les fichiers : {COMMAND} archive verify --archive-dir {args.archive_dir}")
    else:
        _extract(args)
    return 0


def _print_archived(done) -> None:  # type: ignore[no-untyped-def]
    territorial = f", avec {done.territorial} édition(s) territoriale(s)" if done.territorial else ""
    if done.version == 1:
        print(f"Archivé : {done.folder} (version 1{territorial}).")
        return
    print(f"Archivé : {done.folder} (version {done.version}{territorial}, à côté des versions précédentes, inchangées).")
    print(f"Pour prévenir ceux qui ont reçu une version précédente : {COMMAND} send --edition {done.month} "
          "--recipients FICHIER --erratum")


def _print_versions(rows) -> None:  # type: ignore[no-untyped-def]
    for row in rows:
        reason = f"  motif : {row.reason}" if row.reason else ""
        print(f"{row.month}  v{row.version}  {row.folder}/{row.pdf}  sha256 {row.pdf_sha256[:16]}…  {row.tool_version}"
              f"  archivé le {row.archived_at}{reason}")


def _verify(args: argparse.Namespace) -> None:
    from bulletin.publish import archive

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
    from bulletin.publish import archive

    if not args.target:
        raise BulletinError(Problem(Where("archive extract"), "il manque le PDF",
                                    f"{COMMAND} archive extract FICHIER.pdf [--output DOSSIER]"))
    pdf = Path(args.target)
    output = args.output or archive.default_output(pdf)
    refuse_inside_archive(output, args.archive_dir, "--output" if args.output else "")
    for path in archive.extract(pdf, output):
        print(f"Écrit : {path}")


OUTCOME_FR = {"sent": "envoyé", "already-sent": "déjà envoyé (rien de nouveau)", "failed": "ÉCHEC",
              "written": "écrit (essai à blanc)",
              "earlier-version": "non envoyé : a reçu une version précédente (rectificatif : --erratum)",
              "never-received": "non envoyé : n’a reçu aucune version (envoyez l’édition sans --erratum)"}
STATUS_FR = {"current": "reçu", "earlier": "version précédente", "failed": "échec", "pending": "en attente"}


def _send(args: argparse.Namespace) -> int:
    from bulletin.publish import mail, send
    from bulletin.publish.recipients import read_recipients

    month = _month(args.edition, "--edition")
    if args.status:
        return _status(args, month)
    if args.recipients is None:
        raise BulletinError(Problem(Where("--recipients"), "il manque le fichier des destinataires",
                                    "ajoutez --recipients partenaires.csv"))
    overrides = {name: getattr(args, option.lstrip("-").replace("-", "_")) for name, option in mail.OPTIONS.items()}
    config = mail.load_mail_config(args.config, overrides)
    sending = send.prepare(month, args.archive_dir, config, args.erratum)
    recipients = read_recipients(args.recipients)
    sending = send.with_territories(sending, recipients)
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
    territory = f" ({outcome.recipient.territory})" if outcome.recipient.territory else ""
    print(f"{outcome.recipient.email}{territory}  {label}{detail}", flush=True)


def _print_counts(counts: dict[str, int], version: int) -> None:
    skipped = counts["already-sent"] + counts["earlier-version"] + counts["never-received"]
    print(f"Version {version} : {counts['sent']} envoyé(s), {skipped} non envoyé(s) (déjà servis ou hors de ce mode), "
          f"{counts['failed']} échec(s), {counts['written']} message(s) écrit(s) sans envoi.")


def _status(args: argparse.Namespace, month: str) -> int:
    from bulletin.publish import archive, send
    from bulletin.publish.recipients import read_recipients

    if args.erratum:
        raise BulletinError(Problem(Where("--erratum"), "--erratum ne va pas avec --status", "retirez --erratum"))
    checked = archive.checked_version(args.archive_dir, month)
    recipients = read_recipients(args.recipients) if args.recipients else None
    lines = send.delivery_status(send.journal_rows(args.archive_dir, month), checked.row.version, recipients)
    for row in (*checked.earlier, checked.row):
        reason = f" : {row.reason}" if row.reason else ""
        print(f"Édition {month}, version {row.version} archivée le {row.archived_at}{reason}")
    width = max([len(line.email) for line in lines] + [8])
    territorial = any(line.territory for line in lines)  # a column of territories only when there are some
    for line in lines:
        detail = f"  {line.detail}" if line.detail else ""
        territory = f"{line.territory or 'national':<8}  " if territorial else ""
        print(f"{line.email.ljust(width)}  {territory}{STATUS_FR[line.state]:<18}  {line.received}{detail}")
    counts = {state: sum(line.state == state for line in lines) for state in STATUS_FR}
    print(f"{len(lines)} destinataire(s) : {counts['current']} à jour (version {checked.row.version}), "
          f"{counts['earlier']} avec une version précédente seulement, {counts['failed']} en échec, "
          f"{counts['pending']} en attente.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Execute one sub-command; return the exit code."""
    refuse_conflicts(args)
    if args.command == "init":
        return _init(args)
    apply_project(args)
    handlers = {"import": _import, "new": _new, "diff": _diff, "archive": _archive, "send": _send, "watch": _watch}
    if args.command in handlers:
        return handlers[args.command](args)
    if args.command == "check" and args.format == "json":
        return _check_json(args)
    request = request_from(args)
    if args.command == "build" and request.output is not None:
        refuse_inside_archive(request.output, args.project.archive, "--output")
    if getattr(args, "territories", None):
        return _batch(args, request)
    if args.command == "check":
        for warning in check(request):
            print(f"Warning: {warning}", file=sys.stderr)
        print(f"OK : {request.edition_dir} et {request.layout_path} sont valables, et chaque bloc tient.")
        return 0
    if args.command == "build":
        path, prepared = build(request)
        _warn(prepared.warnings)
        print(f"Écrit : {path} ({len(prepared.pages)} pages).")
        return 0
    return _preview(args, request)


def _check_json(args: argparse.Namespace) -> int:
    """check --format json: the problems (errors and warnings) as one JSON document on stdout; exit 1 on errors."""
    request: BuildRequest | None = None
    try:
        request = request_from(args)
        problems = check(request)
    except BulletinError as exc:
        problems = exc.problems
    edition = str(request.edition_dir) if request else None
    layout = str(request.layout_path) if request else str(args.layout)
    sys.stdout.write(render_problems(problems, edition, layout))
    return 1 if any(not p.warning for p in problems) else 0


def _watch(args: argparse.Namespace) -> int:
    """Preview after every change; what no edit of the data can fix (an unknown edition, an --output that
    is refused) stops it at once, exit 1, before anything is written."""
    from bulletin.watch import watch

    request_from(args)
    _refuse_preview_output(args)

    def preview(request: BuildRequest) -> list[Path]:
        target, pngs, prepared = render_preview(args, request)
        _warn(prepared.warnings)
        print(f"Écrit : {len(pngs)} page(s) PNG dans {target}.", flush=True)
        return read_files(prepared)
    return watch(lambda: request_from(args), preview, args.interval)


def _batch(args: argparse.Namespace, request: BuildRequest) -> int:
    """build / check --territories: every territory over a process pool, then the summary."""
    from bulletin.territorial import batch

    if request.output is not None:  # --output names the folder of the PDFs: refused once, before the batch
        refuse_unsafe_output(request.output, [], "--output", args.project.archive)
        request = dataclasses.replace(request, output=None, out_dir=request.output)
    done = batch.run_batch(request, args.territories, args.jobs, args.command == "build", batch.terminal_progress)
    _warn_once([w for outcome in done.outcomes for w in outcome.warnings], len(done.outcomes))
    failed = [o for o in done.outcomes if o.failed]
    built = [o for o in done.outcomes if not o.failed]
    for outcome in built:
        if outcome.path is not None:
            print(f"Écrit : {outcome.path} ({outcome.pages} pages, {_size(outcome.size)}).")
    for outcome in failed:
        for problem in outcome.problems:
            print(f"Error: édition {outcome.territory} ({outcome.name}) : {problem}", file=sys.stderr)
    print(_batch_summary(done, args.command, built, failed))
    return 1 if failed else 0


def _batch_summary(done, command: str, built: list, failed: list) -> str:  # type: ignore[no-untyped-def]
    verb = "construite(s)" if command == "build" else "vérifiée(s)"
    kinds = f"{sum(o.territory.startswith('dep') for o in built)} départements, " \
            f"{sum(o.territory.startswith('reg') for o in built)} régions"
    text = f"{len(built)} édition(s) territoriale(s) {verb} ({kinds})"
    if command == "build":
        text += f" : {sum(o.pages for o in built)} pages, {_size(sum(o.size for o in built))}"
    text += f" ; {len(failed)} en échec" + (f" ({', '.join(o.territory for o in failed)})" if failed else "") + "."
    if len(done.skipped) > 10:
        text += f" {len(done.skipped)} territoires sans commune dans le registre n’ont pas d’édition."
    elif done.skipped:
        names = ", ".join(f"{t.name} ({t.code})" for t in done.skipped)
        text += f" Sans commune dans le registre, donc sans édition : {names}."
    return text


def _size(size: int) -> str:
    from bulletin.typography import fr_decimal

    return f"{fr_decimal(size / 1_000_000, 1)} Mo" if size >= 1_000_000 else f"{round(size / 1000)} ko"


def _warn_once(warnings: list[Problem], editions: int) -> None:
    """A warning every territory gives (a map left out) is printed once, with how many editions gave it."""
    counts: dict[str, int] = {}
    for warning in warnings:
        counts[str(warning)] = counts.get(str(warning), 0) + 1
    for text, count in counts.items():
        print(f"Warning: {text}" + (f"\n  ({count} éditions sur {editions})" if count > 1 else ""), file=sys.stderr)


def _preview(args: argparse.Namespace, request: BuildRequest) -> int:
    target, pngs, prepared = render_preview(args, request)
    _warn(prepared.warnings)
    print(f"Écrit : {len(pngs)} page(s) PNG dans {target}.")
    return 0


def _refuse_preview_output(args: argparse.Namespace) -> None:
    """An --output inside an edition folder or the archive is refused before anything is built."""
    if args.output is not None:
        refuse_unsafe_output(args.output, [], "--output", args.project.archive)


def render_preview(args: argparse.Namespace, request: BuildRequest) -> tuple[Path, list[Path], Prepared]:
    """Build the PDF in a scratch folder and render its pages as PNG into the preview folder."""
    from bulletin.pdf.preview import render_png

    target: Path | None = args.output
    _refuse_preview_output(args)
    with tempfile.TemporaryDirectory(prefix="bulletin-preview-") as scratch:
        try:
            _, prepared = build(dataclasses.replace(request, output=Path(scratch) / "preview.pdf"))
        except RenderError as exc:  # the PDF is only a scratch file: say what could not be made
            raise RenderError(Problem(Where(target or request.out_dir / "preview"), "impossible de préparer les pages "
                                      f"(fichier temporaire : {exc.problems[0].message})",
                                      "libérez de la place dans le dossier temporaire (TMPDIR)")) from None
        territory = f"-{prepared.edition.territory.replace(':', '-')}" if prepared.edition.territory else ""
        target = target or request.out_dir / "preview" / (prepared.edition.month + territory)
        refuse_unsafe_output(target, read_files(prepared), "--output", args.project.archive)
        with staging_folder(target) as staging, stage("rendu des pages PNG"):  # rendered beside the target, then moved in
            try:
                pngs = _move_pages(render_png(Path(scratch) / "preview.pdf", staging), target)
            except OSError as exc:
                raise RenderError(Problem(Where(target), f"impossible d’écrire les pages : {os_reason(exc)}",
                                          "libérez de la place ou choisissez un dossier où vous pouvez écrire")) from None
    return target, pngs, prepared


def _move_pages(pngs: list[Path], target: Path) -> list[Path]:
    """Move the rendered pages into ``target`` (each rename atomic); drop pages left from a longer preview."""
    make_folder(target)
    moved = []
    for png in pngs:
        os.replace(png, target / png.name)
        moved.append(target / png.name)
    for stale in target.glob("page-[0-9][0-9].png"):
        if stale not in moved:
            stale.unlink()
    return moved


def _warn(warnings: list[Problem]) -> None:
    for warning in warnings:
        print(f"Warning: {warning}", file=sys.stderr)


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted


def _tolerant_streams() -> None:
    """A terminal or pipe that cannot encode « é » (PYTHONIOENCODING=ascii…) gets « \\xe9 », not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


class _Messages(logging.Formatter):
    """Log lines as the user reads them: « Warning: … » for warnings, the bare message for -v's steps."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return f"Warning: {text}" if record.levelno >= logging.WARNING else text


def _logging(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_Messages())
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    logging.getLogger("bulletin").setLevel(logging.INFO if verbose else logging.WARNING)  # not the libraries' info


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``make_bulletin.py`` and the ``bulletin`` console script."""
    _tolerant_streams()
    args = make_parser().parse_args(argv)
    _logging(args.verbose)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return run(args)
    except BulletinError as exc:
        for problem in exc.problems:
            print(f"Error: {problem}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except (KeyboardInterrupt, Interrupted) as exc:
        cause = "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else "SIGTERM"
        print(f"Error: interrompu ({cause}) : la commande n’a pas abouti et ses fichiers temporaires ont été "
              "supprimés\n  hint: relancez-la", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
