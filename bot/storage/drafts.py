"""Draft versions: each (claim, kind) has versions 1, 2, ... that never change once stored,
and each is stored together with its audit event (`store_draft`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.storage.database import Connection, Database, Row
from bot.storage.rows import iso, maybe_time, parse_iso

if TYPE_CHECKING:  # the composition of repositories, which includes this module's
    from bot.storage.storage import Storage


@dataclass(frozen=True, slots=True)
class DraftRecord:
    id: int
    claim_id: int
    kind: str
    version: int
    language: str
    subject: str
    body: str
    source: str
    author_id: int | None
    created_at: datetime
    sent_at: datetime | None = None

    @property
    def text(self) -> str:
        return f"{self.subject}\n\n{self.body}" if self.subject else self.body


class DraftRepository:
    """Versions are only ever added; the one later write is marking a version sent."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_version(
        self,
        tx: Connection,
        *,
        claim_id: int,
        kind: str,
        language: str,
        subject: str,
        body: str,
        source: str,
        author_id: int | None,
        now: datetime,
    ) -> DraftRecord:
        """Store the next version of (claim, kind); versions start at 1 and never change."""
        async with tx.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM drafts WHERE claim_id = ? AND kind = ?",
            (claim_id, kind),
        ) as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row is not None else 1
        cursor = await tx.execute(
            "INSERT INTO drafts (claim_id, kind, version, language, subject, body, source,"
            " author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (claim_id, kind, version, language, subject, body, source, author_id, iso(now)),
        )
        draft_id = cursor.lastrowid
        if draft_id is None:  # pragma: no cover
            raise RuntimeError("draft insert returned no row id")
        return DraftRecord(
            draft_id, claim_id, kind, version, language, subject, body, source, author_id, now
        )

    async def for_claim(self, claim_id: int) -> list[DraftRecord]:
        rows = await self.db.fetchall(
            "SELECT * FROM drafts WHERE claim_id = ? ORDER BY kind, version", (claim_id,)
        )
        return [_draft(row) for row in rows]

    async def get(self, draft_id: int) -> DraftRecord | None:
        row = await self.db.fetchone("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        return _draft(row) if row is not None else None

    async def latest(self, claim_id: int, kind: str) -> DraftRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM drafts WHERE claim_id = ? AND kind = ? ORDER BY version DESC LIMIT 1",
            (claim_id, kind),
        )
        return _draft(row) if row is not None else None

    async def latest_generated(self, claim_id: int, kind: str) -> DraftRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM drafts WHERE claim_id = ? AND kind = ? AND source = 'generated'"
            " ORDER BY version DESC LIMIT 1",
            (claim_id, kind),
        )
        return _draft(row) if row is not None else None

    async def mark_sent(self, tx: Connection, draft_id: int, now: datetime) -> bool:
        """Whether this call marked it (False: it was marked already)."""
        async with tx.execute(
            "UPDATE drafts SET sent_at = ? WHERE id = ? AND sent_at IS NULL", (iso(now), draft_id)
        ) as cursor:
            return cursor.rowcount == 1


async def store_draft(
    storage: Storage,
    tx: Connection,
    *,
    claim_id: int,
    kind: str,
    language: str,
    subject: str,
    body: str,
    source: str,
    actor_id: int | None,  # None: nobody (a mail-opened claim's first draft)
    now: datetime,
    note: dict[str, object] | None = None,
) -> DraftRecord:
    """The next version of (claim, kind), and its `draft_generated` or `draft_edited` event,
    inside the caller's transaction."""
    record = await storage.drafts.add_version(
        tx,
        claim_id=claim_id,
        kind=kind,
        language=language,
        subject=subject,
        body=body,
        source=source,
        author_id=actor_id,
        now=now,
    )
    await storage.events.record(
        tx,
        "draft_generated" if source == "generated" else "draft_edited",
        actor_id=actor_id,
        claim_id=claim_id,
        draft_id=record.id,
        now=now,
        payload={"kind": kind, "version": record.version, "language": language, **(note or {})},
    )
    return record


def _draft(row: Row) -> DraftRecord:
    return DraftRecord(
        id=row["id"],
        claim_id=row["claim_id"],
        kind=row["kind"],
        version=row["version"],
        language=row["language"],
        subject=row["subject"],
        body=row["body"],
        source=row["source"],
        author_id=row["author_id"],
        created_at=parse_iso(row["created_at"]),
        sent_at=maybe_time(row["sent_at"]),
    )
