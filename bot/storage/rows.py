"""How values look in the database, shared by every repository: times as ISO 8601 text in UTC,
structured facts as JSON text. One place, so every table reads and writes them the same way."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.deadlines import ensure_utc


def iso(moment: datetime) -> str:
    """Times are stored as ISO 8601 in UTC, to the second: sortable as text."""
    return ensure_utc(moment).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def maybe_time(text: str | None) -> datetime | None:
    """A nullable time column: NULL stays None."""
    return parse_iso(text) if text is not None else None


def to_json(value: object) -> str:
    """JSON as stored: readable non-ASCII text, keys sorted so equal values are equal text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def stores_params(stores: frozenset[int]) -> tuple[bool, str]:
    """The parameters of `AND (? OR store_id IN (SELECT value FROM json_each(?)))`: of the
    stores given (a JSON array), or of every store when none are (issue 16)."""
    return not stores, json.dumps(sorted(stores))
