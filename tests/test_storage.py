"""Storage on real SQLite files: migrations, transactions, repositories, PTB persistence."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.domain.claims import (
    Cause,
    Claim,
    ClaimChange,
    ClaimFacts,
    Evidence,
    Fulfillment,
    Outcome,
    Reason,
    Stage,
    StepId,
)
from bot.domain.intake import IntakeAnswers, IntakeStep
from bot.storage import (
    ClaimRepository,
    Database,
    DraftRepository,
    EventRepository,
    Role,
    StaleClaimError,
    Storage,
    UserRepository,
)
from bot.storage.database import CHECKPOINT_COMMITS
from bot.storage.migrations import MIGRATIONS
from bot.storage.persistence import SQLitePersistence
from tests.helpers import schema_up_to

NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
AGENT = 501
LEAD = 502
ADMIN = 7


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    # A folder that does not exist yet: Database.open creates it.
    return tmp_path / "data" / "claimbot.sqlite3"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = Database(db_path)
    await database.open()
    try:
        yield database
    finally:
        await database.close()
        # Whatever a test did, the file is consistent afterwards.
        with sqlite3.connect(db_path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw.close()


@pytest.fixture
def storage(db: Database) -> Storage:
    return Storage(db)


def facts(order_id: str = "028-1234567-1234567", **changes: object) -> ClaimFacts:
    values: dict[str, object] = {
        "order_id": order_id,
        "marketplace": "DE",
        "fulfillment": Fulfillment.FBM,
        "reason": Reason.NOT_RECEIVED,
        "buyer_language": "de",
        "notified_at": NOW - timedelta(hours=3),
        "buyer_name": "Jürgen Groß",
        "product": "Kaffeemühle „Präzision“",
        "carrier": "DHL",
        "tracking_number": "00340434161234567890",
        "extra": {"delay_cause": "Streik im Paketzentrum", "gift": "5 € Gutschein"},
    }
    values.update(changes)
    return ClaimFacts(**values)  # type: ignore[arg-type]


async def new_claim(storage: Storage, agent_id: int = AGENT, **changes: object) -> Claim:
    claim_facts = facts(**changes)  # type: ignore[arg-type]
    async with storage.db.transaction() as tx:
        return await storage.claims.insert(
            tx,
            claim_facts,
            agent_id=agent_id,
            stage=Stage.NEW,
            respond_by=claim_facts.notified_at + timedelta(hours=72),
            now=NOW,
        )


async def raw_user(db: Database, user_id: int) -> dict[str, object]:
    row = await db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
    assert row is not None
    return dict(row)


# -- the database: pragmas and migrations -------------------------------------------------------


async def test_open_applies_the_migrations_and_sets_the_pragmas(
    db: Database, db_path: Path
) -> None:
    assert db.is_open
    assert db_path.is_file()
    assert await db.schema_version() == len(MIGRATIONS) == 16
    rows = await db.fetchall("SELECT version, name FROM schema_migrations")
    assert [(r["version"], r["name"]) for r in rows] == [
        (1, "initial schema"),
        (2, "claim journey"),
        (3, "review and people"),
        (4, "reminders"),
        (5, "reporting"),
        (6, "time zones and information requests"),
        (7, "daily counts"),
        (8, "questions"),
        (9, "mails"),
        (10, "reminders for every deadline"),
        (11, "claims may be unassigned"),
        (12, "mails from a mailbox"),
        (13, "review topics"),
        (14, "several stores"),
        (15, "outbox"),
        (16, "daily counts per store"),
    ]
    tables = {
        r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {
        "users",
        "claims",
        "drafts",
        "events",
        "ptb_conversations",
        "ptb_user_data",
        "ptb_chat_data",
        "reviews",
        "review_messages",
        "options",
        "pending_inputs",
        "reminders",
        "intakes",
        "review_topics",
        "group_chats",
        "stores",
        "user_stores",
        "outbox",
    } <= tables
    journal = await db.fetchone("PRAGMA journal_mode")
    assert journal is not None
    assert str(journal[0]).lower() == "wal"
    foreign_keys = await db.fetchone("PRAGMA foreign_keys")
    assert foreign_keys is not None
    assert foreign_keys[0] == 1
    assert await db.integrity_check() == "ok"


async def test_foreign_keys_are_enforced(storage: Storage) -> None:
    # No user 404 exists, so a claim cannot name them as its agent.
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await new_claim(storage, agent_id=404)
    assert await storage.claims.count() == 0


async def test_reopening_applies_no_migration_again(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.database")
    first = Database(db_path)
    try:
        await first.open()
        await first.open()  # a second open on the same object is a no-op
        before = [tuple(r) for r in await first.fetchall("SELECT * FROM schema_migrations")]
    finally:
        await first.close()
    assert [r.getMessage() for r in caplog.records] == [
        "applied migration 1 (initial schema)",
        "applied migration 2 (claim journey)",
        "applied migration 3 (review and people)",
        "applied migration 4 (reminders)",
        "applied migration 5 (reporting)",
        "applied migration 6 (time zones and information requests)",
        "applied migration 7 (daily counts)",
        "applied migration 8 (questions)",
        "applied migration 9 (mails)",
        "applied migration 10 (reminders for every deadline)",
        "applied migration 11 (claims may be unassigned)",
        "applied migration 12 (mails from a mailbox)",
        "applied migration 13 (review topics)",
        "applied migration 14 (several stores)",
        "applied migration 15 (outbox)",
        "applied migration 16 (daily counts per store)",
    ]
    assert not first.is_open

    caplog.clear()
    second = Database(db_path)
    try:
        await second.open()
        after = [tuple(r) for r in await second.fetchall("SELECT * FROM schema_migrations")]
        assert await second.schema_version() == 16
        journal = await second.fetchone("PRAGMA journal_mode")
        assert journal is not None
        assert str(journal[0]).lower() == "wal"
    finally:
        await second.close()
    assert after == before
    assert len(after) == 16
    assert [r for r in caplog.records if "applied migration" in r.getMessage()] == []


async def test_a_database_from_a_newer_claimbot_is_refused(db_path: Path) -> None:
    first = Database(db_path)
    try:
        await first.open()
    finally:
        await first.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)"
            " VALUES (99, 'from the future', '2030-01-01T00:00:00+00:00')"
        )
    raw.close()

    newer = Database(db_path)
    try:
        with pytest.raises(RuntimeError, match=r"schema version 99 is newer") as refused:
            await newer.open()
        assert "upgrade claimbot" in str(refused.value)
        assert not newer.is_open
        with pytest.raises(RuntimeError, match="not open"):
            _ = newer.conn
    finally:
        await newer.close()
    # Refusing touched nothing.
    with sqlite3.connect(db_path) as raw:
        versions = [r[0] for r in raw.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    raw.close()
    assert versions == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 99]


async def test_using_a_closed_database_fails_clearly(db_path: Path) -> None:
    database = Database(db_path)
    with pytest.raises(RuntimeError, match="database is not open"):
        await database.fetchone("SELECT 1")
    await database.close()  # closing what was never opened is harmless


# -- transactions -------------------------------------------------------------------------------


async def test_transaction_commits_when_the_block_ends(db: Database, db_path: Path) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'agent', ?, ?)",
            (AGENT, "2026-03-02T10:15:00+00:00", "2026-03-02T10:15:00+00:00"),
        )
        assert tx.in_transaction
    assert not db.conn.in_transaction
    # Committed means another connection sees it.
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT role FROM users WHERE id = ?", (AGENT,)).fetchall() == [
            ("agent",)
        ]
    raw.close()


async def test_a_long_read_sees_what_is_committed_and_does_not_wait_for_a_write(
    db: Database,
) -> None:
    """`scan` (an export, a report over months) runs on aiosqlite's thread and its own
    connection: it neither waits for a transaction in progress nor sees its rows."""
    users = UserRepository(db)
    await users.add(AGENT, Role.AGENT, NOW)
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'lead', ?, ?)",
                (LEAD, "2026-03-02T10:15:00+00:00", "2026-03-02T10:15:00+00:00"),
            )
            inside.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await inside.wait()
    try:
        seen = await asyncio.wait_for(db.scan("SELECT id FROM users ORDER BY id"), 5)
        assert [row[0] for row in seen] == [AGENT]
    finally:
        release.set()
        await task
    assert [row[0] for row in await db.scan("SELECT id FROM users ORDER BY id")] == [AGENT, LEAD]


async def test_an_in_memory_database_scans_through_its_one_connection() -> None:
    database = Database(":memory:")
    await database.open()
    try:
        row = await database.scan("SELECT COUNT(*) FROM schema_migrations")
        assert row[0][0] == await database.schema_version()
    finally:
        await database.close()


async def test_checkpoints_run_off_the_loop_every_so_many_commits(db: Database) -> None:
    """The loop's connection never checkpoints at commit (an fsync on the loop's thread);
    the side connection does, every CHECKPOINT_COMMITS commits."""
    setting = await db.fetchone("PRAGMA wal_autocheckpoint")
    assert setting is not None
    assert setting[0] == 0
    before = db.checkpoints
    for number in range(2 * CHECKPOINT_COMMITS + 1):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'agent', ?, ?)",
                (50_000 + number, "2026-03-02T10:15:00+00:00", "2026-03-02T10:15:00+00:00"),
            )
        await asyncio.sleep(0)  # the checkpoint task gets its turn, as between updates
    for _ in range(100):
        if db.checkpoints >= before + 2:
            break
        await asyncio.sleep(0.01)
    assert db.checkpoints == before + 2
    count = await db.fetchone("SELECT COUNT(*) FROM users WHERE id >= 50000")
    assert count is not None
    assert count[0] == 2 * CHECKPOINT_COMMITS + 1


async def test_transaction_rolls_back_when_the_block_raises(db: Database) -> None:
    users = UserRepository(db)
    with pytest.raises(ZeroDivisionError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'agent', ?, ?)",
                (AGENT, "2026-03-02T10:15:00+00:00", "2026-03-02T10:15:00+00:00"),
            )
            _ = 1 / 0
    assert not db.conn.in_transaction
    assert await users.get(AGENT) is None
    # The write lock was released: the next transaction runs and commits.
    await users.add(AGENT, Role.AGENT, NOW)
    assert await users.get(AGENT) is not None


async def test_a_failed_statement_rolls_back_the_whole_transaction(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    with pytest.raises(sqlite3.IntegrityError):
        async with storage.db.transaction() as tx:
            await tx.execute("UPDATE users SET display_name = 'half done' WHERE id = ?", (AGENT,))
            await tx.execute(
                "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'nobody', ?, ?)",
                (AGENT + 1, "2026-03-02T10:15:00+00:00", "2026-03-02T10:15:00+00:00"),
            )
    user = await storage.users.get(AGENT)
    assert user is not None
    assert user.display_name is None
    assert await storage.users.get(AGENT + 1) is None


# -- users --------------------------------------------------------------------------------------


async def test_get_returns_none_for_an_unknown_user(storage: Storage) -> None:
    assert await storage.users.get(123456789) is None


async def test_bootstrap_admin_creates_an_active_admin(storage: Storage) -> None:
    await storage.users.bootstrap_admin(ADMIN, NOW)
    user = await storage.users.get(ADMIN)
    assert user is not None
    assert user.id == ADMIN
    assert user.role is Role.ADMIN
    assert user.active is True
    assert user.origin == "telegram"
    assert user.display_name is None
    assert user.ui_language is None
    row = await raw_user(storage.db, ADMIN)
    assert row["created_at"] == row["updated_at"] == "2026-03-02T10:15:00+00:00"


async def test_bootstrap_admin_keeps_the_origin_it_is_given(storage: Storage) -> None:
    await storage.users.bootstrap_admin(1, NOW, origin="console")
    user = await storage.users.get(1)
    assert user is not None
    assert (user.role, user.origin) == (Role.ADMIN, "console")


async def test_bootstrap_admin_promotes_an_existing_user(storage: Storage) -> None:
    await storage.users.add(ADMIN, Role.AGENT, NOW, display_name="Zoë")
    later = NOW + timedelta(days=1)
    await storage.users.bootstrap_admin(ADMIN, later)
    user = await storage.users.get(ADMIN)
    assert user is not None
    assert user.role is Role.ADMIN
    assert user.display_name == "Zoë"  # promotion keeps what was known
    row = await raw_user(storage.db, ADMIN)
    assert row["created_at"] == "2026-03-02T10:15:00+00:00"
    assert row["updated_at"] == "2026-03-03T10:15:00+00:00"


async def test_bootstrap_admin_reactivates_a_deactivated_admin(storage: Storage) -> None:
    await storage.users.bootstrap_admin(ADMIN, NOW)
    async with storage.db.transaction() as tx:
        await tx.execute("UPDATE users SET active = 0 WHERE id = ?", (ADMIN,))
    deactivated = await storage.users.get(ADMIN)
    assert deactivated is not None
    assert deactivated.active is False

    await storage.users.bootstrap_admin(ADMIN, NOW + timedelta(hours=1))
    user = await storage.users.get(ADMIN)
    assert user is not None
    assert (user.role, user.active) == (Role.ADMIN, True)


async def test_bootstrap_admin_of_an_active_admin_changes_nothing(storage: Storage) -> None:
    await storage.users.bootstrap_admin(ADMIN, NOW)
    before = await raw_user(storage.db, ADMIN)
    await storage.users.bootstrap_admin(ADMIN, NOW + timedelta(days=30))
    assert await raw_user(storage.db, ADMIN) == before
    row = await storage.db.fetchone("SELECT COUNT(*) FROM users")
    assert row is not None
    assert row[0] == 1


async def test_add_and_set_display_name(storage: Storage) -> None:
    added = await storage.users.add(AGENT, Role.LEAD, NOW, display_name="Ana")
    assert await storage.users.get(AGENT) == added
    await storage.users.set_display_name(AGENT, "Ana María", NOW + timedelta(minutes=5))
    user = await storage.users.get(AGENT)
    assert user is not None
    assert (user.role, user.display_name) == (Role.LEAD, "Ana María")
    with pytest.raises(sqlite3.IntegrityError):  # ids are unique
        await storage.users.add(AGENT, Role.AGENT, NOW)


async def test_naive_datetimes_are_rejected(storage: Storage) -> None:
    with pytest.raises(ValueError, match="naive"):
        await storage.users.bootstrap_admin(ADMIN, datetime(2026, 3, 2, 10, 15))
    assert await storage.users.get(ADMIN) is None


# -- claims, drafts, events ---------------------------------------------------------------------


async def test_claim_round_trip(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    inserted = await new_claim(storage)
    assert inserted.id >= 1
    loaded = await storage.claims.get(inserted.id)
    assert loaded == inserted
    assert loaded is not None
    assert loaded.facts.buyer_name == "Jürgen Groß"
    assert loaded.facts.product == "Kaffeemühle „Präzision“"
    assert loaded.facts.extra == {"delay_cause": "Streik im Paketzentrum", "gift": "5 € Gutschein"}
    assert loaded.facts.fulfillment is Fulfillment.FBM
    assert loaded.facts.reason is Reason.NOT_RECEIVED
    assert loaded.stage is Stage.NEW
    assert loaded.outcome is None
    assert loaded.respond_by == NOW + timedelta(hours=69)
    assert loaded.respond_by.utcoffset() == timedelta(0)
    assert await storage.claims.get(inserted.id + 1) is None
    assert await storage.claims.count() == 1


async def test_claim_times_are_stored_in_utc(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    tokyo = timezone(timedelta(hours=9))
    notified = datetime(2026, 3, 2, 18, 0, tzinfo=tokyo)
    claim = await new_claim(storage, notified_at=notified, buyer_name=None, extra={})
    row = await storage.db.fetchone(
        "SELECT notified_at, extra_facts, buyer_name FROM claims WHERE id = ?", (claim.id,)
    )
    assert row is not None
    assert tuple(row) == ("2026-03-02T09:00:00+00:00", "{}", None)
    loaded = await storage.claims.get(claim.id)
    assert loaded is not None
    assert loaded.facts.notified_at == notified  # the same instant
    assert loaded.facts.notified_at.utcoffset() == timedelta(0)
    assert loaded.facts.buyer_name is None


async def test_a_claim_change_sets_its_fields_clears_with_none_and_moves_the_stage(
    storage: Storage,
) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    claim = await new_claim(storage)
    later = NOW + timedelta(minutes=5)
    async with storage.db.transaction() as tx:
        await storage.claims.update(
            tx,
            claim,
            later,
            ClaimChange(
                step=StepId.AWAIT_REPLY,
                cause=Cause.DELIVERY,
                carrier="GLS",
                extra={"buyer_reply": "Wo bleibt es?"},
                evidence=frozenset({Evidence.TRACKING, Evidence.CARRIER}),
                contacted_at=later,
            ),
        )
    changed = await storage.claims.get(claim.id)
    assert changed is not None
    assert (changed.step, changed.stage, changed.cause) == (
        "await_reply",
        Stage.AWAITING_REPLY,
        Cause.DELIVERY,
    )
    assert changed.facts == replace(
        claim.facts, carrier="GLS", extra={"buyer_reply": "Wo bleibt es?"}
    )
    assert changed.evidence == {Evidence.TRACKING, Evidence.CARRIER}
    assert (changed.contacted_at, changed.revision) == (later, claim.revision + 1)
    async with storage.db.transaction() as tx:
        await storage.claims.update(tx, changed, later, ClaimChange(cause=None, carrier=None))
        with pytest.raises(StaleClaimError):  # acted on a revision that is gone
            await storage.claims.update(tx, changed, later, ClaimChange(step=StepId.CONTACT_BUYER))
    cleared = await storage.claims.get(claim.id)
    assert cleared is not None
    assert (cleared.cause, cleared.facts.carrier, cleared.step) == (None, None, "await_reply")
    async with storage.db.transaction() as tx:
        await storage.claims.update(tx, cleared, later, ClaimChange(outcome=Outcome.DENIED))
    closed = await storage.claims.get(claim.id)
    assert closed is not None
    assert (closed.stage, closed.outcome) == (Stage.CLOSED, Outcome.DENIED)
    assert ClaimChange.column_fact("product", "Mühle") == ClaimChange(product="Mühle")
    with pytest.raises(ValueError, match="usage_steps"):
        ClaimChange.column_fact("usage_steps", "Knopf drücken")


async def test_open_claims_of_an_agent_come_soonest_deadline_first(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    await storage.users.add(AGENT + 1, Role.AGENT, NOW)
    later = await new_claim(storage, order_id="028-0000000-0000002", notified_at=NOW)
    sooner = await new_claim(
        storage, order_id="028-0000000-0000001", notified_at=NOW - timedelta(days=1)
    )
    await new_claim(storage, agent_id=AGENT + 1, order_id="028-0000000-0000003")
    closed = await new_claim(storage, order_id="028-0000000-0000004")
    async with storage.db.transaction() as tx:
        await tx.execute(
            "UPDATE claims SET closed_at = ?, stage = 'closed' WHERE id = ?",
            ("2026-03-02T11:00:00+00:00", closed.id),
        )
    open_claims = await storage.claims.open_for_agent(AGENT)
    assert [c.id for c in open_claims] == [sooner.id, later.id]
    assert await storage.claims.open_for_agent(999) == []
    assert await storage.claims.count() == 4


async def test_draft_versions_count_up_per_claim_and_kind(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    claim = await new_claim(storage)
    other = await new_claim(storage, order_id="028-7654321-7654321")

    async def add(claim_id: int, kind: str, body: str, minutes: int = 0) -> int:
        async with storage.db.transaction() as tx:
            record = await storage.drafts.add_version(
                tx,
                claim_id=claim_id,
                kind=kind,
                language="de",
                subject=f"Ihre Bestellung – {kind}",
                body=body,
                source="generated" if minutes == 0 else "edited",
                author_id=AGENT if minutes else None,
                now=NOW + timedelta(minutes=minutes),
            )
        return record.version

    assert [await add(claim.id, "inquiry", f"Fassung {n}", n) for n in range(3)] == [1, 2, 3]
    assert await add(claim.id, "refund", "Erstattung") == 1
    assert await add(other.id, "inquiry", "Andere Bestellung") == 1
    assert await add(claim.id, "inquiry", "Fassung 4", 10) == 4

    drafts = await storage.drafts.for_claim(claim.id)
    assert [(d.kind, d.version, d.body) for d in drafts] == [
        ("inquiry", 1, "Fassung 0"),
        ("inquiry", 2, "Fassung 1"),
        ("inquiry", 3, "Fassung 2"),
        ("inquiry", 4, "Fassung 4"),
        ("refund", 1, "Erstattung"),
    ]
    first, second = drafts[0], drafts[1]
    assert (first.source, first.author_id, first.created_at) == ("generated", None, NOW)
    assert (second.source, second.author_id) == ("edited", AGENT)
    assert second.created_at == NOW + timedelta(minutes=1)
    assert first.subject == "Ihre Bestellung – inquiry"
    assert first.language == "de"
    assert [d.version for d in await storage.drafts.for_claim(other.id)] == [1]
    assert await storage.drafts.for_claim(12345) == []


async def test_a_version_is_never_stored_twice(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    claim = await new_claim(storage)
    async with storage.db.transaction() as tx:
        await storage.drafts.add_version(
            tx,
            claim_id=claim.id,
            kind="inquiry",
            language="en",
            subject="s",
            body="b",
            source="generated",
            author_id=None,
            now=NOW,
        )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        async with storage.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO drafts (claim_id, kind, version, language, subject, body, source,"
                " created_at) VALUES (?, 'inquiry', 1, 'en', 's', 'b', 'generated', ?)",
                (claim.id, "2026-03-02T10:15:00+00:00"),
            )
    assert len(await storage.drafts.for_claim(claim.id)) == 1


async def test_events_round_trip_in_order(storage: Storage) -> None:
    await storage.users.add(AGENT, Role.AGENT, NOW)
    claim = await new_claim(storage)
    async with storage.db.transaction() as tx:
        draft = await storage.drafts.add_version(
            tx,
            claim_id=claim.id,
            kind="inquiry",
            language="de",
            subject="Betreff",
            body="Text",
            source="generated",
            author_id=None,
            now=NOW,
        )
        await storage.events.record(tx, "claim_opened", actor_id=AGENT, now=NOW, claim_id=claim.id)
        await storage.events.record(
            tx,
            "draft_generated",
            actor_id=AGENT,
            now=NOW + timedelta(seconds=30),
            claim_id=claim.id,
            draft_id=draft.id,
            payload={"kind": "inquiry", "note": "Käufer ärgerlich 😠"},
        )
        # An event about no claim (e.g. an admin action) belongs to no claim's history.
        await storage.events.record(tx, "user_added", actor_id=ADMIN, now=NOW)
    events = await storage.events.for_claim(claim.id)
    assert [(e.kind, e.actor_id, e.draft_id) for e in events] == [
        ("claim_opened", AGENT, None),
        ("draft_generated", AGENT, draft.id),
    ]
    assert events[0].payload == {}
    assert events[1].payload == {"kind": "inquiry", "note": "Käufer ärgerlich 😠"}
    assert events[0].id < events[1].id
    assert events[1].created_at == NOW + timedelta(seconds=30)
    assert all(e.claim_id == claim.id for e in events)
    assert await storage.events.for_claim(claim.id + 1) == []


async def test_repositories_work_alone_on_the_same_database(db: Database) -> None:
    users, claims = UserRepository(db), ClaimRepository(db)
    drafts, events = DraftRepository(db), EventRepository(db)
    await users.bootstrap_admin(AGENT, NOW)
    async with db.transaction() as tx:
        claim = await claims.insert(
            tx, facts(), agent_id=AGENT, stage=Stage.CONTACTING_BUYER, respond_by=NOW, now=NOW
        )
        await events.record(tx, "claim_opened", actor_id=AGENT, now=NOW, claim_id=claim.id)
    loaded = await claims.get(claim.id)
    assert loaded is not None
    assert loaded.stage is Stage.CONTACTING_BUYER
    assert await drafts.for_claim(claim.id) == []
    assert [e.kind for e in await events.for_claim(claim.id)] == ["claim_opened"]


# -- python-telegram-bot persistence ------------------------------------------------------------


async def test_conversations_round_trip_with_tuple_keys(db: Database) -> None:
    persistence = SQLitePersistence(db)
    await persistence.update_conversation("intake", (4242, 4242), 3)
    await persistence.update_conversation("intake", (7, 8), "ASK_ORDER")
    await persistence.update_conversation("intake", (7, "thread"), 1)
    await persistence.update_conversation("review", (4242, 4242), 1)
    await persistence.update_conversation("intake", (4242, 4242), 4)  # overwrite

    conversations = await persistence.get_conversations("intake")
    assert conversations == {(4242, 4242): 4, (7, 8): "ASK_ORDER", (7, "thread"): 1}
    assert all(isinstance(key, tuple) for key in conversations)
    assert await persistence.get_conversations("review") == {(4242, 4242): 1}
    assert await persistence.get_conversations("nobody") == {}


async def test_a_none_state_deletes_the_conversation_row(db: Database) -> None:
    persistence = SQLitePersistence(db)
    await persistence.update_conversation("intake", (1, 1), 2)
    await persistence.update_conversation("intake", (2, 2), 2)
    await persistence.update_conversation("intake", (1, 1), None)
    await persistence.update_conversation("intake", (9, 9), None)  # never stored: no error
    assert await persistence.get_conversations("intake") == {(2, 2): 2}
    rows = await db.fetchall("SELECT name, key FROM ptb_conversations")
    assert [tuple(r) for r in rows] == [("intake", "[2, 2]")]


async def test_user_and_chat_data_round_trip_unicode(db: Database) -> None:
    persistence = SQLitePersistence(db)
    user_data = {"draft": "Grüße aus Köln – 東京 🚚", "answers": {"order_id": "028-1"}}
    await persistence.update_user_data(4242, user_data)
    await persistence.update_chat_data(-100123, {"note": "«Привет»"})
    assert await persistence.get_user_data() == {4242: user_data}
    assert await persistence.get_chat_data() == {-100123: {"note": "«Привет»"}}
    stored = await db.fetchone("SELECT data FROM ptb_user_data WHERE user_id = 4242")
    assert stored is not None
    assert "東京" in stored[0]  # readable text in the file, not \\u escapes


async def test_empty_data_deletes_the_row(db: Database) -> None:
    persistence = SQLitePersistence(db)
    await persistence.update_user_data(1, {"a": 1})
    await persistence.update_user_data(2, {"b": 2})
    await persistence.update_chat_data(1, {"c": 3})
    await persistence.update_user_data(1, {})
    await persistence.update_chat_data(1, {})
    assert await persistence.get_user_data() == {2: {"b": 2}}
    assert await persistence.get_chat_data() == {}
    user_rows = await db.fetchone("SELECT COUNT(*) FROM ptb_user_data")
    chat_rows = await db.fetchone("SELECT COUNT(*) FROM ptb_chat_data")
    assert user_rows is not None
    assert chat_rows is not None
    assert (user_rows[0], chat_rows[0]) == (1, 0)

    await persistence.drop_user_data(2)
    assert await persistence.get_user_data() == {}


async def test_persistence_stores_only_conversations(db: Database) -> None:
    """Not bot or callback data, and not user or chat data: claimbot keeps its state in its
    own tables (a whole journey leaves them empty: tests/test_concurrency.py)."""
    persistence = SQLitePersistence(db)
    assert persistence.store_data.bot_data is False
    assert persistence.store_data.callback_data is False
    assert persistence.store_data.user_data is False
    assert persistence.store_data.chat_data is False
    assert await persistence.get_callback_data() is None
    with pytest.raises(RuntimeError, match="bot_data"):
        await persistence.get_bot_data()


async def test_persisted_data_survives_closing_and_reopening(db_path: Path) -> None:
    first = Database(db_path)
    try:
        await first.open()  # as post_init (or PTB's first get_*) does before any write
        writer = SQLitePersistence(first)
        await writer.update_conversation("intake", (4242, 4242), 5)
        await writer.update_user_data(4242, {"lang": "zh_Hans", "name": "李雷"})
        await writer.update_chat_data(4242, {"last": "Ärger"})
        await writer.flush()
    finally:
        await first.close()

    second = Database(db_path)
    try:
        reader = SQLitePersistence(second)
        # The persistence opens the database itself when PTB asks before post_init.
        assert not second.is_open
        assert await reader.get_conversations("intake") == {(4242, 4242): 5}
        assert second.is_open
        assert await reader.get_user_data() == {4242: {"lang": "zh_Hans", "name": "李雷"}}
        assert await reader.get_chat_data() == {4242: {"last": "Ärger"}}
        assert await second.schema_version() == 16
        assert await second.integrity_check() == "ok"
    finally:
        await second.close()


async def test_a_failed_commit_does_not_wedge_the_database(db: Database) -> None:
    # A deferred foreign key fails at COMMIT, as a full disk would: the transaction must end.
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute("PRAGMA defer_foreign_keys = ON")
            await tx.execute(
                "INSERT INTO drafts (claim_id, kind, version, language, subject, body, source,"
                " created_at) VALUES (999, 'k', 1, 'en', 's', 'b', 'generated', 'x')"
            )
    assert not db.conn.in_transaction
    async with db.transaction() as tx:
        await tx.execute("SELECT 1")


async def test_reads_do_not_see_uncommitted_writes(storage: Storage) -> None:
    inside, go = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        with contextlib.suppress(RuntimeError):
            async with storage.db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO users (id, role, created_at, updated_at)"
                    " VALUES (5, 'admin', 'x', 'x')"
                )
                inside.set()
                await go.wait()
                raise RuntimeError("roll back")

    task = asyncio.create_task(writer())
    await inside.wait()
    reader = asyncio.create_task(storage.users.get(5))
    await asyncio.sleep(0.01)
    assert not reader.done()  # the read waits for the transaction to end
    go.set()
    await task
    assert await reader is None  # and then sees only what was committed


async def test_reading_outside_the_transaction_from_inside_it_is_refused(db: Database) -> None:
    async with db.transaction():
        with pytest.raises(RuntimeError, match="read through its connection"):
            await db.fetchone("SELECT 1")


async def test_migration_8_moves_unfinished_intakes_and_names_the_questions(
    db_path: Path,
) -> None:
    """A database of version 7 with an intake in python-telegram-bot's user data and typed
    answers awaited under the old field strings: after the upgrade the intake is a row of its
    own (the conversation's leftovers gone) and every awaited answer has its kind and argument."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db_path)) as raw, raw:
        schema_up_to(raw, 7)
        intake = {
            "started_at": "2026-11-30T08:00:00+00:00",
            "step": "language",
            "order_id": "303-1234567-7654321",
            "marketplace": "DE",
            "fulfillment": "fbm",
            "reason": "defective",
            "details": {"buyer_name": "Anna"},
        }
        raw.execute(
            "INSERT INTO ptb_user_data VALUES (?, ?)",
            (ADMIN, json.dumps({"intake": intake, "other": 1})),
        )
        raw.execute("INSERT INTO ptb_user_data VALUES (8, '{\"other\": 2}')")
        raw.execute("INSERT INTO ptb_conversations VALUES ('intake', '[7, 7]', '\"language\"')")
        raw.execute(
            "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (7, 'admin', 'console', 1, 'x', 'x')"
        )
        raw.execute(
            "INSERT INTO claims (id, order_id, marketplace, fulfillment, reason, buyer_language,"
            " notified_at, respond_by, agent_id, stage, created_at, updated_at) VALUES"
            " (1, '303-1234567-7654321', 'DE', 'fbm', 'defective', 'de', ?, ?, 7, 'contact',"
            " ?, ?)",
            ("2026-11-30T08:00:00+00:00", "2026-12-03T08:00:00+00:00")
            + ("2026-11-30T08:00:00+00:00",) * 2,
        )
        fields = ["evid:tracking", "user_add:lead", "store:signature", "rv_edit", "buyer_reply"]
        fields += ["edit", "tracking_number"]
        raw.executemany(
            "INSERT INTO pending_inputs (user_id, claim_id, field, revision, created_at)"
            " VALUES (?, 1, ?, 1, 'x')",
            list(enumerate(fields, start=100)),
        )
    db = Database(db_path)
    try:
        await db.open()
        storage = Storage(db)
        moved = await storage.intakes.get(ADMIN)
        assert isinstance(moved, IntakeAnswers)
        assert moved.to_json() == intake
        assert moved.step is IntakeStep.LANGUAGE
        data = await db.fetchall("SELECT user_id, data FROM ptb_user_data ORDER BY 1")
        assert [(r["user_id"], json.loads(r["data"])) for r in data] == [
            (ADMIN, {"other": 1}),
            (8, {"other": 2}),
        ]
        assert await db.fetchall("SELECT * FROM ptb_conversations") == []
        questions = [await storage.pending.get(user) for user in range(100, 107)]
        assert [(q.kind.value, q.arg) for q in questions if q is not None] == [
            ("evidence", "tracking"),
            ("person_add", "lead"),
            ("store_text", "signature"),
            ("rv_edit", None),
            ("buyer_reply", None),
            ("edit", None),
            ("fact", "tracking_number"),
        ]
        assert all(q is not None and q.claim_id == 1 for q in questions)
    finally:
        await db.close()


async def test_migration_14_puts_every_claim_in_store_1_made_from_the_profile(
    db_path: Path,
) -> None:
    """A database of the schema before several stores, with claims and a store name and
    signatures an admin set: after the upgrade store 1 carries them, the options are gone
    (the stores table owns them) and every claim is store 1's."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db_path)) as raw, raw:
        schema_up_to(raw, 12)
        raw.execute(
            "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (7, 'admin', 'console', 1, 'x', 'x')"
        )
        raw.executemany(
            "INSERT INTO claims (id, order_id, marketplace, fulfillment, reason, buyer_language,"
            " notified_at, respond_by, agent_id, stage, created_at, updated_at) VALUES"
            " (?, ?, 'DE', 'fbm', 'defective', 'de', ?, ?, ?, 'new', ?, ?)",
            [
                (1, "303-1234567-7654321", *(["2026-11-30T08:00:00+00:00"] * 2), 7)
                + ("2026-11-30T08:00:00+00:00",) * 2,
                (2, "303-1234567-7654322", *(["2026-12-01T08:00:00+00:00"] * 2), None)
                + ("2026-12-01T08:00:00+00:00",) * 2,
            ],
        )
        raw.executemany(
            "INSERT INTO options (key, value, updated_by, updated_at) VALUES (?, ?, 7, 'x')",
            [
                ("store.name", "Acme Haus"),
                ("store.signature", "Jana Berg"),
                ("store.signature.ja", "Acme 日本"),
                ("review.required", "off"),
            ],
        )
    db = Database(db_path)
    try:
        await db.open()
        storage = Storage(db)
        assert await db.schema_version() == len(MIGRATIONS)
        rows = await db.fetchall("SELECT id, store_id FROM claims ORDER BY id")
        assert [tuple(r) for r in rows] == [(1, 1), (2, 1)]
        (store,) = await storage.stores.all()
        assert (store.id, store.name, store.signature) == (1, "Acme Haus", "Jana Berg")
        assert store.signatures == {"ja": "Acme 日本"}
        assert (store.gifts, store.marketplaces, store.mail_addresses) == ({}, (), ())
        options = await db.fetchall("SELECT key FROM options")
        assert [r["key"] for r in options] == ["review.required"]
        claim = await storage.claims.get(2)
        assert claim is not None
        assert claim.store_id == 1
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()


# --- File modes -------------------------------------------------------------------------------
def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def test_the_database_and_its_folders_are_private_whatever_the_umask(
    tmp_path: Path, umask: int
) -> None:
    """Issue 17: the database, its -wal/-shm and `data/` followed the umask (0644 and 0755
    under 022)."""
    tmp_path.chmod(0o755)  # a folder that exists: the user's, left as it is
    path = tmp_path / "var" / "data" / "claimbot.sqlite3"
    database = Database(path)
    await database.open()
    try:
        async with database.transaction() as tx:
            await tx.execute("CREATE TABLE scratch (x)")
        files = {p.name: _mode(p) for p in path.parent.iterdir()}
        assert files == {
            "claimbot.sqlite3": 0o600,
            "claimbot.sqlite3-wal": 0o600,
            "claimbot.sqlite3-shm": 0o600,
        }
    finally:
        await database.close()
    assert (_mode(tmp_path / "var"), _mode(path.parent)) == (0o700, 0o700)
    assert _mode(tmp_path) == 0o755


async def test_an_older_database_left_open_to_others_is_made_private(
    tmp_path: Path, umask: int
) -> None:
    path = tmp_path / "claimbot.sqlite3"
    with closing(sqlite3.connect(path)) as conn:  # as an older claimbot left it: 0644
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        wal = path.with_name(path.name + "-wal")
        path.chmod(0o644)
        wal.chmod(0o644)
        database = Database(path)
        await database.open()  # while the old connection still holds its -wal
        await database.close()
        assert (_mode(path), _mode(wal)) == (0o600, 0o600)
