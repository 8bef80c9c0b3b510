"""Which marketplace a notice comes from: the Amazon domain it names, else its currency and
language; and the currency a bare sign such as "$" stands for.
"""

from __future__ import annotations

import re
from typing import Final

from bot.domain.marketplaces import MARKETPLACES

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


def domain_market(low: str) -> str | None:
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


def marketplace_of(domain: str | None, currency: str | None, language: str | None) -> str | None:
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


def currency_of(sign: str | None, domain: str | None, language: str | None, low: str) -> str | None:
    """The ISO code of a sign; a bare "$" only where a domain or English settles it."""
    if sign != "$":
        return sign
    if domain in _DOLLAR_MARKETS:
        return _DOLLAR_MARKETS[domain]
    if domain is None and language == "en" and _OTHER_DOLLARS.search(low) is None:
        return "USD"
    return None
