"""Drafts say only what is true for the claim (issue 14, part 3): no thanks for a reply that
is not recorded, no "did not meet your expectations" for an order that never arrived."""

from __future__ import annotations

from typing import Any

import pytest

from bot.drafting import Renderer
from bot.drafting.renderer import DraftFactsError
from bot.i18n import Catalogs
from bot.i18n.catalogs import MESSAGES_DOMAIN
from tests.helpers import ADMIN, ORDER, START, open_claim, person, stored_claim, texts

NOW = START

CATALOGS = Catalogs()
RENDERER = Renderer(CATALOGS)
LANGUAGES = RENDERER.languages()
BASE = {"order_id": ORDER, "marketplace": "DE", "buyer_name": "Anna Schmidt"}

THANKS_EXPECTATIONS = (
    "Thank you for your reply, and we are sorry that the item did not meet your expectations."
)
EXPECTATIONS = "We are sorry that the item did not meet your expectations."
THANKS_NOT_ARRIVED = (
    "Thank you for your reply, and we are sorry that your order did not reach you as it"
    " should have."
)
NOT_ARRIVED = "We are sorry that your order did not reach you as it should have."


def said(language: str, msgid: str, **values: str) -> str:
    """A sentence as the buyer's catalog says it, with its values."""
    text = CATALOGS.get(MESSAGES_DOMAIN, language).gettext(msgid)
    return text % values if values else text


def body(kind: str, language: str, **facts: object) -> str:
    return RENDERER.render(kind, {**BASE, **facts}, language).body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("reason", ["not_received", "late_delivery"])
def test_a_refund_for_an_order_that_did_not_arrive_says_so(language: str, reason: str) -> None:
    for replied, expected in ((False, NOT_ARRIVED), (True, THANKS_NOT_ARRIVED)):
        text = body("refund", language, reason=reason, replied=replied)
        assert said(language, expected) in text
        assert said(language, EXPECTATIONS) not in text
        assert said(language, THANKS_EXPECTATIONS) not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_draft_thanks_for_a_reply_that_is_not_recorded(language: str) -> None:
    thanks = [
        (
            "refund",
            {"reason": "defective"},
            said(language, THANKS_EXPECTATIONS),
            said(language, EXPECTATIONS),
        ),
        (
            "replacement",
            {"product": "Wasserkocher"},
            said(
                language,
                "Thank you for your reply. We are very sorry that there is a problem with the"
                " %(product)s from your order %(order_id)s.",
                product="Wasserkocher",
                order_id=ORDER,
            ),
            said(
                language,
                "We are very sorry that there is a problem with the %(product)s from your order"
                " %(order_id)s.",
                product="Wasserkocher",
                order_id=ORDER,
            ),
        ),
        (
            "replacement",
            {},
            said(
                language,
                "Thank you for your reply. We are very sorry that there is a problem with the"
                " item from your order %(order_id)s.",
                order_id=ORDER,
            ),
            said(
                language,
                "We are very sorry that there is a problem with the item from your order"
                " %(order_id)s.",
                order_id=ORDER,
            ),
        ),
        (
            "usage_help",
            {"usage_steps": "1. Deckel abnehmen."},
            said(
                language,
                "Thank you for your reply and for explaining what happens. We are sorry for the"
                " trouble.",
            ),
            said(language, "We are sorry for the trouble."),
        ),
    ]
    for kind, facts, with_thanks, without in thanks:
        assert with_thanks in body(kind, language, replied=True, **facts), kind
        silent = body(kind, language, replied=False, **facts)
        assert with_thanks not in silent, kind
        assert without in silent, kind
        # The same when nobody says whether the buyer replied (the command line's default).
        assert with_thanks not in body(kind, language, **facts), kind


def test_replied_must_be_a_yes_or_no() -> None:
    with pytest.raises(DraftFactsError):
        RENDERER.render("refund", {**BASE, "replied": "maybe"}, "en")


async def test_the_bot_knows_whether_the_buyer_replied(bot: Any) -> None:
    """Through the chat: a refund prepared before any reply is recorded does not thank for
    one; after "Buyer replied" it does."""
    async with bot() as chat:
        await open_claim(
            chat, market="UK · United Kingdom", reason="Item not received", language="English"
        )
        await chat.press("✓ Mark as sent")
        await chat.press("All drafts")
        text = "\n".join(texts(await chat.press("Refund offer")))
        assert NOT_ARRIVED in text
        assert "Thank you for your reply" not in text
        # (This plan has no "Buyer replied" button after the first message yet: issue 14,
        # part 5. The service records the reply as the button would.)
        claim = await stored_claim(chat)
        await chat.services.journey.record_reply(claim, "It never came.", await person(chat, ADMIN))
        await chat.press("◂ Back to the claim")
        await chat.press("All drafts")
        text = "\n".join(texts(await chat.press("Refund offer")))
        assert THANKS_NOT_ARRIVED in text


MAIN_PROBLEM = (
    "We would like to solve this with you as quickly as possible. Could you tell us briefly what"
    " the main problem is? If it is the same problem you already described to us, a short"
    " confirmation is enough."
)
ARRIVED_SINCE = (
    "We would like to solve this with you as quickly as possible. Could you tell us whether the"
    " parcel has arrived in the meantime? If it has not, please also check that the delivery"
    " address of the order is correct."
)
RETURN_DROPPED = (
    "We would like to solve this with you as quickly as possible. Could you tell us when you"
    " dropped off the return and, if you have it, its tracking number? Then we can check the"
    " return and your refund right away."
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_message_asks_what_fits_the_reason(language: str) -> None:
    for reason, question in (
        ("not_received", ARRIVED_SINCE),
        ("return_not_refunded", RETURN_DROPPED),
        ("defective", MAIN_PROBLEM),
        ("late_delivery", MAIN_PROBLEM),
    ):
        text = body("inquiry", language, reason=reason)
        assert said(language, question) in text, reason
        others = {ARRIVED_SINCE, RETURN_DROPPED, MAIN_PROBLEM} - {question}
        assert not any(said(language, other) in text for other in others), reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_greeting_carries_the_name_only_where_no_case_ending_is_needed(
    language: str,
) -> None:
    """A typed name cannot take the Polish vocative ("Pani Katarzyno"): Polish greets without
    it; the other languages greet the buyer by name."""
    text = body("inquiry", language, buyer_name="Katarzyna Nowak", reason="defective")
    first = text.splitlines()[0]
    if language == "pl":
        assert first == "Dzień dobry,"
        assert "Katarzyna" not in text
    else:
        assert "Katarzyna Nowak" in first


async def test_the_statement_says_documents_were_sent_only_once_ticked(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(
            chat,
            market="UK · United Kingdom",
            shipped="Fulfilled by Amazon (FBA)",
            reason="Item not received",
            language="English",
        )
        await chat.press("✓ Mark as sent")
        before = texts(await chat.press("✉ Statement to Amazon"))[1]
        assert "Supporting documents have been sent" not in before
        await chat.press("◂ Back to the claim")
        await chat.press("Evidence checklist (0/5)")
        await chat.press("☐ Documents sent to the buyer's message thread")
        assert "☑ Documents sent to the buyer's message thread" in chat.labels()
        after = texts(await chat.press("✉ Statement to Amazon"))[1]
        assert (
            "Supporting documents have been sent to the buyer in the message thread of this order."
            in after
        )


OFFERED = (
    "Our proposal: we have offered the buyer a solution and ask that the claim be closed in our"
    " favour once it is in place."
)
WORKING = (
    "Our proposal: we are working with the buyer on a solution and ask that the claim be closed"
    " in our favour once it is in place."
)
REPLACED = "Done so far: a replacement has been sent to the buyer free of charge."
REFUNDED = "Done so far: the buyer has been refunded."


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statement_claims_only_what_was_done(language: str) -> None:
    statement = {"fulfillment": "fbm", "reason": "defective"}
    nothing = body("amazon_statement", language, **statement)
    assert said(language, WORKING) in nothing
    for claim in (OFFERED, REPLACED, REFUNDED):
        assert said(language, claim) not in nothing
    replaced = body(
        "amazon_statement", language, solution_offered=True, replacement_sent=True, **statement
    )
    assert said(language, OFFERED) in replaced
    assert said(language, REPLACED) in replaced
    assert said(language, REFUNDED) not in replaced


async def test_marking_a_solution_sent_is_what_the_statement_reports(bot: Any) -> None:
    """Through the chat: the statement before any solution proposes to work on one; after the
    replacement offer is marked sent, it says a solution was offered and a replacement sent."""
    async with bot() as chat:
        await open_claim(
            chat, market="UK · United Kingdom", reason="Damaged or defective", language="English"
        )
        await chat.press("✓ Mark as sent")
        await chat.press("All drafts")
        before = texts(await chat.press("Statement to Amazon"))[1]
        assert WORKING in before
        assert REPLACED not in before
        await chat.press("◂ Back to the claim")
        await chat.press("All drafts")
        await chat.press("Replacement offer")
        await chat.press("✓ Mark as sent")
        claim = await stored_claim(chat)
        assert claim.facts.extra["sent_kinds"] == "inquiry,replacement"
        await chat.press("All drafts")
        after = texts(await chat.press("Statement to Amazon"))[1]
        assert OFFERED in after
        assert REPLACED in after
        assert REFUNDED not in after


CAUSES = {
    "usage": (
        "Cause found: the buyer's reply shows a question of how to use the item, not a defect."
    ),
    "defective": "Cause found: the buyer's reply confirms that the item is defective.",
    "delivery": "Cause found: the parcel was held up on its way to the buyer.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statement_names_the_cause_found_not_only_the_reason(language: str) -> None:
    for cause, sentence in CAUSES.items():
        text = body(
            "amazon_statement", language, fulfillment="fbm", reason="defective", cause=cause
        )
        assert said(language, sentence) in text
        others = set(CAUSES.values()) - {sentence}
        assert not any(said(language, other) in text for other in others)
    for unknown in ("other", None):
        text = body("amazon_statement", language, fulfillment="fbm", cause=unknown)
        assert not any(said(language, sentence) in text for sentence in CAUSES.values())


async def test_the_cause_the_agent_picked_reaches_the_statement(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(
            chat, market="UK · United Kingdom", reason="Damaged or defective", language="English"
        )
        await chat.press("✓ Mark as sent")
        await chat.press("💬 Buyer replied")
        await chat.send("The lid hinge broke after two days.")
        await chat.press("Really defective")
        await chat.press("All drafts")
        statement = texts(await chat.press("Statement to Amazon"))[1]
        assert CAUSES["defective"] in statement
