"""Store settings an admin changes in the chat (bot/services/store.py is their one owner)."""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Connection, Database
from bot.storage.rows import iso


class OptionRepository:
    """Store settings an admin changes in the chat; absent keys fall back to the config."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        row = await self.db.fetchone("SELECT value FROM options WHERE key = ?", (key,))
        return str(row[0]) if row is not None else None

    async def starting_with(self, prefix: str) -> dict[str, str]:
        """Every option whose key starts with `prefix`, by the rest of its key."""
        rows = await self.db.fetchall(
            "SELECT key, value FROM options WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        )
        return {str(row[0])[len(prefix) :]: str(row[1]) for row in rows}

    async def delete(self, tx: Connection, key: str) -> None:
        await tx.execute("DELETE FROM options WHERE key = ?", (key,))

    async def set(self, tx: Connection, key: str, value: str, by: int, now: datetime) -> None:
        await tx.execute(
            "INSERT INTO options (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (key, value, by, iso(now)),
        )
