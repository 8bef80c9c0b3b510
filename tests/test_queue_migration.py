"""Migration 11 (issue 15): claims.agent_id may be NULL (unassigned). SQLite rebuilds the table;
every row, index, trigger and foreign key must survive it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.storage import Database
from bot.storage.migrations import MIGRATIONS
from tests.helpers import schema_up_to

CLAIM_INDEXES = {
    "claims_by_agent_open",
    "claims_by_order",
    "claims_open",
    "claims_by_notified",
    "claims_by_closed",
}
TRIGGERS = {"claim_days_insert", "claim_days_update", "claim_days_delete"}


def _at_version_10(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as raw, raw:
        schema_up_to(raw, 10)
        raw.execute(
            "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (7, 'agent', 'telegram', 1, 'x', 'x')"
        )
        raw.execute(
            "INSERT INTO claims (id, order_id, marketplace, fulfillment, reason, buyer_language,"
            " notified_at, respond_by, agent_id, stage, created_at, updated_at, revision,"
            " cause, evidence) VALUES (5, '111-1111111-1111111', 'DE', 'fbm', 'defective',"
            " 'de', '2026-11-30T08:00:00+00:00', '2026-12-03T08:00:00+00:00', 7, 'new',"
            " 'c', 'u', 3, 'usage', '[\"photo\"]')"
        )
        raw.execute(
            "INSERT INTO drafts (claim_id, kind, version, language, subject, body, source,"
            " author_id, created_at) VALUES (5, 'inquiry', 1, 'de', 's', 'b', 'generated', 7,"
            " 'c')"
        )
        raw.execute(
            "INSERT INTO reminders (claim_id, deadline, instance, kind, sent_at)"
            " VALUES (5, 'respond_by', 'i', '24h', 'x')"
        )


async def test_migration_11_keeps_every_row_index_trigger_and_reference(tmp_path: Path) -> None:
    db_path = tmp_path / "claimbot.sqlite3"
    _at_version_10(db_path)
    with closing(sqlite3.connect(db_path)) as raw:
        days_before = raw.execute("SELECT * FROM claim_days ORDER BY dim, key").fetchall()
        claim_before = raw.execute("SELECT * FROM claims").fetchall()
    db = Database(db_path)
    try:
        await db.open()
        assert await db.schema_version() == MIGRATIONS[-1].version
        # Migration 14 adds claims.store_id last (every claim so far: store 1).
        claims = [tuple(r) for r in await db.fetchall("SELECT * FROM claims")]
        assert [row[:-1] for row in claims] == claim_before
        assert {row[-1] for row in claims} == {1}
        # Migration 16 puts the daily counts per store (all store 1's here).
        days = await db.fetchall(
            "SELECT day, dim, key, name, n, late FROM claim_days ORDER BY dim, key"
        )
        assert [tuple(r) for r in days] == days_before
        stores = await db.fetchall("SELECT DISTINCT store FROM claim_days")
        assert [tuple(r) for r in stores] == [(1,)]
        names = {
            (r["type"], r["name"])
            for r in await db.fetchall("SELECT type, name FROM sqlite_master")
        }
        assert {("index", i) for i in CLAIM_INDEXES} <= names
        assert {("trigger", t) for t in TRIGGERS} <= names
        assert ("table", "claims_new") not in names
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
        assert await db.fetchall("PRAGMA foreign_key_check") == []
        assert await db.integrity_check() == "ok"
        # The references still hold: a draft of a claim that does not exist is refused.
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO drafts (claim_id, kind, version, language, subject, body,"
                    " source, created_at) VALUES (99, 'inquiry', 1, 'de', 's', 'b',"
                    " 'generated', 'c')"
                )
        # An unassigned claim may be stored now; the daily counts skip it for "agent".
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO claims (order_id, marketplace, fulfillment, reason,"
                " buyer_language, notified_at, respond_by, agent_id, stage, created_at,"
                " updated_at) VALUES ('222-2222222-2222222', 'DE', 'fbm', 'defective', 'de',"
                " '2026-11-30T09:00:00+00:00', '2026-12-03T09:00:00+00:00', NULL, 'new', 'c',"
                " 'u')"
            )
        row = await db.fetchone(
            "SELECT n FROM claim_days WHERE day = '2026-11-30' AND dim = 'all' AND key = ''"
        )
        assert row is not None
        assert row[0] == 2
        agents = await db.fetchall("SELECT key, n FROM claim_days WHERE dim = 'agent'")
        assert [tuple(r) for r in agents] == [("7", 1)]
    finally:
        await db.close()
