"""People on the team: who they are, their role, and what their Telegram client shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import Role
from bot.storage.database import Connection, Database, Row
from bot.storage.rows import iso


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
    stores: frozenset[int] = frozenset()  # the stores they work for (issue 16); empty: all

    @property
    def language(self) -> str | None:
        """The language to speak to this person in: their choice, else their client's."""
        return self.ui_language or self.client_language

    def name(self) -> str:
        return self.display_name or self.telegram_name or str(self.id)


# Each person with the stores an admin gave them (`user_stores`), as a JSON array.
_SELECT = (
    "SELECT users.*, (SELECT json_group_array(store_id) FROM user_stores"
    " WHERE user_stores.user_id = users.id) AS store_ids FROM users"
)


class UserRepository:
    """People by Telegram user id. Most writes here stand alone and open their own
    transaction; `put` is the one a use case writes together with its audit event."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        row = await self.db.fetchone(_SELECT + " WHERE id = ?", (user_id,))
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
            _SELECT + " WHERE (? IS NULL OR active = ?) ORDER BY CASE role"
            " WHEN 'admin' THEN 0 WHEN 'lead' THEN 1 ELSE 2 END, COALESCE(display_name, ''), id",
            (active, active),
        )
        return [_user(row) for row in rows]

    async def with_role(self, role: Role, *, console: bool = False) -> list[User]:
        """Active people with `role` on Telegram (those a message can reach); with `console`,
        the console's local user too (who counts as a member all the same)."""
        second_origin = "console" if console else "telegram"
        rows = await self.db.fetchall(
            _SELECT + " WHERE role = ? AND active = 1 AND origin IN ('telegram', ?) ORDER BY id",
            (role.value, second_origin),
        )
        return [_user(row) for row in rows]

    async def names(self, user_ids: set[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self.db.fetchall(
            _SELECT + f" WHERE id IN ({marks})",
            tuple(sorted(user_ids)),
        )
        return {row["id"]: _user(row) for row in rows}

    async def put(
        self,
        tx: Connection,
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


def _user(row: Row) -> User:
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
        stores=frozenset(int(store_id) for store_id in json.loads(row["store_ids"])),
    )
