"""`due_ms_1m` and `stats_ms_1m`: /due and /stats over a database of a million claims.

The claims are written straight into SQLite (the schema comes from claimbot's migrations):
two years of notices, 200 agents, about 2 % still open (mostly the recent ones), the rest with an
outcome. Then the queries behind /due (the team's open claims: count and first page) and
/stats (the last 60 days, about 82,000 claims) are timed through claimbot's own storage and
services; the figure is the median of several runs, warm.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.stats import parse_period
from bot.services.stats import Stats
from bot.storage import Database, Storage, rollup

OUTCOMES = (
    "withdrawn",
    "denied",
    "granted_seller_funded",
    "granted_amazon_funded",
    "closed_by_refund",
)
REASONS = ("not_received", "late_delivery", "not_as_described", "defective", "other")
MARKETS = ("US", "DE", "UK", "FR", "IT", "ES", "JP", "CA")
CARRIERS = ("DHL", "UPS", "Hermes", "DPD", "USPS", "Royal Mail", "Yamato")
NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def generate(path: Path, claims: int, agents: int = 200) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = OFF")
        now = _iso(NOW)
        conn.executemany(
            "INSERT OR IGNORE INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (?, 'agent', 'telegram', 1, ?, ?)",
            [(30_000 + n, now, now) for n in range(agents)],
        )
        # Generated in SQL (a Python loop takes a minute): a deterministic hash of the row
        # number picks each field. Notices spread evenly over two years in the order claims
        # are opened, as in a real table; claims noticed in the last five days and 1 % of the
        # rest are still open.
        span = 730 * 24 * 3600
        # Indexes are built once after the rows are in: much faster than row by row.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        # So are the daily counts: the triggers would keep them row by row.
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'claims'"
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1),
            h AS (SELECT i, (i * 2654435761) % 4294967296 AS a,
                            (i * 40503 + 12345) % 65521 AS b,
                            (i * 69069 + 1) % 4294967296 AS c FROM n),
            g AS (SELECT i, a, b, c,
                         (:count - 1 - i) * :span / :count + a % 600 AS age FROM h),
            f AS (SELECT i, b, c, age, (age < 432000 OR c % 100 = 0) AS open FROM g)
            INSERT INTO claims (order_id, marketplace, fulfillment, reason, buyer_language,
                product, carrier, stage, outcome, agent_id, notified_at, respond_by,
                created_at, updated_at, closed_at, contacted_at)
            SELECT printf('%03d-%07d-%07d', 100 + b % 900, i, c % 10000000),
                   json_extract(:markets, '$[' || (b % 8) || ']'),
                   CASE WHEN c % 2 THEN 'fba' ELSE 'fbm' END,
                   json_extract(:reasons, '$[' || (c % 5) || ']'),
                   'en',
                   'Product ' || (b % 300),
                   json_extract(:carriers, '$[' || (c % 7) || ']'),
                   CASE WHEN open THEN 'awaiting_reply' ELSE 'closed' END,
                   CASE WHEN open THEN NULL
                        ELSE json_extract(:outcomes, '$[' || (b % 5) || ']') END,
                   30000 + (c % :agents),
                   strftime('%Y-%m-%dT%H:%M:%S+00:00', :now, '-' || age || ' seconds'),
                   strftime('%Y-%m-%dT%H:%M:%S+00:00', :now, '-' || age || ' seconds', '+72 hours'),
                   strftime('%Y-%m-%dT%H:%M:%S+00:00', :now, '-' || age || ' seconds'),
                   strftime('%Y-%m-%dT%H:%M:%S+00:00', :now, '-' || age || ' seconds'),
                   CASE WHEN open THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S+00:00', :now,
                        '-' || age || ' seconds', '+' || (24 + b % 72) || ' hours') END,
                   CASE WHEN b % 10 = 0 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S+00:00',
                        :now, '-' || age || ' seconds', '+' || (1 + c % 1800) || ' minutes') END
            FROM f
            """,
            {
                "count": claims,
                "span": span,
                "agents": agents,
                "now": NOW.strftime("%Y-%m-%d %H:%M:%S"),
                "markets": json.dumps(MARKETS),
                "reasons": json.dumps(REASONS),
                "carriers": json.dumps(CARRIERS),
                "outcomes": json.dumps(OUTCOMES),
            },
        )
        for _name, sql in indexes:
            conn.execute(sql)
        for _name, sql in triggers:
            conn.execute(sql)
        conn.executescript(rollup.rebuild_sql())
        conn.commit()
        conn.execute("ANALYZE")
    finally:
        conn.close()


async def scale(folder: Path, claims: int = 1_000_000) -> dict[str, float]:
    path = folder / "million.sqlite3"
    db = Database(path)
    await db.open()  # the schema, by claimbot's own migrations
    await db.close()
    started = time.perf_counter()
    generate(path, claims)
    generated = time.perf_counter() - started
    db = Database(path)
    await db.open()
    try:
        storage = Storage(db)
        stats = Stats(storage, lambda: NOW, orders_60d=250_000)
        period = parse_period("", NOW.date())

        async def due() -> None:
            await storage.claims.open_count_for_agent(None)
            await storage.claims.open_page_for_agent(None, offset=0, limit=10)

        due_ms = await _median_ms(due, 7)
        stats_ms = await _median_ms(lambda: stats.compute(period), 5)
        report = await stats.compute(period)
    finally:
        await db.close()
    if report.total == 0:
        raise RuntimeError("the generated database has no claims in the period")
    return {
        "due_ms_1m": due_ms,
        "stats_ms_1m": stats_ms,
        "claims_1m": float(claims),
        "stats_claims_in_period": float(report.total),
        "generate_s_1m": generated,
    }


async def _median_ms(run, times: int) -> float:  # type: ignore[no-untyped-def]
    await run()  # warm
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)
