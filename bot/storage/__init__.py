"""The only owner of the SQLite database: connection, migrations, repositories, persistence.

One module per aggregate (`users`, `claims`, `drafts`, `reviews`, `events`, `reminders`,
`options`, `pending`, `stats`), each turning rows into domain objects and back; `rows` holds
how values look in the database; `Storage` (in `storage`) puts the repositories together.
Callers import from this package, not from its modules.
"""

from bot.domain.people import Role
from bot.storage.claims import ClaimRepository, StaleClaimError
from bot.storage.database import Database
from bot.storage.drafts import DraftRecord, DraftRepository, store_draft
from bot.storage.events import EventRecord, EventRepository
from bot.storage.options import OptionRepository
from bot.storage.pending import PendingInput, PendingInputRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.reviews import ReviewRecord, ReviewRepository, ReviewStatus
from bot.storage.rows import iso
from bot.storage.stats import StatsRepository
from bot.storage.storage import Storage
from bot.storage.users import User, UserRepository

__all__ = [
    "ClaimRepository",
    "Database",
    "DraftRecord",
    "DraftRepository",
    "EventRecord",
    "EventRepository",
    "OptionRepository",
    "PendingInput",
    "PendingInputRepository",
    "ReminderRepository",
    "ReviewRecord",
    "ReviewRepository",
    "ReviewStatus",
    "Role",
    "StaleClaimError",
    "StatsRepository",
    "Storage",
    "User",
    "UserRepository",
    "iso",
    "store_draft",
]
