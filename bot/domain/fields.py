"""The facts of a claim an agent types in, and how each typed answer is checked.

A field is either a column of the claim (buyer name, product, carrier, tracking number) or a key
of its `extra` facts (what the buyer said, the usage steps, the delivery date...). `parse_field`
turns the agent's text into the stored value or raises `FieldError` with a msgid the chat
translates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.compliance import MAX_LENGTH, Severity, lint
from bot.domain.errors import EmptyTextError, TextTooLongError
from bot.domain.text import N_

# --- Text limits ---------------------------------------------------------------------------------
# Each limit is one concept with one name; everything that checks or states it uses the name.
# A message to a buyer may have at most `MAX_LENGTH` (2,000) characters: the compliance lint
# says so. A typed draft may be twice that, so the agent sees the finding instead of a refusal.
MAX_DRAFT_TEXT: Final = 2 * MAX_LENGTH
MAX_COMMENT: Final = 1000  # a team lead's comment on a returned draft
# One chat message: Telegram's limit (telegram.constants.MessageLimit.MAX_TEXT_LENGTH), which
# the offline transport of the console and the tests enforces as well.
MAX_CHAT_TEXT: Final = 4096


def bounded_text(text: str, limit: int) -> str:
    """`text` without surrounding blanks, refused when empty (`EmptyTextError`) or longer
    than `limit` (`TextTooLongError`): for the texts people type that are stored whole."""
    body = text.strip()
    if not body:
        raise EmptyTextError
    if len(body) > limit:
        raise TextTooLongError(limit)
    return body


class FieldType(StrEnum):
    LINE = "line"  # one short line: a name, a carrier
    TEXT = "text"  # free text: the buyer's words, usage steps
    DATE = "date"
    AMOUNT = "amount"
    CODE = "code"  # a tracking number


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    limit: int
    column: bool  # a claims column; otherwise a key of extra facts


def _f(name: str, kind: FieldType, limit: int, *, column: bool = False) -> Field:
    return Field(name, kind, limit, column)


FIELDS: Final = MappingProxyType(
    {
        f.name: f
        for f in (
            _f("buyer_name", FieldType.LINE, 80, column=True),
            _f("product", FieldType.LINE, 200, column=True),
            _f("carrier", FieldType.LINE, 80, column=True),
            _f("tracking_number", FieldType.CODE, 60, column=True),
            _f("buyer_said", FieldType.TEXT, 1500),
            _f("buyer_reply", FieldType.TEXT, 1500),
            _f("usage_steps", FieldType.TEXT, 1500),
            _f("delivery_date", FieldType.DATE, 40),
            _f("contact_summary", FieldType.TEXT, 1000),
            _f("concession", FieldType.TEXT, 500),
            _f("proposal", FieldType.TEXT, 500),
            _f("gift", FieldType.LINE, 120),
            _f("claim_amount", FieldType.AMOUNT, 20),
        )
    }
)
# Facts shown and editable from the claim card's facts menu, in this order.
EDITABLE: Final = (
    "buyer_name",
    "product",
    "carrier",
    "tracking_number",
    "delivery_date",
    "claim_amount",
    "buyer_said",
    "contact_summary",
    "concession",
    "proposal",
    "gift",
)
DELAY_CAUSES: Final = ("carrier_delay", "customs", "weather", "address_issue", "lost", "stuck")
# What happens now with a late seller-shipped parcel, as the delay message tells the buyer: the
# tracking shows it on its way or delivered, a new parcel goes out, or the order is refunded.
DELAY_NEXT: Final = ("on_its_way", "delivered", "new_parcel", "refund")
# A parcel the carrier lost is neither on its way nor delivered.
_NOT_AFTER_LOSS: Final = frozenset({"on_its_way", "delivered"})


def delay_next_choices(delay_cause: str | None) -> tuple[str, ...]:
    """What may happen now after a delay with `delay_cause` (any, when not known yet)."""
    if delay_cause == "lost":
        return tuple(n for n in DELAY_NEXT if n not in _NOT_AFTER_LOSS)
    return DELAY_NEXT


_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
# What no real claim has, so a typing slip is asked again instead of stored: carriers' tracking
# numbers have 8 or more letters and digits (Royal Mail 13, DHL 12-20, UPS 18, USPS 20-22,
# Japan Post 11-13); one order is far below a million in any marketplace's currency; a parcel
# is not delivered in the future (a day of slack: the agent's today may be a time zone ahead).
MIN_TRACKING: Final = 8
MAX_AMOUNT: Final = Decimal(1_000_000)
# Groups of three digits apart by commas (or dots): "99,999,999", "1.234.567,50".
_THOUSANDS = {
    ",": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"),
    ".": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldError(ValueError):
    """A typed answer that does not fit the field; `msgid` % `params` says why."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def parse_field(name: str, text: str, *, today: date | None = None) -> str:
    """The value to store for `name` (always text: dates ISO, amounts plain decimals). With
    `today`, a date after it (a day of slack) is refused as well."""
    field = FIELDS.get(name)
    if field is None:
        raise FieldError(N_("That is not something I can store."))
    value = _CONTROL.sub("", text).strip()
    if field.type is not FieldType.TEXT:
        value = " ".join(value.split())
    if not value:
        raise FieldError(N_("That message was empty."))
    if len(value) > field.limit:
        raise FieldError(
            N_("That is too long: at most %(limit)s characters, please."), limit=field.limit
        )
    if field.type is FieldType.DATE:
        when = _parse_date(value)
        if today is not None and when > today + timedelta(days=1):
            raise FieldError(
                N_(
                    "%(date)s is in the future: please send the date the parcel was"
                    " delivered, like %(today)s."
                ),
                date=when.isoformat(),
                today=today.isoformat(),
            )
        return when.isoformat()
    if field.type is FieldType.AMOUNT:
        return _parse_amount(value)
    if field.type is FieldType.CODE and not _CODE.fullmatch(value):
        raise FieldError(N_("A tracking number has only letters, digits, spaces and dashes."))
    if field.type is FieldType.CODE and sum(c.isalnum() for c in value) < MIN_TRACKING:
        raise FieldError(
            N_(
                "“%(value)s” is too short for a tracking number: carriers use at least"
                " %(minimum)s letters and digits. Please check it."
            ),
            value=value,
            minimum=MIN_TRACKING,
        )
    return value


def _parse_date(value: str) -> date:
    dotted = _DOTTED_DATE.fullmatch(value)
    iso = _ISO_DATE.fullmatch(value)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dotted:
            return date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        pass
    raise FieldError(N_("Please send a date like 2026-11-28 or 28.11.2026."))


def _parse_amount(value: str) -> str:
    cleaned = value.replace(" ", "").replace("\u00a0", "")
    for separator, pattern in _THOUSANDS.items():
        if pattern.fullmatch(cleaned):
            cleaned = cleaned.replace(separator, "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite() or amount <= 0 or amount >= Decimal(10) ** 9:
        raise FieldError(N_("Please send the amount as a number, like 49.90."))
    if amount >= MAX_AMOUNT:
        raise FieldError(
            N_(
                "%(amount)s is far more than one order costs: please check the amount and send"
                " it again, like 49.90."
            ),
            amount=format(amount.normalize(), ",f"),
        )
    return format(amount.normalize(), "f")


# --- The store profile an admin edits in /settings --------------------------------------------
@dataclass(frozen=True, slots=True)
class StoreText:
    option: str  # the key in the options table
    limit: int
    lines: int


STORE_TEXTS: Final = MappingProxyType(
    {
        "name": StoreText("store.name", 80, 1),
        "signature": StoreText("store.signature", 300, 4),
    }
)
RESET: Final = "-"  # typed instead of a value: back to what claimbot.toml says


def parse_store_text(name: str, text: str) -> str | None:
    """The store name or signature to store, None for RESET. Both end up in every message to
    buyers, so they must pass the blocking messaging rules (no e-mail, phone, link, emoji)."""
    spec = STORE_TEXTS[name]
    value = "\n".join(line.strip() for line in text.strip().splitlines()).strip()
    if value == RESET:
        return None
    if not value:
        raise FieldError(N_("That message was empty."))
    if len(value) > spec.limit:
        raise FieldError(
            N_("That is too long: at most %(limit)s characters, please."), limit=spec.limit
        )
    if value.count("\n") >= spec.lines:
        raise FieldError(N_("Please keep it to %(lines)s lines at most."), lines=spec.lines)
    for finding in lint(value):
        if finding.severity is Severity.BLOCK:
            raise FieldError(finding.message)
    return value
