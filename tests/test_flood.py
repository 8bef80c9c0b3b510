"""A flood from one chat does not stall everyone else (issue 17).

One agent, or one stranger, has 2,000 messages queued; another person's `/help` must be
answered about as fast as on an idle bot (the issue's target: within 10 times). The idle
baseline is measured in the same run and the assertion reads a ratio, never a time. The
latency is counted in this process's CPU time (see `Latency`), so other processes on a busy
machine do not count; the wall-clock ratio is printed next to it. The flood is topped up
before each `/help`, so every sample comes in behind 2,000 queued messages.

Measured here before the fix: the `/help` waited for about 1,750 of the flood's updates (the
flood held all 256 of the processor's slots), ratios of about 3,200 (agent) and 2,500
(stranger); and each of the stranger's 2,000 messages got a refusal. After: 1.5 to 4, and
one refusal.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Any

import pytest
from telegram import Update

from bot.processor import ChatOrderedProcessor
from bot.transport import ApiCall
from tests.helpers import ADMIN, AGENT, Chat, team

FLOOD = 2_000
STRANGER = 777
# The target: within 10 times the idle latency. Measured here, the flooded /help takes
# 1 to 3 times as long (the flooding chat's one update in progress shares the CPU with it).
MAX_RATIO = 10
IDLE_SAMPLES = 9
FLOODED_SAMPLES = 9


@dataclass(frozen=True)
class Latency:
    """From an update entering the queue (where polling puts it) to the bot's first message
    to that chat: in wall-clock seconds, and in seconds of this process's CPU time.

    The CPU time is what the assertion reads. On a busy machine the wall clock also counts
    the time the OS gives other processes, a few milliseconds at random; the CPU time counts
    only the work this bot does before the answer, which is exactly what head-of-line
    blocking inflates (the flood's updates are handled first)."""

    wall: float
    cpu: float


class Answers:
    """Listens to the Bot API: notes when a watched chat gets its answer."""

    def __init__(self) -> None:
        self.waiting: dict[int, tuple[asyncio.Event, list[float]]] = {}

    def __call__(self, call: ApiCall) -> None:
        if call.method == "sendMessage":
            waiting = self.waiting.pop(int(call.params["chat_id"]), None)
            if waiting is not None:
                answered, times = waiting
                times += [time.perf_counter(), time.process_time()]
                answered.set()

    async def latency(self, chat: Chat, user_id: int, text: str) -> Latency:
        answered, times = asyncio.Event(), list[float]()
        self.waiting[user_id] = answered, times
        update = Update.de_json(chat.factory.message(chat.user(user_id), text), chat.app.bot)
        wall, cpu = time.perf_counter(), time.process_time()
        chat.app.update_queue.put_nowait(update)
        await asyncio.wait_for(answered.wait(), 60)
        return Latency(times[0] - wall, times[1] - cpu)


async def help_latencies(chat: Chat, answers: Answers, samples: int) -> list[Latency]:
    return [await answers.latency(chat, ADMIN, "/help") for _ in range(samples)]


def median(samples: list[Latency]) -> Latency:
    return Latency(
        statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples)
    )


@pytest.mark.parametrize("sender", [AGENT, STRANGER], ids=["agent", "stranger"])
async def test_a_flood_from_one_chat_does_not_stall_another(bot: Any, sender: int) -> None:
    answers = Answers()
    async with bot() as chat:
        await team(chat)
        chat.api.listener = answers
        processor = chat.app.update_processor
        assert isinstance(processor, ChatOrderedProcessor)
        flood_done = 0
        flood_started = asyncio.Event()
        backlogs: list[int] = []  # the flood's updates still to do as each /help was answered

        def count(update: object, _seconds: float) -> None:
            nonlocal flood_done
            user = update.effective_user if isinstance(update, Update) else None
            if user is not None and user.id == sender:
                flood_done += 1
                flood_started.set()

        processor.observer = count
        await help_latencies(chat, answers, 2)  # warm: catalogs, statements, the handlers
        idle = median(await help_latencies(chat, answers, IDLE_SAMPLES))

        sent = 0

        def top_up() -> None:
            """Queue the sender's messages until FLOOD of them wait to be handled."""
            nonlocal sent
            while sent - flood_done < FLOOD:
                message = chat.factory.message(chat.user(sender), f"hello {sent}")
                chat.app.update_queue.put_nowait(Update.de_json(message, chat.app.bot))
                sent += 1

        top_up()
        await flood_started.wait()  # the backlog is in the processor and being worked on
        samples: list[Latency] = []
        for _ in range(FLOODED_SAMPLES):
            top_up()  # each /help comes in behind FLOOD queued messages
            samples += await help_latencies(chat, answers, 1)
            backlogs.append(sent - flood_done)
        await chat.app.update_queue.join()
        refusals = [c for c in chat.api.sent("sendMessage") if int(c.params["chat_id"]) == STRANGER]

    flooded = median(samples)
    ratio, wall_ratio = flooded.cpu / idle.cpu, flooded.wall / idle.wall
    shown = ", ".join(f"{s.cpu * 1000:.1f}" for s in samples)
    print(
        f"\n{sender=}: idle {idle.cpu * 1000:.2f} ms CPU ({idle.wall * 1000:.2f} ms wall);"
        f" flooded {shown} ms CPU; ratio {ratio:.1f} CPU, {wall_ratio:.1f} wall"
    )
    # Each /help answered while the flood was still being worked off; else it waited for it.
    assert min(backlogs) > 0, f"/help was answered behind the flood: {shown} ms; {backlogs=}"
    assert ratio < MAX_RATIO, (
        f"/help took {flooded.cpu * 1000:.1f} ms of CPU time behind {FLOOD} queued updates of"
        f" another chat, {ratio:.0f} times the {idle.cpu * 1000:.2f} ms on an idle bot"
    )
    assert flood_done == sent  # nothing of the flood was lost
    if sender == STRANGER:
        assert len(refusals) == 1, f"{len(refusals)} refusals for {sent} messages"
