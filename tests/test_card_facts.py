"""The card never contradicts the recorded facts (issue 14, part 5): the buyer contact is not
ticked without a message, a sent message can still be answered, a changed reason leaves no
stale cause, the refund caution ends with the refund, an overdue claim says what to do, and a
respond-by day is the end of that day however the notice words it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.claims import Cause, Claim, ClaimFacts, Fulfillment, Outcome, Reason, Stage, StepId
from bot.domain.deadlines import notice_clock
from bot.domain.drafts import DraftKind
from bot.domain.intake import IntakeAnswers
from bot.domain.journey import (
    awaits_reply,
    cause_applies,
    cautions,
    delay_cause_applies,
    skips_contact,
    step_done,
)
from bot.domain.notices import parse_notice
from bot.domain.playbook import NO_REFUND_FIRST
from tests.helpers import alerts, choose_delay, open_claim, stored_claim

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
BUYER_REPLIED = "💬 Buyer replied"
REFUND_CAUTION = "Do not refund yet."


def make(
    reason: Reason = Reason.DEFECTIVE,
    fulfillment: Fulfillment = Fulfillment.FBM,
    step: StepId = StepId.CONTACT_BUYER,
    **changes: Any,
) -> Claim:
    facts = ClaimFacts("303-1234567-7654321", "DE", fulfillment, reason, "de", NOW)
    claim = Claim(1, 42, facts, Stage.CONTACTING_BUYER, NOW + timedelta(hours=72), NOW, step=step)
    return replace(claim, **changes)


def card_of(calls: list[Any]) -> str:
    for call in reversed(calls):
        text = call.params.get("text", "")
        if call.method in ("sendMessage", "editMessageText") and "\nStage: " in text:
            return str(text)
    raise AssertionError(f"no card in {[c.method for c in calls]}")


# --- The rules --------------------------------------------------------------------------------
def test_moving_past_the_contact_needs_a_recorded_message() -> None:
    claim = make()
    assert skips_contact(claim, StepId.AWAIT_REPLY)
    assert skips_contact(claim, StepId.RESPOND_TO_AMAZON)
    assert not skips_contact(replace(claim, contacted_at=NOW), StepId.AWAIT_REPLY)
    # Up to the contact (the return check comes before it) is no skip.
    returned = make(Reason.RETURN_NOT_REFUNDED, step=StepId.CHECK_RETURN)
    assert not skips_contact(returned, StepId.CONTACT_BUYER)
    assert skips_contact(returned, StepId.REFUND_RETURN)


def test_the_contact_step_is_ticked_only_with_a_message() -> None:
    # The buyer's reply moved the claim on before the seller wrote: contact not done.
    replied = make(step=StepId.HANDLE_PRODUCT, replied_at=NOW)
    assert step_done(replied, 0)  # finding the cause
    assert not step_done(replied, 1)  # the contact
    assert step_done(replace(replied, contacted_at=NOW), 1)
    assert not step_done(replied, 3)  # the current step


def test_a_message_to_the_buyer_can_be_answered_at_any_step() -> None:
    sent = make(step=StepId.REQUEST_WITHDRAWAL, contacted_at=NOW, last_contact_at=NOW)
    assert awaits_reply(sent)
    assert awaits_reply(replace(sent, replied_at=NOW - timedelta(hours=1)))
    assert not awaits_reply(replace(sent, replied_at=NOW + timedelta(hours=1)))
    assert not awaits_reply(make(step=StepId.REQUEST_WITHDRAWAL))
    assert not awaits_reply(replace(sent, closed_at=NOW, outcome=Outcome.WITHDRAWN))


def test_a_cause_applies_only_where_the_plan_uses_it() -> None:
    found = make(step=StepId.HANDLE_PRODUCT, cause=Cause.USAGE)
    assert cause_applies(found)
    moved = replace(found, facts=replace(found.facts, reason=Reason.NOT_RECEIVED))
    assert not cause_applies(moved)  # the delivery plan acts on no reply cause
    delivery = make(step=StepId.HANDLE_PRODUCT, cause=Cause.DELIVERY)
    assert not cause_applies(
        replace(delivery, facts=replace(delivery.facts, fulfillment=Fulfillment.FBA))
    )
    assert delay_cause_applies(make(Reason.LATE_DELIVERY))
    assert not delay_cause_applies(make(Reason.DEFECTIVE))
    assert not delay_cause_applies(make(Reason.LATE_DELIVERY, Fulfillment.FBA))


def test_the_refund_caution_ends_with_a_refund_or_an_outcome() -> None:
    claim = make()
    assert NO_REFUND_FIRST in cautions(claim, frozenset())
    assert NO_REFUND_FIRST in cautions(claim, frozenset({DraftKind.INQUIRY}))
    assert NO_REFUND_FIRST not in cautions(claim, frozenset({DraftKind.REFUND}))
    closed = replace(claim, outcome=Outcome.DENIED, closed_at=NOW)
    assert NO_REFUND_FIRST not in cautions(closed, frozenset())


def test_a_respond_by_day_ends_at_its_last_second_whatever_the_filing_date() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    started = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    # Filed on the 3rd, respond by the 6th: Amazon's date, not filed + 72 h (the 6th, 00:00).
    _notified, deadline = notice_clock(
        started, "Europe/Berlin", filed_on=date(2026, 12, 3), respond_by=date(2026, 12, 6)
    )
    assert deadline is not None
    assert deadline.astimezone(berlin) == datetime(2026, 12, 6, 23, 59, 59, tzinfo=berlin)
    # The same day alone gives the same deadline.
    _notified, alone = notice_clock(started, "Europe/Berlin", respond_by=date(2026, 12, 6))
    assert alone == deadline
    # A filing date alone still counts 72 hours from the start of that day.
    _notified, filed = notice_clock(started, "Europe/Berlin", filed_on=date(2026, 12, 3))
    assert filed == datetime(2026, 12, 5, 23, 0, tzinfo=UTC)


def _deadline_of(notice: str, market: str) -> datetime:
    started = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    answers = IntakeAnswers(started_at=started).with_notice(parse_notice(notice))
    answers = answers.but(
        marketplace=market, fulfillment=Fulfillment.FBM, reason=Reason.NOT_RECEIVED
    )
    answers = answers.but(language="de" if market == "DE" else "en")
    _facts, deadline = answers.to_claim()
    assert deadline is not None
    return deadline


def test_german_and_english_notices_give_the_end_of_the_respond_by_day() -> None:
    german = (
        "Bestellnummer: 305-1234567-7654321\n"
        "Antrag eingereicht am: Donnerstag, 3. Dezember 2026\n"
        "Bitte antworten Sie bis zum 6. Dezember 2026 über Seller Central.\n"
    )
    english = (
        "Order ID: 205-1234567-7654321\n"
        "Claim filed on: 1 December 2026\n"
        "Please respond by 4 December 2026.\n"
    )
    de = _deadline_of(german, "DE").astimezone(ZoneInfo("Europe/Berlin"))
    uk = _deadline_of(english, "UK").astimezone(ZoneInfo("Europe/London"))
    assert (de.day, de.time().isoformat()) == (6, "23:59:59")
    assert (uk.day, uk.time().isoformat()) == (4, "23:59:59")


# --- The card ---------------------------------------------------------------------------------
async def test_next_step_does_not_tick_the_contact_without_a_message(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        calls = await chat.press("Next step ▸")
        (alert,) = alerts(calls)
        assert alert.startswith("No message to the buyer is recorded yet: mark the first message")
        claim = await stored_claim(chat)
        assert claim.step is StepId.CONTACT_BUYER
        # Once the first message is marked sent, the contact is ticked.
        calls = await chat.press("✓ Mark as sent")
        card = card_of(calls)
        assert "✓ 2. Contact the buyer" in card
        assert "No message to the buyer is recorded yet." not in card


async def test_a_buyer_who_wrote_first_does_not_tick_the_contact(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press(BUYER_REPLIED)
        calls = await chat.send("Das Gerät ist kaputt.")
        card = card_of(calls)
        assert "No message to the buyer is recorded yet." in card
        assert "· 2. Contact the buyer" in card
        assert "✓ 2. Contact the buyer" not in card


async def test_usage_help_sent_still_offers_buyer_replied(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, reason="Not as described")
        await chat.press("✓ Mark as sent")
        await chat.press(BUYER_REPLIED)
        await chat.send("Wie stelle ich die Uhr ein?")
        await chat.press("Does not know how to use it")
        await chat.press("✉ Usage help")
        await chat.send("1. Taste MODE halten.\n2. Uhrzeit einstellen.")
        calls = await chat.press("✓ Mark as sent")
        assert "→ 5. Once the buyer confirms the problem is solved" in card_of(calls)
        assert BUYER_REPLIED in chat.labels()
        clock.advance(hours=3)
        await chat.press(BUYER_REPLIED)
        calls = await chat.send("Danke, jetzt geht es.")
        card = card_of(calls)
        assert "“Danke, jetzt geht es.”" in card
        assert "The buyer wrote: answer by" in card
        assert BUYER_REPLIED not in chat.labels()  # answered: nothing waits for a reply


async def test_a_seller_shipped_delay_message_sent_still_offers_buyer_replied(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, reason="Item not received")
        await chat.press("✓ Mark as sent")
        await choose_delay(chat)  # then the gift, asked first: none is configured
        await chat.send("zwei Ersatzfilter")
        await chat.press("✓ Mark as sent")
        assert BUYER_REPLIED in chat.labels()
        await chat.press(BUYER_REPLIED)
        calls = await chat.send("Das Paket ist angekommen, danke!")
        assert "“Das Paket ist angekommen, danke!”" in card_of(calls)


async def test_changing_the_reason_clears_a_cause_that_no_longer_applies(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("✓ Mark as sent")
        await chat.press(BUYER_REPLIED)
        await chat.send("Geht nicht an.")
        calls = await chat.press("Really defective")
        assert "Cause found: Really defective" in card_of(calls)
        await chat.press("Facts")
        await chat.press("Reason")
        calls = await chat.press("Item not received")
        card = card_of(calls)
        assert "Cause found" not in card
        assert (await stored_claim(chat)).cause is None


async def test_changing_the_reason_clears_the_delay_cause(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, reason="Item not received")
        await chat.press("✓ Mark as sent")
        await chat.press("Cause of the delay")
        await chat.press("Customs")
        calls = await chat.press("◂ Back to the claim")  # what happens now: not chosen yet
        assert "Cause of the delay: Customs" in card_of(calls)
        await chat.press("Facts")
        await chat.press("Reason")
        calls = await chat.press("Damaged or defective")
        assert "Cause of the delay" not in card_of(calls)
        claim = await stored_claim(chat)
        assert "delay_cause" not in claim.facts.extra
        events = await chat.services.storage.events.for_claim(1)
        assert events[-1].payload["delay_cause"] == ""  # said, without the facts themselves
        assert "extra" not in events[-1].payload


async def test_the_refund_caution_goes_once_a_refund_is_sent(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        calls = await chat.press("✓ Mark as sent")
        assert REFUND_CAUTION in card_of(calls)
        await chat.press(BUYER_REPLIED)
        await chat.send("Geht nicht an.")
        await chat.press("Really defective")
        await chat.press("✉ Refund offer")
        calls = await chat.press("✓ Mark as sent")
        card = card_of(calls)
        assert "→ 5. Once the buyer confirms the problem is solved" in card
        assert REFUND_CAUTION not in card


async def test_an_overdue_claim_says_what_to_do_now(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("✓ Mark as sent")
        clock.advance(hours=80)
        await chat.press("Facts")
        calls = await chat.press("◂ Back to the claim")
        card = card_of(calls)
        assert "Overdue by" in card
        assert "Amazon may now decide without your side: respond at once with what you have." in (
            card
        )
        assert "Seller Central (Performance → A-to-z Guarantee claims" in card
        labels = chat.labels()
        assert labels[0] == "✉ Statement to Amazon"
        calls = await chat.press("✉ Statement to Amazon")
        assert "Statement to Amazon, version 1" in str([c.params for c in calls])


def test_a_respond_by_day_without_a_year_takes_the_notice_s_year() -> None:
    german = (
        "Bestellnummer: 305-1234567-7654321\n"
        "Antrag eingereicht am: 3. Dezember 2026\n"
        "Bitte antworten Sie bis zum 6. Dezember.\n"
    )
    de = _deadline_of(german, "DE").astimezone(ZoneInfo("Europe/Berlin"))
    assert de.replace(tzinfo=None) == datetime(2026, 12, 6, 23, 59, 59)
    # Filed at the end of December, answered in January: next year's day.
    notice = parse_notice(
        "Order ID: 205-1234567-7654321\nClaim filed on: December 30, 2026\n"
        "Please respond by January 2.\n"
    )
    assert (notice.filed_on, notice.respond_by) == (date(2026, 12, 30), date(2027, 1, 2))
    # Without any dated day the year is unknown: nothing is guessed.
    assert parse_notice("Order 205-1234567-7654321: respond by January 2.").respond_by is None
