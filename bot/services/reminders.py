"""The claim clock's reminders: found by a sweep over the database, recorded before sending.

The database is the truth: a sweep at start and then every minute finds the claims whose
reminder is due, so nothing needs rebuilding after a restart, reminders that fell due while
the bot was down go out at start, and the recorded ones are never sent twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.claims import Claim
from bot.domain.reminders import (
    EARLIEST,
    ESCALATED,
    ReminderKind,
    reminder_due,
    superseded_by,
)
from bot.storage.repositories import Storage


@dataclass(frozen=True, slots=True)
class Reminder:
    claim: Claim
    kind: ReminderKind

    @property
    def escalate(self) -> bool:
        """The team leads hear of it too."""
        return self.kind in ESCALATED


class Reminders:
    def __init__(self, storage: Storage, clock: Callable[[], datetime]) -> None:
        self.storage = storage
        self.clock = clock

    async def sweep(self) -> list[Reminder]:
        """The reminders due now, each recorded (so no later sweep, after any number of
        restarts, sends it again) before it is returned for sending."""
        now = self.clock()
        due: list[Reminder] = []
        for claim, had in await self.storage.reminders.candidates(now + EARLIEST):
            sent = {ReminderKind(kind) for kind in had}
            kind = reminder_due(claim.respond_by, now, sent)
            if kind is None:
                continue
            skipped = [k.value for k in superseded_by(kind)[:-1] if k not in sent]
            if await self.storage.reminders.record(claim.id, kind.value, skipped, now):
                due.append(Reminder(claim, kind))
        return due
