"""What claimbot remembers instead of working out again (issue 16): the lint of a text it read
before, and Babel's formatting of a moment or a span. Remembering must never change an answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.compliance import lint
from bot.domain.compliance.lint import check
from bot.handlers.common import Keyboard, markup
from bot.i18n import BOT_DOMAIN, Catalogs, Translator

DRAFT = (
    "Guten Tag, zu Ihrer Bestellung 303-1234567-7654321: bitte kontaktieren Sie uns unter"
    " shop@example.com, dann erstatten wir sofort."
)


def test_a_remembered_lint_is_the_same_as_a_fresh_one_and_a_copy_of_it() -> None:
    first = lint(DRAFT, language="de", order_id="303-1234567-7654321")
    assert first == check(DRAFT, language="de", order_id="303-1234567-7654321")
    assert first  # the e-mail address at least
    first.clear()  # a caller's list is its own
    again = lint(DRAFT, language="de", order_id="303-1234567-7654321")
    assert again == check(DRAFT, language="de", order_id="303-1234567-7654321")
    assert again
    # Every argument is part of what is remembered.
    assert lint(DRAFT, language="de", order_id="111-1111111-1111111") != again
    assert lint(DRAFT, language="fr", order_id="303-1234567-7654321") != again


def test_a_moment_reads_the_same_within_its_minute_and_differs_across_zones_and_languages() -> None:
    catalogs = Catalogs()
    english = Translator("en", catalogs.get(BOT_DOMAIN, "en"))
    chinese = Translator("zh_Hans", catalogs.get(BOT_DOMAIN, "zh_Hans"))
    moment = datetime(2026, 12, 1, 18, 44, 5, tzinfo=UTC)
    shown = english.datetime(moment, "Europe/Berlin")
    assert shown == "Dec 1, 2026, 7:44\u202fPM (Europe/Berlin)"
    assert english.datetime(moment + timedelta(seconds=50), "Europe/Berlin") == shown
    assert english.datetime(moment + timedelta(seconds=60), "Europe/Berlin") != shown
    assert english.datetime(moment, "America/New_York").startswith("Dec 1, 2026, 1:44")
    assert chinese.datetime(moment, "Europe/Berlin") != shown
    assert english.duration(timedelta(hours=5)) == "5 hours"
    assert chinese.duration(timedelta(hours=5)) != "5 hours"


def test_the_same_buttons_make_one_keyboard_and_other_buttons_another() -> None:
    rows = [[("✓ Approve", "r:1:ok"), ("↩ Return", "r:1:back")], [("Edit", "r:1:edit")]]
    keyboard = markup(rows)
    assert keyboard is not None
    # python-telegram-bot freezes it: the one object can be sent again and again.
    assert markup([list(row) for row in rows]) is keyboard
    assert [[b.callback_data for b in row] for row in keyboard.inline_keyboard] == [
        ["r:1:ok", "r:1:back"],
        ["r:1:edit"],
    ]
    other = markup([[("✓ Approve", "r:2:ok")]])
    assert other is not keyboard
    assert other is not None
    assert other.inline_keyboard[0][0].callback_data == "r:2:ok"
    assert markup([]) is None


def test_a_keyboard_is_sent_as_python_telegram_bot_would_write_it() -> None:
    """`Keyboard` writes its JSON form from its pairs; python-telegram-bot's own form of the
    same buttons is the reference, and the two keyboards compare equal."""
    rows = ((("✓ Approve", "r:1:ok"), ("↩ Zurück «ä»", "r:1:back")), (("Edit", "r:1:edit"),))
    ours = Keyboard(rows)
    theirs = InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )
    assert ours.to_dict() == theirs.to_dict()
    assert ours.to_dict(recursive=False).keys() == theirs.to_dict(recursive=False).keys()
    assert ours == theirs
    assert theirs == ours
    assert ours != InlineKeyboardMarkup([[InlineKeyboardButton("Edit", callback_data="r:2")]])
    sent = ours.to_dict()
    sent["inline_keyboard"][0][0]["text"] = "changed"  # each send gets its own copy
    assert ours.to_dict() == theirs.to_dict()
