"""The signature under a draft is in the draft's script: a caution when it is mainly in another
one (a German sign-off under a Japanese message), never for a Latin brand name alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.compliance import RULES, Severity, in_other_script, signature_findings
from tests.helpers import ORDER


@pytest.mark.parametrize(
    ("signature", "language", "other"),
    [
        # A Latin name signs a Japanese, Chinese or Arabic message; a Latin sentence does not.
        ("Acme Home", "ja", False),
        ("Acme Home", "ar", False),
        ("Acme Home", "zh_Hans", False),
        ("Maison de Provence", "ja", False),
        ("Mit freundlichen Grüßen, Ihr Acme-Team", "ja", True),
        ("Best regards,\nAcme Customer Service", "ar", True),
        ("Cordialement, Acme", "ja", True),
        ("Your Acme Team", "ja", True),
        ("Acme Home Customer Service Team Berlin", "ja", True),
        # The draft's own script, with or without a brand name in it.
        ("Acme ホーム\nカスタマーサービス", "ja", False),
        ("株式会社アクメ", "ja", False),
        ("فريق Acme لخدمة العملاء", "ar", False),
        ("阿克米客服团队", "zh_Hans", False),
        ("Jana Berg\nKundenservice", "de", False),
        ("Jana Berg\nKundenservice", "fr", False),  # another language, the same script
        ("Acme GmbH · 阿克米", "de", False),  # mainly Latin
        # Mainly another script.
        ("アクメ ホーム カスタマーサービス", "de", True),
        ("Acme ホーム\nカスタマーサービス", "de", True),
        ("Acme GmbH · 深圳市阿克米科技有限公司", "de", True),
        ("فريق Acme لخدمة العملاء", "en", True),
        ("アクメ株式会社 カスタマーサービス", "zh_Hans", True),  # kana: Japanese, kanji and all
        ("Команда Acme", "en", True),
        # Nothing to judge: no letters, or a language without a known script.
        ("— 24/7 —", "ja", False),
        ("アクメ", "hi", False),
    ],
)
def test_a_signature_mainly_in_another_script(signature: str, language: str, other: bool) -> None:
    assert in_other_script(signature, language) is other


def test_the_caution_names_the_signature_when_the_draft_carries_it() -> None:
    signature = "Mit freundlichen Grüßen,\nIhr Acme-Team"
    text = f"ご注文（{ORDER}）について、ご不便をおかけしております。\n\n{signature}"
    [finding] = signature_findings(signature, "ja", text)
    assert (finding.rule, finding.severity) == ("signature_script", Severity.WARN)
    assert finding.message == RULES["signature_script"].message
    assert finding.excerpt == "Mit freundlichen Grüßen,"
    # Folded the way the renderer may fold it, it is still the signature.
    assert signature_findings(signature, "ja", text.replace(",\n", ",  \n"))
    # Without a text (the store's signature alone), the caution stands.
    assert signature_findings(signature, "ja")


def test_no_caution_when_the_agent_replaced_the_signature_or_there_is_none() -> None:
    text = f"ご注文（{ORDER}）について、ご不便をおかけしております。\n\nアクメ ホーム"
    assert signature_findings("Mit freundlichen Grüßen, Ihr Acme-Team", "ja", text) == []
    assert signature_findings(None, "ja", text) == []
    assert signature_findings("", "ja") == []
    assert signature_findings("Acme Home", "ja", f"{text}\nAcme Home") == []


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300),
    st.sampled_from(["de", "ja", "ar", "zh_Hans", "xx"]),
    st.text(max_size=300),
)
def test_any_signature_an_admin_types_is_judged(signature: str, language: str, text: str) -> None:
    findings = signature_findings(signature, language, text)
    assert len(findings) <= 1
    assert all(f.severity is Severity.WARN for f in findings)
