"""Storing a draft version together with its audit event."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage.repositories import DraftRecord, Storage


async def store_draft(
    storage: Storage,
    tx: aiosqlite.Connection,
    *,
    claim_id: int,
    kind: str,
    language: str,
    subject: str,
    body: str,
    source: str,
    actor_id: int,
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
