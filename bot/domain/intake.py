"""The /new intake as data: the answers given so far, the next question, the claim they make.

The intake asks, in this order, for the order id (or a pasted notice), the marketplace, who
shipped, the reason and the buyer's language, then offers optional details before opening the
claim. Only what is still unknown is asked, and Back goes to the question before. The answers
are stored as one row (bot/storage/intakes.py) together with the question being asked, so the
two can never disagree; a row that does not read back as valid answers starts the intake over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from functools import cache
from typing import Any, Final

from babel import Locale

from bot.domain.claims import ClaimFacts, Fulfillment, Reason
from bot.domain.deadlines import notice_clock
from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES
from bot.domain.notices import Notice
from bot.domain.notices.reasons import reason_of
from bot.domain.notices.text import normalise
from bot.domain.orders import OrderIdError, parse_order_id
from bot.domain.stores import DEFAULT_STORE


class IntakeStep(StrEnum):
    """The question the intake is asking. The values are stored and sent in button data."""

    # Which of the team's stores (issue 16): asked first, only when there are several.
    STORE = "store"
    ORDER_ID = "order_id"
    MARKETPLACE = "marketplace"
    FULFILLMENT = "fulfillment"
    REASON = "reason"
    LANGUAGE = "language"
    DETAILS = "details"
    DETAIL_VALUE = "detail_value"
    # Not a question: the claim is open (set in the transaction that opened it). The row stays
    # until the agent has been shown the claim, so a press again after a failed message shows
    # the claim instead of losing it.
    OPENED = "opened"


# The questions in the order they are asked; DETAIL_VALUE is a sub-question of DETAILS.
STEPS: Final = (
    IntakeStep.ORDER_ID,
    IntakeStep.MARKETPLACE,
    IntakeStep.FULFILLMENT,
    IntakeStep.REASON,
    IntakeStep.LANGUAGE,
    IntakeStep.DETAILS,
)
# The optional details, in the order the details screen lists them.
OPTIONAL: Final = ("buyer_name", "product", "carrier", "tracking_number", "buyer_said")
# Details that are not claim columns but travel with the claim's facts.
EXTRA: Final = ("buyer_said", "claim_amount", "claim_currency")
MAX_ORDER_CHOICES: Final = 5


class Unreadable(Enum):
    """A stored intake that does not read back as answers (written by another version, or
    damaged): the agent is told and the intake starts over."""

    INTAKE = "unreadable"


UNREADABLE: Final = Unreadable.INTAKE


@dataclass(frozen=True, slots=True)
class IntakeAnswers:
    """What one agent has answered so far, and the question they are being asked."""

    started_at: datetime
    step: IntakeStep = IntakeStep.ORDER_ID
    order_id: str | None = None
    order_ids: tuple[str, ...] = ()  # a notice naming several orders: the agent picks one
    marketplace: str | None = None
    fulfillment: Fulfillment | None = None
    reason: Reason | None = None
    language: str | None = None
    filed_on: date | None = None
    respond_by: date | None = None
    details: Mapping[str, str] = field(default_factory=dict)
    detail: str | None = None  # the detail being typed, on DETAIL_VALUE
    claim_id: int | None = None  # the claim opened, on OPENED
    # The store the claim is for (issue 16); None: still to ask (the team has several).
    store_id: int | None = DEFAULT_STORE

    # --- The questions --------------------------------------------------------------------
    def next_step(self) -> IntakeStep:
        """The first question still unanswered, or the details screen."""
        if self.store_id is None:
            return IntakeStep.STORE
        answered = {
            IntakeStep.ORDER_ID: self.order_id,
            IntakeStep.MARKETPLACE: self.marketplace,
            IntakeStep.FULFILLMENT: self.fulfillment,
            IntakeStep.REASON: self.reason,
            IntakeStep.LANGUAGE: self.language,
        }
        for step, answer in answered.items():
            if not answer:
                return step
        return IntakeStep.DETAILS

    def asking(self, step: IntakeStep) -> IntakeAnswers:
        """These answers, now asking `step` (a detail being typed is dropped)."""
        return replace(self, step=step, detail=None)

    def opened(self, claim_id: int) -> IntakeAnswers:
        return replace(self, step=IntakeStep.OPENED, claim_id=claim_id, detail=None)

    def back_from(self, step: IntakeStep) -> IntakeStep:
        """The question Back on `step` leads to."""
        if step not in STEPS:
            return IntakeStep.DETAILS
        index = STEPS.index(step)
        return STEPS[max(0, index - 1)]

    def intact(self) -> bool:
        """Whether everything before the language question is answered and valid: a
        precondition of asking the language and of opening the claim."""
        try:
            parse_order_id(self.order_id or "")
        except OrderIdError:
            return False
        return (
            self.marketplace in MARKETPLACES
            and self.fulfillment is not None
            and self.reason is not None
        )

    def ready(self) -> bool:
        """Whether the claim can be opened."""
        return self.intact() and self.language in BUYER_LANGUAGES and self.store_id is not None

    # --- Answers ----------------------------------------------------------------------------
    def but(self, **changes: Any) -> IntakeAnswers:
        """These answers with some replaced (`fulfillment=`, `reason=`, `language=`)."""
        return replace(self, **changes)

    def with_order(self, order_id: str) -> IntakeAnswers:
        return replace(self, order_id=order_id, order_ids=())

    def typing(self, detail: str) -> IntakeAnswers:
        """Asking for the value of one optional detail."""
        return replace(self, step=IntakeStep.DETAIL_VALUE, detail=detail)

    def with_marketplace(self, code: str) -> IntakeAnswers:
        """The buyer language's default depends on the marketplace: a changed marketplace asks
        the language again."""
        language = self.language if code == self.marketplace else None
        return replace(self, marketplace=code, language=language)

    def with_detail(self, name: str, value: str) -> IntakeAnswers:
        return replace(self, details={**self.details, name: value}, detail=None)

    def with_notice(self, notice: Notice) -> IntakeAnswers:
        """Take what a pasted notice says; what it does not say stays as it was."""
        answers = self
        if len(notice.order_ids) == 1:
            answers = replace(answers, order_id=notice.order_ids[0])
        elif notice.order_ids:
            answers = replace(answers, order_ids=tuple(notice.order_ids[:MAX_ORDER_CHOICES]))
        if notice.marketplace is not None and notice.marketplace in MARKETPLACES:
            answers = replace(answers, marketplace=notice.marketplace)
        if notice.reason is not None:
            answers = replace(answers, reason=notice.reason)
        if notice.amount is not None and notice.currency:
            answers = replace(
                answers,
                details={
                    **answers.details,
                    "claim_amount": format(notice.amount, "f"),
                    "claim_currency": notice.currency,
                },
            )
        if notice.filed_on is not None:
            answers = replace(answers, filed_on=notice.filed_on)
        if notice.respond_by is not None:
            answers = replace(answers, respond_by=notice.respond_by)
        return answers

    @property
    def dated_by_notice(self) -> bool:
        """Whether the deadline comes from Amazon's notice rather than from `started_at`."""
        return self.filed_on is not None or self.respond_by is not None

    # --- The claim --------------------------------------------------------------------------
    def to_claim(self) -> tuple[ClaimFacts, datetime | None]:
        """The claim's facts and, when the notice gave dates, its deadline. Only when
        `ready()`."""
        order_id, fulfillment, reason = self.order_id, self.fulfillment, self.reason
        if not self.ready() or not order_id or fulfillment is None or reason is None:
            raise ValueError("the intake is not complete")
        market = MARKETPLACES[str(self.marketplace)]
        notified_at, deadline = notice_clock(
            self.started_at,
            market.time_zone,
            filed_on=self.filed_on,
            respond_by=self.respond_by,
        )
        details = self.details
        facts = ClaimFacts(
            order_id=order_id,
            marketplace=market.code,
            fulfillment=fulfillment,
            reason=reason,
            buyer_language=str(self.language),
            notified_at=notified_at,
            buyer_name=details.get("buyer_name"),
            product=details.get("product"),
            carrier=details.get("carrier"),
            tracking_number=details.get("tracking_number"),
            extra={k: details[k] for k in EXTRA if details.get(k)},
        )
        return facts, deadline

    # --- Stored form ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """Plain JSON; unanswered questions are left out."""
        data: dict[str, Any] = {"started_at": self.started_at.isoformat(), "step": self.step.value}
        optional: dict[str, Any] = {
            "order_id": self.order_id,
            "order_ids": list(self.order_ids),
            "marketplace": self.marketplace,
            "fulfillment": self.fulfillment.value if self.fulfillment else None,
            "reason": self.reason.value if self.reason else None,
            "language": self.language,
            "filed_on": self.filed_on.isoformat() if self.filed_on else None,
            "respond_by": self.respond_by.isoformat() if self.respond_by else None,
            "details": dict(self.details),
            "field": self.detail,
            "claim_id": self.claim_id,
            # Store 1 is left out: the intakes of one store read as before.
            "store_id": self.store_id if self.store_id != DEFAULT_STORE else None,
        }
        data.update({key: value for key, value in optional.items() if value})
        return data

    @classmethod
    def from_json(cls, data: Any) -> IntakeAnswers | None:
        """The answers stored by `to_json` (or by the conversation of earlier versions), or
        None when they do not read back (the caller starts the intake over)."""
        try:
            details = data.get("details") or {}
            step = IntakeStep(data.get("step") or IntakeStep.ORDER_ID)
            stored_store = int(data["store_id"]) if data.get("store_id") else None
            answers = cls(
                started_at=datetime.fromisoformat(data["started_at"]),
                step=step,
                order_id=data.get("order_id") or None,
                order_ids=tuple(str(i) for i in data.get("order_ids") or ()),
                marketplace=data.get("marketplace") or None,
                fulfillment=_maybe(Fulfillment, data.get("fulfillment")),
                reason=_maybe(Reason, data.get("reason")),
                language=data.get("language") or None,
                filed_on=_maybe(date.fromisoformat, data.get("filed_on")),
                respond_by=_maybe(date.fromisoformat, data.get("respond_by")),
                details={str(k): str(v) for k, v in details.items()},
                detail=data.get("field") or None,
                claim_id=int(data["claim_id"]) if data.get("claim_id") else None,
                store_id=stored_store or (None if step is IntakeStep.STORE else DEFAULT_STORE),
            )
            if "claim_amount" in answers.details:
                Decimal(answers.details["claim_amount"])
        except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError):
            return None
        if answers.detail is not None and answers.detail not in OPTIONAL:
            return None
        if (answers.step is IntakeStep.OPENED) != (answers.claim_id is not None):
            return None
        return answers


# --- Typed answers to the button questions --------------------------------------------------
# What agents type for a reason, beyond its code and label: the close synonyms in English and in
# Chinese (the agent UI's languages). Anything else is looked up among the reason phrases of the
# notices in every language ("never arrived", "nicht erhalten", "届いていない").
_REASON_SYNONYMS: Final = {
    Reason.NOT_RECEIVED: (
        "not received | item not received | never received | never arrived | not arrived"
        " | not delivered | lost | lost parcel | missing | 未收到 | 未收到商品 | 没收到"
        " | 没有收到 | 未送达 | 丢件 | 丢失"
    ),
    Reason.LATE_DELIVERY: (
        "late | late delivery | delivered late | arrived late | delayed | delay | too late"
        " | 延迟 | 延迟送达 | 延误 | 迟到 | 晚到 | 送达延迟 | 配送延迟"
    ),
    Reason.NOT_AS_DESCRIBED: (
        "not as described | different | wrong item | wrong | not as advertised"
        " | 与描述不符 | 描述不符 | 不符 | 发错货 | 货不对版"
    ),
    Reason.DEFECTIVE: (
        "defective | damaged | damaged or defective | broken | faulty | does not work"
        " | 损坏 | 损坏或有缺陷 | 有缺陷 | 缺陷 | 破损 | 坏了 | 故障 | 质量问题"
    ),
    Reason.RETURN_NOT_REFUNDED: (
        "returned not refunded | returned, not refunded | return not refunded | not refunded"
        " | no refund | 已退货但未退款 | 退货未退款 | 未退款 | 没退款"
    ),
    Reason.RETURN_REFUSED: (
        "return refused | return rejected | return denied | refused return | 退货被拒 | 拒绝退货"
        " | 拒绝退货申请"
    ),
    Reason.OTHER: "other | something else | 其他 | 其它",
}
_PUNCTUATION: Final = re.compile(r"[\s\-_.,;:!?。，、；：！？\"'“”‘’()（）]+")


def _key(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.casefold()).strip()


_REASONS_TYPED: Final = {
    _key(word): reason
    for reason, words in _REASON_SYNONYMS.items()
    for word in (reason.value, *words.split(" | "))
}
MAX_TYPED_CHOICE: Final = 200
_TAG: Final = re.compile(r"[a-z]{2,3}(?: [a-z0-9]{2,8})+")


def typed_reason(text: str, labels: Mapping[str, Reason] | None = None) -> Reason | None:
    """The reason an agent typed: its code, one of `labels` (the button labels in the agent's
    language), a close synonym in English or Chinese, else a reason phrase of a notice in any
    language. None when the text names no reason."""
    if len(text) > MAX_TYPED_CHOICE:
        return None
    key = _key(text)
    if not key:
        return None
    for label, reason in (labels or {}).items():
        if _key(label) == key:
            return reason
    if key in _REASONS_TYPED:
        return _REASONS_TYPED[key]
    _, low = normalise(text)
    return reason_of(low)


@cache
def _language_names() -> Mapping[str, str]:
    """Every buyer language by its code, its English, Chinese and own names ("German",
    "德语", "Deutsch"), and the name of its language alone ("Portuguese" for pt_BR)."""
    names: dict[str, str] = {}
    for code in BUYER_LANGUAGES:
        locale = Locale.parse(code)
        primary = code.split("_", 1)[0]
        names.setdefault(_key(primary), code)
        names[_key(code)] = code
        for where in ("en", "zh_Hans", code):
            display = Locale.parse(where)
            for name in (locale.get_display_name(display), display.languages.get(primary)):
                if name:
                    names.setdefault(_key(name), code)
    return names


def typed_language(text: str) -> str | None:
    """The buyer language an agent typed, as its code ("de", "pt-BR") or its name in English,
    Chinese or itself; None when it is not one claimbot writes in."""
    if len(text) > MAX_TYPED_CHOICE:
        return None
    key = _key(text)
    names = _language_names()
    if key not in names and _TAG.fullmatch(key):  # "en-GB": the language of a regional tag
        key = key.split(" ", 1)[0]
    return names.get(key)


def _maybe(parse: Any, text: Any) -> Any:
    return parse(text) if text else None
