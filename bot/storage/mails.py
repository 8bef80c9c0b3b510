"""The mails the mail intake read (issue 15): one row per Message-ID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Connection, Database, Row
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
    outcome: str  # 'opened', 'already_open', 'recorded', 'left'
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class MailboxSpot:
    """Where a mail was read: the mailbox's address, its UIDVALIDITY and the mail's UID."""

    mailbox: str
    uidvalidity: int
    uid: int


class MailRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, message_id: str) -> MailRecord | None:
        row = await self.db.fetchone("SELECT * FROM mails WHERE message_id = ?", (message_id,))
        return None if row is None else _record(row)

    async def seen(self, tx: Connection, message_id: str) -> MailRecord | None:
        """The record of a mail already read, through the transaction that would record it."""
        cursor = await tx.execute("SELECT * FROM mails WHERE message_id = ?", (message_id,))
        row = await cursor.fetchone()
        return None if row is None else _record(row)

    async def record(self, tx: Connection, mail: MailRecord) -> None:
        await tx.execute(
            "INSERT INTO mails (message_id, received_at, source, sender, subject, kind,"
            " claim_id, outcome, order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mail.message_id,
                iso(mail.received_at),
                mail.source,
                mail.sender,
                mail.subject,
                mail.kind,
                mail.claim_id,
                mail.outcome,
                mail.order_id,
            ),
        )

    # --- The mailbox's messages, by UID -----------------------------------------------------
    async def record_spot(
        self, tx: Connection, spot: MailboxSpot, message_id: str, now: datetime
    ) -> None:
        """The mailbox message at `spot` was read (in the transaction of what it caused)."""
        await tx.execute(
            "INSERT OR IGNORE INTO mailbox_uids (mailbox, uidvalidity, uid, message_id, read_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (spot.mailbox, spot.uidvalidity, spot.uid, message_id, iso(now)),
        )

    async def read_uids(self, mailbox: str, uidvalidity: int, above: int = 0) -> set[int]:
        """The UIDs above `above` of the mailbox (at this UIDVALIDITY) already read."""
        rows = await self.db.fetchall(
            "SELECT uid FROM mailbox_uids WHERE mailbox = ? AND uidvalidity = ? AND uid > ?",
            (mailbox, uidvalidity, above),
        )
        return {int(row["uid"]) for row in rows}

    async def last_uid(self, mailbox: str, uidvalidity: int) -> int:
        """The highest UID read of the mailbox at this UIDVALIDITY, 0 when none."""
        row = await self.db.fetchone(
            "SELECT MAX(uid) AS last FROM mailbox_uids WHERE mailbox = ? AND uidvalidity = ?",
            (mailbox, uidvalidity),
        )
        return int(row["last"]) if row is not None and row["last"] is not None else 0

    async def to_flag(self, mailbox: str, uidvalidity: int) -> list[tuple[int, str]]:
        """(UID, the mail's outcome) of the messages read and not yet flagged on the server,
        in UID order: the outcome decides the flag (a mail left for an admin stays unread)."""
        rows = await self.db.fetchall(
            "SELECT u.uid, m.outcome FROM mailbox_uids u JOIN mails m USING (message_id)"
            " WHERE u.mailbox = ? AND u.uidvalidity = ? AND u.flagged_at IS NULL"
            " ORDER BY u.uid",
            (mailbox, uidvalidity),
        )
        return [(int(row["uid"]), str(row["outcome"])) for row in rows]

    async def flagged(self, mailbox: str, uidvalidity: int, uids: list[int], now: datetime) -> None:
        """The server confirmed the flag of these messages."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE mailbox_uids SET flagged_at = ?"
                " WHERE mailbox = ? AND uidvalidity = ? AND uid = ?",
                [(iso(now), mailbox, uidvalidity, uid) for uid in uids],
            )

    async def left(self) -> list[MailRecord]:
        """The mails left for an admin, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM mails WHERE outcome = 'left' ORDER BY received_at"
        )
        return [_record(row) for row in rows]


def _record(row: Row) -> MailRecord:
    return MailRecord(
        message_id=row["message_id"],
        received_at=parse_iso(row["received_at"]),
        source=row["source"],
        sender=row["sender"],
        subject=row["subject"],
        kind=row["kind"],
        claim_id=row["claim_id"],
        outcome=row["outcome"],
        order_id=row["order_id"],
    )
