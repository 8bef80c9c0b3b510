"""The audit trail: one event per change, written in the change's own transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.database import Connection, Database
from bot.storage.rows import iso, parse_iso, to_json


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    claim_id: int | None
    draft_id: int | None
    actor_id: int | None
    kind: str
    payload: dict[str, Any]
    created_at: datetime


class EventRepository:
    """Append-only: an event is recorded in the transaction of the change it describes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        tx: Connection,
        kind: str,
        *,
        actor_id: int | None,
        now: datetime,
        claim_id: int | None = None,
        draft_id: int | None = None,
        payload: dict[str, Any] | None = None,
    ) -> int:
        """Record the event; its id (an outbox row names the event that caused it)."""
        cursor = await tx.execute(
            "INSERT INTO events (claim_id, draft_id, actor_id, kind, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                claim_id,
                draft_id,
                actor_id,
                kind,
                to_json(payload or {}),
                iso(now),
            ),
        )
        if cursor.lastrowid is None:  # pragma: no cover
            raise RuntimeError("event insert returned no row id")
        return cursor.lastrowid

    async def for_claim(self, claim_id: int) -> list[EventRecord]:
        rows = await self.db.fetchall(
            "SELECT * FROM events WHERE claim_id = ? ORDER BY id", (claim_id,)
        )
        return [
            EventRecord(
                row["id"],
                row["claim_id"],
                row["draft_id"],
                row["actor_id"],
                row["kind"],
                json.loads(row["payload"]),
                parse_iso(row["created_at"]),
            )
            for row in rows
        ]
