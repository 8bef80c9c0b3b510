"""What every screen of the claim card is made of: button rows, the data of a claim's buttons,
and the small text helpers other views use too (quotes, "label: value", money)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from babel.numbers import format_currency

from bot.domain.claims import Claim
from bot.domain.fields import MAX_CHAT_TEXT
from bot.i18n.translator import Translator
from bot.views.buttons import ClaimButton

# A keyboard: rows of (label, callback data); the chat layer turns them into Telegram markup.
Rows = list[list[tuple[str, str]]]
MAX_QUOTE: Final = 300
MAX_SCREEN: Final = MAX_CHAT_TEXT  # a screen longer than one message is sent, not edited in
URGENCY_MARK: Final = {"ok": "🟢", "soon": "🟡", "urgent": "🟠", "overdue": "🔴"}
CHECK: Final = ("☐", "☑")
NEW_MESSAGE: Final = "new"  # argument of "card": show it below instead of in place


def button_data(claim: Claim, action: str, arg: str | None = None) -> str:
    """The data of a button on one of the claim's screens, stamped with its revision."""
    return ClaimButton(claim.id, claim.revision, action, arg).data()


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def labelled(tr: Translator, label: str, value: str) -> str:
    """ "Label: value" with the punctuation of the agent's language ("标签：值")."""
    return tr.gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def money(tr: Translator, amount: str, currency: str | None) -> str:
    if currency is None:
        return amount
    return format_currency(Decimal(amount), currency, locale=tr.locale)
