"""US English: buyers on amazon.com read US spelling and wording (`locales/en_US`, a partial
catalog over the British source text); every other English marketplace keeps the source."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.domain.claims import Cause, Reason
from bot.domain.compliance import lint
from bot.domain.contact import CONTACT_WHATS
from bot.domain.fields import DELAY_CAUSES, DELAY_NEXT, delay_next_choices
from bot.drafting import Renderer
from bot.i18n import Catalogs

US_ORDER = "113-1234567-7654321"
FACTS: dict[str, object] = {
    "order_id": US_ORDER,
    "buyer_name": "Emily Johnson",
    "product": "Electric Kettle EK-2",
    "fulfillment": "fbm",
    "carrier": "UPS",
    "tracking_number": "1Z999AA10123456784",
    "delay_cause": "carrier_delay",
    "gift": "two spare filters",
    "store_name": "Acme Home",
}
# What only British English writes; none of it may reach a buyer on amazon.com.
BRITISH = re.compile(
    r"parcel|apologis|centre|favour|colour|fulfilment|follow the|faulty|your \S+ team",
    re.IGNORECASE,
)
# Canada keeps the British text on purpose: Canadian spelling follows British for centre and
# colour. The other English marketplaces are British English or follow it.
BRITISH_MARKETS = ("UK", "IE", "AU", "IN", "SG", "ZA", "AE", "SA", "EG", "CA")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(Catalogs())


def test_a_us_buyer_is_told_to_track_the_package(renderer: Renderer) -> None:
    draft = renderer.render("delivery_delay", {**FACTS, "marketplace": "US"}, "en")
    assert (draft.language, draft.requested_language) == ("en", "en")  # not a buyer language
    assert draft.body == (
        "Hello Emily Johnson,\n\n"
        f"We are very sorry that your order {US_ORDER} has not reached you on time. The package "
        "was delayed in transit with UPS. You can track your package with UPS using tracking "
        "number 1Z999AA10123456784.\n\n"
        "As a small gift to apologize for the wait, we would like to send you two spare "
        "filters.\n\n"
        "Kind regards,\n"
        "The Acme Home team"
    )


def test_a_us_inquiry_asks_about_the_package(renderer: Renderer) -> None:
    facts = {**FACTS, "marketplace": "US", "reason": "not_received"}
    body = renderer.render("inquiry", facts, "en").body
    assert "Could you let us know whether the package has arrived in the meantime?" in body
    assert "shipping address on the order" in body
    assert not BRITISH.search(body)


def test_a_us_statement_to_amazon_spells_fulfillment_and_favor(renderer: Renderer) -> None:
    facts = {**FACTS, "marketplace": "US", "solution_offered": True}
    body = renderer.render("amazon_statement", facts, "en").body
    assert "Fulfillment: shipped by the seller." in body
    assert "closed in our favor once it is in place" in body


@pytest.mark.parametrize("marketplace", BRITISH_MARKETS)
def test_other_english_marketplaces_keep_the_british_text(
    renderer: Renderer, marketplace: str
) -> None:
    body = renderer.render("delivery_delay", {**FACTS, "marketplace": marketplace}, "en").body
    assert "The parcel was held up in transit with UPS." in body
    assert "You can follow the parcel with UPS using the tracking number" in body
    assert "to apologise for the wait" in body
    assert body.endswith("Your Acme Home team")


@pytest.mark.parametrize("marketplace", ["DE", "JP", "XX", None])
def test_only_the_marketplace_decides(renderer: Renderer, marketplace: str | None) -> None:
    # An English-speaking buyer on amazon.de reads the British text; so does a draft for no
    # (or an unknown) marketplace.
    british = renderer.render("delivery_delay", {**FACTS, "marketplace": "UK"}, "en").body
    facts = {**FACTS, "marketplace": marketplace, "currency": "EUR"}
    assert renderer.render("delivery_delay", facts, "en").body == british


def test_a_spanish_speaking_us_buyer_reads_the_spanish_catalog(renderer: Renderer) -> None:
    us = renderer.render("inquiry", {**FACTS, "marketplace": "US"}, "es")
    mx = renderer.render("inquiry", {**FACTS, "marketplace": "MX"}, "es")
    assert us.language == "es"
    assert us.text == mx.text


# Every line the statement's contact log can hold, and every "what happens now".
CONTACT_LOG = [{"date": "2026-11-20", "what": what} for what in sorted(CONTACT_WHATS)]


def test_every_delay_next_reads_as_us_english(renderer: Renderer) -> None:
    for following in DELAY_NEXT:
        facts = {**FACTS, "marketplace": "US", "delay_cause": "customs", "delay_next": following}
        text = renderer.render("delivery_delay", facts, "en").text
        assert not BRITISH.search(text), text


def test_no_british_spelling_reaches_a_us_buyer_in_any_draft(renderer: Renderer) -> None:
    full = {
        **FACTS, "marketplace": "US", "usage_steps": "1. Remove the lid.", "gift_value": "9.99",
        "refund_amount": "29.99", "contacted_on": "2026-11-20", "delivery_date": "2026-11-18",
        "documents_sent": True, "replacement_sent": True, "refund_sent": True,
    }  # fmt: skip
    combinations = itertools.product(
        renderer.kinds(),
        (None, *Reason),
        DELAY_CAUSES,
        (None, *Cause),
        ("fbm", "fba"),
        (False, True),
    )
    for kind, reason, delay_cause, cause, fulfillment, replied in combinations:
        following = delay_next_choices(delay_cause)[(len(kind) + len(str(reason))) % 2]
        facts = {
            **full, "reason": reason, "delay_cause": delay_cause, "cause": cause,
            "fulfillment": fulfillment, "replied": replied, "solution_offered": replied,
            "delay_next": following, "contact_log": CONTACT_LOG,
        }  # fmt: skip
        draft = renderer.render(kind, facts, "en")
        assert not BRITISH.search(draft.text), (kind, reason, delay_cause, cause, draft.text)
        to_buyer = kind != "amazon_statement"  # the statement reports gift and withdrawal
        findings = lint(draft.text, language="en", order_id=US_ORDER, to_buyer=to_buyer)
        assert [f.rule for f in findings] == [], (kind, facts, findings)
