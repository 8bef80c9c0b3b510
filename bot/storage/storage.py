"""`Storage`: every repository over one database, for the composition root to hand around."""

from __future__ import annotations

from bot.storage.claims import ClaimRepository
from bot.storage.database import Database
from bot.storage.drafts import DraftRepository
from bot.storage.events import EventRepository
from bot.storage.intakes import IntakeRepository
from bot.storage.mails import MailRepository
from bot.storage.options import OptionRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.pending import PendingInputRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.reviews import ReviewRepository
from bot.storage.stats import StatsRepository
from bot.storage.stores import StoreRepository
from bot.storage.users import UserRepository


class Storage:
    """The repositories over one database, for the composition root to hand around."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.claims = ClaimRepository(db)
        self.drafts = DraftRepository(db)
        self.events = EventRepository(db)
        self.pending = PendingInputRepository(db)
        self.intakes = IntakeRepository(db)
        self.mails = MailRepository(db)
        self.reviews = ReviewRepository(db)
        self.options = OptionRepository(db)
        self.reminders = ReminderRepository(db)
        self.stats = StatsRepository(db)
        self.stores = StoreRepository(db)
        self.outbox = OutboxRepository(db)
