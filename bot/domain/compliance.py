"""The messaging rules of `shared/domain.md` as a lint for any text sent to a buyer.

Every rule has a stable id, a severity and an English message (an `N_` msgid, translated where
it is shown). `block` findings break Amazon's hard rules: such a text must not be sent.
`warn` findings are cautions the agent should read. Word lists cover the twelve buyer languages
claimbot writes in: en de fr it es nl sv pl tr pt_BR ja ar.

The checks are deliberately conservative about ordinary support vocabulary: tracking numbers,
order ids, dates and prices are not phone numbers; "thank you for your feedback" is not a review
request; an amazon.* link is allowed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from ahocorasick_rs import MATCHKIND_STANDARD, AhoCorasick

from bot.domain.text import N_

MAX_LENGTH: Final = 2000


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str  # the rule's English message (a msgid)
    excerpt: str  # the offending fragment, for the agent to find it


def _rules(*rules: Rule) -> MappingProxyType[str, Rule]:
    return MappingProxyType({rule.id: rule for rule in rules})


B, W = Severity.BLOCK, Severity.WARN
RULES: Final = _rules(
    Rule("email", B, N_("E-mail addresses are not allowed in messages to buyers.")),
    Rule(
        "phone",
        B,
        N_(
            "Phone numbers are not allowed (only a carrier's or manufacturer's when really needed)."
        ),
    ),
    Rule("html", B, N_("HTML is not allowed: send plain text.")),
    Rule("link", B, N_("Links are not allowed, except Amazon's own.")),
    Rule("emoji", B, N_("Emoji and pictographs are not allowed.")),
    Rule(
        "marketing",
        B,
        N_("No marketing: no coupons, promo codes, discounts on future orders or cross-selling."),
    ),
    Rule(
        "review_incentive", B, N_("Never offer anything in connection with a review or feedback.")
    ),
    Rule(
        "feedback_removal", B, N_("Never ask the buyer to remove or change feedback or a review.")
    ),
    Rule("length", B, N_("The message is longer than Amazon's 2,000 characters.")),
    Rule("placeholder", B, N_("The text still has a placeholder to fill in.")),
    Rule(
        "review_request",
        W,
        N_(
            "Asking for a (positive) review in a claim conversation looks"
            " like pressure; leave reviews to Amazon's own request."
        ),
    ),
    Rule("language", W, N_("The message does not seem to be in the buyer's language.")),
    Rule("order_id", W, N_("The message does not mention the order id.")),
    Rule(
        "coupling",
        W,
        N_(
            "A gift or refund and the request to withdraw the claim are in one"
            " message: it can read as a conditional offer. Send them as two"
            " messages."
        ),
    ),
)


# --- Patterns that need no language --------------------------------------------------------------
_EMAIL = re.compile(
    r"[\w.%+-]+\s*[@＠]\s*[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
    r"|[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+\s*[\[(]\s*dot\s*[\])]\s*[A-Za-z]{2,}",
    re.IGNORECASE,
)
_HTML = re.compile(
    r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?\s*>|&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,5});"
)
_TLDS = (
    "com|net|org|info|biz|shop|store|online|site|io|co|me|ly|eu|de|fr|it|es|nl|be|se|pl|tr|jp|"
    "uk|ie|ae|sa|eg|in|au|sg|za|br|mx|ca|at|ch|cn|ru|us|tv|app|link"
)
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>()\"']+"
    rf"|\b(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s<>()\"']*)?",
    re.IGNORECASE,
)
_AMAZON_HOST = re.compile(r"^(?:[\w-]+\.)*(?:amazon|amzn)\.[a-z.]{2,}$", re.IGNORECASE)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0001f1e6-\U0001f1ff"
    "\u231a\u231b\u23e9-\u23f3\u23f8-\u23fa\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe"
    "\u2934\u2935\u3030\u303d\u3297\u3299\ufe0f]"
)
_PLACEHOLDER = re.compile(
    r"\{\{|\}\}|\{%|%\}|%\([A-Za-z_]+\)[sd]|\{[a-z_]+\}"
    r"|\[(?:[A-Z][A-Z _]{2,}|name|order|buyer|product|tracking)\]"
    r"|<(?:name|order|buyer|product|tracking)[^<>]*>|\bXXX+\b|\bTODO\b|\bTBD\b|_{3,}"
)
# Cheap first passes: the full patterns above are slow on long texts and rarely needed.
_PLACEHOLDER_MARKERS = ("{", "}", "[", "<", "_", "%", "xxx", "todo", "tbd")
_NON_LATIN = re.compile("[\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff]")
_ORDER_ID = re.compile(r"(?<![0-9])[0-9]{3}-[0-9]{7}-[0-9]{7}(?![0-9])")
# A phone number: international form, or an area code in brackets.
_PHONE_SHAPE = re.compile(
    r"(?<![\w+])\+\s?\d{1,3}(?:[\s().-]*\d){6,13}(?!\d)"
    r"|\(\d{2,5}\)\s?\d{2,5}[\s-]?\d{2,6}"
)
# A national number: a leading 0, groups joined by '-' or a space, 9 to 12 digits in all
# ("020-1234567", "03-1234-5678", "0212 555 12 34"); checked for its digit count after.
_NATIONAL_PHONE = re.compile(r"(?<![\w.-])0\d{1,4}(?:[ -]\d{2,8}){1,4}(?![\w-])")
_DIGIT_RUN = re.compile(r"\+?\d[\d\s()./-]{4,}\d")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？؟\n]")  # not the dot of 59.90


def _words(*groups: str) -> frozenset[str]:
    """Lower-case phrases, given as `|`-separated strings per language."""
    return frozenset(w.strip().lower() for group in groups for w in group.split("|") if w.strip())


# --- Word lists, per language (en de fr it es nl sv pl tr pt ja ar) -----------------------------
_PHONE_WORDS = _words(
    "phone|telephone|tel.|tel:|call us|call me|mobile:|whatsapp|hotline|cell:",
    "telefon|tel.|telefonnummer|rufen sie uns|anrufen unter|handy|hotline|mobil:",
    "téléphone|tél.|tél :|tél:|appelez-nous|appelez nous|portable|joignable au",
    "telefono|tel.|chiamateci|chiamarci|cellulare|numero verde",
    "teléfono|tel.|llámenos|llamarnos|móvil|celular|whatsapp",
    "telefoon|tel.|bel ons|bellen naar|bellen op|bel op|mobiel",
    "telefon|tel.|ring oss|ringa oss|mobil:",
    "telefon|tel.|zadzwoń|zadzwonić|komórk|infolinia",
    "telefon|tel.|arayın|arayabilirsiniz|cep:|whatsapp|numaralı hat|hattımız",
    "telefone|tel.|ligue para|ligar para|celular|whatsapp",
    "電話|携帯|tel：|でんわ|line：|ライン：",
    "هاتف|اتصل|اتصلوا|الاتصال|جوال|الجوال|واتساب|رقم الهاتف|على الرقم",
)
_MARKETING = _words(
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
    "offre spéciale|utilisez le code promo|avec le code promo",
    "codice promozionale|codice sconto|coupon|buono sconto|% di sconto|prossimo acquisto|"
    "prossimo ordine|altri nostri prodotti|nostri altri prodotti|visitate il"
    " nostro|visitare il nostro negozio|seguiteci|seguirci su|newsletter|offerta speciale|"
    "codice promozionale",
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
_REVIEW_ASK = _words(
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
_INCENTIVE = _words(
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
_REMOVE_ACTION = _words(
    "remov|delet|take down|change your|update your|modify|edit your|withdraw your|amend your|"
    "revise your",
    "entfern|lösch|ändern|zurückzieh|zurückzuzieh|anpass|korrigier",
    "supprim|retir|modifi|changer",
    "rimuov|rimoss|elimin|modific|cambiare|ritirare",
    "elimin|quitar|borrar|modific|cambiar|retirar",
    "verwijder|aanpass|wijzig|intrek|in te trekken",
    "ta bort|ändra|radera|återkalla",
    "usun|zmieni|zmian|edytow|wycofa",
    "kaldır|silin|silme|silebilir|silmeniz|değiştir|güncelle|geri çek",
    "remover|remova|excluir|exclua|apagar|apague|alterar|altere|mudar|retirar",
    "削除|取り下げ|変更|修正|取り消",
    "حذف|إزالة|ازالة|تغيير|تعديل|سحب",
)
_FEEDBACK_OBJECT = _words(
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
_GIFT_OR_REFUND = _words(
    "gift|goodwill|voucher|refund|reimburse",
    "geschenk|gutschein|kulanz|erstatt",
    "cadeau|geste commercial|bon d'achat|rembours",
    "regalo|omaggio|buono regalo|buono sconto|buono d'acquisto|rimbors",
    "regalo|obsequio|reembols",
    "cadeau|tegoedbon|terugbetal|vergoed",
    "gåva|en present|presenten|liten present|presentkort|återbetal",
    "prezent|upomin|bon podarunkowy|bon o wartości|zwrot",
    "hediye|iade",
    "presente|brinde|vale-presente|vale presente|reembols",
    "プレゼント|ギフト|粗品|返金",
    "هدية|قسيمة|استرداد",
)
# The request to withdraw the claim: a withdraw verb near a claim noun (German and Dutch put the
# verb far from its noun: "Ihren Antrag auf die A-bis-z-Garantie zurückziehen").
_WITHDRAW_VERB = _words(
    "withdraw|cancel",
    "zurückzieh|zurückzuzieh|zurücknehm|zurückzunehm",
    "retirer|annuler",
    "ritirare|ritiri|annullare",
    "retirar|retire|cancelar",
    "intrekken|in te trekken|trekt",
    "återkalla|dra tillbaka|drar tillbaka",
    "wycofa",
    "geri çek|iptal",
    "retirar|cancelar",
    "取り下げ|取消",
    "سحب|إلغاء",
)
_CLAIM_NOUN = _words(
    "claim",
    "antrag|anspruch|reklamation",
    "réclamation|demande|litige",
    "reclamo|richiesta|pratica",
    "reclamación|reclamo|solicitud",
    "claim|verzoek",
    "krav|anspråk|ärende",
    "roszczeni|reklamacj|wniosek",
    "talep|taleb",  # Turkish: talep -> talebiniz
    "reclamação|solicitação",
    "申請|請求|クレーム",
    "المطالبة|مطالبت|مطالبة",
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


_LEXICON: Final = _Lexicon(
    {
        "phone": _PHONE_WORDS,
        "marketing": _MARKETING,
        "review_ask": _REVIEW_ASK,
        "incentive": _INCENTIVE,
        "remove_action": _REMOVE_ACTION,
        "feedback_object": _FEEDBACK_OBJECT,
        "gift_or_refund": _GIFT_OR_REFUND,
        "withdraw_verb": _WITHDRAW_VERB,
        "claim_noun": _CLAIM_NOUN,
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
    if _NON_LATIN.search(text):
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


# --- The lint ------------------------------------------------------------------------------------
def lint(text: str, *, language: str | None = None, order_id: str | None = None) -> list[Finding]:  # noqa: PLR0912 - a branch per rule
    """Every finding for `text`, in rule order. `language` is the buyer's (enables the language
    check); `order_id`, when given, must appear in the text."""
    found: list[Finding] = []

    def add(rule_id: str, excerpt: str) -> None:
        rule = RULES[rule_id]
        found.append(Finding(rule.id, rule.severity, rule.message, _short(excerpt)))

    lowered = text.lower()
    hits = _LEXICON.scan(lowered)
    ends = _sentence_ends(lowered) if hits else []
    # The e-mail pattern is the slowest: run it only when an address is possible at all.
    maybe_email = "@" in text or "＠" in text or "at]" in lowered or "at)" in lowered
    if maybe_email and (email := _EMAIL.search(text)):
        add("email", email.group(0))
    without_emails = _EMAIL.sub(" ", text) if maybe_email else text
    phone = _find_phone(without_emails, hits.get("phone", []) if not maybe_email else None)
    if phone:
        add("phone", phone)
    if ("<" in text or "&" in text) and (match := _HTML.search(text)):
        add("html", match.group(0))
    if link := _foreign_link(without_emails, lowered if not maybe_email else None):
        add("link", link)
    if not text.isascii() and (match := _EMOJI.search(text)):
        add("emoji", match.group(0))
    if marketing := hits.get("marketing"):
        add("marketing", _span(lowered, marketing[0]))
    incentive, asked = _review_findings(lowered, hits, ends)
    if incentive:
        add("review_incentive", incentive)
    if removal := _near(lowered, hits, "remove_action", "feedback_object", distance=40, ends=ends):
        add("feedback_removal", removal)
        # Something offered in the same sentence as the removal request is a review incentive.
        if not incentive and (
            bought := _near(lowered, hits, "incentive", "feedback_object", distance=160, ends=ends)
        ):
            add("review_incentive", bought)
    if len(text) > MAX_LENGTH:
        add("length", f"{len(text)} > {MAX_LENGTH}")
    maybe_placeholder = any(marker in lowered for marker in _PLACEHOLDER_MARKERS)
    if maybe_placeholder and (match := _PLACEHOLDER.search(text)):
        add("placeholder", match.group(0))
    if asked and not incentive:
        add("review_request", asked)
    if language is not None:
        expected = "pt" if language == "pt_BR" else language.split("_", 1)[0]
        detected = detect_language(text, lowered)
        if detected is not None and detected != expected:
            add("language", detected)
    if (order_id is not None and not _mentions(text, order_id)) or (
        order_id is None and not _ORDER_ID.search(text)
    ):
        add("order_id", order_id or "")
    if (gift := hits.get("gift_or_refund")) and _near(
        lowered, hits, "withdraw_verb", "claim_noun", distance=60, ends=ends
    ):
        add("coupling", _span(lowered, gift[0]))
    return found


def has_block(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.BLOCK for f in findings)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _span(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _sentence_ends(lowered: str) -> list[int]:
    """Positions where sentences end, to tell whether two phrases share one."""
    return [m.start() for m in _SENTENCE_END.finditer(lowered)]


def _same_sentence(a: int, b: int, ends: list[int]) -> bool:
    return bisect_left(ends, a) == bisect_left(ends, b)


def _near(
    lowered: str,
    hits: dict[str, list[tuple[int, int]]],
    first: str,
    second: str,
    *,
    distance: int,
    ends: list[int],
) -> str | None:
    """A phrase of list `first` within `distance` characters of one of `second`, in the same
    sentence; the stretch of text from one to the other."""
    for a_start, a_end in hits.get(first, ()):
        for b_start, b_end in hits.get(second, ()):
            if abs(a_start - b_start) <= distance and _same_sentence(a_start, b_start, ends):
                return lowered[min(a_start, b_start) : max(a_end, b_end)]
    return None


def _review_findings(
    lowered: str, hits: dict[str, list[tuple[int, int]]], ends: list[int]
) -> tuple[str | None, str | None]:
    """(the sentence tying an incentive to a review, a review request), each or None."""
    asks = hits.get("review_ask", [])
    if not asks:
        return None, None
    for ask in asks:
        for incentive in hits.get("incentive", ()):
            if _same_sentence(ask[0], incentive[0], ends):
                index = bisect_left(ends, ask[0])
                start = ends[index - 1] + 1 if index > 0 else 0
                stop = ends[index] + 1 if index < len(ends) else len(lowered)
                return lowered[start:stop].strip(), _span(lowered, ask)
    return None, _span(lowered, asks[0])


def _last_run(text: str) -> re.Match[str] | None:
    runs = list(_DIGIT_RUN.finditer(text))
    return runs[-1] if runs else None


def _find_phone(text: str, words: list[tuple[int, int]] | None) -> str | None:
    """A phone number in `text`. `words`: where phone words stand in it (None: find them)."""
    if ("+" in text or "(" in text) and (match := _PHONE_SHAPE.search(text)):
        return match.group(0)
    if words is None:
        words = _LEXICON.scan(text.lower()).get("phone", [])
    if not words:
        return None
    # With a phone word anywhere, a national number is a phone number wherever it stands
    # ("サポートセンター（03-1234-5678）" can be far from "お電話").
    for national in _NATIONAL_PHONE.finditer(text):
        count = sum(c.isdigit() for c in national.group(0))
        if 9 <= count <= 12 and not _ORDER_ID.fullmatch(national.group(0)):
            return national.group(0)
    for start, end in words:
        # The number follows the word ("Tel. 030 1234567") or, in Turkish or Japanese word
        # order, precedes it ("0212 123 45 67 numaralı telefondan").
        after = text[end : end + 30]
        before = text[max(0, start - 30) : start]
        for window, digits in ((after, _DIGIT_RUN.search(after)), (before, _last_run(before))):
            if (
                digits
                and sum(c.isdigit() for c in digits.group(0)) >= 6
                and not _ORDER_ID.search(window[max(0, digits.start() - 1) : digits.end() + 1])
            ):
                return digits.group(0)
    return None


def _mentions(text: str, order_id: str) -> bool:
    """`order_id` appears in `text` as a whole id (not inside a longer digit run)."""
    start = text.find(order_id)
    while start >= 0:
        before = text[start - 1 : start]
        after = text[start + len(order_id) : start + len(order_id) + 1]
        if not before.isdigit() and not after.isdigit():
            return True
        start = text.find(order_id, start + 1)
    return False


def _has_dotted_word(text: str) -> bool:
    """A dot between two word characters ("acme.com"), the shape of a bare domain."""
    dot = text.find(".")
    while dot >= 0:
        if 0 < dot < len(text) - 1 and text[dot - 1].isalnum() and text[dot + 1].isalpha():
            return True
        dot = text.find(".", dot + 1)
    return False


def _foreign_link(text: str, lowered: str | None = None) -> str | None:
    lowered = text.lower() if lowered is None else lowered
    if not ("://" in text or "www" in lowered or _has_dotted_word(text)):
        return None
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        host = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/", 1)[0]
        host = host.split(":", 1)[0].lower().removeprefix("www.")
        if not _AMAZON_HOST.match(host):
            return url
    return None
