"""The claim card, the claim list and the screens around them, as text plus button rows.

A keyboard here is rows of (label, callback data); the chat layer turns them into Telegram
markup. Everything the agent reads is translated through `tr`. The package is split by
screen; this module is its public surface, so importers need not know which file holds what:

- `base`: rows, button data, and the text helpers other views share;
- `text`: the card's text; `steps`: what each plan step adds to the card (one table);
- `keyboard`: the card's buttons; `menus`: the screens its buttons open;
- `drafts`: a prepared draft as the agent receives it; `lists`: the pages of claims.
"""

from __future__ import annotations

from bot.views.card.base import (
    CHECK,
    MAX_QUOTE,
    MAX_SCREEN,
    NEW_MESSAGE,
    URGENCY_MARK,
    Rows,
    button_data,
    labelled,
    money,
    quote,
)
from bot.views.card.drafts import draft_messages, send_blocked, sent_note
from bot.views.card.keyboard import card_keyboard
from bot.views.card.lists import PAGE_SIZE, assign_menu, claims_list, pager, unassigned_list
from bot.views.card.menus import (
    all_drafts_menu,
    basics_menu,
    delay_menu,
    delay_next_menu,
    evidence_menu,
    facts_menu,
    input_prompt,
    outcome_confirm,
    outcome_menu,
    refund_guard,
    statement_language_menu,
)
from bot.views.card.steps import STEP_SCREENS, StepScreen, step_hint
from bot.views.card.text import (
    card_text,
    decision_lines,
    fact_lines,
    odr_line,
    other_deadlines,
    outcome_lines,
)

__all__ = [
    "CHECK",
    "MAX_QUOTE",
    "MAX_SCREEN",
    "NEW_MESSAGE",
    "PAGE_SIZE",
    "STEP_SCREENS",
    "URGENCY_MARK",
    "Rows",
    "StepScreen",
    "all_drafts_menu",
    "assign_menu",
    "basics_menu",
    "button_data",
    "card_keyboard",
    "card_text",
    "claims_list",
    "decision_lines",
    "delay_menu",
    "delay_next_menu",
    "draft_messages",
    "evidence_menu",
    "fact_lines",
    "facts_menu",
    "input_prompt",
    "labelled",
    "money",
    "odr_line",
    "other_deadlines",
    "outcome_confirm",
    "outcome_lines",
    "outcome_menu",
    "pager",
    "quote",
    "refund_guard",
    "send_blocked",
    "sent_note",
    "statement_language_menu",
    "step_hint",
    "unassigned_list",
]
