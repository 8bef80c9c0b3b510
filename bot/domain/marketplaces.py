"""The Amazon marketplaces of `shared/domain.md`: buyer languages, currency, time zone."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class Marketplace:
    code: str
    languages: tuple[str, ...]
    currency: str
    time_zone: str

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def territory(self) -> str:
        """The ISO 3166 region of the marketplace, as locales name it (Amazon's UK is GB)."""
        return "GB" if self.code == "UK" else self.code


def _m(code: str, languages: str, currency: str, time_zone: str) -> Marketplace:
    return Marketplace(code, tuple(languages.split()), currency, time_zone)


# Order and languages as in the domain brief; the first language is the buyer default.
# Time zones are the ones Seller Central uses for the marketplace's dates.
MARKETPLACES: Final = MappingProxyType(
    {
        m.code: m
        for m in (
            _m("US", "en es", "USD", "America/Los_Angeles"),
            _m("CA", "en fr", "CAD", "America/Toronto"),
            _m("MX", "es", "MXN", "America/Mexico_City"),
            _m("BR", "pt_BR", "BRL", "America/Sao_Paulo"),
            _m("UK", "en", "GBP", "Europe/London"),
            _m("IE", "en", "EUR", "Europe/Dublin"),
            _m("DE", "de", "EUR", "Europe/Berlin"),
            _m("FR", "fr", "EUR", "Europe/Paris"),
            _m("IT", "it", "EUR", "Europe/Rome"),
            _m("ES", "es", "EUR", "Europe/Madrid"),
            _m("NL", "nl", "EUR", "Europe/Amsterdam"),
            _m("BE", "fr nl", "EUR", "Europe/Brussels"),
            _m("SE", "sv", "SEK", "Europe/Stockholm"),
            _m("PL", "pl", "PLN", "Europe/Warsaw"),
            _m("TR", "tr", "TRY", "Europe/Istanbul"),
            _m("AE", "ar en", "AED", "Asia/Dubai"),
            _m("SA", "ar en", "SAR", "Asia/Riyadh"),
            _m("EG", "ar en", "EGP", "Africa/Cairo"),
            _m("IN", "en hi", "INR", "Asia/Kolkata"),
            _m("JP", "ja", "JPY", "Asia/Tokyo"),
            _m("AU", "en", "AUD", "Australia/Sydney"),
            _m("SG", "en", "SGD", "Asia/Singapore"),
            _m("ZA", "en", "ZAR", "Africa/Johannesburg"),
        )
    }
)

# Every language a buyer may be written to in, across all marketplaces.
BUYER_LANGUAGES: Final = tuple(
    sorted({lang for m in MARKETPLACES.values() for lang in m.languages})
)

# What agents type for a marketplace that is not its code: its domain or common names.
_ALIASES: Final = MappingProxyType(
    {
        "GB": "UK",
        "USA": "US",
        "UAE": "AE",
        "KSA": "SA",
        "COM": "US",
        "CO.UK": "UK",
        "CO.JP": "JP",
        "COM.MX": "MX",
        "COM.BR": "BR",
        "COM.TR": "TR",
        "COM.AU": "AU",
        "COM.BE": "BE",
        "CO.ZA": "ZA",
    }
)


class UnknownMarketplaceError(ValueError):
    """The text names no marketplace claimbot knows."""


def parse_marketplace(text: str) -> Marketplace:
    """Find the marketplace an agent typed: `DE`, ` de `, `amazon.de`, `Amazon.co.uk`, `GB`."""
    key = text.strip().upper()
    if len(key) > 40 or not text.strip().isascii():  # "ſe".upper() is "SE": no lookalikes
        raise UnknownMarketplaceError(text[:40])
    for prefix in ("WWW.", "AMAZON."):
        key = key.removeprefix(prefix)
    key = _ALIASES.get(key, key)
    try:
        return MARKETPLACES[key]
    except KeyError:
        raise UnknownMarketplaceError(text) from None
