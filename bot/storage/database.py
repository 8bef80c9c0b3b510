"""One object owns the aiosqlite connection: pragmas, migrations, serialised writes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.files import private_database
from bot.storage.migrations import MIGRATIONS, Migration

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


class Database:
    """The SQLite file: opened once, migrated at open, written by one writer at a time.

    Every write goes through `transaction()`, which holds a lock for the whole
    `BEGIN IMMEDIATE ... COMMIT`. There is one connection, so reads take the same lock: a read
    never sees a transaction that is still open (and may yet roll back).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()  # one statement sequence at a time: a write, or a read
        self._owner: asyncio.Task[object] | None = None  # the task inside transaction()
        self._open_lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    async def open(self) -> None:
        """Connect and migrate. Safe to call more than once."""
        async with self._open_lock:
            if self._conn is not None:
                return
            if str(self.path) != ":memory:":
                private_database(self.path)  # 0600 and 0700 whatever the umask
            conn = await aiosqlite.connect(self.path, isolation_level=None)
            try:
                conn.row_factory = aiosqlite.Row
                await conn.execute("PRAGMA journal_mode = WAL")
                await conn.execute("PRAGMA synchronous = NORMAL")
                await conn.execute("PRAGMA foreign_keys = ON")
                await conn.execute("PRAGMA busy_timeout = 5000")
                await _migrate(conn, MIGRATIONS)
            except BaseException:
                await conn.close()
                raise
            self._conn = conn

    async def close(self) -> None:
        async with self._open_lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                await conn.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed when the block ends, rolled back if the block or the
        commit itself raises (a failed COMMIT must not leave the connection inside it)."""
        async with self._lock:
            conn = self.conn
            self._owner = asyncio.current_task()
            try:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    await conn.commit()
                except BaseException:
                    if conn.in_transaction:
                        await conn.rollback()
                    raise
            finally:
                self._owner = None

    # One trip to aiosqlite's thread per read (execute, fetch and close together), not three:
    # the trips, not SQLite, were most of a read's cost.
    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._reading():
            return list(await self.conn.execute_fetchall(sql, params))

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[None]:
        """Reads wait for an open write transaction to end: the one connection would otherwise
        show another task's uncommitted (and maybe rolled back) rows."""
        if self._owner is not None and self._owner is asyncio.current_task():
            raise RuntimeError("inside a transaction, read through its connection (tx)")
        async with self._lock:
            yield

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row is not None else 0

    async def integrity_check(self) -> str:
        row = await self.fetchone("PRAGMA integrity_check")
        return str(row[0]) if row is not None else "no answer"


async def _migrate(conn: aiosqlite.Connection, migrations: Iterable[Migration]) -> None:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        applied = {int(row[0]) for row in await cursor.fetchall()}
    known = {m.version for m in migrations}
    unknown = applied - known
    if unknown:
        raise RuntimeError(
            f"database schema version {max(unknown)} is newer than this claimbot knows; "
            "upgrade claimbot before opening this database"
        )
    for migration in sorted(migrations):
        if migration.version in applied:
            continue
        # executescript would commit on its own; a script with its own BEGIN/COMMIT keeps the
        # schema change and its bookkeeping row in one transaction.
        now = datetime.now(UTC).isoformat(timespec="seconds")
        # Built as text because it runs inside the script; every value is ours and quoted.
        record = (
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES "  # noqa: S608
            f"({int(migration.version)}, {_quote(migration.name)}, {_quote(now)});"
        )
        if migration.rebuilds_parent:
            await conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        try:
            if migration.rebuilds_parent:
                await conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n{record}")
                async with conn.execute("PRAGMA foreign_key_check") as cursor:
                    broken = list(await cursor.fetchall())
                if broken:
                    raise RuntimeError(
                        f"migration {migration.version} broke foreign keys: {list(broken[0])}"
                    )
                await conn.commit()
            else:
                await conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n{record}\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
        finally:
            if migration.rebuilds_parent:
                await conn.execute("PRAGMA foreign_keys = ON")
        log.info("applied migration %d (%s)", migration.version, migration.name)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
