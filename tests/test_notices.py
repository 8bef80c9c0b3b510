"""Reading pasted Amazon claim notifications: a corpus of realistic notices in six languages
(written for these tests), the pieces one by one, and any text at all."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.claims import Reason
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.notices import MAX_NOTICE, looks_like_notice, parse_notice

CORPUS = Path(__file__).parent / "data" / "notices"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_notice_is_read(name: str) -> None:
    notice = parse_notice((CORPUS / name).read_text("utf-8"))
    expected = EXPECTED[name]
    assert notice.order_id == expected["order_id"]
    assert (notice.reason.value if notice.reason else None) == expected["reason"]
    assert notice.amount == (Decimal(expected["amount"]) if expected["amount"] else None)
    assert notice.currency == expected["currency"]
    assert notice.filed_on == (
        date.fromisoformat(expected["filed_on"]) if expected["filed_on"] else None
    )
    assert notice.respond_by == (
        date.fromisoformat(expected["respond_by"]) if expected["respond_by"] else None
    )
    assert notice.marketplace == expected["marketplace"]
    assert notice.language == expected["language"]
    assert looks_like_notice((CORPUS / name).read_text("utf-8"))


def test_the_corpus_covers_the_languages_the_issue_names() -> None:
    languages = {entry["language"] for entry in EXPECTED.values()}
    assert {"en", "de", "fr", "es", "it", "ja"} <= languages


def test_two_orders_are_both_offered_and_none_is_guessed() -> None:
    notice = parse_notice((CORPUS / "en_no_amount_two_orders.txt").read_text("utf-8"))
    assert notice.order_ids == ("111-2222333-4445556", "111-9998887-7776665")
    assert notice.order_id is None
    assert notice.found == ("reason", "language")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Claim amount: $45.99", "45.99", "USD"),
        ("Claim amount: USD 45.99", "45.99", "USD"),
        ("Betrag: EUR 45,99", "45.99", "EUR"),
        ("Betrag: 1.234,56 €", "1234.56", "EUR"),
        ("Montant : 1\u202f234,56\u00a0€", "1234.56", "EUR"),
        ("Amount: £12.50", "12.50", "GBP"),
        ("金額：￥4,980", "4980", "JPY"),
        ("金額：4,980円", "4980", "JPY"),
        ("Valor: R$ 199,90", "199.90", "BRL"),
        ("Amount: CA$ 59.00", "59.00", "CAD"),
        ("Belopp: 499,00 kr", "499.00", "SEK"),
        ("Kwota: 120,00 zł", "120.00", "PLN"),
        ("Tutar: 350,00 TL", "350.00", "TRY"),
        ("Amount: AED 150", "150", "AED"),
    ],
)
def test_amounts_and_currencies(text: str, amount: str, currency: str) -> None:
    notice = parse_notice(f"Order 111-2222333-4445556\n{text}")
    assert notice.amount == Decimal(amount)
    assert notice.currency == currency


def test_the_labelled_amount_wins_over_others() -> None:
    text = "Order total: $12.00\nRefund so far: $3.00\nClaim amount: $9.00"
    assert parse_notice(text).amount == Decimal("9.00")
    # Without any label, the first amount is taken.
    text = "Dear seller, the buyer paid $12.00 for the order; $3.00 went back."
    assert parse_notice(text).amount == Decimal("12.00")


def test_a_bare_dollar_is_not_guessed_outside_english_or_a_known_market() -> None:
    assert parse_notice("Pedido 111-2222333-4445556, importe $45.99").currency is None
    mexico = parse_notice("Pedido 111-2222333-4445556 en amazon.com.mx, importe $450.00")
    assert (mexico.currency, mexico.marketplace) == ("MXN", "MX")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Respond by: November 5, 2026", date(2026, 11, 5)),
        ("Respond by: 5 November 2026", date(2026, 11, 5)),
        ("Please respond by 11/05/2026 on amazon.com", date(2026, 11, 5)),
        ("Please respond by 05/11/2026 on amazon.co.uk", date(2026, 11, 5)),
        ("Bitte antworten Sie bis zum 05.11.2026.", date(2026, 11, 5)),
        ("Bitte antworten Sie bis 5. Nov. 2026.", date(2026, 11, 5)),
        ("Veuillez répondre avant le 5 novembre 2026.", date(2026, 11, 5)),
        ("Responder antes del 5 de noviembre de 2026.", date(2026, 11, 5)),
        ("Rispondere entro il 5 novembre 2026.", date(2026, 11, 5)),
        ("2026年11月5日までに回答してください。", date(2026, 11, 5)),
        ("回答期限：2026/11/05", date(2026, 11, 5)),
        ("Respond by: Thursday, November 5, 2026 at 10:30 PST", date(2026, 11, 5)),
    ],
)
def test_respond_by_dates(text: str, day: date) -> None:
    assert parse_notice(f"Order 111-2222333-4445556\n{text}").respond_by == day


def test_a_lone_unlabelled_date_is_the_filing_date_and_impossible_dates_are_ignored() -> None:
    assert parse_notice("Order 111-2222333-4445556 on 2026-11-01").filed_on == date(2026, 11, 1)
    assert parse_notice("Respond by: 2026-02-30").respond_by is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Claim reason: Item not received", Reason.NOT_RECEIVED),
        ("Grund: Artikel beschädigt", Reason.DEFECTIVE),
        ("Motif : livraison tardive", Reason.LATE_DELIVERY),
        ("Motivo: no es como se describe", Reason.NOT_AS_DESCRIBED),
        ("Motivo del reclamo: reso rifiutato", Reason.RETURN_REFUSED),
        ("申請理由：返品したが返金されていない", Reason.RETURN_NOT_REFUNDED),
        ("Claim reason: Other", Reason.OTHER),
        ("Reden: niet ontvangen", Reason.NOT_RECEIVED),
        ("Motivo: produto defeituoso", Reason.DEFECTIVE),
    ],
)
def test_reasons(text: str, reason: Reason) -> None:
    assert parse_notice(f"Order 111-2222333-4445556\n{text}").reason is reason


def test_without_a_reason_nothing_is_guessed() -> None:
    assert parse_notice("Order 111-2222333-4445556: please look at it").reason is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("303-1234567-7654321", False),
        ("  303-1234567-7654321  ", False),
        ("303-1234567-7654321 item not received", True),
        ("Order 303-1234567-7654321\nClaim", True),
        (
            "A long message about order numbers without any actual order id in it at all, sorry",
            False,
        ),
        ("", False),
    ],
)
def test_looks_like_notice(text: str, expected: bool) -> None:
    assert looks_like_notice(text) is expected


def test_huge_text_is_read_only_up_to_the_cap() -> None:
    filler = "lorem ipsum " * 100_000  # 1.2 MB
    notice = parse_notice(filler + "Order 111-2222333-4445556")
    assert notice.order_ids == ()
    assert len(filler) > MAX_NOTICE
    assert parse_notice("Order 111-2222333-4445556\n" + filler).order_id == "111-2222333-4445556"


@given(st.text(max_size=3000))
def test_any_text_is_read_without_error(text: str) -> None:
    notice = parse_notice(text)
    assert notice.marketplace is None or notice.marketplace in MARKETPLACES
    assert notice.amount is None or (notice.amount > 0 and notice.currency is not None)
    assert notice.reason is None or isinstance(notice.reason, Reason)
    assert notice.order_id is None or notice.order_id in notice.order_ids


@given(st.text(max_size=500), st.text(max_size=500))
def test_an_order_id_in_any_surroundings_is_found(before: str, after: str) -> None:
    notice = parse_notice(f"{before} 111-2222333-4445556 {after}")
    assert "111-2222333-4445556" in notice.order_ids
