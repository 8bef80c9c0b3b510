"""/start, /help, the agent's language, the error handler, the console channel."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.console import run_console
from bot.drafting.renderer import Renderer
from bot.i18n import Catalogs, Translator
from bot.settings import Settings
from tests.helpers import texts


async def test_start_greets_with_the_role_and_the_rule(bot: Any) -> None:
    async with bot() as chat:
        (text,) = texts(await chat.send("/start"))
        assert text.startswith("Welcome to claimbot. You are signed in as admin.")
        assert "do not refund before you have talked to the buyer" in text


async def test_help_lists_the_commands(bot: Any) -> None:
    async with bot() as chat:
        (text,) = texts(await chat.send("/help"))
        for command in ("/new", "/cancel", "/help"):
            assert f"\n{command} - " in text


async def test_chinese_speaking_agent_gets_the_chinese_ui(bot: Any) -> None:
    async with bot() as chat:
        (text,) = texts(await chat.send("/start", language_code="zh-hans"))
        assert text.startswith("欢迎使用 claimbot。您当前的身份是管理员。")
        await chat.send("/new", language_code="zh-hans")
        await chat.send("303-1234567-7654321", language_code="zh-hans")
        calls = await chat.press("DE · 德国", language_code="zh-hans")
        assert calls[1].params["text"] == "站点：德国（DE）"
        await chat.press("卖家自发货（FBM）", language_code="zh-hans")
        await chat.press("未收到商品", language_code="zh-hans")
        calls = await chat.press("德语", language_code="zh-hans")
        assert texts(calls)[0].startswith("订单 303-1234567-7654321 · DE · 卖家自发货（FBM）")
        calls = await chat.press("登记索赔 ▸", language_code="zh-hans")
        # The note above the card; the header with the preview, then the text alone.
        opened, shown, body = texts(calls)
        note, card = opened.split("\n\n", 1)
        header, preview = shown.split("\n\n", 1)
        assert note.startswith("已为订单 303-1234567-7654321 登记索赔 #1。")
        assert "阶段：正在联系买家" in card
        assert "处理方案（第 2 步，共 6 步）：" in card
        assert "先不要退款。" in card
        assert header.startswith("索赔 #1 · 首次联系：致歉并询问，第 1 版，语言：德语。")
        # The buyer still gets German, whatever the agent reads...
        assert body.startswith("Guten Tag,")
        # ...and the agent reads what it says, in Chinese.
        assert preview.startswith("内容对照（中文 (简体)，仅供您参考，请勿发送）：")
        assert "很抱歉，您的订单303-1234567-7654321" in preview
        assert chat.labels()[:2] == ["✓ 标记为已发送", "✎ 编辑"]
        await chat.press("索赔信息", language_code="zh-hans")
        await chat.press("运单号：—", language_code="zh-hans")
        await chat.send("JD00021234", language_code="zh-hans")
        assert "运单号：JD00021234" in chat.labels()  # Chinese punctuation between label and value


async def test_unknown_language_falls_back_to_english(bot: Any) -> None:
    async with bot() as chat:
        (text,) = texts(await chat.send("/start", language_code="xx"))
        assert text.startswith("Welcome to claimbot.")


async def test_commands_menu_is_set_in_every_ui_language(bot: Any) -> None:
    async with bot() as chat:
        calls = chat.api.sent("setMyCommands")
        by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
        assert set(by_language) == {None, "zh"}
        assert {"command": "new", "description": "登记索赔"} in by_language["zh"]


async def test_a_failing_step_is_reported_to_the_user_and_nothing_is_half_saved(
    bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Renderer, *args: object, **kwargs: object) -> None:
        raise RuntimeError("template store unreachable")

    async with bot(expect_errors=True) as chat:
        await chat.send("/new")
        await chat.send("303-1234567-7654321")
        await chat.press("DE · Germany")
        await chat.press("Seller-shipped (FBM)")
        await chat.press("Damaged or defective")
        await chat.press("German")
        monkeypatch.setattr(Renderer, "render", broken)
        calls = await chat.press("Open the claim ▸")
        assert texts(calls)[-1] == (
            "Sorry, something went wrong on our side. What you had already confirmed is saved;"
            " please try the last step again, or send /cancel."
        )
        assert [type(e) for e in chat.errors] == [RuntimeError]
        assert await chat.services.storage.claims.count() == 0
        # The answers so far survive: fixing the cause and pressing again opens the claim.
        monkeypatch.undo()
        calls = await chat.press("Open the claim ▸")
        assert texts(calls)[0].startswith("Claim #1 opened")


async def test_console_script_runs_the_whole_intake(settings: Settings) -> None:
    script = io.StringIO(
        "/start\n/new\n303-1234567-7654321\n7\n1\n4\n1\n7\n1\n:as 999\n/start\n:as 1\n/help\n"
    )
    out = io.StringIO()
    catalogs = Catalogs()
    operator = Translator("en", catalogs.get("bot", "en"))
    assert await run_console(settings, script, out, operator) == 0
    text = out.getvalue()
    assert "you> /new" in text
    assert "[7] DE · Germany" in text
    assert "bot (edited)> Marketplace: Germany (DE)" in text
    assert "Plan (step 2 of 7):" in text
    assert "bot> Guten Tag,\n\nes tut uns sehr leid" in text
    assert "\nWhat it says, in English (for you, not for sending):" in text
    assert "[1] ✓ Mark as sent" in text
    assert "bot> Marked as sent: First contact: apology and question, version 1." in text
    assert "→ 3. Wait for the buyer's reply" in text
    assert "Now acting as user 999." in text
    assert "they will need your user id: 999." in text
    assert text.rstrip().endswith("Answer a question by tapping a button or by typing the answer.")


async def test_a_chinese_team_picks_its_own_time_zone_from_the_tz_buttons(bot: Any) -> None:
    """Agents in China read times in Asia/Shanghai with one tap; the zone is bracketed the
    Chinese way."""
    zh = "zh-hans"
    async with bot() as chat:
        await chat.send("/tz", language_code=zh)
        assert "Asia/Shanghai" in chat.labels()
        await chat.press("Asia/Shanghai", language_code=zh)
        await chat.send("/new", language_code=zh)
        await chat.send("303-1234567-7654321", language_code=zh)
        await chat.press("DE · 德国", language_code=zh)
        await chat.press("卖家自发货（FBM）", language_code=zh)
        await chat.press("未收到商品", language_code=zh)
        await chat.press("德语", language_code=zh)
        calls = await chat.press("登记索赔 ▸", language_code=zh)
        assert "2026年11月5日 17:30（Asia/Shanghai）" in texts(calls)[0]
