"""The only owner of the SQLite database: connection, migrations, repositories, persistence.

One module per aggregate (`users`, `claims`, `drafts`, `reviews`, `events`, `reminders`,
`options`, `pending`, `intakes`, `mails`, `stats`, `stores`, `outbox`), each turning rows into
domain objects and back; `rows` holds how values look in the database; `Storage` (in `storage`) puts
the repositories together. Callers import from this package, not from its modules.

Transactions, one convention for every repository:

- A method that writes takes the caller's transaction as its first argument, `tx`. The service
  opens it (`async with storage.db.transaction() as tx:`) around everything one use case
  writes, its audit event included, so all of it commits or none of it does. Such a method
  never opens a transaction itself.
- A read that a write in the same transaction depends on (a compare-and-set, "is there an open
  claim for this order?", the next version number) takes `tx` as well and reads through it.
- Every other read goes through `db.fetchone` / `db.fetchall`, outside any transaction (inside
  one, `Database` refuses them: the one connection belongs to the transaction); a long read
  (an export over months) through `db.scan`, which runs off the event loop's thread.
- A method that opens its own transaction does one self-contained write that no use case
  combines with anything (no audit event): it takes no `tx`, and its name says what it writes
  (`users.bootstrap_admin`, `users.set_ui_language`, `users.seen`, `reviews.add_messages`,
  the outbox's delivery marks (`outbox.start_attempt`, `mark_sent`,
  `mark_retry`, `mark_failed`), `pending.set` and `pending.clear`, `intakes.save` and
  `intakes.discard`); where the same write is also part of larger ones, a `tx` twin does it
  there (`pending.delete`, `intakes.put`, `intakes.delete`).
- No method takes an optional `tx`.
"""

from bot.domain.people import Role
from bot.storage.claims import ClaimRepository, StaleClaimError
from bot.storage.database import Database
from bot.storage.drafts import DraftRecord, DraftRepository, store_draft
from bot.storage.events import EventRecord, EventRepository
from bot.storage.intakes import IntakeRepository
from bot.storage.mails import MailboxSpot, MailRecord, MailRepository
from bot.storage.options import OptionRepository
from bot.storage.outbox import OutboxRecord, OutboxRepository, Outgoing
from bot.storage.pending import PendingInputRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.reviews import ReviewRecord, ReviewRepository, ReviewStatus
from bot.storage.rows import iso
from bot.storage.stats import StatsRepository
from bot.storage.storage import Storage
from bot.storage.stores import StoreRecord, StoreRepository
from bot.storage.users import User, UserRepository

__all__ = [
    "ClaimRepository",
    "Database",
    "DraftRecord",
    "DraftRepository",
    "EventRecord",
    "EventRepository",
    "IntakeRepository",
    "MailRecord",
    "MailRepository",
    "MailboxSpot",
    "OptionRepository",
    "OutboxRecord",
    "OutboxRepository",
    "Outgoing",
    "PendingInputRepository",
    "ReminderRepository",
    "ReviewRecord",
    "ReviewRepository",
    "ReviewStatus",
    "Role",
    "StaleClaimError",
    "StatsRepository",
    "Storage",
    "StoreRecord",
    "StoreRepository",
    "User",
    "UserRepository",
    "iso",
    "store_draft",
]
