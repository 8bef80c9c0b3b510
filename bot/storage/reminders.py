"""Which reminders each claim's deadlines have had, so each goes out once, across restarts."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.claims import Claim, Outcome
from bot.domain.deadlines import APPEAL_WINDOW
from bot.storage.claims import claim_from_row
from bot.storage.database import Connection, Database
from bot.storage.rows import iso, parse_iso

# A reminder already handled: (deadline, instance, kind).
Had = tuple[str, str, str]


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def candidates(
        self, until: datetime, now: datetime
    ) -> list[tuple[Claim, frozenset[Had]]]:
        """The claims that may have a reminder due, with the reminders they have had: open
        claims whose respond-by time is before `until` and has not had its overdue reminder,
        open claims with an information request or an unanswered buyer's message that has not
        had its overdue reminder, and granted, seller-funded claims closed within the appeal
        window. (Times are stored as sortable ISO text, so they compare as text.)"""
        rows = await self.db.fetchall(
            "SELECT c.*, (SELECT json_group_array(json_array(r.deadline, r.instance, r.kind))"
            " FROM reminders r WHERE r.claim_id = c.id) AS reminded FROM claims c"
            " WHERE (c.closed_at IS NULL AND ((c.respond_by <= ? AND NOT EXISTS"
            " (SELECT 1 FROM reminders r WHERE r.claim_id = c.id AND r.deadline = 'respond_by'"
            " AND r.instance = c.respond_by AND r.kind = 'overdue'))"
            # An information request or a buyer's message until its overdue reminder: one
            # recorded after the request (or message) was; an overdue one is sent 48 (24)
            # hours after it, so a newer request or message, even in the same second, is kept.
            " OR (c.info_requested_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reminders r"
            " WHERE r.claim_id = c.id AND r.deadline = 'information' AND r.kind = 'overdue'"
            " AND r.sent_at > c.info_requested_at))"
            " OR (c.replied_at IS NOT NULL"
            " AND (c.last_contact_at IS NULL OR c.last_contact_at < c.replied_at)"
            " AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.claim_id = c.id"
            " AND r.deadline = 'buyer_answer' AND r.kind = 'overdue'"
            " AND r.sent_at > c.replied_at))))"
            " OR (c.outcome = ? AND c.closed_at > ?)"
            " ORDER BY c.respond_by, c.id",
            (iso(until), Outcome.GRANTED_SELLER_FUNDED.value, iso(now - APPEAL_WINDOW)),
        )
        return [
            (
                claim_from_row(row),
                frozenset(
                    (deadline, instance, kind)
                    for deadline, instance, kind in json.loads(row["reminded"] or "[]")
                ),
            )
            for row in rows
        ]

    async def waiting_reviews(
        self, submitted_before: datetime, respond_by_before: datetime
    ) -> list[tuple[Claim, datetime]]:
        """Drafts waiting for a lead, submitted before `submitted_before`, on open claims due
        before `respond_by_before`, whose submission has not been reminded: (claim, when the
        draft was submitted). Uses the reviews_by_status index."""
        rows = await self.db.fetchall(
            "SELECT c.*, r.submitted_at AS waiting_since FROM reviews r"
            " JOIN claims c ON c.id = r.claim_id"
            " WHERE r.status = 'pending' AND c.closed_at IS NULL AND r.submitted_at <= ?"
            " AND c.respond_by <= ? AND NOT EXISTS (SELECT 1 FROM reminders m"
            " WHERE m.claim_id = c.id AND m.deadline = 'review'"
            " AND m.instance = r.submitted_at AND m.kind = 'waiting')"
            " ORDER BY c.respond_by, r.id",
            (iso(submitted_before), iso(respond_by_before)),
        )
        return [(claim_from_row(row), parse_iso(row["waiting_since"])) for row in rows]

    async def record(
        self,
        tx: Connection,
        claim_id: int,
        sent: str,
        skipped: list[str],
        now: datetime,
        *,
        deadline: str = "respond_by",
        instance: datetime,
    ) -> bool:
        """Claim the right to send `sent` for this instance of the deadline (and mark the less
        urgent `skipped` ones), in the caller's transaction (the one that also writes the
        reminder's outbox rows): False when it was recorded already, by an earlier run."""
        key = (claim_id, deadline, iso(instance))
        cursor = await tx.execute(
            "INSERT OR IGNORE INTO reminders"
            " (claim_id, deadline, instance, kind, sent_at, skipped)"
            " VALUES (?, ?, ?, ?, ?, 0)",
            (*key, sent, iso(now)),
        )
        if cursor.rowcount != 1:
            return False
        for kind in skipped:
            await tx.execute(
                "INSERT OR IGNORE INTO reminders"
                " (claim_id, deadline, instance, kind, sent_at, skipped)"
                " VALUES (?, ?, ?, ?, ?, 1)",
                (*key, kind, iso(now)),
            )
        return True

    async def for_claim(
        self, claim_id: int, deadline: str = "respond_by"
    ) -> list[tuple[str, bool]]:
        """The reminders one deadline of a claim has had (every instance), as (mark, skipped)."""
        rows = await self.db.fetchall(
            "SELECT kind, skipped FROM reminders WHERE claim_id = ? AND deadline = ?"
            " ORDER BY sent_at, instance, kind",
            (claim_id, deadline),
        )
        return [(row["kind"], bool(row["skipped"])) for row in rows]
