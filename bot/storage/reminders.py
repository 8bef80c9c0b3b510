"""Which reminders each open claim has had, so each goes out once, across restarts."""

from __future__ import annotations

from datetime import datetime

from bot.domain.claims import Claim
from bot.storage.claims import claim_from_row
from bot.storage.database import Database
from bot.storage.rows import iso


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def candidates(self, until: datetime) -> list[tuple[Claim, frozenset[str]]]:
        """Open claims whose deadline is before `until` and that have not had their overdue
        reminder yet, with the reminders they have had. Uses the claims_open index."""
        rows = await self.db.fetchall(
            "SELECT c.*, (SELECT group_concat(r.kind) FROM reminders r"
            " WHERE r.claim_id = c.id) AS reminded FROM claims c"
            " WHERE c.closed_at IS NULL AND c.respond_by <= ? AND NOT EXISTS"
            " (SELECT 1 FROM reminders r WHERE r.claim_id = c.id AND r.kind = 'overdue')"
            " ORDER BY c.respond_by, c.id",
            (iso(until),),
        )
        return [
            (claim_from_row(row), frozenset((row["reminded"] or "").split(",")) - {""})
            for row in rows
        ]

    async def record_sent(
        self, claim_id: int, sent: str, skipped: list[str], now: datetime
    ) -> bool:
        """Claim the right to send `sent` (and mark the less urgent `skipped` ones): False
        when it was recorded already, by an earlier run."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT OR IGNORE INTO reminders (claim_id, kind, sent_at, skipped)"
                " VALUES (?, ?, ?, 0)",
                (claim_id, sent, iso(now)),
            )
            if cursor.rowcount != 1:
                return False
            for kind in skipped:
                await tx.execute(
                    "INSERT OR IGNORE INTO reminders (claim_id, kind, sent_at, skipped)"
                    " VALUES (?, ?, ?, 1)",
                    (claim_id, kind, iso(now)),
                )
        return True

    async def for_claim(self, claim_id: int) -> list[tuple[str, bool]]:
        rows = await self.db.fetchall(
            "SELECT kind, skipped FROM reminders WHERE claim_id = ? ORDER BY sent_at, kind",
            (claim_id,),
        )
        return [(row["kind"], bool(row["skipped"])) for row in rows]
