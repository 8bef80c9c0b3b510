"""gettext catalogs loaded from `.po` files, compiled in memory, cached per (domain, locale)."""

from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.resources import locales_dir

BOT_DOMAIN: Final = "bot"
MESSAGES_DOMAIN: Final = "messages"
SOURCE_LANGUAGE: Final = "en"  # msgids are English; English needs no catalog


class Catalogs:
    """Owns every loaded catalog. Build one per process; it is safe to share between updates."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else locales_dir()
        self._cache: dict[tuple[str, str], gettext.NullTranslations] = {}
        self._languages: dict[str, tuple[str, ...]] = {}

    def languages(self, domain: str) -> tuple[str, ...]:
        """The source language plus every language with a catalog for `domain`, sorted.
        Read from disk once per domain: it is asked on every update and every render."""
        known = self._languages.get(domain)
        if known is None:
            found = {p.parent.parent.name for p in self.root.glob(f"*/LC_MESSAGES/{domain}.po")}
            known = self._languages[domain] = tuple(sorted(found | {SOURCE_LANGUAGE}))
        return known

    def get(self, domain: str, language: str) -> gettext.NullTranslations:
        """The translations for (domain, language); untranslated text falls back to English."""
        key = (domain, language)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._load(domain, language)
            self._cache[key] = cached
        return cached

    def preload(self) -> None:
        """Load every catalog now, so no handler ever reads a file."""
        for domain in (BOT_DOMAIN, MESSAGES_DOMAIN):
            for language in self.languages(domain):
                self.get(domain, language)

    def _load(self, domain: str, language: str) -> gettext.NullTranslations:
        path = self.root / language / "LC_MESSAGES" / f"{domain}.po"
        if language == SOURCE_LANGUAGE or not path.is_file():
            return gettext.NullTranslations()
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=domain)
        buffer = io.BytesIO()
        # Fuzzy entries are unreviewed guesses: they must never reach a buyer.
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
