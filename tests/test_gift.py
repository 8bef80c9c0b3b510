"""The goodwill gift is never a "[GIFT]" gap in a draft: without one for the marketplace, the
draft that offers it asks for it first; a gift typed on the claim is used as it is."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from bot.settings import Gift, Settings
from tests.helpers import Chat, choose_delay, open_claim, texts


async def to_the_delay_step(chat: Chat) -> None:
    """Claim #1 at the delivery step, the cause of the delay and what happens now chosen."""
    await open_claim(chat, reason="Delivered late")
    await chat.press("✓ Mark as sent")
    await choose_delay(chat)
    await chat.press("◂ Back to the claim")


async def test_without_a_store_gift_the_gift_is_asked_and_used(bot: Any) -> None:
    async with bot() as chat:
        await to_the_delay_step(chat)
        calls = await chat.press("✉ Delivery delay: apology, cause and gift")
        assert texts(calls)[-1].startswith("Claim #1: Send the goodwill gift")
        assert await chat.services.storage.drafts.latest(1, "gift_offer") is None
        header, body = texts(await chat.send("einen Gutschein über 5 EUR"))
        assert "einen Gutschein über 5 EUR" in body
        assert "[GIFT]" not in body
        assert "⛔" not in header
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.facts.extra["gift"] == "einen Gutschein über 5 EUR"
        # The gift is a fact of the claim from now on: listed, and asked no more.
        await chat.press("◂ Back to the claim")
        menu = chat.last_keyboard()
        labels = [b["text"] for row in menu["reply_markup"]["inline_keyboard"] for b in row]
        facts = next(label for label in labels if label.startswith("Facts"))
        shown = await chat.press(facts)
        buttons = [
            b["text"]
            for call in shown
            if "reply_markup" in call.params
            for row in call.params["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        assert "Goodwill gift: einen Gutschein über 5 …" in buttons
        await chat.press("◂ Back to the claim")
        calls = await chat.press("✉ Delivery delay: apology, cause and gift")
        assert "einen Gutschein über 5 EUR" in texts(calls)[1]


async def test_the_stores_gift_for_the_marketplace_is_not_asked(
    bot: Any, settings: Settings
) -> None:
    gifts = {"DE": Gift("zwei Ersatzfilter", Decimal(5))}
    configured = replace(settings, store=replace(settings.store, gifts=gifts))
    async with bot(settings_=configured) as chat:
        await to_the_delay_step(chat)
        header, body = texts(await chat.press("✉ Delivery delay: apology, cause and gift"))
        assert "Delivery delay: apology, cause and gift, version 1, in German" in header
        assert "zwei Ersatzfilter" in body
