"""What the agent reads, in the agent's language: gettext plus Babel formatting."""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date as calendar_date
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.units import format_unit

from bot.domain.deadlines import ensure_utc


@dataclass(frozen=True, slots=True)
class Translator:
    """One agent's language. Passed explicitly to whatever produces agent-facing text."""

    language: str
    translations: gettext.NullTranslations
    # The reader's own time zone: when set, every time is shown in it instead of the one the
    # caller names (a claim's marketplace's).
    time_zone: str | None = None
    locale: Locale = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", Locale.parse(self.language))

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def datetime(self, moment: datetime, time_zone: str = "UTC") -> str:
        """Date (medium) and time (short, no seconds) in `time_zone`, in the agent's locale's
        own order, with the zone named: "Dec 1, 2026, 7:44 PM (Europe/Berlin)"."""
        time_zone = self.time_zone or time_zone
        local = ensure_utc(moment).astimezone(ZoneInfo(time_zone))  # naive: a bug, refused
        # Shown to the minute: every moment of that minute reads the same.
        minute = local.replace(second=0, microsecond=0)
        return self.bracketed(_date_and_time(self.language, minute, time_zone), time_zone)

    def bracketed(self, text: str, note: str) -> str:
        """`text` with `note` in brackets, as the agent's language writes them: "Germany (DE)",
        "德国（DE）"."""
        return self.gettext("%(text)s (%(note)s)") % {"text": text, "note": note}

    def date(self, day: calendar_date) -> str:
        """A calendar date (medium) in the agent's locale: "Nov 28, 2026" / "2026年11月28日"."""
        return format_date(day, "medium", locale=self.locale)

    def duration(self, delta: timedelta) -> str:
        """A span rounded down to the unit a deadline needs: days from 3 days up, then whole
        hours, then minutes ("71 hours" is clearer than "3 days" when 71 hours are left)."""
        seconds = int(abs(delta.total_seconds()))
        if seconds >= 72 * 3600:
            value, unit = seconds // 86400, "duration-day"
        elif seconds >= 3600:
            value, unit = seconds // 3600, "duration-hour"
        else:
            value, unit = seconds // 60, "duration-minute"
        return _span(self.language, value, unit)


# Babel's formatting was a tenth of a card's cost (issue 16); what it gives depends only on
# these arguments, and a card shows the same deadlines and spans again and again.
@lru_cache(maxsize=4096)
def _date_and_time(language: str, local: datetime, time_zone: str) -> str:
    locale = Locale.parse(language)
    zone = ZoneInfo(time_zone)
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    text = pattern.replace("{0}", format_time(local, "short", tzinfo=zone, locale=locale))
    return text.replace("{1}", format_date(local, "medium", locale=locale))


@lru_cache(maxsize=1024)
def _span(language: str, value: int, unit: str) -> str:
    return format_unit(value, unit, length="long", locale=Locale.parse(language))
