"""Updates from different chats at once, each chat's updates strictly in order.

python-telegram-bot hands every fetched update to an update processor. Its simple one either
runs them one after another (one agent's slow step delays everyone) or all at once (an agent's
two quick presses could overtake each other). `ChatOrderedProcessor` keeps a queue per chat:
an update starts when the previous update of the same chat has finished, and never waits for
another chat.

At most `max_concurrent_updates` updates run at once, and a chat holds at most one of those
slots: an update first waits for its chat's turn, holding nothing, and only then for a slot.
So one chat's backlog (an agent pasting 2,000 messages, a stranger's flood) occupies one slot
and one small wait each, and another person's `/help` is answered as on an idle bot. (Waiting
for a slot first, as python-telegram-bot's own semaphore does, let 256 updates of one chat take
all the slots while 255 of them only waited for the first.)

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

# How many updates may run at once (each of a different chat). Updates waiting for their chat's
# turn take none of these slots.
DEFAULT_CONCURRENCY = 256
# python-telegram-bot takes a slot of its own semaphore before `do_process_update`, that is
# before the chat's turn; it gets a limit no backlog reaches, and the slots are taken below.
_ACCEPT_ALL = 2**62
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
        if max_concurrent_updates < 1:
            raise ValueError("`max_concurrent_updates` must be a positive integer!")
        # To python-telegram-bot every update is accepted at once (it already makes a task per
        # fetched update, so this bounds no memory); `slots` bounds the updates that run.
        super().__init__(_ACCEPT_ALL)
        self.after = after
        self.observer = observer  # sees (update, seconds) for each update: the benchmark
        self.slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._running = 0
        # Per chat, the "finished" signal of the newest update queued for it. An entry lives
        # while its chat has an update queued or running: idle chats take no memory.
        self._tails: dict[Hashable, asyncio.Event] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def busy_chats(self) -> int:
        """Chats with an update in progress or queued."""
        return len(self._tails)

    @property
    def running(self) -> int:
        """Updates running now (each holding a slot); at most `slots`."""
        return self._running

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        previous = self._tails.get(key)
        finished = asyncio.Event()
        self._tails[key] = finished
        try:
            if previous is not None:
                await previous.wait()  # an Event: cancelling this wait cancels nothing else
            # Give way once before running: an update that never has to wait (the database
            # answers on the loop's thread, bot/storage/database.py) would otherwise run as
            # soon as the one before it in its chat finished, and a chat's whole backlog
            # fetched in one batch would pass before another chat's update of that batch.
            await asyncio.sleep(0)
            async with self._slots:  # the chat's turn first, then a slot
                self._running += 1
                try:
                    start = time.perf_counter()
                    await coroutine
                    await self._after(update)
                    seconds = time.perf_counter() - start
                finally:
                    self._running -= 1
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
