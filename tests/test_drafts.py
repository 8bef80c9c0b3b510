"""Drafts: exact text per language, optional facts, facts as data, Babel filters, locales kept
apart under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from babel import Locale

from bot.domain.drafts import DraftKind
from bot.drafting import DraftFactsError, Renderer, UnknownDraftKindError
from bot.drafting.environment import drafting_locale
from bot.i18n import MESSAGES_DOMAIN, Catalogs

ORDER = "303-1234567-7654321"
FULL = {
    "order_id": ORDER,
    "marketplace": "DE",
    "buyer_name": "Anna Schmidt",
    "product": "Wasserkocher WK-2",
    "reason": "defective",
    "fulfillment": "fbm",
    "carrier": "DHL",
    "tracking_number": "00340434161094042557",
    "store_name": "Acme Home",
    "agent_name": "Li Wei",
    "signature": None,
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(Catalogs())


GOLDEN_EN = """\
Hello Anna Schmidt,

We are sorry that your order 303-1234567-7654321 (Wasserkocher WK-2) has caused you trouble. \
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

GOLDEN_DE = """\
Guten Tag Anna Schmidt,

es tut uns sehr leid, dass es mit Ihrer Bestellung 303-1234567-7654321 (Wasserkocher WK-2) \
Probleme gegeben hat. Wie wir erfahren haben, funktioniert der Artikel nicht so, wie er sollte.

Wir möchten das gemeinsam mit Ihnen so schnell wie möglich lösen. Könnten Sie uns kurz \
schildern, worin das Hauptproblem besteht? Wenn es um dasselbe Problem geht, das Sie uns \
bereits beschrieben haben, genügt eine kurze Bestätigung.

Wenn möglich, senden Sie uns bitte ein Foto des Artikels oder beschreiben Sie, was bei der \
Benutzung passiert. So finden wir schnell die passende Lösung.

Nach Ihrer Antwort melden wir uns innerhalb eines Tages bei Ihnen.

Mit freundlichen Grüßen
Li Wei
Ihr Team von Acme Home"""


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", f"Your order {ORDER}: we are sorry and want to help", GOLDEN_EN),
        ("de", f"Ihre Bestellung {ORDER}: Es tut uns leid – wir helfen Ihnen gern", GOLDEN_DE),
    ],
)
def test_inquiry_golden(renderer: Renderer, language: str, subject: str, body: str) -> None:
    draft = renderer.render("inquiry", FULL, language)
    assert (draft.kind, draft.language, draft.is_fallback) == ("inquiry", language, False)
    assert draft.subject == subject
    assert draft.body == body


def test_minimal_facts(renderer: Renderer) -> None:
    draft = renderer.render("inquiry", {"order_id": ORDER}, "de")
    assert draft.body == (
        "Guten Tag,\n\nes tut uns sehr leid, dass es mit Ihrer Bestellung 303-1234567-7654321"
        " Probleme gegeben hat.\n\nWir möchten das gemeinsam mit Ihnen so schnell wie möglich"
        " lösen. Könnten Sie uns kurz schildern, worin das Hauptproblem besteht? Wenn es um"
        " dasselbe Problem geht, das Sie uns bereits beschrieben haben, genügt eine kurze"
        " Bestätigung.\n\nNach Ihrer Antwort melden wir uns innerhalb eines Tages bei Ihnen."
        "\n\nMit freundlichen Grüßen\nIhr Kundenservice"
    )


@pytest.mark.parametrize(
    "reason",
    ["not_received", "late_delivery", "not_as_described", "defective", "return_not_refunded",
     "return_refused", "other", None],
)  # fmt: skip
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_reason_renders_cleanly(
    renderer: Renderer, reason: str | None, language: str
) -> None:
    for facts in ({"order_id": ORDER, "reason": reason}, {**FULL, "reason": reason}):
        draft = renderer.render("inquiry", facts, language)
        lines = draft.body.split("\n")
        assert all(line == line.strip() for line in lines)
        assert "\n\n\n" not in draft.body
        assert "()" not in draft.body
        assert " ," not in draft.body
        assert " ." not in draft.body
        assert ORDER in draft.body
        assert ORDER in draft.subject
        assert "None" not in draft.body


def test_every_kind_in_every_language(renderer: Renderer) -> None:
    assert renderer.kinds() == tuple(sorted(k.value for k in DraftKind))
    assert {"de", "en", "fr"} <= set(renderer.languages())
    for kind in renderer.kinds():
        for language in renderer.languages():
            assert renderer.render(kind, {"order_id": ORDER}, language).body
            assert renderer.render(kind, FULL, language).body


def test_signature_replaces_the_team_line(renderer: Renderer) -> None:
    draft = renderer.render("inquiry", {**FULL, "signature": "Acme Home\nKundenservice"}, "de")
    assert draft.body.endswith("Mit freundlichen Grüßen\nLi Wei\nAcme Home\nKundenservice")


def test_facts_are_data_never_template_source(renderer: Renderer) -> None:
    sneaky = "{{ 7*7 }} {% raw %}x{% endraw %} %(order_id)s"
    draft = renderer.render("inquiry", {"order_id": ORDER, "buyer_name": sneaky}, "en")
    assert draft.body.startswith(f"Hello {sneaky},")


def test_bad_facts_and_kinds(renderer: Renderer) -> None:
    with pytest.raises(DraftFactsError, match="unknown facts: coupon"):
        renderer.render("inquiry", {"order_id": ORDER, "coupon": "SAVE10"}, "en")
    with pytest.raises(DraftFactsError, match="missing facts: order_id"):
        renderer.render("inquiry", {"buyer_name": "Anna"}, "en")
    with pytest.raises(UnknownDraftKindError):
        renderer.render("../../etc/passwd", {"order_id": ORDER}, "en")
    with pytest.raises(UnknownDraftKindError):
        renderer.render("_common", {"order_id": ORDER}, "en")


def test_language_without_catalog_falls_back_to_english(renderer: Renderer) -> None:
    draft = renderer.render("inquiry", {"order_id": ORDER}, "hi")  # no Hindi catalog
    assert draft.language == "en"
    assert draft.requested_language == "hi"
    assert draft.is_fallback
    assert draft.body.startswith("Hello,")


def _filters(renderer: Renderer, language: str) -> str:
    template = renderer.env.from_string(
        "{{ day|date }} | {{ moment|datetime('Asia/Tokyo', 'short') }} | {{ 1234.5|money('EUR') }}"
        " | {{ '1234.6'|money('JPY') }}"
    )
    translations = Catalogs().get(MESSAGES_DOMAIN, language)
    with drafting_locale(translations, Locale.parse(language)):
        return template.render(day=date(2026, 12, 1), moment=datetime(2026, 12, 1, 15, tzinfo=UTC))


def test_babel_filters_follow_the_buyers_locale(renderer: Renderer) -> None:
    assert _filters(renderer, "de") == (
        "1. Dezember 2026 | 02.12.26, 00:00 | 1.234,50\xa0€ | 1.235\xa0¥"
    )
    assert _filters(renderer, "en") == (
        "December 1, 2026 | 12/2/26, 12:00\u202fAM | €1,234.50 | ¥1,235"
    )


def test_rendering_outside_a_locale_is_an_error(renderer: Renderer) -> None:
    with pytest.raises(RuntimeError, match="drafting_locale"):
        renderer.env.from_string("{% trans %}Hello,{% endtrans %}").render()


async def test_concurrent_renders_keep_their_own_language(renderer: Renderer) -> None:
    async def many(language: str, greeting: str) -> None:
        for _ in range(200):
            draft = renderer.render("inquiry", {"order_id": ORDER}, language)
            assert draft.body.startswith(greeting)
            await asyncio.sleep(0)  # let the other task run between renders

    await asyncio.gather(many("de", "Guten Tag,"), many("en", "Hello,"), many("de", "Guten Tag,"))
