"""The journey's rules without the chat: steps, drafts per step and cause, the refund-first
guard, the follow-up clock, and the button grammar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.claims import Cause, Claim, ClaimFacts, Fulfillment, Outcome, Reason, Stage, StepId
from bot.domain.drafts import DraftKind
from bot.domain.fields import FieldError, parse_field
from bot.domain.journey import (
    appeal_until,
    causes_for,
    needs_refund_guard,
    next_step,
    offered_drafts,
    previous_step,
    stage_of,
    step_after_reply,
    step_after_sent,
    step_drafts,
)
from bot.domain.playbook import PLAYBOOK
from bot.views.buttons import ClaimButton, ListButton, parse_claim_button, parse_list_button

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def make(
    reason: Reason = Reason.DEFECTIVE,
    fulfillment: Fulfillment = Fulfillment.FBM,
    step: str = "contact_buyer",
    **changes: object,
) -> Claim:
    facts = ClaimFacts("303-1234567-7654321", "DE", fulfillment, reason, "de", NOW)
    claim = Claim(
        1, 42, facts, Stage.CONTACTING_BUYER, NOW + timedelta(hours=72), NOW, step=StepId(step)
    )
    return replace(claim, **changes)  # type: ignore[arg-type]


def test_sending_the_step_draft_moves_on_and_other_drafts_do_not() -> None:
    claim = make()
    assert step_after_sent(claim, DraftKind.INQUIRY) == "await_reply"
    assert step_after_sent(claim, DraftKind.REFUND) == "contact_buyer"  # from "all drafts"
    waiting = make(step="await_reply")
    assert step_after_sent(waiting, DraftKind.FOLLOW_UP) == "await_reply"
    handling = make(step="handle_product", cause=Cause.DEFECTIVE)
    assert step_after_sent(handling, DraftKind.REPLACEMENT) == "request_withdrawal"
    assert step_after_sent(handling, DraftKind.USAGE_HELP) == "handle_product"


def test_the_delivery_message_never_covers_the_withdrawal_request() -> None:
    """Issue 14: the gift goes with the apology; the withdrawal request is its own step."""
    claim = make(Reason.LATE_DELIVERY, step="explain_delivery")
    assert step_after_sent(claim, DraftKind.DELIVERY_DELAY) == "request_withdrawal"
    waiting = make(Reason.LATE_DELIVERY, step="request_withdrawal")
    assert step_drafts(waiting) == ()  # not before the buyer confirms it is solved
    solved = make(
        Reason.LATE_DELIVERY,
        step="request_withdrawal",
        facts=replace(waiting.facts, extra={"solved_on": "2026-11-03"}),
    )
    assert step_drafts(solved) == (DraftKind.WITHDRAWAL_REQUEST,)


def test_drafts_of_the_product_step_follow_the_cause() -> None:
    claim = make(step="handle_product")
    assert step_drafts(claim) == ()
    expected = {
        Cause.USAGE: (DraftKind.USAGE_HELP,),
        Cause.DEFECTIVE: (DraftKind.REPLACEMENT, DraftKind.REFUND),
        Cause.DELIVERY: (DraftKind.DELIVERY_DELAY,),
        Cause.OTHER: (DraftKind.FREE,),
    }
    for cause, kinds in expected.items():
        assert step_drafts(replace(claim, cause=cause)) == kinds


def test_a_delivery_cause_is_only_offered_when_the_seller_shipped() -> None:
    assert Cause.DELIVERY in causes_for(make())
    assert Cause.DELIVERY not in causes_for(make(fulfillment=Fulfillment.FBA))


def test_follow_up_is_offered_24_hours_after_the_last_message_without_reply() -> None:
    sent = NOW
    claim = make(step="await_reply", contacted_at=sent, last_contact_at=sent)
    assert offered_drafts(claim, sent + timedelta(hours=23, minutes=59)) == ()
    assert offered_drafts(claim, sent + timedelta(hours=24)) == (DraftKind.FOLLOW_UP,)
    replied = replace(claim, replied_at=sent + timedelta(hours=2))
    assert offered_drafts(replied, sent + timedelta(hours=30)) == ()


def test_refund_guard_holds_until_a_contact_or_a_reply_is_recorded() -> None:
    assert needs_refund_guard(make())
    assert not needs_refund_guard(make(contacted_at=NOW))
    assert not needs_refund_guard(make(replied_at=NOW))


def test_a_reply_moves_past_contact_and_waiting() -> None:
    assert step_after_reply(make(step="await_reply")) == "handle_product"
    assert step_after_reply(make()) == "handle_product"
    assert step_after_reply(make(Reason.LATE_DELIVERY)) == "explain_delivery"
    assert step_after_reply(make(step="request_withdrawal")) == "request_withdrawal"


def test_back_stops_at_step_two_and_next_at_the_last_step() -> None:
    for plan in PLAYBOOK.values():
        first, last = plan.steps[1].id, plan.steps[-1].id
        claim = make(plan.reason, plan.fulfillment, step=first)
        assert previous_step(claim) is None
        assert next_step(replace(claim, step=last)) is None
        # Every step has a stage, and a step a changed plan lacks falls back to the contact.
        for step in plan.steps:
            assert stage_of(step.id, None) is not Stage.CLOSED
    odd = make(step="amazon_fulfilled")  # a step of another plan (the FBA one)
    assert next_step(odd) == "await_reply"


def test_outcomes_stage_and_appeal_window() -> None:
    assert stage_of("await_reply", Outcome.DENIED) is Stage.CLOSED
    closed = make(outcome=Outcome.GRANTED_SELLER_FUNDED, closed_at=NOW)
    assert appeal_until(closed) == NOW + timedelta(days=30)
    assert appeal_until(replace(closed, outcome=Outcome.DENIED)) is None


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("delivery_date", " 2026-11-28 ", "2026-11-28"),
        ("delivery_date", "28.11.2026", "2026-11-28"),
        ("claim_amount", "49,90", "49.9"),
        ("claim_amount", "1 234.50", "1234.5"),
        ("claim_amount", "1,234.50", "1234.5"),
        ("claim_amount", "1.234,50", "1234.5"),
        ("tracking_number", "JD0002 1234", "JD0002 1234"),
        ("buyer_name", "  Max\u0000  Mustermann ", "Max Mustermann"),
        ("buyer_said", "line one\nline two", "line one\nline two"),
    ],
)
def test_fields_parse(field: str, text: str, value: str) -> None:
    assert parse_field(field, text) == value


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("delivery_date", "2026-02-30"),
        ("delivery_date", "tomorrow"),
        ("claim_amount", "-5"),
        ("claim_amount", "NaN"),
        ("claim_amount", "1e12"),
        ("tracking_number", "<script>"),
        ("buyer_name", "   "),
        ("buyer_name", "x" * 81),
        ("no_such_field", "x"),
    ],
)
def test_fields_refuse(field: str, text: str) -> None:
    with pytest.raises(FieldError):
        parse_field(field, text)


@pytest.mark.parametrize(
    ("field", "text", "hint"),
    [
        ("tracking_number", "13", "“13” is too short for a tracking number"),
        ("tracking_number", "AB-12 3", "“AB-12 3” is too short for a tracking number"),
        ("claim_amount", "99,999,999", "99,999,999 is far more than one order costs"),
        ("claim_amount", "99999999", "99,999,999 is far more than one order costs"),
        ("claim_amount", "1000000", "1,000,000 is far more than one order costs"),
        ("delivery_date", "2026-11-04", "2026-11-04 is in the future"),
        ("delivery_date", "02.11.2027", "2027-11-02 is in the future"),
    ],
)
def test_implausible_facts_are_refused_with_a_hint(field: str, text: str, hint: str) -> None:
    with pytest.raises(FieldError) as refused:
        parse_field(field, text, today=date(2026, 11, 2))
    assert str(refused.value).startswith(hint)


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("tracking_number", "JD0146 0000", "JD0146 0000"),
        ("claim_amount", "999999.99", "999999.99"),
        ("delivery_date", "2026-11-03", "2026-11-03"),  # a time zone ahead of the clock
        ("delivery_date", "2026-11-02", "2026-11-02"),
    ],
)
def test_plausible_facts_at_the_limits_are_taken(field: str, text: str, value: str) -> None:
    assert parse_field(field, text, today=date(2026, 11, 2)) == value


def test_button_data_round_trips_and_fits_telegram() -> None:
    button = ClaimButton(123456789012, 999999999, "sent", "123456789012")
    assert parse_claim_button(button.data()) == button
    assert len(button.data().encode()) <= 64
    assert parse_list_button(ListButton(offset=20).data()) == ListButton(offset=20)
    assert parse_list_button(ListButton(claim_id=5).data()) == ListButton(claim_id=5)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "c:1:1:",
        "c:1:1:explode",
        "c:x:1:card",
        "c:1:1:card:",
        "c:1:1:card:A",
        "c:-1:1:card",
        "c:1:1:card:x:y",
        "l:",
        "l:o:",
        "l:-1",
        None,
        5,
    ],
)
def test_forged_button_data_is_not_parsed(data: object) -> None:
    assert parse_claim_button(data) is None
    assert parse_list_button(data) is None


@given(st.text(max_size=80))
def test_any_button_data_parses_or_is_refused(data: str) -> None:
    parsed = parse_claim_button(data)
    if parsed is not None:
        assert parsed.data() == data
    page = parse_list_button(data)
    if page is not None:
        assert page.data() == data or data.startswith("l:0")


@given(
    st.sampled_from(["buyer_reply", "delivery_date", "claim_amount", "tracking_number"]), st.text()
)
def test_any_typed_fact_is_stored_or_refused_with_a_reason(field: str, text: str) -> None:
    refused: FieldError | None = None
    try:
        value = parse_field(field, text)
    except FieldError as error:
        refused = error
    if refused is not None:
        assert refused.msgid  # a reason the chat can translate
        return
    assert value
    assert len(value) <= 1500


def test_notice_clock_takes_the_respond_by_day_in_the_marketplace_zone() -> None:
    from bot.domain.deadlines import notice_clock  # noqa: PLC0415

    started = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert notice_clock(started, "Europe/Berlin") == (started, None)
    # Filed Nov 1 00:00 Berlin (23:00 UTC the day before); Amazon's respond-by day is the
    # deadline, to its last second, whatever the filing date (issue 14: the same day gives the
    # same deadline however the notice words it).
    notified, deadline = notice_clock(
        started, "Europe/Berlin", filed_on=date(2026, 11, 1), respond_by=date(2026, 11, 5)
    )
    assert notified == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    assert deadline == datetime(2026, 11, 5, 22, 59, 59, tzinfo=UTC)
    # Only a respond-by day: its last second, and notified 72 hours before (if earlier).
    notified, deadline = notice_clock(started, "Asia/Tokyo", respond_by=date(2026, 11, 4))
    assert deadline == datetime(2026, 11, 4, 14, 59, 59, tzinfo=UTC)
    assert notified == datetime(2026, 11, 1, 14, 59, 59, tzinfo=UTC)
