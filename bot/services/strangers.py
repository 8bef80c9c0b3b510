"""How often the bot answers people it does not serve.

Anyone who is not an active team member (a stranger, someone removed) gets a short refusal
with their user id, which an admin needs to add them. Answering every message would let one
stranger, or ten thousand, spend the bot's sending budget (Telegram's ~30 messages a second,
shared by the whole team) on refusals. So each person is answered at most once per
`per_person` window, and at most `overall` refusals go out per minute, to everyone together.
The rest are dropped without an answer and counted; the counts are logged at WARNING, at the
first drop and then at most once per `per_person` window (counts only, never what was sent).

The state is in memory on purpose: a restart forgets it, and at worst someone gets one more
refusal. It is bounded: only people who were answered are remembered, and `overall` a minute
for `per_person` at most (200 with the defaults). Someone an admin adds is a member at once:
members never reach this class.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class RefusalLimits:
    per_person: timedelta = timedelta(minutes=10)  # one refusal per person in this window
    overall: int = 20  # refusals per minute, everyone together


class Strangers:
    def __init__(self, clock: Callable[[], datetime], limits: RefusalLimits | None = None) -> None:
        self.clock = clock
        self.limits = limits or RefusalLimits()
        # Who was answered, and when, oldest first; and when the last minute's refusals went.
        self._answered: OrderedDict[int, datetime] = OrderedDict()
        self._recent: deque[datetime] = deque()
        # Dropped since the last report: over a person's own limit, over the overall one.
        self._dropped_person = 0
        self._dropped_overall = 0
        self._reported: datetime | None = None
        self.dropped = 0  # since start, for tests and the curious

    def answer(self, user_id: int) -> bool:
        """Whether to send `user_id` a refusal now. True counts as sent; False as dropped."""
        now = self.clock()
        per_person = self.limits.per_person
        while self._answered and _past(now, next(iter(self._answered.values())), per_person):
            self._answered.popitem(last=False)
        while self._recent and _past(now, self._recent[0], MINUTE):
            self._recent.popleft()
        if user_id in self._answered:
            self._dropped_person += 1
        elif len(self._recent) >= self.limits.overall:
            self._dropped_overall += 1
        else:
            self._answered[user_id] = now
            self._recent.append(now)
            self._maybe_report(now)
            return True
        self.dropped += 1
        self._maybe_report(now)
        return False

    @property
    def remembered(self) -> int:
        """People answered within the window (the next message of each is dropped)."""
        return len(self._answered)

    def _maybe_report(self, now: datetime) -> None:
        """The counts so far: at the first drop, then once the window since the last report
        has passed (with whatever refusal, sent or dropped, comes next)."""
        if not self._dropped_person + self._dropped_overall:
            return
        if self._reported is not None and not _past(now, self._reported, self.limits.per_person):
            return
        log.warning(
            "dropped %d refusal(s) to people outside the team since %s: %d over the limit of"
            " 1 per person per %d min, %d over the limit of %d per min overall",
            self._dropped_person + self._dropped_overall,
            "the start" if self._reported is None else self._reported.isoformat("T", "minutes"),
            self._dropped_person,
            self.limits.per_person // MINUTE,
            self._dropped_overall,
            self.limits.overall,
        )
        self._dropped_person = self._dropped_overall = 0
        self._reported = now


def _past(now: datetime, then: datetime, window: timedelta) -> bool:
    """`then` is no longer within `window` before `now`. A clock set back (`then` after
    `now`) counts as past too, so nobody stays silenced by a clock that was wrong."""
    return not timedelta(0) <= now - then < window
