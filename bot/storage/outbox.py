"""The outbox: messages to other people, stored in the transaction of what caused them and sent
afterwards by bot/outbox.py. One row per Telegram message (a long text is split when it is
stored), sent in order within each chat."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Connection, Database, Row
from bot.storage.rows import iso, maybe_time, parse_iso, to_json

# Inline keyboard rows as the views make them: [[(label, callback data), ...], ...].
ButtonRows = Sequence[Sequence[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to write into the outbox: to `chat_id`, `text` with `rows` of buttons;
    `kind` says what it is (for the logs and the tests: "review_approved", "reminder")."""

    chat_id: int
    text: str
    kind: str
    rows: ButtonRows = ()


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    id: int
    chat_id: int
    text: str
    rows: list[list[tuple[str, str]]]
    kind: str
    claim_id: int | None
    event_id: int | None
    created_at: datetime
    attempts: int
    attempted_at: datetime | None
    next_attempt_at: datetime
    sent_at: datetime | None
    message_id: int | None
    failed_at: datetime | None
    last_error: str | None


def _record(row: Row) -> OutboxRecord:
    return OutboxRecord(
        id=row["id"],
        chat_id=row["chat_id"],
        text=row["text"],
        rows=[[(str(label), str(data)) for label, data in r] for r in json.loads(row["buttons"])],
        kind=row["kind"],
        claim_id=row["claim_id"],
        event_id=row["event_id"],
        created_at=parse_iso(row["created_at"]),
        attempts=row["attempts"],
        attempted_at=maybe_time(row["attempted_at"]),
        next_attempt_at=parse_iso(row["next_attempt_at"]),
        sent_at=maybe_time(row["sent_at"]),
        message_id=row["message_id"],
        failed_at=maybe_time(row["failed_at"]),
        last_error=row["last_error"],
    )


# Rows still to send whose chat has no earlier row still to send: a chat's messages go out in
# the order they were written, a retried one holding back those after it.
_HEADS = (
    " FROM outbox o WHERE o.sent_at IS NULL AND o.failed_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM outbox e"
    " WHERE e.chat_id = o.chat_id AND e.id < o.id AND e.sent_at IS NULL"
    " AND e.failed_at IS NULL)"
)


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        tx: Connection,
        messages: Iterable[Outgoing],
        *,
        now: datetime,
        claim_id: int | None = None,
        event_id: int | None = None,
    ) -> list[int]:
        """Store the messages, in the caller's transaction (that of their cause), due now,
        each as one row (a caller splits a text longer than Telegram takes: see
        bot/outbox.py `outgoing`). Returns the new rows' ids, in order."""
        ids: list[int] = []
        for message in messages:
            cursor = await tx.execute(
                "INSERT INTO outbox (chat_id, text, buttons, kind, claim_id, event_id,"
                " created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message.chat_id,
                    message.text,
                    to_json([list(row) for row in message.rows]),
                    message.kind,
                    claim_id,
                    event_id,
                    iso(now),
                    iso(now),
                ),
            )
            if cursor.lastrowid is None:  # pragma: no cover
                raise RuntimeError("outbox insert returned no row id")
            ids.append(cursor.lastrowid)
        return ids

    async def due(
        self, now: datetime, *, only: Sequence[int] | None = None, limit: int = 100
    ) -> list[OutboxRecord]:
        """What may be sent now, oldest first (a chat's rows in order); `only`: these rows."""
        sql = "SELECT o.*" + _HEADS + " AND o.next_attempt_at <= ?"
        params: list[object] = [iso(now)]
        if only is not None:
            if not only:
                return []
            sql += f" AND o.id IN ({', '.join('?' for _ in only)})"
            params.extend(only)
        rows = await self.db.fetchall(sql + " ORDER BY o.id LIMIT ?", (*params, limit))
        return [_record(row) for row in rows]

    async def waiting(self, claim_id: int, kind: str) -> list[int]:
        """The rows of `kind` about the claim still to send (not sent, not given up)."""
        rows = await self.db.fetchall(
            "SELECT id FROM outbox WHERE claim_id = ? AND kind = ? AND sent_at IS NULL"
            " AND failed_at IS NULL ORDER BY id",
            (claim_id, kind),
        )
        return [int(row[0]) for row in rows]

    async def next_due(self) -> datetime | None:
        """When the next row that may be sent falls due (None: nothing to send)."""
        row = await self.db.fetchone("SELECT MIN(o.next_attempt_at)" + _HEADS)
        return parse_iso(row[0]) if row is not None and row[0] is not None else None

    async def start_attempt(self, record: OutboxRecord, now: datetime) -> bool:
        """Record an attempt before the Bot API call: False when the row was sent, failed or
        attempted by someone else since it was read (a compare-and-set on `attempts`)."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, attempted_at = ?"
                " WHERE id = ? AND attempts = ? AND sent_at IS NULL AND failed_at IS NULL",
                (iso(now), record.id, record.attempts),
            )
            return cursor.rowcount == 1

    async def mark_sent(
        self,
        outbox_id: int,
        message_id: int | None,
        now: datetime,
        *,
        also: Callable[[Connection], Awaitable[None]] | None = None,
    ) -> None:
        """Sent, with Telegram's message id; `also(tx)` writes what else belongs with it in the
        same transaction (where a review card went, to edit it on a decision)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET sent_at = ?, message_id = ?, last_error = NULL WHERE id = ?",
                (iso(now), message_id, outbox_id),
            )
            if also is not None:
                await also(tx)

    async def mark_retry(self, outbox_id: int, error: str, at: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                (iso(at), error, outbox_id),
            )

    async def mark_failed(self, outbox_id: int, error: str, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET failed_at = ?, last_error = ? WHERE id = ?",
                (iso(now), error, outbox_id),
            )

    async def get(self, outbox_id: int) -> OutboxRecord | None:
        row = await self.db.fetchone("SELECT * FROM outbox WHERE id = ?", (outbox_id,))
        return _record(row) if row is not None else None

    async def all(self) -> list[OutboxRecord]:
        """Every row, oldest first (tests, diagnostics)."""
        return [_record(row) for row in await self.db.fetchall("SELECT * FROM outbox ORDER BY id")]
