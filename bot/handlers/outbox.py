"""The outbox's sender (issue 16): messages to other people, delivered from the database.

A notice to someone other than the person acting (the agent told of a lead's decision, a
reminder) is written as an `outbox` row in the transaction of what caused it, rendered then in
the recipient's language (bot/storage/outbox.py). Then:

- the handler that caused it delivers its own rows at once (`deliver(bot, only=ids)`), so the
  people concerned see it as quickly as before; a row that must wait for an earlier row of its
  chat (another handler's card to the same leads' group, still in flight) is left to the worker,
  woken when that row lands: a handler never waits for someone else's message;
- a worker task, started in `post_init` and stopped in `post_shutdown` before the database
  closes, sends whatever is due and left over: rows whose sending failed and waits for its
  retry, and after a restart everything not confirmed sent.

Each chat's rows go out in the order they were written: a row waiting for its retry holds back
the later rows of its chat (not those of other chats).

Failures: a `RetryAfter` (flood control) is retried after the time Telegram names; a network
error, a timeout or a 5xx after a back-off (5 s, 10 s, 20 s... up to 10 minutes), and after
MAX_ATTEMPTS attempts the row is given up (failed). `Forbidden` (the person blocked the bot or
never started it) and `BadRequest` (the chat does not exist, the message is refused) would be
refused again: the row is failed at once, never retried. Only the error's type is stored.

**At most once, and what a crash does.** Before each Bot API call the attempt is recorded
(`attempts` + 1, `attempted_at`) in its own committed transaction, and the row is marked sent
(with Telegram's message id) as soon as Telegram confirms it. A row is never sent again once
confirmed, and two senders (the handler and the worker) cannot both send it: the attempt is a
compare-and-set on `attempts`. A row whose attempt was recorded but never confirmed means the
process died (or timed out) during the call, and nobody can know whether Telegram delivered
it: the Bot API has no idempotency key to ask with. Such a row **is sent again** after the
restart (or after the timeout's back-off). So delivery is exactly once when the process lives
through the call, and at least once across a crash or a timeout in the middle of the call:
a notice is never lost, and may in that one case arrive twice. We chose a possible duplicate
over a possible silence because a lost notice (an approval the agent never hears of, a
missed deadline reminder) costs a claim, while a duplicate costs a glance.

A kind of row may have a `Delivery` (registered by the composition root): a review card to the
leads' group is sent into the claim's forum topic, made at delivery time (createForumTopic is a
Bot API call), and once Telegram confirms it, its message id is stored where a decision finds
it to edit (review_messages), in the transaction that marks the row sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Final, Protocol

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.handlers.common import markup, split_text
from bot.storage import OutboxRecord, Outgoing, Storage
from bot.storage.database import Connection
from bot.storage.outbox import ButtonRows

log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 10
FIRST_BACKOFF: Final = timedelta(seconds=5)
MAX_BACKOFF: Final = timedelta(minutes=10)
IDLE_WAKE: Final = 30.0  # seconds: the worker looks again at least this often


def outgoing(chat_id: int, text: str, kind: str, rows: ButtonRows | None = None) -> list[Outgoing]:
    """A message as outbox rows: split like any long text, the buttons on the last piece."""
    pieces = split_text(text)
    return [
        Outgoing(chat_id, piece, kind, tuple(rows or ()) if number == len(pieces) else ())
        for number, piece in enumerate(pieces, start=1)
    ]


class Delivery(Protocol):
    """What one kind of row needs around its Bot API call."""

    async def thread(self, bot: Bot, record: OutboxRecord) -> int | None:
        """The forum topic to send it into (None: the chat itself)."""
        ...

    async def lost_thread(self, record: OutboxRecord) -> None:
        """Sending into the topic was refused (deleted): forget it, a new one is made."""
        ...

    async def sent(self, tx: Connection, record: OutboxRecord, message_id: int) -> None:
        """Telegram confirmed it: written with the row's sent mark."""
        ...


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    wait: timedelta = FIRST_BACKOFF * 2 ** max(attempts - 1, 0)
    return min(wait, MAX_BACKOFF)


class Outbox:
    """Sends the outbox's due rows; owns the worker task."""

    def __init__(self, storage: Storage, clock: Callable[[], datetime]) -> None:
        self.storage = storage
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._in_flight: dict[int, int] = {}  # rows being sent by this process now: chat ids
        self._left_behind = False  # a handler left rows to the worker (see deliver)
        self._deliveries: dict[str, Delivery] = {}

    def register(self, kind: str, delivery: Delivery) -> None:
        """Rows of `kind` are sent through `delivery` (before the worker starts)."""
        self._deliveries[kind] = delivery

    # --- sending ----------------------------------------------------------------------------------
    async def deliver(self, bot: Bot, only: Sequence[int] | None = None) -> int:
        """Send what is due now (`only`: of these rows), each chat's rows in order; how many
        were sent. A row of `only` that cannot go now (behind an earlier row of its chat that
        is being sent right now or waits for its retry, or itself being sent by the worker) is
        left to the worker, which is woken as soon as the row in flight lands: a handler never
        waits for another person's message (in a burst, 200 submissions would otherwise queue
        behind each other's cards to the one leads' group, each re-reading the outbox whenever
        any of them landed)."""
        sent = settled = 0
        for _pass in range(100):  # each pass takes the next row of every chat
            due = [
                record
                for record in await self.storage.outbox.due(self.clock(), only=only)
                if record.id not in self._in_flight
            ]
            done = 0  # sent or given up: the chat's next row may go
            for record in due:
                outcome = await self._send(bot, record)
                sent += outcome == "sent"
                done += outcome in {"sent", "failed"}
            settled += done
            if not done or (only is not None and settled == len(only)):
                break  # nothing more can go now, or all of `only` went: no second look
        if only is not None and settled < len(only):
            # Left behind: the worker sends them, now or when the row in flight lands.
            self._left_behind = True
            self._wake.set()
        return sent

    async def _send(self, bot: Bot, record: OutboxRecord) -> str:
        """One row: "sent", "retry", "failed", or "skipped" (someone else has it)."""
        if not await self.storage.outbox.start_attempt(record, self.clock()):
            return "skipped"
        self._in_flight[record.id] = record.chat_id
        delivery = self._deliveries.get(record.kind)
        try:
            message = await self._call(bot, record, delivery)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            await self.storage.outbox.mark_retry(
                record.id, type(error).__name__, self.clock() + timedelta(seconds=seconds)
            )
            log.warning("outbox %s: flood control, retrying in %s s", record.id, seconds)
            return "retry"
        except (Forbidden, BadRequest) as error:
            # Blocked, never started, no such chat: it would be refused again.
            await self.storage.outbox.mark_failed(record.id, type(error).__name__, self.clock())
            log.warning(
                "outbox %s: chat %s refused it (%s)",
                record.id,
                record.chat_id,
                type(error).__name__,
            )
            return "failed"
        except (TelegramError, OSError, RuntimeError) as error:
            return await self._failed_attempt(record, type(error).__name__)
        finally:
            self._in_flight.pop(record.id, None)
            if self._left_behind:  # a row waited behind this one: the worker takes it now
                self._wake.set()
        also = None
        if delivery is not None:
            hook, message_id = delivery, message.message_id

            async def also(tx: Connection) -> None:
                await hook.sent(tx, record, message_id)

        await self.storage.outbox.mark_sent(record.id, message.message_id, self.clock(), also=also)
        return "sent"

    async def _call(self, bot: Bot, record: OutboxRecord, delivery: Delivery | None) -> Message:
        """The Bot API call; into the row's forum topic when its kind has one (made again once
        when the send into it is refused: the topic was deleted)."""
        thread = await delivery.thread(bot, record) if delivery is not None else None
        try:
            return await bot.send_message(
                record.chat_id,
                record.text,
                reply_markup=markup(record.rows),
                message_thread_id=thread,
            )
        except BadRequest:
            if delivery is None or thread is None:
                raise
            await delivery.lost_thread(record)
        return await bot.send_message(
            record.chat_id,
            record.text,
            reply_markup=markup(record.rows),
            message_thread_id=await delivery.thread(bot, record),
        )

    async def _failed_attempt(self, record: OutboxRecord, error: str) -> str:
        attempts = record.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await self.storage.outbox.mark_failed(record.id, error, self.clock())
            log.warning("outbox %s: given up after %d attempts (%s)", record.id, attempts, error)
            return "failed"
        await self.storage.outbox.mark_retry(record.id, error, self.clock() + backoff(attempts))
        log.warning("outbox %s: attempt %d failed (%s), will retry", record.id, attempts, error)
        return "retry"

    # --- the worker -------------------------------------------------------------------------------
    def wake(self) -> None:
        """Look at the outbox now (new rows were written)."""
        self._wake.set()

    def start(self, bot: Bot) -> None:
        """The worker, as a task of the running loop: what was not sent before a restart goes
        out at once."""
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(bot), name="outbox")

    async def stop(self) -> None:
        """Cancel the worker and wait for it (before the database closes). A call cancelled
        in flight leaves its row attempted but unconfirmed: it is sent again at the next start."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self, bot: Bot) -> None:
        while True:
            self._wake.clear()
            self._left_behind = False
            try:
                sent = await self.deliver(bot)
            except Exception:  # a bug or a database error: logged, and tried again later
                log.exception("outbox: delivery failed")
                sent = 0
            if sent:
                continue
            await self._sleep()

    async def _sleep(self) -> None:
        wait = IDLE_WAKE
        upcoming = await self.storage.outbox.next_due()
        if upcoming is not None:
            wait = min(wait, max((upcoming - self.clock()).total_seconds(), 0.05))
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({waiter}, timeout=wait)
        finally:
            waiter.cancel()
