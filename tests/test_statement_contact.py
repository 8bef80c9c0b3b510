"""What the delay message and the statement to Amazon state comes from what was recorded
(issue 14, parts 2 and 3): the delay message says what happens now, as the agent chose it for
the cause; the statement lists the contact with the buyer as the bot recorded it, and is
written in the language the agent chose for Amazon, which the card names."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.claims import Claim, ClaimFacts, Evidence, Fulfillment, Reason, Stage, StepId
from bot.domain.compliance import lint
from bot.domain.contact import ContactEntry, contact_log, statement_language, statement_languages
from bot.domain.fields import delay_next_choices
from bot.domain.journey import delay_fact_missing, evidence_fact_missing
from bot.drafting import Renderer
from bot.drafting.renderer import DraftFactsError
from bot.i18n import Catalogs
from tests.helpers import (
    ORDER,
    alerts,
    choose_delay,
    open_claim,
    stored_claim,
    texts,
    walk_to_language,
)

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
RENDERER = Renderer(Catalogs())


def make(
    marketplace: str = "DE",
    language: str = "de",
    reason: Reason = Reason.DEFECTIVE,
    **extra: str,
) -> Claim:
    facts = ClaimFacts(ORDER, marketplace, Fulfillment.FBM, reason, language, NOW, extra=extra)
    return Claim(1, 42, facts, Stage.CONTACTING_BUYER, NOW + timedelta(hours=72), NOW)


# --- The rules ---------------------------------------------------------------------------------
def test_the_contact_log_is_what_was_recorded_dated_in_the_marketplace_zone() -> None:
    late = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # already the 3rd in Tokyo
    events: list[tuple[str, dict[str, Any], datetime]] = [
        ("claim_opened", {}, NOW),
        ("draft_sent", {"kind": "inquiry"}, NOW),
        ("draft_sent", {"kind": "amazon_statement"}, NOW),  # to Amazon: not contact
        ("buyer_replied", {"summary_length": 12}, late),
        ("fact_changed", {"field": "carrier"}, late),
        ("draft_sent", {"kind": "replacement"}, late),
        ("problem_solved", {}, late),
        ("draft_sent", {"kind": "no_such_kind"}, late),
    ]
    assert contact_log(events, "Asia/Tokyo") == (
        ContactEntry(NOW.date(), "inquiry"),
        ContactEntry(late.date() + timedelta(days=1), "buyer_replied"),
        ContactEntry(late.date() + timedelta(days=1), "replacement"),
        ContactEntry(late.date() + timedelta(days=1), "problem_solved"),
    )
    assert contact_log(events, "Europe/Berlin")[1].day == late.date() + timedelta(days=1)
    assert contact_log(events, "America/Los_Angeles")[1].day == late.date()


def test_the_statement_language_is_the_agents_choice_among_what_amazon_reads() -> None:
    # The buyer's language when the marketplace reads it, else the marketplace's own.
    assert statement_language(make("DE", "de")) == "de"
    assert statement_language(make("DE", "en")) == "de"
    assert statement_language(make("CA", "fr")) == "fr"
    assert statement_language(make("US", "es")) == "es"
    assert statement_language(make("JP", "en")) == "ja"
    assert statement_languages(make("DE", "en")) == ("de", "en")
    assert statement_languages(make("AE", "ar")) == ("ar", "en")
    assert statement_language(make("DE", "en", statement_language="en")) == "en"
    # A choice the marketplace does not read (a forged or stale fact) is not used.
    assert statement_language(make("DE", "de", statement_language="ja")) == "de"


def test_the_delay_message_needs_its_cause_and_what_happens_now() -> None:
    late = replace(make(reason=Reason.LATE_DELIVERY), step=StepId.EXPLAIN_DELIVERY)
    assert delay_fact_missing(late) == "delay_cause"
    caused = replace(late, facts=replace(late.facts, extra={"delay_cause": "customs"}))
    assert delay_fact_missing(caused) == "delay_next"
    extra = {"delay_cause": "customs", "delay_next": "on_its_way"}
    assert delay_fact_missing(replace(late, facts=replace(late.facts, extra=extra))) is None
    # "On its way" no longer fits once the parcel is lost: asked again.
    lost = {"delay_cause": "lost", "delay_next": "on_its_way"}
    assert delay_fact_missing(replace(late, facts=replace(late.facts, extra=lost))) == "delay_next"
    assert delay_next_choices("lost") == ("new_parcel", "refund")
    # A claim whose plan explains no delay needs neither.
    assert delay_fact_missing(make()) is None


def test_the_renderer_refuses_what_happens_now_that_contradicts_the_cause() -> None:
    facts = {"order_id": ORDER, "marketplace": "UK", "gift": "a filter", "delay_cause": "lost"}
    with pytest.raises(DraftFactsError):
        RENDERER.render("delivery_delay", {**facts, "delay_next": "on_its_way"}, "en")
    with pytest.raises(DraftFactsError):
        RENDERER.render("delivery_delay", {**facts, "delay_next": "soon"}, "en")
    text = RENDERER.render(
        "delivery_delay", {**facts, "delay_next": "new_parcel", "tracking_number": "JD0002"}, "en"
    ).body
    assert "We are sending you a new parcel free of charge" in text
    assert "JD0002" not in text  # the lost parcel's tracking is no use to the buyer


@pytest.mark.parametrize(
    ("following", "sentence", "tracking"),
    [
        ("on_its_way", "The tracking shows that the parcel is now on its way to you.", True),
        ("delivered", "The tracking shows that the parcel has now been delivered.", True),
        ("new_parcel", "We are sending you a new parcel free of charge", False),
        ("refund", "We are refunding the full amount of your order.", False),
    ],
)
def test_the_delay_message_says_what_happens_now(
    following: str, sentence: str, tracking: bool
) -> None:
    facts = {
        "order_id": ORDER,
        "marketplace": "UK",
        "gift": "a filter",
        "delay_cause": "customs",
        "delay_next": following,
        "tracking_number": "JD0002",
    }
    for kind in ("delivery_delay", "gift_offer"):
        text = RENDERER.render(kind, facts, "en").body
        assert sentence in text
        assert ("JD0002" in text) is tracking
        assert text.index(sentence) < text.index("a filter")  # the gift comes last


def test_the_statement_lists_the_contact_and_the_agents_addition() -> None:
    facts = {
        "order_id": ORDER,
        "marketplace": "UK",
        "fulfillment": "fbm",
        "contact_log": [
            {"date": "2026-11-02", "what": "inquiry"},
            {"date": "2026-11-03", "what": "buyer_replied"},
            {"date": "2026-11-03", "what": "replacement"},
        ],
        "contact_summary": "We also called the buyer on 4 November.",
    }
    text = RENDERER.render("amazon_statement", facts, "en").body
    assert (
        "Communication with the buyer:\n"
        "- 2 November 2026: we wrote to the buyer, apologised and asked about the problem.\n"
        "- 3 November 2026: the buyer replied.\n"
        "- 3 November 2026: we offered the buyer a free replacement.\n"
        "- We also called the buyer on 4 November.\n"
    ) in text
    silent = RENDERER.render(
        "amazon_statement", {**facts, "contact_log": [], "contact_summary": None}, "en"
    )
    assert "Communication with the buyer" not in silent.body
    with pytest.raises(DraftFactsError):
        RENDERER.render("amazon_statement", {**facts, "contact_log": [{"what": "inquiry"}]}, "en")
    with pytest.raises(DraftFactsError):
        RENDERER.render(
            "amazon_statement",
            {**facts, "contact_log": [{"date": "2026-11-02", "what": "x"}]},
            "en",
        )


def test_contact_evidence_needs_no_typed_summary_once_a_message_is_recorded() -> None:
    claim = make()
    assert evidence_fact_missing(claim, Evidence.CONTACT) == "contact_summary"
    assert evidence_fact_missing(replace(claim, contacted_at=NOW), Evidence.CONTACT) is None


# --- Through the chat --------------------------------------------------------------------------
async def test_the_statement_reports_the_recorded_contact(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await open_claim(
            chat, market="UK · United Kingdom", reason="Damaged or defective", language="English"
        )
        await chat.press("✓ Mark as sent")
        clock.advance(days=1)
        await chat.press("💬 Buyer replied")
        await chat.send("The lid hinge broke after two days.")
        await chat.press("Really defective")
        await chat.press("All drafts")
        await chat.press("Replacement offer")
        await chat.press("✓ Mark as sent")
        # Nothing typed: the contact is ticked from what was recorded.
        await chat.press("All drafts")
        await chat.press("Statement to Amazon")
        await chat.press("◂ Back to the claim")
        claim = await stored_claim(chat)
        assert claim.contacted_at is not None
        await chat.press("All drafts")
        statement = texts(await chat.press("Statement to Amazon"))[1]
        assert (
            "Communication with the buyer:\n"
            "- 2 November 2026: we wrote to the buyer, apologised and asked about the problem.\n"
            "- 3 November 2026: the buyer replied.\n"
            "- 3 November 2026: we offered the buyer a free replacement.\n"
        ) in statement


async def test_the_statement_is_written_in_the_language_chosen_for_amazon(bot: Any) -> None:
    async with bot() as chat:
        # A buyer writing English on amazon.de: the statement defaults to German.
        await walk_to_language(chat, reason="Damaged or defective")
        await chat.send("English")  # typed: amazon.de offers German only as a button
        await chat.press("Open the claim ▸")
        await chat.press("✓ Mark as sent")
        await chat.press("All drafts")
        shown, body = texts(await chat.press("Statement to Amazon"))
        header, preview = shown.split("\n\n", 1)
        assert "Statement to Amazon, version 1, in German." in header
        assert body.startswith("Sachverhalt: Der Käufer gibt an")
        assert preview.startswith("What it says, in English")
        await chat.press("◂ Back to the claim")
        # The card at the statement step names the language, and changes it.
        await chat.press("Next step ▸")
        await chat.press("Next step ▸")
        await chat.press("Next step ▸")
        assert "🌐 Statement language: German" in chat.labels()
        calls = await chat.press("🌐 Statement language: German")
        assert calls[-1].params["text"].startswith("Which language should the statement")
        assert chat.labels() == ["✓ German", "English", "◂ Back to the claim"]
        header, body = texts(await chat.press("English"))[:2]
        assert "Statement to Amazon, version 2, in English." in header
        assert body.startswith("What happened: the buyer reports")
        claim = await stored_claim(chat)
        assert claim.facts.extra["statement_language"] == "en"
        # A language Amazon.de does not read, forged: refused, nothing changed.
        calls = await chat.press_data(f"c:1:{claim.revision}:stlang:ja")
        assert alerts(calls) == ["That button is not valid any more."]
        assert (await stored_claim(chat)).facts.extra["statement_language"] == "en"


async def test_a_cause_that_rules_out_what_happens_now_clears_it(bot: Any) -> None:
    async with bot() as chat:
        await open_claim(chat, reason="Item not received")
        await chat.press("✓ Mark as sent")
        await choose_delay(chat, "Customs", "Tracking shows it on its way")
        await chat.press("◂ Back to the claim")  # the draft came; the gift was asked first
        claim = await stored_claim(chat)
        assert claim.facts.extra["delay_next"] == "on_its_way"
        # Lost after all: "on its way" would now be untrue, so it is asked again.
        calls = await chat.press_data(f"c:1:{claim.revision}:delay:lost")
        assert calls[-1].params["text"].startswith("What happens now with the parcel?")
        assert "delay_next" not in (await stored_claim(chat)).facts.extra
        # And it cannot be forced back.
        claim = await stored_claim(chat)
        calls = await chat.press_data(f"c:1:{claim.revision}:dnext:on_its_way")
        assert alerts(calls) == ["That button is not valid any more."]
        assert "delay_next" not in (await stored_claim(chat)).facts.extra


async def test_the_buyer_language_can_be_corrected_to_a_regional_one(bot: Any) -> None:
    """Brazilian Portuguese as a button argument ("pt_BR") was not read as one before."""
    async with bot() as chat:
        await open_claim(chat, market="BR · Brazil", language="Portuguese (Brazil)")
        claim = await stored_claim(chat)
        await chat.press_data(f"c:1:{claim.revision}:lang:es")
        assert (await stored_claim(chat)).facts.buyer_language == "es"
        claim = await stored_claim(chat)
        await chat.press_data(f"c:1:{claim.revision}:lang:pt_BR")
        assert (await stored_claim(chat)).facts.buyer_language == "pt_BR"


@pytest.mark.parametrize("language", RENDERER.languages())
def test_the_statement_reports_gift_and_withdrawal_without_a_coupling_finding(
    language: str,
) -> None:
    """The statement tells Amazon that a gift was offered and, later, the withdrawal asked:
    no buyer reads them together, so the coupling rule is for buyer messages only."""
    log = [
        {"date": "2026-11-02", "what": "delivery_delay"},
        {"date": "2026-11-04", "what": "problem_solved"},
        {"date": "2026-11-04", "what": "withdrawal_request"},
    ]
    facts = {"order_id": ORDER, "marketplace": "DE", "fulfillment": "fbm", "contact_log": log}
    text = RENDERER.render("amazon_statement", facts, language).text
    assert "coupling" not in {f.rule for f in lint(text, language=language, to_buyer=False)}
    if language in ("en", "de"):  # the same text, read as a buyer message, would be blocked
        assert "coupling" in {f.rule for f in lint(text, language=language)}
