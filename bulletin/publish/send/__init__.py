"""Send stage: deliver an archived edition to every recipient exactly once, with a journal.

Input: an archived edition, a recipients CSV and the mail configuration. Output: a dry run
(one ``.eml`` per recipient, nothing leaves the machine) or SMTP deliveries, each recorded in
the archive's delivery journal. A rerun sends only what the server has not confirmed; temporary
failures (4xx, a connection lost mid-run) are retried with backoff, permanent ones (5xx) are not,
and a configuration that cannot work (refused connection, unknown host, TLS, authentication)
stops the run at once with its cause. A re-issued edition goes in full to new recipients and as a
short rectificatif to those who received an earlier version (``--erratum``).

Modules: :mod:`.plan` (who gets what), :mod:`.smtp` (transport and failures), :mod:`.run` (the
run), :mod:`.status` (who received what).
"""

from bulletin.publish.send.plan import EDITION, ERRATUM, Planned, plan
from bulletin.publish.send.run import (Outcome, Sending, check_size, deliver, journal_rows, prepare, terminal_progress,
                               with_territories, write_dry_run)
from bulletin.publish.send.status import RecipientStatus, delivery_status

__all__ = ["EDITION", "ERRATUM", "Outcome", "Planned", "RecipientStatus", "Sending", "check_size", "deliver",
           "delivery_status", "journal_rows", "plan", "prepare", "terminal_progress", "with_territories", "write_dry_run"]
