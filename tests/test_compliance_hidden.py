"""Invisible, direction-changing and look-alike characters (issue 17, point 2).

A zero-width space inside a domain, a right-to-left override that makes "moc.pohs-live" display
as "evil-shop.com", a full-width dot: each hid a link or a review incentive from the rules while
the buyer would read it. The rules now read the text as it displays (NFKC, invisible characters
removed, an overridden run also read reversed), and such a character is a finding of its own,
`hidden_character`. An offer of money tied to a review is an incentive however the amount is
written ("10 dollars", "ten dollars", "千円", "your money back")."""

from __future__ import annotations

import pytest

from bot.domain.compliance import RULES, Finding, Severity, lint, reading
from bot.drafting import Renderer
from bot.i18n import Catalogs
from tests.helpers import ORDER


def block_rules(text: str, language: str | None = "en") -> set[str]:
    findings = lint(text, language=language, order_id=ORDER)
    return {f.rule for f in findings if f.severity is Severity.BLOCK}


def finding(text: str, rule: str) -> Finding:
    return next(f for f in lint(text, language="en", order_id=ORDER) if f.rule == rule)


HELLO = f"Hello,\nthank you for your order {ORDER}."
# (the draft, the rule its visible text breaks, the hidden character in it)
TRICKS = [
    (f"{HELLO} The Filter evil-shop\u200b.com is on its way to you.", "link", "U+200B"),
    (f"Hello \u202emoc.pohs-live\u202c,\nthank you for your order {ORDER}.", "link", "U+202E"),
    (f"{HELLO} Spare parts: evil-sh\u200dop.com", "link", "U+200D"),
    (f"{HELLO} Spare parts: evil-shop\uff0ecom", "link", "U+FF0E"),
    (
        f"{HELLO} Please leave a positive re\u200bview and get a free gift.",
        "review_incentive",
        "U+200B",
    ),
]


@pytest.mark.parametrize(("text", "rule", "code"), TRICKS)
def test_a_hidden_character_hides_nothing_from_the_rules(text: str, rule: str, code: str) -> None:
    # The buyer reads the same as without the character: blocked for that...
    assert rule in block_rules(text)
    # ... and for the character itself, shown by its code point where it stands.
    hidden = finding(text, "hidden_character")
    assert hidden.severity is Severity.BLOCK
    assert code in hidden.excerpt


@pytest.mark.parametrize(("text", "rule", "code"), TRICKS)
def test_without_the_character_the_same_rule_blocks(text: str, rule: str, code: str) -> None:
    visible = (
        text.replace("\u202emoc.pohs-live\u202c", "evil-shop.com")
        .replace("\uff0e", ".")
        .replace("\u200b", "")
        .replace("\u200d", "")
    )
    assert block_rules(visible) == {rule}


def test_the_excerpt_shows_the_character_and_never_the_raw_control() -> None:
    hidden = finding(TRICKS[0][0], "hidden_character")
    assert hidden.excerpt == "The Filter evil-shop[U+200B].com is on its way to"
    reversed_name = finding(TRICKS[1][0], "hidden_character").excerpt
    assert "[U+202E]moc.pohs-live[U+202C]" in reversed_name
    assert not any(c in reversed_name for c in "\u202e\u202c")


@pytest.mark.parametrize(
    ("fact", "value"),
    [("buyer_name", "Anna \u202emoc.pohs-live\u202c"), ("product", "Filter evil-shop\u200b.com")],
)
def test_a_fact_with_a_hidden_character_blocks_every_draft_that_shows_it(
    fact: str, value: str
) -> None:
    """The buyer's name and the product come from the agent (or a paste): the lint over the
    final text covers them."""
    renderer = Renderer(Catalogs())
    facts = {"order_id": ORDER, "fulfillment": "fbm", "gift": "a filter", "usage_steps": "1."}
    shown = 0
    for kind in renderer.kinds():
        draft = renderer.render(kind, {**facts, fact: value}, "en")
        if value in draft.text:
            shown += 1
            assert {"hidden_character", "link"} <= block_rules(draft.text), kind
    assert shown


@pytest.mark.parametrize(
    "text",
    [
        # The override runs to the end of the line when nothing closes it.
        f"Dear \u202emoc.pohs-live\nyour order {ORDER} is on its way.",
        # Closed by an isolate's end, and within a sentence.
        f"Order {ORDER}: spare parts at \u202emoc.pohs-live\u2069 soon.",
        # The logical text is a link even when it displays reversed.
        f"Order {ORDER}: spare parts at \u202eevil-shop.com\u202c soon.",
    ],
)
def test_a_reversed_run_is_read_both_ways(text: str) -> None:
    assert block_rules(text) == {"link", "hidden_character"}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Every invisible character the rules skip, one by one, hides no link.
        *[
            (f"Order {ORDER}: evil-shop{char}.com", "link")
            for char in "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u200e\u200f\u061c"
            "\u202a\u202b\u202d\u2066\u2067\u2068\u2069\u034f\U000e0041"
        ],
        (f"Order {ORDER}: write to help@evil\u200b-shop.com", "email"),
        (f"Order {ORDER}: call +49\u200b 30 1234\u200b5678", "phone"),
        (f"Order {ORDER}: use the promo\u00adcode SAVE10.", "marketing"),
        (f"Order {ORDER}: <a\u200b href='x'>here</a>", "html"),
        # Look-alikes: full-width letters, a small dot, an at-sign, mathematical letters.
        (f"Order {ORDER}: ｅｖｉｌ-ｓｈｏｐ．ｃｏｍ", "link"),
        (f"Order {ORDER}: evil-shop\ufe52com", "link"),
        (f"Order {ORDER}: write to help\uff20evil-shop.com", "email"),
        (
            f"Order {ORDER}: use the \U0001d41c\U0001d428\U0001d42e\U0001d429\U0001d428\U0001d427.",
            "marketing",
        ),
        (f"ご注文 {ORDER}：次回使えるｸｰﾎﾟﾝをお送りします。", "marketing"),
        # Cyrillic and Greek letters drawn like Latin ones.
        (f"Order {ORDER}: spare parts at evil-sh\u043ep.\u0441om", "link"),
        (f"Order {ORDER}: use the c\u03bfupon code.", "marketing"),
    ],
)
def test_what_a_hidden_or_look_alike_character_hid_is_found(text: str, rule: str) -> None:
    assert rule in block_rules(text, language=None)


@pytest.mark.parametrize(
    "char", ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066", "\u200e", "\U000e0041"]
)
def test_any_invisible_character_in_a_latin_text_is_a_finding(char: str) -> None:
    text = f"Hello,\nyour order {ORDER} left our ware{char}house today."
    assert block_rules(text) == {"hidden_character"}


@pytest.mark.parametrize(
    ("char", "code"), [("\u043e", "U+043E"), ("\u03bf", "U+03BF"), ("\uff4f", "U+FF4F")]
)
def test_a_look_alike_letter_in_a_latin_word_is_a_finding(char: str, code: str) -> None:
    text = f"Hello,\nyour order {ORDER} left our wareh{char}use today."
    assert block_rules(text) == {"hidden_character"}
    assert f"wareh[{code}]use" in finding(text, "hidden_character").excerpt


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # ZWNJ and ZWJ between Arabic letters shape the letters; marks order an Arabic line.
        (f"شكرًا لطلبكم رقم {ORDER}، نعتذر عن التأخير وسنشحن الطل\u200cب غدًا.", "ar"),
        (f"شكرًا لطلبكم رقم {ORDER}\u200f، نعتذر عن التأخير.", "ar"),
        (f"شكرًا لطلبكم رقم \u200e{ORDER}\u200e، نعتذر عن الت\u200dأخير.", "ar"),
        (f"شكرًا لطلبكم رقم {ORDER}\u061c، نعتذر عن التأخير.", "ar"),
        # Japanese: full-width letters, digits and colon, half-width katakana.
        (f"ご注文番号：{ORDER}の商品（ＵＳＢケーブル　１ｍ）はﾔﾏﾄ運輸で発送しました。", "ja"),
        (f"ご注文番号 {ORDER} の iPhone１５ケースは、２．５ｃｍ の箱でお届けします。", "ja"),
        # A Greek letter as a unit; accents are untouched; a non-breaking space is a space.
        (f"Order {ORDER}: the filter holds back particles down to 5 \u03bcm.", "en"),
        (f"Bonjour,\nvotre commande {ORDER} est partie\u00a0: livraison à 9\u202f€.", "fr"),
    ],
)
def test_legitimate_characters_are_no_finding(text: str, language: str) -> None:
    assert lint(text, language=language, order_id=ORDER) == []


def test_a_zwj_in_an_emoji_is_the_emoji_rule_s_business() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = f"Order {ORDER}: thank you {family} \u2764\ufe0f 1\ufe0f\u20e3"
    assert block_rules(text) == {"emoji"}


def test_a_zwnj_between_latin_letters_in_an_arabic_text_is_a_finding() -> None:
    text = f"شكرًا لطلبكم رقم {ORDER}، evil-sh\u200cop.com"
    assert block_rules(text, language="ar") == {"link", "hidden_character"}
    assert "[U+200C]" in next(f for f in lint(text) if f.rule == "hidden_character").excerpt


def test_the_rules_read_the_normalised_text() -> None:
    assert reading("Hello").text == "Hello"
    assert reading("Hello").hidden is None
    shown = reading("evil-shop\u200b．ｃｏｍ\u00a0ｶﾞ")
    assert shown.text == "evil-shop.com ガ"
    assert shown.hidden == "evil-shop[U+200B]．ｃｏｍ\u00a0ｶﾞ"
    # A reversed run is read as the buyer sees it, after the text as it is written.
    assert (
        reading("at \u202emoc.pohs-live\u202c now").text
        == "at moc.pohs-live now\nat evil-shop.com now"
    )


def test_the_rule_is_blocking_and_explained() -> None:
    rule = RULES["hidden_character"]
    assert rule.severity is Severity.BLOCK
    assert "U+" in rule.message


# --- Money is an incentive however the amount is written.

ISSUE = "We will give you 10 dollars if you leave a positive review."


@pytest.mark.parametrize(
    "text",
    [
        ISSUE,
        "Leave us a review and get 10 dollars.",
        "We will give you ten dollars if you leave a review.",
        "Please leave a review: we send your money back.",
        "Write a review and receive $10.",
        "Wir geben Ihnen zehn Euro, wenn Sie eine Bewertung abgeben.",
        "Bewertung abgeben und Geld zurück erhalten!",
        "Laissez un avis et recevez dix euros.",
        "Lasci una recensione e riceverà 10 €.",
        "Deje una reseña y reciba diez euros.",
        "Schrijf een positieve review en ontvang tien euro.",
        "Lämna en recension och få hundra kronor.",
        "Prosimy wystawić opinię, otrzyma Pan dziesięć złotych.",
        "Olumlu yorum bırakın, size on lira gönderelim.",
        "Deixe uma avaliação e ganhe dez reais.",
        "レビューを書いていただくと千円をお送りします。",
        "اترك تقييمًا واحصل على عشرة دولارات.",
    ],
)
def test_money_tied_to_a_review_is_an_incentive(text: str) -> None:
    assert "review_incentive" in block_rules(f"{text} {ORDER}", language=None)


@pytest.mark.parametrize(
    "text",
    [
        "Your refund of 10 dollars was issued today.",
        "The 29.99 € filter is back in stock; thank you for your review of the problem.",
        "Das Geld ist unterwegs. Wir danken Ihnen für Ihre Geduld.",
        "円滑な解決のため、レビューの内容を確認しました。",
        "ハンドルの交換部品をお送りします。",
    ],
)
def test_money_without_a_review_request_is_no_incentive(text: str) -> None:
    assert block_rules(f"{text} {ORDER}", language=None) == set()


@pytest.mark.parametrize(
    "text",
    [
        "If you withdraw the claim, we will send you ten euros.",
        "Wenn Sie den Antrag zurückziehen, überweisen wir Ihnen zwanzig Euro.",
        "Si retira la reclamación, le enviamos el dinero.",
        "申請を取り下げていただければ、千円をお送りします。",
    ],
)
def test_money_traded_for_withdrawing_the_claim_is_an_offer(text: str) -> None:
    assert "withdrawal_incentive" in block_rules(f"{text} {ORDER}", language=None)
