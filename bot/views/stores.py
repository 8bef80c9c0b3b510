"""The team's stores as people read them (issue 16): a store's name, or its number."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n.translator import Translator
from bot.settings import StoreProfile


def store_label(tr: Translator, store_id: int, profile: StoreProfile | None) -> str:
    """A store's name, or "Store 2" while it has none (store 1 before claimbot.toml names it)."""
    if profile is not None and profile.name:
        return profile.name
    return tr.gettext("Store %(number)s") % {"number": store_id}


def store_labels(tr: Translator, stores: Mapping[int, StoreProfile]) -> dict[int, str]:
    return {store_id: store_label(tr, store_id, profile) for store_id, profile in stores.items()}


def card_stores(tr: Translator, stores: Mapping[int, StoreProfile]) -> dict[int, str] | None:
    """The stores a claim card names, or None for a team of one store (whose cards do not
    say the store: there is nothing to tell apart)."""
    return store_labels(tr, stores) if len(stores) > 1 else None
