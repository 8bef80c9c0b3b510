"""The team's stores as people read them (issue 16): a store's name, or its number."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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


def store_rows(
    tr: Translator,
    labels: Mapping[int, str],
    chosen: int | None,
    data: Callable[[int | None], str],
) -> list[list[tuple[str, str]]]:
    """The store buttons under /stats, /claims and /due (issue 16): *All stores*, then each
    store in `labels` (those the person works for), the one shown marked; none when the
    person sees one store only."""
    if len(labels) < 2:
        return []

    def mark(label: str, on: bool) -> str:
        return f"• {label}" if on else label

    buttons = [(mark(tr.gettext("All stores"), chosen is None), data(None))] + [
        (mark(label, store_id == chosen), data(store_id))
        for store_id, label in sorted(labels.items())
    ]
    return [buttons[at : at + 3] for at in range(0, len(buttons), 3)]
