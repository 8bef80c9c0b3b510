"""One object owns the SQLite connections: pragmas, migrations, serialised writes.

Statements run on the event loop's own thread, through stdlib `sqlite3`, behind the same async
surface aiosqlite offers (`await tx.execute(...)`, `async with tx.execute(...) as cursor`):
measured on this project's 2-CPU machine, a point read costs 10 µs in `sqlite3` and 95-210 µs
through aiosqlite, whose every statement is a round trip to its thread and back (a queue, a
future, a wake-up of the loop). An update makes 10-15 statements, so the trips were most of
claimbot's own cost per update (issue 16). What runs on the loop is short by construction:
indexed reads of a few rows and small transactions; WAL with `synchronous = NORMAL` does not
wait for the disk at commit.

Long reads (a CSV export, a report over months) go through `scan`, on aiosqlite's thread and
its own connection: the chats are served meanwhile, and in WAL mode that connection reads the
last committed state without taking the write lock. The same connection runs the checkpoints
(copying the write-ahead log into the database file, with its fsync), so those never hold up
the loop either.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Generator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import aiosqlite

from bot.storage.files import private_database
from bot.storage.migrations import MIGRATIONS, Migration

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row

# Commits between two checkpoints: at a few pages per commit, a write-ahead log of a few
# hundred pages to a thousand (SQLite's own threshold is 1,000 pages).
CHECKPOINT_COMMITS: Final = 200
BUSY_SECONDS: Final = 5.0  # another process's write lock (a CLI command) is waited for


class Cursor:
    """A statement's result, with aiosqlite's cursor surface over a `sqlite3.Cursor`."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def fetchone(self) -> Row | None:
        row: Row | None = self._cursor.fetchone()
        return row

    async def fetchall(self) -> list[Row]:
        return list(self._cursor.fetchall())

    async def close(self) -> None:
        self._cursor.close()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Statement:
    """What `Connection.execute` returns, the statement already run: awaited, its cursor;
    entered with `async with`, its cursor, closed at the end of the block."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: Cursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._cursor
        yield  # a generator that finishes at once: awaiting it never suspends

    async def __aenter__(self) -> Cursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


class Connection:
    """The database connection as a transaction sees it (`tx`): aiosqlite's async surface,
    each statement run on the loop's thread when it is called."""

    __slots__ = ("raw",)

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Params = ()) -> Statement:
        return Statement(Cursor(self.raw.execute(sql, params)))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> Cursor:
        return Cursor(self.raw.executemany(sql, rows))

    async def executescript(self, script: str) -> Cursor:
        return Cursor(self.raw.executescript(script))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(self.raw.execute(sql, params).fetchall())

    async def commit(self) -> None:
        self.raw.commit()

    async def rollback(self) -> None:
        self.raw.rollback()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction


def _pragmas(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    # The loop's connection never checkpoints at commit (an fsync): `Database` has the side
    # connection do it on its thread. (An in-memory database has no write-ahead log.)
    conn.execute("PRAGMA wal_autocheckpoint = 0")


class Database:
    """The SQLite file: opened once, migrated at open, written by one writer at a time.

    Every write goes through `transaction()`, which holds a lock for the whole
    `BEGIN IMMEDIATE ... COMMIT`. There is one connection for statements, so a read waits for
    that lock while another task's transaction is open: it never sees a transaction that may
    yet roll back. With no transaction open, a read runs at once (see `fetchall`).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: Connection | None = None
        self._side: aiosqlite.Connection | None = None  # long reads and checkpoints
        self._checkpoint: asyncio.Task[None] | None = None
        self._commits = 0  # since the last checkpoint
        self.checkpoints = 0  # checkpoints the side connection completed (tests, diagnostics)
        self._lock = asyncio.Lock()  # one statement sequence at a time: a write, or a read
        self._owner: asyncio.Task[object] | None = None  # the task inside transaction()
        self._open_lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def _in_memory(self) -> bool:
        return str(self.path) == ":memory:"

    async def open(self) -> None:
        """Connect and migrate. Safe to call more than once."""
        async with self._open_lock:
            if self._conn is not None:
                return
            if not self._in_memory:
                private_database(self.path)  # 0600 and 0700 whatever the umask
            raw = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
            conn = Connection(raw)
            try:
                raw.row_factory = sqlite3.Row
                _pragmas(raw)
                await _migrate(conn, MIGRATIONS)
                if not self._in_memory:
                    self._side = await aiosqlite.connect(
                        self.path, isolation_level=None, timeout=BUSY_SECONDS
                    )
                    self._side.row_factory = aiosqlite.Row
            except BaseException:
                raw.close()
                raise
            self._conn = conn

    async def close(self) -> None:
        async with self._open_lock:
            task, self._checkpoint = self._checkpoint, None
            if task is not None:
                await asyncio.gather(task, return_exceptions=True)
            side, self._side = self._side, None
            if side is not None:
                await side.close()
            if self._conn is not None:
                conn, self._conn = self._conn, None
                conn.raw.close()  # the last connection: SQLite checkpoints the log as it closes

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
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
        self._after_commit()

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        if self._owner is not None and self._owner is asyncio.current_task():
            raise RuntimeError("inside a transaction, read through its connection (tx)")
        if not self._lock.locked():
            # No transaction is open, and none can open while this runs: the read does not
            # give way to the loop.
            return list(self.conn.raw.execute(sql, params).fetchall())
        async with self._lock:  # another task's transaction is open: it must end first
            return list(self.conn.raw.execute(sql, params).fetchall())

    async def scan(self, sql: str, params: Params = ()) -> list[Row]:
        """A long read (an export, a report over months), on aiosqlite's thread: the loop
        serves the chats meanwhile. It reads the last committed state, never an open
        transaction's."""
        if self._side is None:  # in memory: no second connection can see the database
            return await self.fetchall(sql, params)
        return list(await self._side.execute_fetchall(sql, params))

    def _after_commit(self) -> None:
        """Every CHECKPOINT_COMMITS commits, the side connection copies the write-ahead log
        into the database file on its thread (one checkpoint at a time)."""
        self._commits += 1
        if self._side is None or self._checkpoint is not None:
            return
        if self._commits < CHECKPOINT_COMMITS:
            return
        self._commits = 0
        self._checkpoint = asyncio.get_running_loop().create_task(
            self._run_checkpoint(), name="sqlite checkpoint"
        )

    async def _run_checkpoint(self) -> None:
        try:
            if self._side is not None:
                await self._side.execute("PRAGMA wal_checkpoint(PASSIVE)")
                self.checkpoints += 1
        except sqlite3.Error:
            log.warning("the write-ahead log checkpoint failed; retried after later writes")
        finally:
            self._checkpoint = None

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row is not None else 0

    async def integrity_check(self) -> str:
        row = await self.fetchone("PRAGMA integrity_check")
        return str(row[0]) if row is not None else "no answer"


async def _migrate(conn: Connection, migrations: Iterable[Migration]) -> None:
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
