"""People limited to stores (issue 16): an admin gives a person their stores in /users; a
limited person sees and is given only those stores' claims (the queue, Take it, Assign to…,
round-robin, /claims, /due and every card button), whatever button they press."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.claims import Claim
from bot.domain.people import NotAllowedError, Role
from bot.services.mail import MailIntake, MailOutcome
from bot.services.people import PeopleError
from bot.views.buttons import ListButton, PeopleButton
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    LEAD2,
    Chat,
    alerts,
    old_screen,
    person,
    stored_claim,
    team,
    texts,
)

SAMPLE = Path(__file__).parent.parent / "samples" / "claim-notice-en.eml"  # To: support@...
MAILED_ORDER = "113-5550123-4567890"
REFUSED = "That button is not valid any more."
BEN, CARA = 61, 62


async def two_stores(chat: Chat) -> None:
    """The team (Anna the agent, two leads), Ben and Cara (agents), and a second store whose
    address is the sample notice's: a mail to it is store 2's."""
    await team(chat)
    admin = await person(chat, ADMIN)
    chat.names.update({BEN: "Ben", CARA: "Cara"})
    await chat.services.people.add(admin, BEN, Role.AGENT, "Ben")
    await chat.services.people.add(admin, CARA, Role.AGENT, "Cara")
    await chat.services.store.add_store("Beta Tools", admin)


async def limit(chat: Chat, user_id: int, *stores: int) -> None:
    """Give the person exactly `stores` (the service behind /users' Stores screen)."""
    admin = await person(chat, ADMIN)
    people = chat.services.people
    known = frozenset(chat.services.store.stores)
    for store_id in sorted(known - set(stores)):
        await people.toggle_store(admin, user_id, store_id, known)


async def mail_in(chat: Chat, clock: Any, order: str, store_id: int) -> Claim:
    """A claim notice about `order` mailed to store `store_id` (by its address)."""
    services = chat.services
    admin = await person(chat, ADMIN)
    for sid in services.store.stores:
        await services.store.set_mail_addresses(sid, "-", admin)
    await services.store.set_mail_addresses(store_id, "support@example-store.test", admin)
    intake = MailIntake(services.storage, services.renderer, services.store, clock)
    raw = SAMPLE.read_bytes().replace(MAILED_ORDER.encode(), order.encode())
    result = await intake.process(raw, "eml")
    assert result.outcome is MailOutcome.OPENED
    assert result.claim_id is not None
    claim = await services.storage.claims.get(result.claim_id)
    assert claim is not None
    assert claim.store_id == store_id
    return claim


def shown(calls: list[Any], chat_id: int) -> list[str]:
    edited = [
        c.params["text"]
        for c in calls
        if c.method == "editMessageText" and int(c.params["chat_id"]) == chat_id
    ]
    return texts(calls, chat_id) + edited


# --- /users: the admin gives a person their stores --------------------------------------------
async def test_admin_ticks_a_persons_stores_in_users(bot: Any) -> None:
    async with bot() as chat:
        await two_stores(chat)
        await chat.send("/users")
        calls = await chat.press("Anna · agent")
        assert any("Stores: all" in t for t in shown(calls, ADMIN))
        await chat.press("Stores")
        assert chat.labels() == ["☑ Acme Home", "☑ Beta Tools", "◂ Back"]
        await chat.press("☑ Acme Home")
        assert chat.labels() == ["☐ Acme Home", "☑ Beta Tools", "◂ Back"]
        assert (await person(chat, AGENT)).stores == {2}
        # Nobody is left without a store.
        calls = await chat.press("☑ Beta Tools")
        assert alerts(calls) == ["A person works for at least one store: tick another one first."]
        assert (await person(chat, AGENT)).stores == {2}
        calls = await chat.press("◂ Back")
        assert any("Stores: Beta Tools" in t for t in shown(calls, ADMIN))
        # Every store ticked again: stored as none, which means every store.
        await chat.press("Stores")
        await chat.press("☐ Acme Home")
        assert (await person(chat, AGENT)).stores == frozenset()
        rows = await chat.services.storage.db.fetchall(
            "SELECT actor_id, payload FROM events WHERE kind = 'user_stores_changed' ORDER BY id"
        )
        assert {row["actor_id"] for row in rows} == {ADMIN}
        changed = [json.loads(row["payload"]) for row in rows]
        assert {"user": AGENT, "from": [], "to": [2]} in changed
        assert {"user": AGENT, "from": [2], "to": []} in changed


async def test_one_store_shows_no_stores_button_and_forged_ones_are_refused(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        await chat.send("/users")
        calls = await chat.press("Anna · agent")
        assert not any("Stores" in t for t in shown(calls, ADMIN))
        assert "Stores" not in chat.labels()
        calls = await chat.press_data(PeopleButton("stores", AGENT).data())
        assert alerts(calls) == [REFUSED]
        calls = await chat.press_data(PeopleButton("store", AGENT, "1").data())
        assert alerts(calls) == [REFUSED]
        await chat.services.store.add_store("Beta Tools", await person(chat, ADMIN))
        calls = await chat.press_data(PeopleButton("store", AGENT, "9").data())
        assert alerts(calls) == [REFUSED]
        assert (await person(chat, AGENT)).stores == frozenset()
        # Only admins manage people.
        calls = await chat.press_data(
            PeopleButton("store", AGENT, "1").data(), old_screen(LEAD), user_id=LEAD
        )
        assert alerts(calls) != [""]
        assert (await person(chat, AGENT)).stores == frozenset()


# --- Card access ------------------------------------------------------------------------------
async def test_a_claim_of_another_store_is_refused_even_by_a_forged_button(bot: Any) -> None:
    async with bot() as chat:
        await two_stores(chat)
        opened = await open_claim_in(chat, AGENT, "Acme Home")
        assert any("Store: Acme Home" in t for t in shown(opened, AGENT))
        card = chat.last_keyboard(AGENT)
        await limit(chat, AGENT, 2)
        # The claim's buttons stop working for her, the card and a card action alike.
        calls = await chat.press_data(ListButton(claim_id=1).data(), user_id=AGENT)
        assert alerts(calls) == [REFUSED]
        any_action = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        calls = await chat.press_data(any_action, card, user_id=AGENT)
        assert alerts(calls)
        assert alerts(calls)[0] in (
            REFUSED,
            "Your role does not allow that. Ask your team's admin if you need it.",
        )
        # /claims and /due no longer list it.
        listed = texts(await chat.send("/claims", AGENT))
        assert not any(MAILED_ORDER in t or "303-1234567-7654321" in t for t in listed)
        # A lead limited to store 2 is refused too; one with every store sees it.
        await limit(chat, LEAD, 2)
        calls = await chat.press_data(ListButton(claim_id=1).data(), old_screen(LEAD), user_id=LEAD)
        assert alerts(calls) == [REFUSED]
        calls = await chat.press_data(
            ListButton(claim_id=1).data(), old_screen(ADMIN), user_id=ADMIN
        )
        assert alerts(calls) == [""]


async def open_claim_in(chat: Chat, user_id: int, store: str) -> list[Any]:
    """/new in `store` (the question asked first when there are several)."""
    await chat.send("/new", user_id)
    await chat.press(store, user_id)
    await chat.send("303-1234567-7654321", user_id)
    await chat.press("DE · Germany", user_id)
    await chat.press("Seller-shipped (FBM)", user_id)
    await chat.press("Damaged or defective", user_id)
    await chat.press("German", user_id)
    return await chat.press("Open the claim ▸", user_id)


# --- The unassigned queue ---------------------------------------------------------------------
async def test_the_queue_take_and_assign_follow_the_stores(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await two_stores(chat)
        await mail_in(chat, clock, "113-5550123-4567891", 1)
        await mail_in(chat, clock, "113-5550123-4567892", 2)
        await limit(chat, AGENT, 2)  # Anna: store 2 only
        await limit(chat, CARA, 1)  # Cara: store 1 only; Ben: every store
        # Anna's queue holds store 2's claim only.
        await chat.send("/claims", AGENT)
        assert "Unassigned (1)" in chat.labels(AGENT)
        calls = await chat.press("Unassigned (1)", AGENT)
        (screen,) = shown(calls, AGENT)
        assert "113-5550123-4567892" in screen
        assert "113-5550123-4567891" not in screen
        assert "Take #1" not in chat.labels(AGENT)
        # A forged Take of store 1's claim is refused, and the claim stays in the queue.
        calls = await chat.press_data("w:t:1", user_id=AGENT)
        assert alerts(calls) == [REFUSED]
        assert (await stored_claim(chat)).agent_id is None
        # Assign to… offers only the agents who work for the claim's store.
        await chat.send("/claims", LEAD)
        await chat.press("Unassigned (2)", LEAD)
        await chat.press("Assign #1 to…", LEAD)
        assert chat.labels(LEAD) == ["Ben", "Cara", "Back"]
        await chat.send("/claims", LEAD)
        await chat.press("Unassigned (2)", LEAD)
        await chat.press("Assign #2 to…", LEAD)
        assert chat.labels(LEAD) == ["Anna", "Ben", "Back"]
        # Forged: store 1's claim to Anna (store 2 only) is refused.
        calls = await chat.press_data(f"w:a:1:{AGENT}", old_screen(LEAD), user_id=LEAD)
        assert alerts(calls) == [REFUSED]
        assert (await stored_claim(chat)).agent_id is None
        calls = await chat.press("Anna", LEAD)
        assert "Claim #2 is now Anna's." in texts(calls, LEAD)


async def test_round_robin_skips_agents_not_working_for_the_claims_store(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await two_stores(chat)
        await limit(chat, AGENT, 2)  # Anna (60): store 2 only
        await limit(chat, CARA, 1)  # Cara (62): store 1 only; Ben (61): every store
        services = chat.services
        await services.store.set_round_robin(True, await person(chat, ADMIN))
        owners = []
        for n, store_id in enumerate([1, 1, 1, 2, 2, 2]):
            claim = await mail_in(chat, clock, f"113-5550123-456780{n}", store_id)
            owners.append(claim.agent_id)
        # Store 1 goes round Ben and Cara; store 2 round Anna and Ben, never Cara.
        assert owners[:3] == [BEN, CARA, BEN]
        assert CARA not in owners[3:]
        assert set(owners[3:]) == {AGENT, BEN}


# --- Lists ------------------------------------------------------------------------------------
async def test_claims_and_due_list_only_the_persons_stores(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await two_stores(chat)
        await mail_in(chat, clock, "113-5550123-4567891", 1)
        await mail_in(chat, clock, "113-5550123-4567892", 2)
        await limit(chat, LEAD, 2)
        due = "\n".join(texts(await chat.send("/due", LEAD)))
        assert "113-5550123-4567892" in due
        assert "113-5550123-4567891" not in due
        due = "\n".join(texts(await chat.send("/due", ADMIN)))
        assert "113-5550123-4567891" in due
        assert "113-5550123-4567892" in due
        await chat.send("/claims", LEAD)
        assert "Unassigned (1)" in chat.labels(LEAD)


async def test_claims_are_handed_only_to_someone_who_works_for_their_stores(bot: Any) -> None:
    """Hand their open claims to…: a person limited to stores takes them only when every claim
    is of their stores; else nothing moves and the admin is told why."""
    async with bot() as chat:
        await two_stores(chat)
        await open_claim_in(chat, AGENT, "Acme Home")
        await limit(chat, BEN, 2)
        admin = await person(chat, ADMIN)
        people = chat.services.people
        with pytest.raises(PeopleError, match="target_stores"):
            await people.reassign(admin, AGENT, BEN)
        assert (await stored_claim(chat)).agent_id == AGENT  # nothing moved
        assert await people.reassign(admin, AGENT, CARA) == [1]  # Cara works for every store
        assert (await stored_claim(chat)).agent_id == CARA
        # Through /users (Ben still works for store 2 only), the refusal is said in words.
        calls = await chat.press_data(
            PeopleButton("to", CARA, str(BEN)).data(), old_screen(ADMIN), user_id=ADMIN
        )
        said = texts(calls, ADMIN) + alerts(calls)
        assert any("does not work for the stores of all these claims" in t for t in said), said
        assert (await stored_claim(chat)).agent_id == CARA


async def test_a_lead_limited_to_stores_reviews_only_their_stores_drafts(bot: Any) -> None:
    """/queue lists only the lead's stores' drafts, and a decision on another store's draft
    (an old card, a forged button) is refused; a lead with every store decides it."""
    async with bot() as chat:
        await two_stores(chat)
        await open_claim_in(chat, AGENT, "Acme Home")  # store 1
        await chat.press("📤 Submit for review", AGENT)
        waiting = texts(await chat.send("/queue", LEAD2))  # a lead of every store: it waits
        assert any("303-1234567-7654321" in t for t in waiting), waiting
        await limit(chat, LEAD, 2)
        queue = texts(await chat.send("/queue", LEAD))
        assert not any("303-1234567-7654321" in t for t in queue), queue
        lead = await person(chat, LEAD)
        with pytest.raises(NotAllowedError):
            await chat.services.reviews.approve(1, lead)
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status.value == "pending"
        calls = await chat.press_data("r:1:ok", old_screen(LEAD), user_id=LEAD)
        assert alerts(calls) == [
            "Your role does not allow that. Ask your team's admin if you need it."
        ]
        lead2 = await person(chat, LEAD2)
        approved = await chat.services.reviews.approve(1, lead2)
        assert approved.review.status.value == "approved"
