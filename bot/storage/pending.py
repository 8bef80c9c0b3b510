"""The typed answer the bot waits for from each person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.storage.database import Database
from bot.storage.rows import iso


@dataclass(frozen=True, slots=True)
class PendingInput:
    """A typed answer the bot waits for from `user_id`: about a claim (`claim_id`), a review
    or a person (`ref`), or the store."""

    user_id: int
    claim_id: int | None
    field: str
    draft_id: int | None = None
    revision: int = 0
    ref: int | None = None


class PendingInputRepository:
    """At most one awaited answer per person: asking a new question replaces the old one."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(self, pending: PendingInput, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO pending_inputs (user_id, claim_id, field, draft_id, revision, ref,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " claim_id = excluded.claim_id, field = excluded.field,"
                " draft_id = excluded.draft_id, revision = excluded.revision,"
                " ref = excluded.ref, created_at = excluded.created_at",
                (
                    pending.user_id,
                    pending.claim_id,
                    pending.field,
                    pending.draft_id,
                    pending.revision,
                    pending.ref,
                    iso(now),
                ),
            )

    async def get(self, user_id: int) -> PendingInput | None:
        row = await self.db.fetchone("SELECT * FROM pending_inputs WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return PendingInput(
            row["user_id"],
            row["claim_id"],
            row["field"],
            row["draft_id"],
            row["revision"],
            row["ref"],
        )

    async def clear(self, user_id: int, tx: aiosqlite.Connection | None = None) -> None:
        if tx is not None:
            await tx.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))
            return
        async with self.db.transaction() as own:
            await own.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))
