"""The pure business rules of shared/domain.md: order ids, marketplaces, playbook, clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.claims import Fulfillment, Outcome, Reason
from bot.domain.deadlines import Urgency, ensure_utc, respond_by, urgency
from bot.domain.drafts import DraftKind
from bot.domain.marketplaces import (
    BUYER_LANGUAGES,
    MARKETPLACES,
    UnknownMarketplaceError,
    parse_marketplace,
)
from bot.domain.orders import (
    BAD_SHAPE,
    EMPTY,
    TOO_LONG,
    OrderIdError,
    find_order_ids,
    parse_order_id,
)
from bot.domain.playbook import PLAYBOOK, plan_for

ID = "123-1234567-1234567"


@pytest.mark.parametrize(
    "text",
    [
        ID,
        f"  {ID}\n",
        "123–1234567—1234567",
        "１２３-１２３４５６７-１２３４５６７",
        "\t123\u20111234567-1234567 ",
    ],
)
def test_order_ids_tolerate_paste_artefacts(text: str) -> None:
    assert parse_order_id(text) == ID


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", EMPTY),
        ("   ", EMPTY),
        ("1" * 201, TOO_LONG),
        ("123-123456-1234567", BAD_SHAPE),
        ("123 1234567 1234567", BAD_SHAPE),
        (f"order {ID}", BAD_SHAPE),
        ("١٢٣-١٢٣٤٥٦٧-١٢٣٤٥٦٧", BAD_SHAPE),  # Arabic-Indic digits are not Amazon's
        ("D01-1234567-1234567", BAD_SHAPE),
    ],
)
def test_order_id_errors_say_why(text: str, reason: str) -> None:
    with pytest.raises(OrderIdError) as caught:
        parse_order_id(text)
    assert caught.value.reason == reason


def test_order_ids_found_in_a_pasted_notice() -> None:
    notice = f"Order ID: {ID}\nSee also 1123-1234567-12345678 and 404–7654321–7654321, {ID}."
    assert find_order_ids(notice) == [ID, "404-7654321-7654321"]


DOMAIN_TABLE = {
    "US": ("en es", "USD"), "CA": ("en fr", "CAD"), "MX": ("es", "MXN"), "BR": ("pt_BR", "BRL"),
    "UK": ("en", "GBP"), "IE": ("en", "EUR"), "DE": ("de", "EUR"), "FR": ("fr", "EUR"),
    "IT": ("it", "EUR"), "ES": ("es", "EUR"), "NL": ("nl", "EUR"), "BE": ("fr nl", "EUR"),
    "SE": ("sv", "SEK"), "PL": ("pl", "PLN"), "TR": ("tr", "TRY"), "AE": ("ar en", "AED"),
    "SA": ("ar en", "SAR"), "EG": ("ar en", "EGP"), "IN": ("en hi", "INR"), "JP": ("ja", "JPY"),
    "AU": ("en", "AUD"), "SG": ("en", "SGD"), "ZA": ("en", "ZAR"),
}  # fmt: skip


def test_marketplace_table_is_the_domain_brief() -> None:
    assert {
        code: (" ".join(m.languages), m.currency) for code, m in MARKETPLACES.items()
    } == DOMAIN_TABLE
    for market in MARKETPLACES.values():
        assert ZoneInfo(market.time_zone).utcoffset(datetime(2026, 1, 1)) is not None
    assert set(BUYER_LANGUAGES) == {
        lang for langs, _currency in DOMAIN_TABLE.values() for lang in langs.split()
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [("DE", "DE"), (" de ", "DE"), ("amazon.de", "DE"), ("www.amazon.co.uk", "UK"),
     ("GB", "UK"), ("Amazon.com", "US"), ("amazon.com.mx", "MX"), ("amazon.co.jp", "JP"),
     ("UAE", "AE")],
)  # fmt: skip
def test_marketplaces_as_agents_type_them(text: str, code: str) -> None:
    assert parse_marketplace(text).code == code


@pytest.mark.parametrize("text", ["", "XX", "amazon.xx", "Germany", "D" * 500])
def test_unknown_marketplaces(text: str) -> None:
    with pytest.raises(UnknownMarketplaceError):
        parse_marketplace(text)


def test_there_is_a_plan_for_every_reason_and_channel() -> None:
    assert set(PLAYBOOK) == {(r, f) for r in Reason for f in Fulfillment}
    for plan in PLAYBOOK.values():
        ids = [step.id for step in plan.steps]
        assert ids[0] == "find_cause"
        assert ids[-1] == "record_outcome"
        assert plan.first_draft is DraftKind.INQUIRY
        assert len(set(ids)) == len(ids)
        assert plan.warnings, "every plan carries at least one caution"


@pytest.mark.parametrize("reason", [r for r in Reason if r.is_product_problem or r is Reason.OTHER])
@pytest.mark.parametrize("fulfillment", list(Fulfillment))
def test_no_refund_is_offered_before_the_buyer_is_contacted(
    reason: Reason, fulfillment: Fulfillment
) -> None:
    plan = plan_for(reason, fulfillment)
    contact = plan.step_index("contact_buyer")
    for step in plan.steps[:contact]:
        assert DraftKind.REFUND not in step.drafts
    assert "no_refund_first" in {w.id for w in plan.warnings}


@pytest.mark.parametrize("reason", [Reason.NOT_RECEIVED, Reason.LATE_DELIVERY])
def test_seller_shipped_delivery_problems_get_the_gift_path(reason: Reason) -> None:
    plan = plan_for(reason, Fulfillment.FBM)
    assert {w.id for w in plan.warnings} == {"no_refund_first", "gift_is_goodwill"}
    for kind in (DraftKind.DELIVERY_DELAY, DraftKind.GIFT_OFFER, DraftKind.WITHDRAWAL_REQUEST):
        assert kind in plan.draft_kinds
    assert plan.step_index("explain_delivery") < plan.step_index("request_withdrawal")


@pytest.mark.parametrize(
    "reason", [r for r in Reason if r.is_delivery_problem or r.is_return_problem]
)
def test_amazon_fulfilled_delivery_and_returns_go_to_amazon(reason: Reason) -> None:
    plan = plan_for(reason, Fulfillment.FBA)
    assert [w.id for w in plan.warnings] == ["amazon_pays"]
    assert DraftKind.AMAZON_STATEMENT in plan.draft_kinds
    assert DraftKind.REFUND not in plan.draft_kinds


def test_returned_but_not_refunded_checks_the_return_before_refunding() -> None:
    plan = plan_for(Reason.RETURN_NOT_REFUNDED, Fulfillment.FBM)
    assert plan.step_index("check_return") < plan.step_index("refund_return")
    assert plan.step_index("contact_buyer") < plan.step_index("refund_return")
    assert plan.step_index("refund_return") < plan.step_index("request_withdrawal")


def test_respond_by_is_72_hours_after_the_notice_in_utc() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    notice = datetime(2026, 3, 28, 23, 30, tzinfo=berlin)  # 22:30 UTC, the night before DST
    deadline = respond_by(notice)
    assert deadline == datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    # 72 real hours, though Berlin's clocks show 73 hours later.
    assert deadline.astimezone(berlin).replace(tzinfo=None) == datetime(2026, 4, 1, 0, 30)
    with pytest.raises(ValueError, match="naive"):
        respond_by(datetime(2026, 3, 28, 12, 0))
    assert ensure_utc(datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=9)))) == datetime(
        2026, 1, 1, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(hours=25), Urgency.OK),
        (timedelta(hours=24), Urgency.SOON),
        (timedelta(hours=6, seconds=1), Urgency.SOON),
        (timedelta(hours=6), Urgency.URGENT),
        (timedelta(seconds=1), Urgency.URGENT),
        (timedelta(0), Urgency.OVERDUE),
        (timedelta(hours=-3), Urgency.OVERDUE),
    ],
)
def test_urgency_thresholds(left: timedelta, expected: Urgency) -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert urgency(now + left, now) is expected


def test_only_seller_funded_grants_and_refund_closures_count_in_odr() -> None:
    assert {o for o in Outcome if o.counts_in_odr} == {
        Outcome.GRANTED_SELLER_FUNDED,
        Outcome.CLOSED_BY_REFUND,
    }
