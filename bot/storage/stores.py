"""The stores of the team (issue 16) and the stores each person works for."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.settings import Gift
from bot.storage.database import Connection, Database, Row
from bot.storage.rows import iso, to_json


@dataclass(frozen=True, slots=True)
class StoreRecord:
    """A store as stored: for store 1, None and missing keys fall back to claimbot.toml."""

    id: int
    name: str | None = None
    signature: str | None = None
    signatures: dict[str, str] = field(default_factory=dict)
    gifts: dict[str, Gift] = field(default_factory=dict)
    marketplaces: tuple[str, ...] = ()
    mail_addresses: tuple[str, ...] = ()


class StoreRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[StoreRecord]:
        rows = await self.db.fetchall("SELECT * FROM stores ORDER BY id")
        return [_record(row) for row in rows]

    async def add(self, tx: Connection, name: str, now: datetime) -> int:
        cursor = await tx.execute(
            "INSERT INTO stores (name, created_at) VALUES (?, ?)", (name, iso(now))
        )
        if cursor.lastrowid is None:  # pragma: no cover - sqlite reports it for an INSERT
            raise RuntimeError("store insert returned no row id")
        return cursor.lastrowid

    async def update(self, tx: Connection, record: StoreRecord) -> None:
        await tx.execute(
            "UPDATE stores SET name = ?, signature = ?, signatures = ?, gifts = ?,"
            " marketplaces = ?, mail_addresses = ? WHERE id = ?",
            (
                record.name,
                record.signature,
                to_json(record.signatures),
                to_json(
                    {
                        code: {
                            "description": gift.description,
                            "value": None if gift.value is None else str(gift.value),
                        }
                        for code, gift in record.gifts.items()
                    }
                ),
                to_json(list(record.marketplaces)),
                to_json(list(record.mail_addresses)),
                record.id,
            ),
        )

    async def of_user(self, user_id: int) -> frozenset[int]:
        """The stores a person works for; empty: every store."""
        rows = await self.db.fetchall(
            "SELECT store_id FROM user_stores WHERE user_id = ?", (user_id,)
        )
        return frozenset(int(row[0]) for row in rows)

    async def set_of_user(self, tx: Connection, user_id: int, store_ids: frozenset[int]) -> None:
        await tx.execute("DELETE FROM user_stores WHERE user_id = ?", (user_id,))
        await tx.executemany(
            "INSERT INTO user_stores (user_id, store_id) VALUES (?, ?)",
            [(user_id, store_id) for store_id in sorted(store_ids)],
        )


def _record(row: Row) -> StoreRecord:
    gifts: dict[str, Any] = json.loads(row["gifts"])
    return StoreRecord(
        id=int(row["id"]),
        name=row["name"],
        signature=row["signature"],
        signatures={str(k): str(v) for k, v in json.loads(row["signatures"]).items()},
        gifts={
            str(code): Gift(
                str(entry["description"]),
                None if entry.get("value") is None else Decimal(str(entry["value"])),
            )
            for code, entry in gifts.items()
        },
        marketplaces=tuple(str(code) for code in json.loads(row["marketplaces"])),
        mail_addresses=tuple(str(a) for a in json.loads(row["mail_addresses"])),
    )
