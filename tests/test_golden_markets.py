"""Golden drafts per marketplace: dates and money as the buyer's marketplace writes them.

One file per marketplace and buyer language of the domain brief's table, with a refund (money
in the marketplace's currency) and a follow-up (a date). The text comes from the language's
catalog (for English on US: its US wording, `locales/en_US`); the formats come from the
marketplace's locale (`en_GB`, `es_MX`, `fr_CA`...). After
an intended change, regenerate with `CLAIMBOT_UPDATE_GOLDEN=1 pytest tests/test_golden_markets.py`
and read the diff (the formats against the locale's conventions) before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.domain.marketplaces import MARKETPLACES
from bot.drafting import Renderer
from bot.i18n import Catalogs

GOLDEN = Path(__file__).parent / "golden" / "markets"
RENDERER = Renderer(Catalogs())
# Six digits, so that every grouping shows (India's lakh: ₹1,23,456.78).
FACTS: dict[str, object] = {
    "order_id": "303-1234567-7654321",
    "buyer_name": "Anna Schmidt",
    "reason": "return_not_refunded",
    "refund_amount": "123456.78",
    "contacted_on": "2026-12-05",
    "store_name": "Acme Home",
}
PAIRS = [(m.code, language) for m in MARKETPLACES.values() for language in m.languages]


def _text(marketplace: str, language: str) -> str:
    facts = {**FACTS, "marketplace": marketplace}
    parts = []
    for kind in ("refund", "follow_up"):
        draft = RENDERER.render(kind, facts, language)
        parts.append(f"=== {kind} ({draft.language})\nSubject: {draft.subject}\n\n{draft.body}\n")
    return "\n".join(parts)


@pytest.mark.parametrize(("marketplace", "language"), PAIRS)
def test_market_golden(marketplace: str, language: str) -> None:
    text = _text(marketplace, language)
    path = GOLDEN / f"{marketplace}.{language}.txt"
    if os.environ.get("CLAIMBOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_no_stale_market_golden_files() -> None:
    expected = {f"{marketplace}.{language}.txt" for marketplace, language in PAIRS}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected


# What the locale conventions say, checked by hand once (and guarding the golden files above).
@pytest.mark.parametrize(
    ("marketplace", "language", "money", "day"),
    [
        ("UK", "en", "£123,456.78", "5 December 2026"),
        ("US", "en", "$123,456.78", "December 5, 2026"),
        ("IN", "en", "₹1,23,456.78", "5 December 2026"),
        ("IN", "hi", "₹1,23,456.78", "5 December 2026"),  # no Hindi catalog: English, en_IN
        ("AU", "en", "$123,456.78", "5 December 2026"),
        ("IE", "en", "€123,456.78", "5 December 2026"),
        ("CA", "en", "$123,456.78", "December 5, 2026"),
        ("CA", "fr", "123\u00a0456,78\u00a0$", "5 décembre 2026"),
        ("FR", "fr", "123\u202f456,78\u00a0€", "5 décembre 2026"),
        ("MX", "es", "$123,456.78", "5 de diciembre de 2026"),
        ("US", "es", "$123,456.78", "5 de diciembre de 2026"),
        ("ES", "es", "123.456,78\u00a0€", "5 de diciembre de 2026"),
        ("BE", "nl", "€\u00a0123.456,78", "5 december 2026"),
        ("JP", "ja", "￥123,457", "2026年12月5日"),
    ],
)
def test_market_formats(marketplace: str, language: str, money: str, day: str) -> None:
    text = _text(marketplace, language)
    assert money in text
    assert day in text


@pytest.mark.parametrize(
    ("language", "territory", "expected"),
    [
        ("en", "GB", "en_GB"),
        ("fr", "BE", "fr_BE"),
        ("nl", "BE", "nl_BE"),
        ("es", "US", "es_US"),
        ("es", "DE", "es"),  # Babel has no es_DE: the language's own formats
        ("pt_BR", "US", "pt_BR"),  # the language already names its region
        ("de", None, "de"),  # no marketplace
    ],
)
def test_formatting_locale(language: str, territory: str | None, expected: str) -> None:
    assert str(RENDERER.formatting_locale(language, territory)) == expected


def test_unknown_marketplace_formats_as_the_language() -> None:
    draft = RENDERER.render("refund", {**FACTS, "marketplace": "XX", "currency": "EUR"}, "en")
    assert "€123,456.78" in draft.body
