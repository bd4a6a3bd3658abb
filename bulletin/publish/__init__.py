"""Publish stage: keep every edition version for good, and deliver it to the partners.

Input: a build request (for the archive), an archived edition, a recipients CSV and the mail
configuration (for sending). Output: an immutable archive folder per edition version with its SQLite
catalogue, and mails delivered exactly once, recorded in the archive's delivery journal.

Modules: :mod:`.archive` (archiving, re-issues, verification, extraction), :mod:`.recipients` (the
partners' CSV list), :mod:`.mail` (the messages: edition and rectificatif), :mod:`.send` (the run, SMTP,
who received what). Importing this package imports none of them: a build never loads SQLite or e-mail.
"""
