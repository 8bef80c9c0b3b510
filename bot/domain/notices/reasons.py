"""The claim reason, from the keywords of each language that name it."""

from __future__ import annotations

import re
from typing import Final

from bot.domain.claims import Reason
from bot.domain.notices.languages import LETTER
from bot.domain.notices.text import alternation, fold, keyword_hits, phrase_list

# Per reason, phrases in each language; " … " allows a few words in between. Where phrases of two
# reasons start at one place, the earlier reason wins: "refund not received" is not "not received".
_REASON_WORDS: Final = {
    Reason.RETURN_NOT_REFUNDED: phrase_list(
        """
        en: return not refunded | returned but not refunded | not … refunded | no refund
        en: refund not received | refund … not … issued | without a refund | waiting for … refund
        en: did not receive … refund | didn't receive … refund | not received … refund
        en: has not received … refund
        de: nicht erstattet | nicht zurückerstattet | keine erstattung | keine rückerstattung
        de: erstattung … nicht erhalten | erstattung … nicht erfolgt | nicht … erstattet
        fr: non remboursé | pas été remboursé | pas remboursé | aucun remboursement
        fr: remboursement non reçu | remboursement … pas … reçu | pas reçu … remboursement
        es: no reembolsado | no se ha reembolsado | no ha sido reembolsado | sin reembolso
        es: reembolso no recibido | no ha recibido … reembolso | no recibió … reembolso
        it: non rimborsato | nessun rimborso | rimborso non ricevuto | non è stato rimborsato
        it: non ha ricevuto … rimborso
        ja: 返金されていない | 返金されない | 返金がない | 返金未 | 返金を受け取っていない
        ja: 返品したが返金
        nl: niet terugbetaald | geen terugbetaling | terugbetaling niet ontvangen
        sv: inte återbetald | ingen återbetalning
        pl: nie zwrócono pieniędzy | brak zwrotu pieniędzy | zwrot pieniędzy nie
        tr: para iadesi yapılmadı | para iadesi alınmadı | geri ödeme yapılmadı | iade edilmedi
        pt: não reembolsado | sem reembolso | reembolso não recebido | não recebeu … reembolso
        ar: لم يتم استرداد | لم يتم رد المبلغ
        """
    ),
    Reason.RETURN_REFUSED: phrase_list(
        """
        en: return refused | return denied | return rejected | return declined
        en: refused … return | denied … return | rejected … return | declined … return
        en: return … refused | return … denied | return … rejected | would not accept … return
        de: rücksendung abgelehnt | rückgabe abgelehnt | retoure abgelehnt | rücknahme abgelehnt
        de: rücksendung … abgelehnt | rückgabe … verweigert | rücknahme … verweigert
        fr: retour refusé | refus de retour | refusé … retour
        es: devolución rechazada | devolución denegada | rechazó … devolución
        es: se negó … devolución
        it: reso rifiutato | reso negato | reso non accettato | rifiutato … reso
        ja: 返品拒否 | 返品を拒否 | 返品を受け付けて | 返品を断
        nl: retour geweigerd | retour afgewezen
        sv: retur nekad | returen nekades | nekade … retur
        pl: odmowa zwrotu | odmówił … zwrotu | zwrot odrzucony
        tr: iade reddedildi | iade talebi reddedildi | iadeyi reddetti
        pt: devolução recusada | devolução negada | recusou … devolução
        ar: رفض الإرجاع | رفض الاسترجاع
        """
    ),
    Reason.NOT_RECEIVED: phrase_list(
        """
        en: not received | never received | never arrived | not arrived | hasn't arrived
        en: did not arrive | didn't arrive | did not receive | didn't receive | has not received
        en: hasn't received | not delivered | never delivered | undelivered | lost in transit
        de: nicht erhalten | nie erhalten | nicht angekommen | nie angekommen
        de: nicht zugestellt | nicht geliefert | nicht eingetroffen
        fr: non reçu | pas reçu | jamais reçu | pas été livré | non livré | jamais arrivé
        fr: pas arrivé
        es: no recibido | no ha llegado | nunca llegó | no llegó | no ha recibido | no recibió
        es: no entregado
        it: non ricevuto | mai ricevuto | non è arrivato | non arrivato | mai arrivato
        it: non consegnato | non ha ricevuto
        ja: 商品未着 | 未着 | 届いていない | 届かない | 届いておりません | 受け取っていない
        ja: 未配達
        nl: niet ontvangen | nooit ontvangen | niet aangekomen | niet geleverd
        sv: inte mottagen | inte mottagit | inte fått | inte levererad | ej mottagen
        pl: nie otrzymano | nie otrzymał | nie dotarł | nie doręczono
        tr: teslim alınmadı | teslim edilmedi | ulaşmadı
        pt: não recebido | não recebeu | não chegou | nunca chegou | não entregue
        ar: لم يتم استلام | لم يصل | لم يستلم | عدم استلام
        """
    ),
    Reason.LATE_DELIVERY: phrase_list(
        """
        en: late delivery | delivered late | arrived late | late arrival | delayed delivery
        en: delivery … delayed | after the estimated delivery | after the latest delivery
        en: after the promised delivery
        de: verspätete lieferung | verspätete zustellung | verzögerte lieferung
        de: lieferverzögerung | verspätet | zu spät
        fr: livraison tardive | livré en retard | arrivé en retard | retard de livraison
        fr: en retard
        es: entrega tardía | entregado tarde | llegó tarde | entrega con retraso
        es: retraso en la entrega | con retraso
        it: consegna in ritardo | arrivato in ritardo | consegnato in ritardo
        it: ritardo nella consegna | in ritardo
        ja: 配達遅延 | 配送遅延 | 遅延 | 遅れて届いた | お届け予定日を過ぎて | 到着が遅れ
        nl: te laat geleverd | late levering | vertraagde levering | te laat
        sv: försenad leverans | levererades för sent | för sent
        pl: opóźniona dostawa | opóźnienie dostawy | z opóźnieniem
        tr: geç teslim | gecikmeli teslimat | teslimat gecikti
        pt: entrega atrasada | atraso na entrega | chegou atrasado | com atraso
        ar: تأخر التسليم | تأخير التوصيل | تأخر الوصول
        """
    ),
    Reason.NOT_AS_DESCRIBED: phrase_list(
        """
        en: not as described | materially different | significantly different
        en: different from … description | different from … listing | not match … description
        en: wrong item | different item | counterfeit
        de: nicht wie beschrieben | entspricht nicht der beschreibung | nicht der beschreibung
        de: weicht … von der beschreibung ab | weicht erheblich | anders als beschrieben
        de: falscher artikel
        fr: non conforme | pas conforme | ne correspond pas à la description
        fr: différent de la description | mauvais article
        es: no es como se describe | no como se describe | no coincide con la descripción
        es: no corresponde con la descripción | diferente a la descripción
        es: distinto de lo descrito | artículo equivocado | artículo incorrecto
        it: diverso dalla descrizione | non corrisponde alla descrizione | non come descritto
        it: articolo sbagliato
        ja: 説明と異なる | 説明と著しく異なる | 記載と異なる | 異なる商品 | 違う商品
        nl: niet zoals beschreven | anders dan beschreven | wijkt af van de beschrijving
        nl: verkeerd artikel
        sv: inte som beskrivet | inte som beskrivits | skiljer sig från beskrivningen | fel vara
        pl: niezgodny z opisem | niezgodne z opisem | inny niż opisano
        tr: açıklandığı gibi değil | açıklamaya uygun değil | yanlış ürün | farklı ürün
        pt: diferente do anunciado | diferente da descrição | não é como descrito
        pt: não corresponde à descrição | produto errado
        ar: ليس كما هو موصوف | مختلف عن الوصف | منتج خاطئ
        """
    ),
    Reason.DEFECTIVE: phrase_list(
        """
        en: defective | damaged | broken | does not work | doesn't work | not working
        en: stopped working | faulty | missing parts | missing pieces
        de: defekt | beschädigt | fehlerhaft | kaputt | funktioniert nicht | fehlende teile
        de: mangelhaft
        fr: défectueux | défectueuse | endommagé | cassé | abîmé | ne fonctionne pas
        fr: pièces manquantes
        es: defectuoso | dañado | roto | no funciona | averiado | piezas faltantes
        it: difettoso | danneggiato | rotto | guasto | non funziona | parti mancanti
        ja: 不良品 | 初期不良 | 破損 | 故障 | 壊れ | 動作しない | 部品が不足
        nl: defect | beschadigd | kapot | werkt niet
        sv: skadad | trasig | fungerar inte
        pl: wadliwy | uszkodzony | zepsuty | nie działa
        tr: kusurlu | hasarlı | bozuk | çalışmıyor
        pt: defeituoso | danificado | quebrado | com defeito | não funciona
        ar: معيب | تالف | لا يعمل | مكسور
        """
    ),
}
_REASON: Final = re.compile(
    "|".join(f"(?P<{reason.value}>{alternation(words)})" for reason, words in _REASON_WORDS.items())
)
_REASON_LABELS: Final = phrase_list(
    """
    en: claim reason | reason for claim | reason for the claim | reason
    de: antragsgrund | grund
    fr: motif
    es: motivo
    nl: reden
    sv: anledning | orsak
    pl: powód | przyczyna
    tr: nedeni | neden | sebebi | sebep
    """
)
# A label, a few words ("Grund des Antrags"), then ":" and the value, or the end of the line
# (Seller Central copies put the value on the next line).
_REASON_LABEL: Final = re.compile(
    r"(?:(?<!\w)(?:"
    + "|".join(re.escape(w) for w in sorted(_REASON_LABELS, key=len, reverse=True))
    + r")s?(?![^\W\d_])|理由|سبب)"
    r"[^\n:.!?。]{0,30}(?::(?P<value>[^\n]{0,200})|(?=\n))"
)
_OTHER_WORDS: Final = frozenset(
    fold(w)
    for w in phrase_list(
        """
        en: other | others
        de: sonstiges | sonstige | sonstiger | andere | anderer
        fr: autre | autres
        es: otro | otros
        it: altro | altri
        nl: overig | overige | anders
        sv: annat | övrigt
        pl: inne | inny
        tr: diğer
        pt: outro | outros
        ar: أخرى | اخرى
        """
    )
)
_OTHER_JA: Final = "その他"
# Words of a claim notice, for a short paste: "303-1234567-7654321 A-to-z claim".
CLAIM_WORDS: Final = re.compile(
    alternation(
        phrase_list(
            """
            en: claim | a-to-z | a-z | guarantee
            de: antrag | garantie
            fr: réclamation | garantie
            es: reclamación | garantía
            it: reclamo | garanzia
            ja: 申請 | 保証
            nl: claim | garantie
            sv: anspråk | garanti
            pl: roszczeni | gwarancj
            tr: talep | garanti
            pt: reclamação | garantia
            ar: مطالبة | ضمان
            """
        )
    )
)


def reason_of(low: str) -> Reason | None:
    """The reason on a labelled line ("Claim reason: ..."), else the first reason phrase in the
    text. "Other" only when a label says so."""
    for label in _REASON_LABEL.finditer(low):
        value = (label["value"] or "").strip()
        if not value:
            value = _next_line(low, label.end())
        found = _reason_in(value)
        if found is not None:
            return found
        if _says_other(value):
            return Reason.OTHER
    return _reason_in(low)


def _next_line(low: str, start: int) -> str:
    for line in low[start : start + 400].split("\n")[1:4]:
        if line.strip():
            return line.strip()
    return ""


def _reason_in(text: str) -> Reason | None:
    match = next(keyword_hits(_REASON, text), None)
    if match is None or match.lastgroup is None:
        return None
    return Reason(match.lastgroup)


def _says_other(value: str) -> bool:
    value = value.strip(" \t-–—*•·>\"'")
    if value.startswith(_OTHER_JA):
        return True
    first = LETTER.match(value)
    return first is not None and first[0] in _OTHER_WORDS
