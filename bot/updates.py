"""Where the Bot API's JSON becomes `Update` objects: an update python-telegram-bot cannot read
is skipped, never fatal.

python-telegram-bot reads a `getUpdates` batch in one piece: one update it cannot read (a Bot
API server older or newer than the library, such as a poll without the fields 22.8 requires)
fails the whole batch, the updater asks for the same offset again at once, forever, and logs
the batch with people's messages in it every time. Its webhook answers such an update 400, so
Telegram posts it again. Here each update is read on its own: one that cannot be read is left
out of what the library sees, logged once with its id (never its content), and confirmed, so
everything around it is served.

`TolerantBot` is python-telegram-bot's `ExtBot` with this done where the library itself lets a
subclass step in between a method and the network (`_do_post`, where `ExtBot` adds its rate
limiter): for `getUpdates` only, the batch is filtered there and the offset asked for confirms
the unreadable updates. The webhook (`bot.webhook`) reads each post with `read_update`.
"""

from __future__ import annotations

import logging
from typing import Any

import telegram
from telegram import Update
from telegram.ext import ExtBot

JSONDict = dict[str, Any]

log = logging.getLogger(__name__)


def _update_id(data: object) -> int | None:
    update_id = data.get("update_id") if isinstance(data, dict) else None
    return update_id if isinstance(update_id, int) else None


class Unreadable:
    """The unreadable updates of one process: which were logged, and for long polling, which
    still wait to be confirmed and from when that is safe.

    The updater confirms a batch by asking next for the offset after the last update it was
    given; an unreadable update at the end of a batch is not among those, so `offset` moves
    the offset asked for past it, but only once the caller has confirmed everything before it
    in its batch (an updater stopping mid-batch leaves its updates unconfirmed on purpose).
    """

    REMEMBERED = 1024  # ids kept to log each once, however often a server sends it again

    def __init__(self) -> None:
        # update id -> the offset from which it may be confirmed (the caller's offset has then
        # confirmed every update that came before it in its batch).
        self._waiting: dict[int, int] = {}
        self._logged: dict[int | None, None] = {}  # an ordered set, oldest first

    def read(self, data: object, bot: telegram.Bot | None) -> Update | None:
        """The update, or None (logged, once per id) when python-telegram-bot cannot read it."""
        if not isinstance(data, dict):
            self._log(None, "not a JSON object")
            return None
        try:
            return Update.de_json(data, bot)
        except Exception as error:  # whatever the library raises, the update is skipped
            self._log(_update_id(data), type(error).__name__)
            return None

    def _log(self, update_id: int | None, reason: str) -> None:
        # The exception's type only: its text may quote what a person wrote.
        if update_id in self._logged:
            return
        self._logged[update_id] = None
        if len(self._logged) > self.REMEMBERED:
            del self._logged[next(iter(self._logged))]
        log.warning(
            "update %s skipped: python-telegram-bot %s cannot read it (%s)",
            "without an id" if update_id is None else update_id,
            telegram.__version__,
            reason,
        )

    def offset(self, asked: int | None) -> int | None:
        """The offset to send for the one the caller `asked` for: past the unreadable updates
        it may confirm. A negative offset (counted from the end) is left alone."""
        if asked is not None and asked < 0:
            return asked
        offset = asked or 0
        for update_id in sorted(self._waiting):
            if self._waiting[update_id] <= offset <= update_id:
                offset = update_id + 1
        self._waiting = {u: since for u, since in self._waiting.items() if u >= offset}
        return asked if offset == (asked or 0) else offset

    def readable(self, batch: list[Any], offset: int | None, bot: telegram.Bot | None) -> list[Any]:
        """The updates of a `getUpdates` answer (asked with `offset`) the library can read;
        the others are remembered, to be confirmed by a later offset."""
        since = offset if offset is not None and offset > 0 else 0
        kept: list[Any] = []
        for data in batch:
            update_id = _update_id(data)
            if self.read(data, bot) is not None:
                kept.append(data)
            elif update_id is not None:
                self._waiting.setdefault(update_id, since)
            if update_id is not None:
                since = update_id + 1
        return kept


class TolerantBot(ExtBot[Any]):
    """`ExtBot` that skips the updates it cannot read (see the module docstring)."""

    __slots__ = ("_unreadable",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():  # a Bot is frozen after __init__; ExtBot sets its own this way
            self._unreadable = Unreadable()

    def read_update(self, data: object) -> Update | None:
        """One update as a webhook receives it; None when it cannot be read (logged once)."""
        return self._unreadable.read(data, self)

    async def _do_post(
        self, endpoint: str, data: JSONDict, **timeouts: Any
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint != "getUpdates":
            return await super()._do_post(endpoint, data, **timeouts)
        asked = data.get("offset")
        offset = self._unreadable.offset(asked if isinstance(asked, int) else None)
        if offset is not None and offset != asked:
            data = {**data, "offset": offset}
        result = await super()._do_post(endpoint, data, **timeouts)
        if not isinstance(result, list):
            return result  # not a batch: the library reports it as before
        return self._unreadable.readable(result, offset, self)
