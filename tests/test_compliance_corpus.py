"""The lint measured on corpora of realistic support messages in the twelve buyer languages.

Two corpora: `compliance_corpus.json`, written alongside the rules, and `lint_corpus.json`,
written independently by another session without seeing the rules (measured at precision 0.905
and recall 0.896 on first contact; the misses were fixed in the rules, not in the labels).

Each item lists the hard rules it breaks. Precision and recall are counted per (text, rule): a
rule reported but not listed is a false positive, a listed rule not reported a false negative.
Clean items are chosen to tempt naive rules (tracking numbers, dates, prices, amazon links,
"feedback" and "review" used innocently, "100% cotton", "error code E4").
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.domain.compliance import RULES, Severity, lint

DATA = Path(__file__).parent / "data"
CORPORA = ["compliance_corpus.json", "lint_corpus.json"]
LANGUAGES = {"en", "de", "fr", "it", "es", "nl", "sv", "pl", "tr", "pt_BR", "ja", "ar"}
BLOCK_RULES = {r.id for r in RULES.values() if r.severity is Severity.BLOCK}


def _load(name: str | None = None) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for corpus in [name] if name else CORPORA:
        items.extend(json.loads((DATA / corpus).read_text(encoding="utf-8")))
    return items


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_covers_every_language_with_clean_and_violating_texts(name: str) -> None:
    items = _load(name)
    counts = Counter((item["language"], bool(item["violations"])) for item in items)
    assert {language for language, _ in counts} == LANGUAGES
    for language in LANGUAGES:
        assert counts[(language, True)] >= 6, language
        assert counts[(language, False)] >= 6, language
    assert sum(n for (_, bad), n in counts.items() if bad) >= 60
    assert sum(n for (_, bad), n in counts.items() if not bad) >= 60
    listed = {rule for item in items for rule in item["violations"]}  # type: ignore[attr-defined]
    assert listed <= BLOCK_RULES
    # "coupling" (a gift next to the withdrawal request) became blocking after the
    # independent corpus was written; the first corpus has examples of it.
    late = {"coupling"} if name == "lint_corpus.json" else set()
    assert listed >= BLOCK_RULES - {"length", "placeholder"} - late


@pytest.mark.parametrize("name", CORPORA)
def test_precision_and_recall_on_the_corpus(name: str) -> None:
    true_positive = false_positive = false_negative = 0
    misses: list[str] = []
    for item in _load(name):
        text = str(item["text"])
        expected = set(item["violations"])  # type: ignore[call-overload]
        found = {f.rule for f in lint(text) if f.severity is Severity.BLOCK}
        true_positive += len(found & expected)
        false_positive += len(found - expected)
        false_negative += len(expected - found)
        if found != expected:
            misses.append(f"{item['language']}: expected {expected}, got {found}: {text[:60]}")
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    assert precision >= 0.95, misses
    assert recall >= 0.95, misses


@pytest.mark.parametrize(
    "item", [i for i in _load() if not i["violations"]], ids=lambda item: f"{item['language']}"
)
def test_no_clean_text_is_blocked(item: dict[str, object]) -> None:
    assert not [f for f in lint(str(item["text"])) if f.severity is Severity.BLOCK]
