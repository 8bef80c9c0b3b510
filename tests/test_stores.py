"""Several stores on one team (issue 16): each claim belongs to a store, asked at /new when
there are several; its drafts are signed with its store's name, signature and gift."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.claims import Claim
from bot.domain.mail import read_mail
from bot.domain.stores import store_for_recipients
from bot.services.mail import MailIntake, MailOutcome
from bot.settings import Gift
from bot.views.buttons import ListButton
from tests.helpers import (
    ADMIN,
    AGENT,
    ORDER,
    Chat,
    open_claim,
    person,
    stored_claim,
    team,
    texts,
)


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


# --- The mail intake: the store by the notice's recipient address ---------------------------
SAMPLE = Path(__file__).parent.parent / "samples" / "claim-notice-en.eml"  # To: support@...
MAILED_ORDER = "113-5550123-4567890"
NOT_CONFIRMED = "Store not confirmed"


async def mail_in(chat: Chat, clock: Any, raw: bytes | None = None) -> Claim:
    services = chat.services
    intake = MailIntake(services.storage, services.renderer, services.store, clock)
    result = await intake.process(raw or SAMPLE.read_bytes(), "eml")
    assert result.outcome is MailOutcome.OPENED
    return await stored_claim(chat)


async def test_a_mail_goes_to_the_store_that_lists_its_recipient(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        store_id = await second_store(chat)
        admin = await person(chat, ADMIN)
        await chat.services.store.set_mail_addresses(
            store_id, "beta@example-store.test, Support@Example-Store.test", admin
        )
        claim = await mail_in(chat, clock)
        assert claim.store_id == store_id
        assert "store_unconfirmed" not in claim.facts.extra
        await chat.send("/claims")
        card = shown(await chat.press_data(ListButton(claim_id=claim.id).data()), ADMIN)
        assert any("Store: Beta Tools" in t and NOT_CONFIRMED not in t for t in card)


async def test_one_store_takes_every_mail_without_a_caution(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        claim = await mail_in(chat, clock)
        assert claim.store_id == 1
        assert "store_unconfirmed" not in claim.facts.extra


async def test_several_stores_and_no_address_matching_go_to_store_1_until_confirmed(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await second_store(chat)
        claim = await mail_in(chat, clock)
        assert claim.store_id == 1
        await team(chat)
        await chat.send("/claims", AGENT)
        await chat.press("Unassigned (1)", AGENT)
        calls = await chat.press("Take #1", AGENT)
        (card,) = [t for t in shown(calls, AGENT) if MAILED_ORDER in t]
        assert NOT_CONFIRMED in card
        assert "Store: Acme Home" in card
        assert chat.labels(AGENT)[:2] == ["Acme Home", "Beta Tools"]
        calls = await chat.press("Beta Tools", AGENT)
        (card,) = [t for t in shown(calls, AGENT) if MAILED_ORDER in t]
        assert NOT_CONFIRMED not in card
        assert "Store: Beta Tools" in card
        assert "Beta Tools" not in chat.labels(AGENT)
        claim = await stored_claim(chat)
        assert claim.store_id == 2
        assert "store_unconfirmed" not in claim.facts.extra


def shown(calls: list[Any], chat_id: int) -> list[str]:
    edited = [
        c.params["text"]
        for c in calls
        if c.method == "editMessageText" and int(c.params["chat_id"]) == chat_id
    ]
    return texts(calls, chat_id) + edited


def test_recipients_are_read_from_to_cc_and_a_forwarded_mail() -> None:
    raw = (
        b"From: me@example.test\r\nTo: Ops <OPS@example.test>, b@example.test\r\n"
        b"Cc: c@example.test\r\nSubject: x\r\n\r\nhello\r\n"
    )
    assert read_mail(raw).recipients == ("ops@example.test", "b@example.test", "c@example.test")


def test_store_for_recipients() -> None:
    stores = {1: ("a@x.test",), 2: ("b@x.test",)}
    assert store_for_recipients(["B@x.test"], stores) == (2, True)
    assert store_for_recipients(["z@x.test"], stores) == (1, False)
    assert store_for_recipients(["z@x.test"], {1: ()}) == (1, True)
