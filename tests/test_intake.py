"""The /new intake end to end through the real Application, including restarts."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.claims import ClaimFacts, Fulfillment, Reason
from bot.domain.intake import IntakeAnswers
from bot.drafting.facts import draft_facts
from tests.helpers import (
    ADMIN,
    ORDER,
    START,
    STICKER,
    US_NOTICE,
    Chat,
    alerts,
    texts,
    walk_to_language,
)


async def test_whole_intake_by_buttons_ends_in_plan_and_german_draft(bot: Any) -> None:
    async with bot() as chat:
        first = await chat.send("/new")
        assert texts(first) == [
            "Which order is the claim about? Send the Amazon order id, for example"
            " 123-1234567-1234567, or paste Amazon's whole claim notification."
        ]
        asked = await chat.send(f"  {ORDER} ")
        assert texts(asked)[0].startswith("Which marketplace?")
        keyboard = asked[-1].params["reply_markup"]["inline_keyboard"]
        assert sum(len(row) for row in keyboard) == 23 + 1  # and ◂ Back

        calls = await chat.press("DE · Germany")
        assert [c.method for c in calls] == [
            "answerCallbackQuery",
            "editMessageText",
            "sendMessage",
        ]
        assert calls[1].params["text"] == "Marketplace: Germany (DE)"
        assert "reply_markup" not in calls[1].params  # the answered keyboard is gone
        assert texts(calls) == ["Who shipped the order?"]

        await chat.press("Seller-shipped (FBM)")
        calls = await chat.press("Damaged or defective")
        assert texts(calls)[0].startswith(
            "Which language does the buyer write in? Default for DE: German."
        )
        calls = await chat.press("German")
        (details,) = texts(calls)
        assert details.startswith(
            f"Order {ORDER} · DE · Seller-shipped (FBM) · Damaged or defective · German\n\n"
            "Anything else you know? All optional"
        )
        calls = await chat.press("Open the claim ▸")

        # The note above the card; the header with the preview, then the text alone.
        opened, shown, body = texts(calls, ADMIN)
        note, summary = opened.split("\n\n", 1)
        header, preview = shown.split("\n\n", 1)
        assert note.startswith(f"Claim #1 opened for order {ORDER}.\nThe deadline counts 72")
        assert summary.startswith(f"Claim #1 · order {ORDER}\n")
        assert "Germany (DE) · Seller-shipped (FBM) · Damaged or defective · German" in summary
        assert "Respond to Amazon by Nov 5, 2026, 10:30\u202fAM (Europe/Berlin)." in summary
        assert "\n3 days left.\n" in summary
        assert "Plan (step 2 of 7):" in summary
        assert "→ 2. Contact the buyer" in summary
        assert "⚠ Do not refund yet." in summary
        assert "· First contact: apology and question, version 1, in German." in header
        assert preview.startswith("What it says, in English (for you, not for sending):")
        assert f"Subject: Ihre Bestellung {ORDER}: Es tut uns leid" in header
        assert "\nMessaging rules: nothing to fix.\n" in header

        facts = ClaimFacts(ORDER, "DE", Fulfillment.FBM, Reason.DEFECTIVE, "de", START)
        expected = chat.services.renderer.render(
            "inquiry", draft_facts(facts, chat.services.settings.store), "de"
        )
        assert body == expected.body
        assert body.startswith("Guten Tag,\n\nes tut uns sehr leid")
        assert body.endswith("Mit freundlichen Grüßen\nIhr Team von Acme Home")

        storage = chat.services.storage
        claim = await storage.claims.get(1)
        assert claim is not None
        assert (claim.facts.order_id, claim.facts.marketplace, claim.facts.buyer_language) == (
            ORDER,
            "DE",
            "de",
        )
        assert claim.agent_id == ADMIN
        drafts = await storage.drafts.for_claim(1)
        assert [(d.kind, d.version, d.source, d.language) for d in drafts] == [
            ("inquiry", 1, "generated", "de")
        ]
        events = await storage.events.for_claim(1)
        assert [e.kind for e in events] == ["claim_opened", "draft_generated"]
        assert events[1].draft_id == drafts[0].id
        assert await chat.services.storage.intakes.get(ADMIN) is None


async def test_typed_answers_are_accepted(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        await chat.send("202-7654321-1234567")
        assert texts(await chat.send("www.Amazon.co.uk")) == ["Who shipped the order?"]
        assert texts(await chat.send("FBA"))[0] == "What does the buyer say is wrong?"
        await chat.press("Item not received")
        await chat.send("en-GB")
        calls = await chat.press("Open the claim ▸")
        summary = texts(calls)[0].split("\n\n", 1)[1]  # the card, below its note
        assert "United Kingdom (UK) · Fulfilled by Amazon (FBA) · Item not received" in summary
        assert "Amazon fulfilled this order: do not refund it yourself." in summary
        assert summary.splitlines()[1].endswith(" · English")
        # English buyer, English agent: no preview, the text is what the agent reads.
        assert texts(calls)[2].startswith("Hello,\n\nWe are sorry that your order 202-7654321")
        assert len(texts(calls)) == 3  # the card under its note, the header, the text


async def test_restart_in_the_middle_resumes_at_the_same_question(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        await chat.send(ORDER)
        await chat.press("DE · Germany")
        api = chat.api
    # The process ends (graceful shutdown flushes persistence) and starts again.
    async with bot(api=api) as chat:
        calls = await chat.feed(
            chat.factory.message(
                chat.user(ADMIN),
                sticker=STICKER,
            )
        )
        assert texts(calls) == ["I can only read text here.\n\nWho shipped the order?"]
        await chat.press("Seller-shipped (FBM)")
        await chat.press("Delivered late")
        await chat.press("German")
        calls = await chat.press("Open the claim ▸")
        assert texts(calls)[0].startswith(f"Claim #1 opened for order {ORDER}.")
        assert "⚠ The gift is unconditional goodwill:" in texts(calls)[0]


async def test_order_id_reason_and_language_are_read_as_agents_type_them(bot: Any) -> None:
    """The order id with its label or with spaces, the reason as a few words and the language
    as a name, in English or in Chinese, as the README promises."""
    async with bot() as chat:
        await chat.send("/new")
        asked = await chat.send(f"Order ID: {ORDER}")
        assert texts(asked)[0].startswith("Which marketplace?")
        await chat.send("DE")
        await chat.send("FBM")
        calls = await chat.send("cheese")
        assert texts(calls)[0].startswith(
            "I do not know the reason “cheese”. Tap one, or type it in a few words, such as"
            " “not received” or “damaged”.\n\nWhat does the buyer say is wrong?"
        )
        calls = await chat.send("late")
        assert texts(calls)[0].startswith("Which language does the buyer write in?")
        assert (await intake_of(chat, ADMIN)).reason is Reason.LATE_DELIVERY
        calls = await chat.send("Deutsch")
        assert texts(calls)[0].startswith(f"Order {ORDER} · DE · Seller-shipped (FBM) · Delivered")
        assert (await intake_of(chat, ADMIN)).language == "de"
        await chat.press("◂ Back")
        await chat.send("German")
        assert (await intake_of(chat, ADMIN)).language == "de"

    zh = "zh-hans"
    async with bot() as chat:
        await chat.send("/new", language_code=zh)
        await chat.send("303 1234567 7654321", language_code=zh)
        await chat.send("DE", language_code=zh)
        await chat.send("FBA", language_code=zh)
        await chat.send("未收到", language_code=zh)
        assert (await intake_of(chat, ADMIN)).reason is Reason.NOT_RECEIVED
        await chat.press("◂ 返回", language_code=zh)
        await chat.send("损坏或有缺陷", language_code=zh)  # the button's label, typed
        assert (await intake_of(chat, ADMIN)).reason is Reason.DEFECTIVE
        await chat.send("法语", language_code=zh)
        answers = await intake_of(chat, ADMIN)
        assert (answers.order_id, answers.language) == (ORDER, "fr")


async def test_implausible_details_are_asked_again_with_a_hint(bot: Any) -> None:
    """A two-digit tracking number is a slip, not a parcel: asked again with why."""
    async with bot() as chat:
        await walk_to_language(chat)
        await chat.press("German")
        await chat.press("+ Tracking number")
        calls = await chat.send("13")
        assert texts(calls)[0].startswith(
            "“13” is too short for a tracking number: carriers use at least 8 letters and"
            " digits. Please check it.\n\n"
        )
        assert "tracking_number" not in (await intake_of(chat, ADMIN)).details
        await chat.send("JD014600006281234567")
        details = (await intake_of(chat, ADMIN)).details
        assert details["tracking_number"] == "JD014600006281234567"


async def test_restart_before_the_first_answer_keeps_waiting_for_the_order_id(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
    async with bot() as chat:
        calls = await chat.send("not an id")
        assert texts(calls)[0].startswith("“not an id” is not an Amazon order id")


async def test_malformed_order_id_is_asked_again_with_a_hint(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        calls = await chat.send("303-123456-7654321")
        assert texts(calls) == [
            "“303-123456-7654321” is not an Amazon order id: it has three groups of 3, 7 and 7"
            " digits.\n\nWhich order is the claim about? Send the Amazon order id, for example"
            " 123-1234567-1234567, or paste Amazon's whole claim notification."
        ]
        huge = "9" * 10_000
        calls = await chat.send(huge)
        assert texts(calls)[0].startswith("That is far too long for an order id, and I found no")
        assert huge[:100] not in texts(calls)[0]
        long_text = "x" * 150
        calls = await chat.send(long_text)
        assert "“" + "x" * 39 + "…”" in texts(calls)[0]  # echoed, but cut short
        assert texts(await chat.send(ORDER))[0].startswith("Which marketplace?")


async def test_unknown_marketplace_and_forged_buttons_are_refused(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        await chat.send(ORDER)
        calls = await chat.send("Atlantis")
        assert texts(calls)[0].startswith(
            "I do not know the marketplace “Atlantis”.\n\nWhich marketplace?"
        )
        calls = await chat.press_data("mp:ZZ")
        assert alerts(calls) == ["That button is not valid any more."]
        assert texts(calls)[0].startswith("I do not know the marketplace “ZZ”.")
        await chat.press("IN · India")
        await chat.press("Seller-shipped (FBM)")
        calls = await chat.press_data("rs:refund_now")
        assert alerts(calls) == ["That button is not valid any more."]
        assert texts(calls)[0].startswith("Please choose the reason with a button.")
        # A button of an earlier question, pressed now, changes nothing: the current question
        # is asked again, with its buttons.
        calls = await chat.press_data("mp:DE")
        assert alerts(calls) == ["That button belongs to an earlier question."]
        assert texts(calls) == ["What does the buyer say is wrong?"]
        assert (await intake_of(chat, ADMIN)).marketplace == "IN"
        await chat.press("Not as described")
        calls = await chat.send("xx-yy")
        assert texts(calls)[0].startswith("I cannot write to buyers in “xx-yy”.")
        await chat.press("Hindi")
        calls = await chat.press("Open the claim ▸")
        header = texts(calls)[1]
        # No Hindi catalog: the agent is told, in plain words, before copying.
        assert "There is no Hindi translation of this message yet: it is in English." in header
        assert "⚠ The message does not seem to be in the buyer's language. (“en”)" in header
        assert (await chat.services.storage.claims.get(1)) is not None


async def test_buttons_after_the_end_are_no_longer_active(bot: Any) -> None:
    async with bot() as chat:
        await walk_to_language(chat)
        message = chat.last_keyboard()
        await chat.press("German")
        details = chat.last_keyboard()
        await chat.press("Open the claim ▸")
        calls = await chat.press_data("lang:de", message)
        assert alerts(calls) == ["This button is no longer active. Send /new to start a claim."]
        calls = await chat.press_data("dt:open", details)
        assert alerts(calls) == ["This button is no longer active. Send /new to start a claim."]
        assert await chat.services.storage.claims.count() == 1


async def test_cancel_stops_the_intake_and_saves_nothing(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        await chat.send(ORDER)
        assert texts(await chat.send("/cancel")) == ["Claim intake cancelled. Nothing was saved."]
        assert texts(await chat.send("/cancel")) == ["There is nothing to cancel."]
        assert texts(await chat.send(ORDER)) == [
            "I did not understand that. Send /new to open a claim or /help."
        ]
        assert await chat.services.storage.claims.count() == 0


async def test_new_during_intake_starts_over(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        await chat.send(ORDER)
        calls = await chat.send("/new")
        assert texts(calls)[0].startswith("Which order is the claim about?")
        assert (await intake_of(chat, ADMIN)).to_json().keys() == {"started_at", "step"}


async def test_help_works_in_the_middle_of_the_intake(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        assert texts(await chat.send("/help"))[0].startswith("Commands:")
        assert texts(await chat.send(ORDER))[0].startswith("Which marketplace?")


async def test_edited_messages_are_not_taken_as_answers(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        calls = await chat.feed(chat.factory.edited_message(chat.user(ADMIN), ORDER))
        assert calls == []
        assert (await intake_of(chat, ADMIN)).order_id is None


async def test_two_agents_intakes_do_not_mix(bot: Any) -> None:
    async with bot() as chat:
        await chat.services.storage.users.bootstrap_admin(43, START)
        await chat.send("/new", user_id=ADMIN)
        await chat.send("/new", user_id=43)
        await chat.send(ORDER, user_id=ADMIN)
        await chat.send("111-1111111-1111111", user_id=43)
        await chat.press("JP · Japan", user_id=43)
        await chat.press("DE · Germany", user_id=ADMIN)
        assert (await intake_of(chat, ADMIN)).marketplace == "DE"
        assert (await intake_of(chat, 43)).order_id == "111-1111111-1111111"
        assert (await intake_of(chat, 43)).marketplace == "JP"


async def test_lost_answers_start_the_intake_over_instead_of_failing(bot: Any) -> None:
    async with bot() as chat:
        await walk_to_language(chat)
        async with chat.services.storage.db.transaction() as tx:  # as if damaged on disk
            await tx.execute("UPDATE intakes SET answers = json_remove(answers, '$.reason')")
        calls = await chat.press("German")
        assert texts(calls) == [
            "I lost track of your earlier answers for this claim, sorry. Let us start it again.",
            "Which order is the claim about? Send the Amazon order id, for example"
            " 123-1234567-1234567, or paste Amazon's whole claim notification.",
        ]
        assert await chat.services.storage.claims.count() == 0
        assert texts(await chat.send(ORDER))[0].startswith("Which marketplace?")


async def test_a_pasted_notice_fills_what_it_says_and_the_rest_is_asked(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        calls = await chat.send(US_NOTICE)
        understood, question = texts(calls)
        assert understood.splitlines() == [
            "From the notice I understood:",
            "• Order: 112-4455667-1234567",
            "• Marketplace: United States (US)",
            "• Reason: Item not received",
            "• Claim amount: $45.99",
            "• Filed on: Nov 1, 2026",
            "• Respond by: Nov 4, 2026",
            "I ask for the rest. Tap Back on a question to correct an answer I took from it.",
        ]
        assert question == "Who shipped the order?"
        # Back shows the marketplace question, to correct what the notice said.
        calls = await chat.press("◂ Back")
        assert texts(calls)[0].startswith("Which marketplace?")
        await chat.press("US · United States")
        await chat.press("Seller-shipped (FBM)")
        await chat.press("English")
        calls = await chat.press("Open the claim ▸")
        note, card = texts(calls)[0].split("\n\n", 1)
        assert note.endswith("The deadline comes from Amazon's notice.")
        # The notice's respond-by day is the deadline: the end of Nov 4 in Los Angeles (not filed
        # Nov 1 + 72 hours: the same day gives the same deadline however a notice words it).
        assert "Respond to Amazon by Nov 4, 2026, 11:59\u202fPM (America/Los_Angeles)." in card
        assert "Claim amount: $45.99" in card
        stored = await chat.services.storage.claims.get(1)
        assert stored is not None
        assert stored.facts.extra == {"claim_amount": "45.99", "claim_currency": "USD"}


async def test_a_notice_naming_two_orders_asks_which_one(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        text = (
            "Claim for order 112-4455667-1234567. Reason: Item not received.\n"
            "Related order: 112-9999999-7654321"
        )
        calls = await chat.send(text)
        assert "It names several orders: tap the one this claim is about." in texts(calls)[0]
        assert chat.labels() == ["112-4455667-1234567", "112-9999999-7654321"]
        calls = await chat.press("112-9999999-7654321")
        assert texts(calls)[0].startswith("Which marketplace?")
        assert (await intake_of(chat, ADMIN)).order_id == "112-9999999-7654321"
        calls = await chat.press_data("oid:7", chat.keyboards()[-1])
        assert alerts(calls) == ["That button belongs to an earlier question."]


async def test_optional_details_are_checked_and_reach_the_claim(bot: Any) -> None:
    async with bot() as chat:
        await walk_to_language(chat)
        await chat.press("German")
        calls = await chat.press("+ Tracking number")
        assert texts(calls) == ["Send the tracking number."]
        calls = await chat.send("<b>123</b>")
        assert texts(calls)[0].startswith(
            "A tracking number has only letters, digits, spaces and dashes."
        )
        api = chat.api
    async with bot(api=api) as chat:  # a restart while the detail is asked
        await chat.send("00340434161234567890")
        await chat.press("+ Buyer name")
        await chat.send("Anna Schmidt")
        calls = await chat.send("hello")  # text where buttons are expected
        assert texts(calls)[0].startswith("Tap a button: add a detail, or open the claim.")
        assert "✓ Buyer name: Anna Schmidt" in chat.labels()
        calls = await chat.press("Open the claim ▸")
        assert "Buyer name: Anna Schmidt" in texts(calls)[0]
        assert texts(calls)[2].startswith("Guten Tag Anna Schmidt,")
        stored = await chat.services.storage.claims.get(1)
        assert stored is not None
        assert stored.facts.tracking_number == "00340434161234567890"


async def test_an_order_with_an_open_claim_gets_no_second_one(bot: Any) -> None:
    """One A-to-Z claim per order at a time: a second intake for the order is told so as soon
    as the order id is known (not after all the questions), and shown the claim if the agent
    may see it; two intakes racing to Open open only one."""
    from bot.domain.people import Role  # noqa: PLC0415

    colleague = 77
    async with bot() as chat:
        boss = await chat.services.storage.users.get(ADMIN)
        assert boss is not None
        await chat.services.people.add(boss, colleague, Role.AGENT)
        # The colleague starts the same order and gets as far as the details...
        await walk_to_language(chat, user_id=colleague)
        await chat.press("German", colleague)
        # ...while the admin opens it.
        await walk_to_language(chat)
        await chat.press("German")
        await chat.press("Open the claim ▸")

        # The same agent again: told at the order id, before any other question, and shown
        # the claim they already have.
        await chat.send("/new")
        again = await chat.send(ORDER)
        assert texts(again)[0].startswith(
            f"Order {ORDER} already has an open claim, #1: here it is.\n\n"
        )
        assert texts(again)[0].split("\n\n", 1)[1].startswith(f"Claim #1 · order {ORDER}\n")
        # Untouched since opened (say the first press's answer was lost): its first draft
        # again, the same version, not a new one.
        assert texts(again)[1].startswith(
            "Claim #1 · First contact: apology and question, version 1"
        )
        assert await chat.services.storage.drafts.latest(
            1, "inquiry"
        ) == await chat.services.storage.drafts.get(1)

        # A colleague: told that someone has it, and nothing about it.
        await chat.send("/new", colleague)
        theirs = await chat.send(ORDER, colleague)
        assert texts(theirs) == [
            f"Order {ORDER} already has an open claim, handled by a colleague. A team lead"
            " can hand it to you."
        ]

        # A pasted notice naming the order: the same, before the notice's summary.
        await chat.send("/new", colleague)
        notice = US_NOTICE.replace("112-4455667-1234567", ORDER)
        theirs = await chat.send(notice, colleague)
        assert texts(theirs)[0].startswith(f"Order {ORDER} already has an open claim, handled")
        assert len(texts(theirs)) == 1
        assert await chat.services.storage.claims.count() == 1
        assert await chat.services.storage.intakes.get(colleague) is None

        # Once the claim is closed, the order can have a new one.
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        await chat.press_data(f"c:1:{claim.revision}:close:withdrawn")
        await walk_to_language(chat)
        await chat.press("German")
        reopened = await chat.press("Open the claim ▸")
        assert texts(reopened)[0].startswith(f"Claim #2 opened for order {ORDER}.")


async def test_a_lone_surrogate_in_an_answer_is_replaced_where_it_comes_in(bot: Any) -> None:
    """Issue 17: "\\ud800" in Telegram's JSON is a lone surrogate once parsed; saved in the
    intake's answers it failed every later save (an error on every update until /cancel).
    The door replaces it with U+FFFD before any handler sees the update."""
    async with bot() as chat:  # fails on any handler error
        await walk_to_language(chat)
        await chat.press("German")
        await chat.press("+ Buyer name")
        message = json.dumps(chat.factory.message(chat.user(ADMIN), "NAME"))
        update = json.loads(message.replace('"NAME"', '"Anna \\ud800 Schmidt"'))
        assert update["message"]["text"] == "Anna \ud800 Schmidt"  # what json.loads gives
        await chat.feed(update)
        assert (await intake_of(chat, ADMIN)).details["buyer_name"] == "Anna \ufffd Schmidt"
        assert "✓ Buyer name: Anna \ufffd Schmidt" in chat.labels()
        calls = await chat.press("Open the claim ▸")
        assert "Buyer name: Anna \ufffd Schmidt" in texts(calls)[0]


# --- What is typed while an intake waits ---------------------------------------------------------
OTHER = "305-7654321-1234567"


async def open_and_send_first(chat: Chat) -> None:
    """Claim #1 for ORDER, its first message sent: its card asks for the buyer's reply."""
    await walk_to_language(chat)
    await chat.press("German")
    await chat.press("Open the claim ▸")
    await chat.press("✓ Mark as sent")


def cause_asked(calls: list[Any]) -> bool:
    return any("What did the buyer's reply show? Pick the cause." in t for t in texts(calls))


async def test_a_card_asking_during_an_intake_gets_what_is_typed_next(bot: Any) -> None:
    """Halfway through /new, the agent turns to another claim and is asked for the buyer's
    reply: what they type is that reply, not a detail of the new claim; the intake waits on."""
    async with bot() as chat:
        await open_and_send_first(chat)
        await walk_to_language(chat, OTHER)
        await chat.press("German")  # the new claim's details screen
        asked = await chat.press("💬 Buyer replied")
        assert texts(asked)[-1].startswith("Claim #1: Paste the buyer's reply")

        calls = await chat.send("Das Gerät geht nach einer Minute aus.")
        assert cause_asked(calls)
        assert not any("Tap a button" in t for t in texts(calls))
        first = await chat.services.storage.claims.get(1)
        assert first is not None
        assert first.facts.extra["buyer_reply"] == "Das Gerät geht nach einer Minute aus."

        # The reply answered, typing is the intake's again, and its screen still works.
        hint = await chat.send("Anna")
        assert texts(hint)[0].startswith("Tap a button: add a detail, or open the claim.")
        opened = await chat.press("Open the claim ▸")
        assert texts(opened)[0].startswith(f"Claim #2 opened for order {OTHER}.")


async def test_the_intakes_next_question_takes_typing_back_from_a_card(bot: Any) -> None:
    """The newest question gets the answer: a card asked, then the agent went on with the
    intake, which asked its next question. Typing answers the intake; the card's question is
    dropped (its button asks again)."""
    async with bot() as chat:
        await open_and_send_first(chat)
        await chat.send("/new")
        await chat.send(OTHER)  # which marketplace?
        await chat.press("💬 Buyer replied")
        assert await chat.services.storage.pending.get(ADMIN) is not None
        await chat.press("DE · Germany")  # who shipped it?
        assert await chat.services.storage.pending.get(ADMIN) is None

        calls = await chat.send("FBM")
        assert texts(calls)[0] == "What does the buyer say is wrong?"
        first = await chat.services.storage.claims.get(1)
        assert first is not None
        assert "buyer_reply" not in first.facts.extra


async def test_an_intake_whose_claim_opened_unseen_lets_go_of_the_chat(bot: Any) -> None:
    """The bot stopped right after Open's transaction, before the agent saw the claim: the
    intake's row says which claim it opened (the same transaction wrote both). The intake is
    over: typing goes to the card's question, stray text is stray, not a hint about the
    details screen, and a button of the old screen shows the claim."""
    async with bot() as chat:
        intakes = chat.services.storage.intakes
        await walk_to_language(chat)
        await chat.press("German")
        at_details = await intake_of(chat, ADMIN)
        await chat.press("Open the claim ▸")
        await chat.press("✓ Mark as sent")
        assert await intakes.get(ADMIN) is None

        await leave_opened(chat, at_details, claim_id=1)
        await chat.press("💬 Buyer replied")
        calls = await chat.send("Das Gerät geht nach einer Minute aus.")
        assert cause_asked(calls)
        assert texts(await chat.send("hello")) == [
            "I did not understand that. Send /new to open a claim or /help."
        ]
        assert await intakes.get(ADMIN) is None

        await leave_opened(chat, at_details, claim_id=1)
        # (Its keyboard is gone here; had the bot stopped before closing it, it would not be.)
        shown = await chat.press_data("dt:buyer_name")
        assert texts(shown)[0].startswith(
            f"Order {ORDER} already has an open claim, #1: here it is.\n\n"
        )
        assert await intakes.get(ADMIN) is None
        assert await chat.services.storage.claims.count() == 1


async def test_a_restart_between_open_and_its_messages_shows_the_claim(bot: Any) -> None:
    """The intake's row survives a restart as the transaction that opened the claim left it:
    Open pressed again shows that claim and its first message, and opens no second one."""
    async with bot() as chat:
        await walk_to_language(chat)
        await chat.press("German")
        at_details = await intake_of(chat, ADMIN)
        details = chat.last_keyboard()
        await chat.press("Open the claim ▸")
        await leave_opened(chat, at_details, claim_id=1)
        api = chat.api
    async with bot(api=api) as chat:
        calls = await chat.press_data("dt:open", details)
        assert texts(calls)[0].startswith(
            f"Order {ORDER} already has an open claim, #1: here it is.\n\n"
        )
        assert any(t.startswith("Guten Tag") for t in texts(calls))
        assert await chat.services.storage.claims.count() == 1
        assert await chat.services.storage.intakes.get(ADMIN) is None


async def intake_of(chat: Chat, user_id: int) -> IntakeAnswers:
    stored = await chat.services.storage.intakes.get(user_id)
    assert isinstance(stored, IntakeAnswers)
    return stored


async def leave_opened(chat: Chat, answers: IntakeAnswers, *, claim_id: int) -> None:
    """The intake's row as Open's transaction leaves it, had the bot stopped right after."""
    storage = chat.services.storage
    async with storage.db.transaction() as tx:
        await storage.intakes.put(tx, ADMIN, answers.opened(claim_id), chat.services.clock())


async def test_the_order_id_as_agents_paste_it(bot: Any) -> None:
    """Issue 14: 'Order ID: …', '#…' and spaces between the groups are read."""
    async with bot() as chat:
        for typed in (f"Order ID: {ORDER}", f"#{ORDER}", ORDER.replace("-", " ")):
            await chat.send("/new")
            assert texts(await chat.send(typed))[0].startswith("Which marketplace?"), typed
            assert (await intake_of(chat, ADMIN)).order_id == ORDER
