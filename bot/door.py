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
from typing import Any

from telegram import Bot, TelegramObject, Update

from bot.domain.text import valid_text

_FIELDS: dict[type, tuple[str, ...]] = {}  # per TelegramObject class, its public attributes


def valid_update(update: object, bot: Bot) -> object:
    """`update` itself when all its text is valid (the usual case, checked without copying);
    else the same update rebuilt with every invalid character replaced by U+FFFD."""
    if not isinstance(update, Update) or not _invalid(update):
        return update
    return Update.de_json(_valid(update.to_dict()), bot)


def _invalid(root: TelegramObject) -> bool:
    """Whether any string in the update is not valid Unicode (a loop, not recursion: this
    runs for every update)."""
    stack: list[object] = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and valid_text(value) is not value:
                return True
        elif isinstance(value, TelegramObject):
            for name in _fields(type(value)):
                item = getattr(value, name, None)
                if item is not None and not isinstance(item, int | float):
                    stack.append(item)
        elif isinstance(value, Mapping):  # api_kwargs: fields this version does not know
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
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
