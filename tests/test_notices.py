"""Reading pasted Amazon claim notifications: a corpus of notices written for these tests (twelve
languages, e-mails and Seller Central copies), the pieces one by one, and any text at all."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.claims import Reason
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.notices import Notice, looks_like_notice, parse_notice

CORPUS = Path(__file__).parent / "data" / "notices"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))
LANGUAGES = {"en", "de", "fr", "es", "it", "ja", "nl", "sv", "pl", "tr", "pt_BR", "ar"}
CURRENCIES = {m.currency for m in MARKETPLACES.values()}
CANONICAL = re.compile(r"[0-9]{3}-[0-9]{7}-[0-9]{7}")
ORDER = "111-2222333-4445556"
LIMIT = 20_000
FAST = settings(max_examples=150, deadline=None)
MARKETPLACES_BY_CURRENCY = {"CAD": "CA", "MXN": "MX", "AUD": "AU", "SGD": "SG", "USD": "US"}


def read(name: str) -> str:
    return (CORPUS / name).read_text("utf-8")


def as_json(notice: Notice) -> dict[str, Any]:
    """A notice in the shape of `expected.json`."""
    return {
        "order_id": notice.order_id,
        "reason": notice.reason.value if notice.reason is not None else None,
        "amount": str(notice.amount) if notice.amount is not None else None,
        "currency": notice.currency,
        "filed_on": notice.filed_on.isoformat() if notice.filed_on is not None else None,
        "respond_by": notice.respond_by.isoformat() if notice.respond_by is not None else None,
        "marketplace": notice.marketplace,
        "language": notice.language,
        "order_ids": list(notice.order_ids),
    }


def parse(text: str) -> Notice:
    return parse_notice(f"Order {ORDER}\n{text}")


# --- The corpus ----------------------------------------------------------------------------------
def test_every_corpus_file_has_expectations_for_every_field() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.txt")) == sorted(EXPECTED)
    names = [f.name for f in fields(Notice)]
    for expected in EXPECTED.values():
        assert list(expected) == names


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_notice_is_read(name: str) -> None:
    text = read(name)
    notice = parse_notice(text)
    assert as_json(notice) == EXPECTED[name]
    if notice.amount is not None:  # exact, not just equal: "59.90" stays "59.90"
        assert str(notice.amount) == EXPECTED[name]["amount"]
    assert looks_like_notice(text)


def test_the_corpus_covers_the_marketplaces_and_shapes_the_brief_names() -> None:
    seen = {(e["language"], e["marketplace"], e["currency"]) for e in EXPECTED.values()}
    for wanted in [
        ("en", "US", "USD"),
        ("en", "UK", "GBP"),
        ("de", "DE", "EUR"),
        ("fr", "FR", "EUR"),
        ("es", "ES", "EUR"),
        ("it", "IT", "EUR"),
        ("ja", "JP", "JPY"),
    ]:
        assert wanted in seen
    assert {e["language"] for e in EXPECTED.values()} == LANGUAGES
    assert any(e["amount"] is None for e in EXPECTED.values())
    assert any(len(e["order_ids"]) > 1 for e in EXPECTED.values())
    assert "Claim reason\nReturn refused" in read("en_seller_central_details.txt")


def test_two_orders_are_both_offered_and_none_is_chosen() -> None:
    notice = parse_notice(read("en_two_orders_amazon_com.txt"))
    assert notice.order_ids == ("111-2222333-4445556", "111-9998887-7776665")
    assert notice.order_id is None
    assert "order_id" not in notice.found


def test_found_lists_the_fields_present_in_declaration_order() -> None:
    notice = parse_notice(read("de_no_amount_seller_central.txt"))
    assert notice.found == ("order_id", "reason", "filed_on", "respond_by", "language")
    full = parse_notice(read("en_amazon_com.txt"))
    assert full.found == tuple(f.name for f in fields(Notice) if f.name != "order_ids")
    assert parse_notice("").found == ()


# --- Amounts -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Claim amount: $45.99", "45.99", "USD"),
        ("Claim amount: USD 45.99", "45.99", "USD"),
        ("Claim amount: 45.99 USD", "45.99", "USD"),
        ("Claim amount: US$ 1,234.56", "1234.56", "USD"),
        ("Betrag: EUR 45,99", "45.99", "EUR"),
        ("Betrag: 45,99 €", "45.99", "EUR"),
        ("Betrag: 45,99 EUR", "45.99", "EUR"),
        ("Betrag: € 1.234,56", "1234.56", "EUR"),
        ("Betrag: 1.234,56 €", "1234.56", "EUR"),
        ("Montant : 1 234,56 €", "1234.56", "EUR"),
        ("Montant : 1\u00a0234,56\u00a0€", "1234.56", "EUR"),
        ("Montant : 1\u202f234,56\u202f€", "1234.56", "EUR"),
        ("Montant : 1234,56 €", "1234.56", "EUR"),
        ("Amount: £12.50", "12.50", "GBP"),
        ("金額：¥4,980", "4980", "JPY"),
        ("金額：￥4,980", "4980", "JPY"),
        ("金額：4,980円", "4980", "JPY"),
        ("金額：JPY 4980", "4980", "JPY"),
        ("Valor: R$ 199,90", "199.90", "BRL"),
        ("Amount: CA$ 59.00", "59.00", "CAD"),
        ("Amount: CDN$ 59.00", "59.00", "CAD"),
        ("Amount: A$ 89.95", "89.95", "AUD"),
        ("Amount: S$ 30.00", "30.00", "SGD"),
        ("Belopp: kr 499,00", "499.00", "SEK"),
        ("Belopp: 499,00 kr", "499.00", "SEK"),
        ("Belopp: 499,00 SEK", "499.00", "SEK"),
        ("Kwota: 120,00 zł", "120.00", "PLN"),
        ("Kwota: PLN 120,00", "120.00", "PLN"),
        ("Tutar: 350,00 TL", "350.00", "TRY"),
        ("Tutar: ₺350,00", "350.00", "TRY"),
        ("Amount: AED 150", "150", "AED"),
        ("Amount: 150.00 د.إ", "150.00", "AED"),
        ("Amount: SAR 99.50", "99.50", "SAR"),
        ("Amount: EGP 300.00", "300.00", "EGP"),
        ("Importe: MXN 450.00", "450.00", "MXN"),
        ("Amount: ₹ 1,299.00", "1299.00", "INR"),
        ("المبلغ: ١٥٠٫٠٠ درهم", "150.00", "AED"),
    ],
)
def test_amounts_and_currencies(text: str, amount: str, currency: str) -> None:
    notice = parse(text)
    assert notice.amount == Decimal(amount)
    assert str(notice.amount) == amount
    assert notice.currency == currency


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Order total: $12.00\nRefund so far: $3.00\nClaim amount: $9.00", "9.00"),
        ("Bestellwert: 64,80 €\nAntragsbetrag: 59,90 €", "59.90"),
        ("Total : 80,00 €, montant de la réclamation : 70,00 €", "70.00"),
        ("Price: $20.00\nAmount: $18.00", "18.00"),  # any amount label beats none
        ("Price: $20.00\nAmount: $18.00\nClaim amount: $15.00", "15.00"),
        ("Total\n$20.00\nClaim amount\n\n$15.00", "15.00"),  # the label on the line above
        ("The buyer paid $12.00 for the order; $3.00 went back.", "12.00"),  # first, if no label
    ],
)
def test_the_claim_amount_wins_over_other_amounts(text: str, amount: str) -> None:
    assert parse(text).amount == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "Please try 2 more times.",  # a currency code counts in capitals only
        "Claim amount: 45.99",  # no currency, no amount
        "Order of 3 items, 2 of them returned",
        "Amount: ¥4,98",  # yen have no decimals
        "Amount: -$5.00",
    ],
)
def test_numbers_that_are_not_an_amount(text: str) -> None:
    assert parse(text).amount is None


def test_a_bare_dollar_is_usd_only_in_english_with_nothing_saying_otherwise() -> None:
    us = parse("Dear seller, the buyer filed a claim. Claim amount: $45.99")
    assert (us.amount, us.currency, us.marketplace) == (Decimal("45.99"), "USD", "US")
    spanish = parse_notice(f"Estimado vendedor: el pedido {ORDER} tiene una reclamación de $45.99")
    assert (spanish.amount, spanish.currency, spanish.marketplace) == (Decimal("45.99"), None, None)
    canada = parse("Dear seller, the buyer in Canada filed a claim. Claim amount: $45.99")
    assert (canada.currency, canada.marketplace) == (None, None)
    for domain, currency in [
        ("amazon.ca", "CAD"),
        ("amazon.com.mx", "MXN"),
        ("amazon.com.au", "AUD"),
        ("amazon.sg", "SGD"),
        ("amazon.com", "USD"),
    ]:
        notice = parse(f"Claim amount: $45.99, see sellercentral.{domain}")
        assert notice.currency == currency
        assert notice.marketplace == MARKETPLACES_BY_CURRENCY[currency]


# --- Marketplaces --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "marketplace"),
    [
        ("Bitte antworten Sie über sellercentral.amazon.de. Betrag: 45,99 €", "DE"),
        ("Bitte antworten Sie über sellercentral.amazon.fr. Betrag: 45,99 €", "FR"),  # domain first
        ("Bitte antworten Sie in Seller Central. Der Betrag ist 45,99 €", "DE"),  # EUR + German
        ("Veuillez répondre, montant de la réclamation : 45,99 €", "FR"),
        ("Please respond to the buyer. Claim amount: EUR 45.99", None),  # EUR in English
        ("Bitte antworten Sie: sellercentral-europe.amazon.com, Betrag: 45,99 €", "DE"),
        ("Please respond on amazon.co.uk", "UK"),
        ("Please respond. Claim amount: £12.50", "UK"),
        ("Please respond. Claim amount: ¥4,980", "JP"),
        ("Please respond. Claim amount: 499,00 SEK", "SE"),
        ("Please respond. Claim amount: 120,00 PLN", "PL"),
        ("Please respond. Claim amount: 350,00 TRY", "TR"),
        ("Please respond. Claim amount: R$ 199,90", "BR"),
        ("Please respond. Claim amount: MXN 450.00", "MX"),
        ("Please respond. Claim amount: AED 150", "AE"),
        ("Visit www.amazon.in for details", "IN"),
        ("See https://www.sellercentral.amazon.de/claims", "DE"),
        ("Images from m.media-amazon.com", None),
        ("Mail from seller-notification@amazon.com about amazon.de", "DE"),
        ("Please respond in Seller Central", None),
    ],
)
def test_marketplace(text: str, marketplace: str | None) -> None:
    assert parse(text).marketplace == marketplace


# --- Dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Respond by: November 5, 2026", date(2026, 11, 5)),
        ("Respond by: Nov 5, 2026", date(2026, 11, 5)),
        ("Respond by: Nov. 5th, 2026", date(2026, 11, 5)),
        ("Respond by: 5 November 2026", date(2026, 11, 5)),
        ("Respond by: Thursday, November 5, 2026 at 10:30 PST", date(2026, 11, 5)),
        ("Respond by: 2026-11-05T23:59:00Z", date(2026, 11, 5)),
        ("Response due 2026/11/05", date(2026, 11, 5)),
        ("Please respond by 11/05/2026 on amazon.com", date(2026, 11, 5)),
        ("Please respond by 05/11/2026 on amazon.co.uk", date(2026, 11, 5)),
        ("Bitte antworten Sie bis zum 05.11.2026.", date(2026, 11, 5)),
        ("Bitte antworten Sie bis 5. November 2026.", date(2026, 11, 5)),
        ("Bitte antworten Sie bis Donnerstag, 5. Nov. 2026, 23:59 Uhr.", date(2026, 11, 5)),
        ("Veuillez répondre avant le 5 novembre 2026.", date(2026, 11, 5)),
        ("Veuillez répondre d'ici le jeudi 5 nov. 2026.", date(2026, 11, 5)),
        ("Responder antes del 5 de noviembre de 2026.", date(2026, 11, 5)),
        ("Fecha límite de respuesta: 05/11/2026", date(2026, 11, 5)),
        ("Rispondere entro il 5 novembre 2026.", date(2026, 11, 5)),
        ("2026年11月5日までに回答してください。", date(2026, 11, 5)),
        ("回答期限：2026/11/05", date(2026, 11, 5)),
        ("回答期限：２０２６年１１月５日（木）", date(2026, 11, 5)),
        ("Reageer uiterlijk 5 november 2026.", date(2026, 11, 5)),
        ("Svara senast 5 november 2026.", date(2026, 11, 5)),
        ("Prosimy o odpowiedź do 5 listopada 2026.", date(2026, 11, 5)),
        ("Lütfen 5 KASIM 2026 tarihine kadar yanıt verin.", date(2026, 11, 5)),
        ("Envie sua resposta até 5 de novembro de 2026.", date(2026, 11, 5)),
        ("يرجى الرد قبل 5 نوفمبر 2026", date(2026, 11, 5)),
        ("Respond by\nNovember 5, 2026", date(2026, 11, 5)),  # Seller Central: label above
        ("Respond by\n\nThursday, November 5, 2026", date(2026, 11, 5)),
        ("2026年11月5日（木）までにご回答ください。", date(2026, 11, 5)),
        ("2026年11月5日 23:59までにご回答ください。", date(2026, 11, 5)),
    ],
)
def test_respond_by_dates(text: str, day: date) -> None:
    assert parse(text).respond_by == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Claim filed: Nov 2, 2026", date(2026, 11, 2)),
        ("The claim was opened on 2 November 2026.", date(2026, 11, 2)),
        ("Claim submitted on 2026-11-02.", date(2026, 11, 2)),
        ("Antrag eingereicht am: 02.11.2026", date(2026, 11, 2)),
        ("Réclamation déposée le 2 novembre 2026", date(2026, 11, 2)),
        ("Reclamación presentada el 2 de noviembre de 2026", date(2026, 11, 2)),
        ("Reclamo presentato il 2 novembre 2026", date(2026, 11, 2)),
        ("申請日：2026年11月2日", date(2026, 11, 2)),
        ("2026年11月2日に申請がありました。", date(2026, 11, 2)),
        ("Claim ingediend op 2 november 2026", date(2026, 11, 2)),
        ("Talep tarihi: 2 Kasım 2026", date(2026, 11, 2)),
        ("Reclamação aberta em 2 de novembro de 2026", date(2026, 11, 2)),
    ],
)
def test_filing_dates(text: str, day: date) -> None:
    notice = parse(text)
    assert notice.filed_on == day
    assert notice.respond_by is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # US English: month first.
        ("Please respond by 05/11/2026. Claim amount: $5.00", date(2026, 5, 11)),
        ("Please respond by 05/11/2026 on sellercentral.amazon.com", date(2026, 5, 11)),
        ("Please respond by 05-11-2026 on sellercentral.amazon.com", date(2026, 5, 11)),
        # English elsewhere, and every other language: day first.
        ("Please respond by 05/11/2026. Claim amount: £5.00", date(2026, 11, 5)),
        ("Please respond by 05/11/2026 on amazon.com.au", date(2026, 11, 5)),
        ("Please respond by 05/11/2026. Claim amount: EUR 5.00", date(2026, 11, 5)),
        ("Bitte antworten Sie bis 05/11/2026 in Seller Central", date(2026, 11, 5)),
        ("Veuillez répondre avant le 05/11/2026 sur Seller Central", date(2026, 11, 5)),
        ("Responda antes del 05/11/2026 en sellercentral.amazon.com.mx", date(2026, 11, 5)),
        # Dots are always day first.
        ("Please respond by 05.11.2026 on sellercentral.amazon.com", date(2026, 11, 5)),
        # A day above 12 settles the order, and another date of the text settles the rest.
        ("Respond by 25/10/2026 on sellercentral.amazon.com", date(2026, 10, 25)),
        ("Filed 24/10/2026. Respond by 05/11/2026 on amazon.com", date(2026, 11, 5)),
        ("Bitte antworten Sie bis 10/25/2026", date(2026, 10, 25)),
        ("Eingereicht 10/13/2026, bitte antworten Sie bis 11/05/2026", date(2026, 11, 5)),
    ],
)
def test_us_and_european_day_order(text: str, day: date) -> None:
    assert parse(text).respond_by == day


def test_which_date_is_which() -> None:
    notice = parse("Filed: Nov 2, 2026; please respond by Nov 5, 2026 (ordered Oct 1, 2026).")
    assert (notice.filed_on, notice.respond_by) == (date(2026, 11, 2), date(2026, 11, 5))
    # A label on the line above a date belongs to that date only.
    notice = parse("Claim date\n2026-10-29\n2026-10-30\nRespond by\n2026-11-01")
    assert (notice.filed_on, notice.respond_by) == (date(2026, 10, 29), date(2026, 11, 1))
    # A nearer word about another date (delivery, order) wins over a respond word further back.
    notice = parse("Please respond within 72 hours. Estimated delivery: Oct 1, 2026")
    assert (notice.filed_on, notice.respond_by) == (None, None)
    # Only a weekday may stand between a date and a label on the line above.
    notice = parse("Claim reason: Other. Please respond soon.\nSent: 2026-11-01")
    assert (notice.filed_on, notice.respond_by) == (date(2026, 11, 1), None)


def test_a_lone_date_is_the_filing_date_and_unlabelled_dates_are_ignored() -> None:
    assert parse("We heard about it on 2026-11-01.").filed_on == date(2026, 11, 1)
    twice = parse("Claim update 2026-11-01 (sent 2026-11-01)")
    assert twice.filed_on == date(2026, 11, 1)
    notice = parse("Between 2026-11-01 and 2026-11-03 the parcel was stuck.")
    assert (notice.filed_on, notice.respond_by) == (None, None)
    assert parse("Ordered on 2026-10-20").filed_on is None


@pytest.mark.parametrize(
    "text",
    [
        "Respond by: 2026-02-30",
        "Respond by: 31/04/2026",
        "Respond by: 30 February 2026",
        "Respond by: 2026-13-01",
        "Respond by: 1850-01-01",
        "Respond by: 5 Smarch 2026",
    ],
)
def test_impossible_dates_are_ignored(text: str) -> None:
    notice = parse(text)
    assert (notice.filed_on, notice.respond_by) == (None, None)


# --- Reasons -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Claim reason: Item not received", Reason.NOT_RECEIVED),
        ("The buyer says the package never arrived.", Reason.NOT_RECEIVED),
        ("Claim reason: Late delivery", Reason.LATE_DELIVERY),
        ("Claim reason: Item significantly not as described", Reason.NOT_AS_DESCRIBED),
        ("Claim reason: Damaged or defective item", Reason.DEFECTIVE),
        ("Claim reason: Returned item not refunded", Reason.RETURN_NOT_REFUNDED),
        ("The buyer did not receive a refund for the return.", Reason.RETURN_NOT_REFUNDED),
        ("Claim reason: Return request refused by seller", Reason.RETURN_REFUSED),
        ("Grund: Artikel nicht erhalten", Reason.NOT_RECEIVED),
        ("Grund des Antrags: Verspätete Lieferung", Reason.LATE_DELIVERY),
        ("Grund: Artikel entspricht nicht der Beschreibung", Reason.NOT_AS_DESCRIBED),
        ("Grund: Artikel beschädigt", Reason.DEFECTIVE),
        ("Grund: Rücksendung nicht erstattet", Reason.RETURN_NOT_REFUNDED),
        ("Grund: Erstattung nach Rücksendung nicht erhalten", Reason.RETURN_NOT_REFUNDED),
        ("Grund: Rücksendung vom Verkäufer abgelehnt", Reason.RETURN_REFUSED),
        ("Motif : Article non reçu", Reason.NOT_RECEIVED),
        ("Motif : livraison tardive", Reason.LATE_DELIVERY),
        ("Motif : article non conforme à la description", Reason.NOT_AS_DESCRIBED),
        ("Motif : article défectueux", Reason.DEFECTIVE),
        ("Motif : retour non remboursé", Reason.RETURN_NOT_REFUNDED),
        ("Motif : retour refusé par le vendeur", Reason.RETURN_REFUSED),
        ("Motivo: artículo no recibido", Reason.NOT_RECEIVED),
        ("Motivo: entrega tardía", Reason.LATE_DELIVERY),
        ("Motivo: no es como se describe", Reason.NOT_AS_DESCRIBED),
        ("Motivo: artículo defectuoso", Reason.DEFECTIVE),
        ("Motivo: devolución no reembolsado", Reason.RETURN_NOT_REFUNDED),
        ("Motivo: devolución rechazada", Reason.RETURN_REFUSED),
        ("Motivo del reclamo: articolo non ricevuto", Reason.NOT_RECEIVED),
        ("Motivo del reclamo: consegna in ritardo", Reason.LATE_DELIVERY),
        ("Motivo del reclamo: diverso dalla descrizione", Reason.NOT_AS_DESCRIBED),
        ("Motivo del reclamo: articolo difettoso", Reason.DEFECTIVE),
        ("Motivo del reclamo: reso non rimborsato", Reason.RETURN_NOT_REFUNDED),
        ("Motivo del reclamo: reso rifiutato", Reason.RETURN_REFUSED),
        ("申請理由：商品未着", Reason.NOT_RECEIVED),
        ("申請理由：配達遅延", Reason.LATE_DELIVERY),
        ("申請理由：商品説明と異なる", Reason.NOT_AS_DESCRIBED),
        ("申請理由：商品の破損・不良品", Reason.DEFECTIVE),
        ("申請理由：返品したが返金されていない", Reason.RETURN_NOT_REFUNDED),
        ("申請理由：返品を拒否された", Reason.RETURN_REFUSED),
        ("Reden: niet ontvangen", Reason.NOT_RECEIVED),
        ("Anledning: varan inte mottagen", Reason.NOT_RECEIVED),
        ("Powód: produkt uszkodzony", Reason.DEFECTIVE),
        ("Talep nedeni: Geç teslimat", Reason.LATE_DELIVERY),
        ("Motivo: produto com defeito", Reason.DEFECTIVE),
        ("سبب المطالبة: لم يتم استلام المنتج", Reason.NOT_RECEIVED),
        ("CLAIM REASON: ITEM NOT RECEIVED", Reason.NOT_RECEIVED),
        ("The buyer says the item is not as\ndescribed.", Reason.NOT_AS_DESCRIBED),  # wrapped
    ],
)
def test_reasons(text: str, reason: Reason) -> None:
    assert parse(text).reason is reason


@pytest.mark.parametrize(
    "text",
    [
        "Claim reason: Other",
        "Reason for claim: Other (see the buyer's comments)",
        "Grund: Sonstiges",
        "Antragsgrund\nSonstiges",
        "Motif : Autre",
        "Motivo: Otro motivo",
        "Motivo del reclamo: Altro",
        "申請理由：その他",
    ],
)
def test_other_only_when_the_notice_says_so(text: str) -> None:
    assert parse(text).reason is Reason.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "Please look at this order.",
        "We need to protocol this.",  # "roto" (es: broken) is no word here
        "The other order is fine.",  # "other" outside a reason label
        "For this reason, please respond.",
        "",
    ],
)
def test_without_a_reason_nothing_is_guessed(text: str) -> None:
    assert parse(text).reason is None


def test_the_labelled_reason_beats_phrases_elsewhere() -> None:
    text = (
        "If the item arrived damaged, send photos.\n"
        "Claim reason: Item not received\n"
        "Sellers who refused a return may lose the claim."
    )
    assert parse(text).reason is Reason.NOT_RECEIVED
    assert parse("The buyer says it never arrived; also it was broken.").reason is (
        Reason.NOT_RECEIVED
    )


# --- Languages -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dear seller, the buyer has filed a claim for your order.", "en"),
        ("Sehr geehrte Verkäufer, der Käufer hat einen Antrag gestellt.", "de"),
        ("Bonjour, l'acheteur a déposé une réclamation pour votre commande.", "fr"),
        ("Estimado vendedor, el comprador presentó una reclamación por su pedido.", "es"),
        ("Gentile venditore, l'acquirente ha presentato un reclamo per il tuo ordine.", "it"),
        ("出品者様、お客様より保証の申請がありました。", "ja"),
        ("Beste verkoper, de koper heeft een claim ingediend voor uw bestelling.", "nl"),
        ("Hej, köparen har lämnat ett anspråk för din beställning.", "sv"),
        ("Kupujący złożył roszczenie dotyczące zamówienia, prosimy o odpowiedź.", "pl"),
        ("Sayın satıcı, alıcı bu sipariş için bir talep oluşturdu.", "tr"),
        ("Prezado vendedor, o comprador abriu uma reclamação sobre o seu pedido.", "pt_BR"),
        ("عزيزي البائع، قدم المشتري مطالبة بخصوص الطلب.", "ar"),
        ("Order", None),
        ("", None),
    ],
)
def test_language(text: str, language: str | None) -> None:
    assert parse_notice(text).language == language


# --- Telling a notice from an order id ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("303-1234567-7654321", False),
        ("  303-1234567-7654321  ", False),
        ("\t303-1234567-7654321\n", False),
        ("Order 303-1234567-7654321", False),
        ("303-1234567-7654321 item not received", True),
        ("303-1234567-7654321 A-to-z claim", True),
        ("303-1234567-7654321 申請", True),
        ("Order 303-1234567-7654321\nThanks", True),
        ("Please have a look at order 303-1234567-7654321 when you can, thanks", True),
        ("A long message about order numbers without any actual order id in it at all", False),
        ("Claim reason: Item not received\nNo order id here", False),
        ("", False),
    ],
)
def test_looks_like_notice(text: str, expected: bool) -> None:
    assert looks_like_notice(text) is expected


# --- Any text ------------------------------------------------------------------------------------
def test_only_the_first_20000_characters_are_read() -> None:
    filler = "lorem ipsum " * 100_000  # 1.2 MB
    assert len(filler) > LIMIT
    late = parse_notice(filler + f"Order {ORDER}, claim amount $5.00")
    assert (late.order_ids, late.amount) == ((), None)
    assert not looks_like_notice(filler + ORDER)
    early = parse_notice(f"Order {ORDER}\nClaim amount: $5.00\n" + filler)
    assert (early.order_id, early.amount) == (ORDER, Decimal("5.00"))


@pytest.mark.parametrize(
    "unit",
    [
        "1",
        "1 234 ",
        "05/11/2026 ",
        "$1 ",
        "not ",
        "Reason:\n",
        "amazon.",
        "5 november ",
        "\ufdfa",  # NFKC makes 18 characters of it
        "ب ",
        "\u200f",
        "🙂",
    ],
)
def test_a_megabyte_of_anything_is_read(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    notice = parse_notice(text)  # completes: only the first 20,000 characters are read
    assert isinstance(notice, Notice)
    assert looks_like_notice(text) is False


def assert_valid(notice: Notice) -> None:
    assert all(CANONICAL.fullmatch(order_id) for order_id in notice.order_ids)
    assert len(set(notice.order_ids)) == len(notice.order_ids)
    if len(notice.order_ids) == 1:
        assert notice.order_id == notice.order_ids[0]
    else:
        assert notice.order_id is None
    assert notice.reason is None or isinstance(notice.reason, Reason)
    if notice.amount is not None:
        assert notice.amount.is_finite()
        assert notice.amount > 0
        assert notice.amount.as_tuple().exponent in (0, -1, -2)
    assert notice.currency is None or notice.currency in CURRENCIES
    if notice.currency == "JPY":
        assert notice.amount is None or notice.amount == notice.amount.to_integral_value()
    for day in (notice.filed_on, notice.respond_by):
        assert day is None or isinstance(day, date)
    assert notice.marketplace is None or notice.marketplace in MARKETPLACES
    assert notice.language is None or notice.language in LANGUAGES
    assert set(notice.found) <= {f.name for f in fields(Notice)} - {"order_ids"}


@FAST
@given(st.text(max_size=3000))
@example("")
@example("\x00\x01\ufffe\udfff")
@example("\u202e303-1234567-7654321\u202c مطالبة")
@example("İİİ Kasım 2026 ı")
def test_any_text_is_read_without_error(text: str) -> None:
    assert_valid(parse_notice(text))
    looks_like_notice(text)


# Pieces of notices, so generated texts come close to real ones.
PIECES = [
    ORDER,
    "303-1234567-7654321",
    "Claim amount: ",
    "Betrag",
    "申請金額：",
    "Respond by ",
    "antworten bis ",
    "までに",
    "filed ",
    "eingereicht ",
    "Claim reason: ",
    "Grund:",
    "not received",
    "Sonstiges",
    "$",
    "€",
    "£",
    "¥",
    "円",
    "kr",
    "TL",
    "EUR ",
    "USD",
    "R$",
    "CA$",
    "1.234,56",
    "1,234.56",
    "45,99",
    "4,980",
    "1 234",
    "05/11/2026",
    "13/13/2026",
    "05.11.2026",
    "2026-11-05",
    "2026年11月5日",
    "5. November 2026",
    "Nov 5, 2026",
    "5 de noviembre de 2026",
    "amazon.com",
    "amazon.de",
    "sellercentral-europe.amazon.com",
    "\n",
    " ",
    ":",
    "\u00a0",
    "İ",
    "٣",
]


@FAST
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=60))
def test_text_built_from_notice_pieces_is_read_without_error(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert_valid(parse_notice(text))
    looks_like_notice(text)


@FAST
@given(st.text(max_size=500), st.text(max_size=500))
def test_an_order_id_in_any_surroundings_is_found(before: str, after: str) -> None:
    notice = parse_notice(f"{before} {ORDER} {after}")
    assert ORDER in notice.order_ids
    assert_valid(notice)
