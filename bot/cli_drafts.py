"""`claimbot render`, `claimbot lint` and `claimbot templates`: drafts outside the chat.

Errors (unknown kind, language or facts key, unreadable or malformed JSON) are one translated
line on stderr and exit status 2; `lint` exits 1 when a finding blocks sending.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.domain.compliance import Finding, has_block, lint, signature_findings
from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES
from bot.drafting.facts import store_facts
from bot.drafting.renderer import FACT_KEYS, DraftFactsError, Renderer, UnknownDraftKindError
from bot.i18n.catalogs import Catalogs
from bot.i18n.locales import normalize_language
from bot.i18n.translator import Translator
from bot.settings import StoreProfile
from bot.views.claims import findings_lines

MAX_INPUT = 1_000_000  # a facts file or a text to lint is small; refuse to read a huge one


class UsageError(Exception):
    """A problem the user can fix; the message is already translated."""


def _read(source: str, tr: Translator, stdin: TextIO) -> str:
    if source == "-":
        text = stdin.read(MAX_INPUT + 1)
    else:
        try:
            with Path(source).open(encoding="utf-8") as handle:
                text = handle.read(MAX_INPUT + 1)
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(
                tr.gettext("cannot read %(file)s: %(error)s")
                % {"file": source, "error": getattr(error, "strerror", None) or error}
            ) from None
    if len(text) > MAX_INPUT:
        raise UsageError(tr.gettext("%(file)s is too large.") % {"file": source})
    return text


def _language(code: str | None, facts: dict[str, Any], tr: Translator) -> str:
    raw = code or facts.get("language")
    if raw is None and isinstance(facts.get("marketplace"), str):
        market = MARKETPLACES.get(facts["marketplace"].upper())
        raw = market.default_language if market else None
    language = normalize_language(str(raw)) if raw is not None else "en"
    if language not in BUYER_LANGUAGES:
        raise UsageError(
            tr.gettext("unknown language %(language)s; buyer languages: %(languages)s")
            % {"language": json.dumps(raw), "languages": ", ".join(BUYER_LANGUAGES)}
        )
    return language


def render(
    kind: str,
    facts_file: str,
    language: str | None,
    output: str,
    *,
    tr: Translator,
    store: StoreProfile,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    renderer = Renderer(Catalogs())
    try:
        text = _read(facts_file, tr, stdin)
        try:
            facts = json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(
                tr.gettext("%(file)s is not valid JSON: %(error)s")
                % {"file": facts_file, "error": error}
            ) from None
        if not isinstance(facts, dict):
            raise UsageError(tr.gettext("the facts must be a JSON object"))
        unknown = sorted(set(facts) - set(FACT_KEYS))
        if unknown:
            raise UsageError(
                tr.gettext("unknown facts keys: %(keys)s; known: %(known)s")
                % {"keys": ", ".join(unknown), "known": ", ".join(FACT_KEYS)}
            )
        chosen = _language(language, facts, tr)
        market = str(facts.get("marketplace", "")).upper()
        values = {**store_facts(store, market, renderer.resolve_language(chosen)), **facts}
        values.pop("language", None)
        draft = renderer.render(kind, values, chosen)
    except UsageError as error:
        print(f"claimbot render: {error}", file=err)
        return 2
    except UnknownDraftKindError:
        print(
            "claimbot render: "
            + tr.gettext("unknown kind %(kind)s; kinds: %(kinds)s")
            % {"kind": json.dumps(kind), "kinds": ", ".join(renderer.kinds())},
            file=err,
        )
        return 2
    except DraftFactsError as error:
        print(f"claimbot render: {tr.gettext(error.msgid) % error.params}", file=err)
        return 2
    findings = lint(
        draft.text,
        language=draft.requested_language,
        order_id=str(values.get("order_id")),
    )
    signature = values.get("signature")
    findings += signature_findings(
        signature if isinstance(signature, str) else None, draft.language, draft.text
    )
    if output == "json":
        json.dump(
            {
                "kind": draft.kind,
                "language": draft.language,
                "subject": draft.subject,
                "body": draft.body,
                "findings": _findings_json(findings, tr),
            },
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
    else:
        out.write(draft.text + "\n")
        if draft.is_fallback:
            print(
                tr.gettext(
                    "There is no %(language)s translation of this message yet: it is in"
                    " English. Translate it before sending."
                )
                % {"language": draft.requested_language},
                file=err,
            )
        print("\n".join(findings_lines(tr, findings)), file=err)
    return 0


def lint_command(
    source: str,
    language: str | None,
    order_id: str | None,
    output: str,
    *,
    tr: Translator,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    try:
        text = _read(source, tr, stdin)
        chosen = _language(language, {}, tr) if language else None
    except UsageError as error:
        print(f"claimbot lint: {error}", file=err)
        return 2
    findings = lint(text, language=chosen, order_id=order_id)
    if output == "json":
        json.dump({"findings": _findings_json(findings, tr)}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write("\n".join(findings_lines(tr, findings)) + "\n")
    return 1 if has_block(findings) else 0


def templates_command(*, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    renderer = Renderer(Catalogs())
    for kind in renderer.kinds():
        out.write(f"{kind}: {', '.join(renderer.languages())}\n")
    return 0


def _findings_json(findings: list[Finding], tr: Translator) -> list[dict[str, str]]:
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "message": tr.gettext(f.message),
            "excerpt": f.excerpt,
        }
        for f in findings
    ]
