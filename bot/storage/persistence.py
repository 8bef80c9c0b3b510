"""python-telegram-bot persistence in claimbot's own SQLite database.

Conversation states are stored as JSON (never pickle: the database must not be able to run
code); per-user / per-chat data could be, but claimbot keeps none (see `SQLitePersistence`).
A restart resumes every open conversation at the same question. python-telegram-bot hands
over what changed every `update_interval` seconds, at shutdown, and (through
`ChatOrderedProcessor`) after every update. Each row is remembered as last written, so
handing over data that has not changed writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, MutableMapping
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.storage.database import Database

UserData = dict[Any, Any]
ChatData = dict[Any, Any]
# The shapes python-telegram-bot passes (its own aliases live in a private module).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class SQLitePersistence(BasePersistence[UserData, ChatData, Any]):
    def __init__(self, db: Database, update_interval: float = 5) -> None:
        # bot_data holds the process's services, never persisted; callback data is not used
        # (buttons carry short, validated strings). Nor are user_data and chat_data: claimbot
        # keeps its state (the intake, a question awaiting its answer) in its own tables,
        # written in the update's transaction (migration 8). Handing them over after every
        # update cost a deep copy, a JSON encoding and a comparison each, for empty dicts
        # (issue 16); tests/test_concurrency.py checks a whole journey leaves them empty.
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, callback_data=False, user_data=False, chat_data=False
            ),
            update_interval=update_interval,
        )
        self.db = db
        # (table, key) -> the JSON last read or written; an absent key means no row.
        self._written: dict[tuple[str, str], str] = {}

    # -- loading (once, in Application.initialize) ------------------------------------------
    async def get_user_data(self) -> dict[int, UserData]:
        await self.db.open()
        rows = await self.db.fetchall("SELECT user_id, data FROM ptb_user_data")
        self._remember("ptb_user_data", ((str(r["user_id"]), r["data"]) for r in rows))
        return {int(r["user_id"]): json.loads(r["data"]) for r in rows}

    async def get_chat_data(self) -> dict[int, ChatData]:
        await self.db.open()
        rows = await self.db.fetchall("SELECT chat_id, data FROM ptb_chat_data")
        self._remember("ptb_chat_data", ((str(r["chat_id"]), r["data"]) for r in rows))
        return {int(r["chat_id"]): json.loads(r["data"]) for r in rows}

    async def get_bot_data(self) -> Any:
        # Never called: store_data.bot_data is False (bot_data holds live services).
        raise RuntimeError("claimbot does not persist bot_data")

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        await self.db.open()
        rows = await self.db.fetchall(
            "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
        )
        self._remember(f"conversation:{name}", ((r["key"], r["state"]) for r in rows))
        return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}

    # -- writing ------------------------------------------------------------------------------
    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = json.dumps(list(key))
        state = None if new_state is None else json.dumps(new_state)
        if not self._changed(f"conversation:{name}", encoded_key, state):
            return
        async with self.db.transaction() as tx:
            if state is None:
                await tx.execute(
                    "DELETE FROM ptb_conversations WHERE name = ? AND key = ?",
                    (name, encoded_key),
                )
            else:
                await tx.execute(
                    "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?)"
                    " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                    (name, encoded_key, state),
                )
        self._wrote(f"conversation:{name}", encoded_key, state)

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        await self._put("ptb_user_data", user_id, data)

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        await self._put("ptb_chat_data", chat_id, data)

    async def update_bot_data(self, data: Any) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        self._written.pop(("ptb_user_data", str(user_id)), None)
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))

    async def drop_chat_data(self, chat_id: int) -> None:
        self._written.pop(("ptb_chat_data", str(chat_id)), None)
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM ptb_chat_data WHERE chat_id = ?", (chat_id,))

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None  # this process is the only writer: memory is already current

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Any) -> None:
        return None

    async def flush(self) -> None:
        return None  # every update_* call above commits at once

    async def _put(self, table: str, ident: int, data: dict[Any, Any]) -> None:
        upsert, delete = _PUT_SQL[table]
        encoded = json.dumps(data, ensure_ascii=False) if data else None  # empty: no row
        if not self._changed(table, str(ident), encoded):
            return
        async with self.db.transaction() as tx:
            if encoded is not None:
                await tx.execute(upsert, (ident, encoded))
            else:
                await tx.execute(delete, (ident,))
        self._wrote(table, str(ident), encoded)

    def _remember(self, table: str, rows: Iterable[tuple[str, str]]) -> None:
        for key, value in rows:
            self._written[(table, key)] = value

    def _changed(self, table: str, key: str, value: str | None) -> bool:
        """Whether `value` (None: no row) differs from what was last written."""
        return self._written.get((table, key)) != value

    def _wrote(self, table: str, key: str, value: str | None) -> None:
        """Called once the write has committed: a failed write is tried again next time."""
        if value is None:
            self._written.pop((table, key), None)
        else:
            self._written[(table, key)] = value


_PUT_SQL = {
    "ptb_user_data": (
        "INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
        "DELETE FROM ptb_user_data WHERE user_id = ?",
    ),
    "ptb_chat_data": (
        "INSERT INTO ptb_chat_data (chat_id, data) VALUES (?, ?)"
        " ON CONFLICT (chat_id) DO UPDATE SET data = excluded.data",
        "DELETE FROM ptb_chat_data WHERE chat_id = ?",
    ),
}
