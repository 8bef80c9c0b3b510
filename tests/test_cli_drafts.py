"""`claimbot render`, `claimbot lint`, `claimbot templates`: output contracts and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.drafting import Renderer
from bot.i18n import Catalogs
from tests.helpers import ORDER

LANGUAGES = ", ".join(Renderer(Catalogs()).languages())


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "CLAIMBOT_STORE_NAME", "CLAIMBOT_STORE_SIGNATURE",
                 "LANG", "LC_ALL", "LC_MESSAGES"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def facts_file(tmp_path: Path, **facts: object) -> str:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"order_id": ORDER, **facts}), encoding="utf-8")
    return str(path)


def test_render_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = facts_file(tmp_path, marketplace="DE", buyer_name="Anna", reason="defective")
    assert main(["render", "inquiry", "--facts", path, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"kind", "language", "subject", "body", "findings"}
    assert result["kind"] == "inquiry"
    assert result["language"] == "de"  # from the marketplace
    assert result["subject"].startswith(f"Ihre Bestellung {ORDER}")
    assert result["body"].startswith("Guten Tag Anna,")
    assert result["findings"] == []


def test_render_text_goes_to_stdout_and_findings_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = facts_file(tmp_path, language="hi")  # a buyer language with no catalog
    assert main(["render", "inquiry", "--facts", path]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"Your order {ORDER}: we are sorry and want to help\n\nHello,")
    assert "There is no hi translation of this message yet" in captured.err
    assert "⚠ The message does not seem to be in the buyer's language." in captured.err


def test_store_profile_signs_rendered_drafts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMBOT_STORE_NAME", "Acme Home")
    assert main(["render", "inquiry", "--facts", facts_file(tmp_path), "--lang", "de"]) == 0
    assert capsys.readouterr().out.endswith("Mit freundlichen Grüßen\nIhr Team von Acme Home\n")


def test_rendered_drafts_are_signed_in_their_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store]\nsignature = "Acme Kundenservice"\n'
        '[store.signatures]\nja = "Acme 日本"\nen = "Acme care"\n',
        encoding="utf-8",
    )
    assert main(["render", "refund", "--facts", facts_file(tmp_path), "--lang", "ja"]) == 0
    assert capsys.readouterr().out.endswith("\nAcme 日本\n")
    assert main(["render", "refund", "--facts", facts_file(tmp_path), "--lang", "de"]) == 0
    assert capsys.readouterr().out.endswith("\nAcme Kundenservice\n")
    # Hindi drafts are written in English: the English signature.
    assert main(["render", "refund", "--facts", facts_file(tmp_path), "--lang", "hi"]) == 0
    assert capsys.readouterr().out.endswith("\nAcme care\n")


def test_a_rendered_draft_signed_in_another_script_is_a_caution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store]\nsignature = "Mit freundlichen Grüßen, Ihr Acme-Team"\n', encoding="utf-8"
    )
    path = facts_file(tmp_path)
    assert main(["render", "inquiry", "--facts", path, "--lang", "ja", "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("signature_script", "warn")]
    assert main(["render", "inquiry", "--facts", path, "--lang", "de", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["nope"], {"order_id": ORDER}, 'unknown kind "nope"; kinds: amazon_statement,'),
        (["inquiry"], {"order_id": ORDER, "coupon": "X"}, "unknown facts keys: coupon; known:"),
        (["inquiry", "--lang", "xx"], {"order_id": ORDER}, 'unknown language "xx"'),
        (["inquiry"], {"buyer_name": "Anna"}, "missing facts: order_id"),
        (["inquiry"], [1, 2], "the facts must be a JSON object"),
        (["inquiry"], "{broken", "is not valid JSON"),
    ],
)
def test_render_errors_are_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    content: object,
    message: str,
) -> None:
    path = tmp_path / "facts.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    assert main(["render", *args, "--facts", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("claimbot render: ")
    assert message in line


def test_render_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "inquiry", "--facts", "nowhere.json"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == "claimbot render: cannot read nowhere.json: No such file or directory"


def test_lint_exit_codes_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"Order {ORDER}: all good, thank you."))
    assert main(["lint"]) == 0
    assert capsys.readouterr().out == "Messaging rules: nothing to fix.\n"

    text = tmp_path / "draft.txt"
    text.write_text(f"Order {ORDER}. Write to me at anna@example.com 😀", encoding="utf-8")
    assert main(["lint", str(text), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [
        ("email", "block"),
        ("emoji", "block"),
    ]
    assert findings[0]["excerpt"] == "anna@example.com"

    warn_only = tmp_path / "warn.txt"
    warn_only.write_text("Thank you!", encoding="utf-8")
    assert main(["lint", str(warn_only), "--order-id", ORDER]) == 0
    assert "⚠ The message does not mention the order id." in capsys.readouterr().out
    assert main(["lint", str(tmp_path / "missing.txt")]) == 2


def test_templates_lists_kinds_and_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{kind}: {LANGUAGES}"
        for kind in (
            "amazon_statement", "delivery_delay", "follow_up", "gift_offer", "inquiry",
            "refund", "replacement", "usage_help", "withdrawal_request",
        )
    ]  # fmt: skip


def test_the_stores_gift_for_the_marketplace_is_offered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store.gifts]\nDE = "zwei Ersatzfilter"\n', encoding="utf-8"
    )
    path = facts_file(tmp_path, marketplace="DE")
    assert main(["render", "gift_offer", "--facts", path]) == 0
    captured = capsys.readouterr()
    assert "möchten wir Ihnen zwei Ersatzfilter schicken" in captured.out
    assert "Messaging rules: nothing to fix." in captured.err


def test_facts_errors_are_translated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    path = facts_file(tmp_path, refund_amount="abc", currency="EUR")
    assert main(["render", "refund", "--facts", path]) == 2
    assert capsys.readouterr().err.strip() == "claimbot render: refund_amount 必须是数字"
