"""The mails the mail intake read (issue 15): one row per Message-ID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.storage.database import Database
from bot.storage.rows import iso, parse_iso


@dataclass(frozen=True, slots=True)
class MailRecord:
    message_id: str
    received_at: datetime
    source: str
    sender: str | None
    subject: str
    kind: str
    claim_id: int | None
    outcome: str  # 'opened', 'already_open', 'left'


class MailRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, message_id: str) -> MailRecord | None:
        row = await self.db.fetchone("SELECT * FROM mails WHERE message_id = ?", (message_id,))
        return None if row is None else _record(row)

    async def seen(self, tx: aiosqlite.Connection, message_id: str) -> MailRecord | None:
        """The record of a mail already read, through the transaction that would record it."""
        cursor = await tx.execute("SELECT * FROM mails WHERE message_id = ?", (message_id,))
        row = await cursor.fetchone()
        return None if row is None else _record(row)

    async def record(self, tx: aiosqlite.Connection, mail: MailRecord) -> None:
        await tx.execute(
            "INSERT INTO mails (message_id, received_at, source, sender, subject, kind,"
            " claim_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mail.message_id,
                iso(mail.received_at),
                mail.source,
                mail.sender,
                mail.subject,
                mail.kind,
                mail.claim_id,
                mail.outcome,
            ),
        )

    async def left(self) -> list[MailRecord]:
        """The mails left for an admin, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM mails WHERE outcome = 'left' ORDER BY received_at"
        )
        return [_record(row) for row in rows]


def _record(row: aiosqlite.Row) -> MailRecord:
    return MailRecord(
        message_id=row["message_id"],
        received_at=parse_iso(row["received_at"]),
        source=row["source"],
        sender=row["sender"],
        subject=row["subject"],
        kind=row["kind"],
        claim_id=row["claim_id"],
        outcome=row["outcome"],
    )
