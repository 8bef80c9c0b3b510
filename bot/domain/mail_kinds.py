"""What an Amazon mail other than a claim notice says (issue 15): a request for more
information, Amazon's decision on a claim or on an appeal, a buyer's message relayed by Amazon.
Pure, no I/O; bot/domain/mail.py classifies with it.

Like bot/domain/notices, nothing here depends on whole sentences: keywords near each other
(" … " allows a few words between, never past the end of a sentence), in English, German,
French, Italian, Spanish and Japanese; the order id by its shape. A mail that files a claim is
never read as one of these from its body alone (a notice may well mention "more information" or
"in the buyer's favour"): only its subject could say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.domain.claims import Claim, Outcome
from bot.domain.notices.text import (
    FORMAT_CHARS,
    LIMIT,
    alternation,
    keyword_hits,
    normalise,
    phrase_list,
)
from bot.domain.orders import find_order_ids

# Buyers' messages come from an anonymised relay address: abc123xyz@marketplace.amazon.de.
_RELAY: Final = re.compile(r"@marketplace\.amazon\.(?:[a-z]{2,3}|com?\.[a-z]{2})\Z")


class Said(StrEnum):
    """What the mail says (the values are those of `MailKind`)."""

    INFO_REQUEST = "info_request"
    DECISION = "decision"
    BUYER_MESSAGE = "buyer_message"


class DecisionKind(StrEnum):
    DECISION = "decision"  # Amazon decided the claim
    APPEAL = "appeal"  # Amazon decided the seller's appeal


@dataclass(frozen=True, slots=True)
class Decision:
    """Amazon's decision as the mail proposes it: the outcome the agent is asked to confirm."""

    outcome: Outcome
    kind: DecisionKind


def _words(table: str) -> re.Pattern[str]:
    return re.compile(alternation(phrase_list(table)))


# A buyer's message, by its subject ("Inquiry from Amazon customer Jane (Order: …)").
_BUYER_SUBJECT: Final = _words(
    """
    en: inquiry from amazon customer | message from amazon customer | question from amazon customer
    en: inquiry from … customer | message from … buyer
    de: anfrage von amazon-kunde | nachricht von amazon-kunde | anfrage von amazon kunde
    de: nachricht von … käufer | anfrage von … kunde
    fr: demande de renseignements de la part du client | message du client amazon
    fr: question d'un client amazon | message de … client
    it: richiesta dal cliente amazon | messaggio dal cliente amazon | domanda da un cliente
    it: richiesta di informazioni dal cliente
    es: consulta del cliente de amazon | mensaje del cliente de amazon | consulta de … cliente
    ja: お客様からの問い合わせ | お客様からのお問い合わせ | 購入者からのメッセージ | 購入者様からの
    """
)
# Words of a mail that files a claim: such a mail is a claim notice, whatever else it says.
_FILES_CLAIM: Final = _words(
    """
    en: has filed | filed a claim | filed an a-to-z | opened a claim | has submitted a claim
    en: claim filed | has been filed | been filed against | claim notification
    de: antrag … wurde … gestellt | hat … antrag … gestellt | antrag … gestellt
    de: antrag eingereicht | antrag eingegangen | antrag … eingereicht
    fr: a déposé | a été déposée | a ouvert une réclamation | a soumis une réclamation
    fr: réclamation déposée
    it: ha presentato | è stato presentato | ha aperto un reclamo | reclamo presentato
    es: ha presentado | se ha presentado | ha abierto una reclamación | reclamación presentada
    ja: 申請がありました | 申請されました | 申請が行われました | 申請を行いました | 申請日
    """
)
# Amazon asks the seller for more information.
_INFO: Final = _words(
    """
    en: need more information | need additional information | need … information
    en: require … information | requires … information | request for … information
    en: more information needed | additional information required | information requested
    de: benötigen … informationen | brauchen … informationen | weitere informationen erforderlich
    de: zusätzliche informationen erforderlich | informationen angefordert
    fr: besoin … informations | informations supplémentaires requises | demande d'informations
    fr: demande d'information
    it: bisogno … informazioni | necessitiamo … informazioni | ulteriori informazioni richieste
    it: richiesta di informazioni | richiesta di ulteriori informazioni
    es: necesitamos … información | se requiere … información | solicitud de información
    es: más información necesaria | solicitud de más información
    ja: 追加情報 | 情報のご提供 | 情報をご提供 | 情報が必要 | 詳細をお知らせ
    """
)
# An appeal (the seller's, against a granted claim).
_APPEAL: Final = _words(
    """
    en: appeal
    de: einspruch | widerspruch | beschwerde gegen
    fr: appel | recours | contestation
    it: ricorso | appello
    es: apelación | recurso
    ja: 異議申し立て | 再審査
    """
)
# The appeal was refused, or accepted. "Not accepted" is a refusal: refusals are read first.
_APPEAL_REFUSED: Final = _words(
    """
    en: unable to accept | cannot accept | not … accepted | not … approved | not … successful
    en: unsuccessful | denied | rejected | declined | original decision stands | upheld | uphold
    de: abgelehnt | zurückgewiesen | nicht … stattgegeben | bleibt bestehen
    fr: rejeté | rejetée | refusé | refusée | pas … accepté | maintenue | maintenons
    it: respinto | respinta | non … accolto | non … accolta | rifiutato | confermata
    es: rechazada | rechazado | denegada | denegado | no … aceptada | se mantiene
    ja: 却下 | 認められませんでした | 承認されませんでした
    """
)
_APPEAL_ACCEPTED: Final = _words(
    """
    en: accepted | approved | successful | granted | reversed | overturned
    de: stattgegeben | angenommen | erfolgreich | aufgehoben
    fr: accepté | acceptée | accordé | annulée
    it: accolto | accolta | accettato | annullata
    es: aceptada | aceptado | aprobada | anulada
    ja: 承認されました | 認められました | 取り消
    """
)
# Amazon's decision on the claim. Who pays decides the outcome of a granted claim.
_DECIDED: Final = _words(
    """
    en: decision | decided | we have reviewed | has been closed | has been granted
    en: has been denied | have granted | have denied
    de: entscheidung | entschieden | geprüft
    fr: décision | décidé | examiné
    it: decisione | deciso | esaminato
    es: decisión | decidido | revisado
    ja: 決定 | 判断 | 審査の結果 | 結果
    """
)
_AMAZON_FUNDED: Final = _words(
    """
    en: funded by amazon | amazon-funded | amazon funded | at amazon's expense | amazon will cover
    en: amazon has covered | amazon covered | no cost to you | not be charged
    de: von amazon … getragen | auf kosten von amazon | übernimmt amazon | amazon übernimmt
    de: nicht … belastet
    fr: pris en charge par amazon | financé par amazon | aux frais d'amazon | pas … débité
    it: a carico di amazon | sostenuto da amazon | coperto da amazon | non … addebitato
    es: a cargo de amazon | cubierto por amazon | financiado por amazon | no … cargo
    ja: amazon負担 | amazonが負担 | 当社が負担 | 出品者様のご負担はありません
    """
)
_SELLER_FUNDED: Final = _words(
    """
    en: funded by you | seller-funded | seller funded | charged to your account | debited from
    en: deducted from your | at your expense | you will be charged | your account … charged
    de: ihrem verkäuferkonto belastet | ihrem konto belastet | zu ihren lasten | von ihnen getragen
    fr: débité de votre compte | à votre charge | prélevé sur votre compte | financé par vous
    it: addebitato sul tuo account | addebitato sul suo account | a tuo carico | a suo carico
    es: cargado a su cuenta | cargo en su cuenta | a su cargo | deducido de su cuenta
    ja: 出品者負担 | 出品者様の負担 | アカウントから差し引 | ご負担
    """
)
_DENIED: Final = _words(
    """
    en: denied | declined | rejected | not granted | in your favor | in your favour
    de: abgelehnt | zu ihren gunsten | nicht stattgegeben
    fr: refusée | refusé | rejetée | rejeté | en votre faveur
    it: respinto | respinta | rifiutato | rifiutata | a tuo favore | a suo favore
    es: denegada | denegado | rechazada | rechazado | a su favor
    ja: 却下 | 出品者様に有利 | 認められませんでした
    """
)
_GRANTED: Final = _words(
    """
    en: granted | in the buyer's favor | in the buyer's favour | refunded the buyer
    en: refund … to the buyer | reimbursed the buyer
    de: stattgegeben | zugunsten des käufers | zugunsten des kunden | gewährt
    fr: accordée | accordé | en faveur de l'acheteur | en faveur du client
    it: accolto | accolta | concesso | a favore dell'acquirente | a favore del cliente
    es: concedida | concedido | aprobada | a favor del comprador | a favor del cliente
    ja: 承認 | 購入者様に有利 | 返金いたしました
    """
)
# "You can appeal within 30 days": said only of a claim granted at the seller's expense.
_APPEAL_WINDOW: Final = re.compile(r"30")


def is_relay(address: str | None) -> bool:
    """A buyer's message relayed by Amazon: from marketplace.amazon.<tld>."""
    return address is not None and _RELAY.search(address.strip().lower()) is not None


def _low(text: str) -> str:
    return normalise(FORMAT_CHARS.sub("", text[:LIMIT]))[1]


def _first(pattern: re.Pattern[str], low: str) -> int | None:
    match = next(keyword_hits(pattern, low), None)
    return match.start() if match is not None else None


def _has(pattern: re.Pattern[str], low: str) -> bool:
    return _first(pattern, low) is not None


def what_it_says(sender: str | None, subject: str, text: str) -> Said | None:
    """What an Amazon mail says, if it is one of these kinds; None for anything else (a claim
    notice among them). The relay sender is the strong signal of a buyer's message: a buyer
    quoting a claim is still a buyer. Then the subject; the body only of a mail that files no
    claim."""
    subject_low, body_low = _low(subject), _low(text)
    if is_relay(sender) or _has(_BUYER_SUBJECT, subject_low):
        return Said.BUYER_MESSAGE
    if _decision_in(subject_low, body_low) is not None and _has(_DECIDED, subject_low):
        return Said.DECISION
    if _has(_INFO, subject_low):
        return Said.INFO_REQUEST
    if _has(_FILES_CLAIM, f"{subject_low}\n{body_low}"):
        return None
    info = _first(_INFO, body_low)
    decided = _first(_DECIDED, body_low)
    if decided is not None and _decision_in(subject_low, body_low) is None:
        decided = None
    if info is not None and (decided is None or info < decided):
        return Said.INFO_REQUEST
    return Said.DECISION if decided is not None else None


def decision_of(subject: str, text: str) -> Decision | None:
    """Amazon's decision the mail proposes, or None when it does not say it plainly."""
    return _decision_in(_low(subject), _low(text))


def _decision_in(subject_low: str, body_low: str) -> Decision | None:
    low = f"{subject_low}\n{body_low}"
    # A mail about an appeal, not one that offers it ("you can appeal within 30 days").
    if _has(_APPEAL, subject_low) or (_has(_APPEAL, body_low) and not _appeal_offered(low)):
        appeal = _appeal_in(low[_first(_APPEAL, low) or 0 :])
        if appeal is not None:
            return appeal
    denied, granted = _first(_DENIED, low), _first(_GRANTED, low)
    if denied is not None and (granted is None or denied < granted):
        return Decision(Outcome.DENIED, DecisionKind.DECISION)
    if granted is None:
        return None
    if _has(_AMAZON_FUNDED, low):
        return Decision(Outcome.GRANTED_AMAZON_FUNDED, DecisionKind.DECISION)
    if _has(_SELLER_FUNDED, low) or _appeal_offered(low):
        return Decision(Outcome.GRANTED_SELLER_FUNDED, DecisionKind.DECISION)
    return None


def _around_appeal(low: str) -> str:
    """The sentence of the first mention of an appeal."""
    start = _first(_APPEAL, low)
    if start is None:
        return ""
    return re.split(r"[.!?。\n]\s", low[start : start + 300], maxsplit=1)[0]


def _appeal_in(low: str) -> Decision | None:
    """An appeal accepted takes the claim off the seller's account: Amazon pays (granted,
    Amazon-funded); refused, the granted, seller-funded decision stands."""
    refused, accepted = _first(_APPEAL_REFUSED, low), _first(_APPEAL_ACCEPTED, low)
    if refused is not None and (accepted is None or refused <= accepted):
        return Decision(Outcome.GRANTED_SELLER_FUNDED, DecisionKind.APPEAL)
    if accepted is not None:
        return Decision(Outcome.GRANTED_AMAZON_FUNDED, DecisionKind.APPEAL)
    return None


def _appeal_offered(low: str) -> bool:
    """ "You can appeal this decision within 30 days"."""
    sentence = _around_appeal(low)
    return bool(sentence) and _APPEAL_WINDOW.search(sentence) is not None


def order_of(subject: str, text: str) -> str | None:
    """The order the mail is about: the subject's one order id, else the body's one."""
    for part in (subject, text[:LIMIT]):
        found = set(find_order_ids(FORMAT_CHARS.sub("", part)))
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            return None
    return None


# --- The buyer's own words -------------------------------------------------------------------
# Amazon frames the buyer's text: "------------- Begin message -------------" ... "End message".
_MARKER: Final = re.compile(
    r"^[ \t]*[-=─—_*]{3,40}[ \t]*([^\n]{0,60}?)[ \t]*[-=─—_*]{3,40}[ \t]*$", re.MULTILINE
)
_BEGIN: Final = _words(
    """
    en: begin message | start of message | message begins
    de: nachricht beginnen | beginn der nachricht | anfang der nachricht | nachricht anfang
    fr: début du message
    it: inizio messaggio | inizio del messaggio
    es: comienzo del mensaje | inicio del mensaje
    ja: メッセージ開始 | メッセージの開始 | メッセージここから
    """
)
_END: Final = _words(
    """
    en: end message | end of message | message ends
    de: nachricht beenden | ende der nachricht | nachricht ende
    fr: fin du message
    it: fine messaggio | fine del messaggio
    es: fin del mensaje | final del mensaje
    ja: メッセージ終了 | メッセージの終了 | メッセージここまで
    """
)


def buyer_text(text: str) -> str:
    """The buyer's words without Amazon's header and footer: the text between Amazon's "Begin
    message" and "End message" lines when both are there (in any of the languages above), else
    the whole body, untouched but for its outer blank lines."""
    begin: int | None = None
    for marker in _MARKER.finditer(text):
        label = _low(marker[1])
        if begin is None and _has(_BEGIN, label):
            begin = marker.end()
        elif begin is not None and _has(_END, label):
            inner = text[begin : marker.start()].strip()
            if inner:
                return inner
            break
    return text.strip()


# --- Amazon's decision, noted on the claim ---------------------------------------------------
DECISION_FACT: Final = "amazon_decision"  # an `Outcome` value: what Amazon's mail decided
DECISION_AT_FACT: Final = "amazon_decision_at"  # the ISO date of the mail
DECISION_KIND_FACT: Final = "amazon_decision_kind"  # a `DecisionKind` value


def mailed_decision(claim: Claim) -> Outcome | None:
    """The outcome Amazon's decision mail proposes for the claim (the agent confirms it)."""
    value = claim.facts.extra.get(DECISION_FACT)
    try:
        return Outcome(value) if value else None
    except ValueError:  # a value no claimbot wrote
        return None
