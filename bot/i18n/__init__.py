"""The translation layer: catalogs per (domain, locale), locale codes, per-user translators.

Two gettext domains: `bot` (what the agent reads) and `messages` (what the buyer or Amazon
reads). Catalogs are read from the committed `.po` files and compiled in memory once per
(domain, locale), so a checkout and a wheel behave alike and no `.mo` file is ever needed.
"""

from bot.i18n.catalogs import BOT_DOMAIN, MESSAGES_DOMAIN, SOURCE_LANGUAGE, Catalogs
from bot.i18n.locales import normalize_language
from bot.i18n.translator import Translator

__all__ = [
    "BOT_DOMAIN",
    "MESSAGES_DOMAIN",
    "SOURCE_LANGUAGE",
    "Catalogs",
    "Translator",
    "normalize_language",
]
