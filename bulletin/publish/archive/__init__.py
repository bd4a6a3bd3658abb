"""Archive stage: an immutable folder per edition version, a SQLite catalogue, verification years later.

Input: a build request and an archive folder. Output::

    archive/
      catalogue.sqlite3      versions, their PDFs and files with checksums (rebuilt by reindex)
      journal.sqlite3        deliveries by (month, version, territory, address) — see send
      2022-02/               version 1: PDF, data/, layout/, theme/, fonts/, manifest.json (read-only)
      2022-02-v2/            version 2, a re-issue, with its reason in manifest.json

Modules: :mod:`.folders` (names, lock, permissions), :mod:`.manifest`, :mod:`.catalogue`,
:mod:`.journal`, :mod:`.store` (archiving and re-issues), :mod:`.verify`, :mod:`.extract`.
"""

from bulletin.publish.archive.catalogue import (CATALOGUE, ArchivedVersion, catalogue, list_editions, reconcile, reindex,
                                        versions)
from bulletin.publish.archive.extract import default_output, extract
from bulletin.publish.archive.folders import ArchiveError, folder_name, locked
from bulletin.publish.archive.journal import JOURNAL, Delivery, Journal, journal
from bulletin.publish.archive.manifest import MANIFEST, Manifest, read_manifest
from bulletin.publish.archive.store import Archived, archive_edition, archived_request
from bulletin.publish.archive.verify import CheckedVersion, checked_version, verify

__all__ = ["CATALOGUE", "JOURNAL", "MANIFEST", "ArchiveError", "Archived", "ArchivedVersion", "CheckedVersion",
           "Delivery", "Journal", "Manifest", "archive_edition", "archived_request", "catalogue", "checked_version",
           "default_output", "extract", "folder_name", "journal", "list_editions", "locked", "read_manifest",
           "reconcile", "reindex", "verify", "versions"]

