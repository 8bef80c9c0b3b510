"""The claim clock of `shared/domain.md`. All times are aware datetimes in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

RESPOND_WINDOW: Final = timedelta(hours=72)
INFORMATION_REQUEST_WINDOW: Final = timedelta(hours=48)
BUYER_ANSWER_WINDOW: Final = timedelta(hours=24)
APPEAL_WINDOW: Final = timedelta(days=30)

SOON: Final = timedelta(hours=24)
URGENT: Final = timedelta(hours=6)


class Urgency(StrEnum):
    OK = "ok"
    SOON = "soon"  # under 24 hours left
    URGENT = "urgent"  # under 6 hours left
    OVERDUE = "overdue"


def ensure_utc(moment: datetime) -> datetime:
    """Reject naive datetimes (a silent local-time bug) and normalise aware ones to UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: claimbot keeps every time zone-aware")
    return moment.astimezone(UTC)


def respond_by(notified_at: datetime) -> datetime:
    """When the seller's answer to Amazon is due: the notice plus 72 hours."""
    return ensure_utc(notified_at) + RESPOND_WINDOW


def urgency(deadline: datetime, now: datetime) -> Urgency:
    left = ensure_utc(deadline) - ensure_utc(now)
    if left <= timedelta(0):
        return Urgency.OVERDUE
    if left <= URGENT:
        return Urgency.URGENT
    if left <= SOON:
        return Urgency.SOON
    return Urgency.OK
