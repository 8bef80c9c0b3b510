"""Reading a pasted Amazon A-to-Z claim notification (e-mail or Seller Central text).

Amazon's wording differs per marketplace language and changes over time, so nothing here depends
on whole sentences: order ids by shape, amounts by currency sign or code, dates by the date shapes
of each language, and the claim reason and the meaning of each date and amount by keywords near
them. Whatever is not found stays `None`; the chat shows what was understood and asks for the rest.

Only the first 20,000 characters are read, and every pattern is linear: bounded repetitions, no
nested quantifiers over the same characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from bot.domain.claims import Reason
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.orders import find_order_ids


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notice says. Fields not found are `None`; `amount` may be known while `currency`
    is not (a bare "$" that nothing in the text settles)."""

    order_id: str | None
    reason: Reason | None
    amount: Decimal | None
    currency: str | None
    filed_on: date | None
    respond_by: date | None
    marketplace: str | None
    language: str | None
    order_ids: tuple[str, ...]

    @property
    def found(self) -> tuple[str, ...]:
        """The names of the fields found (all but `order_ids`), in declaration order."""
        return tuple(
            f.name
            for f in fields(self)
            if f.name != "order_ids" and getattr(self, f.name) is not None
        )


def looks_like_notice(text: str) -> bool:
    """Whether the agent pasted a notice rather than typing a bare order id."""
    head = _FORMAT_CHARS.sub("", text[:_LIMIT])
    if not find_order_ids(head):
        return False
    stripped = head.strip()
    if len(stripped.splitlines()) > 1 or len(stripped) > _SHORT:
        return True
    _, low = _normalise(stripped)
    return next(_words(_CLAIM_WORDS, low), None) is not None or _reason(low) is not None


def parse_notice(text: str) -> Notice:
    """Read what a pasted notice says; never raises, never guesses what it does not say."""
    head = _FORMAT_CHARS.sub("", text[:_LIMIT])
    order_ids = tuple(find_order_ids(head))
    norm, low = _normalise(head)
    language = _language(low)
    amount, sign = _amount(norm, low)
    domain = _domain_market(low)
    currency = _currency(sign, domain, language, low)
    marketplace = _marketplace(domain, currency, language)
    filed_on, respond_by = _dates(low, marketplace, currency, language)
    return Notice(
        order_id=order_ids[0] if len(order_ids) == 1 else None,
        reason=_reason(low),
        amount=amount,
        currency=currency,
        filed_on=filed_on,
        respond_by=respond_by,
        marketplace=marketplace,
        language=language,
        order_ids=order_ids,
    )


# --- Text ----------------------------------------------------------------------------------------
_LIMIT: Final = 20_000
_SHORT: Final = 60
_LOOK_BACK: Final = 80
_MAX_MATCHES: Final = 500  # dates or amounts weighed per notice; a real one has a handful

# Zero-width and bidi controls (RTL pastes are full of them), soft hyphen, BOM.
_FORMAT_CHARS: Final = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES: Final = re.compile(r"[^\S\n]+")
_LINE_ENDS: Final = re.compile(r" ?\n ?")
# Between the words of a phrase: a few characters of the same sentence and paragraph.
_GAP: Final = r"(?:[^\n.!?。]|\n(?!\n)){0,40}?"
# Arabic-Indic digits and separators, for amounts and dates only (order ids stay ASCII-only).
_ARABIC_DIGITS: Final = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
    0x066B: ".",
    0x066C: ",",
}
_FOLD: Final = str.maketrans({"ı": "i"})  # Turkish: "KASIM" and "Kasım" read alike


def _normalise(text: str) -> tuple[str, str]:
    """The text in two views of equal length: NFKC ("２０２６" -> "2026", "：" -> ":") with plain
    spaces and ASCII digits, and the same in lower case (for keywords)."""
    norm = unicodedata.normalize("NFKC", text).translate(_ARABIC_DIGITS)
    norm = _SPACES.sub(" ", norm.replace("\r\n", "\n").replace("\r", "\n"))
    norm = _LINE_ENDS.sub("\n", norm)[: 2 * _LIMIT]  # NFKC may lengthen: "ﷺ" is 18 letters
    low = norm.lower()
    if len(low) != len(norm):  # "İ" lowers to two characters: keep one so offsets agree
        low = "".join(char.lower()[0] for char in norm)
    return norm, low.translate(_FOLD)


def _fold(word: str) -> str:
    return word.lower().translate(_FOLD)


def _is_latin(char: str) -> bool:
    return char.isalpha() and (char.isascii() or "LATIN" in unicodedata.name(char, ""))


_WORD_CHAR: Final = re.compile(r"\w")


def _keyword(word: str) -> str:
    """A keyword as a pattern: " … " allows a few words in between, and a space may be a line
    break (notices are wrapped)."""
    parts = [re.escape(_fold(part)).replace(r"\ ", "[ \n]") for part in word.split(" … ")]
    return _GAP.join(parts)


def _phrases(table: str) -> tuple[str, ...]:
    """The phrases of a table of lines "xx: phrase | phrase" (xx, the language, is for readers)."""
    return tuple(
        phrase.strip()
        for line in table.strip().splitlines()
        for phrase in line.partition(":")[2].split("|")
        if phrase.strip()
    )


def _alternation(words: Iterable[str]) -> str:
    return "|".join(_keyword(w) for w in sorted(set(words), key=len, reverse=True))


def _words(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The keywords of `pattern` in `text` that are words there: a Latin keyword must start a
    word (and a short one end it), so "roto" is not found in "protocol". Checked here rather
    than by look-behinds in the pattern, which would make the search several times slower."""
    pos = 0
    while pos <= len(text) and (match := pattern.search(text, pos)) is not None:
        start, end = match.span()
        pos = start + 1
        first, last = text[start], text[end - 1]
        if _is_latin(first) and start > 0 and _WORD_CHAR.match(text, start - 1):
            continue
        if end - start <= 5 and _is_latin(last) and _WORD_CHAR.match(text, end):
            continue
        pos = max(end, pos)
        yield match


def _last_kind(pattern: re.Pattern[str], kinds: Mapping[str, str], window: str) -> str | None:
    """The kind of the keyword nearest the end of `window`."""
    last: str | None = None
    for match in _words(pattern, window):
        last = match[0]
    return kinds.get(last.replace("\n", " ")) if last is not None else None


def _window(low: str, start: int, floor: int) -> str:
    """The text before position `start` that may label what stands there: its line (back to
    `floor`, the end of the previous date or amount), or, when the value stands alone on its line
    as in a Seller Central copy, the nearest non-blank line above it."""
    line_start = low.rfind("\n", 0, start) + 1
    lo = max(line_start, floor, start - _LOOK_BACK)
    window = low[lo:start]
    if lo != line_start or not _alone(window):
        return window
    end = line_start - 1
    for _ in range(3):  # skip up to two blank lines
        if end <= floor or end < 0:
            return window
        above_start = low.rfind("\n", 0, end) + 1
        above = low[max(above_start, floor, end - _LOOK_BACK) : end]
        if above.strip():
            return above + " " + window
        end = above_start - 1
    return window


# Nothing but a weekday before the value on its line: its label is the line above.
_ALONE: Final = re.compile(r"[\W\d_]{0,12}(?:(?P<word>[^\W\d_]{1,13})[\W\d_]{0,12})?")
_WEEKDAYS: Final = frozenset(
    _fold(w)
    for w in _phrases(
        """
        en: monday | tuesday | wednesday | thursday | friday | saturday | sunday
        en: mon | tue | tues | wed | thu | thur | thurs | fri | sat | sun
        de: montag | dienstag | mittwoch | donnerstag | freitag | samstag | sonntag
        de: mo | di | mi | do | fr | sa | so
        fr: lundi | mardi | mercredi | jeudi | vendredi | samedi | dimanche
        es: lunes | martes | miércoles | jueves | viernes | sábado | domingo
        it: lunedì | martedì | mercoledì | giovedì | venerdì | sabato | domenica
        nl: maandag | dinsdag | woensdag | donderdag | vrijdag | zaterdag | zondag
        sv: måndag | tisdag | onsdag | torsdag | fredag | lördag | söndag
        pl: poniedziałek | wtorek | środa | czwartek | piątek | sobota | niedziela
        tr: pazartesi | salı | çarşamba | perşembe | cuma | cumartesi | pazar
        """
    )
)


def _alone(window: str) -> bool:
    match = _ALONE.fullmatch(window)
    return match is not None and (match["word"] is None or match["word"] in _WEEKDAYS)


# --- Languages -----------------------------------------------------------------------------------
# Common words of each language; a word in two lists counts for neither.
_LANGUAGE_WORDS: Final = {
    "en": "the and your you order claim seller buyer please respond amount has have this with "
    "item guarantee dear regards reason date filed within customer thank by our we",
    "de": "der die das und sie ihre ihr bitte nicht für bestellung antrag käufer verkäufer betrag "
    "mit den zum bis wurde grüßen sehr geehrte artikel garantieantrag eingereicht freundlichen",
    "fr": "le les vous votre une pour des est réclamation commande acheteur vendeur montant avant "
    "bonjour veuillez cordialement du au ci article déposé déposée garantie",
    "es": "el los las usted su para del por reclamación pedido comprador vendedor importe "
    "estimado atentamente antes fecha ha artículo garantía desde",
    "it": "il che per della gli sono ti reclamo ordine acquirente venditore importo gentile entro "
    "cordiali saluti dalla alla data tramite articolo garanzia",
    "nl": "het een van uw niet voor bestelling koper verkoper bedrag geachte beste alstublieft "
    "reageer reageren vóór wij deze artikel garantie ingediend",
    "sv": "och att för din inte har det beställning köpare säljare belopp hej vänliga hälsningar "
    "anspråk senast svara ditt på garanti",
    "pl": "nie się jest na oraz zamówienie zamówienia kupujący sprzedawca kwota roszczenie "
    "prosimy pozdrawiamy dla do gwarancji odpowiedzi",
    "tr": "ve bir bu için sipariş siparişi alıcı satıcı tutar talep talebi lütfen sayın garanti "
    "tarihi kadar ile",
    "pt_BR": "os não você seu sua uma pelo pedido comprador vendedor valor reclamação prezado "
    "atenciosamente até em garantia",
}


def _unique_words(lists: Mapping[str, str]) -> dict[str, str]:
    sets = {language: {_fold(w) for w in words.split()} for language, words in lists.items()}
    counts = Counter(word for words in sets.values() for word in words)
    return {w: language for language, words in sets.items() for w in words if counts[w] == 1}


_WORD_LANGUAGE: Final = _unique_words(_LANGUAGE_WORDS)
_LETTER: Final = re.compile(r"[^\W\d_]+")
_KANA: Final = re.compile("[\u3040-\u30ff]")
_HAN: Final = re.compile("[\u4e00-\u9fff]")
_ARABIC: Final = re.compile("[\u0620-\u064a]")
_LATIN: Final = re.compile("[a-z\u00c0-\u024f]")


def _language(low: str) -> str | None:
    """By script for Japanese and Arabic, else by the language with the most common words."""
    latin = len(_LATIN.findall(low))
    kana = len(_KANA.findall(low))
    if kana >= 2 and 2 * (kana + len(_HAN.findall(low))) >= latin:  # kanji alone: Chinese
        return "ja"
    arabic = len(_ARABIC.findall(low))
    if arabic >= 10 and 2 * arabic >= latin:
        return "ar"
    scores: dict[str, int] = {}
    for word in set(_LETTER.findall(low)):
        language = _WORD_LANGUAGE.get(word)
        if language is not None:
            scores[language] = scores.get(language, 0) + 1
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


# --- Marketplaces --------------------------------------------------------------------------------
_DOMAINS: Final = {
    "com.mx": "MX",
    "com.br": "BR",
    "com.tr": "TR",
    "com.au": "AU",
    "com.be": "BE",
    "co.uk": "UK",
    "co.jp": "JP",
    "co.za": "ZA",
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
    "com": "US",
}
# "sellercentral-europe.amazon.com" is Europe's Seller Central, not the US store.
_DOMAIN: Final = re.compile(
    r"(?<![\w.-])((?:[a-z0-9-]{1,30}\.){0,3})amazon\.("
    + "|".join(re.escape(d) for d in sorted(_DOMAINS, key=len, reverse=True))
    + r")(?![\w-]|\.[a-z])"
)
_EURO_MARKETS: Final = {"de": "DE", "fr": "FR", "it": "IT", "es": "ES", "nl": "NL"}
_DOLLAR_MARKETS: Final = {"US": "USD", "CA": "CAD", "AU": "AUD", "SG": "SGD", "MX": "MXN"}
# Words that say a "$" may not be the US dollar.
_OTHER_DOLLARS: Final = re.compile(
    r"(?<!\w)(?:canada|canadian|australia|australian|singapore|mexico|méxico|mexican)(?!\w)"
)


def _domain_market(low: str) -> str | None:
    """The marketplace of the Amazon domains the text shows: the most frequent country domain,
    else "US" for amazon.com."""
    counts: dict[str, int] = {}
    for match in _DOMAIN.finditer(low):
        if match[1].endswith("sellercentral-europe."):
            continue
        code = _DOMAINS[match[2]]
        counts[code] = counts.get(code, 0) + 1
    countries = {code: n for code, n in counts.items() if code != "US"}
    if countries:
        return max(countries, key=lambda code: countries[code])
    return "US" if counts else None


def _marketplace(domain: str | None, currency: str | None, language: str | None) -> str | None:
    if domain is not None and domain != "US":
        return domain
    if currency is not None and currency != "EUR":
        users = [code for code, market in MARKETPLACES.items() if market.currency == currency]
        if len(users) == 1:
            return users[0]
    if domain == "US" and currency in (None, "USD"):
        return domain
    if currency == "EUR":
        return _EURO_MARKETS.get(language or "")
    return None


def _currency(sign: str | None, domain: str | None, language: str | None, low: str) -> str | None:
    """The ISO code of a sign; a bare "$" only where a domain or English settles it."""
    if sign != "$":
        return sign
    if domain in _DOLLAR_MARKETS:
        return _DOLLAR_MARKETS[domain]
    if domain is None and language == "en" and _OTHER_DOLLARS.search(low) is None:
        return "USD"
    return None


# --- Amounts -------------------------------------------------------------------------------------
_CODES: Final = tuple(sorted({m.currency for m in MARKETPLACES.values()}))
# Signs before the number, and after it ("$" stands for a dollar still to be settled).
_PREFIX_SIGNS: Final = {
    "us$": "USD",
    "ca$": "CAD",
    "cdn$": "CAD",
    "c$": "CAD",
    "au$": "AUD",
    "a$": "AUD",
    "s$": "SGD",
    "sg$": "SGD",
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
    "zł": "PLN",
    "e£": "EGP",
    "د.إ": "AED",
    "ر.س": "SAR",
    "ج.م": "EGP",
}
_SUFFIX_SIGNS: Final = {
    "€": "EUR",
    "£": "GBP",
    "$": "$",
    "円": "JPY",
    "kr": "SEK",
    "zł": "PLN",
    "₺": "TRY",
    "د.إ": "AED",
    "ر.س": "SAR",
    "ج.م": "EGP",
    "درهم": "AED",
    "ريال": "SAR",
    "ریال": "SAR",  # NFKC turns the riyal sign into this spelling
    "جنيه": "EGP",
}


def _signs(signs: Iterable[str]) -> str:
    out = []
    for sign in sorted(signs, key=len, reverse=True):
        pattern = re.escape(sign)
        worded = sign[-1].isalpha() and not "\u3000" <= sign[-1] <= "\u9fff"  # not "円"
        out.append(pattern + r"(?![^\W\d_])" if worded else pattern)
    return "|".join(out)


# Codes and "TL" only in capitals: "try 2 more times" is not 2 Turkish lira.
_CASED_CODES: Final = "(?-i:" + "|".join(_CODES) + r")(?![^\W\d_])"
_NUMBER: Final = (
    r"(?:[0-9]{1,3}(?:[.,' ][0-9]{3}){1,5}|[0-9]{1,12})(?:[.,][0-9]{1,2})?(?![0-9]|[.,][0-9])"
)
_AMOUNT: Final = re.compile(
    rf"(?<![\w$\-−])(?P<pre>{_signs(_PREFIX_SIGNS)}|{_CASED_CODES}) ?(?P<num>{_NUMBER})"
    rf"|(?<![0-9.,\-−])(?P<num2>{_NUMBER}) ?(?P<post>{_signs(_SUFFIX_SIGNS)}|{_CASED_CODES}"
    r"|(?-i:TL)(?![^\W\d_]))",
    re.IGNORECASE,
)
# Labels that name the claim amount (2 points) or any amount (1 point).
_CLAIM_AMOUNT_LABELS: Final = _phrases(
    """
    en: claim amount | amount claimed | claimed amount | amount of the claim | claim value
    de: antragsbetrag | betrag des antrags | geforderter betrag | forderungsbetrag
    fr: montant de la réclamation | montant réclamé | montant de la demande
    es: importe de la reclamación | importe reclamado | importe solicitado
    it: importo del reclamo | importo richiesto | importo reclamato
    ja: 請求金額 | 申請金額
    nl: claimbedrag | bedrag van de claim | geclaimd bedrag
    sv: belopp för anspråket | begärt belopp
    pl: kwota roszczenia
    tr: talep tutarı | talep edilen tutar
    pt: valor da reclamação | valor reclamado | valor solicitado
    ar: مبلغ المطالبة
    """
)
_AMOUNT_LABELS: Final = _phrases(
    """
    en: amount
    de: betrag
    fr: montant
    es: importe
    it: importo
    ja: 金額
    nl: bedrag
    sv: belopp
    pl: kwota
    tr: tutar
    pt: valor
    ar: المبلغ | مبلغ
    """
)
_AMOUNT_LABEL: Final = re.compile(_alternation((*_CLAIM_AMOUNT_LABELS, *_AMOUNT_LABELS)))
_AMOUNT_SCORES: Final = {
    **{_fold(w): 1 for w in _AMOUNT_LABELS},
    **{_fold(w): 2 for w in _CLAIM_AMOUNT_LABELS},
}


def _amount(norm: str, low: str) -> tuple[Decimal | None, str | None]:
    """The claim amount and its currency code (or "$"): the amount with the best label before
    it (the claim amount's own label, then any amount label), the first one on a tie."""
    best: tuple[int, Decimal, str] | None = None
    floor = 0
    for index, match in enumerate(_AMOUNT.finditer(norm)):
        if index >= _MAX_MATCHES:
            break
        sign = _sign(match["pre"] or match["post"] or "")
        value = _decimal(match["num"] or match["num2"] or "", sign)
        window = _window(low, match.start(), floor)
        floor = match.end()
        if value is None or sign is None:
            continue
        score = _amount_score(window)
        if best is None or score > best[0]:
            best = (score, value, sign)
    return (best[1], best[2]) if best is not None else (None, None)


def _sign(text: str) -> str | None:
    if text in _CODES:
        return text
    if text == "TL":
        return "TRY"
    key = text.lower()
    return _PREFIX_SIGNS.get(key) or _SUFFIX_SIGNS.get(key)


def _amount_score(window: str) -> int:
    score = 0
    for match in _words(_AMOUNT_LABEL, window):
        score = max(score, _AMOUNT_SCORES.get(match[0].replace("\n", " "), 1))
    return score


def _decimal(number: str, sign: str | None) -> Decimal | None:
    """ "1.234,56", "1,234.56", "1 234,56" alike: a last separator followed by one or two digits
    is the decimal point; any other separator groups thousands. Yen have no decimals."""
    last = max(number.rfind("."), number.rfind(","))
    if last != -1 and len(number) - last - 1 in (1, 2):
        whole, fraction = number[:last], number[last + 1 :]
    else:
        whole, fraction = number, ""
    digits = re.sub("[^0-9]", "", whole)
    try:
        value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None
    if sign == "JPY":
        if value != value.to_integral_value():
            return None
        value = Decimal(digits)
    return value if value > 0 else None


# --- Dates ---------------------------------------------------------------------------------------
_MONTH_NAMES: Final = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen januari stycznia styczeń "
    "ocak janeiro يناير",
    2: "february feb februar février févr fevr febrero febbraio februari lutego luty şubat "
    "fevereiro fev فبراير",
    3: "march mar märz mär mars marzo maart mrt marca marzec mart março مارس",
    4: "april apr avril avr abril abr aprile kwietnia kwiecień nisan أبريل",
    5: "may mai mayo maggio mag mei maj maja mayıs maio مايو",
    6: "june jun juni juin junio giugno giu czerwca czerwiec haziran junho يونيو",
    7: "july jul juli juillet juil julio luglio lug lipca lipiec temmuz julho يوليو",
    8: "august aug août aout agosto ago augustus augusti sierpnia sierpień ağustos أغسطس",
    9: "september sep sept septembre septiembre setiembre settembre set września wrzesień "
    "eylül setembro سبتمبر",
    10: "october oct oktober okt octobre octubre ottobre ott października październik ekim "
    "outubro out أكتوبر",
    11: "november nov novembre noviembre novembre listopada listopad kasım novembro نوفمبر",
    12: "december dec dezember dez décembre déc diciembre dic dicembre grudnia grudzień aralık "
    "dezembro ديسمبر",
}
_MONTHS: Final = {
    _fold(name): month for month, names in _MONTH_NAMES.items() for name in names.split()
}
_MONTH: Final = "|".join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))
_DATE: Final = re.compile(
    r"(?<![0-9])(?P<y1>[0-9]{4})(?P<s1>[-/.])(?P<m1>[0-9]{1,2})(?P=s1)(?P<d1>[0-9]{1,2})(?![0-9])"
    r"|(?<![0-9])(?P<y2>[0-9]{4}) ?年 ?(?P<m2>[0-9]{1,2}) ?月 ?(?P<d2>[0-9]{1,2}) ?日"
    r"|(?<![0-9])(?P<a>[0-9]{1,2})(?P<s3>[-/.])(?P<b>[0-9]{1,2})(?P=s3)(?P<y3>[0-9]{4})(?![0-9])"
    r"|(?<!\w)(?P<d4>[0-9]{1,2})(?:\.|er|o|st|nd|rd|th)? (?:de )?"
    rf"(?P<m4>{_MONTH})\.?,? (?:de |del )?(?P<y4>[0-9]{{4}})(?![0-9])"
    rf"|(?<!\w)(?P<m5>{_MONTH})\.? (?P<d5>[0-9]{{1,2}})(?:st|nd|rd|th)?,? (?P<y5>[0-9]{{4}})"
    r"(?![0-9])"
)
_RESPOND: Final = "respond"
_FILED: Final = "filed"
_NEUTRAL: Final = "neutral"
_DATE_WORDS: Final = {
    _RESPOND: _phrases(
        """
        en: respond | response | reply | deadline | due by | due date | no later than
        de: antworten | antwort | beantworten | stellungnahme | reagieren | frist | spätestens
        fr: répondre | réponse | répondez | d'ici le | date limite | au plus tard
        es: responder | responda | respuesta | fecha límite | plazo | a más tardar
        it: rispondere | rispondi | risposta | scadenza
        ja: 回答期限 | 回答 | 期限 | 返信
        nl: reageren | reageer | antwoord | uiterlijk
        sv: svara | svar | senast
        pl: odpowiedz | odpowiedź | odpowiedzi | odpowiedzieć
        tr: yanıt | cevap | son tarih | en geç
        pt: resposta | responda até | prazo
        ar: الرد | موعد
        """
    ),
    _FILED: _phrases(
        """
        en: filed | opened | submitted | claim date | date of claim | date of the claim
        en: claim created
        de: eingereicht | gestellt | eröffnet | erstellt am | antragsdatum | datum des antrags
        fr: déposée | déposé | ouverte | soumise | date de la réclamation | date de réclamation
        es: presentada | presentó | abierta | fecha de la reclamación | fecha de reclamación
        it: presentato | presentata | aperto | aperta | data del reclamo | data di apertura
        ja: 申請日 | 申請受付日 | 受付日
        nl: ingediend | geopend | claimdatum | datum van de claim
        sv: lämnades | öppnades | inlämnat
        pl: złożono | złożone | data złożenia
        tr: açıldı | talep tarihi | oluşturuldu
        pt: aberta | registrada | data da reclamação
        ar: تاريخ المطالبة | تقديم
        """
    ),
    # Dates that are neither: a nearer one of these makes a date mean nothing here.
    _NEUTRAL: _phrases(
        """
        en: order date | ordered | purchase date | purchased | shipped | ship date
        en: delivered | delivery | estimated | expected
        de: bestelldatum | bestellt | versand | versandt | geliefert | zugestellt
        de: lieferdatum | lieferung
        fr: date de commande | commandé | expédié | livré | livraison
        es: fecha del pedido | fecha de pedido | enviado | entregado | entrega
        it: data dell'ordine | spedito | consegnato | consegna
        ja: 注文日 | 発送日 | お届け | 配達
        nl: besteldatum | geleverd | levering
        sv: beställningsdatum | levererad | leverans
        pl: data zamówienia | dostawa
        tr: sipariş tarihi | teslim
        pt: data do pedido | entregue
        ar: تاريخ الطلب | التوصيل
        """
    ),
}
_DATE_KINDS: Final = {_fold(w): kind for kind, words in _DATE_WORDS.items() for w in words}
_DATE_WORD: Final = re.compile(_alternation(_DATE_KINDS))
# Japanese and Turkish put the word after the date: "2026年11月4日(水)までに", "5 Kasım 2026
# tarihine kadar", "2026年11月1日に申請". A weekday or a time may come between.
_AFTER: Final = r" ?(?:\([^)\n]{0,6}\) ?)?(?:[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})? ?)?"
_AFTER_RESPOND: Final = re.compile(_AFTER + r"(?:まで|迄|(?:tarihine |tarihe )?kadar(?!\w))")
_AFTER_FILED: Final = re.compile(_AFTER + r"に(?:申請|提出)")


def _dates(
    low: str, market: str | None, currency: str | None, language: str | None
) -> tuple[date | None, date | None]:
    """(filed on, respond by): each the first date its keywords point at; a lone date with no
    keyword is the filing date."""
    matches = []
    for index, match in enumerate(_DATE.finditer(low)):
        if index >= _MAX_MATCHES:
            break
        matches.append(match)
    month_first = _month_first(matches, market, currency, language)
    filed: date | None = None
    respond: date | None = None
    unlabelled: set[date] = set()
    seen: set[date] = set()
    floor = 0
    for match in matches:
        day = _date(match, month_first=month_first)
        kind = _date_kind(low, match, floor)
        floor = match.end()
        if day is None:
            continue
        seen.add(day)
        if kind == _RESPOND and respond is None:
            respond = day
        elif kind == _FILED and filed is None:
            filed = day
        elif kind is None:
            unlabelled.add(day)
    if filed is None and respond is None and len(seen) == 1 and unlabelled:
        filed = unlabelled.pop()
    return filed, respond


def _month_first(
    matches: list[re.Match[str]], market: str | None, currency: str | None, language: str | None
) -> bool:
    """Whether 05/11/2026 means May 11: when another date of the text shows it, else only in
    US English."""
    pairs = [(int(m["a"]), int(m["b"])) for m in matches if m["a"] and m["s3"] != "."]
    if any(a > 12 for a, _ in pairs):
        return False
    if any(b > 12 for _, b in pairs):
        return True
    english = language == "en" or (language is None and market == "US")
    us = market == "US" or (market is None and currency in (None, "USD"))
    return english and us


def _date(match: re.Match[str], *, month_first: bool) -> date | None:
    if match["y1"]:
        year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
    elif match["y2"]:
        year, month, day = int(match["y2"]), int(match["m2"]), int(match["d2"])
    elif match["y3"]:
        year, day, month = int(match["y3"]), int(match["a"]), int(match["b"])
        if match["s3"] != "." and day <= 12 and (month_first or month > 12):
            day, month = month, day
    elif match["y4"]:
        year, month, day = int(match["y4"]), _MONTHS.get(match["m4"], 0), int(match["d4"])
    else:
        year, month, day = int(match["y5"]), _MONTHS.get(match["m5"], 0), int(match["d5"])
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 1990 <= found.year <= 2100 else None


def _date_kind(low: str, match: re.Match[str], floor: int) -> str | None:
    """ "respond", "filed", "neutral" or None: by a Japanese or Turkish word right after the
    date, else by the nearest keyword before it (on its line, or on the line above when the date
    stands alone)."""
    after = low[match.end() : match.end() + 24]
    if _AFTER_RESPOND.match(after):
        return _RESPOND
    if _AFTER_FILED.match(after):
        return _FILED
    return _last_kind(_DATE_WORD, _DATE_KINDS, _window(low, match.start(), floor))


# --- Reasons --------------------------------------------------------------------------------------
# Per reason, phrases in each language; " … " allows a few words in between. Where phrases of two
# reasons start at one place, the earlier reason wins: "refund not received" is not "not received".
_REASON_WORDS: Final = {
    Reason.RETURN_NOT_REFUNDED: _phrases(
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
    Reason.RETURN_REFUSED: _phrases(
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
    Reason.NOT_RECEIVED: _phrases(
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
    Reason.LATE_DELIVERY: _phrases(
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
    Reason.NOT_AS_DESCRIBED: _phrases(
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
    Reason.DEFECTIVE: _phrases(
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
    "|".join(
        f"(?P<{reason.value}>{_alternation(words)})" for reason, words in _REASON_WORDS.items()
    )
)
_REASON_LABELS: Final = _phrases(
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
    _fold(w)
    for w in _phrases(
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
_CLAIM_WORDS: Final = re.compile(
    _alternation(
        _phrases(
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


def _reason(low: str) -> Reason | None:
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
    match = next(_words(_REASON, text), None)
    if match is None or match.lastgroup is None:
        return None
    return Reason(match.lastgroup)


def _says_other(value: str) -> bool:
    value = value.strip(" \t-–—*•·>\"'")
    if value.startswith(_OTHER_JA):
        return True
    first = _LETTER.match(value)
    return first is not None and first[0] in _OTHER_WORDS
