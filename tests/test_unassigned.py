"""The unassigned queue (issue 15): a mail-opened claim has nobody; leads and agents see it
under /claims -> Unassigned; an agent takes it or a lead assigns it, and the new owner gets
the card at once. Agents see the queue (it is how they take work), never an unassigned
claim's card."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.domain.people import Role
from bot.handlers.context import ClaimContext
from bot.handlers.reminders import reminder_job
from bot.services import queue
from bot.services.mail import MailIntake, MailOutcome
from bot.views.buttons import ListButton
from tests.helpers import ADMIN, AGENT, LEAD, Chat, alerts, person, team, texts

SAMPLE = Path(__file__).parent.parent / "samples" / "claim-notice-en.eml"
ORDER = "113-5550123-4567890"


async def mailed(chat: Chat, clock: Any) -> None:
    """The team, and a claim opened by Amazon's mail: nobody has it yet."""
    await team(chat)
    services = chat.services
    await services.store.load()
    intake = MailIntake(services.storage, services.renderer, services.store, clock)
    result = await intake.process(SAMPLE.read_bytes(), "eml")
    assert result.outcome is MailOutcome.OPENED
    claim = await services.storage.claims.get(1)
    assert claim is not None
    assert claim.agent_id is None


def shown(chat: Chat, calls: list[Any], chat_id: int) -> list[str]:
    """What the person now reads: new messages and screens edited in place."""
    edited = [
        c.params["text"]
        for c in calls
        if c.method == "editMessageText" and int(c.params["chat_id"]) == chat_id
    ]
    return texts(calls, chat_id) + edited


async def open_queue(chat: Chat, user_id: int) -> list[Any]:
    await chat.send("/claims", user_id)
    assert "Unassigned (1)" in chat.labels(user_id)
    return await chat.press("Unassigned (1)", user_id)


async def test_an_agent_takes_a_mailed_claim_and_gets_the_card(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        calls = await open_queue(chat, AGENT)
        (screen,) = shown(chat, calls, AGENT)
        assert "Claims nobody has yet" in screen
        assert ORDER in screen
        assert chat.labels(AGENT)[0] == "Take #1"
        assert "Assign #1 to…" not in chat.labels(AGENT)  # leads only
        calls = await chat.press("Take #1", AGENT)
        assert any(ORDER in text and "Plan" in text for text in shown(chat, calls, AGENT))
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.agent_id == AGENT
        events = await chat.services.storage.events.for_claim(1)
        assert [(e.kind, e.actor_id) for e in events][-1] == ("claim_taken", AGENT)
        # Gone from the queue: /claims no longer offers it.
        await chat.send("/claims", AGENT)
        assert not any(label.startswith("Unassigned") for label in chat.labels(AGENT))


async def test_a_second_taker_is_told_who_took_it(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        await open_queue(chat, LEAD)
        await open_queue(chat, AGENT)
        await chat.press("Take #1", AGENT)
        calls = await chat.press("Take #1", LEAD)  # the lead's screen still offers it
        assert alerts(calls) == ["Anna took claim #1 first."]
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.agent_id == AGENT


async def test_two_takers_at_once_exactly_one_wins(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        storage = chat.services.storage
        agent, lead = await person(chat, AGENT), await person(chat, LEAD)
        now = clock()
        results = await asyncio.gather(
            queue.take(storage, 1, agent, now),
            queue.take(storage, 1, lead, now),
            return_exceptions=True,
        )
        lost = [r for r in results if isinstance(r, queue.AlreadyTakenError)]
        won = [r for r in results if not isinstance(r, BaseException)]
        assert len(won) == len(lost) == 1
        assert lost[0].owner is not None
        assert lost[0].owner.id == won[0].agent_id
        kinds = [e.kind for e in await storage.events.for_claim(1)]
        assert kinds.count("claim_taken") == 1


async def test_a_lead_assigns_it_and_the_agent_gets_the_card(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        await open_queue(chat, LEAD)
        await chat.press("Assign #1 to…", LEAD)
        assert chat.labels(LEAD) == ["Anna", "Back"]  # the active agents
        calls = await chat.press("Anna", LEAD)
        assert "Claim #1 is now Anna's." in texts(calls, LEAD)
        to_agent = texts(calls, AGENT)
        assert to_agent[0] == "Lead 50 gave you claim #1."
        assert ORDER in to_agent[1]
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.agent_id == AGENT
        events = await chat.services.storage.events.for_claim(1)
        assert (events[-1].kind, events[-1].actor_id) == ("claim_assigned", LEAD)


async def test_forged_and_old_queue_buttons_are_refused(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        await open_queue(chat, AGENT)
        refused = "That button is not valid any more."
        # An agent cannot open an unassigned claim's card: only the queue shows it.
        calls = await chat.press_data(ListButton(claim_id=1).data(), user_id=AGENT)
        assert alerts(calls) == [refused]
        # Agents do not assign.
        calls = await chat.press_data("w:a:1:60", user_id=AGENT)
        assert alerts(calls) != [""]
        # Nobody is assigned a claim that does not exist, nor to someone who is not an agent.
        await open_queue(chat, LEAD)
        assert alerts(await chat.press_data("w:a:9:60", user_id=LEAD)) == [refused]
        assert alerts(await chat.press_data("w:a:1:42", user_id=LEAD)) == [refused]
        assert alerts(await chat.press_data("w:t:9", user_id=LEAD)) == [refused]
        assert alerts(await chat.press_data("w:x:1", user_id=LEAD)) == [refused]
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.agent_id is None


async def test_an_unassigned_claims_reminders_go_to_the_leads(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        clock.now = claim.respond_by - timedelta(hours=23)
        before = len(chat.api.calls)
        await reminder_job(ClaimContext(chat.app))
        calls = chat.api.calls[before:]
        (to_lead,) = texts(calls, LEAD)
        assert "Unassigned" in to_lead
        assert ORDER in to_lead
        assert texts(calls, AGENT) == []


async def test_the_history_says_who_assigned_it_to_whom(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        await open_queue(chat, LEAD)
        await chat.press("Assign #1 to…", LEAD)
        await chat.press("Anna", LEAD)
        calls = await chat.send(f"/history {ORDER}", LEAD)
        (screen,) = texts(calls, LEAD)
        assert "Assigned from the unassigned queue" in screen
        assert "Anna" in screen


CAUTION = "Amazon's mail does not say who shipped this order"


async def test_the_fulfilment_caution_shows_until_confirmed_even_the_same(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        await open_queue(chat, AGENT)
        calls = await chat.press("Take #1", AGENT)
        (card,) = [t for t in shown(chat, calls, AGENT) if ORDER in t]
        assert CAUTION in card
        assert chat.labels(AGENT)[:2] == ["Seller-shipped (FBM)", "Fulfilled by Amazon (FBA)"]
        # Confirming the value it opened with (FBM) clears the caution all the same.
        calls = await chat.press("Seller-shipped (FBM)", AGENT)
        (card,) = [t for t in shown(chat, calls, AGENT) if ORDER in t]
        assert CAUTION not in card
        assert "Fulfilled by Amazon (FBA)" not in chat.labels(AGENT)
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.facts.fulfillment.value == "fbm"
        assert "fulfillment_unconfirmed" not in claim.facts.extra


async def test_confirming_fba_changes_the_plan_and_clears_the_caution(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await mailed(chat, clock)
        await open_queue(chat, AGENT)
        await chat.press("Take #1", AGENT)
        calls = await chat.press("Fulfilled by Amazon (FBA)", AGENT)
        (card,) = [t for t in shown(chat, calls, AGENT) if ORDER in t]
        assert CAUTION not in card
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        assert claim.facts.fulfillment.value == "fba"
        assert "fulfillment_unconfirmed" not in claim.facts.extra


async def test_round_robin_gives_mailed_claims_to_the_active_agents_in_turn(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await team(chat)
        admin = await person(chat, ADMIN)
        await chat.services.people.add(admin, 61, Role.AGENT, "Ben")
        # Switched in /settings, like the review switch.
        await chat.send("/settings", ADMIN)
        assert "the unassigned queue (/claims)" in texts(chat.api.calls, ADMIN)[-1]
        calls = await chat.press("Give mailed claims in turn", ADMIN)
        assert alerts(calls) == ["Saved."]
        assert "Queue mailed claims" in chat.labels(ADMIN)
        services = chat.services
        assert await services.store.round_robin()
        intake = MailIntake(services.storage, services.renderer, services.store, clock)
        raw = SAMPLE.read_bytes()
        owners = []
        for n in range(3):
            order = f"113-5550123-456789{n}"
            result = await intake.process(raw.replace(ORDER.encode(), order.encode()), "eml")
            assert result.outcome is MailOutcome.OPENED
            assert result.claim_id is not None
            claim = await services.storage.claims.get(result.claim_id)
            assert claim is not None
            owners.append(claim.agent_id)
        assert owners == [AGENT, 61, AGENT]
        assert await services.storage.claims.unassigned_count() == 0
        # Switched off again: the next one waits in the queue.
        await chat.send("/settings", ADMIN)
        await chat.press("Queue mailed claims", ADMIN)
        raw4 = raw.replace(ORDER.encode(), b"113-5550123-4567899")
        result = await intake.process(raw4, "eml")
        assert result.claim_id is not None
        claim = await services.storage.claims.get(result.claim_id)
        assert claim is not None
        assert claim.agent_id is None


async def test_round_robin_without_an_active_agent_leaves_it_in_the_queue(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await chat.send("/start", ADMIN)
        await chat.services.store.set_round_robin(True, await person(chat, ADMIN))
        services = chat.services
        intake = MailIntake(services.storage, services.renderer, services.store, clock)
        result = await intake.process(SAMPLE.read_bytes(), "eml")
        assert result.outcome is MailOutcome.OPENED
        assert await services.storage.claims.unassigned_count() == 1
