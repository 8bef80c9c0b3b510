"""The claim clock of `shared/domain.md`. All times are aware datetimes in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

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


def notice_clock(
    started: datetime,
    time_zone: str,
    *,
    filed_on: date | None = None,
    respond_by: date | None = None,
) -> tuple[datetime, datetime | None]:
    """When Amazon notified, and the deadline when the notice gives its dates (days in the
    marketplace's `time_zone`). A respond-by day is Amazon's own deadline: the end of that day,
    however the notice words it or whatever filing date it gives; only a notice with a filing
    date alone counts 72 hours from the start of that day. Without dates: `started`, and no
    deadline (the caller counts 72 hours from it)."""
    zone = ZoneInfo(time_zone)
    notified = ensure_utc(started)
    deadline: datetime | None = None
    if filed_on is not None:
        filed = datetime.combine(filed_on, time(0), zone).astimezone(UTC)
        notified = min(filed, notified)
        deadline = notified + RESPOND_WINDOW
    if respond_by is not None:
        deadline = end_of_day(respond_by, zone)
        if filed_on is None:
            notified = min(notified, deadline - RESPOND_WINDOW)
    return notified, deadline


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The last second of `day` in `zone`, in UTC: when a "respond by" day ends."""
    following = datetime.combine(day + timedelta(days=1), time(0), zone)
    return (following - timedelta(seconds=1)).astimezone(UTC)


def urgency(deadline: datetime, now: datetime) -> Urgency:
    left = ensure_utc(deadline) - ensure_utc(now)
    if left <= timedelta(0):
        return Urgency.OVERDUE
    if left <= URGENT:
        return Urgency.URGENT
    if left <= SOON:
        return Urgency.SOON
    return Urgency.OK
