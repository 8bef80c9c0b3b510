"""The only owner of the SQLite database: connection, migrations, repositories, persistence."""

from bot.storage.database import Database
from bot.storage.repositories import (
    ClaimRepository,
    DraftRecord,
    DraftRepository,
    EventRecord,
    EventRepository,
    Role,
    Storage,
    User,
    UserRepository,
)

__all__ = [
    "ClaimRepository",
    "Database",
    "DraftRecord",
    "DraftRepository",
    "EventRecord",
    "EventRepository",
    "Role",
    "Storage",
    "User",
    "UserRepository",
]
