"""Draft versions submitted for review, and where their cards were shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.storage.database import Connection, Database, Row
from bot.storage.rows import iso, maybe_time, parse_iso, stores_params


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    EDITED = "edited"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: int
    claim_id: int
    draft_id: int
    status: ReviewStatus
    submitted_by: int
    submitted_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    comment: str | None


class ReviewRepository:
    """Draft versions submitted for review. A decision is a compare-and-set on the status, so
    of two leads deciding at once exactly one succeeds."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, tx: Connection, *, claim_id: int, draft_id: int, by: int, now: datetime
    ) -> ReviewRecord:
        cursor = await tx.execute(
            "INSERT INTO reviews (claim_id, draft_id, status, submitted_by, submitted_at)"
            " VALUES (?, ?, 'pending', ?, ?)",
            (claim_id, draft_id, by, iso(now)),
        )
        review_id = cursor.lastrowid
        if review_id is None:  # pragma: no cover
            raise RuntimeError("review insert returned no row id")
        return ReviewRecord(
            review_id, claim_id, draft_id, ReviewStatus.PENDING, by, now, None, None, None
        )

    async def decide(
        self,
        tx: Connection,
        review_id: int,
        status: ReviewStatus,
        *,
        by: int | None,
        now: datetime,
        comment: str | None = None,
    ) -> bool:
        """Move a pending review to `status`; False if it was no longer pending."""
        cursor = await tx.execute(
            "UPDATE reviews SET status = ?, decided_by = ?, decided_at = ?, comment = ?"
            " WHERE id = ? AND status = 'pending'",
            (status.value, by, iso(now), comment, review_id),
        )
        return cursor.rowcount == 1

    async def supersede_kind(
        self, tx: Connection, claim_id: int, kind: str, now: datetime
    ) -> list[int]:
        """Pending reviews of older versions of a draft kind: superseded by a newer one."""
        async with tx.execute(
            "SELECT r.id FROM reviews r JOIN drafts d ON d.id = r.draft_id"
            " WHERE r.claim_id = ? AND d.kind = ? AND r.status = 'pending'",
            (claim_id, kind),
        ) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        for review_id in ids:
            await tx.execute(
                "UPDATE reviews SET status = 'superseded', decided_at = ? WHERE id = ?",
                (iso(now), review_id),
            )
        return ids

    async def get(self, review_id: int) -> ReviewRecord | None:
        row = await self.db.fetchone("SELECT * FROM reviews WHERE id = ?", (review_id,))
        return _review(row) if row is not None else None

    async def latest_for_draft(self, draft_id: int) -> ReviewRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM reviews WHERE draft_id = ? ORDER BY id DESC LIMIT 1", (draft_id,)
        )
        return _review(row) if row is not None else None

    async def pending_count(self, *, stores: frozenset[int] = frozenset()) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM reviews r JOIN claims c ON c.id = r.claim_id"
            " WHERE r.status = 'pending' AND c.closed_at IS NULL"
            " AND (? OR c.store_id IN (SELECT value FROM json_each(?)))",
            stores_params(stores),
        )
        return int(row[0]) if row is not None else 0

    async def pending_page(
        self, *, offset: int, limit: int, stores: frozenset[int] = frozenset()
    ) -> list[ReviewRecord]:
        """Pending reviews of open claims, the claim with the earliest deadline first; of
        `stores` only when given (issue 16)."""
        rows = await self.db.fetchall(
            "SELECT r.* FROM reviews r JOIN claims c ON c.id = r.claim_id"
            " WHERE r.status = 'pending' AND c.closed_at IS NULL"
            " AND (? OR c.store_id IN (SELECT value FROM json_each(?)))"
            " ORDER BY c.respond_by, r.id LIMIT ? OFFSET ?",
            (*stores_params(stores), limit, offset),
        )
        return [_review(row) for row in rows]

    async def add_messages(self, review_id: int, copies: list[tuple[int, int]]) -> None:
        """Where copies of the review's card were shown: (chat id, message id) pairs."""
        if not copies:
            return
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT OR IGNORE INTO review_messages (review_id, chat_id, message_id)"
                " VALUES (?, ?, ?)",
                [(review_id, chat_id, message_id) for chat_id, message_id in copies],
            )

    async def add_message_of_event(
        self, tx: Connection, event_id: int, chat_id: int, message_id: int
    ) -> None:
        """Where a copy of the card of the review that event `event_id` submitted was shown
        (the outbox row of a card names its `draft_submitted` event), in the caller's
        transaction."""
        await tx.execute(
            "INSERT OR IGNORE INTO review_messages (review_id, chat_id, message_id)"
            " SELECT json_extract(payload, '$.review'), ?, ? FROM events"
            " WHERE id = ? AND json_extract(payload, '$.review') IS NOT NULL",
            (chat_id, message_id, event_id),
        )

    async def messages(self, review_id: int) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id FROM review_messages WHERE review_id = ?"
            " ORDER BY chat_id, message_id",
            (review_id,),
        )
        return [(int(row[0]), int(row[1])) for row in rows]

    async def topic(self, chat_id: int, claim_id: int) -> int | None:
        """The forum topic (message_thread_id) of the claim's review cards in that group."""
        row = await self.db.fetchone(
            "SELECT thread_id FROM review_topics WHERE chat_id = ? AND claim_id = ?",
            (chat_id, claim_id),
        )
        return int(row[0]) if row is not None else None

    async def set_topic(self, chat_id: int, claim_id: int, thread_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT OR REPLACE INTO review_topics (chat_id, claim_id, thread_id)"
                " VALUES (?, ?, ?)",
                (chat_id, claim_id, thread_id),
            )

    async def forget_topic(self, chat_id: int, claim_id: int) -> None:
        """The topic is gone (deleted in the group): the next card opens a new one."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM review_topics WHERE chat_id = ? AND claim_id = ?", (chat_id, claim_id)
            )

    async def is_forum(self, chat_id: int) -> bool | None:
        """Whether the group is a forum, as learnt before; None: not asked yet."""
        row = await self.db.fetchone(
            "SELECT is_forum FROM group_chats WHERE chat_id = ?", (chat_id,)
        )
        return bool(row[0]) if row is not None else None

    async def set_forum(self, chat_id: int, is_forum: bool, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT OR REPLACE INTO group_chats (chat_id, is_forum, checked_at)"
                " VALUES (?, ?, ?)",
                (chat_id, int(is_forum), iso(now)),
            )


def _review(row: Row) -> ReviewRecord:
    return ReviewRecord(
        id=row["id"],
        claim_id=row["claim_id"],
        draft_id=row["draft_id"],
        status=ReviewStatus(row["status"]),
        submitted_by=row["submitted_by"],
        submitted_at=parse_iso(row["submitted_at"]),
        decided_by=row["decided_by"],
        decided_at=maybe_time(row["decided_at"]),
        comment=row["comment"],
    )
