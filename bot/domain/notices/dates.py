"""The filed and respond-by dates: every date shape of each language, and the keywords before
or after a date that say which one it is.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from bot.domain.notices.text import (
    MAX_MATCHES,
    alternation,
    fold,
    last_kind,
    phrase_list,
    window_before,
)

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
    fold(name): month for month, names in _MONTH_NAMES.items() for name in names.split()
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
    # Without a year ("bis zum 6. Dezember", "respond by December 4"): the year comes from
    # another date of the notice (`_in_year_of`).
    rf"|(?<!\w)(?P<d6>[0-9]{{1,2}})(?:\.|er|o|st|nd|rd|th)? (?:de )?(?P<m6>{_MONTH})(?!\w)"
    rf"|(?<!\w)(?P<m7>{_MONTH})\.? (?P<d7>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9])"
)
# A day without a year more than this many days before the notice's dated day is next year's.
_YEAR_TURN: Final = 180
_RESPOND: Final = "respond"
_FILED: Final = "filed"
_NEUTRAL: Final = "neutral"
_DATE_WORDS: Final = {
    _RESPOND: phrase_list(
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
    _FILED: phrase_list(
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
    _NEUTRAL: phrase_list(
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
_DATE_KINDS: Final = {fold(w): kind for kind, words in _DATE_WORDS.items() for w in words}
_DATE_WORD: Final = re.compile(alternation(_DATE_KINDS))
# Japanese and Turkish put the word after the date: "2026年11月4日(水)までに", "5 Kasım 2026
# tarihine kadar", "2026年11月1日に申請". A weekday or a time may come between.
_AFTER: Final = r" ?(?:\([^)\n]{0,6}\) ?)?(?:[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})? ?)?"
_AFTER_RESPOND: Final = re.compile(_AFTER + r"(?:まで|迄|(?:tarihine |tarihe )?kadar(?!\w))")
_AFTER_FILED: Final = re.compile(_AFTER + r"に(?:申請|提出)")


def find_dates(
    low: str,
    market: str | None,
    currency: str | None,
    language: str | None,
    reference: date | None = None,
) -> tuple[date | None, date | None]:
    """(filed on, respond by): each the first date its keywords point at; a lone date with no
    keyword is the filing date. A date without a year takes the year of the text's first full
    date, else of `reference` (the day a mail was sent)."""
    matches = []
    for index, match in enumerate(_DATE.finditer(low)):
        if index >= MAX_MATCHES:
            break
        matches.append(match)
    month_first = _month_first(matches, market, currency, language)
    filed: date | None = None
    respond: date | None = None
    unlabelled: set[date] = set()
    seen: set[date] = set()
    floor = 0
    dated = [d for m in matches if (d := _date(m, month_first=month_first)) is not None]
    for match in matches:
        day = _date(match, month_first=month_first)
        kind = _date_kind(low, match, floor)
        floor = match.end()
        anchor = dated[0] if dated else reference
        if day is None and anchor is not None and kind in (_RESPOND, _FILED):
            day = _in_year_of(match, anchor)
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


def _in_year_of(match: re.Match[str], reference: date) -> date | None:
    """A day and month without a year, in the year of the notice's `reference` date (the next
    year when that puts it long before the reference: a notice of late December answering in
    January)."""
    month_name, day_text = (match["m6"], match["d6"]) if match["m6"] else (match["m7"], match["d7"])
    if not month_name:
        return None
    try:
        found = date(reference.year, _MONTHS.get(month_name, 0), int(day_text))
        if (reference - found).days > _YEAR_TURN:
            found = found.replace(year=reference.year + 1)
    except ValueError:
        return None
    return found


def _date(match: re.Match[str], *, month_first: bool) -> date | None:
    if match["m6"] or match["m7"]:
        return None  # no year of its own
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
    return last_kind(_DATE_WORD, _DATE_KINDS, window_before(low, match.start(), floor))
