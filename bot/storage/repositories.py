"""Repositories: parametrised SQL in, domain objects out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import aiosqlite

from bot.domain.claims import (
    Cause,
    Claim,
    ClaimFacts,
    Evidence,
    Fulfillment,
    Outcome,
    Reason,
    Stage,
)
from bot.domain.deadlines import ensure_utc
from bot.domain.intake import UNREADABLE, IntakeAnswers, Unreadable
from bot.domain.journey import stage_of
from bot.domain.people import Role
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.storage.database import Database

__all__ = ["Role"]  # re-exported: the storage layer's callers import it from here too


@dataclass(frozen=True, slots=True)
class User:
    id: int
    role: Role
    origin: str
    display_name: str | None
    ui_language: str | None
    active: bool
    client_language: str | None = None  # the Telegram client's, seen on the last update
    telegram_name: str | None = None  # as Telegram shows it, for lists; never to buyers
    time_zone: str | None = None  # None: each claim's marketplace's

    @property
    def language(self) -> str | None:
        """The language to speak to this person in: their choice, else their client's."""
        return self.ui_language or self.client_language

    def name(self) -> str:
        return self.display_name or self.telegram_name or str(self.id)


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


class StaleClaimError(RuntimeError):
    """The claim changed (or closed) since the revision the caller acted on."""


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    claim_id: int | None
    draft_id: int | None
    actor_id: int | None
    kind: str
    payload: dict[str, Any]
    created_at: datetime


def iso(moment: datetime) -> str:
    """Times are stored as ISO 8601 in UTC, to the second: sortable as text."""
    return ensure_utc(moment).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


class UserRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        row = await self.db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row is not None else None

    async def bootstrap_admin(
        self, user_id: int, now: datetime, *, origin: str = "telegram"
    ) -> None:
        """Make `user_id` an active admin, creating the row if needed (CLAIMBOT_ADMINS)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
                " VALUES (?, 'admin', ?, 1, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET role = 'admin', active = 1,"
                " updated_at = excluded.updated_at"
                " WHERE users.role != 'admin' OR users.active = 0",
                (user_id, origin, iso(now), iso(now)),
            )

    async def add(
        self,
        user_id: int,
        role: Role,
        now: datetime,
        *,
        display_name: str | None = None,
        origin: str = "telegram",
    ) -> User:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, role, origin, display_name, active, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
                (user_id, role.value, origin, display_name, iso(now), iso(now)),
            )
        return User(user_id, role, origin, display_name, None, True)

    async def set_ui_language(self, user_id: int, language: str | None, now: datetime) -> None:
        """`None` follows the Telegram client's language again."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE users SET ui_language = ?, updated_at = ? WHERE id = ?",
                (language, iso(now), user_id),
            )

    async def set_time_zone(self, user_id: int, time_zone: str | None, now: datetime) -> None:
        """`None` shows each claim's times in its marketplace's time zone again."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE users SET time_zone = ?, updated_at = ? WHERE id = ?",
                (time_zone, iso(now), user_id),
            )

    async def set_display_name(self, user_id: int, name: str, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?"
                " AND display_name IS NOT ?",
                (name, iso(now), user_id, name),
            )

    async def seen(
        self, user_id: int, name: str | None, client_language: str | None, now: datetime
    ) -> None:
        """Remember the name and client language the person's Telegram shows (one write; the
        caller calls only when something changed)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE users SET telegram_name = ?, client_language = ?, updated_at = ?"
                " WHERE id = ?",
                (name, client_language, iso(now), user_id),
            )

    async def all(self, *, active: bool | None = True) -> list[User]:
        """People, admins first, then leads, then agents, each by name."""
        rows = await self.db.fetchall(
            "SELECT * FROM users WHERE (? IS NULL OR active = ?) ORDER BY CASE role"
            " WHEN 'admin' THEN 0 WHEN 'lead' THEN 1 ELSE 2 END, COALESCE(display_name, ''), id",
            (active, active),
        )
        return [_user(row) for row in rows]

    async def with_role(self, role: Role) -> list[User]:
        rows = await self.db.fetchall(
            "SELECT * FROM users WHERE role = ? AND active = 1 AND origin = 'telegram' ORDER BY id",
            (role.value,),
        )
        return [_user(row) for row in rows]

    async def names(self, user_ids: set[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self.db.fetchall(
            f"SELECT * FROM users WHERE id IN ({marks})",  # noqa: S608 - only placeholders
            tuple(sorted(user_ids)),
        )
        return {row["id"]: _user(row) for row in rows}

    async def put(
        self,
        tx: aiosqlite.Connection,
        user_id: int,
        *,
        role: Role,
        active: bool,
        now: datetime,
        telegram_name: str | None = None,
    ) -> None:
        """Create the person or change their role and whether they are active."""
        await tx.execute(
            "INSERT INTO users (id, role, origin, telegram_name, active, created_at, updated_at)"
            " VALUES (?, ?, 'telegram', ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " role = excluded.role, active = excluded.active,"
            " telegram_name = COALESCE(excluded.telegram_name, users.telegram_name),"
            " updated_at = excluded.updated_at",
            (user_id, role.value, telegram_name, int(active), iso(now), iso(now)),
        )


class ClaimRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self,
        tx: aiosqlite.Connection,
        facts: ClaimFacts,
        *,
        agent_id: int,
        stage: Stage,
        respond_by: datetime,
        now: datetime,
    ) -> Claim:
        cursor = await tx.execute(
            "INSERT INTO claims (order_id, marketplace, fulfillment, reason, buyer_language,"
            " buyer_name, product, carrier, tracking_number, extra_facts, stage, agent_id,"
            " notified_at, respond_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                facts.order_id,
                facts.marketplace,
                facts.fulfillment.value,
                facts.reason.value,
                facts.buyer_language,
                facts.buyer_name,
                facts.product,
                facts.carrier,
                facts.tracking_number,
                json.dumps(facts.extra, ensure_ascii=False, sort_keys=True),
                stage.value,
                agent_id,
                iso(facts.notified_at),
                iso(respond_by),
                iso(now),
                iso(now),
            ),
        )
        claim_id = cursor.lastrowid
        if claim_id is None:  # pragma: no cover - sqlite always reports it for an INSERT
            raise RuntimeError("claim insert returned no row id")
        return Claim(claim_id, agent_id, facts, stage, respond_by, now)

    async def get(self, claim_id: int) -> Claim | None:
        row = await self.db.fetchone("SELECT * FROM claims WHERE id = ?", (claim_id,))
        return _claim(row) if row is not None else None

    async def open_for_agent(self, agent_id: int) -> list[Claim]:
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE agent_id = ? AND closed_at IS NULL ORDER BY respond_by",
            (agent_id,),
        )
        return [_claim(row) for row in rows]

    async def update(
        self, tx: aiosqlite.Connection, claim: Claim, now: datetime, **changes: object
    ) -> None:
        """Apply `changes` (column -> value) if the claim is still at `claim.revision`, and
        move it to the next revision; raise `StaleClaimError` if someone changed it first."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        if "step" in changes or "outcome" in changes:
            # The stage is derived from the step and the outcome; stored for queries only.
            step = str(changes.get("step", claim.step))
            outcome = changes.get("outcome", claim.outcome)
            changes["stage"] = stage_of(step, Outcome(str(outcome)) if outcome else None)
        columns = sorted(changes)
        assignments = "".join(f"{column} = ?, " for column in columns)
        values = [_column_value(changes[column]) for column in columns]
        cursor = await tx.execute(
            f"UPDATE claims SET {assignments}revision = revision + 1, updated_at = ?"  # noqa: S608
            " WHERE id = ? AND revision = ? AND closed_at IS NULL",
            (*values, iso(now), claim.id, claim.revision),
        )
        if cursor.rowcount != 1:
            raise StaleClaimError(claim.id)

    async def open_count_for_agent(self, agent_id: int | None) -> int:
        """Open claims of one agent, or of the whole team for `None`."""
        if agent_id is None:
            row = await self.db.fetchone("SELECT COUNT(*) FROM claims WHERE closed_at IS NULL")
        else:
            row = await self.db.fetchone(
                "SELECT COUNT(*) FROM claims WHERE agent_id = ? AND closed_at IS NULL",
                (agent_id,),
            )
        return int(row[0]) if row is not None else 0

    async def open_page_for_agent(
        self, agent_id: int | None, *, offset: int, limit: int
    ) -> list[Claim]:
        """Open claims of one agent (or the team, for `None`), most urgent first."""
        if agent_id is None:
            rows = await self.db.fetchall(
                "SELECT * FROM claims WHERE closed_at IS NULL"
                " ORDER BY respond_by, id LIMIT ? OFFSET ?",
                (limit, offset),
            )
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM claims WHERE agent_id = ? AND closed_at IS NULL"
                " ORDER BY respond_by, id LIMIT ? OFFSET ?",
                (agent_id, limit, offset),
            )
        return [_claim(row) for row in rows]

    async def open_for_order(
        self, tx: aiosqlite.Connection, order_id: str
    ) -> tuple[int, int] | None:
        """The order's open claim, as (claim id, agent id), read inside `tx`."""
        async with tx.execute(
            "SELECT id, agent_id FROM claims WHERE order_id = ? AND closed_at IS NULL"
            " ORDER BY id LIMIT 1",
            (order_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), int(row[1])) if row is not None else None

    async def for_order(self, order_id: str) -> list[Claim]:
        """Every claim about an order (one may be reopened), newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE order_id = ? ORDER BY id DESC", (order_id,)
        )
        return [_claim(row) for row in rows]

    async def reassign(
        self, tx: aiosqlite.Connection, from_agent: int, to_agent: int, now: datetime
    ) -> list[int]:
        """Hand every open claim of one agent to another; the ids of the claims moved."""
        async with tx.execute(
            "SELECT id FROM claims WHERE agent_id = ? AND closed_at IS NULL ORDER BY id",
            (from_agent,),
        ) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        await tx.execute(
            "UPDATE claims SET agent_id = ?, revision = revision + 1, updated_at = ?"
            " WHERE agent_id = ? AND closed_at IS NULL",
            (to_agent, iso(now), from_agent),
        )
        return ids

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM claims")
        return int(row[0]) if row is not None else 0


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_version(
        self,
        tx: aiosqlite.Connection,
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

    async def mark_sent(self, tx: aiosqlite.Connection, draft_id: int, now: datetime) -> bool:
        """Whether this call marked it (False: it was marked already)."""
        async with tx.execute(
            "UPDATE drafts SET sent_at = ? WHERE id = ? AND sent_at IS NULL", (iso(now), draft_id)
        ) as cursor:
            return cursor.rowcount == 1


class ReviewRepository:
    """Draft versions submitted for review. A decision is a compare-and-set on the status, so
    of two leads deciding at once exactly one succeeds."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, tx: aiosqlite.Connection, *, claim_id: int, draft_id: int, by: int, now: datetime
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
        tx: aiosqlite.Connection,
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
        self, tx: aiosqlite.Connection, claim_id: int, kind: str, now: datetime
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

    async def pending_count(self) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM reviews r JOIN claims c ON c.id = r.claim_id"
            " WHERE r.status = 'pending' AND c.closed_at IS NULL"
        )
        return int(row[0]) if row is not None else 0

    async def pending_page(self, *, offset: int, limit: int) -> list[ReviewRecord]:
        """Pending reviews of open claims, the claim with the earliest deadline first."""
        rows = await self.db.fetchall(
            "SELECT r.* FROM reviews r JOIN claims c ON c.id = r.claim_id"
            " WHERE r.status = 'pending' AND c.closed_at IS NULL"
            " ORDER BY c.respond_by, r.id LIMIT ? OFFSET ?",
            (limit, offset),
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

    async def messages(self, review_id: int) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id FROM review_messages WHERE review_id = ?"
            " ORDER BY chat_id, message_id",
            (review_id,),
        )
        return [(int(row[0]), int(row[1])) for row in rows]


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
        return [(_claim(row), frozenset((row["reminded"] or "").split(",")) - {""}) for row in rows]

    async def record(self, claim_id: int, sent: str, skipped: list[str], now: datetime) -> bool:
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


class StatsRepository:
    """Grouped counts for /stats and rows for /export, by notice date: [start, end)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def day_counts(
        self, first: date, last: date
    ) -> list[tuple[str, str, str | None, int, int]]:
        """(dimension, value, display name, claims, closed late) summed over the days, from
        the daily counts the triggers keep (bot/storage/rollup.py)."""
        rows = await self.db.fetchall(
            "SELECT dim, key, MIN(name), SUM(n), SUM(late) FROM claim_days"
            " WHERE day >= ? AND day <= ? GROUP BY dim, key HAVING SUM(n) > 0",
            (first.isoformat(), last.isoformat()),
        )
        return [(r[0], r[1], r[2], int(r[3]), int(r[4] or 0)) for r in rows]

    async def open_overdue(self, start: datetime, end: datetime, now: datetime) -> int:
        """Open claims noticed in [start, end) whose respond-by time has passed."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM claims WHERE closed_at IS NULL AND respond_by < ?"
            " AND notified_at >= ? AND notified_at < ?",
            (iso(now), iso(start), iso(end)),
        )
        return int(row[0]) if row is not None else 0

    async def weeks(self, first: date, last: date) -> list[tuple[str, str, int]]:
        """(the Monday of the notice's week, outcome or "open", claims) per week."""
        rows = await self.db.fetchall(
            "SELECT date(day, 'weekday 0', '-6 days'), key, SUM(n) FROM claim_days"
            " WHERE dim = 'outcome' AND day >= ? AND day <= ? GROUP BY 1, 2"
            " HAVING SUM(n) > 0 ORDER BY 1, 2",
            (first.isoformat(), last.isoformat()),
        )
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    async def claims(self, start: datetime, end: datetime) -> list[Claim]:
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE notified_at >= ? AND notified_at < ?"
            " ORDER BY notified_at, id",
            (iso(start), iso(end)),
        )
        return [_claim(row) for row in rows]


class OptionRepository:
    """Store settings an admin changes in the chat; absent keys fall back to the config."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        row = await self.db.fetchone("SELECT value FROM options WHERE key = ?", (key,))
        return str(row[0]) if row is not None else None

    async def delete(self, tx: aiosqlite.Connection, key: str) -> None:
        await tx.execute("DELETE FROM options WHERE key = ?", (key,))

    async def set(
        self, tx: aiosqlite.Connection, key: str, value: str, by: int, now: datetime
    ) -> None:
        await tx.execute(
            "INSERT INTO options (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (key, value, by, iso(now)),
        )


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

    async def clear(self, user_id: int, tx: aiosqlite.Connection | None = None) -> None:
        if tx is not None:
            await tx.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))
            return
        async with self.db.transaction() as own:
            await own.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))


_QUESTION_KINDS = frozenset(kind.value for kind in QuestionKind)


class IntakeRepository:
    """Each agent's unfinished /new: the answers and the question being asked, in one row."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> IntakeAnswers | Unreadable | None:
        """The stored answers, None without an intake, or UNREADABLE when the row does not
        read back as answers (the caller starts the intake over)."""
        row = await self.db.fetchone("SELECT answers FROM intakes WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        try:
            data = json.loads(row["answers"])
        except ValueError:
            data = None
        return IntakeAnswers.from_json(data) or UNREADABLE

    async def exists(self, user_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM intakes WHERE user_id = ?", (user_id,))
        return row is not None

    async def save(self, user_id: int, answers: IntakeAnswers, now: datetime) -> None:
        """Store the answers with the question they now ask. Any other awaited answer goes in
        the same write: the newest question gets what is typed next."""
        async with self.db.transaction() as tx:
            await self.put(tx, user_id, answers, now)
            await tx.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))

    async def put(
        self, tx: aiosqlite.Connection, user_id: int, answers: IntakeAnswers, now: datetime
    ) -> None:
        await tx.execute(
            "INSERT INTO intakes (user_id, answers, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET answers = excluded.answers,"
            " updated_at = excluded.updated_at",
            (user_id, json.dumps(answers.to_json(), ensure_ascii=False), iso(now)),
        )

    async def delete(self, user_id: int, tx: aiosqlite.Connection | None = None) -> bool:
        """Drop the intake; whether there was one."""
        if tx is not None:
            cursor = await tx.execute("DELETE FROM intakes WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0
        async with self.db.transaction() as own:
            cursor = await own.execute("DELETE FROM intakes WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0


class EventRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        tx: aiosqlite.Connection,
        kind: str,
        *,
        actor_id: int | None,
        now: datetime,
        claim_id: int | None = None,
        draft_id: int | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        await tx.execute(
            "INSERT INTO events (claim_id, draft_id, actor_id, kind, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                claim_id,
                draft_id,
                actor_id,
                kind,
                json.dumps(payload or {}, ensure_ascii=False, sort_keys=True),
                iso(now),
            ),
        )

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


class Storage:
    """The repositories over one database, for the composition root to hand around."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.claims = ClaimRepository(db)
        self.drafts = DraftRepository(db)
        self.events = EventRepository(db)
        self.pending = PendingInputRepository(db)
        self.intakes = IntakeRepository(db)
        self.reviews = ReviewRepository(db)
        self.options = OptionRepository(db)
        self.reminders = ReminderRepository(db)
        self.stats = StatsRepository(db)


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        role=Role(row["role"]),
        origin=row["origin"],
        display_name=row["display_name"],
        ui_language=row["ui_language"],
        active=bool(row["active"]),
        client_language=row["client_language"],
        telegram_name=row["telegram_name"],
        time_zone=row["time_zone"],
    )


def _review(row: aiosqlite.Row) -> ReviewRecord:
    return ReviewRecord(
        id=row["id"],
        claim_id=row["claim_id"],
        draft_id=row["draft_id"],
        status=ReviewStatus(row["status"]),
        submitted_by=row["submitted_by"],
        submitted_at=parse_iso(row["submitted_at"]),
        decided_by=row["decided_by"],
        decided_at=_maybe_time(row["decided_at"]),
        comment=row["comment"],
    )


def _claim(row: aiosqlite.Row) -> Claim:
    facts = ClaimFacts(
        order_id=row["order_id"],
        marketplace=row["marketplace"],
        fulfillment=Fulfillment(row["fulfillment"]),
        reason=Reason(row["reason"]),
        buyer_language=row["buyer_language"],
        notified_at=parse_iso(row["notified_at"]),
        buyer_name=row["buyer_name"],
        product=row["product"],
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        extra=json.loads(row["extra_facts"]),
    )
    return Claim(
        id=row["id"],
        agent_id=row["agent_id"],
        facts=facts,
        stage=Stage(row["stage"]),
        respond_by=parse_iso(row["respond_by"]),
        created_at=parse_iso(row["created_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] is not None else None,
        step=row["step"],
        revision=row["revision"],
        contacted_at=_maybe_time(row["contacted_at"]),
        last_contact_at=_maybe_time(row["last_contact_at"]),
        replied_at=_maybe_time(row["replied_at"]),
        cause=Cause(row["cause"]) if row["cause"] is not None else None,
        evidence=frozenset(Evidence(item) for item in json.loads(row["evidence"])),
        closed_at=_maybe_time(row["closed_at"]),
        info_requested_at=_maybe_time(row["info_requested_at"]),
    )


_UPDATABLE: frozenset[str] = frozenset(
    {
        "marketplace",
        "fulfillment",
        "reason",
        "buyer_language",
        "buyer_name",
        "product",
        "carrier",
        "tracking_number",
        "extra_facts",
        "step",
        "contacted_at",
        "last_contact_at",
        "replied_at",
        "cause",
        "evidence",
        "outcome",
        "closed_at",
        "info_requested_at",
        "notified_at",
        "respond_by",
    }
)


def _column_value(value: object) -> object:
    """Domain values as SQLite stores them."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (frozenset, set)):
        return json.dumps(sorted(str(item) for item in value))
    return value


def _maybe_time(text: str | None) -> datetime | None:
    return parse_iso(text) if text is not None else None


def _draft(row: aiosqlite.Row) -> DraftRecord:
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
        sent_at=_maybe_time(row["sent_at"]),
    )
