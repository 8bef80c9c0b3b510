"""Reading a pasted Amazon A-to-Z claim notification (e-mail or Seller Central text).

Amazon's wording differs per marketplace language and changes over time, so nothing here depends
on whole sentences: order ids by shape, amounts by currency sign or code, dates by the date shapes
of each language, and the claim reason and the meaning of each date and amount by keywords near
them. Whatever is not found stays `None`; the chat shows what was understood and asks for the rest.

Only the first 20,000 characters are read, and every pattern is linear: bounded repetitions, no
nested quantifiers over the same characters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from bot.domain.claims import Reason
from bot.domain.notices.amounts import find_amount
from bot.domain.notices.dates import find_dates
from bot.domain.notices.languages import language_of
from bot.domain.notices.markets import currency_of, domain_market, marketplace_of
from bot.domain.notices.reasons import CLAIM_WORDS, reason_of
from bot.domain.notices.text import FORMAT_CHARS, LIMIT, SHORT, keyword_hits, normalise
from bot.domain.orders import find_order_ids


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notice says. Fields not found are `None`; `amount` may be known while `currency`
    is not (a bare "$" that nothing in the text settles)."""

    order_id: str | None
    reason: Reason | None
    amount: Decimal | None
    currency: str | None
    filed_on: date | None
    respond_by: date | None
    marketplace: str | None
    language: str | None
    order_ids: tuple[str, ...]

    @property
    def found(self) -> tuple[str, ...]:
        """The names of the fields found (all but `order_ids`), in declaration order."""
        return tuple(
            f.name
            for f in fields(self)
            if f.name != "order_ids" and getattr(self, f.name) is not None
        )


def looks_like_notice(text: str) -> bool:
    """Whether the agent pasted a notice rather than typing a bare order id."""
    head = FORMAT_CHARS.sub("", text[:LIMIT])
    if not find_order_ids(head):
        return False
    stripped = head.strip()
    if len(stripped.splitlines()) > 1 or len(stripped) > SHORT:
        return True
    _, low = normalise(stripped)
    return next(keyword_hits(CLAIM_WORDS, low), None) is not None or reason_of(low) is not None


def parse_notice(text: str, reference: date | None = None) -> Notice:
    """Read what a pasted notice says; never raises, never guesses what it does not say. A
    `reference` day (a mail's date) gives the year to dates written without one."""
    head = FORMAT_CHARS.sub("", text[:LIMIT])
    order_ids = tuple(find_order_ids(head))
    norm, low = normalise(head)
    language = language_of(low)
    amount, sign = find_amount(norm, low)
    domain = domain_market(low)
    currency = currency_of(sign, domain, language, low)
    marketplace = marketplace_of(domain, currency, language)
    filed_on, respond_by = find_dates(low, marketplace, currency, language, reference)
    return Notice(
        order_id=order_ids[0] if len(order_ids) == 1 else None,
        reason=reason_of(low),
        amount=amount,
        currency=currency,
        filed_on=filed_on,
        respond_by=respond_by,
        marketplace=marketplace,
        language=language,
        order_ids=order_ids,
    )
