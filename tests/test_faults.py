"""Bot API faults: the real `claimbot run` against the fake Bot API while it injects a
timeout, a reset connection, 5xx answers and a 429 with retry_after. The bot must not crash,
must retry what Telegram asks to be retried (AIORateLimiter, within its limit), must tell the
user when something could not be sent, and must not store anything twice when the user
repeats the step."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from bot.transport import UpdateFactory
from tests.fakeapi import Bot, FakeTelegram, Fault, Users
from tests.helpers import ADMIN, seed_people

ORDER = "302-1234567-7654321"
SORRY = "Sorry, something went wrong on our side."


class Plan:
    """Each fault once, on the first call of its method whose text starts with its prefix
    (any call of the method for an empty prefix); the n-th such call with `nth`."""

    def __init__(self, faults: list[tuple[str, str, int, Fault]]) -> None:
        self.faults = faults
        self.seen: Counter[tuple[str, str]] = Counter()

    def __call__(self, method: str, params: dict[str, Any]) -> Fault | None:
        text = str(params.get("text", ""))
        keys = {(m, p) for m, p, _n, _f in self.faults if m == method and text.startswith(p)}
        for key in keys:
            self.seen[key] += 1
        for wanted, prefix, nth, fault in self.faults:
            if (wanted, prefix) in keys and self.seen[(wanted, prefix)] == nth:
                return fault
        return None


def step(users: Users, fake: FakeTelegram, update: dict[str, Any], expect: str) -> list[str]:
    """Send an update; wait until the admin's chat shows `expect`. Returns the texts the
    admin was sent meanwhile."""
    with fake.changed:
        since = len(fake.api.calls)
    fake.push(update)
    if not fake.wait(lambda: users.answered(ADMIN, since, expect), 30):
        with fake.changed:
            shown = [str(c.result) for c in fake.api.calls[since:]]
        raise AssertionError(f"no {expect!r} after {update}: {shown}")
    with fake.changed:
        return [
            c.params.get("text", "")
            for c in fake.api.calls[since:]
            if c.method == "sendMessage" and int(c.params["chat_id"]) == ADMIN
        ]


def press(users: Users, fake: FakeTelegram, pattern: str, expect: str) -> list[str]:
    found = users.newest_button(ADMIN, pattern)
    if found is None:
        with fake.changed:
            shown = [
                (c.method, str(c.params.get("text", ""))[:50], c.result is True)
                for c in fake.api.calls
            ]
        raise AssertionError(f"no button {pattern}: {shown}")
    return step(users, fake, users.factory.callback(users.factory.user(ADMIN), *found), expect)


def test_faults_are_retried_or_reported_and_nothing_is_stored_twice(tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        bot = Bot(fake, tmp_path)
        bot.env["CLAIMBOT_REVIEW_REQUIRED"] = "no"
        # Waiting past python-telegram-bot's 5 s read timeout would cost the test 5 s.
        bot.env["CLAIMBOT_READ_TIMEOUT"] = "2"
        seed_people(bot.db)
        users = Users(fake, bot.db)
        factory = UpdateFactory()
        admin = factory.user(ADMIN)
        plan = Plan(
            [
                # Polling meets two server errors in a row: it keeps polling.
                ("getUpdates", "", 2, Fault.error(502)),
                ("getUpdates", "", 3, Fault.error(500)),
                # The first question is throttled: retried after retry_after, sent once.
                ("sendMessage", "Which order", 1, Fault.flood(1)),
                # The marketplace answer's edit is cut off: the user is told, presses again.
                ("editMessageText", "Marketplace", 1, Fault.reset()),
                # Telegram is slow beyond the client's read timeout (2 s here) on the
                # fulfilment question: it is shown late, the bot has given up on it and says so.
                ("sendMessage", "What does the buyer say", 1, Fault.delay(3)),
                # "Claim opened" fails after the claim is stored: told; pressing again shows
                # the claim, it does not open a second one.
                ("sendMessage", "Claim #", 1, Fault.error(500)),
            ]
        )
        try:
            bot.start()
            fake.faults = plan
            texts = step(users, fake, factory.message(admin, "/new"), r"Which order is.*")
            assert texts == [t for t in texts if t.startswith("Which order")], texts
            step(users, fake, factory.message(admin, ORDER), r"mp:DE")

            told = press(users, fake, r"mp:DE", SORRY)
            assert any(t.startswith(SORRY) for t in told)
            press(users, fake, r"mp:DE", r"ff:fbm")

            told = press(users, fake, r"ff:fbm", SORRY)
            assert any(t.startswith(SORRY) for t in told), told
            # The late question arrived after all; its buttons work.
            assert fake.wait(lambda: users.newest_button(ADMIN, r"rs:defective") is not None, 10)
            press(users, fake, r"rs:defective", r"lang:de")
            press(users, fake, r"lang:de", r"dt:open")

            told = press(users, fake, r"dt:open", SORRY)
            assert any(t.startswith(SORRY) for t in told), told
            again = press(users, fake, r"dt:open", r"c:\d+:\d+:sent:\d+")
            assert any("already has an open claim" in t for t in again), again
            press(users, fake, r"c:\d+:\d+:sent:\d+", r"c:\d+:\d+:reply")

            assert bot.alive(), "the bot died"
        finally:
            bot.close()

        statuses = Counter((r.method, r.status) for r in fake.requests)
        # Each fault happened, and what followed it succeeded.
        assert statuses[("getUpdates", 502)] == 1
        assert statuses[("getUpdates", 500)] == 1
        assert statuses[("sendMessage", 429)] == 1
        assert statuses[("editMessageText", 0)] == 1
        assert statuses[("sendMessage", 500)] == 1
        # The throttled question went out once, after the wait Telegram asked for.
        questions = [
            r for r in fake.requests if str(r.params.get("text", "")).startswith("Which order")
        ]
        assert [r.status for r in questions] == [429, 200]
        assert questions[1].at - questions[0].at >= 1.0

    with sqlite3.connect(bot.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        claims = conn.execute("SELECT COUNT(*) FROM claims").fetchone()
        opened = conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'claim_opened'").fetchone()
        sent = conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'draft_sent'").fetchone()
    assert (claims, opened, sent) == ((1,), (1,), (1,))
    log = (tmp_path / "bot.log").read_text()
    assert "Traceback" in log  # the failures were logged (the error handler's own record)
    assert "Fatal" not in log
