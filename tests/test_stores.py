"""Several stores on one team (issue 16): each claim belongs to a store, asked at /new when
there are several; its drafts are signed with its store's name, signature and gift."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.settings import Gift
from tests.helpers import ADMIN, ORDER, Chat, open_claim, person, stored_claim, texts


async def second_store(chat: Chat, name: str = "Beta Tools") -> int:
    admin = await person(chat, ADMIN)
    return await chat.services.store.add_store(name, admin)


async def test_one_store_asks_no_store_and_claims_are_store_1s(bot: Any) -> None:
    async with bot() as chat:
        asked = texts(await chat.send("/new"))
        assert asked[0].startswith("Which order is the claim about?")
        await chat.send("/cancel")
        await open_claim(chat)
        assert (await stored_claim(chat)).store_id == 1


async def test_several_stores_ask_the_store_first_and_drafts_are_signed_by_it(
    bot: Any,
) -> None:
    async with bot() as chat:
        store_id = await second_store(chat)
        admin = await person(chat, ADMIN)
        await chat.services.store.set_gift(store_id, "DE", "zwei Ersatzfilter | 5", admin)
        asked = await chat.send("/new")
        assert texts(asked) == ["Which store is the claim for? Tap it, or type its name."]
        assert chat.labels() == ["Acme Home", "Beta Tools"]
        pressed = await chat.press("Beta Tools")
        assert "Store: Beta Tools" in [c.params.get("text") for c in pressed]
        assert texts(pressed)[-1].startswith("Which order is the claim about?")
        await chat.send(ORDER)
        await chat.press("DE · Germany")
        await chat.press("Seller-shipped (FBM)")
        await chat.press("Damaged or defective")
        await chat.press("German")
        opened = await chat.press("Open the claim ▸")
        assert texts(opened)[-2].endswith("Ihr Team von Beta Tools")
        claim = await stored_claim(chat)
        assert claim.store_id == store_id
        journey = chat.services.journey
        assert journey.store_of(claim).gifts == {"DE": Gift("zwei Ersatzfilter", Decimal(5))}
        assert journey.store.name == "Acme Home"  # store 1 unchanged


async def test_the_store_can_be_typed_and_an_unknown_one_is_asked_again(bot: Any) -> None:
    async with bot() as chat:
        await second_store(chat)
        await chat.send("/new")
        unknown = await chat.send("Gamma")
        assert texts(unknown)[0].startswith("I do not know the store “Gamma”.")
        typed = await chat.send("  beta   TOOLS ")
        assert texts(typed)[0].startswith("Which order is the claim about?")
        await chat.send(ORDER)
        await chat.press("DE · Germany")
        await chat.press("Seller-shipped (FBM)")
        await chat.press("Damaged or defective")
        await chat.press("German")
        await chat.press("Open the claim ▸")
        assert (await stored_claim(chat)).store_id == 2
