"""The messaging-rule lint: each rule in several languages, and what it must leave alone."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.compliance import RULES, Severity, detect_language, has_block, lint
from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.drafting import Renderer
from bot.i18n import Catalogs
from tests.helpers import ORDER


def rules_of(text: str, **kwargs: Any) -> set[str]:
    return {f.rule for f in lint(text, **kwargs)} - {"order_id"}


def test_every_rule_has_a_stable_id_a_severity_and_a_message() -> None:
    assert set(RULES) == {
        "email", "phone", "html", "link", "emoji", "marketing", "review_incentive",
        "feedback_removal", "withdrawal_incentive", "rating_request", "length", "placeholder",
        "review_request", "language", "signature_script", "order_id", "coupling",
        "refund_coupling", "hidden_character",
    }  # fmt: skip
    assert {r.id for r in RULES.values() if r.severity is Severity.WARN} == {
        "review_request", "language", "signature_script", "order_id", "refund_coupling"
    }  # fmt: skip
    assert all(r.message.endswith(".") for r in RULES.values())


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Write to us at service@acme-home.de any time.", "email"),
        ("Écrivez-nous : contact＠boutique.fr", "email"),
        ("Mail: help [at] acme [dot] com", "email"),
        ("Rufen Sie uns an: +49 30 12345678", "phone"),
        ("Llámenos al 912 345 678, por favor.", "phone"),
        ("Prosimy o kontakt pod numerem 512 345 678.", "phone"),
        ("Für Rückfragen erreichen Sie uns unter 0171 2345678.", "phone"),
        ("お電話は 03-1234-5678 までお願いします。", "phone"),
        ("يمكنكم الاتصال على الجوال 0501234567", "phone"),
        ("Bel ons op (020) 123 4567.", "phone"),
        ("Please see <a href='x'>this page</a>.", "html"),
        ("Best regards,&nbsp;Acme", "html"),
        ("The manual is at https://acme-home.com/manual.pdf", "link"),
        ("Details auf www.acme-shop.de/hilfe", "link"),
        ("Instrukcja: acmehome.pl/instrukcja", "link"),
        ("Thank you so much 😊", "emoji"),
        ("Merci ★ pour votre patience", "emoji"),
        ("Use code SAVE10 for 10% off your next order.", "marketing"),
        ("Mit dem Gutscheincode DANKE5 sparen Sie beim nächsten Einkauf.", "marketing"),
        ("Ecco un codice sconto per il suo prossimo acquisto.", "marketing"),
        ("Scopra le nostre nuove offerte con il codice GRAZIE15.", "marketing"),
        ("Profitez de -20 % sur toute notre gamme avec le code MERCI20.", "marketing"),
        ("Bizi takip edin, diğer ürünlerimize de göz atın.", "marketing"),
        ("次回のご購入に使えるクーポンをお送りします。", "marketing"),
        ("If you leave a 5-star review, we will refund you in full.", "review_incentive"),
        ("Für eine positive Bewertung schenken wir Ihnen einen Gutschein.", "review_incentive"),
        ("Si vous laissez un avis positif, nous vous offrons un cadeau.", "review_incentive"),
        ("Jeśli wystawi Pani pozytywną opinię, otrzyma Pani zwrot 10 zł.", "review_incentive"),
        ("高評価のレビューをいただければ、返金いたします。", "review_incentive"),
        ("Could you please remove the negative feedback?", "feedback_removal"),
        ("Wir bitten Sie, Ihre Bewertung zu löschen.", "feedback_removal"),
        ("¿Podría eliminar su valoración negativa?", "feedback_removal"),
        ("Zou u uw beoordeling willen aanpassen?", "feedback_removal"),
        ("評価を削除していただけますか。", "feedback_removal"),
        ("نرجو منكم حذف التقييم السلبي.", "feedback_removal"),
        ("Dear {{ buyer_name }},", "placeholder"),
        ("Hello [BUYER NAME], thanks.", "placeholder"),
        ("Sehr geehrte/r [Kundenname],", "placeholder"),
        ("Bonjour [Nom du client],", "placeholder"),
        ("Tracking: XXX", "placeholder"),
        ("Could you leave a review when you have a moment?", "review_request"),
        ("We would love a positive review from you.", "rating_request"),
        ("Wir würden uns über 5 Sterne freuen.", "rating_request"),
    ],
)
def test_each_rule_fires(text: str, rule: str) -> None:
    assert rule in rules_of(f"{text} {ORDER}")


@pytest.mark.parametrize(
    "text",
    [
        f"Your order {ORDER} left our warehouse with DHL, tracking 00340434161094042557.",
        "Ihre Sendung wurde am 12.11.2026 zugestellt; der Betrag von 29,99 € wurde erstattet.",
        "Le colis Colissimo 6A12345678901 est arrivé le 2026/11/12.",
        "Thank you for your feedback on the problem; we reviewed your case and will refund you.",
        "The shirt is 100% cotton; error code E4 means the filter is blocked.",
        "You can see the order at https://www.amazon.de/gp/css/order-history and amazon.co.uk.",
        "La garantie du fabricant couvre ce défaut ; son service client vous aidera.",
        "Grazie per la sua recensione del problema: ci scusiamo per il ritardo.",
        "ご注文番号 303-1234567-7654321 の商品は2026年11月12日にヤマト運輸で発送しました。",
        "نعتذر عن التأخير، وقد تم شحن طلبكم رقم 303-1234567-7654321 مع أرامكس.",
        "Model WK-2, serial 4007123456789, firmware 2.1.0.",
        "Please call the carrier's free number printed on the delivery notice.",
        "We changed the item yesterday; thanks again for the feedback.",
        "We reviewed the alternatives with the carrier and found a faster route.",
        "Silikon kapak %100 güvenlidir; yorumunuz için teşekkür ederiz.",
        "Você pode acompanhar o pacote com o código de rastreamento AA123456789BR.",
        "Puede seguir el envío con el código de seguimiento 1234567890123.",
    ],
)
def test_ordinary_support_text_has_no_block(text: str) -> None:
    findings = lint(text)
    assert not has_block(findings), findings


def test_length_limit() -> None:
    assert "length" not in rules_of("a" * 2000)
    assert "length" in rules_of("a" * 2001)


def test_order_id_must_be_the_claims() -> None:
    assert "order_id" in {f.rule for f in lint("Hello, thanks.")}
    assert "order_id" not in {f.rule for f in lint(f"Order {ORDER}.")}
    other = {f.rule for f in lint("Order 111-1111111-1111111.", order_id=ORDER)}
    assert "order_id" in other


def test_short_words_inside_longer_ones_do_not_count() -> None:
    # "bon" (a Polish voucher) inside "Bonjour", "buono" (Italian "good") on its own.
    text = (
        f"Bonjour, si vous estimez que nous avons résolu le problème, merci de retirer votre"
        f" réclamation pour la commande {ORDER}."
    )
    assert rules_of(text) == set()
    assert (
        rules_of(f"Il prodotto è buono; se è soddisfatto, può ritirare il reclamo. {ORDER}")
        == set()
    )


def test_a_gift_and_a_withdrawal_request_in_one_message_are_blocked() -> None:
    """Issue 14: a gift is never in the same message as a request to withdraw the claim."""
    coupled = (
        f"As a small gift we will send you a voucher. If you are satisfied, please withdraw the"
        f" claim for order {ORDER}."
    )
    assert {f.rule: f.severity for f in lint(coupled)} == {"coupling": Severity.BLOCK}
    assert not lint(f"If you are satisfied, please withdraw the claim for order {ORDER}.")
    german = (
        f"Als kleines Geschenk schicken wir Ihnen zwei Ersatzfilter. Wenn das Problem gelöst ist, "
        f"bitten wir Sie, Ihren Antrag zurückzuziehen. Bestellung {ORDER}."
    )
    assert rules_of(german) == {"coupling"}


def test_a_refund_and_a_withdrawal_request_in_one_message_are_a_caution() -> None:
    german = (
        f"Als Dankeschön erstatten wir Ihnen die Versandkosten. Wenn das Problem gelöst ist, "
        f"bitten wir Sie, Ihren Antrag zurückzuziehen. Bestellung {ORDER}."
    )
    assert {f.rule: f.severity for f in lint(german)} == {"refund_coupling": Severity.WARN}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thank you for your patience. We are sorry that your parcel is late and we will"
         " send it again with the fastest service.", "en"),
        ("Vielen Dank für Ihre Geduld. Es tut uns leid, dass die Sendung verspätet ist, und"
         " wir schicken sie Ihnen bitte noch einmal mit dem schnellsten Versand.", "de"),
        ("Merci pour votre patience. Nous sommes désolés que le colis soit en retard et nous"
         " vous le renvoyons avec le service le plus rapide.", "fr"),
        ("Gracias por su paciencia. Sentimos que su paquete llegue tarde y se lo enviaremos de"
         " nuevo con el servicio más rápido que tenemos para usted.", "es"),
        ("ご不便をおかけして申し訳ございません。商品を再送いたしますので、今しばらくお待ちください。",
         "ja"),
        ("نعتذر عن التأخير في وصول طلبكم، وسنقوم بإرسال المنتج مرة أخرى بأسرع وسيلة شحن ممكنة.",
         "ar"),
    ],
)  # fmt: skip
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language
    assert "language" not in rules_of(text, language=language)
    other = "de" if language != "de" else "fr"
    assert "language" in rules_of(text, language=other)


def test_short_texts_are_not_judged_for_language() -> None:
    assert detect_language("OK, danke!") is None
    assert "language" not in rules_of("OK", language="ja")


def test_every_draft_claimbot_produces_has_no_block() -> None:
    renderer = Renderer(Catalogs())
    full = {
        "order_id": ORDER, "buyer_name": "Anna Schmidt", "product": "Wasserkocher WK-2",
        "carrier": "DHL", "tracking_number": "00340434161094042557", "store_name": "Acme Home",
        "agent_name": "Li Wei", "delay_cause": "customs", "gift": "zwei Ersatzfilter",
        "usage_steps": "1. Deckel abnehmen.\n2. Filter einsetzen.", "refund_amount": "29.99",
        "currency": "EUR", "contacted_on": "2026-11-20", "delivery_date": "2026-11-18",
    }  # fmt: skip
    # The messages that can reach a buyer: zh_Hans renders previews for agents, never sent.
    sendable = [language for language in renderer.languages() if language in BUYER_LANGUAGES]
    assert len(sendable) == len(renderer.languages()) - 1
    for kind in renderer.kinds():
        for language in sendable:
            for reason in (None, "not_received", "defective", "return_not_refunded", "other"):
                for fulfillment in ("fbm", "fba"):
                    facts = {**full, "reason": reason, "fulfillment": fulfillment}
                    draft = renderer.render(kind, facts, language)
                    findings = lint(
                        f"{draft.subject}\n\n{draft.body}", language=language, order_id=ORDER
                    )
                    # No kind couples a gift and the withdrawal request any more.
                    assert [f.rule for f in findings] == [], (kind, language, findings)


@pytest.mark.parametrize(
    ("kind", "placeholder"), [("usage_help", "[STEPS]"), ("gift_offer", "[GIFT]")]
)
def test_drafts_missing_what_only_the_agent_knows_are_blocked(kind: str, placeholder: str) -> None:
    draft = Renderer(Catalogs()).render(kind, {"order_id": ORDER}, "en")
    findings = lint(f"{draft.subject}\n\n{draft.body}", language="en", order_id=ORDER)
    assert [(f.rule, f.excerpt) for f in findings] == [("placeholder", placeholder)]


def blocks_of(text: str) -> set[str]:
    return {f.rule for f in lint(text) if f.severity is Severity.BLOCK}


@pytest.mark.parametrize(
    "text",
    [
        "Bitte ziehen Sie den Antrag zurück, dann bekommen Sie einen Gutschein über 10 EUR.",
        "If you withdraw the claim we will refund you 10 dollars.",
        "We'd be happy to send you a $20 gift card once you withdraw the A-to-z claim.",
        "Once the claim is closed, we will refund the shipping cost of $7.99 as a thank-you.",
        "Please cancel the claim and we'll give you a 15% discount.",
        "Wenn Sie den A-bis-z-Antrag zurücknehmen, erstatten wir Ihnen zusätzlich 10 €.",
        "Si vous retirez votre réclamation, nous vous offrons un bon d'achat de 10 €.",
        "Une fois la réclamation clôturée, nous vous enverrons une carte cadeau.",
        "Se chiude il reclamo, le regaliamo un buono da 10 euro.",
        "Si retira la reclamación, le devolvemos 10 € adicionales como compensación.",
        "Als u de claim intrekt, krijgt u van ons een cadeaubon van 15 euro.",
        "Om du drar tillbaka ditt anspråk skickar vi ett presentkort på 200 kr.",
        "Jeśli wycofa Pan roszczenie, otrzyma Pan od nas bon o wartości 50 zł.",
        "Talebinizi geri çekerseniz size 100 TL hediye çeki göndereceğiz.",
        "Se a senhora retirar a reclamação, devolvemos R$ 30 a mais como compensação.",
        "申請を取り下げていただければ、1,000円分のギフト券をお送りいたします。",
        "إذا سحبتم المطالبة، سنرسل لكم هدية مجانية.",
    ],
)
def test_an_offer_for_withdrawing_the_claim_is_blocked(text: str) -> None:
    findings = rules_of(f"{text} {ORDER}")
    assert "withdrawal_incentive" in blocks_of(f"{text} {ORDER}")
    assert "coupling" in findings  # a gift and a withdrawal request in one message, too


@pytest.mark.parametrize(
    "text",
    [
        "Olumsuz yorumunuzu silerseniz size ücretsiz bir ürün göndereceğiz.",
        "Kötü değerlendirmenizi kaldırmanız halinde ürün bedelini tamamen iade edeceğiz.",
        "Yorum yazarsanız bir sonraki siparişinizde %20 indirim kazanırsınız.",
        "Leave us an honest review and we'll send you a free phone case.",
        "Happy to offer you 20% off if you'd be willing to change your feedback.",
        "Für eine ehrliche Bewertung erstatten wir Ihnen 5 € zurück.",
        "Nous vous enverrons un produit gratuit en échange d'un avis sur Amazon.",
        "A cambio de su opinión en Amazon le regalamos un cargador.",
        "Om du tar bort ditt negativa omdöme skickar vi en gratis produkt till dig.",
        "Za wystawienie opinii zwrócimy Panu 20 zł.",
        "Se o senhor apagar a avaliação negativa, enviamos um brinde.",
        "レビューを書いていただいた方には500円を返金いたします。",
        "إذا حذفتم التقييم السلبي، سنرسل لكم منتجاً مجانياً.",
    ],
)
def test_an_offer_for_a_review_or_its_removal_is_blocked(text: str) -> None:
    assert "review_incentive" in blocks_of(f"{text} {ORDER}")


@pytest.mark.parametrize(
    "text",
    [
        "Please give us 5 stars.",
        "Would you consider leaving a five-star rating for us?",
        "Wir würden uns sehr über eine 5-Sterne-Bewertung freuen!",
        "Pourriez-vous nous laisser une note de 5 étoiles ?",
        "Ci lascerebbe una recensione a 5 stelle?",
        "¡Nos ayudaría mucho una valoración de cinco estrellas!",
        "Wilt u ons 5 sterren geven?",
        "Vi blir glada om du ger oss fem stjärnor!",
        "Będziemy wdzięczni za ocenę 5 gwiazdek!",
        "Bize 5 yıldız verirseniz çok seviniriz!",
        "Ficaríamos felizes com uma avaliação 5 estrelas!",
        "よろしければ5つ星の評価をお願いいたします。",
        "نرجو أن تمنحونا تقييم خمس نجوم!",
    ],
)
def test_asking_for_a_top_rating_is_blocked(text: str) -> None:
    findings = {f.rule: f.severity for f in lint(f"{text} {ORDER}")}
    assert findings.get("rating_request") is Severity.BLOCK
    assert "review_request" not in findings  # the block says it already


@pytest.mark.parametrize(
    "text",
    [
        # A gift in its own sentence, then the withdrawal request: no incentive (but coupling).
        "As a small apology we have added a voucher to the parcel. If you feel we have solved"
        " the problem, please withdraw your claim.",
        "If you are satisfied with the refund of $29.99, please withdraw your claim.",
        "If you are satisfied with the replacement, we would be grateful if you withdrew"
        " your claim.",
        "If you return the blender with the prepaid label, we will refund you in full.",
        "If the parcel has not arrived by Friday, we will send a free replacement.",
        "Thank you for your feedback on the manual; we will send a free spare part.",
        "Tack för din feedback om bruksanvisningen, vi skickar ett gratis filter.",
        "Als excuus hebben wij een cadeaubon bijgevoegd. Als u tevreden bent, kunt u de"
        " claim intrekken.",
        "Wenn Sie den Antrag zurückziehen, erhalten Sie eine Bestätigung von Amazon.",
        "Se ritiene che il problema sia risolto, può ritirare il reclamo; il rimborso è"
        " già stato emesso.",
    ],
)
def test_an_unconditional_gift_or_refund_is_not_an_incentive(text: str) -> None:
    # Not an incentive. (A gift and the withdrawal request in one message are blocked all the
    # same, as "coupling": the two belong in separate messages.)
    assert not blocks_of(f"{text} {ORDER}") - {"coupling"}


@pytest.mark.parametrize(
    "text",
    [
        "De koper belde ons. Bel op: trackingnummer JD014600006281234567.",
        "Telefon: DHL JD014600006281234567",
        "Tel. DHL Express waybill 4567891230",
        "We phoned UPS: tracking 1Z999AA10123456784 is out for delivery.",
        "USPS phone line; tracking 9400 1118 9922 3817 2635 48",
        "Telefon: Sendungsnummer 00340434161234567890",
        "We called Royal Mail about AB123456789GB and RR123456785DE.",
        "Call Amazon Logistics with TBA304958172630.",
        "電話でヤマト運輸に確認しました。伝票番号 4567-8901-2345",
        "Zadzwoniliśmy do InPost, numer przesyłki 520000012345678901234567.",
        "اتصلنا بأرامكس، رقم التتبع 34567890123",
    ],
)
def test_carrier_tracking_numbers_are_not_phone_numbers(text: str) -> None:
    assert "phone" not in blocks_of(text)
