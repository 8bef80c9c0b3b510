"""The translation layer: language codes, catalogs from .po, the agent's formats, the check."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import BOT_DOMAIN, MESSAGES_DOMAIN, Catalogs, Translator, normalize_language
from bot.i18n.catalogs import layout
from bot.i18n.check import check_all, placeholders
from bot.i18n.update import update
from bot.resources import locales_dir


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("de", "de"), ("de-AT", "de"), ("en_GB", "en"), ("zh-hans", "zh_Hans"), ("zh-CN", "zh_Hans"),
     ("zh", "zh_Hans"), ("pt-br", "pt_BR"), ("PT", "pt_BR"), (None, None), ("", None),
     ("../etc", None), ("de;drop", None), ("x" * 30, None)],
)  # fmt: skip
def test_language_tags(tag: str | None, expected: str | None) -> None:
    assert normalize_language(tag) == expected


def test_languages_per_domain() -> None:
    catalogs = Catalogs()
    assert catalogs.languages(BOT_DOMAIN) == ("en", "zh_Hans")
    # zh_Hans: no marketplace writes it; it is the agents' preview language.
    assert catalogs.languages(MESSAGES_DOMAIN) == (
        "ar", "de", "en", "es", "fr", "it", "ja", "nl", "pl", "pt_BR", "sv", "tr", "zh_Hans"
    )  # fmt: skip


def test_a_regional_variant_is_not_a_language() -> None:
    catalogs = Catalogs()
    assert "en_US" not in catalogs.languages(MESSAGES_DOMAIN)
    assert dict(catalogs.layout(MESSAGES_DOMAIN).variants) == {"en_US": "en"}
    assert dict(catalogs.layout(BOT_DOMAIN).variants) == {}


def test_layout_tells_regional_variants_from_languages() -> None:
    found = layout(["de", "de_AT", "en_US", "fr_CA", "pt_BR", "zh_Hans", "es_419"])
    # de_AT: `de` has a catalog; en_US: English is the source; fr_CA, pt_BR: no `fr` or `pt`
    # catalog, so they are languages; zh_Hans names a script, not a region.
    assert dict(found.variants) == {"de_AT": "de", "en_US": "en"}
    assert found.languages == ("de", "en", "es_419", "fr_CA", "pt_BR", "zh_Hans")


def test_the_us_variant_falls_back_to_the_british_source() -> None:
    catalogs = Catalogs()
    us = catalogs.variant(MESSAGES_DOMAIN, "en", "US")
    assert us.gettext("Fulfilment: shipped by the seller.") == "Fulfillment: shipped by the seller."
    assert us.gettext("Kind regards,") == "Kind regards,"  # not in the variant: the source
    assert us is catalogs.get(MESSAGES_DOMAIN, "en_US")
    for territory in ("GB", "CA", "AU", None):
        assert catalogs.variant(MESSAGES_DOMAIN, "en", territory) is catalogs.get(
            MESSAGES_DOMAIN, "en"
        )
    assert catalogs.variant(MESSAGES_DOMAIN, "es", "US") is catalogs.get(MESSAGES_DOMAIN, "es")


def _po(entries: dict[str, str]) -> str:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    return head + "".join(f'\nmsgid "{k}"\nmsgstr "{v}"\n' for k, v in entries.items())


def test_a_variant_of_a_translated_language_falls_back_to_that_language(tmp_path: Path) -> None:
    for name, entries in {
        "de": {"Hello,": "Guten Tag,", "Goodbye": "Auf Wiedersehen"},
        "de_AT": {"Goodbye": "Servus"},
    }.items():
        folder = tmp_path / name / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(_po(entries), encoding="utf-8")
    catalogs = Catalogs(tmp_path)
    assert catalogs.languages(MESSAGES_DOMAIN) == ("de", "en")
    austrian = catalogs.variant(MESSAGES_DOMAIN, "de", "AT")
    assert austrian.gettext("Goodbye") == "Servus"
    assert austrian.gettext("Hello,") == "Guten Tag,"
    assert austrian.gettext("Other") == "Other"
    assert catalogs.variant(MESSAGES_DOMAIN, "de", "DE") is catalogs.get(MESSAGES_DOMAIN, "de")
    catalogs.preload()


def test_catalog_is_loaded_once() -> None:
    catalogs = Catalogs()
    assert catalogs.get(BOT_DOMAIN, "zh_Hans") is catalogs.get(BOT_DOMAIN, "zh_Hans")
    assert catalogs.get(BOT_DOMAIN, "zh_Hans").gettext("Other") == "其他"
    assert catalogs.get(BOT_DOMAIN, "xx").gettext("Other") == "Other"


PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Reviewed"
msgstr "Geprüft"

#, fuzzy
msgid "Guessed"
msgstr "Geraten"
"""


def test_fuzzy_entries_never_reach_anyone(tmp_path: Path) -> None:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO, encoding="utf-8")
    translations = Catalogs(tmp_path).get(MESSAGES_DOMAIN, "de")
    assert translations.gettext("Reviewed") == "Geprüft"
    assert translations.gettext("Guessed") == "Guessed"


@pytest.mark.parametrize(
    ("language", "moment", "duration"),
    [
        ("en", "Dec 1, 2026, 7:05\u202fPM (Europe/Berlin)", "71 hours"),
        ("de", "01.12.2026, 19:05 (Europe/Berlin)", "71 Stunden"),
        ("zh_Hans", "2026年12月1日 19:05（Europe/Berlin）", "71小时"),
    ],
)
def test_agent_formats(language: str, moment: str, duration: str) -> None:
    tr = Translator(language, Catalogs().get(BOT_DOMAIN, language))
    assert tr.datetime(datetime(2026, 12, 1, 18, 5, 59, tzinfo=UTC), "Europe/Berlin") == moment
    assert tr.duration(timedelta(hours=71, minutes=59)) == duration


def test_durations_pick_the_unit_a_deadline_needs() -> None:
    tr = Translator("en", Catalogs().get(BOT_DOMAIN, "en"))
    assert tr.duration(timedelta(days=4, hours=5)) == "4 days"
    assert tr.duration(timedelta(hours=72)) == "3 days"
    assert tr.duration(timedelta(hours=1)) == "1 hour"
    assert tr.duration(timedelta(minutes=59, seconds=59)) == "59 minutes"
    assert tr.duration(timedelta(hours=-2)) == "2 hours"


def test_placeholders_are_compared_by_name() -> None:
    assert placeholders("%(b)s and %(a)s, {c} %d") == sorted(["%(a)", "%(b)", "{c}", "%d"])


def test_committed_catalogs_are_complete_and_current() -> None:
    locales = locales_dir()
    assert check_all(locales, locales.parent) == []


@pytest.fixture
def locales_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_finds_an_untranslated_entry(locales_copy: Path) -> None:
    _edit(locales_copy / "de/LC_MESSAGES/messages.po", 'msgstr "Guten Tag,"', 'msgstr ""')
    assert check_all(locales_copy, None) == ["de/LC_MESSAGES/messages.po: untranslated 'Hello,'"]


def test_check_finds_a_fuzzy_entry(locales_copy: Path) -> None:
    _edit(locales_copy / "de/LC_MESSAGES/messages.po", 'msgid "Hello,"', '#, fuzzy\nmsgid "Hello,"')
    assert check_all(locales_copy, None) == ["de/LC_MESSAGES/messages.po: fuzzy 'Hello,'"]


def test_check_finds_a_missing_entry(locales_copy: Path) -> None:
    _edit(
        locales_copy / "messages.pot",
        'msgid "Hello,"',
        'msgid "Hi there,"\nmsgstr ""\n\nmsgid "Hello,"',
    )
    problems = check_all(locales_copy, None)
    languages = Catalogs(locales_copy).languages(MESSAGES_DOMAIN)
    assert problems == [
        f"{language}/LC_MESSAGES/messages.po: missing 'Hi there,' (run make i18n-update)"
        for language in languages
        if language != "en"
    ]
    assert "de/LC_MESSAGES/messages.po: missing 'Hi there,' (run make i18n-update)" in problems
    # A regional variant holds only what differs: it is not incomplete.
    assert not [problem for problem in problems if problem.startswith("en_US/")]


US_PO = "en_US/LC_MESSAGES/messages.po"


def test_check_finds_a_stale_entry_in_a_variant(locales_copy: Path) -> None:
    # The source text changed: the variant's entry for the old msgid is no longer used.
    for path in (locales_copy / "messages.pot", *locales_copy.glob("*/LC_MESSAGES/messages.po")):
        if path == locales_copy / US_PO:
            continue  # a variant is edited by hand, after the check told
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Fulfilment: shipped by", "Fulfilment: sent by"), "utf-8")
    (problem,) = check_all(locales_copy, None)
    assert problem == (
        f"{US_PO}: stale 'Fulfilment: shipped by the seller.', no longer in the .pot (reword it"
        " for the new msgid or drop it)"
    )


def test_check_finds_a_broken_placeholder_in_a_variant(locales_copy: Path) -> None:
    _edit(
        locales_copy / US_PO,
        "You can track your package using tracking number %(tracking_number)s.",
        "You can track your package using tracking number %(tracking)s.",
    )
    (problem,) = check_all(locales_copy, None)
    msgid = "You can follow the parcel using the tracking number %(tracking_number)s."
    assert problem == (
        f"{US_PO}: placeholders of {msgid[:60]!r} differ: ['%(tracking)'] instead of"
        " ['%(tracking_number)']"
    )


def test_check_finds_fuzzy_empty_and_unchanged_entries_in_a_variant(locales_copy: Path) -> None:
    _edit(
        locales_copy / US_PO, 'msgid "Fulfilment: shipped', '#, fuzzy\nmsgid "Fulfilment: shipped'
    )
    _edit(
        locales_copy / US_PO,
        'msgstr "The package was held in customs longer than expected."',
        'msgstr ""',
    )
    _edit(
        locales_copy / US_PO,
        'msgstr "Unfortunately, the carrier has lost track of the package."',
        'msgstr "Unfortunately, the carrier has lost track of the parcel."',
    )
    assert sorted(check_all(locales_copy, None)) == sorted([
        f"{US_PO}: fuzzy 'Fulfilment: shipped by the seller.'",
        f"{US_PO}: empty 'The parcel was held at customs longer than expected.' (a variant holds"
        " only what differs)",
        f"{US_PO}: 'Unfortunately, the carrier has lost track of the parcel.' is the source text"
        " itself (drop it)",
    ])  # fmt: skip


def test_update_merges_into_languages_and_leaves_a_variant_partial(locales_copy: Path) -> None:
    _edit(
        locales_copy / "messages.pot",
        'msgid "Hello,"',
        'msgid "Hi there,"\nmsgstr ""\n\nmsgid "Hello,"',
    )
    variant = (locales_copy / US_PO).read_bytes()
    assert update(locales_copy) == 0
    assert (locales_copy / US_PO).read_bytes() == variant
    problems = check_all(locales_copy, None)
    assert "de/LC_MESSAGES/messages.po: untranslated 'Hi there,'" in problems
    assert not [problem for problem in problems if "missing" in problem or "en_US" in problem]


def test_check_finds_a_broken_placeholder(locales_copy: Path) -> None:
    _edit(
        locales_copy / "zh_Hans/LC_MESSAGES/bot.po",
        'msgstr "站点：%(marketplace)s"',
        'msgstr "站点：%(market)s"',
    )
    (problem,) = check_all(locales_copy, None)
    assert problem.startswith("zh_Hans/LC_MESSAGES/bot.po: placeholders of 'Marketplace: %(marke")


def test_check_finds_a_stale_template(locales_copy: Path, tmp_path: Path) -> None:
    root = locales_dir().parent
    source = tmp_path / "source"
    shutil.copytree(root / "bot", source / "bot")
    shutil.copytree(root / "templates", source / "templates")
    shutil.copy(root / "babel.cfg", source / "babel.cfg")
    _edit(source / "templates/messages/_common.j2", "Kind regards,", "Best regards,")
    problems = check_all(locales_copy, source)
    assert "messages.pot: out of date, sources have 'Best regards,'" in problems
    assert "messages.pot: out of date, sources no longer have 'Kind regards,'" in problems


def test_the_language_list_is_read_from_disk_once(locales_copy: Path) -> None:
    catalogs = Catalogs(locales_copy)
    before = catalogs.languages(MESSAGES_DOMAIN)
    (locales_copy / "xx" / "LC_MESSAGES").mkdir(parents=True)
    (locales_copy / "xx" / "LC_MESSAGES" / "messages.po").write_text("", encoding="utf-8")
    assert catalogs.languages(MESSAGES_DOMAIN) == before  # cached: asked on every update
    assert "xx" in Catalogs(locales_copy).languages(MESSAGES_DOMAIN)


# One term per concept in the Chinese UI, and Chinese punctuation around Chinese text.
ZH_TERMS = {
    "tracking number": ("运单号", ("追踪号", "跟踪号", "物流单号", "快递单号")),
    "Fulfilled by Amazon (FBA)": ("亚马逊物流", ("亚马逊配送",)),
    "open a claim (/new)": ("登记索赔", ("新建索赔", "建立索赔", "创建索赔")),
    "you": ("您", ("你",)),
}
# Console commands (":as", ":quit") are typed as they are; placeholders keep their brackets.
_NOT_CHINESE_TEXT = re.compile(r"%\([a-z_]+\)[sd]|:[a-z]+\b|\d,\d")


def _chinese_strings() -> list[tuple[str, str]]:
    with (locales_dir() / "zh_Hans" / "LC_MESSAGES" / "bot.po").open("rb") as file:
        catalog = read_po(file)
    pairs: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((str(ids[0]), str(string)) for string in strings)
    return pairs


def test_the_chinese_ui_uses_one_term_per_concept() -> None:
    strings = _chinese_strings()
    for concept, (term, others) in ZH_TERMS.items():
        for msgid, string in strings:
            for other in others:
                assert other not in string, f"{concept}: {other} instead of {term} in {msgid!r}"
        assert any(term in string for _msgid, string in strings), concept
    assert dict(strings)["Tracking number"] == "运单号"
    assert dict(strings)["Fulfilled by Amazon (FBA)"] == "亚马逊物流（FBA）"
    assert dict(strings)["Open the claim"] == "登记索赔"


def test_the_chinese_ui_uses_full_width_brackets_colons_and_commas() -> None:
    for msgid, string in _chinese_strings():
        text = _NOT_CHINESE_TEXT.sub("", string)
        assert not re.search(r"[():;,?!]", text), f"{msgid!r}: {string!r}"
    tr = Translator("zh_Hans", Catalogs().get(BOT_DOMAIN, "zh_Hans"))
    assert tr.bracketed("德国", "DE") == "德国（DE）"
