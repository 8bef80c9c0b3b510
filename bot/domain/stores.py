"""Several Amazon stores on one team (issue 16): which store a claim belongs to, and the
store fields an admin types (marketplaces, the addresses Amazon mails a store's notices to).

Store 1 is the store of claimbot.toml, and every claim from before there were several stores
is its. A claim from a mail goes to the store that lists the mail's recipient address; with
one store there is nothing to choose; with several and no address matching, store 1 takes it
and the card asks the agent to confirm the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

from bot.domain.claims import Claim
from bot.domain.compliance import Severity, lint
from bot.domain.fields import RESET, FieldError
from bot.domain.marketplaces import MARKETPLACES, UnknownMarketplaceError, parse_marketplace
from bot.domain.text import N_

DEFAULT_STORE: Final = 1
# The claim's extra fact set when a mail's claim went to store 1 for want of a better guess:
# the card cautions until the agent confirms a store (like `fulfillment_unconfirmed`).
STORE_UNCONFIRMED: Final = "store_unconfirmed"
MAX_ADDRESSES: Final = 10


def store_unconfirmed(claim: Claim) -> bool:
    """Whether the claim's store is a guess the agent has yet to confirm."""
    return bool(claim.facts.extra.get(STORE_UNCONFIRMED))


_ADDRESS: Final = re.compile(r"[a-z0-9._%+\-]{1,64}@[a-z0-9.\-]{1,190}\.[a-z]{2,24}")
_SEPARATORS: Final = re.compile(r"[\s,;，；、]+")


def store_for_recipients(
    recipients: Iterable[str], addresses: Mapping[int, Sequence[str]]
) -> tuple[int, bool]:
    """The store a mail sent to `recipients` belongs to, and whether that is certain: the
    store listing one of the addresses; else the only store; else store 1, unconfirmed."""
    wanted = {address.strip().lower() for address in recipients}
    for store_id, listed in sorted(addresses.items()):
        if wanted & {address.lower() for address in listed}:
            return store_id, True
    if len(addresses) <= 1:
        return next(iter(addresses), DEFAULT_STORE), True
    return DEFAULT_STORE, False


def parse_mail_addresses(text: str) -> tuple[str, ...]:
    """The addresses a store's notices arrive at, typed separated by spaces or commas; "-"
    for none. Raises `FieldError` for anything that is not an address."""
    words = [word for word in _SEPARATORS.split(text.strip().lower()) if word]
    if words == ["-"]:
        return ()
    if not words:
        raise FieldError(N_("That message was empty."))
    if len(words) > MAX_ADDRESSES:
        raise FieldError(N_("At most %(limit)s addresses, please."), limit=MAX_ADDRESSES)
    for word in words:
        if not _ADDRESS.fullmatch(word):
            raise FieldError(N_("“%(text)s” is not an e-mail address."), text=word[:60])
    return tuple(dict.fromkeys(words))


def parse_marketplaces(text: str) -> tuple[str, ...]:
    """A store's marketplaces, typed as codes separated by spaces or commas ("DE FR IT");
    "-" for none said. Raises `FieldError` for an unknown code."""
    words = [word for word in _SEPARATORS.split(text.strip().upper()) if word]
    if words == ["-"]:
        return ()
    if not words:
        raise FieldError(N_("That message was empty."))
    codes = []
    for word in words:
        try:
            codes.append(parse_marketplace(word).code)
        except UnknownMarketplaceError:
            raise FieldError(
                N_("I do not know the marketplace “%(text)s”."), text=word[:20]
            ) from None
    return tuple(sorted(dict.fromkeys(codes), key=list(MARKETPLACES).index))


MAX_GIFT: Final = 200


def parse_gift(text: str) -> tuple[str, Decimal | None] | None:
    """A store's gift for one marketplace as an admin types it: its description in the
    buyer's language, optionally with its value in the marketplace's currency after a bar
    ("zwei Ersatzfilter | 5"); None for RESET ("-"). The description goes into messages to
    buyers, so it must pass the blocking messaging rules."""
    description, bar, amount = text.strip().rpartition("|") if "|" in text else (text, "", "")
    description = " ".join(description.split())
    if description == RESET and not bar:
        return None
    if not description:
        raise FieldError(N_("That message was empty."))
    if len(description) > MAX_GIFT:
        raise FieldError(
            N_("That is too long: at most %(limit)s characters, please."), limit=MAX_GIFT
        )
    for finding in lint(description):
        if finding.severity is Severity.BLOCK:
            raise FieldError(finding.message)
    value: Decimal | None = None
    if bar:
        try:
            value = Decimal(amount.strip().replace(",", "."))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value <= 0 or value > 100000:
            raise FieldError(N_("The value after | must be an amount above 0, such as 5."))
    return description, value


def typed_store(text: str, names: Mapping[int, str]) -> int | None:
    """The store an agent typed: its name (case and spacing aside), or its number ("2",
    "#2"); None when it names none of `names` (store id -> name)."""
    key = " ".join(text.casefold().split())
    if not key or len(key) > 100:
        return None
    for store_id, name in names.items():
        if " ".join(name.casefold().split()) == key:
            return store_id
    number = key.removeprefix("#")
    if number.isascii() and number.isdigit() and int(number) in names:
        return int(number)
    return None
