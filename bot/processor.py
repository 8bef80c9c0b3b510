"""Updates from different chats at once, each chat's updates strictly in order.

python-telegram-bot hands every fetched update to an update processor. Its simple one either
runs them one after another (one agent's slow step delays everyone) or all at once (an agent's
two quick presses could overtake each other). `ChatOrderedProcessor` keeps a queue per chat:
an update starts when the previous update of the same chat has finished, and never waits for
another chat.

After each update the processor runs `after` (the application sets it to write the persistence),
so a conversation's new state is on disk before the next update of that chat is read, not up to
`update_interval` seconds later: a killed process resumes every conversation where it was.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# How many updates may be in progress (or waiting for their chat) at once. A chat's queued
# updates count too, so this is set well above what a team sends at once.
DEFAULT_CONCURRENCY = 256
# An update that takes longer than this is logged, with its id only.
SLOW_UPDATE_SECONDS = 5.0

Observer = Callable[[object, float], None]


def chat_key(update: object) -> Hashable:
    """The queue an update belongs to: its chat; its user when it has no chat (a button on an
    inline message); one shared queue for anything else."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other",)


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = DEFAULT_CONCURRENCY,
        *,
        after: Callable[[], Awaitable[None]] | None = None,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.after = after
        self.observer = observer  # sees (update, seconds) for each update: the benchmark
        # Per chat, the "finished" signal of the newest update queued for it.
        self._tails: dict[Hashable, asyncio.Event] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def busy_chats(self) -> int:
        """Chats with an update in progress or queued."""
        return len(self._tails)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        previous = self._tails.get(key)
        finished = asyncio.Event()
        self._tails[key] = finished
        try:
            if previous is not None:
                await previous.wait()  # an Event: cancelling this wait cancels nothing else
            start = time.perf_counter()
            await coroutine
            await self._after(update)
            seconds = time.perf_counter() - start
            if self.observer is not None:
                self.observer(update, seconds)
            if seconds > SLOW_UPDATE_SECONDS:
                log.warning("update %s took %.1f s", _update_id(update), seconds)
        finally:
            if inspect.iscoroutine(coroutine) and (
                inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled before it could start: no "never awaited" noise
            finished.set()
            if self._tails.get(key) is finished:
                del self._tails[key]

    async def _after(self, update: object) -> None:
        if self.after is None:
            return
        try:
            await self.after()
        except Exception:  # the update itself was handled; keep serving the chat
            log.exception("could not save the state after update %s", _update_id(update))


def _update_id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None
