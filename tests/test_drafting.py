"""Drafts: the inquiry word for word in English and German, every kind in every language, facts
as data (never template source), the Babel filters, and the locale kept per task."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel import Locale
from jinja2 import StrictUndefined, UndefinedError

from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.drafting import Draft, DraftFactsError, Renderer, UnknownDraftKindError
from bot.drafting.environment import drafting_locale
from bot.drafting.renderer import FACT_KEYS
from bot.i18n import MESSAGES_DOMAIN, SOURCE_LANGUAGE, Catalogs
from tests.helpers import ORDER

KINDS = (
    "amazon_statement",
    "delivery_delay",
    "follow_up",
    "gift_offer",
    "inquiry",
    "refund",
    "replacement",
    "usage_help",
    "withdrawal_request",
)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture(scope="module")
def renderer(catalogs: Catalogs) -> Renderer:
    return Renderer(catalogs)


def _languages() -> tuple[str, ...]:
    return Catalogs().languages(MESSAGES_DOMAIN)


# --- Golden: inquiry in English and German -------------------------------------------------------
GOLDEN_FACTS: dict[str, object] = {
    "order_id": ORDER,
    "buyer_name": "Anna Schmidt",
    "product": "Kettle WK-2",
    "reason": "defective",
    "agent_name": "Li Wei",
    "store_name": "Acme Home",
}

INQUIRY_EN_SUBJECT = "Your order 303-1234567-7654321: we are sorry and want to help"
INQUIRY_EN_BODY = """\
Hello Anna Schmidt,

We are sorry that your order 303-1234567-7654321 (Kettle WK-2) has caused you trouble. \
We understand that the item does not work as it should.

We would like to solve this with you as quickly as possible. Could you tell us briefly what the \
main problem is? If it is the same problem you already described to us, a short confirmation is \
enough.

If you can, please add a photo of the item or describe what happens when you use it. This helps \
us find the right solution quickly.

We will get back to you within one day of your reply.

Kind regards,
Li Wei
Your Acme Home team"""

INQUIRY_DE_SUBJECT = "Ihre Bestellung 303-1234567-7654321: Es tut uns leid – wir helfen Ihnen gern"
INQUIRY_DE_BODY = """\
Guten Tag Anna Schmidt,

es tut uns sehr leid, dass es mit Ihrer Bestellung 303-1234567-7654321 (Kettle WK-2) Probleme \
gegeben hat. Wie wir erfahren haben, funktioniert der Artikel nicht so, wie er sollte.

Wir möchten das gemeinsam mit Ihnen so schnell wie möglich lösen. Könnten Sie uns kurz \
schildern, worin das Hauptproblem besteht? Wenn es um dasselbe Problem geht, das Sie uns bereits \
beschrieben haben, genügt eine kurze Bestätigung.

Wenn möglich, senden Sie uns bitte ein Foto des Artikels oder beschreiben Sie, was bei der \
Benutzung passiert. So finden wir schnell die passende Lösung.

Nach Ihrer Antwort melden wir uns innerhalb eines Tages bei Ihnen.

Mit freundlichen Grüßen
Li Wei
Ihr Team von Acme Home"""

INQUIRY_EN_MINIMAL = """\
Hello,

We are sorry that your order 303-1234567-7654321 has caused you trouble.

We would like to solve this with you as quickly as possible. Could you tell us briefly what the \
main problem is? If it is the same problem you already described to us, a short confirmation is \
enough.

We will get back to you within one day of your reply.

Kind regards,
Your customer service team"""

INQUIRY_DE_MINIMAL = """\
Guten Tag,

es tut uns sehr leid, dass es mit Ihrer Bestellung 303-1234567-7654321 Probleme gegeben hat.

Wir möchten das gemeinsam mit Ihnen so schnell wie möglich lösen. Könnten Sie uns kurz \
schildern, worin das Hauptproblem besteht? Wenn es um dasselbe Problem geht, das Sie uns bereits \
beschrieben haben, genügt eine kurze Bestätigung.

Nach Ihrer Antwort melden wir uns innerhalb eines Tages bei Ihnen.

Mit freundlichen Grüßen
Ihr Kundenservice"""


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", INQUIRY_EN_SUBJECT, INQUIRY_EN_BODY),
        ("de", INQUIRY_DE_SUBJECT, INQUIRY_DE_BODY),
    ],
)
def test_inquiry_golden(renderer: Renderer, language: str, subject: str, body: str) -> None:
    draft = renderer.render("inquiry", GOLDEN_FACTS, language)
    assert draft == Draft("inquiry", language, language, subject, body)
    assert not draft.is_fallback


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", INQUIRY_EN_SUBJECT, INQUIRY_EN_MINIMAL),
        ("de", INQUIRY_DE_SUBJECT, INQUIRY_DE_MINIMAL),
    ],
)
def test_inquiry_golden_minimal(renderer: Renderer, language: str, subject: str, body: str) -> None:
    draft = renderer.render("inquiry", {"order_id": ORDER}, language)
    assert (draft.subject, draft.body) == (subject, body)


def test_inquiry_signature_replaces_the_team_line(renderer: Renderer) -> None:
    facts = {**GOLDEN_FACTS, "signature": "Acme Home GmbH\nKundenservice"}
    body = renderer.render("inquiry", facts, "de").body
    assert body.endswith("Mit freundlichen Grüßen\nLi Wei\nAcme Home GmbH\nKundenservice")
    assert "Ihr Team von" not in body


# --- Every kind, every language, minimal and full facts ------------------------------------------
SAMPLE_FACTS: dict[str, object] = {
    "order_id": ORDER,
    "marketplace": "DE",
    "language": "de",
    "buyer_name": "Anna Schmidt",
    "product": "Kettle WK-2",
    "reason": "defective",
    "fulfillment": "fbm",
    "carrier": "DHL",
    "tracking_number": "00340434161094042557",
    "delay_cause": "customs",
    "delay_next": "on_its_way",
    "contact_log": [
        {"date": "2026-11-20", "what": "inquiry"},
        {"date": "2026-11-21", "what": "buyer_replied"},
    ],
    "gift": "a pack of tea",
    "store_name": "Acme Home",
    "agent_name": "Li Wei",
    "signature": "Acme Home GmbH\nCustomer care",
    "order_date": "2026-11-01",
    "currency": "EUR",
    "usage_steps": "Hold the power button for 5 seconds.\nPress start.",
    "refund_amount": "19.99",
    "gift_value": "5",
    "contacted_on": "2026-11-20",
    "delivery_date": "2026-11-05",
    "contact_summary": "We wrote to the buyer on 20 November.",
    "concession": "A partial refund of 5 EUR, accepted by the buyer.",
    "proposal": "A replacement at our cost.",
    "replied": True,
    "documents_sent": True,
    "solution_offered": True,
    "replacement_sent": False,
    "refund_sent": False,
    "cause": "defective",
}


def test_sample_facts_cover_every_fact_key() -> None:
    assert set(SAMPLE_FACTS) == set(FACT_KEYS)


def test_renderer_knows_every_kind_and_uses_strict_undefined(renderer: Renderer) -> None:
    assert renderer.kinds() == KINDS
    assert renderer.env.undefined is StrictUndefined
    with pytest.raises(UndefinedError):
        renderer.env.from_string("{{ no_such_fact }}").render()


def _text_problems(draft: Draft) -> list[str]:
    """What a skipped optional fact must never leave behind."""
    problems = []
    for name, text in (("subject", draft.subject), ("body", draft.body)):
        if text != text.strip() or not text:
            problems.append(f"{name}: empty or not trimmed")
        if "\n" in draft.subject:
            problems.append("subject: several lines")
        if re.search(r"\n[ \t]*\n[ \t]*\n", text):
            problems.append(f"{name}: more than one blank line")
        if re.search(r"[ \t]+\n", text):
            problems.append(f"{name}: trailing spaces")
        if re.search(r"\n[ \t]+\S", text):
            problems.append(f"{name}: leading spaces")
        for bad in (" ,", " .", "()", "( )", ",,", "..", "  ", "None", "{{", "{%", "%("):
            if bad in text:
                problems.append(f"{name}: {bad!r}")
    return problems


@pytest.mark.parametrize("language", _languages())
@pytest.mark.parametrize("kind", KINDS)
def test_minimal_facts_render_everywhere(renderer: Renderer, kind: str, language: str) -> None:
    # The statement to Amazon must say who shipped the order; everything else needs the id only.
    minimal = (
        {"order_id": ORDER, "fulfillment": "fba"}
        if kind == "amazon_statement"
        else {"order_id": ORDER}
    )
    draft = renderer.render(kind, minimal, language)
    assert (draft.kind, draft.language, draft.requested_language) == (kind, language, language)
    assert ORDER in draft.subject + draft.body
    assert _text_problems(draft) == []


@pytest.mark.parametrize("language", _languages())
@pytest.mark.parametrize("kind", KINDS)
def test_full_facts_render_everywhere(renderer: Renderer, kind: str, language: str) -> None:
    facts = {**SAMPLE_FACTS, "language": language}
    draft = renderer.render(kind, facts, language)
    assert draft.language == language
    assert ORDER in draft.subject + draft.body
    assert _text_problems(draft) == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_full_facts_are_used(renderer: Renderer, language: str) -> None:
    body = renderer.render("inquiry", SAMPLE_FACTS, language).body
    for fact in ("buyer_name", "product", "agent_name"):
        assert str(SAMPLE_FACTS[fact]) in body
    assert body.endswith("Li Wei\nAcme Home GmbH\nCustomer care")


INQUIRY_OPTIONAL = ("buyer_name", "product", "reason", "agent_name", "signature", "store_name")


@pytest.mark.parametrize("language", ["en", "de"])
def test_optional_facts_left_out_leave_no_traces(renderer: Renderer, language: str) -> None:
    for size in range(len(INQUIRY_OPTIONAL) + 1):
        for chosen in itertools.combinations(INQUIRY_OPTIONAL, size):
            facts = {"order_id": ORDER, **{key: SAMPLE_FACTS[key] for key in chosen}}
            draft = renderer.render("inquiry", facts, language)
            assert _text_problems(draft) == [], chosen
            first_line = draft.body.split("\n", 1)[0]
            assert first_line.endswith(","), chosen  # the greeting, with or without a name
            assert ("Anna Schmidt" in first_line) == ("buyer_name" in chosen)


@pytest.mark.parametrize("empty", ["", None])
def test_empty_optional_facts_count_as_missing(renderer: Renderer, empty: str | None) -> None:
    facts = {"order_id": ORDER, "buyer_name": empty, "product": empty, "store_name": empty}
    assert renderer.render("inquiry", facts, "en").body == INQUIRY_EN_MINIMAL


# --- Errors --------------------------------------------------------------------------------------
def test_unknown_fact_key_is_an_error(renderer: Renderer) -> None:
    with pytest.raises(DraftFactsError, match="unknown facts: buyer_email"):
        renderer.render("inquiry", {"order_id": ORDER, "buyer_email": "a@example.com"}, "en")


@pytest.mark.parametrize(
    "facts", [{}, {"order_id": ""}, {"order_id": None}, {"buyer_name": "Anna"}]
)
def test_missing_order_id_is_an_error(renderer: Renderer, facts: Mapping[str, object]) -> None:
    with pytest.raises(DraftFactsError, match="order_id"):
        renderer.render("inquiry", facts, "en")


@pytest.mark.parametrize("kind", ["no_such_kind", "_common", "inquiry.j2", "../inquiry", ""])
def test_unknown_kind_is_an_error(renderer: Renderer, kind: str) -> None:
    with pytest.raises(UnknownDraftKindError):
        renderer.render(kind, {"order_id": ORDER}, "en")


def test_draft_errors_are_standard_exceptions() -> None:
    assert issubclass(DraftFactsError, ValueError)
    assert issubclass(UnknownDraftKindError, LookupError)


# --- Fallback ------------------------------------------------------------------------------------
def _language_without_catalog() -> str:
    missing = sorted(set(BUYER_LANGUAGES) - set(_languages()))
    return missing[0] if missing else "ko"


@pytest.mark.parametrize("requested", [_language_without_catalog(), "ko"])
def test_language_without_catalog_falls_back_to_english(renderer: Renderer, requested: str) -> None:
    assert requested not in renderer.languages()
    draft = renderer.render("inquiry", GOLDEN_FACTS, requested)
    assert draft.language == SOURCE_LANGUAGE
    assert draft.requested_language == requested
    assert draft.is_fallback
    assert (draft.subject, draft.body) == (INQUIRY_EN_SUBJECT, INQUIRY_EN_BODY)
    assert renderer.resolve_language(requested) == SOURCE_LANGUAGE


def test_language_with_catalog_is_not_a_fallback(renderer: Renderer) -> None:
    assert renderer.resolve_language("de") == "de"
    assert not renderer.render("inquiry", GOLDEN_FACTS, "de").is_fallback


# --- Facts are data, never template source ------------------------------------------------------
INJECTIONS = (
    "{{ 7*7 }}",
    "{% if true %}yes{% endif %}",
    "%(order_id)s",
    "{{ ''.__class__.__mro__ }}",
    "{# comment #}",
)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_facts_are_rendered_literally(renderer: Renderer, language: str, value: str) -> None:
    facts = {**GOLDEN_FACTS, "buyer_name": value, "product": value, "store_name": value}
    draft = renderer.render("inquiry", facts, language)
    greeting = "Hello" if language == "en" else "Guten Tag"
    assert draft.body.startswith(f"{greeting} {value},\n")
    assert f"({value})" in draft.body
    assert draft.body.count(value) == 3
    assert "49" not in draft.body
    assert "yes" not in draft.body.replace(value, "")


# --- Babel filters -------------------------------------------------------------------------------
RenderIn = Callable[..., str]


@pytest.fixture
def render_in(catalogs: Catalogs, renderer: Renderer) -> RenderIn:
    """Render template source inside `drafting_locale` for a language."""

    def render(language: str, source: str, **values: object) -> str:
        translations = catalogs.get(MESSAGES_DOMAIN, language)
        with drafting_locale(translations, Locale.parse(language)):
            return renderer.env.from_string(source).render(**values)

    return render


DAY = date(2026, 11, 28)
MOMENT = datetime(2026, 12, 1, 18, 44, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("en", "{{ day|date }}", "November 28, 2026"),
        ("de", "{{ day|date }}", "28. November 2026"),
        ("ja", "{{ day|date }}", "2026年11月28日"),
        ("en", "{{ day|date('short') }}", "11/28/26"),
        ("de", "{{ day|date('short') }}", "28.11.26"),
        ("en", "{{ moment|date }}", "December 1, 2026"),
        ("en", "{{ moment|datetime }}", "Dec 1, 2026, 6:44:00\u202fPM"),
        ("en", "{{ moment|datetime('Europe/Berlin') }}", "Dec 1, 2026, 7:44:00\u202fPM"),
        ("de", "{{ moment|datetime('Europe/Berlin') }}", "01.12.2026, 19:44:00"),
        ("de", "{{ moment|datetime('Asia/Tokyo', 'short') }}", "02.12.26, 03:44"),
    ],
)
def test_date_filters(render_in: RenderIn, language: str, source: str, expected: str) -> None:
    assert render_in(language, source, day=DAY, moment=MOMENT) == expected


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("en", 1234, "JPY", "¥1,234"),
        ("en", Decimal("1234.40"), "JPY", "¥1,234"),  # JPY has no decimals
        ("ja", "1234", "JPY", "￥1,234"),
        ("de", "1234.5", "EUR", "1.234,50\u00a0€"),  # decimal comma, euro after the amount
        ("de", Decimal("19.99"), "EUR", "19,99\u00a0€"),
        ("en", Decimal("12.5"), "EUR", "€12.50"),
        ("en", 1234.5, "USD", "$1,234.50"),
        ("en", 0.1, "USD", "$0.10"),  # floats go through str(): no binary noise
    ],
)
def test_money_filter(
    render_in: RenderIn, language: str, amount: object, currency: str, expected: str
) -> None:
    source = "{{ amount|money(currency) }}"
    assert render_in(language, source, amount=amount, currency=currency) == expected


def test_money_in_a_german_refund(renderer: Renderer) -> None:
    facts = {"order_id": ORDER, "refund_amount": "1234.5", "marketplace": "DE"}
    body = renderer.render("refund", facts, "de").body
    assert "1.234,50\u00a0€" in body


def test_money_in_a_japanese_marketplace_refund(renderer: Renderer) -> None:
    facts = {"order_id": ORDER, "refund_amount": "1500", "marketplace": "JP"}
    body = renderer.render("refund", facts, "en").body
    assert "¥1,500 " in body
    assert "1,500.00" not in body


def test_translation_outside_drafting_locale_is_an_error(renderer: Renderer) -> None:
    with pytest.raises(RuntimeError, match="drafting_locale"):
        renderer.env.from_string("{% trans %}Kind regards,{% endtrans %}").render()


def test_drafting_locale_is_restored_after_the_block(
    catalogs: Catalogs, renderer: Renderer
) -> None:
    template = renderer.env.from_string("{% trans %}Kind regards,{% endtrans %}")
    with drafting_locale(catalogs.get(MESSAGES_DOMAIN, "en"), Locale.parse("en")):
        with drafting_locale(catalogs.get(MESSAGES_DOMAIN, "de"), Locale.parse("de")):
            assert template.render() == "Mit freundlichen Grüßen"
        assert template.render() == "Kind regards,"


# --- Concurrency: each task keeps its own language -----------------------------------------------
ROUNDS = 50
EXPECTED_GREETING = {"en": "Hello Anna Schmidt,", "de": "Guten Tag Anna Schmidt,"}
EXPECTED_CLOSING = {"en": "Kind regards,", "de": "Mit freundlichen Grüßen"}
EXPECTED_DATE = {"en": "November 28, 2026", "de": "28. November 2026"}


async def _take_turns() -> None:
    """Let the other task run: wait for a future the loop resolves on its next pass (no time
    passes, nothing sleeps)."""
    loop = asyncio.get_running_loop()
    turn = loop.create_future()
    loop.call_soon(turn.set_result, None)
    await turn


async def test_concurrent_renders_keep_their_own_language(renderer: Renderer) -> None:
    log: list[str] = []

    async def worker(language: str) -> list[Draft]:
        drafts = []
        for _ in range(ROUNDS):
            drafts.append(renderer.render("inquiry", GOLDEN_FACTS, language))
            log.append(language)
            await _take_turns()
        return drafts

    english, german = await asyncio.gather(worker("en"), worker("de"))
    assert sorted(log[:2]) == ["de", "en"]  # really interleaved, not one after the other
    assert sum(a != b for a, b in itertools.pairwise(log)) >= ROUNDS
    assert all(d.language == "en" and d.body == INQUIRY_EN_BODY for d in english)
    assert all(d.language == "de" and d.body == INQUIRY_DE_BODY for d in german)


async def test_locale_survives_a_task_switch_inside_the_block(
    catalogs: Catalogs, renderer: Renderer
) -> None:
    template = renderer.env.from_string(
        '{% from "_common.j2" import greeting %}'
        "{{ greeting(buyer_name) }}|{% trans %}Kind regards,{% endtrans %}|{{ day|date }}"
    )
    switches: list[str] = []

    async def worker(language: str) -> list[str]:
        results = []
        for _ in range(ROUNDS):
            translations = catalogs.get(MESSAGES_DOMAIN, language)
            with drafting_locale(translations, Locale.parse(language)):
                switches.append(language)
                await _take_turns()  # the other task enters its own locale meanwhile
                results.append(template.render(buyer_name="Anna Schmidt", day=DAY))
        return results

    english, german = await asyncio.gather(worker("en"), worker("de"))
    assert sum(a != b for a, b in itertools.pairwise(switches)) >= ROUNDS
    for language, results in (("en", english), ("de", german)):
        expected = "|".join(
            (EXPECTED_GREETING[language], EXPECTED_CLOSING[language], EXPECTED_DATE[language])
        )
        assert results == [expected] * ROUNDS


def test_partial_refund_without_currency_is_refused(renderer: Renderer) -> None:
    with pytest.raises(DraftFactsError, match="needs a currency"):
        renderer.render("refund", {"order_id": ORDER, "refund_amount": "5"}, "en")
    body = renderer.render(
        "refund", {"order_id": ORDER, "refund_amount": "5", "marketplace": "UK"}, "en"
    ).body
    assert "We have refunded £5.00 for your order" in body


def test_statement_needs_to_know_who_shipped(renderer: Renderer) -> None:
    with pytest.raises(DraftFactsError, match="missing facts: fulfillment"):
        renderer.render("amazon_statement", {"order_id": ORDER}, "en")
    with pytest.raises(DraftFactsError, match="fulfillment must be fbm or fba"):
        renderer.render("amazon_statement", {"order_id": ORDER, "fulfillment": "amazon"}, "en")


def test_a_lost_parcel_is_not_followed_by_its_tracking_number(renderer: Renderer) -> None:
    facts = {"order_id": ORDER, "delay_cause": "lost", "carrier": "DHL", "tracking_number": "0034"}
    body = renderer.render("gift_offer", {**facts, "gift": "two filters"}, "en").body
    assert "lost track of the parcel" in body
    assert "tracking number" not in body


def test_the_gift_can_carry_its_value(renderer: Renderer) -> None:
    facts = {"order_id": ORDER, "gift": "two spare filters", "gift_value": "5", "marketplace": "UK"}
    body = renderer.render("gift_offer", facts, "en").body
    assert "we would like to send you two spare filters, worth £5.00." in body
    with pytest.raises(DraftFactsError, match="gift_value needs a currency"):
        renderer.render("gift_offer", {"order_id": ORDER, "gift": "x", "gift_value": "5"}, "en")


def test_japanese_sentences_are_not_separated_by_spaces(renderer: Renderer) -> None:
    facts = {"order_id": ORDER, "delay_cause": "customs", "tracking_number": "1234", "gift": "x"}
    body = renderer.render("delivery_delay", facts, "ja").body
    assert "。 " not in body
    assert "。" in body
