"""The console channel's input: one message per line from a script, a `:paste` block as one
message, and lines pasted at a terminal joined by their arrival times (a fake clock here: no
test sleeps)."""

from __future__ import annotations

import asyncio
import io
import os
import re
from pathlib import Path

import pytest

from bot.console import PastedSource, PasteJoiner, Source, TerminalReader, run_console
from bot.i18n import Catalogs, Translator
from bot.settings import Settings
from tests.helpers import US_NOTICE

Events = asyncio.Queue[tuple[float, str | None]]


@pytest.fixture(autouse=True)
def _english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


async def converse(settings: Settings, script: str, source: Source | None = None) -> str:
    out = io.StringIO()
    operator = Translator("en", Catalogs().get("bot", "en"))
    assert await run_console(settings, io.StringIO(script), out, operator, source) == 0
    return out.getvalue()


def events(*timed: tuple[float, str | None]) -> Events:
    queue: Events = asyncio.Queue()
    for event in timed:
        queue.put_nowait(event)
    return queue


# --- :paste blocks ---------------------------------------------------------------------------
async def test_a_pasted_notice_in_a_block_is_read_as_one_notice(settings: Settings) -> None:
    text = await converse(settings, f"/new\n:paste\n{US_NOTICE}.\n1\n")
    assert "you> :paste\nPaste the text, then a line with a single dot.\n" in text
    assert "bot> From the notice I understood:\n• Order: 112-4455667-1234567\n" in text
    assert "• Respond by: Nov 4, 2026\n" in text
    # The order id was asked once: no line of the notice went to the intake on its own.
    assert text.count("Which order is the claim about?") == 1
    assert "bot> Who shipped the order?" in text
    # The line after the dot is a line of its own again: button 1, seller-shipped.
    assert "bot (edited)> Shipped by: Seller-shipped (FBM)" in text


async def test_usage_steps_pasted_as_a_block_are_one_answer(settings: Settings) -> None:
    open_claim = "/new\n303-1234567-7654321\n7\n1\n3\n1\n7\n1\n"  # DE, FBM, not as described
    reply = ":paste\nIch weiß nicht, wie man die Zeitschaltuhr einstellt.\nDas Display blinkt.\n.\n"
    steps = "1. Taste MODE drei Sekunden halten.\n2. Uhrzeit mit + einstellen.\n3. Mit OK.\n"
    # Buyer replied, the reply as a block, the cause (does not know how to use it), Usage help.
    script = open_claim + "1\n" + reply + "1\n1\n" + ":paste\n" + steps + ".\n"
    text = await converse(settings, script)
    assert (
        "The buyer's reply: “Ich weiß nicht, wie man die Zeitschaltuhr einstellt."
        " Das Display blinkt.”" in text
    )
    assert "bot> Claim #1 · Usage help, version 1, in German." in text
    # The three steps are in the one draft, in their order, line by line.
    assert "Schritte aus:\n\n" + steps + "\nFalls es danach" in text
    assert text.count("Usage help, version") == 1


async def test_an_empty_block_sends_nothing(settings: Settings) -> None:
    text = await converse(settings, "/new\n:paste\n\n  \n.\n")
    assert "The block is empty: nothing sent." in text
    assert text.count("bot>") == 1  # only the order-id question


async def test_a_block_still_open_at_the_end_of_input_is_sent(settings: Settings) -> None:
    text = await converse(settings, f"/new\n:paste\n{US_NOTICE}")
    assert "The input ended inside :paste: sending what was pasted." in text
    assert "bot> From the notice I understood:" in text
    assert "Empty" not in text
    assert (await converse(settings, ":paste\n")).count("sending what was pasted") == 0


async def test_a_number_in_a_block_is_text_not_a_button(settings: Settings) -> None:
    text = await converse(settings, "/new\n303-1234567-7654321\n:paste\n7\n.\n")
    assert "bot (edited)> Marketplace:" not in text
    assert "Marketplace: Germany" not in text


async def test_help_names_paste(settings: Settings) -> None:
    text = await converse(settings, ":help\n")
    assert ":paste (several lines as one message, up to a line with a single dot)" in text


# --- piped scripts: one message per line, as before -------------------------------------------
def readme_scripts() -> list[str]:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    scripts = re.findall(r"^printf '(.*)' \| make run$", readme, flags=re.MULTILINE)
    return [script.replace("\\n", "\n") for script in scripts]


async def test_the_readme_scripts_still_run_line_by_line(tmp_path: Path) -> None:
    """As `make run` runs them: on a fresh database, the console user the only admin."""
    intake, review = readme_scripts()
    fresh = Settings(db_path=tmp_path / "intake.sqlite3")
    text = await converse(fresh, intake)
    assert "bot> Marked as sent: First contact: apology and question, version 1." in text
    assert "→ 3. Wait for the buyer's reply" in text
    text = await converse(Settings(db_path=tmp_path / "review.sqlite3"), review)
    assert "Now acting as user 2." in text
    assert "Now acting as user 3." in text
    assert "✓ Approved by User 3." in text
    assert "[to user 2]\nbot> ✓ User 3 approved First contact: apology and question" in text
    assert text.rstrip().endswith("[1] ✓ Mark as sent\n     [2] ◂ Back to the claim")


# --- paste joining by arrival time -----------------------------------------------------------
def test_lines_within_the_window_are_one_paste() -> None:
    joiner = PasteJoiner(window=0.05)
    assert joiner.deadline() is None
    assert joiner.feed(10.0, "Order ID: 1") is None
    assert joiner.feed(10.001, "") is None
    assert joiner.feed(10.05, "Claim reason: x") is None  # exactly the window still joins
    assert joiner.deadline() == pytest.approx(10.1)
    # A line typed later closes the paste and starts the next one.
    assert joiner.feed(11.0, "1") == ["Order ID: 1", "", "Claim reason: x"]
    assert joiner.flush() == ["1"]
    assert joiner.flush() is None
    assert joiner.deadline() is None


def test_typed_lines_stay_apart() -> None:
    joiner = PasteJoiner(window=0.05)
    assert joiner.feed(1.0, "/new") is None
    assert joiner.feed(1.6, "303-1234567-7654321") == ["/new"]
    assert joiner.feed(2.1, "7") == ["303-1234567-7654321"]
    assert joiner.flush() == ["7"]


async def test_the_source_ends_a_paste_at_the_next_line_or_the_deadline() -> None:
    now = [0.0]
    queue = events((0.0, "a"), (0.01, "b"), (0.5, "c"))
    source = PastedSource(queue, clock=lambda: now[0], window=0.05)
    assert await source.batch() == ["a", "b"]  # closed by "c", which came later
    now[0] = 0.56  # past c's deadline: nothing more came, so c is complete
    assert await source.batch() == ["c"]
    queue.put_nowait((1.0, "d"))
    queue.put_nowait((1.0, None))  # the end of input completes what is pending
    assert await source.batch() == ["d"]
    assert await source.batch() is None
    assert await source.batch() is None


async def test_the_source_takes_lines_already_there_whatever_the_clock() -> None:
    """Lines queued at paste time join even when the console comes to them late (the bot was
    busy): the arrival times decide, not when they are read."""
    source = PastedSource(events((0.0, "a"), (0.0, "b"), (9.0, None)), clock=lambda: 100.0)
    assert await source.batch() == ["a", "b"]
    assert await source.batch() is None


async def test_a_notice_pasted_at_a_terminal_is_one_message(settings: Settings) -> None:
    pasted = [(5.0, line) for line in US_NOTICE.splitlines()]
    queue = events((0.0, "/new"), *pasted, (9.0, "1"), (12.0, ":paste"), (20.0, None))
    text = await converse(settings, "", PastedSource(queue, clock=lambda: 0.0))
    assert "bot> From the notice I understood:\n• Order: 112-4455667-1234567\n" in text
    assert text.count("Which order is the claim about?") == 1
    assert "bot (edited)> Shipped by: Seller-shipped (FBM)" in text


async def test_a_pasted_block_with_its_command_and_dot_is_a_block(settings: Settings) -> None:
    pasted = [(5.0, line) for line in [":paste", *US_NOTICE.splitlines(), ".", "1"]]
    queue = events((0.0, "/new"), *pasted, (20.0, None))
    text = await converse(settings, "", PastedSource(queue, clock=lambda: 0.0))
    assert "Paste the text, then a line with a single dot." in text
    assert "bot> From the notice I understood:" in text
    # What followed the dot in the same paste is a paste of its own: "1" pressed button 1.
    assert "bot (edited)> Shipped by: Seller-shipped (FBM)" in text


async def test_the_terminal_reader_queues_lines_with_their_arrival() -> None:
    read_end, write_end = os.pipe()
    try:
        queue: Events = asyncio.Queue()
        reader = TerminalReader(read_end, "utf-8", queue)
        os.write(write_end, "Order ID: 1\r\nCafé\nhalf a li".encode() + b"\xc3")
        reader.readable()
        first, second = queue.get_nowait(), queue.get_nowait()
        assert (first[1], second[1]) == ("Order ID: 1", "Café")
        assert first[0] == second[0]  # one read, one arrival
        assert queue.empty()  # the unfinished line waits for its end
        os.write(write_end, b"\xa9ne\n")
        reader.readable()
        assert queue.get_nowait()[1] == "half a liéne"
        os.write(write_end, b"no newline")
        reader.readable()
        os.close(write_end)
        write_end = -1
        reader.readable()  # end of input: the unfinished line, then the end
        assert [queue.get_nowait()[1], queue.get_nowait()[1]] == ["no newline", None]
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)
