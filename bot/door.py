"""Where updates come in: their text is made valid Unicode here, once, before any handler.

Telegram's JSON can carry text that no UTF-8 string can hold: a lone surrogate ("\\ud800"),
which `json.loads` accepts. SQLite, JSON written back to Telegram and every encoder refuse it,
so such a character in an answer failed the save of the intake on every update, and one in a
first name failed the access guard's write and locked the person out. Rather than guard each
place that stores or sends text, `ClaimApplication.process_update` (bot/app.py) passes every
update through `valid_update`: message texts and captions, names, forwarded names, button
data, every string in it, whether it came by long polling, webhook, the console or a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from telegram import Bot, Message, TelegramObject, Update

from bot.domain.text import valid_text

_FIELDS: dict[type, tuple[str, ...]] = {}  # per TelegramObject class, its public attributes
_SCALARS = frozenset({int, float, bool, datetime})  # what can hold no text


def valid_update(update: object, bot: Bot) -> object:
    """`update` itself when all its text is valid (the usual case, checked without copying);
    else the same update rebuilt with every invalid character replaced by U+FFFD."""
    if not isinstance(update, Update) or not _invalid(update, _own_id(bot)):
        return update
    return Update.de_json(_valid(update.to_dict()), bot)


def _own_id(bot: Bot) -> int | None:
    try:
        return bot.id
    except RuntimeError:  # not initialised (a test feeding updates to a bare bot)
        return None


def _invalid(root: TelegramObject, own_id: int | None) -> bool:
    """Whether any string in the update is not valid Unicode (a loop, not recursion: this
    runs for every update, and it was the costliest of claimbot's own steps per update).
    The buttons under claimbot's own message (the one a button press comes with) are
    claimbot's own text, as it sent them: skipped, they were most of the walk; every other
    string of that message (a message it replied to, say) is looked at."""
    stack: list[object] = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and valid_text(value) is not value:
                return True
        elif isinstance(value, TelegramObject):
            kind = type(value)
            own = (
                own_id is not None
                and isinstance(value, Message)
                and value.from_user is not None
                and value.from_user.id == own_id
            )
            for name in _FIELDS.get(kind) or _fields(kind):
                item = getattr(value, name, None)
                if item is None or type(item) in _SCALARS or (own and name == "reply_markup"):
                    continue
                stack.append(item)
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, Mapping):  # api_kwargs: fields this version does not know
            stack.extend(value.keys())
            stack.extend(value.values())
    return False


def _fields(kind: type) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        names: list[str] = []
        for cls in kind.__mro__:
            slots = cls.__dict__.get("__slots__", ())
            names.extend((slots,) if isinstance(slots, str) else slots)
        # The private ones are caches and the bot; api_kwargs is public.
        fields = _FIELDS[kind] = tuple(n for n in names if not n.startswith("_"))
    return fields


def _valid(value: Any) -> Any:
    """The data `to_dict` made, with every string valid."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {_valid(key): _valid(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_valid(item) for item in value]
    return value
