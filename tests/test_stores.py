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
        shown = "\n".join(texts(opened))
        assert "Ihr Team von Beta Tools" in shown  # the draft, signed by the claim's store
        assert "Acme Home" not in shown
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


# --- /settings: the admin adds and sets up stores ----------------------------------------------
async def test_admin_adds_a_store_and_sets_it_up_in_settings(bot: Any) -> None:
    async with bot() as chat:
        screen = texts(await chat.send("/settings"))[0]
        assert "Marketplaces: —" in screen
        assert "Other stores" not in chat.labels()
        await chat.press("Add a store")
        unnamed = await chat.send("-")
        assert texts(unnamed)[0].startswith("A store needs a name")
        added = await chat.send("Beta Tools")
        assert "Store 2 of 2" in texts(added)[1]
        assert "Store name: Beta Tools" in texts(added)[1]
        await chat.press("Marketplaces")
        bad = await chat.send("DE XX")
        assert texts(bad)[0].startswith("I do not know the marketplace “XX”.")
        saved = await chat.send("fr, de amazon.it")
        assert "Marketplaces: DE FR IT" in texts(saved)[1]
        await chat.press("Mail addresses")
        saved = await chat.send("beta@example-store.test")
        assert "Amazon mails its notices to: beta@example-store.test" in texts(saved)[1]
        await chat.press("Gifts")
        assert chat.labels()[:3] == ["DE", "FR", "IT"]
        await chat.press("DE")
        saved = await chat.send("zwei Ersatzfilter | 5")
        assert "Gift in DE: zwei Ersatzfilter" in texts(saved)[1]
        await chat.press("Change the signature")
        await chat.send("Beta Kundenservice")
        service = chat.services.store
        beta = service.profile_of(2)
        assert (beta.name, beta.signature, beta.marketplaces) == (
            "Beta Tools",
            "Beta Kundenservice",
            ("DE", "FR", "IT"),
        )
        assert beta.gifts == {"DE": Gift("zwei Ersatzfilter", Decimal(5))}
        assert service.profile.name == "Acme Home"  # store 1 untouched
        # The picker leads back to store 1, whose address is not Beta's to take.
        await chat.press("Other stores")
        assert chat.labels() == ["Acme Home", "Beta Tools"]
        first = await chat.press("Acme Home")
        assert "Store 1 of 2" in [c.params["text"] for c in first if "text" in c.params][-1]
        await chat.press("Mail addresses")
        taken = await chat.send("BETA@example-store.test")
        assert texts(taken)[0].startswith(
            "beta@example-store.test already belongs to the store Beta Tools."
        )
        events = await chat.services.storage.db.fetchall(
            "SELECT payload FROM events WHERE kind = 'setting_changed' ORDER BY id"
        )
        assert '"store": 2' in events[0]["payload"]


async def test_a_forged_store_button_is_refused(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/settings")
        refused = await chat.press_data("s:store#9")
        assert refused
        assert not texts(refused)
