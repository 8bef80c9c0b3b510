"""How often people outside the team are answered: once per person per window, and within an
overall budget per minute; the rest dropped, counted and reported (issue 17)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.services.strangers import RefusalLimits, Strangers
from tests.helpers import Clock


def test_a_person_is_answered_once_per_window() -> None:
    clock = Clock()
    strangers = Strangers(clock)
    assert strangers.answer(7)
    assert [strangers.answer(7) for _ in range(100)] == [False] * 100
    assert strangers.answer(8)  # someone else is answered
    clock.advance(minutes=9, seconds=59)
    assert not strangers.answer(7)
    clock.advance(seconds=1)
    assert strangers.answer(7)
    assert not strangers.answer(7)
    assert strangers.dropped == 102


def test_many_strangers_share_an_overall_budget() -> None:
    clock = Clock()
    strangers = Strangers(clock, RefusalLimits(overall=20))
    answered = [user for user in range(1, 10_001) if strangers.answer(user)]
    assert answered == list(range(1, 21))
    assert strangers.dropped == 9_980
    # Someone dropped for the overall budget is not silenced: answered once it has room.
    clock.advance(minutes=1)
    assert strangers.answer(21)
    assert not strangers.answer(21)


def test_the_memory_is_bounded_by_the_budget() -> None:
    """Only the answered are remembered, and only for the window: 1,000 new strangers a minute
    for an hour leave at most a window's worth of the budget behind."""
    clock = Clock()
    limits = RefusalLimits(per_person=timedelta(minutes=10), overall=20)
    strangers = Strangers(clock, limits)
    most = 0
    for minute in range(60):
        for user in range(minute * 1000, (minute + 1) * 1000):
            strangers.answer(user)
        most = max(most, strangers.remembered)
        clock.advance(minutes=1)
    assert most <= 10 * 20
    clock.advance(minutes=10)
    strangers.answer(1)
    assert strangers.remembered == 1


def test_a_clock_set_back_silences_nobody() -> None:
    clock = Clock()
    strangers = Strangers(clock)
    assert strangers.answer(7)
    clock.advance(hours=-1)
    assert strangers.answer(7)


def test_drops_are_reported_once_per_window_with_counts_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.services.strangers")
    clock = Clock()
    strangers = Strangers(clock, RefusalLimits(per_person=timedelta(minutes=10), overall=2))
    assert strangers.answer(7)
    assert not strangers.answer(7)
    assert [r.getMessage() for r in caplog.records] == [
        "dropped 1 refusal(s) to people outside the team since the start: 1 over the limit of"
        " 1 per person per 10 min, 0 over the limit of 2 per min overall"
    ]
    assert caplog.records[0].levelno == logging.WARNING
    caplog.clear()
    for user in range(100, 110):
        strangers.answer(user)  # 1 answered (the budget's second), 9 over the budget
    for _ in range(5):
        strangers.answer(7)
    assert caplog.records == []  # counted, not logged, within the window
    clock.advance(minutes=10)
    assert strangers.answer(7)  # the next refusal after the window brings the report
    assert [r.getMessage() for r in caplog.records] == [
        "dropped 14 refusal(s) to people outside the team since 2026-11-02T09:30+00:00: 5 over"
        " the limit of 1 per person per 10 min, 9 over the limit of 2 per min overall"
    ]
    caplog.clear()
    clock.advance(minutes=10)
    assert strangers.answer(8)
    assert caplog.records == []  # nothing dropped since: nothing to report
