"""The request to withdraw the claim in every shape a language gives it: separable verbs with
the claim between stem and particle ("ziehen Sie Ihren Antrag bitte zurück"), particles apart
from their verb ("dra gärna tillbaka ärendet"), the claim named by a pronoun in the next
sentence ("pourriez-vous la retirer ?") or not named at all (Japanese drops it). Next to a gift
such a request is blocked (coupling); alone it is an ordinary request; a verb that sends
money or a parcel back is none."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.compliance import Severity, lint
from tests.helpers import ORDER

# A small unconditional gift in each language: next to a withdrawal request it is a coupling.
GIFT = {
    "en": "As a small thank-you we are sending you a gift card.",
    "de": "Als kleine Entschädigung legen wir Ihnen einen Gutschein bei.",
    "nl": "Als excuus sturen wij u een cadeaubon.",
    "sv": "Som en ursäkt skickar vi dig ett presentkort.",
    "fr": "Pour nous excuser, nous vous envoyons un petit cadeau.",
    "it": "Per scusarci le inviamo un piccolo omaggio.",
    "es": "Como disculpa, le enviamos un pequeño obsequio.",
    "pt": "Como pedido de desculpas, enviamos um brinde.",
    "pl": "W ramach przeprosin wysyłamy Panu mały prezent.",
    "tr": "Yaşanan aksaklık için size küçük bir hediye gönderiyoruz.",
    "ja": "お詫びのしるしに、ささやかなプレゼントをお送りします。",
    "ar": "نعتذر عن الإزعاج، وسنرسل لكم هدية صغيرة.",
}

REQUESTS = [
    # German separable verbs: stem first, the claim, then the particle; or the claim fronted.
    ("de", "Bitte ziehen Sie Ihren Antrag zurück."),
    ("de", "Wenn alles in Ordnung ist, ziehen Sie die Reklamation bitte zurück."),
    ("de", "Nehmen Sie den Antrag bitte zurück, wenn das Problem gelöst ist."),
    ("de", "Ihren A-bis-z-Antrag ziehen Sie bitte über „Meine Bestellungen“ zurück."),
    ("de", "Könnten Sie die A-bis-z-Garantie-Beschwerde zurückziehen?"),
    ("de", "Ihr Antrag ist noch offen. Wenn alles gut ist, ziehen Sie ihn bitte zurück."),
    # Dutch: "trekken ... in", "trekken ... terug".
    ("nl", "Trek uw claim alstublieft in via Mijn bestellingen."),
    ("nl", "Trekt u de A-tot-z-garantieclaim weer in, als alles in orde is?"),
    ("nl", "Zou u uw klacht willen terugtrekken?"),
    # Swedish: an adverb between "dra" and "tillbaka".
    ("sv", "Dra gärna tillbaka ärendet när problemet är löst."),
    ("sv", "Vill du vara vänlig och dra tillbaka ditt klagomål?"),
    # Romance languages: the claim named, then taken up by a pronoun.
    ("fr", "Votre réclamation A-à-z est toujours ouverte. Si le problème est réglé, pourriez-vous"
           " la retirer ?"),
    ("it", "Il reclamo dalla A alla Z risulta ancora aperto. Se è soddisfatto, potrebbe"
           " ritirarlo?"),
    ("es", "Su reclamación de la garantía de la A a la Z sigue abierta. Si está satisfecho,"
           " ¿podría retirarla?"),
    ("pt", "Sua reclamação de garantia de A a Z continua aberta. Se estiver satisfeito,"
           " poderia retirá-la?"),
    ("en", "Your A-to-z claim is still open. If we have solved the problem, could you withdraw"
           " it in Your Orders?"),
    # Polish: the pronoun; and a claim noun in the genitive.
    ("pl", "Pana roszczenie jest nadal otwarte. Jeśli problem został rozwiązany, czy mógłby Pan"
           " je wycofać?"),
    ("pl", "Prosimy o wycofanie wniosku."),
    # Turkish: complaint and application as the claim.
    ("tr", "Şikayetinizi geri çekmenizi rica ederiz."),
    ("tr", "A'dan Z'ye Garanti başvurunuzu geri çekebilir misiniz?"),
    # Japanese drops the object the previous sentence named; 申し立て is a claim too.
    ("ja", "Aからz保証の申請がまだ開いております。問題が解決しましたら、取り下げていただけますと"
           "幸いです。"),
    ("ja", "申し立てを取り下げていただけますか。"),
    # Arabic: the complaint, and the pronoun suffix ("withdraw it").
    ("ar", "نرجو سحب الشكوى."),
    ("ar", "مطالبتكم لا تزال مفتوحة. إذا تم حل المشكلة، نرجو منكم سحبها."),
]  # fmt: skip


def rules_of(text: str) -> dict[str, Severity]:
    return {f.rule: f.severity for f in lint(f"{text} {ORDER}")}


@pytest.mark.parametrize(("language", "request_"), REQUESTS)
def test_a_gift_next_to_any_shape_of_withdrawal_request_is_blocked(
    language: str, request_: str
) -> None:
    assert rules_of(f"{GIFT[language]} {request_}").get("coupling") is Severity.BLOCK


@pytest.mark.parametrize(("language", "request_"), REQUESTS)
def test_the_withdrawal_request_alone_is_no_coupling(language: str, request_: str) -> None:
    assert not {r for r, s in rules_of(request_).items() if s is Severity.BLOCK}
    assert "refund_coupling" not in rules_of(request_)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # "zurück" with a verb that sends something back, not the claim.
        ("de", "Wir schicken Ihnen das Geld zu Ihrem Antrag zurück."),
        ("de", "Bitte senden Sie das Paket zu Ihrer Reklamation zurück."),
        ("de", "Wir nehmen Ihren Antrag ernst und schicken Ihnen das Geld zurück."),
        ("de", "Wir nehmen den Artikel gerne zurück, Ihr Antrag bleibt davon unberührt."),
        ("de", "Wegen Ihrer Beschwerde überweisen wir Ihnen den Betrag zurück."),
        # "in" after "trek" that is a preposition of another clause.
        ("nl", "Trek de stekker uit en steek hem na tien seconden weer in; uw claim lossen wij"
               " zo op."),
        ("sv", "Dra ur kontakten och sätt tillbaka den efter tio sekunder, så löser vi ditt"
               " ärende."),
        # "retirer" / "ritirare" / "retirar" a parcel: collecting it, not withdrawing the claim.
        ("fr", "Suite à votre réclamation, vous pouvez retirer le colis au point relais dès"
               " demain."),
        ("it", "In merito al suo reclamo, può ritirare il pacco presso l'ufficio postale."),
        ("es", "Respecto a su reclamación: puede retirar el paquete en la oficina de correos."),
        ("es", "Su reclamación está en curso. Su paquete ya está en la oficina de correos y"
               " puede retirarlo hasta el viernes."),
        ("en", "Regarding your claim, you can cancel the order in Your Orders."),
        # A pronoun that stands for the parcel or the replacement, not the claim.
        ("fr", "Votre réclamation est bien reçue. Votre colis est au point relais, vous pouvez le"
               " retirer dès demain."),
        ("it", "Abbiamo ricevuto il suo reclamo. Il pacco è in posta: può ritirarlo entro"
               " venerdì."),
        ("pt", "Recebemos sua reclamação. O pacote está na agência e você pode retirá-lo até"
               " sexta."),
        ("en", "Your claim is noted. If you no longer need the replacement, you can cancel it."),
        ("de", "Vielen Dank für Ihre Reklamation. Wir nehmen den Mixer gerne zurück."),
    ],
)  # fmt: skip
def test_a_verb_sending_something_back_is_no_withdrawal_request(language: str, text: str) -> None:
    assert "coupling" not in rules_of(f"{GIFT[language]} {text}")


@pytest.mark.parametrize(
    "text",
    [
        "Ziehen Sie Ihre Reklamation bitte zurück, dann erhalten Sie einen Gutschein über 10 €.",
        "Trek uw claim in, dan krijgt u een cadeaubon van 10 euro.",
        "Votre réclamation est toujours ouverte. Si vous la retirez, nous vous offrons un bon"
        " d'achat de 10 €.",
    ],
)
def test_an_offer_traded_for_a_split_withdrawal_is_blocked(text: str) -> None:
    assert rules_of(text).get("withdrawal_incentive") is Severity.BLOCK


@pytest.mark.parametrize(
    ("text", "coupled"),
    [
        ("As an apology, we've added a spare filter to your parcel. If you feel we've solved the"
         " problem, please withdraw your claim under Your Orders.", True),
        ("Als Entschuldigung legen wir einen Ersatzfilter bei. Wenn das Problem gelöst ist,"
         " ziehen Sie Ihren Antrag bitte zurück.", True),
        ("お詫びとして替えのフィルターを同梱いたしました。問題が解決しましたら、申請を取り下げて"
         "いただけますと幸いです。", True),
        # An apology without anything given is no gift.
        ("We apologise for the delay. If you feel we've solved the problem, please withdraw your"
         " claim under Your Orders.", False),
    ],
)  # fmt: skip
def test_whatever_is_given_as_an_apology_is_a_gift(text: str, coupled: bool) -> None:
    assert ("coupling" in rules_of(text)) is coupled


# Words every shape is built of, in any order: the patterns must hold on any mix of them.
_PIECES = st.sampled_from(
    [*(text for _, text in REQUESTS), *GIFT.values(), "ziehen", "zurück", "Antrag", "trek",
     " in ", "dra", "tillbaka", "la retirer", "ritirarlo", "取り下げ", "سحبها", ". ", ", ",
     " und ", "\n", "colis", "claim", "withdraw it"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_any_mix_of_withdrawal_words_is_linted(text: str) -> None:
    assert all(f.severity in {Severity.BLOCK, Severity.WARN} for f in lint(text))


def test_a_condition_in_an_earlier_sentence_makes_no_later_offer_conditional() -> None:
    """The first clause of a sentence starts with the sentence: the "if" of the sentence before
    made this refund read as traded for a claim that is only mentioned."""
    earlier = "If the kettle still leaks, please write to us."
    text = f"{earlier} We will refund you the shipping cost for the claim we closed yesterday."
    assert "withdrawal_incentive" not in rules_of(text)
    traded = f"{earlier} We will refund you the shipping cost if you close the claim."
    assert "withdrawal_incentive" in rules_of(traded)
