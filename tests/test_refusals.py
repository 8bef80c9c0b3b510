"""Refusals are classes, and only refusals are answered as refusals: a button argument no
screen offers becomes `InvalidChoiceError` where it is parsed, while a bug in a button's action
reaches the error handler instead of being shown as "That button is not valid any more"."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.claims import Cause, Claim, StepId
from bot.domain.errors import InvalidChoiceError
from bot.handlers import claims
from bot.handlers.context import ClaimContext
from bot.views.buttons import MAX_ROW_ID, choice, row_id
from bot.views.card import STEP_SCREENS
from tests.helpers import alerts, open_claim


def test_button_arguments_become_values_or_invalid_choices() -> None:
    assert choice(Cause, "usage") is Cause.USAGE
    assert row_id("12") == 12
    assert row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    for bad in (None, "", "usagex", "USAGE"):
        with pytest.raises(InvalidChoiceError):
            choice(Cause, bad)
    for bad in (None, "", "0", "1_000", "x1", str(MAX_ROW_ID + 1), "9" * 32):
        with pytest.raises(InvalidChoiceError):
            row_id(bad)


def test_every_step_has_a_screen() -> None:
    assert set(STEP_SCREENS) == set(StepId)


async def test_a_bug_in_a_button_action_is_not_disguised_as_an_invalid_button(
    bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(_u: object, _c: ClaimContext, _claim: Claim, _arg: str | None) -> None:
        raise KeyError("a bug")

    monkeypatch.setitem(claims.ACTIONS, "facts", broken)
    async with bot(expect_errors=True) as chat:
        await open_claim(chat)
        calls = await chat.press("Facts")
        assert "That button is not valid any more." not in alerts(calls)
        assert [type(error) for error in chat.errors] == [KeyError]
