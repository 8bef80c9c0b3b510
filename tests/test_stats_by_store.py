"""/stats, /claims and /due by store (issue 16): the daily counts per store (migration 16),
`store:N`, the row of store buttons with several stores, and a person limited to stores."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.storage import rollup
from bot.storage.database import Database
from tests.helpers import schema_up_to

_CLAIM = (
    "INSERT INTO claims (id, order_id, marketplace, fulfillment, reason, buyer_language,"
    " notified_at, respond_by, agent_id, stage, created_at, updated_at, outcome, closed_at,"
    " store_id) VALUES (?, ?, ?, 'fbm', 'defective', 'de', ?, ?, 7, 'new', 'c', 'u', ?, ?, ?)"
)
_DAYS = "SELECT day, dim, key, name, SUM(n), SUM(late) FROM claim_days"


async def test_migration_16_keeps_the_counts_and_splits_them_by_store(tmp_path: Path) -> None:
    db_path = tmp_path / "claimbot.sqlite3"
    with closing(sqlite3.connect(db_path)) as raw, raw:
        schema_up_to(raw, 15)
        raw.execute(
            "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (7, 'agent', 'telegram', 1, 'x', 'x')"
        )
        raw.execute("INSERT INTO stores (id, name, created_at) VALUES (2, 'Beta', 'x')")
        claims = [
            (1, "DE", "2026-11-30T08:00:00+00:00", "2026-12-03T08:00:00+00:00", None, None, 1),
            (2, "FR", "2026-11-30T09:00:00+00:00", "2026-12-01T09:00:00+00:00", "denied",
             "2026-12-02T09:00:00+00:00", 2),
            (3, "DE", "2026-12-01T09:00:00+00:00", "2026-12-04T09:00:00+00:00", None, None, 2),
        ]  # fmt: skip
        for number, market, notified, respond_by, outcome, closed, store in claims:
            raw.execute(
                _CLAIM,
                (number, f"111-000000{number}-1111111", market, notified, respond_by, outcome,
                 closed, store),
            )  # fmt: skip
        before = raw.execute(_DAYS + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    db = Database(db_path)
    try:
        await db.open()
        assert await db.schema_version() == 16
        after = await db.fetchall(_DAYS + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        assert [tuple(r) for r in after] == before
        per_store = await db.fetchall(
            "SELECT store, SUM(n), SUM(late) FROM claim_days WHERE dim = 'all' GROUP BY 1"
        )
        assert [tuple(r) for r in per_store] == [(1, 1, 0), (2, 2, 1)]
        # A claim moved to another store takes its counts with it; a recount agrees.
        async with db.transaction() as tx:
            await tx.execute("UPDATE claims SET store_id = 1 WHERE id = 2")
        moved = await db.fetchall(
            "SELECT store, dim, key, SUM(n) FROM claim_days WHERE n != 0 GROUP BY 1, 2, 3"
        )
        assert (1, "marketplace", "FR", 1) in [tuple(r) for r in moved]
        assert (2, "marketplace", "FR", 1) not in [tuple(r) for r in moved]
        kept = await db.fetchall("SELECT * FROM claim_days WHERE n != 0 ORDER BY 1, 2, 3, 4")
        async with db.transaction() as tx:
            await tx.executescript(rollup.rebuild_sql())
        again = await db.fetchall("SELECT * FROM claim_days WHERE n != 0 ORDER BY 1, 2, 3, 4")
        assert [tuple(r) for r in again] == [tuple(r) for r in kept]
        names = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"claim_days_insert", "claim_days_update", "claim_days_delete"} <= names
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()
