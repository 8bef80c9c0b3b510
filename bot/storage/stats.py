"""The reads behind /stats and /export. The daily counts they add up are kept by triggers
(bot/storage/rollup.py); this module only reads them."""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.domain.claims import Claim
from bot.storage.claims import claim_from_row
from bot.storage.database import Database
from bot.storage.rows import iso


def _stores(stores: frozenset[int]) -> tuple[bool, str]:
    """The parameters of `(? OR store IN (SELECT value FROM json_each(?)))`: of `stores`
    only, or of every store when none are given (issue 16)."""
    return not stores, json.dumps(sorted(stores))


class StatsRepository:
    """Grouped counts for /stats and rows for /export, by notice date: [start, end)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def day_counts(
        self, first: date, last: date, stores: frozenset[int] = frozenset()
    ) -> list[tuple[str, str, str | None, int, int]]:
        """(dimension, value, display name, claims, closed late) summed over the days (and
        over `stores`, or every store), from the daily counts the triggers keep
        (bot/storage/rollup.py)."""
        rows = await self.db.fetchall(
            "SELECT dim, key, MIN(name), SUM(n), SUM(late) FROM claim_days"
            " WHERE day >= ? AND day <= ?"
            " AND (? OR store IN (SELECT value FROM json_each(?)))"
            " GROUP BY dim, key HAVING SUM(n) > 0",
            (first.isoformat(), last.isoformat(), *_stores(stores)),
        )
        return [(r[0], r[1], r[2], int(r[3]), int(r[4] or 0)) for r in rows]

    async def open_overdue(
        self, start: datetime, end: datetime, now: datetime, stores: frozenset[int] = frozenset()
    ) -> int:
        """Open claims noticed in [start, end) whose respond-by time has passed."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM claims WHERE closed_at IS NULL AND respond_by < ?"
            " AND notified_at >= ? AND notified_at < ?"
            " AND (? OR store_id IN (SELECT value FROM json_each(?)))",
            (iso(now), iso(start), iso(end), *_stores(stores)),
        )
        return int(row[0]) if row is not None else 0

    async def weeks(
        self, first: date, last: date, stores: frozenset[int] = frozenset()
    ) -> list[tuple[str, str, int]]:
        """(the Monday of the notice's week, outcome or "open", claims) per week."""
        rows = await self.db.fetchall(
            "SELECT date(day, 'weekday 0', '-6 days'), key, SUM(n) FROM claim_days"
            " WHERE dim = 'outcome' AND day >= ? AND day <= ?"
            " AND (? OR store IN (SELECT value FROM json_each(?)))"
            " GROUP BY 1, 2 HAVING SUM(n) > 0 ORDER BY 1, 2",
            (first.isoformat(), last.isoformat(), *_stores(stores)),
        )
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    async def claims(
        self, start: datetime, end: datetime, stores: frozenset[int] = frozenset()
    ) -> list[Claim]:
        """The claims noticed in [start, end), of `stores` only when given (issue 16): a long
        read (a year's export), off the loop."""
        rows = await self.db.scan(
            "SELECT * FROM claims WHERE notified_at >= ? AND notified_at < ?"
            " AND (? OR store_id IN (SELECT value FROM json_each(?)))"
            " ORDER BY notified_at, id",
            (iso(start), iso(end), *_stores(stores)),
        )
        return [claim_from_row(row) for row in rows]
