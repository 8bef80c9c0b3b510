"""The phrases each rule looks for, per language (en de fr it es nl sv pl tr pt ja ar)."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

from ahocorasick_rs import MATCHKIND_STANDARD, AhoCorasick

from bot.domain.compliance.offers import (
    CLOSE_VERB,
    CONDITION,
    CONDITION_SUFFIX,
    MONEY,
    OFFER,
    REVIEW_ACT,
    STAR_RATING,
    THEN,
)
from bot.domain.compliance.patterns import NON_LATIN, phrase_hits
from bot.domain.compliance.withdrawal import MARKERS as _WITHDRAWAL_MARKERS

_PHONE_WORDS = phrase_hits(
    "phone|telephone|tel.|tel:|call us|call me|mobile:|whatsapp|hotline|cell:",
    "telefon|tel.|telefonnummer|rufen sie uns|anrufen unter|handy|hotline|mobil:|"
    "erreichen sie uns unter|erreichbar unter",
    "téléphone|tél.|tél :|tél:|appelez-nous|appelez nous|portable|joignable au",
    "telefono|tel.|chiamateci|chiamarci|cellulare|numero verde",
    "teléfono|tel.|llámenos|llamarnos|móvil|celular|whatsapp",
    "telefoon|tel.|bel ons|bellen naar|bellen op|bel op|mobiel",
    "telefon|tel.|ring oss|ringa oss|mobil:",
    "telefon|tel.|zadzwoń|zadzwonić|komórk|infolinia|pod numerem|pod nr",
    "telefon|tel.|arayın|arayabilirsiniz|cep:|whatsapp|numaralı hat|hattımız",
    "telefone|tel.|ligue para|ligar para|celular|whatsapp",
    "電話|携帯|tel：|でんわ|line：|ライン：",
    "هاتف|اتصل|اتصلوا|الاتصال|جوال|الجوال|واتساب|رقم الهاتف|على الرقم",
)
_MARKETING = phrase_hits(
    "promo code|promotion code|promotional code|coupon|discount code|voucher code|% off|off your"
    " next|next purchase|our other products|other products from our|visit our store|visit our"
    " shop|follow us|newsletter|special offer|check out our|use code|use the"
    " code at checkout|use the promo",
    "gutscheincode|rabattcode|aktionscode|promo-code|promocode|coupon|% rabatt|rabatt auf ihre"
    " nächste|nächsten einkauf|nächste bestellung|unsere anderen produkte|besuchen sie unseren|"
    "folgen sie uns|newsletter|sonderangebot|mit dem gutscheincode|"
    "mit dem rabattcode",
    "code promo|code de réduction|coupon|bon de réduction|% de réduction|prochaine commande|"
    "prochain achat|nos autres produits|visitez notre|suivez-nous|newsletter|"
    "offre spéciale|utilisez le code promo|avec le code promo|avec le code|toute notre gamme",
    "codice promozionale|codice sconto|coupon|buono sconto|% di sconto|prossimo acquisto|"
    "prossimo ordine|altri nostri prodotti|nostri altri prodotti|visitate il"
    " nostro|visitare il nostro negozio|seguiteci|seguirci su|newsletter|offerta speciale|"
    "codice promozionale|con il codice|nostre nuove offerte|le nostre offerte",
    "código promocional|código de descuento|cupón|% de descuento|próxima compra|próximo pedido|"
    "nuestros otros productos|visite nuestra|síganos|boletín|oferta especial|"
    "use el código promocional|con el código promocional|con el código de descuento",
    "kortingscode|promotiecode|coupon|% korting|volgende aankoop|volgende bestelling|onze andere"
    " producten|bezoek onze|volg ons|nieuwsbrief|speciale aanbieding|"
    "met de kortingscode|gebruik de kortingscode",
    "rabattkod|kampanjkod|kupong|% rabatt|nästa köp|nästa beställning|våra andra produkter|"
    "besök vår|följ oss|nyhetsbrev|specialerbjudande|använd rabattkoden|med rabattkoden",
    "kod rabatowy|kod promocyjny|kupon|% zniżki|% rabatu|następny zakup|następne zamówienie|"
    "kolejne zamówienie|kolejny zakup|nasze inne produkty|zapraszamy do naszego sklepu|"
    "obserwuj nas|newsletter|oferta specjalna|użyj kodu rabatowego|z kodem rabatowym",
    "indirim kodu|promosyon kodu|kupon|% indirim|bir sonraki alışveriş|sonraki siparişiniz|"
    "diğer ürünlerimiz|mağazamızı ziyaret|bizi takip edin|bülten|özel teklif|özel fırsat|"
    "kodunu kullan",
    "código promocional|cupom|código de desconto|% de desconto|próxima compra|próximo pedido|"
    "nossos outros produtos|visite nossa|siga-nos|newsletter|oferta especial|"
    "use o código promocional|com o código promocional|com o código de desconto",
    "クーポン|割引コード|プロモーションコード|%オフ|％オフ|%off|次回のご購入|次回ご注文|次回のご注文|"
    "他の商品|当店の他|ショップをご覧|フォローして|メルマガ|メールマガジン|特別セール|コードを入力|"
    "コードをご利用",
    "كود خصم|كود الخصم|رمز ترويجي|رمز الخصم|قسيمة|كوبون|% خصم|مشترياتك القادمة|طلبك القادم|"
    "منتجاتنا الأخرى|تفضلوا بزيارة متجرنا|تابعونا|متابعتنا على|النشرة الإخبارية|عرض خاص|"
    "استخدم الكود|استخدم الرمز|باستخدام الرمز|باستخدام الكود|طلبكم القادم|طلبك القادم",
)
# Phrases that ask for a review or a good one (not innocent uses like "your feedback").
_REVIEW_ASK = phrase_hits(
    "leave a review|leave us a review|leave feedback|leave us feedback|leave positive|positive"
    " review|positive feedback|good review|5-star|5 star|five-star|five star|write a review|"
    "rate us|leave a rating|good rating",
    "bewertung abgeben|bewertung hinterlassen|positive bewertung|gute bewertung|5 sterne|"
    "fünf sterne|5-sterne|rezension schreiben|bewerten sie uns|positives feedback",
    "laisser un avis|laissez un avis|laissiez un avis|avis positif|bon avis|5 étoiles|"
    "cinq étoiles|évaluation positive|commentaire positif|notez-nous",
    "lasciare una recensione|lasciate una recensione|lasci una recensione|recensione positiva|"
    "5 stelle|cinque stelle|valutazione positiva|feedback positivo",
    "dejar una reseña|deje una reseña|dejarnos una reseña|reseña positiva|valoración positiva|"
    "5 estrellas|cinco estrellas|opinión positiva|buena valoración|calificación positiva",
    "review achterlaten|beoordeling achterlaten|positieve review|positieve beoordeling|"
    "5 sterren|vijf sterren|goede beoordeling",
    "lämna en recension|positiv recension|positivt omdöme|5 stjärnor|fem stjärnor|bra betyg|"
    "lämna ett omdöme",
    "wystawić opinię|wystawienie opinii|pozytywną opinię|pozytywna opinia|pozytywnej opinii|"
    "5 gwiazdek|pięć gwiazdek|dobrą ocenę|zostawić opinię",
    "yorum bırak|olumlu yorum|olumlu değerlendirme|5 yıldız|beş yıldız|iyi puan",
    "deixar uma avaliação|deixe uma avaliação|avaliação positiva|5 estrelas|cinco estrelas|"
    "comentário positivo|boa avaliação",
    "レビューを書|レビューを投稿|レビューをいただ|レビューをお願い|高評価|星5|★5|5つ星|良い評価|"
    "評価をいただ|評価をお願い",
    "تقييم إيجابي|تقييمًا إيجابيًا|تقييما إيجابيا|5 نجوم|خمس نجوم|اترك تقييم|ترك تقييم|"
    "مراجعة إيجابية",
)
_INCENTIVE = phrase_hits(
    "free|gift|refund|discount|reward|in exchange|in return|bonus|voucher|gift card|for leaving",
    "gratis|kostenlos|geschenk|erstatt|rabatt|gutschein|belohnung|im gegenzug|als dankeschön",
    "gratuit|cadeau|rembours|réduction|en échange|récompense|bon d'achat",
    "gratis|gratuit|regalo|rimbors|sconto|in cambio|omaggio|buono regalo|buono sconto",
    "gratis|regal|reembols|descuento|a cambio|recompensa|obsequio",
    "gratis|cadeau|terugbetal|korting|in ruil|beloning|vergoed",
    "gratis|gåva|en present|presentkort|återbetal|rabatt|i utbyte|belöning",
    "gratis|darmow|prezent|zwrot|zwróci|zwrócimy|rabat|zniżk|w zamian|nagrod",
    "ücretsiz|bedava|hediye|iade|indirim|karşılığında|ödül",
    "grátis|gratuito|presente|brinde|reembols|desconto|em troca|recompensa|devolver|"
    "devolvemos|devolveremos",
    "無料|プレゼント|返金|割引|代わりに|お礼として|特典|ギフト",
    "مجان|هدية|استرداد|خصم|مقابل|مكافأة",
)
_REMOVE_ACTION = phrase_hits(
    "remov|delet|take down|change your|update your|modify|edit your|withdraw your|amend your|"
    "revise your",
    "entfern|lösch|ändern|zurückzieh|zurückzuzieh|anpass|korrigier",
    "supprim|retir|modifi|changer",
    "rimuov|rimoss|elimin|modific|cambiare|ritirare",
    "elimin|quitar|borrar|modific|cambiar|retirar",
    "verwijder|aanpass|wijzig|intrek|in te trekken",
    "ta bort|tar bort|ändra|radera|raderar|återkalla",
    "usun|zmieni|zmian|edytow|wycofa",
    "kaldır|silin|silme|silebilir|silmeniz|siler|sildi|değiştir|güncelle|geri çek",
    "remover|remova|excluir|exclua|apagar|apague|alterar|altere|mudar|retirar",
    "削除|取り下げ|変更|修正|取り消",
    "حذف|إزالة|ازالة|تغيير|تعديل|سحب",
)
_FEEDBACK_OBJECT = phrase_hits(
    "feedback|review|rating",
    "bewertung|rezension|feedback",
    "avis|évaluation|commentaire",
    "recensione|feedback|valutazione",
    "reseña|valoración|opinión|comentario|calificación",
    "review|beoordeling|recensie|feedback",
    "recension|omdöme|betyg|feedback",
    "opini|recenzj|ocen|komentarz",
    "yorum|değerlendirme|puan|geri bildirim",
    "avaliação|comentário|opinião",
    "レビュー|評価|フィードバック",
    "التقييم|تقييم|المراجعة|مراجعة",
)
# A gift in the same message as the request to withdraw the claim reads as a conditional
# incentive (blocked); a refund there is a caution (it may be what solved the problem). Whatever
# is given "as an apology" is a goodwill gift, whether it is a spare part or money back.
_GIFT = phrase_hits(
    "gift|goodwill|voucher|as an apology|as a small apology|by way of apology|as a token of|"
    "to make up for",
    "geschenk|gutschein|kulanz|als entschuldigung|zur entschuldigung|als kleine entschuldigung|"
    "als wiedergutmachung|zur wiedergutmachung",
    "cadeau|geste commercial|bon d'achat|en guise d'excuse|pour nous excuser|"
    "pour nous faire pardonner|en dédommagement|à titre de dédommagement",
    "regalo|omaggio|buono regalo|buono sconto|buono d'acquisto|come scusa|per scusarci|"
    "per farci perdonare",
    "regalo|obsequio|como disculpa|para disculparnos|como compensación",
    "cadeau|tegoedbon|als excuus|als verontschuldiging|ter compensatie",
    "gåva|en present|presenten|liten present|presentkort|som ursäkt|som en ursäkt|som kompensation",
    "prezent|upomin|bon podarunkowy|bon o wartości|w ramach przeprosin|na przeprosiny|"
    "jako przeprosiny|w ramach rekompensaty",
    "hediye|özür olarak|telafi olarak|telafi etmek için",
    "presente|brinde|vale-presente|vale presente|como pedido de desculpas|para nos desculpar|"
    "como compensação",
    "プレゼント|ギフト|粗品|お詫びとして|お詫びのしるし|お詫びの印",
    "هدية|قسيمة|كاعتذار|اعتذارًا منا|اعتذارا منا|تعويضًا|تعويضا",
)
_REFUND = phrase_hits(
    "refund|reimburse",
    "erstatt",
    "rembours",
    "rimbors",
    "reembols",
    "terugbetal|vergoed",
    "återbetal",
    "zwrot",
    "iade",
    "reembols",
    "返金",
    "استرداد",
)
# The request to withdraw the claim: a withdraw verb near a claim noun (German and Dutch put the
# verb far from its noun: "Ihren Antrag auf die A-bis-z-Garantie zurückziehen").
_WITHDRAW_VERB = phrase_hits(
    "withdraw|cancel",
    "zurückzieh|zurückzuzieh|zurücknehm|zurückzunehm",
    "retirer|annuler",
    "ritirare|ritiri|annullare",
    "retirar|retire|cancelar",
    "intrekken|in te trekken|trekt|terugtrekken|terug te trekken",
    "återkalla|dra tillbaka|drar tillbaka",
    "wycofa",
    "geri çek|iptal",
    "retirar|cancelar",
    "取り下げ|取消",
    "سحب|إلغاء",
)
_CLAIM_NOUN = phrase_hits(
    "claim|complaint",
    "antrag|anspruch|reklamation|beschwerde|garantiefall",
    "réclamation|demande|litige|plainte",
    "reclamo|richiesta|pratica",
    "reclamación|reclamo|solicitud|queja",
    "claim|verzoek|klacht",
    "krav|anspråk|ärende|klagomål|reklamation",
    "roszczeni|reklamacj|wniosek|wniosk|zgłoszeni|skarg",  # wniosek -> wniosku
    "talep|taleb|şikayet|başvuru",  # Turkish: talep -> talebiniz
    "reclamação|solicitação|queixa",
    "申請|請求|クレーム|申し立て|申立",
    "المطالبة|مطالبت|مطالبة|شكوى|شكوا",  # شكوى -> شكواكم
)
# What else a withdraw verb or an object pronoun can stand for in a support message: the parcel
# collected ("retirer le colis"), the order cancelled, the money sent back.
_OTHER_OBJECT = phrase_hits(
    "parcel|package|order|item|product|refund|money|amount|replacement",
    "paket|sendung|bestellung|artikel|ware|gerät|geld|betrag|erstattung",
    "colis|paquet|commande|article|produit|remboursement|montant|argent",
    "pacco|ordine|articolo|prodotto|rimborso|importo|denaro|spedizione",
    "paquete|pedido|artículo|producto|reembolso|importe|dinero|envío",
    "pakket|pakje|bestelling|artikel|product|terugbetaling|bedrag|geld",
    "paket|paketet|beställning|varan|produkt|återbetalning|belopp|pengar",
    "paczk|przesyłk|zamówieni|produkt|towar|zwrot|kwot|pieniądze",
    "paket|kargo|sipariş|ürün|iade|tutar|parayı|paranızı",
    "pacote|encomenda|pedido|produto|reembolso|valor|dinheiro",
    "荷物|商品|注文|返金|代金",
    "الطرد|الطلب|المنتج|الشحنة|المبلغ|طلبك|طلبكم",
)

# Words that introduce a tracking number, which is then no phone number.
_TRACKING_WORDS = phrase_hits(
    "tracking|track number|waybill|awb|consignment|parcel number|shipment number",
    "sendungsnummer|sendungs-nr|trackingnummer|paketnummer|sendungsverfolgung|tracking-nr",
    "suivi|numéro de colis|numéro d'envoi|lettre de transport",
    "tracciamento|numero di spedizione|lettera di vettura|codice di tracking",
    "seguimiento|número de envío|n.º de envío|nº de envío|guía|rastreo",
    "trackingnummer|track & trace|track en trace|zendingnummer|barcode",
    "kolli-id|kollinummer|sändningsnummer|spårningsnummer|sändnings-id",
    "numer przesyłki|numer listu|numer śledzenia|list przewozowy",
    "takip numarası|takip no|gönderi numarası|kargo numarası|barkod",
    "rastreio|rastreamento|código de rastreio|código de rastreamento",
    "追跡番号|伝票番号|問い合わせ番号|お問い合わせ番号|送り状番号",
    "رقم التتبع|رقم الشحنة|رقم الشحن|بوليصة",
)


class _Lexicon:
    """Every word list in one Aho-Corasick automaton: one pass over a text finds every phrase of
    every list (the per-list regexes this replaced cost 20-30 us each per message)."""

    def __init__(self, lists: dict[str, frozenset[str]]) -> None:
        phrases = sorted(set().union(*lists.values()))
        self._names = [tuple(n for n, words in lists.items() if p in words) for p in phrases]
        self._phrases = phrases
        self._automaton = AhoCorasick(phrases, matchkind=MATCHKIND_STANDARD)

    def scan(self, lowered: str) -> dict[str, list[tuple[int, int]]]:
        """(start, end) of every occurrence, per list name, in text order."""
        hits: dict[str, list[tuple[int, int]]] = {}
        for index, start, end in self._automaton.find_matches_as_indexes(lowered, overlapping=True):
            for name in self._names[index]:
                hits.setdefault(name, []).append((start, end))
        for spans in hits.values():
            spans.sort()
        return hits


LEXICON: Final = _Lexicon(
    {
        "phone": _PHONE_WORDS,
        "marketing": _MARKETING,
        "review_ask": _REVIEW_ASK,
        "incentive": _INCENTIVE,
        "remove_action": _REMOVE_ACTION,
        "feedback_object": _FEEDBACK_OBJECT,
        "gift": _GIFT,
        "refund": _REFUND,
        "withdraw_verb": _WITHDRAW_VERB,
        "claim_noun": _CLAIM_NOUN,
        "other_object": _OTHER_OBJECT,
        "withdrawal_marker": _WITHDRAWAL_MARKERS,
        "review_act": REVIEW_ACT,
        "close_verb": CLOSE_VERB,
        "offer": OFFER,
        "money": frozenset(phrase.rstrip("~") for phrase in MONEY),
        "condition": CONDITION,
        "condition_suffix": CONDITION_SUFFIX,
        "then": THEN,
        "star_rating": STAR_RATING,
        "tracking": _TRACKING_WORDS,
    }
)

# Frequent short words per Latin-script language, for a rough language check.
_STOPWORDS: Final = MappingProxyType(
    {
        "en": set(
            "the and you your we our to of for is are with this that please have will".split()
        ),
        "de": set(
            "der die das und sie ihre ihr wir uns ist sind mit für bitte nicht eine den".split()
        ),
        "fr": set("le la les et vous votre nous est sont avec pour que une des pas merci".split()),
        "it": set("il la che di e per con non sono una gli della lei grazie suo".split()),
        "es": set("el la los las y usted su que de para con es una por gracias".split()),
        "nl": set("de het een en u uw wij we is zijn met voor niet van dank".split()),
        "sv": set("och att det är vi du din er för med inte som på tack".split()),
        "pl": set("i w na że się z nie jest do pan pani dla dziękujemy".split()),
        "tr": set("ve bir bu için ile siz size sizin çok olarak teşekkür ederiz".split()),
        "pt": set("o a os as e você seu sua que de para com não uma obrigado".split()),
    }
)
_LANGUAGE_SAMPLE: Final = 600
_STOPWORD_LIST: Final = sorted(set().union(*_STOPWORDS.values()))
_STOPWORD_LANGUAGES: Final = tuple(
    tuple(lang for lang, stop in _STOPWORDS.items() if word in stop) for word in _STOPWORD_LIST
)
# Whole words only: each stop word is searched with a space on either side.
_STOPWORD_AUTOMATON: Final = AhoCorasick([f" {w} " for w in _STOPWORD_LIST])
_KANA = re.compile("[\u3040-\u30ff]")
_CJK = re.compile("[\u4e00-\u9fff]")
_ARABIC = re.compile("[\u0600-\u06ff]")


def detect_language(text: str, lowered: str | None = None) -> str | None:  # noqa: PLR0911
    """A rough guess among the buyer languages (`pt` for Portuguese), or None when unsure.
    `lowered` is `text.lower()` when the caller has it already."""
    # The first few hundred characters say which language a message is in; reading all of a
    # long one only costs time.
    text = text[:_LANGUAGE_SAMPLE]
    lowered = text.lower() if lowered is None else lowered[:_LANGUAGE_SAMPLE]
    words = lowered.split()
    letters = sum(map(len, words))
    if letters < 20:
        return None
    if NON_LATIN.search(text):
        if len(_KANA.findall(text)) >= 5:
            return "ja"
        if len(_ARABIC.findall(text)) > letters / 2:
            return "ar"
        if len(_CJK.findall(text)) > letters / 2:
            return "zh"
    if len(words) < 8:
        return None
    scores = dict.fromkeys(_STOPWORDS, 0)
    # Function words are almost always followed by a space, so no punctuation clean-up is
    # needed (translate() over non-ASCII text cost more than the rest of the lint).
    spaced = " " + " ".join(words) + " "
    for index, _start, _end in _STOPWORD_AUTOMATON.find_matches_as_indexes(
        spaced, overlapping=True
    ):
        for lang in _STOPWORD_LANGUAGES[index]:
            scores[lang] += 1
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 3 or ranked[0] < 1.5 * ranked[1]:
        return None
    return best
