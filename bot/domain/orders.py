"""Amazon order ids: `NNN-NNNNNNN-NNNNNNN`."""

from __future__ import annotations

import re

# As agents type or copy it: the groups split by dashes or single spaces, after at most a short
# label that ends in a colon or "#" ("Order ID:", "#", "Bestellnummer:", "订单号：").
_ORDER_ID = re.compile(
    r"(?:[^\W\d_][^\d\n:：#]{0,29}[:：#] ?|# ?)?([0-9]{3})[- ]([0-9]{7})[- ]([0-9]{7})"
)
# Not preceded or followed by a digit of any script: "٣303-..." is not an order id.
_ORDER_ID_IN_TEXT = re.compile(r"(?<!\d)([0-9]{3})-([0-9]{7})-([0-9]{7})(?!\d)")
# Agents paste ids copied from e-mails and Seller Central: allow spaces, dashes of other kinds
# (en dash, non-breaking hyphen...) and full-width digits, then insist on the exact shape.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−－", "-"))
MAX_INPUT = 200


class OrderIdError(ValueError):
    """The text is not an Amazon order id. `reason` says why, for a precise re-ask."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


EMPTY = "empty"
TOO_LONG = "too_long"
BAD_SHAPE = "bad_shape"


def parse_order_id(text: str) -> str:
    """Return the canonical order id in `text`, or raise `OrderIdError`.

    Surrounding white space is ignored, as are unicode dash variants, full-width digits, single
    spaces between the groups and a short label before the id ending in ":" or "#"; anything
    else around or inside the id is an error (a claim must never be filed under a wrongly
    guessed order).
    """
    if len(text) > MAX_INPUT:
        raise OrderIdError(TOO_LONG)
    cleaned = _normalise_digits(text.translate(_DASHES)).strip()
    if not cleaned:
        raise OrderIdError(EMPTY)
    match = _ORDER_ID.fullmatch(cleaned)
    if match is None:
        raise OrderIdError(BAD_SHAPE)
    return "-".join(match.groups())


def find_order_ids(text: str) -> list[str]:
    """Every order id mentioned in a longer text (a pasted notice), in order, without repeats."""
    seen: list[str] = []
    for match in _ORDER_ID_IN_TEXT.finditer(_normalise_digits(text.translate(_DASHES))):
        order_id = "-".join(match.groups())
        if order_id not in seen:
            seen.append(order_id)
    return seen


def _normalise_digits(text: str) -> str:
    # Only ASCII digits form ids; map full-width digits (common in Japanese text) to ASCII.
    return text.translate({0xFF10 + i: ord("0") + i for i in range(10)})
