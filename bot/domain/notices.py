"""Reading a pasted Amazon A-to-Z claim notification (e-mail or Seller Central text).

Amazon's wording differs per marketplace language and changes over time, so nothing here
depends on whole sentences: order ids by shape, amounts by currency sign or code, dates by the
date shapes of each language, and the claim reason and the meaning of each date by keywords near
them. Whatever is not found stays `None`; the chat shows what was understood and asks for the
rest. Only the first 20,000 characters are read, and every pattern runs in linear time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from bot.domain.claims import Reason
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.orders import find_order_ids

MAX_NOTICE: Final = 20_000


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notice says. Fields not found are `None`."""

    order_id: str | None
    reason: Reason | None
    amount: Decimal | None
    currency: str | None
    filed_on: date | None
    respond_by: date | None
    marketplace: str | None
    language: str | None
    order_ids: tuple[str, ...] = ()

    @property
    def found(self) -> tuple[str, ...]:
        return tuple(
            f.name
            for f in fields(self)
            if f.name != "order_ids" and getattr(self, f.name) is not None
        )


# --- Languages -----------------------------------------------------------------------------------
# Words that mark a notice's language; a notice is in the language with the most of them.
_LANGUAGE_WORDS: Final = {
    "en": ("order", "claim", "seller", "buyer", "respond", "amount", "guarantee", "dear"),
    "de": (
        "bestellung",
        "antrag",
        "verkäufer",
        "käufer",
        "betrag",
        "garantie",
        "bitte",
        "sehr geehrte",
    ),
    "fr": (
        "commande",
        "réclamation",
        "vendeur",
        "acheteur",
        "montant",
        "garantie",
        "bonjour",
        "veuillez",
    ),
    "es": (
        "pedido",
        "reclamación",
        "vendedor",
        "comprador",
        "importe",
        "garantía",
        "estimado",
        "por favor",
    ),
    "it": (
        "ordine",
        "reclamo",
        "venditore",
        "acquirente",
        "importo",
        "garanzia",
        "gentile",
        "entro",
    ),
    "ja": ("注文", "申請", "出品者", "購入者", "金額", "保証", "様", "ください"),
    "nl": (
        "bestelling",
        "claim",
        "verkoper",
        "koper",
        "bedrag",
        "garantie",
        "beste",
        "alstublieft",
    ),
    "sv": ("beställning", "anspråk", "säljare", "köpare", "belopp", "garanti", "hej", "vänligen"),
    "pl": ("zamówienie", "roszczenie", "sprzedawca", "kupujący", "kwota", "gwarancja", "prosimy"),
    "tr": ("sipariş", "talep", "satıcı", "alıcı", "tutar", "garanti", "lütfen", "sayın"),
    "pt_BR": ("pedido", "reclamação", "vendedor", "comprador", "valor", "garantia", "prezado"),
    "ar": ("طلب", "مطالبة", "البائع", "المشتري", "المبلغ", "ضمان"),
}
_EURO_MARKETS: Final = {"de": "DE", "fr": "FR", "it": "IT", "es": "ES", "nl": "NL"}
_DOMAINS: Final = {
    "com.mx": "MX",
    "com.br": "BR",
    "com.tr": "TR",
    "com.au": "AU",
    "com.be": "BE",
    "co.uk": "UK",
    "co.jp": "JP",
    "co.za": "ZA",
    "com": "US",
    "ca": "CA",
    "de": "DE",
    "fr": "FR",
    "it": "IT",
    "es": "ES",
    "nl": "NL",
    "se": "SE",
    "pl": "PL",
    "ae": "AE",
    "sa": "SA",
    "eg": "EG",
    "in": "IN",
    "sg": "SG",
    "ie": "IE",
}
_DOMAIN = re.compile(
    r"amazon\.(com\.mx|com\.br|com\.tr|com\.au|com\.be|co\.uk|co\.jp|co\.za|com|ca|de|fr|it|es"
    r"|nl|se|pl|ae|sa|eg|in|sg|ie)(?![a-z])"
)

# --- Amounts -----------------------------------------------------------------------------------
# A sign or code before the number, or after it. "$" alone is settled by the marketplace.
_PREFIX_SIGNS: Final = {
    "us$": "USD",
    "ca$": "CAD",
    "cdn$": "CAD",
    "c$": "CAD",
    "au$": "AUD",
    "a$": "AUD",
    "s$": "SGD",
    "mx$": "MXN",
    "r$": "BRL",
    "$": "$",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₺": "TRY",
    "₹": "INR",
    "rs.": "INR",
    "kr": "SEK",
}
_SUFFIX_SIGNS: Final = {
    "€": "EUR",
    "円": "JPY",
    "kr": "SEK",
    "zł": "PLN",
    "tl": "TRY",
    "₺": "TRY",
}
_CODES: Final = tuple(sorted({m.currency for m in MARKETPLACES.values()}))
_DOLLAR_MARKETS: Final = {"US": "USD", "CA": "CAD", "AU": "AUD", "SG": "SGD", "MX": "MXN"}
_NUMBER = r"\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_AMOUNT = re.compile(
    rf"(?<![\w$])(?P<pre>{_alternation([*_PREFIX_SIGNS, *(c.lower() for c in _CODES)])})"
    rf" ?(?P<num>{_NUMBER})(?!\d)"
    rf"|(?<![\d.,])(?P<num2>{_NUMBER}) ?"
    rf"(?P<post>{_alternation([*_SUFFIX_SIGNS, *(c.lower() for c in _CODES)])})(?![a-z])"
)
_AMOUNT_LABELS: Final = (
    "claim amount",
    "amount",
    "betrag",
    "antragsbetrag",
    "montant",
    "importe",
    "importo",
    "金額",
    "bedrag",
    "belopp",
    "kwota",
    "tutar",
    "valor",
    "المبلغ",
)

# --- Dates -----------------------------------------------------------------------------------
_MONTHS: Final = {
    # English
    **dict.fromkeys(("january", "jan"), 1),
    **dict.fromkeys(("february", "feb"), 2),
    **dict.fromkeys(("march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    "may": 5,
    **dict.fromkeys(("june", "jun"), 6),
    **dict.fromkeys(("july", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("october", "oct"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
    # German
    **dict.fromkeys(("januar", "jänner"), 1),
    "februar": 2,
    **dict.fromkeys(("märz", "mär"), 3),
    "mai": 5,
    "juni": 6,
    "juli": 7,
    **dict.fromkeys(("oktober", "okt"), 10),
    **dict.fromkeys(("dezember", "dez"), 12),
    # French
    **dict.fromkeys(("janvier", "janv"), 1),
    **dict.fromkeys(("février", "févr"), 2),
    "mars": 3,
    **dict.fromkeys(("avril", "avr"), 4),
    "juin": 6,
    **dict.fromkeys(("juillet", "juil"), 7),
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    **dict.fromkeys(("décembre", "déc"), 12),
    # Spanish
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    **dict.fromkeys(("septiembre", "setiembre"), 9),
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    # Italian
    "gennaio": 1,
    "febbraio": 2,
    "aprile": 4,
    "maggio": 5,
    "giugno": 6,
    "luglio": 7,
    "settembre": 9,
    "ottobre": 10,
    "dicembre": 12,
    # Dutch and Swedish
    **dict.fromkeys(("januari",), 1),
    "februari": 2,
    "maart": 3,
    "mei": 5,
    "augustus": 8,
    "augusti": 8,
    "maj": 5,
    # Polish (genitive, as in dates) and Turkish
    "stycznia": 1,
    "lutego": 2,
    "marca": 3,
    "kwietnia": 4,
    "maja": 5,
    "czerwca": 6,
    "lipca": 7,
    "sierpnia": 8,
    "września": 9,
    "października": 10,
    "listopada": 11,
    "grudnia": 12,
    "ocak": 1,
    "şubat": 2,
    "mart": 3,
    "nisan": 4,
    "mayıs": 5,
    "haziran": 6,
    "temmuz": 7,
    "ağustos": 8,
    "eylül": 9,
    "ekim": 10,
    "kasım": 11,
    "aralık": 12,
    # Portuguese
    "janeiro": 1,
    "fevereiro": 2,
    "março": 3,
    "maio": 5,
    "junho": 6,
    "julho": 7,
    "setembro": 9,
    "outubro": 10,
    "dezembro": 12,
}
_MONTH = _alternation(_MONTHS)
_DATE = re.compile(
    r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?!\d)"
    r"|(?P<cjk_y>\d{4}) ?年 ?(?P<cjk_m>\d{1,2}) ?月 ?(?P<cjk_d>\d{1,2}) ?日"
    r"|(?P<ymd_y>\d{4})/(?P<ymd_m>\d{1,2})/(?P<ymd_d>\d{1,2})(?!\d)"
    r"|(?<!\d)(?P<num_a>\d{1,2})(?P<sep>[./])(?P<num_b>\d{1,2})[./](?P<num_y>\d{4})(?!\d)"
    rf"|(?<![\w])(?P<dmy_d>\d{{1,2}})\.? (?:de )?(?P<dmy_m>{_MONTH})\.?,?"
    r" (?:de )?(?P<dmy_y>\d{4})"
    rf"|(?<![\w])(?P<mdy_m>{_MONTH})\.? (?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<mdy_y>\d{{4}})"
)
_RESPOND_WORDS: Final = (
    "respond by",
    "respond before",
    "respond no later",
    "response due",
    "respond within",
    "reply by",
    "deadline",
    "antworten sie bis",
    "antworten bis",
    "antwort bis",
    "reagieren sie bis",
    "stellungnahme bis",
    "frist",
    "spätestens",
    "répondre avant",
    "répondre d'ici",
    "répondre au plus tard",
    "d'ici le",
    "date limite",
    "au plus tard",
    "responder antes",
    "responda antes",
    "antes del",
    "fecha límite",
    "a más tardar",
    "rispondere entro",
    "rispondi entro",
    "entro il",
    "scadenza",
    "回答期限",
    "期限",
    "reageren vóór",
    "reageer vóór",
    "uiterlijk",
    "svara senast",
    "senast",
    "odpowiedz do",
    "odpowiedzieć do",
    "termin odpowiedzi",
    "son tarih",
    "kadar yanıt",
    "responder até",
    "responda até",
    "prazo",
    "الرد قبل",
    "موعد",
)
_FILED_WORDS: Final = (
    "filed",
    "opened",
    "submitted",
    "claim date",
    "date of claim",
    "eingereicht",
    "gestellt am",
    "eröffnet",
    "antragsdatum",
    "déposée",
    "ouverte",
    "soumise",
    "date de la réclamation",
    "presentada",
    "abierta",
    "fecha de la reclamación",
    "presentato",
    "aperto",
    "data del reclamo",
    "申請日",
    "申請された",
    "ingediend",
    "geopend",
    "lämnades",
    "öppnades",
    "złożone",
    "data złożenia",
    "açıldı",
    "talep tarihi",
    "aberta",
    "registrada",
    "data da reclamação",
    "تقديم",
)
_AFTER_RESPOND: Final = ("までに", "まで")
_LOOK_BACK: Final = 80

# --- Reasons -----------------------------------------------------------------------------------
_REASON_WORDS: Final[tuple[tuple[Reason, tuple[str, ...]], ...]] = (
    (
        Reason.RETURN_NOT_REFUNDED,
        (
            "returned but not refunded",
            "return not refunded",
            "not refunded",
            "refund not received",
            "nicht erstattet",
            "nicht zurückerstattet",
            "keine erstattung",
            "non remboursé",
            "pas été remboursé",
            "no reembolsado",
            "no se ha reembolsado",
            "non rimborsato",
            "返金されていない",
            "返金されない",
            "niet terugbetaald",
            "inte återbetald",
            "nie zwrócono pieniędzy",
            "para iadesi yapılmadı",
            "não reembolsado",
            "لم يتم استرداد",
        ),
    ),
    (
        Reason.RETURN_REFUSED,
        (
            "return refused",
            "refused the return",
            "return denied",
            "rücksendung abgelehnt",
            "rückgabe abgelehnt",
            "retour refusé",
            "devolución rechazada",
            "reso rifiutato",
            "返品拒否",
            "返品を拒否",
            "retour geweigerd",
            "retur nekad",
            "odmowa zwrotu",
            "iade reddedildi",
            "devolução recusada",
            "رفض الإرجاع",
        ),
    ),
    (
        Reason.NOT_RECEIVED,
        (
            "item not received",
            "not received",
            "never arrived",
            "has not arrived",
            "did not arrive",
            "nicht erhalten",
            "nicht angekommen",
            "nicht zugestellt",
            "non reçu",
            "pas reçu",
            "no recibido",
            "no ha llegado",
            "non ricevuto",
            "mai ricevuto",
            "商品未着",
            "届いていない",
            "未着",
            "niet ontvangen",
            "inte mottagen",
            "nie otrzymano",
            "teslim alınmadı",
            "não recebido",
            "لم يتم استلام",
        ),
    ),
    (
        Reason.LATE_DELIVERY,
        (
            "late delivery",
            "delivered late",
            "arrived late",
            "verspätete lieferung",
            "verspätet",
            "livraison tardive",
            "livré en retard",
            "entrega tardía",
            "entregado tarde",
            "consegna in ritardo",
            "配達遅延",
            "配送遅延",
            "te laat geleverd",
            "försenad leverans",
            "opóźniona dostawa",
            "geç teslim",
            "entrega atrasada",
            "تأخر التسليم",
        ),
    ),
    (
        Reason.NOT_AS_DESCRIBED,
        (
            "not as described",
            "materially different",
            "significantly different",
            "nicht wie beschrieben",
            "weicht erheblich",
            "non conforme",
            "ne correspond pas à la description",
            "no es como se describe",
            "no coincide con la descripción",
            "non conforme alla descrizione",
            "diverso dalla descrizione",
            "説明と異なる",
            "説明と著しく異なる",
            "niet zoals beschreven",
            "inte som beskrivet",
            "niezgodny z opisem",
            "açıklandığı gibi değil",
            "diferente do anunciado",
            "ليس كما هو موصوف",
        ),
    ),
    (
        Reason.DEFECTIVE,
        (
            "defective",
            "damaged",
            "broken",
            "does not work",
            "missing parts",
            "defekt",
            "beschädigt",
            "fehlerhaft",
            "défectueux",
            "endommagé",
            "defectuoso",
            "dañado",
            "difettoso",
            "danneggiato",
            "不良品",
            "破損",
            "故障",
            "beschadigd",
            "skadad",
            "wadliwy",
            "uszkodzony",
            "kusurlu",
            "hasarlı",
            "defeituoso",
            "danificado",
            "معيب",
            "تالف",
        ),
    ),
)
_REASON_LABEL = re.compile(
    r"(?:claim reason|reason for (?:the )?claim|reason|grund|motif|motivo|理由|reden|anledning"
    r"|powód|neden|سبب)[^\n:：]{0,30}[:：]?[ \t]*(?P<value>[^\n]*)"
)
_OTHER_WORDS: Final = frozenset(
    {
        "other",
        "sonstiges",
        "andere",
        "autre",
        "otro",
        "altro",
        "その他",
        "overig",
        "annat",
        "inne",
        "diğer",
        "outro",
        "أخرى",
    }
)


# --- Reading -----------------------------------------------------------------------------------
def looks_like_notice(text: str) -> bool:
    """Whether the agent pasted a notice rather than typing an order id."""
    head = text[:MAX_NOTICE]
    if not find_order_ids(head):
        return False
    stripped = head.strip()
    return "\n" in stripped or len(stripped) > 60 or _reason(_normalise(stripped)) is not None


def parse_notice(text: str) -> Notice:
    plain = _normalise(text[:MAX_NOTICE])
    order_ids = tuple(find_order_ids(plain))
    language = _language(plain)
    domain_market = _domain_market(plain)
    amount, sign = _amount(plain)
    currency = _currency(sign, domain_market, language)
    marketplace = domain_market or _market_from(currency, language)
    if currency is None:
        amount = None
    filed_on, respond_by = _dates(plain, _month_first(marketplace, currency, language))
    return Notice(
        order_id=order_ids[0] if len(order_ids) == 1 else None,
        reason=_reason(plain),
        amount=amount,
        currency=currency,
        filed_on=filed_on,
        respond_by=respond_by,
        marketplace=marketplace,
        language=language,
        order_ids=order_ids,
    )


def _normalise(text: str) -> str:
    """Lower case, full-width forms folded (NFKC: "２０２６" -> "2026", "：" -> ":"), every kind of
    space made a plain space."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\S\n]+", " ", folded)


def _language(text: str) -> str | None:
    scores = {
        language: sum(1 for word in words if word in text)
        for language, words in _LANGUAGE_WORDS.items()
    }
    best = max(scores.values())
    leaders = [language for language, score in scores.items() if score == best]
    if best < 2 or len(leaders) > 1:
        return None
    return leaders[0]


def _domain_market(text: str) -> str | None:
    counts: dict[str, int] = {}
    for match in _DOMAIN.finditer(text):
        code = _DOMAINS[match[1]]
        counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda code: counts[code])


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    """The claim amount and its sign or code: the first amount on a line that names the claim
    amount, else the first amount at all."""
    found: list[tuple[bool, Decimal, str]] = []
    for match in _AMOUNT.finditer(text):
        number = match["num"] or match["num2"]
        sign = match["pre"] or match["post"]
        value = _decimal(number, sign)
        if value is None:
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        line = text[max(start, match.start() - _LOOK_BACK) : match.start()]
        labelled = any(label in line for label in _AMOUNT_LABELS)
        found.append((labelled, value, sign))
        if labelled:
            return value, sign
    if not found:
        return None, None
    return found[0][1], found[0][2]


def _decimal(number: str, sign: str) -> Decimal | None:
    """ "1.234,56" and "1,234.56" alike: the last separator followed by one or two digits is
    the decimal point; any other separator groups thousands."""
    last = max(number.rfind("."), number.rfind(","))
    if last != -1 and len(number) - last - 1 in (1, 2):
        whole, fraction = number[:last], number[last + 1 :]
    else:
        whole, fraction = number, ""
    digits = re.sub(r"[.,' ]", "", whole)
    try:
        value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None
    return value if value > 0 else None


def _currency(sign: str | None, market: str | None, language: str | None) -> str | None:
    if sign is None:
        return None
    code = sign.upper() if sign.upper() in _CODES else None
    if code is not None:
        return code
    resolved = _PREFIX_SIGNS.get(sign) or _SUFFIX_SIGNS.get(sign)
    if resolved != "$":
        return resolved
    if market in _DOLLAR_MARKETS:
        return _DOLLAR_MARKETS[market]
    return "USD" if language == "en" and market is None else None


def _market_from(currency: str | None, language: str | None) -> str | None:
    if currency is None:
        return None
    if currency == "EUR":
        return _EURO_MARKETS.get(language or "")
    if currency == "USD":
        return "US" if language == "en" else None
    users = [code for code, market in MARKETPLACES.items() if market.currency == currency]
    return users[0] if len(users) == 1 else None


def _month_first(market: str | None, currency: str | None, language: str | None) -> bool:
    """Whether 05/11/2026 means May 11: only in US English."""
    if market is not None:
        return market == "US"
    return currency == "USD" or (currency is None and language == "en")


def _dates(text: str, month_first: bool) -> tuple[date | None, date | None]:
    filed: date | None = None
    respond: date | None = None
    unlabelled: list[date] = []
    count = 0
    for match in _DATE.finditer(text):
        day = _date(match, month_first)
        if day is None:
            continue
        count += 1
        kind = _date_kind(text, match.start(), match.end())
        if kind == "respond" and respond is None:
            respond = day
        elif kind == "filed" and filed is None:
            filed = day
        elif kind is None:
            unlabelled.append(day)
    if count == 1 and unlabelled and filed is None and respond is None:
        filed = unlabelled[0]
    return filed, respond


def _date(match: re.Match[str], month_first: bool) -> date | None:
    groups = match.groupdict()
    try:
        for prefix in ("iso", "cjk", "ymd"):
            if groups[f"{prefix}_y"]:
                return date(
                    int(groups[f"{prefix}_y"]),
                    int(groups[f"{prefix}_m"]),
                    int(groups[f"{prefix}_d"]),
                )
        if groups["num_y"]:
            first, second = int(groups["num_a"]), int(groups["num_b"])
            swap = groups["sep"] == "/" and (month_first or second > 12) and first <= 12
            month, day = (first, second) if swap else (second, first)
            return date(int(groups["num_y"]), month, day)
        if groups["dmy_y"]:
            return date(int(groups["dmy_y"]), _MONTHS[groups["dmy_m"]], int(groups["dmy_d"]))
        if groups["mdy_y"]:
            return date(int(groups["mdy_y"]), _MONTHS[groups["mdy_m"]], int(groups["mdy_d"]))
    except (ValueError, KeyError):
        return None
    return None


def _date_kind(text: str, start: int, end: int) -> str | None:
    """ "respond" or "filed" by the nearest keyword before the date on its line (or the line
    before, for a label on its own line), or a Japanese "までに" right after it."""
    if text[end : end + 6].lstrip().startswith(_AFTER_RESPOND):
        return "respond"
    # From the start of the line before: a label may stand on its own line above the date.
    line_start = text.rfind("\n", 0, start)
    previous_start = text.rfind("\n", 0, max(line_start, 0)) + 1 if line_start > 0 else 0
    window = text[max(previous_start, start - _LOOK_BACK) : start]
    best: tuple[int, str] | None = None
    for words, kind in ((_RESPOND_WORDS, "respond"), (_FILED_WORDS, "filed")):
        for word in words:
            at = window.rfind(word)
            if at != -1 and (best is None or at > best[0]):
                best = (at, kind)
    return best[1] if best is not None else None


def _reason(text: str) -> Reason | None:
    """The reason on a labelled line ("Claim reason: ..."), else anywhere in the text."""
    for match in _REASON_LABEL.finditer(text):
        segment = match["value"].strip()
        if not segment:
            following = text[match.end() : match.end() + 120].strip().split("\n", 1)
            segment = following[0] if following else ""
        found = _reason_in(segment)
        if found is not None:
            return found
        if segment.strip(" .。") in _OTHER_WORDS:
            return Reason.OTHER
    return _reason_in(text.replace("\n", " "))  # a phrase may be wrapped across lines


def _reason_in(segment: str) -> Reason | None:
    for reason, words in _REASON_WORDS:
        if any(word in segment for word in words):
            return reason
    return None
