"""The claim journey end to end through the real Application: every branch of
`shared/domain.md`, each with a restart in the middle, the refund-first guard, the evidence
checklist, outcomes, and bad or stale input on the way."""

from __future__ import annotations

from typing import Any

from bot.domain.claims import Cause, Evidence, Outcome, Stage
from tests.helpers import (
    ADMIN,
    ORDER,
    STICKER,
    alerts,
    button_data,
    open_claim,
    stored_claim,
    texts,
)


def screen(calls: list[Any]) -> str:
    """The text of the newest screen among the calls: edited in place or sent."""
    for call in reversed(calls):
        if call.method in ("sendMessage", "editMessageText") and "text" in call.params:
            return str(call.params["text"])
    raise AssertionError("no screen")


def card_of(calls: list[Any]) -> str:
    """The newest claim card among the calls (sent or edited in place)."""
    for call in reversed(calls):
        text = call.params.get("text", "")
        is_screen = call.method in ("sendMessage", "editMessageText")
        if is_screen and "\nStage: " in text and "Claim #" in text:
            # A note (the claim opened, a message marked as sent) may come above the card.
            return (
                str(text[text.index("Claim #") :])
                if text.startswith("Claim #")
                else (str(text.split("\n\n", 1)[1]))
            )
    raise AssertionError(f"no card in {[c.method for c in calls]}")


async def test_product_branch_contact_follow_up_reply_replacement_withdrawal_outcome(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        calls = await open_claim(chat)
        card = card_of(calls)
        assert "Stage: Contacting the buyer" in card
        assert "Plan (step 2 of 7):" in card
        assert "No message to the buyer is recorded yet." in card
        sent = texts(calls)
        # Header with what it says in English, then the German text alone, with the buttons.
        shown, body = sent[-2:]
        header, preview = shown.split("\n\n", 1)
        assert "First contact: apology and question, version 1, in German." in header
        assert body.startswith("Guten Tag,")
        assert preview.startswith("What it says, in English (for you, not for sending):")
        assert "We are sorry" in preview
        assert chat.labels() == ["✓ Mark as sent", "✎ Edit", "◂ Back to the claim"]

        calls = await chat.press("✓ Mark as sent")
        assert "Marked as sent." in alerts(calls)
        card = card_of(calls)
        assert "Stage: Waiting for the buyer's reply" in card
        assert "→ 3. Wait for the buyer's reply" in card
        assert "No answer by" in card
        assert "✉ Follow-up" not in chat.labels()
        current = await stored_claim(chat)
        assert current.contacted_at == clock.now
        assert current.stage is Stage.AWAITING_REPLY

        api = chat.api
    # A day passes with the bot restarted: the follow-up is offered.
    clock.advance(hours=24, minutes=1)
    async with bot(api=api) as chat:
        calls = await chat.send("/claims")
        (listing,) = texts(calls)
        assert "#1 · 303-1234567-7654321 · DE · Damaged or defective" in listing
        calls = await chat.press(chat.labels()[0])
        assert "24 hours without an answer" in card_of(calls)
        calls = await chat.press("✉ Follow-up")
        assert texts(calls)[1].startswith("Guten Tag,")
        await chat.press("✓ Mark as sent")
        assert (await stored_claim(chat)).stage is Stage.AWAITING_REPLY  # still waiting

        calls = await chat.press("💬 Buyer replied")
        assert texts(calls)[-1].startswith("Claim #1: Paste the buyer's reply")
        api = chat.api
    # Restart while the bot waits for the reply: the question is still open.
    async with bot(api=api) as chat:
        calls = await chat.send("Das Gerät geht nach einer Minute aus.")
        card = card_of(calls)
        assert "The buyer's reply: “Das Gerät geht nach einer Minute aus.”" in card
        assert "What did the buyer's reply show? Pick the cause." in card
        assert chat.labels()[:4] == [
            "Does not know how to use it",
            "Really defective",
            "Delivery problem",
            "Something else",
        ]
        calls = await chat.press("Really defective")
        assert "Cause found: Really defective" in card_of(calls)
        assert (await stored_claim(chat)).cause is Cause.DEFECTIVE
        calls = await chat.press("✉ Replacement offer")
        assert "Replacement offer, version 1, in German" in texts(calls)[0]
        calls = await chat.press("✓ Mark as sent")
        card = card_of(calls)
        assert "→ 5. Once the buyer confirms the problem is solved" in card
        # Not before the buyer confirms: the request would say something untrue.
        assert "✉ Request to withdraw the claim" not in chat.labels()
        await chat.press("✅ Buyer confirms it is solved")
        calls = await chat.press("✉ Request to withdraw the claim")
        await chat.press("✓ Mark as sent")
        current = await stored_claim(chat)
        assert current.step == "respond_to_amazon"
        assert current.stage is Stage.AWAITING_AMAZON

        await chat.press("Outcome")
        calls = await chat.press("Withdrawn by the buyer")
        assert screen(calls) == (
            "Record “Withdrawn by the buyer” and close claim #1?\n"
            "ODR: this claim does not count against your Order Defect Rate."
        )
        calls = await chat.press("✓ Confirm")
        card = card_of(calls)
        assert "Closed: Withdrawn by the buyer." in card
        assert "Stage: Closed" in card
        current = await stored_claim(chat)
        assert current.outcome is Outcome.WITHDRAWN
        assert current.is_closed
        # A button of the closed claim answers clearly and changes nothing.
        draft_buttons = [m for m in chat.keyboards() if "Mark as sent" in str(m)]
        data = draft_buttons[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        calls = await chat.press_data(data, draft_buttons[0])
        assert alerts(calls) == ["Claim #1 is closed."]
        events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert events.count("draft_sent") == 4
        assert "buyer_replied" in events
        assert events[-1] == "outcome_recorded"


async def test_refund_first_guard_needs_confirmation(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("All drafts")
        calls = await chat.press("Refund offer")
        (guard,) = [c.params["text"] for c in calls if c.method == "editMessageText"]
        assert guard.startswith("⛔ No message to the buyer is recorded for this claim yet.")
        assert "still counts in your Order Defect Rate" in guard
        assert await chat.services.storage.drafts.latest(1, "refund") is None
        api = chat.api
    async with bot(api=api) as chat:  # restarted with the warning on screen
        calls = await chat.press("I understand: draft the refund anyway")
        assert "Refund offer, version 1, in German" in texts(calls)[0]
        events = await chat.services.storage.events.for_claim(1)
        assert events[-1].payload.get("refund_before_contact_confirmed") is True


async def test_fba_statement_with_evidence_checklist(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(
            chat,
            market="UK · United Kingdom",
            shipped="Fulfilled by Amazon (FBA)",
            reason="Item not received",
            language="English",
        )
        await chat.press("✓ Mark as sent")
        calls = await chat.press("Evidence checklist (0/5)")
        calls = await chat.press("☐ Tracking number")
        assert texts(calls)[-1].startswith("Claim #1: Send the tracking number.")
        api = chat.api
    async with bot(api=api) as chat:  # restarted while the bot waits for the number
        calls = await chat.send("JD0002 1234 5678")
        assert "☑ Tracking number: JD0002 1234 5678" in chat.labels()
        assert Evidence.TRACKING in (await stored_claim(chat)).evidence
        calls = await chat.press("✉ Statement to Amazon")
        header = texts(calls)[0]
        assert "Evidence not ticked yet: Carrier, Delivery confirmation" in header
        assert "\nTracking number: JD0002 1234 5678.\n" in texts(calls)[1]
        # Nothing was sent to the buyer's thread: the statement does not claim it was.
        assert "Supporting documents" not in texts(calls)[1]
        assert "Documents sent to the buyer's message thread" in header
        contacted = (await stored_claim(chat)).last_contact_at
        calls = await chat.press("✓ Mark as sent")
        assert "→ 4. Record the outcome" in card_of(calls)
        # A statement goes to Amazon, not to the buyer: it records no buyer contact.
        assert (await stored_claim(chat)).last_contact_at == contacted


async def test_delivery_branch_gift_then_withdrawal_once_solved_with_restart(
    bot: Any, clock: Any
) -> None:
    """Issue 14: apology, cause and gift in one message; the request to withdraw the claim is
    its own message, prepared only once the buyer confirms the problem is solved."""
    async with bot() as chat:
        await open_claim(chat, reason="Delivered late")
        calls = await chat.press("✓ Mark as sent")
        card = card_of(calls)
        assert "→ 3. Apologise, explain the cause of the delay" in card
        assert chat.labels()[:4] == [
            "✉ Delivery delay: apology, cause and gift",
            "Cause of the delay",
            "What happens now",
            "💬 Buyer replied",
        ]
        # The message states the cause and what happens now: asked first, never guessed.
        calls = await chat.press("✉ Delivery delay: apology, cause and gift")
        assert calls[-1].params["text"].startswith("What held up the delivery?")
        calls = await chat.press("Lost in transit")
        assert calls[-1].params["text"].startswith("What happens now with the parcel?")
        # A lost parcel is neither on its way nor delivered: those are not offered.
        assert chat.labels() == [
            "We send a new parcel",
            "We refund the order",
            "◂ Back to the claim",
        ]
        await chat.press("◂ Back to the claim")
        assert "Cause of the delay: Lost in transit" in chat.labels()
        await chat.press("Cause of the delay: Lost in transit")
        await chat.press("Customs")
        api = chat.api
    async with bot(api=api) as chat:
        # No gift configured for DE: it is asked next, never left as a "[GIFT]" gap.
        calls = await chat.press("Tracking shows it on its way")
        assert texts(calls)[-1].startswith("Claim #1: Send the goodwill gift")
        calls = await chat.send("zwei Ersatzfilter")
        shown, body = texts(calls)
        header, preview = shown.split("\n\n", 1)
        assert "Delivery delay: apology, cause and gift, version 1, in German" in header
        assert "Zoll" in body  # the delay is explained: customs
        assert "The tracking shows that the parcel is now on its way to you." in preview
        assert "zwei Ersatzfilter" in body
        assert "zurückzuziehen" not in body  # no withdrawal request next to the gift
        assert "[GIFT]" not in body
        assert "⛔" not in header
        calls = await chat.press("✓ Mark as sent")
        card = card_of(calls)
        assert "→ 4. Once the buyer confirms the problem is solved" in card
        assert "tap “Buyer confirms it is solved” when they do" in card
        assert "✉ Request to withdraw the claim" not in chat.labels()
        # Forced from the full list before the buyer confirmed: refused, and said why.
        await chat.press("All drafts")
        calls = await chat.press("Request to withdraw the claim")
        assert alerts(calls) == [
            "Ask for the withdrawal only once the buyer confirms the problem is solved: tap"
            " “Buyer confirms it is solved” on the card first."
        ]
        assert await chat.services.storage.drafts.latest(1, "withdrawal_request") is None
        await chat.press("◂ Back to the claim")
        calls = await chat.press("✅ Buyer confirms it is solved")
        assert calls[0].params["text"] == "Noted: the buyer confirms it is solved."
        calls = await chat.press("✉ Request to withdraw the claim")
        assert "Request to withdraw the claim, version 1" in texts(calls)[0]
        await chat.press("✓ Mark as sent")
        assert (await stored_claim(chat)).step == "respond_to_amazon"
        events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert "problem_solved" in events


async def test_usage_help_asks_for_the_steps_and_survives_a_restart(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, reason="Not as described")
        await chat.press("✓ Mark as sent")
        await chat.press("💬 Buyer replied")
        await chat.send("Ich weiß nicht, wie man die Zeitschaltuhr einstellt.")
        await chat.press("Does not know how to use it")
        calls = await chat.press("✉ Usage help")
        assert texts(calls)[-1].startswith("Claim #1: Send the steps that solve")
        api = chat.api
    async with bot(api=api) as chat:
        calls = await chat.send("1. Taste MODE drei Sekunden halten.\n2. Uhrzeit mit + einstellen.")
        header, body = texts(calls)
        assert "Usage help, version 1, in German" in header
        assert "1. Taste MODE drei Sekunden halten." in body
        assert (await stored_claim(chat)).facts.extra["usage_steps"].startswith("1. Taste MODE")


async def test_other_cause_takes_a_free_message_which_is_linted(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("✓ Mark as sent")
        await chat.press("💬 Buyer replied")
        await chat.send("Falsche Farbe geliefert")
        await chat.press("Something else")
        calls = await chat.press("✍ Write your own message")
        assert "Write the message to the buyer" in texts(calls)[-1]
        api = chat.api
    async with bot(api=api) as chat:
        calls = await chat.send(
            "Guten Tag, schreiben Sie uns an info@acme.example oder besuchen Sie www.acme.example"
        )
        header, body = texts(calls)
        assert "Your own message, version 1" in header
        assert "⛔" in header  # e-mail address and link are blocked
        assert body.startswith("Guten Tag, schreiben Sie uns")
        stored = await chat.services.storage.drafts.latest(1, "free")
        assert stored is not None
        assert stored.source == "edited"


async def test_editing_a_draft_keeps_the_generated_text_and_lints_the_new_one(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        calls = await chat.press("✎ Edit")
        assert texts(calls)[-1].startswith("Claim #1: Send the corrected text")
        api = chat.api
    async with bot(api=api) as chat:
        calls = await chat.send(
            f"Guten Tag, zu Ihrer Bestellung {ORDER}: was genau ist das Problem? 😀"
        )
        header, body = texts(calls)
        assert body.startswith("Guten Tag, zu Ihrer Bestellung")
        assert "First contact: apology and question, version 2, in German." in header
        assert "Your edited text. The generated version 1 is kept;" in header
        assert "⛔" in header  # the emoji
        drafts = await chat.services.storage.drafts.for_claim(1)
        assert [(d.version, d.source) for d in drafts] == [(1, "generated"), (2, "edited")]
        # The old version can no longer be marked as sent: only the newest can.
        first_message = [m for m in chat.keyboards() if m["text"].startswith("Guten Tag,\n")]
        sent_data = first_message[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        calls = await chat.press_data(sent_data, first_message[0])
        assert alerts(calls) == ["There is a newer version of this message: mark that one as sent."]
        edit_data = first_message[0]["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
        calls = await chat.press_data(edit_data, first_message[0])
        assert alerts(calls) == ["There is a newer version of this message: edit that one."]
        # Version 2 breaks a blocking rule (the emoji): it is not offered for sending at all
        # (tests/test_send_blocked.py covers the refusal for every role).
        newest = chat.last_keyboard()
        assert newest["text"].startswith("Guten Tag, zu Ihrer Bestellung")  # no preview: edited
        assert [b["text"] for b in newest["reply_markup"]["inline_keyboard"][0]] == ["✎ Edit"]


async def test_return_not_refunded_plan_walks_with_next_and_back(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, reason="Returned, not refunded")
        current = await stored_claim(chat)
        assert current.step == "contact_buyer"
        calls = await chat.press("◂ Back")
        card = card_of(calls)
        assert "→ 2. Check the return tracking" in card
        assert "No message at this step" in card
        api = chat.api
    async with bot(api=api) as chat:
        calls = await chat.press("Next step ▸")
        assert "→ 3. Contact the buyer" in card_of(calls)
        await chat.press("✓ Mark as sent")
        current = await stored_claim(chat)
        assert current.step == "refund_return"
        # After contact, a refund needs no warning.
        calls = await chat.press("✉ Refund offer")
        assert "Refund offer, version 1, in German" in texts(calls)[0]


async def test_outcome_closed_by_refund_counts_in_odr_and_seller_funded_shows_appeal(
    bot: Any,
) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("Outcome")
        calls = await chat.press("Closed by your refund")
        confirm = screen(calls)
        assert "ODR: this claim counts against your Order Defect Rate." in confirm
        assert "a refund before talking to the buyer still counts" in confirm
        await chat.press("◂ Back")
        await chat.press("Granted, paid by you")
        api = chat.api
    async with bot(api=api) as chat:  # restarted on the confirmation screen
        calls = await chat.press("✓ Confirm")
        card = card_of(calls)
        assert "Closed: Granted, paid by you." in card
        assert "You can appeal until" in card
        assert (await stored_claim(chat)).outcome is Outcome.GRANTED_SELLER_FUNDED
        listing = texts(await chat.send("/claims"))
        assert listing == ["You have no open claims. Send /new to open one."]


async def test_stale_forged_and_foreign_buttons_are_refused(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        card = chat.keyboards()[1]  # the card, under the draft's buttons
        await chat.press("Facts")  # the card becomes the facts menu...
        await chat.press("◂ Back to the claim")
        await chat.press("💬 Buyer replied")
        await chat.send("Kaputt")  # ...and the claim changes: revision 2
        old_next = [
            b["callback_data"]
            for row in card["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == "Next step ▸"
        ]
        calls = await chat.press_data(old_next[0], card)
        assert alerts(calls) == ["This claim has changed since. Here is its current card."]
        assert "Stage: Handling the problem" in card_of(calls)
        assert (await stored_claim(chat)).step == "handle_product"  # the stale press did nothing

        for forged in (
            "c:1:99:next:x",
            "c:999:1:card",
            "c:1:2:draft:nonsense",
            "c:1:2:cause:usage_",
        ):
            calls = await chat.press_data(forged, card)
            assert alerts(calls) in (
                ["That button is not valid any more."],
                ["This claim has changed since. Here is its current card."],
            ), forged
        # Someone else's claim looks exactly like one that does not exist.
        await chat.services.storage.users.add(7, _agent_role(), chat.services.clock())
        calls = await chat.press_data("c:1:2:card", card, user_id=7)
        assert alerts(calls) == ["That button is not valid any more."]
        assert "Kaputt" not in str([c.params for c in calls])


def _agent_role() -> Any:
    from bot.storage import Role  # noqa: PLC0415

    return Role.AGENT


async def test_typed_answers_are_checked_and_asked_again(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, market="UK · United Kingdom", language="English")
        await chat.press("Facts")
        calls = await chat.press("Delivery date: —")
        assert texts(calls)[-1] == (
            "Claim #1: Send the date the carrier confirms delivery, like 2026-11-28 or 28.11.2026."
        )
        calls = await chat.send("next Tuesday")
        assert texts(calls)[-1].startswith("Please send a date like 2026-11-28 or 28.11.2026.\n\n")
        calls = await chat.feed(chat.factory.message(chat.user(42), sticker=STICKER))
        assert texts(calls)[-1].startswith("I can only read text here.\n\nClaim #1: Send the date")
        calls = await chat.send("31.02.2026")
        assert texts(calls)[-1].startswith("Please send a date like")
        calls = await chat.send("28.11.2026")  # the clock says 2 November 2026
        assert texts(calls)[-1].startswith(
            "2026-11-28 is in the future: please send the date the parcel was delivered, like"
            " 2026-11-02.\n\nClaim #1: Send the date"
        )
        calls = await chat.send("01.11.2026")
        assert texts(calls)[0] == "Saved."
        assert "Delivery date: 2026-11-01" in chat.labels()
        claim_now = await stored_claim(chat)
        assert claim_now.facts.extra["delivery_date"] == "2026-11-01"
        # The card shows it in the agent's locale.
        calls = await chat.press("◂ Back to the claim")
        assert "Delivery date: Nov 1, 2026" in card_of(calls)

        # A reply far longer than a fact may be is refused, nothing stored.
        await chat.press("💬 Buyer replied")
        calls = await chat.send("x" * 4000)
        assert texts(calls)[-1].startswith(
            "That is too long: at most 1500 characters, please.\n\nClaim #1: Paste the buyer's"
        )
        assert "buyer_reply" not in (await stored_claim(chat)).facts.extra
        # /cancel stops waiting; the text after it is stray input again.
        assert texts(await chat.send("/cancel")) == [
            "I stopped waiting for your answer about claim #1. Nothing was changed."
        ]
        assert texts(await chat.send("hello")) == [
            "I did not understand that. Send /new to open a claim or /help."
        ]


async def test_never_mind_button_and_a_new_claim_drop_the_open_question(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("💬 Buyer replied")
        calls = await chat.press("✕ Never mind")
        assert "Stage: Contacting the buyer" in card_of(calls)
        assert await chat.services.storage.pending.get(42) is None
        await chat.press("💬 Buyer replied")
        await chat.send("/new")
        assert await chat.services.storage.pending.get(42) is None


async def test_correcting_the_reason_changes_the_plan(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("Facts")
        await chat.press("Reason")
        calls = await chat.press("Item not received")
        card = card_of(calls)
        assert "Item not received" in card
        assert "Plan (step 2 of 6):" in card
        assert "→ 2. Contact the buyer" in card
        await chat.press("Facts")
        await chat.press("Shipped by")
        calls = await chat.press("Fulfilled by Amazon (FBA)")
        card = card_of(calls)
        assert "Plan (step 2 of 4):" in card
        assert "Amazon fulfilled this order" in card
        await chat.press("Facts")
        await chat.press("Buyer language")
        calls = await chat.press("French")
        assert "Germany (DE) · Fulfilled by Amazon (FBA) · Item not received · French" in (
            card_of(calls)
        )
        calls = await chat.press("✉ First contact: apology and question")
        assert "in French." in texts(calls)[0]
        assert texts(calls)[1].startswith("Bonjour")
        kinds = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert kinds.count("fact_changed") == 3


async def test_claims_list_is_most_urgent_first_and_pages(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        for number in range(12):
            await open_claim(chat, order=f"303-1234567-{7654300 + number}")
            clock.advance(minutes=10)
        clock.advance(hours=70)
        (listing,) = texts(await chat.send("/claims"))
        lines = listing.splitlines()
        assert lines[0] == "Your open claims, most urgent first (1–10 of 12):"
        assert lines[1].startswith(
            "🔴 #1 · 303-1234567-7654300 · DE · Damaged or defective · overdue"
        )
        assert lines[-1].startswith("🟠 #10 ·")
        calls = await chat.press("More ▸")
        (page,) = [c.params["text"] for c in calls if c.method == "editMessageText"]
        assert page.splitlines()[0] == "Your open claims, most urgent first (11–12 of 12):"
        calls = await chat.press("#12 · 303-1234567-7654311 · 1 hour left")
        assert card_of(calls).startswith("Claim #12 · order 303-1234567-7654311")
        calls = await chat.press_data("l:o:999")
        assert alerts(calls) == ["That button is not valid any more."]
        calls = await chat.press_data("l:x")
        assert alerts(calls) == ["That button is not valid any more."]


async def test_lang_switches_the_agent_ui_and_back(bot: Any) -> None:
    async with bot() as chat:
        calls = await chat.send("/lang")
        assert texts(calls)[0].startswith("Which language should I use with you?")
        assert chat.labels() == ["English", "中文 (简体)", "Follow my Telegram app's language"]
        calls = await chat.press("中文 (简体)")
        edited = [c.params["text"] for c in calls if c.method == "editMessageText"]
        assert len(edited) == 1
        assert "中文" in edited[0]
        user = await chat.services.storage.users.get(42)
        assert user is not None
        assert user.ui_language == "zh_Hans"
        (start,) = texts(await chat.send("/start"))  # the Telegram client says English
        assert start.startswith("欢迎使用 claimbot。")
        await chat.send("/lang")
        menu = chat.last_keyboard()
        await chat.press_data("ui:auto", menu)
        (start,) = texts(await chat.send("/start"))
        assert start.startswith("Welcome to claimbot.")
        calls = await chat.press_data("ui:xx", menu)
        assert alerts(calls) == ["That button is not valid any more."]


async def test_closed_claim_refuses_a_late_typed_answer(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("💬 Buyer replied")
        # Meanwhile the claim is closed (say, from another device).
        current = await stored_claim(chat)
        journey = chat.services.journey
        user = await chat.services.storage.users.get(42)
        assert user is not None
        await journey.close(current, Outcome.DENIED, user)
        calls = await chat.send("Der Käufer hat geantwortet")
        assert texts(calls) == ["Claim #1 is closed; I did not store that."]
        assert "buyer_reply" not in (await stored_claim(chat)).facts.extra


async def test_a_free_message_at_the_size_limits(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("All drafts")
        await chat.press("✍ Write your own message")
        calls = await chat.send(f"Bestellung {ORDER}. " + "a" * 4500)
        assert texts(calls)[-1].startswith("That is too long: at most 4000 characters, please.")
        assert await chat.services.storage.drafts.latest(1, "free") is None
        text = f"Bestellung {ORDER}. " + "Wort " * 790
        calls = await chat.send(text)
        header, body = texts(calls)
        assert body == text.strip()
        assert all(len(t) <= 4096 for t in texts(calls))
        assert "⛔ The message is longer than Amazon's 2,000 characters." in header


async def test_asking_for_a_draft_again_shows_the_edit_until_the_facts_change(bot: Any) -> None:
    """The card's draft button shows the newest version, the agent's edit included; only a
    change of facts (which changes the generated text) makes a new generated version."""
    async with bot() as chat:
        await open_claim(chat)
        await chat.press("✎ Edit")
        await chat.send(f"Guten Tag, zu Ihrer Bestellung {ORDER}: was genau ist das Problem?")
        current = await stored_claim(chat)
        shown = await chat.press_data(f"c:1:{current.revision}:draft:inquiry")
        assert "First contact: apology and question, version 2, in German." in texts(shown)[0]
        assert texts(shown)[1].startswith("Guten Tag, zu Ihrer Bestellung")
        drafts = await chat.services.storage.drafts.for_claim(1)
        assert [(d.version, d.source) for d in drafts] == [(1, "generated"), (2, "edited")]

        # A new buyer name changes the generated text: a new generated version, the edit
        # stays in the history.
        await chat.press_data(f"c:1:{current.revision}:fact:buyer_name")
        await chat.send("Anna Schmidt")
        current = await stored_claim(chat)
        shown = await chat.press_data(f"c:1:{current.revision}:draft:inquiry")
        assert "version 3" in texts(shown)[0]
        drafts = await chat.services.storage.drafts.for_claim(1)
        assert [(d.version, d.source) for d in drafts][-1] == (3, "generated")


async def test_marking_a_message_sent_twice_records_it_once(bot: Any) -> None:
    """A second press of Mark as sent (a double tap, or again after the bot restarted before
    its answer arrived) shows where the claim stands and changes nothing; two presses at the
    same moment store one."""
    import asyncio  # noqa: PLC0415

    async with bot() as chat:
        await open_claim(chat)
        message = chat.keyboards()[0]
        data = button_data(message, ":sent:")
        first = await chat.press_data(data, message)
        assert "Marked as sent." in alerts(first)
        again = await chat.press_data(data, message)
        assert alerts(again) == ["This message was already marked as sent."]
        assert card_of(again).startswith("Claim #1 · order")

        sent_events = await chat.services.storage.db.fetchall(
            "SELECT COUNT(*) FROM events WHERE kind = 'draft_sent'"
        )
        assert sent_events[0][0] == 1

    async with bot() as chat:  # two presses at once, on a fresh claim
        await open_claim(chat, order="028-7654321-1234567")
        message = chat.keyboards()[0]
        data = button_data(message, ":sent:")
        updates = [chat.factory.callback(chat.user(ADMIN), message, data) for _ in range(2)]
        await asyncio.gather(*(chat.feed(u) for u in updates))
        rows = await chat.services.storage.db.fetchall(
            "SELECT COUNT(*) FROM events WHERE kind = 'draft_sent' AND claim_id = 2"
        )
        assert rows[0][0] == 1
