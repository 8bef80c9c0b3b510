"""The claim amount: every amount with a currency sign or code, weighed by the labels before it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Final

from bot.domain.marketplaces import MARKETPLACES
from bot.domain.notices.text import (
    MAX_MATCHES,
    alternation,
    fold,
    keyword_hits,
    phrase_list,
    window_before,
)

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
_CLAIM_AMOUNT_LABELS: Final = phrase_list(
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
_AMOUNT_LABELS: Final = phrase_list(
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
_AMOUNT_LABEL: Final = re.compile(alternation((*_CLAIM_AMOUNT_LABELS, *_AMOUNT_LABELS)))
_AMOUNT_SCORES: Final = {
    **{fold(w): 1 for w in _AMOUNT_LABELS},
    **{fold(w): 2 for w in _CLAIM_AMOUNT_LABELS},
}


def find_amount(norm: str, low: str) -> tuple[Decimal | None, str | None]:
    """The claim amount and its currency code (or "$"): the amount with the best label before
    it (the claim amount's own label, then any amount label), the first one on a tie."""
    best: tuple[int, Decimal, str] | None = None
    floor = 0
    for index, match in enumerate(_AMOUNT.finditer(norm)):
        if index >= MAX_MATCHES:
            break
        sign = _sign(match["pre"] or match["post"] or "")
        value = _decimal(match["num"] or match["num2"] or "", sign)
        window = window_before(low, match.start(), floor)
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
    for match in keyword_hits(_AMOUNT_LABEL, window):
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
