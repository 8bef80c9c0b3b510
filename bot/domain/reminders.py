"""Deadline reminders for Amazon's respond-by time: which one is due for a claim, now.

Pure rules. Reminders go to the owning agent 24 h, 6 h and 1 h before the deadline and when
it has passed; the 6-hour one and the overdue one also go to the team leads. A reminder that
fell due while the bot was down is sent once at start, and only the most urgent one: after a
night offline, "overdue" says it all and "24 hours left" would be wrong.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.domain.deadlines import ensure_utc


class ReminderKind(StrEnum):
    DAY = "24h"
    SIX_HOURS = "6h"
    HOUR = "1h"
    OVERDUE = "overdue"


# How long before the deadline each reminder is due, least urgent first.
BEFORE: Final = {
    ReminderKind.DAY: timedelta(hours=24),
    ReminderKind.SIX_HOURS: timedelta(hours=6),
    ReminderKind.HOUR: timedelta(hours=1),
    ReminderKind.OVERDUE: timedelta(0),
}
ESCALATED: Final = frozenset({ReminderKind.SIX_HOURS, ReminderKind.OVERDUE})
EARLIEST: Final = BEFORE[ReminderKind.DAY]  # no reminder is due before deadline - 24 h


def due_at(deadline: datetime, kind: ReminderKind) -> datetime:
    return ensure_utc(deadline) - BEFORE[kind]


def reminder_due(
    deadline: datetime, now: datetime, sent: Collection[ReminderKind]
) -> ReminderKind | None:
    """The reminder to send now: the most urgent one that is due and was not sent, unless a
    more urgent one (or the same) was sent already."""
    due = [kind for kind in BEFORE if due_at(deadline, kind) <= ensure_utc(now)]
    if not due:
        return None
    latest = due[-1]
    order = list(BEFORE)
    if any(order.index(kind) >= order.index(latest) for kind in sent):
        return None
    return latest


def superseded_by(kind: ReminderKind) -> list[ReminderKind]:
    """The reminder and every less urgent one: recorded together, so none of them is sent
    later (a skipped "24 hours left" must not arrive after "overdue")."""
    order = list(BEFORE)
    return order[: order.index(kind) + 1]
