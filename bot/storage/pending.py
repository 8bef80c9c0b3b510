"""The typed answer the bot waits for from each person: at most one, the newest question's."""

from __future__ import annotations

from datetime import datetime

from bot.domain.questions import PendingQuestion, QuestionKind
from bot.storage.database import Connection, Database
from bot.storage.rows import iso


class PendingInputRepository:
    """At most one awaited answer per person: asking a new question replaces the old one."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(self, pending: PendingQuestion, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO pending_inputs (user_id, kind, arg, claim_id, draft_id, revision,"
                " ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE"
                " SET kind = excluded.kind, arg = excluded.arg, claim_id = excluded.claim_id,"
                " draft_id = excluded.draft_id, revision = excluded.revision,"
                " ref = excluded.ref, created_at = excluded.created_at",
                (
                    pending.user_id,
                    pending.kind.value,
                    pending.arg,
                    pending.claim_id,
                    pending.draft_id,
                    pending.revision,
                    pending.ref,
                    iso(now),
                ),
            )

    async def get(self, user_id: int) -> PendingQuestion | None:
        """The awaited answer, or None; a row of a kind this version does not know (written by
        a newer one) counts as none."""
        row = await self.db.fetchone("SELECT * FROM pending_inputs WHERE user_id = ?", (user_id,))
        if row is None or row["kind"] not in _QUESTION_KINDS:
            return None
        return PendingQuestion(
            row["user_id"],
            QuestionKind(row["kind"]),
            row["arg"],
            row["claim_id"],
            row["draft_id"],
            row["revision"],
            row["ref"],
        )

    async def clear(self, user_id: int) -> None:
        """Stop waiting (a write of its own)."""
        async with self.db.transaction() as tx:
            await self.delete(tx, user_id)

    async def delete(self, tx: Connection, user_id: int) -> None:
        """Stop waiting, inside a larger write."""
        await tx.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))


_QUESTION_KINDS = frozenset(kind.value for kind in QuestionKind)
