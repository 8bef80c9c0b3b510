"""The claim clock's reminders: found by a sweep over the database, recorded before sending.

The database is the truth: a sweep at start and then every minute finds the claims whose
reminder is due, so nothing needs rebuilding after a restart, reminders that fell due while
the bot was down go out at start, and the recorded ones are never sent twice.

A reminder is recorded and its messages written to the outbox (rendered by `notices`, given by
the composition root) in one transaction: recorded means it will be delivered, after any
number of restarts (issue 16).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.claims import Claim
from bot.domain.journey import Deadline, claim_deadlines
from bot.domain.reminders import (
    REVIEW_WAIT,
    REVIEW_WITHIN,
    SCHEDULES,
    ReminderKind,
    reminder_due,
    superseded_by,
)
from bot.services.people import on_team
from bot.storage import Outgoing, Storage, User
from bot.storage.rows import iso

# Where the team leads are told things, as (chat id, language), leaving one person out.
LeadChats = Callable[[int | None], Awaitable[list[tuple[int, str | None]]]]


@dataclass(frozen=True, slots=True)
class Reminder:
    claim: Claim
    kind: ReminderKind
    agent: User | None  # the claim's agent, when on the team: they get it
    agent_name: str  # how the leads' copy names the agent
    leads: tuple[tuple[int, str | None], ...]  # the leads' chats that get it too
    deadline: Deadline = Deadline.RESPOND  # which of the claim's deadlines
    due: datetime | None = None  # that deadline's time (None: the claim's respond-by)
    waiting_since: datetime | None = None  # Deadline.REVIEW: when the draft was submitted

    @property
    def deadline_at(self) -> datetime:
        return self.due if self.due is not None else self.claim.respond_by


# A reminder's messages (to the agent, to the leads) as outbox rows, rendered at `now`.
ReminderNotices = Callable[["Reminder", datetime], Sequence[Outgoing]]


class Reminders:
    def __init__(
        self,
        storage: Storage,
        clock: Callable[[], datetime],
        lead_chats: LeadChats,
        notices: ReminderNotices | None = None,
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.lead_chats = lead_chats
        self.notices = notices

    async def sweep(self) -> list[Reminder]:
        """The reminders due now, for every deadline of every claim (one per deadline
        instance and mark), each recorded (so no later sweep, after any number of
        restarts, sends it again) with its outbox rows, before it is returned."""
        now = self.clock()
        due: list[Reminder] = []
        until = now + SCHEDULES[Deadline.RESPOND].earliest
        for claim, had in await self.storage.reminders.candidates(until, now):
            for which, at in claim_deadlines(claim):
                instance = iso(at)
                sent = {
                    ReminderKind(kind)
                    for deadline, when, kind in had
                    if deadline == which.value and when == instance
                }
                kind = reminder_due(at, now, sent, which)
                if kind is None:
                    continue
                skipped = [k.value for k in superseded_by(kind, which)[:-1] if k not in sent]
                reminder = await self._addressed(claim, kind, which, at)
                if await self._record(reminder, skipped, now, which.value, at):
                    due.append(reminder)
        waiting = await self.storage.reminders.waiting_reviews(
            now - REVIEW_WAIT, now + REVIEW_WITHIN
        )
        for claim, since in waiting:
            reminder = await self._waiting(claim, since)
            if await self._record(reminder, [], now, "review", since):
                due.append(reminder)
        return due

    async def _record(
        self, reminder: Reminder, skipped: list[str], now: datetime, deadline: str, at: datetime
    ) -> bool:
        """Record the reminder and write its messages to the outbox, in one transaction:
        False (nothing written) when an earlier sweep recorded it."""
        claim_id = reminder.claim.id
        async with self.storage.db.transaction() as tx:
            if not await self.storage.reminders.record(
                tx, claim_id, reminder.kind.value, skipped, now, deadline=deadline, instance=at
            ):
                return False
            if self.notices is not None:
                await self.storage.outbox.add(
                    tx, self.notices(reminder, now), now=now, claim_id=claim_id
                )
        return True

    async def _waiting(self, claim: Claim, since: datetime) -> Reminder:
        """A draft waiting in review: for the leads only (the agent is waiting too)."""
        agent = await self._agent(claim)
        name = agent.name() if agent is not None else str(claim.agent_id or "")
        leads = tuple(await self.lead_chats(claim.agent_id))
        return Reminder(
            claim,
            ReminderKind.WAITING,
            None,
            name,
            leads,
            Deadline.REVIEW,
            claim.respond_by,
            since,
        )

    async def _addressed(
        self, claim: Claim, kind: ReminderKind, which: Deadline, at: datetime
    ) -> Reminder:
        """Who gets it: the agent; the leads too when it is escalated (for respond-by: 6 hours
        left and overdue) or when the agent was removed and nobody else would act (at every
        reminder then). An unassigned claim (issue 15) has nobody of its own: the leads get
        every reminder, so the queue is not forgotten."""
        agent = await self._agent(claim)
        reachable = on_team(agent)
        escalated = kind in SCHEDULES[which].escalated
        leads = await self.lead_chats(claim.agent_id) if escalated or not reachable else []
        name = agent.name() if agent is not None else str(claim.agent_id or "")
        return Reminder(claim, kind, agent if reachable else None, name, tuple(leads), which, at)

    async def _agent(self, claim: Claim) -> User | None:
        return None if claim.agent_id is None else await self.storage.users.get(claim.agent_id)
