"""Each agent's unfinished /new: the answers and the question being asked, one row
(bot/domain/intake.py says what they mean)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.intake import UNREADABLE, IntakeAnswers, Unreadable
from bot.storage.database import Connection, Database
from bot.storage.pending import PendingInputRepository
from bot.storage.rows import iso


class IntakeRepository:
    """Each agent's unfinished /new: the answers and the question being asked, in one row."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> IntakeAnswers | Unreadable | None:
        """The stored answers, None without an intake, or UNREADABLE when the row does not
        read back as answers (the caller starts the intake over)."""
        row = await self.db.fetchone("SELECT answers FROM intakes WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        try:
            data = json.loads(row["answers"])
        except ValueError:
            data = None
        return IntakeAnswers.from_json(data) or UNREADABLE

    async def exists(self, user_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM intakes WHERE user_id = ?", (user_id,))
        return row is not None

    async def save(self, user_id: int, answers: IntakeAnswers, now: datetime) -> None:
        """Store the answers with the question they now ask. Any other awaited answer goes in
        the same write: the newest question gets what is typed next."""
        async with self.db.transaction() as tx:
            await self.put(tx, user_id, answers, now)
            await PendingInputRepository(self.db).delete(tx, user_id)

    async def put(
        self, tx: Connection, user_id: int, answers: IntakeAnswers, now: datetime
    ) -> None:
        await tx.execute(
            "INSERT INTO intakes (user_id, answers, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET answers = excluded.answers,"
            " updated_at = excluded.updated_at",
            (user_id, json.dumps(answers.to_json(), ensure_ascii=False), iso(now)),
        )

    async def discard(self, user_id: int) -> bool:
        """Drop the intake (a write of its own); whether there was one."""
        async with self.db.transaction() as tx:
            return await self.delete(tx, user_id)

    async def delete(self, tx: Connection, user_id: int) -> bool:
        """Drop the intake inside a larger write; whether there was one."""
        cursor = await tx.execute("DELETE FROM intakes WHERE user_id = ?", (user_id,))
        return cursor.rowcount > 0
