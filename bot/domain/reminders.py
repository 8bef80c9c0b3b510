"""Deadline reminders: which one is due for a claim's deadline, now.

Pure rules. Each deadline of `bot.domain.journey.claim_deadlines` has its own marks, each a
time before the deadline (least urgent first); some also go to the team leads:

- Amazon's respond-by time (72 h): 24 h, 6 h and 1 h before and overdue; the 6-hour and the
  overdue ones also to the leads.
- Amazon's information request (48 h): 12 h and 1 h before and overdue; overdue also to the
  leads (Amazon may decide without the seller's answer).
- A buyer's message waiting for an answer (24 h): 2 h before and overdue, to the agent.
- The appeal window of a granted, seller-funded claim (30 days): 7 days and 1 day before, to
  the agent; nothing once it has closed (there is nothing left to do).
- A draft submitted for review and still waiting for a lead: once, to the leads only, when it
  has waited 2 hours and the claim's respond-by time is 24 hours away or less (whichever
  comes later), while the claim is open.

A reminder that fell due while the bot was down is sent once at start, and only the most
urgent one of each deadline: after a night offline, "overdue" says it all and "24 hours left"
would be wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.deadlines import ensure_utc
from bot.domain.journey import Deadline


class ReminderKind(StrEnum):
    """A mark before a deadline; the value is stored."""

    WEEK = "7d"
    DAY = "24h"
    TWELVE_HOURS = "12h"
    SIX_HOURS = "6h"
    TWO_HOURS = "2h"
    HOUR = "1h"
    OVERDUE = "overdue"
    WAITING = "waiting"  # a draft waiting in review


@dataclass(frozen=True, slots=True)
class Schedule:
    """One deadline's marks, least urgent first, and the ones the leads get too."""

    marks: Mapping[ReminderKind, timedelta]
    escalated: frozenset[ReminderKind]

    @property
    def earliest(self) -> timedelta:
        """No reminder of this deadline is due before deadline - earliest."""
        return max(self.marks.values())


SCHEDULES: Final[Mapping[Deadline, Schedule]] = MappingProxyType(
    {
        Deadline.RESPOND: Schedule(
            {
                ReminderKind.DAY: timedelta(hours=24),
                ReminderKind.SIX_HOURS: timedelta(hours=6),
                ReminderKind.HOUR: timedelta(hours=1),
                ReminderKind.OVERDUE: timedelta(0),
            },
            frozenset({ReminderKind.SIX_HOURS, ReminderKind.OVERDUE}),
        ),
        Deadline.INFORMATION: Schedule(
            {
                ReminderKind.TWELVE_HOURS: timedelta(hours=12),
                ReminderKind.HOUR: timedelta(hours=1),
                ReminderKind.OVERDUE: timedelta(0),
            },
            frozenset({ReminderKind.OVERDUE}),
        ),
        Deadline.BUYER_ANSWER: Schedule(
            {ReminderKind.TWO_HOURS: timedelta(hours=2), ReminderKind.OVERDUE: timedelta(0)},
            frozenset(),
        ),
        Deadline.APPEAL: Schedule(
            {ReminderKind.WEEK: timedelta(days=7), ReminderKind.DAY: timedelta(days=1)},
            frozenset(),
        ),
    }
)

# A draft in review is reminded to the leads when it has waited REVIEW_WAIT and the claim's
# respond-by time is REVIEW_WITHIN away or less.
REVIEW_WAIT: Final = timedelta(hours=2)
REVIEW_WITHIN: Final = timedelta(hours=24)


def review_reminder_at(submitted_at: datetime, respond_by: datetime) -> datetime:
    """When the leads are reminded of a draft waiting in review (once per submission)."""
    return max(ensure_utc(submitted_at) + REVIEW_WAIT, ensure_utc(respond_by) - REVIEW_WITHIN)


def due_at(deadline: datetime, kind: ReminderKind, which: Deadline = Deadline.RESPOND) -> datetime:
    return ensure_utc(deadline) - SCHEDULES[which].marks[kind]


def reminder_due(
    deadline: datetime,
    now: datetime,
    sent: Collection[ReminderKind],
    which: Deadline = Deadline.RESPOND,
) -> ReminderKind | None:
    """The reminder to send now: the most urgent one that is due and was not sent, unless a
    more urgent one (or the same) was sent already. None once a deadline without an overdue
    mark has passed."""
    marks = SCHEDULES[which].marks
    now = ensure_utc(now)
    if ReminderKind.OVERDUE not in marks and ensure_utc(deadline) <= now:
        return None
    due = [kind for kind in marks if due_at(deadline, kind, which) <= now]
    if not due:
        return None
    latest = due[-1]
    order = list(marks)
    if any(kind in marks and order.index(kind) >= order.index(latest) for kind in sent):
        return None
    return latest


def superseded_by(kind: ReminderKind, which: Deadline = Deadline.RESPOND) -> list[ReminderKind]:
    """The reminder and every less urgent one: recorded together, so none of them is sent
    later (a skipped "24 hours left" must not arrive after "overdue")."""
    order = list(SCHEDULES[which].marks)
    return order[: order.index(kind) + 1]
