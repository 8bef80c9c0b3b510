"""The one Jinja environment claimbot drafts with.

Sandboxed (templates are code we ship, facts are data people type), `StrictUndefined` (a
missing fact is an error, never an empty string in a buyer's message), no autoescaping (drafts
are plain text). Translation uses newstyle gettext callables that read the current translations
from a `ContextVar`, installed once: rendering for one buyer never changes what another sees.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


class _Current:
    __slots__ = ("locale", "translations")

    def __init__(self, translations: gettext.NullTranslations, locale: Locale) -> None:
        self.translations = translations
        self.locale = locale


_current: ContextVar[_Current] = ContextVar("claimbot_draft_locale")


@contextmanager
def drafting_locale(translations: gettext.NullTranslations, locale: Locale) -> Iterator[None]:
    """Render inside this block to translate and format for `locale`."""
    token = _current.set(_Current(translations, locale))
    try:
        yield
    finally:
        _current.reset(token)


def _state() -> _Current:
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("render drafts inside drafting_locale(...)") from None


def _gettext(message: str) -> str:
    return _state().translations.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _state().translations.ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return _state().translations.pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _state().translations.npgettext(context, singular, plural, n)


def _date_filter(value: date | datetime, fmt: str = "long") -> str:
    return format_date(value, fmt, locale=_state().locale)


def _datetime_filter(value: datetime, time_zone: str = "UTC", fmt: str = "medium") -> str:
    return format_datetime(value, fmt, tzinfo=ZoneInfo(time_zone), locale=_state().locale)


def _money_filter(amount: Decimal | int | float | str, currency: str) -> str:
    # Babel rounds to the currency's own digits (JPY has none).
    return format_currency(Decimal(str(amount)), currency, locale=_state().locale)


def build_environment(templates: Path) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates)),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=False,  # paragraphs are blank-line separated; the renderer tidies
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    # Must match `trimmed = true` in babel.cfg, or trans blocks silently stay untranslated.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    env.filters["date"] = _date_filter
    env.filters["datetime"] = _datetime_filter
    env.filters["money"] = _money_filter
    return env
