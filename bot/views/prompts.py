"""What every question the bot asks shows under its prompt."""

from __future__ import annotations

from bot.i18n.translator import Translator


def never_mind(tr: Translator, data: str) -> list[tuple[str, str]]:
    """The row under a prompt: stop waiting for the answer, back to `data`'s screen."""
    return [("✕ " + tr.gettext("Never mind"), data)]
