"""gettext catalogs loaded from `.po` files, compiled in memory, cached per (domain, locale).

A folder of `locales/` is either a language (`de`, `pt_BR`, `zh_Hans`) or a regional variant of
one (`en_US`): a `<language>_<TERRITORY>` folder whose base language is the source language or
has a catalog of its own. A variant is a partial catalog holding only the msgids whose wording
differs in that region; everything else falls back to its base language. It is not a language
of its own: `languages()` never lists it, and only the marketplace's territory selects it.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.resources import locales_dir

BOT_DOMAIN: Final = "bot"
MESSAGES_DOMAIN: Final = "messages"
SOURCE_LANGUAGE: Final = "en"  # msgids are English; English needs no catalog
# `en_US`, `es_419`: a language and a region (ISO 3166 letters or a UN M.49 number). Scripts
# (`zh_Hans`) are not regions.
_REGIONAL: Final = re.compile(r"([a-z]{2,3})_([A-Z]{2}|[0-9]{3})")


@dataclass(frozen=True, slots=True)
class Layout:
    """What the folders with a catalog for one domain are."""

    languages: tuple[str, ...]  # the source language and every language with a catalog
    variants: Mapping[str, str]  # regional variant folder -> its base language


def layout(names: Iterable[str]) -> Layout:
    """Sort catalog folder names into languages and regional variants. `en_US` is a variant of
    the source language; `de_AT` would be one of `de` when `de` has a catalog; `pt_BR` is a
    language of its own, as there is no `pt` catalog."""
    found = set(names)
    variants: dict[str, str] = {}
    for name in found:
        match = _REGIONAL.fullmatch(name)
        if match and (match.group(1) == SOURCE_LANGUAGE or match.group(1) in found):
            variants[name] = match.group(1)
    languages = tuple(sorted((found - set(variants)) | {SOURCE_LANGUAGE}))
    return Layout(languages, MappingProxyType(dict(sorted(variants.items()))))


class Catalogs:
    """Owns every loaded catalog. Build one per process; it is safe to share between updates."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else locales_dir()
        self._cache: dict[tuple[str, str], gettext.NullTranslations] = {}
        self._layouts: dict[str, Layout] = {}

    def layout(self, domain: str) -> Layout:
        """The languages and regional variants of `domain`. Read from disk once per domain: it
        is asked on every update and every render."""
        known = self._layouts.get(domain)
        if known is None:
            names = (p.parent.parent.name for p in self.root.glob(f"*/LC_MESSAGES/{domain}.po"))
            known = self._layouts[domain] = layout(names)
        return known

    def languages(self, domain: str) -> tuple[str, ...]:
        """The source language plus every language with a catalog for `domain`, sorted.
        Regional variants (`en_US`) are not languages and are not listed."""
        return self.layout(domain).languages

    def get(self, domain: str, language: str) -> gettext.NullTranslations:
        """The translations for (domain, language); untranslated text falls back to English.
        `language` may name a regional variant (`en_US`): it falls back to its base language."""
        key = (domain, language)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._load(domain, language)
            self._cache[key] = cached
        return cached

    def variant(
        self, domain: str, language: str, territory: str | None
    ) -> gettext.NullTranslations:
        """The translations for `language` as written in `territory` (`en` in `US`): the
        regional variant when one exists, else the language's own."""
        if territory:
            regional = f"{language}_{territory}"
            if self.layout(domain).variants.get(regional) == language:
                return self.get(domain, regional)
        return self.get(domain, language)

    def preload(self) -> None:
        """Load every catalog now, so no handler ever reads a file."""
        for domain in (BOT_DOMAIN, MESSAGES_DOMAIN):
            for language in (*self.languages(domain), *self.layout(domain).variants):
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
        translations = gettext.GNUTranslations(buffer)
        base = self.layout(domain).variants.get(language)
        if base is not None:
            # A variant holds only what differs: the rest is its base language's.
            translations.add_fallback(self.get(domain, base))
        return translations
